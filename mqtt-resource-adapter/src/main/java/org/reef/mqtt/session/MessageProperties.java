package org.reef.mqtt.session;

import java.util.List;

/**
 * The MQTT 5 properties of an application message that the server passes through unchanged from publisher to
 * subscriber (MQTT 5.0 section 3.3.2.3): Payload Format Indicator, Content Type, Response Topic, Correlation Data
 * and User Properties. MQTT 3.1.1 messages have {@link #NONE}.
 *
 * @param payloadFormatIndicator 0 (bytes), 1 (UTF-8), or null when absent
 * @param contentType            MIME type, or null
 * @param responseTopic          topic for a response, or null
 * @param correlationData        opaque request correlation, or null
 * @param userProperties         name/value pairs in order, possibly repeated names
 */
public record MessageProperties(Integer payloadFormatIndicator, String contentType, String responseTopic,
                                byte[] correlationData, List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(null, null, null, null, List.of());

    public MessageProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    public boolean isEmpty() {
        return payloadFormatIndicator == null && contentType == null && responseTopic == null
                && correlationData == null && userProperties.isEmpty();
    }

    /** One MQTT 5 User Property. */
    public record UserProperty(String name, String value) {
    }
}
