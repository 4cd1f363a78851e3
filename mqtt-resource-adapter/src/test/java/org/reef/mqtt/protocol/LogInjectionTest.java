package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security review L5: a client id with CR/LF cannot forge log lines: it is logged escaped. */
class LogInjectionTest {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final Logger logger = Logger.getLogger("org.reef.mqtt");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previous;

    @AfterEach
    void close() throws InterruptedException {
        logger.removeHandler(capture);
        logger.setLevel(previous);
        workManager.close();
    }

    @Test
    void aClientIdWithLineBreaksIsLoggedEscaped() {
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(
                new MqttBroker(BrokerConfig.forTests(), workManager));
        connection.send(MqttMessageBuilders.connect().clientId("evil\r\nSEVERE: forged line")
                .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true).build());
        connection.received();
        connection.send(MqttMessageBuilders.connect().clientId("again").protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).build()); // a second CONNECT: closed, and logged at INFO with the client id
        connection.received();
        connection.close();
        assertTrue(lines.stream().anyMatch(line -> line.contains("evil\\r\\nSEVERE: forged line")),
                "the client id is logged, escaped: " + lines);
        assertFalse(lines.stream().anyMatch(line -> line.contains("\n") || line.contains("\r")), "lines: " + lines);
    }
}
