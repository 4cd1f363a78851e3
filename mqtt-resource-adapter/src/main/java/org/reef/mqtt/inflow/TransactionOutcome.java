package org.reef.mqtt.inflow;

import jakarta.resource.ResourceException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Learns how the transaction of one delivery ended, from the transaction itself: registered on the delivering thread
 * once {@code beforeDelivery} began the endpoint's transaction, told the final status when it completes.
 *
 * <p>Why the adapter cannot trust {@code afterDelivery} returning normally: JCA 2.1 section 13.5.6 leaves the
 * completion to the application server, and WildFly's endpoint rolls a transaction marked rollback-only back
 * <em>without</em> throwing. A listener that returned verdicts inside such a transaction saw its work undone; the
 * adapter must then acknowledge nothing (see {@link MqttActivation#call}).
 */
final class TransactionOutcome implements Synchronization {

    /** No transaction on this thread: the delivery is not transacted, nothing to wait for. */
    private static final TransactionOutcome UNTRANSACTED = new TransactionOutcome();

    private static final int UNKNOWN = -1;

    private volatile int status = UNKNOWN;

    private TransactionOutcome() {
    }

    /**
     * Starts following the transaction active on this thread, if any.
     *
     * @param registry the container's registry, or null when the container offers none (then a delivery is taken as
     *                 committed once {@code afterDelivery} returned normally, the only evidence there is)
     * @throws ResourceException if a transaction is active but cannot be followed: the delivery must not go on
     */
    static TransactionOutcome follow(TransactionSynchronizationRegistry registry) throws ResourceException {
        if (registry == null || registry.getTransactionKey() == null) {
            return UNTRANSACTED;
        }
        TransactionOutcome outcome = new TransactionOutcome();
        try {
            registry.registerInterposedSynchronization(outcome);
        } catch (IllegalStateException e) {
            throw new ResourceException("cannot follow the endpoint's transaction: " + e.getMessage(), e);
        }
        return outcome;
    }

    @Override
    public void beforeCompletion() {
        // nothing to prepare
    }

    @Override
    public void afterCompletion(int finalStatus) {
        status = finalStatus;
    }

    /**
     * Called after {@code afterDelivery} returned: throws unless the transaction committed.
     *
     * @throws ResourceException if it rolled back (for example because a bean marked it rollback-only) or has not
     *                           completed
     */
    void requireCommitted() throws ResourceException {
        if (this == UNTRANSACTED) {
            return;
        }
        int finalStatus = status;
        if (finalStatus != Status.STATUS_COMMITTED) {
            throw new ResourceException("the endpoint's transaction did not commit ("
                    + (finalStatus == UNKNOWN ? "not completed" : statusName(finalStatus)) + ")");
        }
    }

    private static String statusName(int status) {
        return switch (status) {
            case Status.STATUS_ROLLEDBACK -> "rolled back";
            case Status.STATUS_MARKED_ROLLBACK -> "marked rollback-only";
            case Status.STATUS_UNKNOWN -> "status unknown";
            default -> "status " + status;
        };
    }
}
