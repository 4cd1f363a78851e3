package org.reef.mqtt.inflow;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttBatchMessageListener;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.api.MqttMessageListener;
import org.reef.mqtt.topic.Topics;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One activated message endpoint (one MDB) and the topic filter it receives.
 *
 * <p>{@link #deliver} runs one message through a fresh endpoint: {@code beforeDelivery} starts the container
 * transaction, {@code afterDelivery} commits it, and {@code release} returns the endpoint, each in {@code finally}
 * (JCA 2.1 section 13.5.6). It returns only if the listener returned and the transaction committed, so the caller may
 * then acknowledge the message to its publisher. Whether it committed is read from the transaction itself
 * ({@link TransactionOutcome}), never inferred from {@code afterDelivery} returning: a container may roll a transaction
 * that a bean marked rollback-only back without throwing, and the listener's verdicts are then void.
 *
 * <p>Deactivation (JCA 2.1 section 13.4.4: after {@code endpointDeactivation} returns, the container tears the endpoint
 * down) is two steps: {@link #deactivate()} makes every later delivery fail at once, before an endpoint is created (its
 * message is then not acknowledged), and {@link #awaitIdle} waits, with a bound, for the deliveries already inside the
 * endpoint to commit or roll back, so that none is cut off halfway and each one's verdict still reaches its client.
 */
public final class MqttActivation {

    static final Method ON_MESSAGE;
    static final Method ON_MESSAGES;

    static {
        try {
            ON_MESSAGE = MqttMessageListener.class.getMethod("onMessage", MqttInboundMessage.class);
            ON_MESSAGES = MqttBatchMessageListener.class.getMethod("onMessages", List.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageEndpointFactory endpointFactory;
    private final MqttActivationSpec spec;
    private final Semaphore permits;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final boolean batchListener;
    private final TransactionSynchronizationRegistry transactions;
    private volatile BatchInflow batches;
    /** Calls inside {@link #call}: counted before the deactivation check, so {@link #awaitIdle} never misses one. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean deactivated;

    /** An activation that cannot see transactions: a delivery counts as committed when afterDelivery returned. */
    public MqttActivation(MessageEndpointFactory endpointFactory, MqttActivationSpec spec) {
        this(endpointFactory, spec, null);
    }

    /**
     * @param transactions the container's registry (from the BootstrapContext), through which each delivery learns
     *                     whether its transaction committed; null only where the container offers none
     */
    public MqttActivation(MessageEndpointFactory endpointFactory, MqttActivationSpec spec,
                          TransactionSynchronizationRegistry transactions) {
        this.endpointFactory = Objects.requireNonNull(endpointFactory, "endpointFactory");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.transactions = transactions;
        Integer concurrency = spec.getMaxConcurrency();
        this.permits = new Semaphore(concurrency == null ? 16 : concurrency);
        this.batchListener = MqttBatchMessageListener.class.isAssignableFrom(endpointFactory.getEndpointClass());
    }

    /** Whether the endpoint takes messages in batches ({@link MqttBatchMessageListener}). */
    public boolean isBatchListener() {
        return batchListener;
    }

    /** The batching queue of a batch listener, created on first use with the adapter's WorkManager. */
    BatchInflow batches(WorkManager workManager) {
        BatchInflow current = batches;
        if (current == null) {
            synchronized (this) {
                current = batches;
                if (current == null) {
                    Integer concurrency = spec.getMaxConcurrency();
                    Integer batchSize = spec.getMaxBatchSize();
                    current = new BatchInflow(this, workManager, concurrency == null ? 16 : concurrency,
                            batchSize == null ? 32 : batchSize);
                    batches = current;
                }
            }
        }
        return current;
    }

    /** Takes one of the endpoint's concurrent delivery slots, if free. */
    boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /**
     * Waits for a slot without a thread: {@code resume} runs once one is released. Returns false if a slot freed
     * meanwhile and the caller should try again itself (no wake-up is lost either way).
     */
    boolean await(Runnable resume) {
        waiting.add(resume);
        if (permits.availablePermits() > 0 && waiting.remove(resume)) {
            return false;
        }
        return true;
    }

    /** Returns a slot and wakes one waiting connection. */
    void release() {
        permits.release();
        wakeNext();
    }

    /** Wakes one waiting connection, if any (also when a woken one could not use its slot). */
    void wakeNext() {
        Runnable next = waiting.poll();
        if (next != null) {
            next.run();
        }
    }

    public MessageEndpointFactory endpointFactory() {
        return endpointFactory;
    }

    public MqttActivationSpec spec() {
        return spec;
    }

    /** Whether this activation's filter matches a topic (false when it has no filter). */
    public boolean matches(String topic) {
        String filter = spec.getTopicFilter();
        return filter != null && Topics.matches(filter, topic);
    }

    /** Whether the endpoint implements {@link org.reef.mqtt.api.MqttConnectionListener}. */
    public boolean isConnectionListener() {
        return org.reef.mqtt.api.MqttConnectionListener.class.isAssignableFrom(endpointFactory.getEndpointClass());
    }

    /**
     * Delivers one message and returns the listener's verdict after the endpoint's transaction committed.
     *
     * @throws ResourceException if no endpoint could be created or the transaction did not commit
     * @throws RuntimeException  what the listener threw (its transaction was rolled back)
     */
    public MqttAck deliver(MqttInboundMessage message) throws ResourceException {
        if (batchListener) {
            return deliverBatch(List.of(message)).get(0);
        }
        MqttAck ack = call(ON_MESSAGE, endpoint -> ((MqttMessageListener) endpoint).onMessage(message));
        return ack == null ? MqttAck.ACCEPTED : ack;
    }

    /**
     * Delivers messages to a batch listener in one transaction; returns their verdicts, in order, after the commit.
     *
     * @throws ResourceException if no endpoint could be created, the transaction did not commit, or the listener
     *                           answered with the wrong number of verdicts
     * @throws RuntimeException  what the listener threw (its transaction was rolled back)
     */
    public List<MqttAck> deliverBatch(List<MqttInboundMessage> messages) throws ResourceException {
        List<MqttAck> acks = call(ON_MESSAGES, endpoint -> {
            List<MqttAck> verdicts = ((MqttBatchMessageListener) endpoint).onMessages(messages);
            if (verdicts == null || verdicts.size() != messages.size()) {
                throw new IllegalStateException("the listener returned " + (verdicts == null ? "no" : verdicts.size())
                        + " verdicts for " + messages.size() + " messages");
            }
            return verdicts;
        });
        List<MqttAck> result = new ArrayList<>(acks.size());
        for (MqttAck ack : acks) {
            result.add(ack == null ? MqttAck.ACCEPTED : ack);
        }
        return result;
    }

    /**
     * Invokes one listener method on a fresh endpoint, inside the endpoint's transaction, and returns its result
     * once the transaction committed.
     *
     * @throws ResourceException if no endpoint could be created, or the transaction did not commit (also when
     *                           {@code afterDelivery} returned normally after rolling it back)
     *
     * @param method     the listener method, declared by the endpoint's listener interface
     * @param invocation calls that method on the endpoint (which implements the listener interface)
     */
    public <R> R call(Method method, Function<Object, R> invocation) throws ResourceException {
        inFlight.incrementAndGet();
        try {
            if (deactivated) {
                throw new EndpointDeactivatedException(endpointFactory.getActivationName());
            }
            return callEndpoint(method, invocation);
        } finally {
            if (inFlight.decrementAndGet() == 0 && deactivated) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    /**
     * Refuses every later delivery: each fails at once, before an endpoint is created, so its message is not
     * acknowledged (MQTT 5: PUBACK 0x80) and the client sends it again to the next server. Deliveries already inside
     * the endpoint go on; {@link #awaitIdle} waits for them.
     */
    public void deactivate() {
        deactivated = true;
    }

    /** Whether {@link #deactivate()} was called. */
    public boolean isDeactivated() {
        return deactivated;
    }

    /** Deliveries inside the endpoint now. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until no delivery is inside the endpoint, or until the deadline.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value
     * @return whether it became idle in time
     */
    public boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    private <R> R callEndpoint(Method method, Function<Object, R> invocation) throws ResourceException {
        MessageEndpoint endpoint = endpointFactory.createEndpoint(null);
        try {
            beginDelivery(endpoint, method);
            TransactionOutcome outcome;
            R result;
            try {
                outcome = TransactionOutcome.follow(transactions);
                result = invocation.apply(endpoint);
            } catch (ResourceException | RuntimeException | Error failure) {
                endAfterFailure(endpoint, failure);
                throw failure;
            }
            endpoint.afterDelivery();
            outcome.requireCommitted();
            return result;
        } finally {
            endpoint.release();
        }
    }

    private static void beginDelivery(MessageEndpoint endpoint, Method method) throws ResourceException {
        try {
            endpoint.beforeDelivery(method);
        } catch (NoSuchMethodException e) {
            throw new ResourceException("the endpoint does not implement " + method, e);
        }
    }

    /** Ends the delivery after the listener threw, keeping the listener's exception as the one reported. */
    private static void endAfterFailure(MessageEndpoint endpoint, Throwable listenerFailure) {
        try {
            endpoint.afterDelivery();
        } catch (ResourceException | RuntimeException e) {
            listenerFailure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "MqttActivation[" + spec.getTopicFilter() + "]";
    }
}
