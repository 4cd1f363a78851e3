package org.reef.mqtt.adapter;

import jakarta.resource.spi.ResourceAdapterInternalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.testing.FakeBootstrapContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection rate settings, from the adapter's config-properties to the running broker. */
class MqttResourceAdapterTest {

    private final FakeBootstrapContext context = new FakeBootstrapContext();
    private final MqttResourceAdapter adapter = loopbackAdapter();

    @AfterEach
    void stop() throws InterruptedException {
        adapter.stop();
        context.close();
    }

    /** Only the TCP listener, on a free port. */
    static MqttResourceAdapter loopbackAdapter() {
        MqttResourceAdapter adapter = new MqttResourceAdapter();
        adapter.setPort(0);
        adapter.setTlsPort(-1);
        adapter.setWsPort(-1);
        adapter.setWssPort(-1);
        adapter.setAllowAnonymous(true);
        adapter.setIoThreads(1);
        return adapter;
    }

    @Test
    void theConnectRateDefaultsTo50PerSecondWithABurstOf200() throws Exception {
        assertEquals(50, adapter.getConnectRate());
        assertEquals(200, adapter.getConnectBurst());
        adapter.start(context);
        BrokerConfig config = adapter.requireStarted().config();
        assertEquals(50, config.connectRate());
        assertEquals(200, config.connectBurst());
        assertTrue(adapter.requireStarted().connectRate().isEnabled());
    }

    @Test
    void theConfiguredRateReachesTheBroker() throws Exception {
        adapter.setConnectRate(0);
        adapter.setConnectBurst(7);
        adapter.start(context);
        assertEquals(0, adapter.requireStarted().config().connectRate());
        assertEquals(7, adapter.requireStarted().config().connectBurst());
        assertFalse(adapter.requireStarted().connectRate().isEnabled(), "0 turns the limit off");
    }

    @Test
    void anInvalidRateOrBurstFailsTheStart() {
        adapter.setConnectRate(-1);
        ResourceAdapterInternalException negative = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(negative.getMessage().contains("connectRate"), negative.getMessage());
        adapter.setConnectRate(10);
        adapter.setConnectBurst(0);
        ResourceAdapterInternalException zeroBurst = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(zeroBurst.getMessage().contains("connectBurst"), zeroBurst.getMessage());
    }

    @Test
    void theRateSettingsTakePartInEquality() {
        MqttResourceAdapter other = loopbackAdapter();
        assertEquals(adapter, other);
        other.setConnectRate(5);
        assertNotEquals(adapter, other);
        other.setConnectRate(adapter.getConnectRate());
        other.setConnectBurst(5);
        assertNotEquals(adapter, other);
    }

    @Test
    void thePortOffsetMovesPortsLeftAtTheirDefaultsOnly() {
        MqttResourceAdapter offset = new MqttResourceAdapter();
        offset.setPortOffset(100);
        assertEquals(1983, offset.offset(1883, 1883), "a default port moves");
        assertEquals(8184, offset.offset(8084, 8084));
        assertEquals(2000, offset.offset(2000, 1883), "an explicitly set port wins");
        assertEquals(0, offset.offset(0, 1883), "a free port stays a free port");
        assertEquals(-1, offset.offset(-1, 8083), "a listener turned off stays off");
        offset.setPortOffset(0);
        assertEquals(1883, offset.offset(1883, 1883));
    }

    @Test
    void anInvalidPortOffsetFailsTheStart() {
        adapter.setPortOffset(-100);
        ResourceAdapterInternalException negative = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(negative.getMessage().contains("portOffset"), negative.getMessage());
    }
}
