package org.reef.mqtt.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.protocol.MqttConnectionHandler;
import org.reef.mqtt.protocol.ServerShutdown;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded Netty server: owns the event loops and one listening socket per enabled {@link Listener}.
 *
 * <p>{@link #start()} binds every listener synchronously, so that a port conflict or a bad keystore fails the
 * resource adapter's start (and with it the deployment); if one bind fails, the listeners already bound are closed
 * and the event loops stopped before the exception leaves, so a failed start leaks neither ports nor threads.
 * {@link #stop()} closes the listeners and every connection, whichever listener accepted it, and waits with a bound
 * for the event loop threads to end.
 */
public final class MqttServer {

    private static final Logger LOG = Logger.getLogger(MqttServer.class.getName());
    private static final long BIND_TIMEOUT_SECONDS = 10;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

    private final MqttBroker broker;
    private final ListenerConfig listeners;
    private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
    private final Map<Listener, Channel> bound = new EnumMap<>(Listener.class);
    private final Map<Listener, MqttChannelInitializer> initializers = new EnumMap<>(Listener.class);
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;

    public MqttServer(MqttBroker broker, ListenerConfig listeners) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.listeners = Objects.requireNonNull(listeners, "listeners");
    }

    /**
     * Binds every enabled listener.
     *
     * @throws IllegalStateException if the server already runs, TLS cannot be set up from the keystore, or a listener
     *                               cannot bind; nothing stays bound and no thread stays behind
     */
    public synchronized void start() throws InterruptedException {
        if (acceptGroup != null) {
            throw new IllegalStateException("MQTT server already started");
        }
        SslContext sslContext = needsTls() ? TlsContextFactory.serverContext(listeners.tls()) : null;
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("reef-mqtt-accept"),
                NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(broker.config().ioThreads(),
                new DefaultThreadFactory("reef-mqtt-io"), NioIoHandler.newFactory());
        try {
            for (Listener kind : Listener.values()) {
                if (listeners.enabled(kind)) {
                    bind(kind, initializer(kind, sslContext));
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            closeListeners();
            shutdownGroups();
            throw e;
        }
        if (listeners.tls() == null && (listeners.tlsPort() != ListenerConfig.OFF
                || listeners.wssPort() != ListenerConfig.OFF)) {
            LOG.info("MQTT TLS and secure WebSocket listeners off: no keystore configured");
        }
    }

    /** The port a listener is bound to (the actual one when configured with 0), or -1 if it is not bound. */
    public synchronized int port(Listener kind) {
        Channel channel = bound.get(kind);
        return channel == null ? ListenerConfig.OFF : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Open connections of one listener (0 if it is not bound). */
    public synchronized long openConnections(Listener kind) {
        MqttChannelInitializer initializer = initializers.get(kind);
        return initializer == null ? 0 : initializer.openConnections();
    }

    /** Whether every listener the configuration enables is bound now. */
    public synchronized boolean allBound() {
        if (acceptGroup == null) {
            return false;
        }
        for (Listener kind : Listener.values()) {
            if (listeners.enabled(kind) && !(bound.containsKey(kind) && bound.get(kind).isActive())) {
                return false;
            }
        }
        return true;
    }

    /** Open connections over all listeners. */
    public int connectionCount() {
        return openChannels.size();
    }

    /**
     * First step of a shutdown: closes the listening sockets (new connections are refused by the OS) and stops
     * reading from the open connections, so that no new work reaches the application while the work it has drains.
     */
    public synchronized void stopAccepting() {
        closeListeners();
        for (Channel channel : openChannels) {
            channel.config().setAutoRead(false);
        }
    }

    /**
     * Closes every open connection the way a shutdown should (MQTT 5: DISCONNECT 0x8B first, see
     * {@link ServerShutdown}) and waits for them to close, at most until the deadline.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value
     * @return the connections still open at the deadline (closed abruptly by {@link #stop()})
     */
    public int disconnectAll(long deadlineNanos) {
        List<Future<?>> closing = new ArrayList<>();
        for (Channel channel : openChannels) {
            channel.eventLoop().execute(() -> {
                if (channel.pipeline().get(MqttConnectionHandler.class) != null) {
                    channel.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
                } else {
                    channel.close(); // no MQTT yet (a TLS or WebSocket handshake): nothing to tell
                }
            });
            closing.add(channel.closeFuture());
        }
        int open = 0;
        for (Future<?> future : closing) {
            long left = deadlineNanos - System.nanoTime();
            if (!future.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)))) {
                open++;
            }
        }
        return open;
    }

    /** Closes the listeners and all connections, then stops the event loops. Does nothing if not started. */
    public synchronized void stop() {
        closeListeners();
        List<Future<?>> closing = new ArrayList<>();
        for (Channel channel : openChannels) {
            closing.add(channel.close());
        }
        for (Future<?> future : closing) {
            future.awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        shutdownGroups();
    }

    private boolean needsTls() {
        return listeners.enabled(Listener.TLS) || listeners.enabled(Listener.WSS);
    }

    private ChannelInitializer<Channel> initializer(Listener kind, SslContext sslContext) {
        MqttChannelInitializer initializer = switch (kind) {
            case TCP -> new MqttTcpChannelInitializer(broker, openChannels);
            case TLS -> new MqttTlsChannelInitializer(broker, openChannels, sslContext);
            case WS -> new MqttWebSocketChannelInitializer(broker, openChannels, listeners.wsPath(), null);
            case WSS -> new MqttWebSocketChannelInitializer(broker, openChannels, listeners.wsPath(), sslContext);
        };
        initializers.put(kind, initializer);
        return initializer;
    }

    private void bind(Listener kind, ChannelInitializer<Channel> initializer) throws InterruptedException {
        int port = listeners.port(kind);
        ChannelFuture binding = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Half-open connections of peers that vanished end even when the client asked for no keep-alive.
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(initializer)
                .bind(listeners.host(), port);
        if (!binding.await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            binding.channel().close();
            throw new IllegalStateException("timed out binding the MQTT " + kind + " listener to "
                    + listeners.host() + ":" + port);
        }
        if (!binding.isSuccess()) {
            throw new IllegalStateException("cannot bind the MQTT " + kind + " listener to " + listeners.host() + ":"
                    + port + ": " + binding.cause(), binding.cause());
        }
        bound.put(kind, binding.channel());
        LOG.log(Level.INFO, "MQTT {0} listener bound to {1}", new Object[]{kind, describe(kind, binding.channel())});
    }

    /** e.g. {@code wss://127.0.0.1:8084/mqtt (client auth REQUIRE)}: where clients connect; no secret. */
    private String describe(Listener kind, Channel channel) {
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        String host = address.getHostString();
        StringBuilder text = new StringBuilder(kind.scheme()).append("://")
                .append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(address.getPort());
        if (kind.webSocket()) {
            text.append(listeners.wsPath());
        }
        if (kind.secure()) {
            text.append(" (client auth ").append(listeners.tls().clientAuth()).append(')');
        }
        return text.toString();
    }

    private void closeListeners() {
        for (Map.Entry<Listener, Channel> entry : bound.entrySet()) {
            Channel channel = entry.getValue();
            if (!channel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "MQTT {0} listener did not close in time", entry.getKey());
            } else {
                LOG.log(Level.INFO, "MQTT {0} listener on {1} closed", new Object[]{entry.getKey(),
                        channel.localAddress()});
            }
        }
        bound.clear();
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
