/**
 * An asynchronous MQTT 3.1.1/5 client built directly on Netty's MQTT codec, just enough for load: CONNECT/CONNACK,
 * SUBSCRIBE/SUBACK, PUBLISH at QoS 0 and 1 with a bounded in-flight window, PUBACK both ways, keep-alive, DISCONNECT.
 * All state of a connection lives on its event loop; one event loop group serves every client of a run.
 */
package org.reef.bench.client;
