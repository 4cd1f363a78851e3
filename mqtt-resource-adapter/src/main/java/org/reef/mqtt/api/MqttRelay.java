package org.reef.mqtt.api;

/**
 * Where the broker hands each message its clients published (and each will it published) after routing it to its
 * own subscribers, so that an application can carry it to the other brokers of a cluster; there, {@link
 * MqttConnection#routeRelayed(byte[])} routes it to their subscribers. The message is opaque bytes: topic, payload,
 * QoS, RETAIN, publisher (for No Local) and MQTT 5 properties, in the adapter's own format.
 *
 * <p>Called on the broker's network threads, in each publisher's order: it must return at once (queue, never block
 * or fail). Messages of the application's own namespaces (message inflow) and those published through a
 * {@link MqttConnection} are not relayed: the application decides about those itself.
 */
@FunctionalInterface
public interface MqttRelay {

    void relay(byte[] message);
}
