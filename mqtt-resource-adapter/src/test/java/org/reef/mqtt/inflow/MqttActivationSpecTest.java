package org.reef.mqtt.inflow;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MqttActivationSpecTest {

    @Test
    void acceptsAValidFilter() {
        assertDoesNotThrow(() -> spec("chat/+/messages/#").validate());
    }

    @Test
    void refusesMissingInvalidAndSharedFilters() {
        assertThrows(InvalidPropertyException.class, () -> spec(null).validate());
        assertThrows(InvalidPropertyException.class, () -> spec(" ").validate());
        assertThrows(InvalidPropertyException.class, () -> spec("chat/#/x").validate());
        assertThrows(InvalidPropertyException.class, () -> spec("$share/g/chat/#").validate());
    }

    private static MqttActivationSpec spec(String filter) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(filter);
        return spec;
    }
}
