package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.WorkManager;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttDeliveryReport;
import org.reef.mqtt.api.MqttSubscriptionRequest;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.topic.Topics;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The endpoints implementing {@link MqttConnectionListener}, and the calls into them: each a Work on the
 * WorkManager whose result arrives as a {@link CompletionStage}.
 */
public final class ConnectionEvents {

    private static final Logger LOG = Logger.getLogger(ConnectionEvents.class.getName());

    private static final Method AUTHENTICATE = method("authenticate", MqttConnectRequest.class);
    private static final Method AUTHORIZE = method("authorizeSubscription", MqttSubscriptionRequest.class);
    private static final Method CONNECTED = method("connected", MqttConnectionEvent.class);
    private static final Method DISCONNECTED = method("disconnected", MqttConnectionEvent.class);
    private static final Method DELIVERED = method("delivered", MqttDeliveryReport.class);

    private static final int SUBMITTING = 0;
    private static final int SUBMITTED = 1;
    private static final int REFUSED_AT_ONCE = 2;

    private final WorkManager workManager;
    private final CopyOnWriteArrayList<MqttActivation> listeners = new CopyOnWriteArrayList<>();
    private final EventOutbox outbox = new EventOutbox(this::trySend);

    public ConnectionEvents(WorkManager workManager) {
        this.workManager = workManager;
    }

    private static Method method(String name, Class<?> parameter) {
        try {
            return MqttConnectionListener.class.getMethod(name, parameter);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public void add(MqttActivation activation) {
        listeners.add(activation);
        if (listeners.size() > 1) {
            LOG.warning("Several MqttConnectionListener endpoints are active; the first one authenticates clients");
        }
    }

    /** Removes the activation of this endpoint and spec; returns it, or null if there was none. */
    public MqttActivation remove(jakarta.resource.spi.endpoint.MessageEndpointFactory factory,
                                 MqttActivationSpec spec) {
        for (MqttActivation listener : listeners) {
            if (listener.endpointFactory() == factory && listener.spec() == spec) {
                listeners.remove(listener);
                return listener;
            }
        }
        return null;
    }

    /** Whether an endpoint can check credentials. */
    public boolean hasAuthenticator() {
        return !listeners.isEmpty();
    }

    public CompletionStage<MqttAuthentication> authenticate(MqttConnectRequest request) {
        MqttActivation first = listeners.isEmpty() ? null : listeners.get(0);
        if (first == null) {
            return CompletableFuture.completedFuture(
                    MqttAuthentication.refused(MqttAuthentication.Outcome.BAD_CREDENTIALS));
        }
        return ContainerCalls.submit(workManager, WorkLane.LOGIN,
                () -> first.call(AUTHENTICATE, e -> ((MqttConnectionListener) e).authenticate(request)));
    }

    /** The endpoints whose namespace a subscription filter reaches into. */
    public List<MqttActivation> guardsOf(String filter) {
        List<MqttActivation> guards = new ArrayList<>(1);
        for (MqttActivation listener : listeners) {
            String namespace = listener.spec().getTopicFilter();
            if (namespace != null && Topics.overlaps(namespace, filter)) {
                guards.add(listener);
            }
        }
        return guards;
    }

    /** Whether an active listener guards every topic of the namespace (a filter). */
    public boolean covers(String namespace) {
        for (MqttActivation listener : listeners) {
            String guarded = listener.spec().getTopicFilter();
            if (guarded != null && org.reef.mqtt.broker.ReservedTopics.covers(guarded, namespace)) {
                return true;
            }
        }
        return false;
    }

    /** Asks one guard; a null answer counts as acceptance. */
    public CompletionStage<MqttAck> authorize(MqttActivation guard, MqttSubscriptionRequest request) {
        return ContainerCalls.submit(workManager, WorkLane.SUBSCRIPTION_CHECK, () -> {
            MqttAck ack = guard.call(AUTHORIZE, e -> ((MqttConnectionListener) e).authorizeSubscription(request));
            return ack == null ? MqttAck.ACCEPTED : ack;
        });
    }

    public void connected(MqttConnectionEvent event) {
        notifyAll(CONNECTED, event.clientId(), event);
    }

    public void disconnected(MqttConnectionEvent event) {
        notifyAll(DISCONNECTED, event.clientId(), event);
    }

    /** Reports acknowledged tracked deliveries to every connection listener. */
    public void delivered(MqttDeliveryReport report) {
        notifyAll(DELIVERED, report.clientId(), report);
    }

    /**
     * Hands an event to every listener, each a Work in the events lane. Never dropped: what the queue refuses, and
     * what must follow such an event of the same client, waits in the {@link EventOutbox}.
     */
    private void notifyAll(Method method, String clientId, Object event) {
        for (MqttActivation listener : listeners) {
            EventOutbox.Pending pending = new EventOutbox.Pending(clientId, listener, method, event);
            if (outbox.holds(clientId) || !trySend(pending)) {
                outbox.keep(pending);
            }
        }
    }

    private static void deliver(Method method, MqttConnectionListener listener, Object event) {
        if (method == DELIVERED) {
            listener.delivered((MqttDeliveryReport) event);
        } else if (method == CONNECTED) {
            listener.connected((MqttConnectionEvent) event);
        } else {
            listener.disconnected((MqttConnectionEvent) event);
        }
    }

    /** Submits one event; false if the queue refused it at once. A later refusal puts it in the outbox. */
    private boolean trySend(EventOutbox.Pending pending) {
        AtomicInteger state = new AtomicInteger(SUBMITTING);
        ContainerCalls.submitOrElse(workManager, WorkLane.EVENTS, () -> pending.listener().call(pending.method(), e -> {
            deliver(pending.method(), (MqttConnectionListener) e, pending.event());
            return null;
        }), refusal -> {
            if (!state.compareAndSet(SUBMITTING, REFUSED_AT_ONCE)) {
                outbox.keep(pending);
            }
        }).whenComplete((ignored, failure) -> {
            if (failure != null) {
                // A listener deactivated meanwhile (shutdown): expected, and redone by the application at its start.
                LOG.log(failure instanceof EndpointDeactivatedException ? Level.FINE : Level.WARNING,
                        "Client {0}: connection event {1} failed: {2}",
                        new Object[]{LogSafe.text(pending.clientId()), pending.method().getName(), failure.toString()});
            }
        });
        return state.compareAndSet(SUBMITTING, SUBMITTED);
    }

    public int size() {
        return listeners.size();
    }

    /** The active connection-listener endpoints. */
    public List<MqttActivation> all() {
        return List.copyOf(listeners);
    }

    /** Stops retrying refused events (the adapter stops). */
    public void close() {
        outbox.close();
    }
}
