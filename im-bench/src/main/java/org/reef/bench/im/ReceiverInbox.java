package org.reef.bench.im;

import io.netty.buffer.ByteBuf;
import org.reef.bench.client.MessageListener;
import org.reef.bench.flow.Receiver;
import org.reef.bench.flow.Stamp;

/**
 * The inbox of a receiving device: every message event goes to its {@link ConversationOrder} (the server's seqs
 * cover system messages and earlier runs' messages too), and those of this run to its {@link Receiver} (loss,
 * duplicates by sender and {@code clientMsgId}, latency); everything else is counted.
 * Runs on the device's event loop, before the delivery is acknowledged.
 */
final class ReceiverInbox implements MessageListener {

    private final ImMessageFormat format;
    private final Receiver receiver;
    private final InboxCounters counters;
    private final ConversationOrder order = new ConversationOrder();

    ReceiverInbox(ImMessageFormat format, Receiver receiver, InboxCounters counters) {
        this.format = format;
        this.receiver = receiver;
        this.counters = counters;
    }

    @Override
    public void onMessage(String topic, ByteBuf payload) {
        long now = System.nanoTime();
        counters.eventReceived();
        ImEvent event = ImEvent.parse(payload);
        if (event == null) {
            counters.unreadableReceived();
            return;
        }
        switch (event.type()) {
            case ImEvent.MESSAGE -> message(event, now);
            case ImEvent.ERROR -> counters.errorReceived(event.code());
            // the server acknowledges to every device of the sender: in a group the sender's receiving device too
            case ImEvent.ACK -> counters.otherEventReceived("ack on a receiving device (the sender's other device)");
            default -> counters.otherEventReceived(event.type() + " on a receiving device");
        }
    }

    private void message(ImEvent event, long now) {
        order.record(event.conversation(), event.seq());
        if (event.isSystemMessage()) {
            counters.systemMessageReceived();
            return;
        }
        if (!format.isOurs(event.clientMsgId())) {
            counters.otherRunReceived();
            return;
        }
        Stamp stamp = format.stamp(event);
        if (stamp == null) {
            receiver.countUnexpected();
        } else {
            receiver.record(stamp, now);
        }
    }

    ConversationOrder order() {
        return order;
    }
}
