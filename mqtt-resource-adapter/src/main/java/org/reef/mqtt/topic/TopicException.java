package org.reef.mqtt.topic;

/**
 * A topic name or topic filter breaks a rule of MQTT 3.1.1 section 4.7 or MQTT 5.0 sections 4.7/4.8.2.
 *
 * <p>Unchecked because the protocol layer validates at the edge and answers once per packet (SUBACK/UNSUBACK
 * reason code, or closing the connection for an invalid PUBLISH topic); code further in only sees valid topics.
 * The message names the rule broken and quotes the offending text, truncated so a 64 KiB topic cannot
 * flood a log line.
 */
public class TopicException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TopicException(String message) {
        super(message);
    }
}
