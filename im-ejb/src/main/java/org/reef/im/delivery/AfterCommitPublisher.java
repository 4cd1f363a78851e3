package org.reef.im.delivery;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.cluster.ClusterEvent;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place the IM server publishes to MQTT clients, through the resource adapter's connection factory.
 *
 * <p>Publishing waits for the caller's transaction to commit (an interposed {@link Synchronization}), so a client
 * never sees a message that was rolled back; outside a transaction it publishes at once. In a cluster every publish
 * and disconnect also goes to the other nodes ({@link ClusterBus}), for their clients: queued first, so that a local
 * failure does not keep it from them.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class AfterCommitPublisher {

    private static final Logger LOG = Logger.getLogger(AfterCommitPublisher.class.getName());

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory connectionFactory;

    @Resource
    private TransactionSynchronizationRegistry transactions;

    @EJB
    private ClusterBus cluster;

    /** Publishes after the current transaction commits; drops the message if it rolls back. */
    public void publishAfterCommit(String topic, byte[] payload, int qos) {
        publishAfterCommit(topic, payload, qos, null);
    }

    /** Like {@link #publishAfterCommit(String, byte[], int)}, except to one client (null: to all). */
    public void publishAfterCommit(String topic, byte[] payload, int qos, String exceptClientId) {
        afterCommit("publish to " + topic, connection -> {
            cluster.send(new ClusterEvent.Publish(topic, payload, qos, false, exceptClientId));
            connection.publish(topic, payload, qos, false, exceptClientId);
        });
    }

    /** A message to publish to every subscriber of its topic. */
    public record Publication(String topic, byte[] payload, int qos) {
    }

    /**
     * Once the current transaction committed: publishes the messages in order over one connection of the adapter,
     * then runs {@code then} (nothing at all on rollback). For a whole inflow batch at once.
     */
    public void publishAllAfterCommit(List<Publication> publications, Runnable then) {
        afterCommit(() -> {
            if (!publications.isEmpty()) {
                run("publish " + publications.size() + " messages", connection -> {
                    for (Publication publication : publications) {
                        cluster.send(new ClusterEvent.Publish(publication.topic(), publication.payload(),
                                publication.qos(), false, null));
                        connection.publish(publication.topic(), publication.payload(), publication.qos(), false,
                                null);
                    }
                });
            }
            then.run();
        });
    }

    /**
     * Delivers a message to one client's inbox at once, whatever becomes of the current transaction: for an error
     * event about a request that is being rolled back.
     */
    public void publishNow(String inboxTopic, byte[] payload, int qos, String clientId) {
        run("deliver to " + clientId, connection -> {
            if (!connection.deliverTo(clientId, inboxTopic, payload, qos)) {
                LOG.log(Level.FINE, "Client {0} has no session for an error event", clientId);
            }
        });
    }

    /** Sets a topic's retained message (and publishes it) after the current transaction commits. */
    public void retainAfterCommit(String topic, byte[] payload) {
        afterCommit("retain on " + topic, connection -> {
            cluster.send(new ClusterEvent.Publish(topic, payload, 1, true, null));
            connection.publish(topic, payload, 1, true);
        });
    }

    /** Closes a client's connection after the current transaction commits. */
    public void disconnectAfterCommit(String clientId) {
        afterCommit("disconnect " + clientId, connection -> {
            cluster.send(new ClusterEvent.Disconnect(clientId, null));
            connection.disconnect(clientId);
        });
    }

    /** Once committed, closes the client's connection if its session runs as this user (never someone else's). */
    public void disconnectAfterCommit(String clientId, String username) {
        afterCommit("disconnect " + clientId, connection -> {
            cluster.send(new ClusterEvent.Disconnect(clientId, username));
            connection.disconnect(clientId, username);
        });
    }

    /** Runs a task once the current transaction committed (at once outside a transaction; never on rollback). */
    public void afterCommit(Runnable task) {
        int status = transactions.getTransactionStatus();
        if (status == Status.STATUS_NO_TRANSACTION) {
            task.run();
            return;
        }
        if (status != Status.STATUS_ACTIVE) {
            return; // marked for rollback, or ending: it will not commit
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to prepare
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "After-commit task failed: {0}", e.toString());
                    }
                }
            }
        });
    }

    private void afterCommit(String what, MqttAction action) {
        afterCommit(() -> run(what, action));
    }

    private void run(String what, MqttAction action) {
        try (MqttConnection connection = connectionFactory.getConnection()) {
            action.apply(connection);
        } catch (Exception e) {
            // What it concerns is committed; clients catch up through history. Tell the operator why it failed.
            LOG.log(Level.WARNING, "MQTT {0} failed: {1}", new Object[]{what, e.toString()});
        }
    }

    @FunctionalInterface
    private interface MqttAction {
        void apply(MqttConnection connection) throws Exception;
    }
}
