package org.reef.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens client connections to one server. Every client of a run shares this one event loop group, so twenty
 * thousand idle connections cost twenty thousand channels, not twenty thousand threads.
 */
public final class ClientTransport implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group;
    private final Bootstrap bootstrap;
    private final long connectTimeoutMillis;
    private final ClientStats stats = new ClientStats();

    /**
     * @param connectTimeout bounds the whole handshake, TCP connect and CONNACK, so a server that accepts the socket
     *                       but never answers CONNECT still yields a failure and not a hang
     */
    public ClientTransport(InetSocketAddress server, IoTransport io, int threads, Duration connectTimeout) {
        this.connectTimeoutMillis = connectTimeout.toMillis();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-io", true),
                io.handlerFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(io.channelClass())
                .remoteAddress(server)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis));
    }

    /**
     * Connects one client. Call from one thread at a time (the bootstrap is cloned, not shared).
     *
     * @return completes with the client once the server accepted it in CONNACK; fails with
     * {@link ConnectionRefusedException} for a refusal, {@link TimeoutException} past the connect timeout, or the I/O
     * error. Dependent actions run on the client's event loop: keep them short.
     */
    public CompletableFuture<MqttClient> connect(ClientSettings settings, MessageListener listener) {
        CompletableFuture<MqttClient> connected = new CompletableFuture<>();
        ChannelFuture tcp = bootstrap.clone()
                .handler(new ClientChannelInitializer(settings, listener, stats, connected))
                .connect();
        tcp.addListener(done -> {
            if (!done.isSuccess()) {
                connected.completeExceptionally(done.cause());
            }
        });
        Channel channel = tcp.channel();
        try {
            ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
                if (connected.completeExceptionally(new TimeoutException(
                        "no CONNACK within " + connectTimeoutMillis + " ms"))) {
                    channel.close();
                }
            }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
            connected.whenComplete((client, failure) -> timer.cancel(false));
        } catch (IllegalStateException notRegistered) {
            connected.completeExceptionally(notRegistered);
        }
        return connected;
    }

    public ClientStats stats() {
        return stats;
    }

    /** Closes every connection still open and stops the event loops, waiting a few seconds at most. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
