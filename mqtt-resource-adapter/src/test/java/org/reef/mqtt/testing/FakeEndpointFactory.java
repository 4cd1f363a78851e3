package org.reef.mqtt.testing;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.api.MqttMessageListener;

import javax.transaction.xa.XAResource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A MessageEndpointFactory like the container's: each endpoint is a proxy implementing MessageEndpoint and the
 * listener interface, recording the lifecycle calls it sees ("create", "before", "onMessage:topic", "after",
 * "release") in order.
 */
public final class FakeEndpointFactory implements MessageEndpointFactory {

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<MqttInboundMessage> received = new CopyOnWriteArrayList<>();
    private final Function<MqttInboundMessage, MqttAck> listener;
    private volatile RuntimeException afterDeliveryFailure;

    public FakeEndpointFactory(Function<MqttInboundMessage, MqttAck> listener) {
        this.listener = listener;
    }

    /** The next afterDelivery calls throw this (a failed commit). */
    public void failCommits(RuntimeException failure) {
        this.afterDeliveryFailure = failure;
    }

    public List<String> calls() {
        return calls;
    }

    public List<MqttInboundMessage> received() {
        return received;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource) {
        calls.add("create");
        InvocationHandler handler = (proxy, method, args) -> invoke(method, args);
        return (MessageEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MessageEndpoint.class, MqttMessageListener.class}, handler);
    }

    private Object invoke(Method method, Object[] args) throws Exception {
        switch (method.getName()) {
            case "beforeDelivery" -> calls.add("before");
            case "afterDelivery" -> {
                calls.add("after");
                if (afterDeliveryFailure != null) {
                    throw new jakarta.resource.spi.ApplicationServerInternalException("commit failed",
                            afterDeliveryFailure);
                }
            }
            case "release" -> calls.add("release");
            case "onMessage" -> {
                MqttInboundMessage message = (MqttInboundMessage) args[0];
                calls.add("onMessage:" + message.topic());
                received.add(message);
                return listener.apply(message);
            }
            case "toString" -> {
                return "FakeEndpoint";
            }
            case "hashCode" -> {
                return System.identityHashCode(this);
            }
            case "equals" -> {
                return false;
            }
            default -> throw new IllegalStateException("unexpected call " + method.getName());
        }
        return null;
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
        return "fake";
    }

    @Override
    public Class<?> getEndpointClass() {
        return MqttMessageListener.class;
    }
}
