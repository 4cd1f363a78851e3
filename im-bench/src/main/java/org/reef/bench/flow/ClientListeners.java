package org.reef.bench.flow;

import org.reef.bench.client.MessageListener;
import org.reef.bench.measure.PublishLog;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

/**
 * What the clients of a messaging run make of what the server sends them. Over plain MQTT a subscriber's payloads
 * are stamps for its {@link Receiver}, and a publisher hears nothing. An application protocol that wraps the stamp in
 * events of its own (the IM server's inbox) reads them itself and hands the stamps on, and its publishers hear back:
 * acknowledgements, and refusals that make a publication fail although MQTT accepted it.
 */
public interface ClientListeners {

    /** Plain MQTT: receivers read the payloads, publishers listen to nothing. */
    ClientListeners PLAIN = new ClientListeners() {
    };

    /** The listener of subscriber {@code subscriber}'s connection; it passes the stamps it finds to the receiver. */
    default MessageListener subscriber(int subscriber, Receiver receiver) {
        return receiver;
    }

    /**
     * The listener of publisher {@code publisher}'s connection, for what arrives on its
     * {@link Topology#publisherFilter} subscription; it reports refused publications to the log.
     */
    default MessageListener publisher(int publisher, PublishLog log) {
        return MessageListener.IGNORE;
    }

    /**
     * Waits, once every client has subscribed and before publishing starts, until what the server hands out on
     * subscription has arrived. Plain MQTT: nothing to wait for. The IM server gives a new device the messages no
     * device of its user has received yet (an earlier run's own messages, on a sender's inbox): left to arrive during
     * the measurement, they would load it.
     */
    default void settle(Deadline deadline, Progress progress) throws InterruptedException {
    }
}
