package org.reef.mqtt.api;

import java.util.List;

/**
 * Message listener interface for MDBs that take inbound PUBLISH packets several at a time, in one container
 * transaction: a way to amortise the commit (and the transaction's fixed costs) over many messages when each message
 * is written to a database.
 *
 * <p>Delivery follows {@link MqttMessageListener}'s rules (acknowledged after commit; each client's messages in
 * publish order), with these additions:
 * <ul>
 *     <li>a batch holds the messages that are waiting when an endpoint becomes free, up to the activation property
 *     {@code maxBatchSize} (default 32); under light load a batch has one message, so batching adds no delay;</li>
 *     <li>a batch may hold several messages of one connection (a client publishing faster than one transaction per
 *     message): they are contiguous in the list and in publish order, and the connection's later messages come
 *     only once each of these has its outcome;</li>
 *     <li>the listener returns one verdict per message, in order; a refusal must leave no trace of that message in
 *     the transaction (the other messages of the batch commit);</li>
 *     <li>if the listener throws, or the transaction does not commit, the adapter delivers each message of the batch
 *     again on its own, in a transaction of its own (a batch of one), one after the other in the batch's order (so
 *     each connection's in publish order), so one bad message or a deadlock between batches costs only a retry.</li>
 * </ul>
 */
public interface MqttBatchMessageListener {

    /**
     * Handles the messages; returns their verdicts in the same order ({@code null} entries mean accepted).
     */
    List<MqttAck> onMessages(List<MqttInboundMessage> messages);
}
