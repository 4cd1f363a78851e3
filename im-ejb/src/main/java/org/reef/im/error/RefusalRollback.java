package org.reef.im.error;

import jakarta.annotation.Resource;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Default interceptor of every bean of the module (META-INF/ejb-jar.xml): when an {@link ImException} leaves the
 * outermost bean call of a transaction, marks that transaction rollback-only, so that a refused request leaves
 * nothing half-done. A refusal leaving a nested call changes nothing: the outer caller, which shares the transaction,
 * catches it or lets it out, and decides.
 *
 * <p>The outermost call is found through a marker among the transaction's resources: the first intercepted call in
 * a transaction sets it and clears it when it returns. Bean calls run inside the container's transaction
 * interceptor, so the transaction the call joined or began is already active here.
 */
public class RefusalRollback {

    private static final Object OUTERMOST_CALL = RefusalRollback.class.getName() + ".outermost";

    @Resource
    private TransactionSynchronizationRegistry transactions;

    @AroundInvoke
    public Object intercept(InvocationContext invocation) throws Exception {
        if (!beginsOutermostCall()) {
            return invocation.proceed();
        }
        try {
            return invocation.proceed();
        } catch (ImException refusal) {
            transactions.setRollbackOnly();
            throw refusal;
        } finally {
            endOutermostCall();
        }
    }

    /** Marks this call the outermost of its transaction, unless there is none or an outer call is running. */
    private boolean beginsOutermostCall() {
        try {
            if (transactions.getTransactionKey() == null
                    || Boolean.TRUE.equals(transactions.getResource(OUTERMOST_CALL))) {
                return false;
            }
            transactions.putResource(OUTERMOST_CALL, Boolean.TRUE);
            return true;
        } catch (IllegalStateException notActive) {
            return false; // completed already (a timeout): nothing left to decide
        }
    }

    private void endOutermostCall() {
        try {
            transactions.putResource(OUTERMOST_CALL, Boolean.FALSE);
        } catch (IllegalStateException notActive) {
            // completed meanwhile: the marker went with it
        }
    }
}
