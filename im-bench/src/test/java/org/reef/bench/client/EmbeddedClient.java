package org.reef.bench.client;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;

import java.util.concurrent.CompletableFuture;

/**
 * An {@link MqttClient} over an {@link EmbeddedChannel} without codec: tests write decoded server packets in and
 * read the client's packets out as objects. Public so tests of other packages can drive a client.
 */
public final class EmbeddedClient {

    public final EmbeddedChannel channel = new EmbeddedChannel();
    public final CompletableFuture<MqttClient> connected = new CompletableFuture<>();
    public final MqttClient client;
    public final ClientStats stats = new ClientStats();

    public EmbeddedClient(ClientSettings settings, MessageListener listener) {
        client = new MqttClient(channel, settings, listener, stats, connected);
        if (settings.keepAliveSeconds() > 0) {
            channel.pipeline().addLast(KeepAliveHandler.NAME,
                    new KeepAliveHandler(settings.keepAliveSeconds(), client));
        }
        channel.pipeline().addLast(MqttClientHandler.NAME, new MqttClientHandler(client));
    }

    /** Reads the CONNECT and answers with an accepting CONNACK. */
    public MqttClient accept() {
        channel.readOutbound();
        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, false));
        return connected.join();
    }

    public static MqttConnAckMessage connAck(MqttConnectReturnCode code, boolean sessionPresent) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(sessionPresent).build();
    }
}
