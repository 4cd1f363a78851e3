package org.reef.bench.client;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepAliveHandlerTest {

    private final EmbeddedClient embedded = new EmbeddedClient(
            ClientSettings.of("k", MqttVersion.MQTT_3_1_1).withKeepAlive(10), MessageListener.IGNORE);

    private void advance(long seconds) {
        embedded.channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        embedded.channel.runScheduledPendingTasks();
    }

    @Test
    void anIdleClientPingsOncePerKeepAlivePeriod() {
        embedded.accept();
        advance(9);
        assertNull(embedded.channel.readOutbound(), "no ping before the period is over");
        advance(2);
        MqttMessage ping = embedded.channel.readOutbound();
        assertEquals(MqttMessageType.PINGREQ, ping.fixedHeader().messageType());
        assertEquals(1, embedded.stats.pingsSent());
        embedded.channel.writeInbound(MqttMessage.PINGRESP);
        assertEquals(1, embedded.stats.pingResponses());
        assertTrue(embedded.channel.isOpen());
    }

    @Test
    void aSilentServerIsGivenUpAfterTwoPeriods() {
        embedded.accept();
        for (int i = 0; i < 21; i++) {
            advance(1);
        }
        assertFalse(embedded.channel.isOpen());
        assertTrue(embedded.client.closeReason().startsWith("no packet from the server"),
                embedded.client.closeReason());
    }
}
