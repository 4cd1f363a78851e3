package org.reef.mqtt.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.protocol.ConnectDeadline;
import org.reef.mqtt.protocol.MqttConnectionHandler;
import org.reef.mqtt.protocol.MqttFrameDecoder;
import org.reef.mqtt.protocol.PacketCounter;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The part of every connection's pipeline that speaks MQTT, whatever carries it: flush consolidation, the MQTT codec
 * bounded by the maximum packet size, and the per-connection protocol handler. Each transport's subclass adds its own
 * handlers first (TLS, HTTP and WebSocket), so that by the time bytes reach {@link #DECODER} they are the MQTT byte
 * stream of MQTT 5.0 section 4.2, whichever listener accepted the connection.
 *
 * <p>Every connection also joins the server's set of open channels and leaves it when closed, so that stopping the
 * server can close them all.
 */
public abstract class MqttChannelInitializer extends ChannelInitializer<Channel> {

    public static final String FLUSH = "flushConsolidation";
    public static final String FRAMER = "mqttFramer";
    public static final String DECODER = "mqttDecoder";
    public static final String ENCODER = "mqttEncoder";
    public static final String HANDLER = "mqttConnection";

    private static final Logger LOG = Logger.getLogger(MqttChannelInitializer.class.getName());

    /** Writes between two reads are flushed together, at most this many at a time. */
    private static final int FLUSHES_BEFORE_FLUSH = 256;

    private final MqttBroker broker;
    private final Set<Channel> openChannels;
    private final ByteCounter byteCounter;
    /** Connections of this listener open now, counted from accept (CONNECT or not). */
    private final LongAdder open = new LongAdder();

    /**
     * @param openChannels the server's set of open connections; each channel adds itself and leaves on close
     */
    protected MqttChannelInitializer(MqttBroker broker, Set<Channel> openChannels) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.openChannels = Objects.requireNonNull(openChannels, "openChannels");
        this.byteCounter = new ByteCounter(broker.metrics());
    }

    /** Connections this listener accepted that are still open. */
    public long openConnections() {
        return open.sum();
    }

    /**
     * Admits the connection against the connection caps (else closes it before reading anything: with no CONNECT
     * read, the protocol level and so the form of a CONNACK are unknown), then builds its pipeline behind the CONNECT
     * deadline, which thus also covers the transport's handshakes.
     */
    @Override
    protected final void initChannel(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
        if (!broker.admission().admit(remote)) {
            broker.metrics().refusedAtAccept();
            LOG.log(Level.FINE, "{0}: connection cap reached, closing at accept", remote);
            channel.config().setAutoRead(false);
            channel.close();
            return;
        }
        openChannels.add(channel);
        open.increment();
        channel.closeFuture().addListener(f -> {
            openChannels.remove(channel);
            open.decrement();
            broker.admission().release(remote);
        });
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(ByteCounter.NAME, byteCounter);
        pipeline.addLast(ConnectDeadline.NAME, new ConnectDeadline(
                TimeUnit.SECONDS.toMillis(broker.config().limits().connectTimeoutSeconds()),
                broker.metrics()::connectTimedOut));
        addTransportHandlers(channel, pipeline);
        PacketCounter counter = new PacketCounter();
        pipeline.addLast(FLUSH, new FlushConsolidationHandler(FLUSHES_BEFORE_FLUSH, true));
        pipeline.addLast(FRAMER, new MqttFrameDecoder(broker.config().maxPacketSize(), counter));
        pipeline.addLast(DECODER,
                new MqttDecoder(broker.config().maxPacketSize(), broker.config().maxClientIdLength()));
        pipeline.addLast(ENCODER, MqttEncoder.INSTANCE);
        pipeline.addLast(HANDLER, mqttHandler(broker, counter));
    }

    /**
     * Adds, with {@code addLast}, what turns the connection into a plain MQTT byte stream; runs before the MQTT part
     * is added behind it.
     */
    protected abstract void addTransportHandlers(Channel channel, ChannelPipeline pipeline);

    /** The one place the protocol handler of a new connection is created. */
    protected ChannelHandler mqttHandler(MqttBroker broker, PacketCounter counter) {
        return new MqttConnectionHandler(broker, counter);
    }

    protected final MqttBroker broker() {
        return broker;
    }
}
