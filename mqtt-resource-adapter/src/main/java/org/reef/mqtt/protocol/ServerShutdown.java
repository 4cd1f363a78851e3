package org.reef.mqtt.protocol;

/**
 * The user event that closes a connection because the server stops: an MQTT 5 client gets DISCONNECT 0x8B (Server
 * shutting down, MQTT 5.0 section 3.14.2.1) before the close, so it knows to reconnect elsewhere or later; MQTT 3.1.x
 * has no server DISCONNECT, so its connection is just closed. Fired through each channel's pipeline, so it runs on the
 * connection's event loop after the tasks already queued there (the answers of deliveries that completed).
 */
public enum ServerShutdown {
    INSTANCE
}
