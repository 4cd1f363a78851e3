package org.reef.mqtt.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import org.reef.mqtt.broker.MqttBroker;

import java.util.Objects;
import java.util.Set;

/**
 * Pipeline of an MQTT over WebSocket connection (MQTT 5.0 section 6), with TLS in front for the secure listener:
 * HTTP until the WebSocket handshake on {@code path} completed, then binary frames unwrapped into the MQTT stream.
 *
 * <p>Order: [ssl] - HTTP codec - HTTP aggregator (bounded, handshake requests only) - WebSocket protocol (handshake,
 * ping, pong, close) - {@link HttpRefusalHandler} (any other HTTP request) - {@link WebSocketBinaryFrameHandler} -
 * {@link WebSocketBinaryFrameEncoder} - the MQTT part. No HTTP object reaches the MQTT decoder: the handshake handler
 * consumes the upgrade request, the refusal handler every other one. After the handshake Netty swaps the HTTP codec
 * for the WebSocket frame codec and drops the aggregator.
 *
 * <p>Subprotocol: the client MUST offer "mqtt" and the server MUST select it [MQTT-6.0.0-3], [MQTT-6.0.0-4];
 * "mqttv3.1" is accepted too for MQTT 3.1 clients (Paho sends it for protocol level 3). Extensions are refused.
 */
public final class MqttWebSocketChannelInitializer extends MqttChannelInitializer {

    public static final String HTTP_CODEC = "httpCodec";
    public static final String HTTP_AGGREGATOR = "httpAggregator";
    public static final String WEBSOCKET_PROTOCOL = "webSocketProtocol";
    public static final String HTTP_REFUSAL = "httpRefusal";
    public static final String WEBSOCKET_FRAME_DECODER = "webSocketFrameDecoder";
    public static final String WEBSOCKET_FRAME_ENCODER = "webSocketFrameEncoder";

    /** Subprotocols offered in the handshake, in Netty's comma-separated form. */
    public static final String SUBPROTOCOLS = "mqtt,mqttv3.1";

    /** Largest HTTP request accepted; only the upgrade request is expected, and it has no body. */
    static final int MAX_HTTP_REQUEST_BYTES = 64 * 1024;

    /**
     * Room in a frame beyond the maximum packet size: the packet's fixed header (up to 5 bytes, MQTT 5.0 section
     * 2.1.4) and small packets a client may send in the same frame.
     */
    static final int FRAME_SLACK_BYTES = 4096;

    /** A connection that has not completed the handshake within this time is closed. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final WebSocketServerProtocolConfig webSocketConfig;
    private final SslContext sslContext;

    /**
     * @param path       HTTP path of the endpoint, e.g. {@code /mqtt}; matched exactly
     * @param sslContext the server's TLS context for the secure listener, {@code null} for plain WebSocket
     */
    public MqttWebSocketChannelInitializer(MqttBroker broker, Set<Channel> openChannels, String path,
                                           SslContext sslContext) {
        super(broker, openChannels);
        this.sslContext = sslContext;
        this.webSocketConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(Objects.requireNonNull(path, "path"))
                .checkStartsWith(false)
                .subprotocols(SUBPROTOCOLS)
                .allowExtensions(false)
                .maxFramePayloadLength(maxFramePayload(broker.config().maxPacketSize()))
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .build();
    }

    @Override
    protected void addTransportHandlers(Channel channel, ChannelPipeline pipeline) {
        if (sslContext != null) {
            MqttTlsChannelInitializer.addSsl(channel, pipeline, sslContext);
        }
        pipeline.addLast(HTTP_CODEC, new HttpServerCodec());
        pipeline.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
        pipeline.addLast(WEBSOCKET_PROTOCOL, new WebSocketServerProtocolHandler(webSocketConfig));
        pipeline.addLast(HTTP_REFUSAL, HttpRefusalHandler.INSTANCE);
        pipeline.addLast(WEBSOCKET_FRAME_DECODER, new WebSocketBinaryFrameHandler());
        pipeline.addLast(WEBSOCKET_FRAME_ENCODER, WebSocketBinaryFrameEncoder.INSTANCE);
    }

    static int maxFramePayload(int maxPacketSize) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxPacketSize + FRAME_SLACK_BYTES);
    }
}
