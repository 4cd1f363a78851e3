package org.reef.bench.scenario;

import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.im.Accounts;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ImTopologyTest {

    private final Accounts accounts = new Accounts(Map.of("a0", "ta0", "a1", "ta1", "b0", "tb0", "b1", "tb1",
            "m2", "tm2"), 5, 0, 1.0);
    private final ClientSettings base = ClientSettings.of("bench-r1", MqttVersion.MQTT_3_1_1);

    @Test
    void pairsSendToTheirPartnerAndEveryDeviceSignsInWithItsUsersToken() {
        ImTopology pairs = ImTopology.pairs(List.of("a0", "a1"), List.of("b0", "b1"), accounts);
        assertEquals(List.of("user:b0", "user:b1"), pairs.recipients());
        assertEquals("im/send", pairs.publishTopic(1));
        assertEquals("im/inbox/a1", pairs.publisherFilter(1), "the sender hears acks and errors on its inbox");
        assertEquals("im/inbox/b1", pairs.subscriptionFilter(1));
        assertArrayEquals(new int[] {1}, pairs.sourcesOf(1));
        ClientSettings sender = pairs.publisherSettings(1, base);
        assertEquals("bench-r1-p1", sender.clientId());
        assertEquals("a1", sender.username());
        assertEquals("ta1", sender.password());
        ClientSettings receiver = pairs.subscriberSettings(0, base);
        assertEquals("bench-r1-s0", receiver.clientId());
        assertEquals("b0", receiver.username());
        assertEquals("tb0", receiver.password());
    }

    @Test
    void everyGroupMemberIsOwedEverySendersMessages() {
        ImTopology group = ImTopology.group(List.of("a0", "a1"), "group:g1", List.of("a0", "a1", "m2"), accounts);
        assertEquals(2, group.publishers());
        assertEquals(3, group.subscribers());
        assertEquals(List.of("group:g1", "group:g1"), group.recipients());
        assertArrayEquals(new int[] {0, 1}, group.sourcesOf(2));
        assertArrayEquals(new int[] {0, 1}, group.sourcesOf(0), "the sender's receiving device too");
        assertEquals("a0", group.publisherSettings(0, base).username());
        assertEquals("a0", group.subscriberSettings(0, base).username());
        assertEquals("bench-r1-p0", group.publisherSettings(0, base).clientId());
        assertEquals("bench-r1-s0", group.subscriberSettings(0, base).clientId(), "two devices of one user");
    }
}
