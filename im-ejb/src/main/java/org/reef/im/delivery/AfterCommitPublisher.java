package org.reef.im.delivery;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place the IM server publishes to MQTT clients, through the resource adapter's connection factory.
 *
 * <p>Publishing waits for the caller's transaction to commit (an interposed {@link Synchronization}), so a client
 * never sees a message that was rolled back; outside a transaction it publishes at once.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class AfterCommitPublisher {

    private static final Logger LOG = Logger.getLogger(AfterCommitPublisher.class.getName());

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory connectionFactory;

    @Resource
    private TransactionSynchronizationRegistry transactions;

    /** Publishes after the current transaction commits; drops the message if it rolls back. */
    public void publishAfterCommit(String topic, byte[] payload, int qos) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            publish(topic, payload, qos);
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to prepare
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    publish(topic, payload, qos);
                }
            }
        });
    }

    private void publish(String topic, byte[] payload, int qos) {
        try (MqttConnection connection = connectionFactory.getConnection()) {
            connection.publish(topic, payload, qos, false);
        } catch (Exception e) {
            // The message is stored; clients catch up through history. Tell the operator why delivery failed.
            LOG.log(Level.WARNING, "Publishing to {0} failed: {1}", new Object[]{topic, e.toString()});
        }
    }
}
