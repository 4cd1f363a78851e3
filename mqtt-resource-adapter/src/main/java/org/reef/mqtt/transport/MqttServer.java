package org.reef.mqtt.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded Netty server: owns the event loops and the listening socket. {@link #start()} binds synchronously so
 * that a port conflict fails the resource adapter's start (and with it the deployment); {@link #stop()} closes the
 * listener and every connection and waits, with a bound, for the event loop threads to end.
 */
public final class MqttServer {

    private static final Logger LOG = Logger.getLogger(MqttServer.class.getName());
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

    private final MqttBroker broker;
    private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private Channel listener;

    public MqttServer(MqttBroker broker) {
        this.broker = broker;
    }

    /** Binds the TCP listener. */
    public synchronized void start() throws InterruptedException {
        BrokerConfig config = broker.config();
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("reef-mqtt-accept"),
                NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("reef-mqtt-io"),
                NioIoHandler.newFactory());
        try {
            listener = new ServerBootstrap()
                    .group(acceptGroup, ioGroup)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childHandler(new MqttTcpChannelInitializer(broker, openChannels))
                    .bind(config.host(), config.port())
                    .sync()
                    .channel();
        } catch (InterruptedException | RuntimeException e) {
            shutdownGroups();
            throw e;
        }
        LOG.log(Level.INFO, "MQTT listener bound to {0}", listener.localAddress());
    }

    /** The port actually bound (useful when configured with port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public int connectionCount() {
        return openChannels.size();
    }

    /** Closes the listener and all connections, then stops the event loops. */
    public synchronized void stop() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.log(Level.INFO, "MQTT listener on {0} closed", listener.localAddress());
            listener = null;
        }
        List<Future<?>> closing = new ArrayList<>();
        for (Channel channel : openChannels) {
            closing.add(channel.close());
        }
        for (Future<?> future : closing) {
            future.awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        Future<?> accept = acceptGroup == null ? null : acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        Future<?> io = ioGroup == null ? null : ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (accept != null && !accept.awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warning("MQTT accept threads did not stop in time");
        }
        if (io != null && !io.awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warning("MQTT I/O threads did not stop in time");
        }
        acceptGroup = null;
        ioGroup = null;
    }
}
