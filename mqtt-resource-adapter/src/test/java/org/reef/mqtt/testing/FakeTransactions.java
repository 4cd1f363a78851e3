package org.reef.mqtt.testing;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Transactions bound to the current thread, completed the way WildFly's message endpoints complete them:
 * {@link #end()} commits, or, when the transaction was marked rollback-only, rolls back without throwing. Interposed
 * synchronizations hear the final status.
 */
public final class FakeTransactions implements TransactionSynchronizationRegistry {

    private static final class Tx {
        final Object key = new Object();
        final Map<Object, Object> resources = new HashMap<>();
        final List<Synchronization> synchronizations = new ArrayList<>();
        boolean rollbackOnly;
    }

    private final ThreadLocal<Tx> current = new ThreadLocal<>();

    /** Begins a transaction on this thread (what beforeDelivery does). */
    public void begin() {
        if (current.get() != null) {
            throw new IllegalStateException("a transaction is already active");
        }
        current.set(new Tx());
    }

    /** Ends this thread's transaction (what afterDelivery does): returns whether it committed; never throws. */
    public boolean end() {
        Tx tx = current.get();
        current.remove();
        if (tx == null) {
            return false;
        }
        int status = tx.rollbackOnly ? Status.STATUS_ROLLEDBACK : Status.STATUS_COMMITTED;
        tx.synchronizations.forEach(s -> s.afterCompletion(status));
        return status == Status.STATUS_COMMITTED;
    }

    private Tx require() {
        Tx tx = current.get();
        if (tx == null) {
            throw new IllegalStateException("no transaction");
        }
        return tx;
    }

    @Override
    public Object getTransactionKey() {
        Tx tx = current.get();
        return tx == null ? null : tx.key;
    }

    @Override
    public void putResource(Object key, Object value) {
        require().resources.put(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return require().resources.get(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        require().synchronizations.add(sync);
    }

    @Override
    public int getTransactionStatus() {
        Tx tx = current.get();
        return tx == null ? Status.STATUS_NO_TRANSACTION
                : tx.rollbackOnly ? Status.STATUS_MARKED_ROLLBACK : Status.STATUS_ACTIVE;
    }

    @Override
    public void setRollbackOnly() {
        require().rollbackOnly = true;
    }

    @Override
    public boolean getRollbackOnly() {
        return require().rollbackOnly;
    }
}
