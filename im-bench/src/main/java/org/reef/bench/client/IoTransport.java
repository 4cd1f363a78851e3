package org.reef.bench.client;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.Locale;

/**
 * Which Netty I/O transport carries the clients. Native epoll is preferred: cheaper per connection with thousands
 * of them, and its timers are finer than NIO's millisecond selector timeout, which paced publishers rely on. On a
 * loaded two-core machine the difference in pacing lag was small (p50 about 0.5 ms against 0.65 ms): most of the
 * lag there is CPU contention, which the reports show as {@code pacingLagMicros}.
 */
public enum IoTransport {

    EPOLL {
        @Override
        IoHandlerFactory handlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        Class<? extends SocketChannel> channelClass() {
            return EpollSocketChannel.class;
        }
    },
    NIO {
        @Override
        IoHandlerFactory handlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        Class<? extends SocketChannel> channelClass() {
            return NioSocketChannel.class;
        }
    };

    abstract IoHandlerFactory handlerFactory();

    abstract Class<? extends SocketChannel> channelClass();

    /** Epoll when this machine has it, else NIO. */
    public static IoTransport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * @param name {@code auto}, {@code epoll} or {@code nio}
     * @throws IllegalStateException when epoll is asked for and not available, with the reason
     */
    public static IoTransport named(String name) {
        return switch (name) {
            case "auto" -> best();
            case "nio" -> NIO;
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll is not available: " + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            default -> throw new IllegalArgumentException("no transport " + name);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
