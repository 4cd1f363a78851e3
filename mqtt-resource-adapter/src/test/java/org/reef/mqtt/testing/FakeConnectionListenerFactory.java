package org.reef.mqtt.testing;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttSubscriptionRequest;

import javax.transaction.xa.XAResource;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An endpoint factory for a connection-listener MDB: each endpoint is a proxy implementing MessageEndpoint and
 * {@link MqttConnectionListener} that forwards to the given listener, recording the lifecycle calls.
 */
public final class FakeConnectionListenerFactory implements MessageEndpointFactory {

    private final MqttConnectionListener listener;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    public FakeConnectionListenerFactory(MqttConnectionListener listener) {
        this.listener = listener;
    }

    /** A listener that accepts one user name and password, and lets users subscribe only below their own name. */
    public static FakeConnectionListenerFactory acceptingOnly(String username, String password,
                                                              List<MqttConnectionEvent> events) {
        return new FakeConnectionListenerFactory(new MqttConnectionListener() {
            @Override
            public MqttAuthentication authenticate(MqttConnectRequest request) {
                return username.equals(request.username()) && request.password() != null
                        && password.equals(new String(request.password()))
                        ? MqttAuthentication.accepted(request.username())
                        : MqttAuthentication.refused(MqttAuthentication.Outcome.BAD_CREDENTIALS);
            }

            @Override
            public MqttAck authorizeSubscription(MqttSubscriptionRequest request) {
                return request.username() != null && request.topicFilter().equals("im/inbox/" + request.username())
                        ? MqttAck.ACCEPTED : MqttAck.refused(0x87, "not yours");
            }

            @Override
            public void connected(MqttConnectionEvent event) {
                events.add(event);
            }

            @Override
            public void disconnected(MqttConnectionEvent event) {
                events.add(event);
            }
        });
    }

    public List<String> calls() {
        return calls;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource) {
        return (MessageEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MessageEndpoint.class, MqttConnectionListener.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    if (method.getDeclaringClass() == MqttConnectionListener.class) {
                        return method.invoke(listener, args);
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "FakeConnectionEndpoint";
                        default -> null; // beforeDelivery, afterDelivery, release
                    };
                });
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) {
        return createEndpoint(xaResource);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return true;
    }

    @Override
    public String getActivationName() {
        return "fake-connection-listener";
    }

    @Override
    public Class<?> getEndpointClass() {
        return ListenerBean.class;
    }

    /** Stands for the MDB class. */
    public abstract static class ListenerBean implements MqttConnectionListener {
    }
}
