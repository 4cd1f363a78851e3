package org.reef.bench.im;

import io.netty.buffer.ByteBuf;
import org.reef.bench.client.MessageListener;
import org.reef.bench.measure.PublishLog;

/**
 * The inbox of a sending device: the server acknowledges each stored message there, and refuses with an error event
 * what it would not store (Reef IM protocol v1, "Events"). A refusal fails the message in the publisher's log, so
 * it is never owed to a receiver: MQTT 3.1.1 acknowledges a refused PUBLISH like any other (only MQTT 5's PUBACK
 * carries the reason). A message event here is another sender's or the server's (a group), or an earlier run's; the
 * sending device never gets a copy of what it sent itself. Runs on the device's event loop.
 */
final class SenderInbox implements MessageListener {

    private final ImMessageFormat format;
    private final PublishLog log;
    private final InboxCounters counters;

    SenderInbox(ImMessageFormat format, PublishLog log, InboxCounters counters) {
        this.format = format;
        this.log = log;
        this.counters = counters;
    }

    @Override
    public void onMessage(String topic, ByteBuf payload) {
        counters.eventReceived();
        ImEvent event = ImEvent.parse(payload);
        if (event == null) {
            counters.unreadableReceived();
            return;
        }
        switch (event.type()) {
            case ImEvent.ACK -> {
                if (format.isOurs(event.clientMsgId())) {
                    counters.ackReceived();
                } else {
                    counters.otherRunReceived();
                }
            }
            case ImEvent.ERROR -> {
                counters.errorReceived(event.code());
                int seq = format.seqOf(event.clientMsgId());
                if (seq >= 0) {
                    log.failed(seq);
                }
            }
            case ImEvent.MESSAGE -> {
                if (event.isSystemMessage()) {
                    counters.systemMessageReceived();
                } else if (format.isOurs(event.clientMsgId())) {
                    counters.otherEventReceived("message of this run on a sending device");
                } else {
                    counters.otherRunReceived();
                }
            }
            default -> counters.otherEventReceived(event.type() + " on a sending device");
        }
    }
}
