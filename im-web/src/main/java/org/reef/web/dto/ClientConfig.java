package org.reef.web.dto;

/**
 * What the web client needs to find the MQTT WebSocket listener on its own: the page connects to the host it was
 * loaded from, on these ports and this path, so it works when HTTP and MQTT run on offset ports.
 *
 * @param mqttWsPort   port of MQTT over WebSocket ({@code REEF_MQTT_WS_PORT}), -1 when that listener is off
 * @param mqttWssPort  port of MQTT over secure WebSocket ({@code REEF_MQTT_WSS_PORT}), -1 when off or without a
 *                     keystore (the listener only starts with one)
 * @param mqttWsPath   HTTP path of both WebSocket listeners ({@code REEF_MQTT_WS_PATH})
 * @param maxBodyBytes largest message body the server accepts ({@code REEF_MAX_BODY}), so the page can refuse early
 */
public record ClientConfig(int mqttWsPort, int mqttWssPort, String mqttWsPath, int maxBodyBytes) {
}
