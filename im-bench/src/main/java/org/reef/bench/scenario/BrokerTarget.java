package org.reef.bench.scenario;

import io.netty.handler.codec.mqtt.MqttVersion;
import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.client.IoTransport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The server under test and how every client of the run talks to it: the options all scenarios share.
 *
 * <p>Loopback only unless {@code --allow-remote}: a load tool pointed at a remote host by a typo should refuse,
 * not flood someone's server. The password can come from the environment ({@code BENCH_PASSWORD}) to keep it out
 * of the process list; it is never printed.
 */
public record BrokerTarget(InetSocketAddress address, MqttVersion version, String username, String password,
                           int keepAliveSeconds, Duration connectTimeout, int threads, IoTransport io) {

    static final String PASSWORD_ENV = "BENCH_PASSWORD";

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.value("host", "HOST", "127.0.0.1", "server address; loopback only unless --allow-remote"),
            OptionSpec.value("port", "PORT", "1883", "server MQTT port"),
            OptionSpec.value("mqtt", "VERSION", "3.1.1", "protocol version: 3.1.1 or 5"),
            OptionSpec.value("username", "NAME", null, "user name in CONNECT"),
            OptionSpec.value("password", "SECRET", null,
                    "password in CONNECT, needs --username (or set " + PASSWORD_ENV + ")"),
            OptionSpec.value("keepalive", "SECONDS", "60",
                    "keep-alive in CONNECT; a client sends PINGREQ after that long without sending"),
            OptionSpec.value("connect-timeout", "SECONDS", "10", "bound on TCP connect plus CONNACK, per client"),
            OptionSpec.value("threads", "N", Integer.toString(Runtime.getRuntime().availableProcessors()),
                    "event loop threads of the tool"),
            OptionSpec.value("transport", "auto|epoll|nio", "auto",
                    "Netty transport of the tool; auto = epoll where available, else nio"),
            OptionSpec.flag("allow-remote", "allow a --host that is not a loopback address"));

    /** For scenarios whose clients sign in with accounts of their own (the IM ones): no --username, --password. */
    static final List<OptionSpec> OPTIONS_WITHOUT_CREDENTIALS = OPTIONS.stream()
            .filter(option -> !option.name().equals("username") && !option.name().equals("password")).toList();

    static BrokerTarget from(Options options) throws UsageException {
        String host = options.text("host");
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("--host " + host + " does not resolve");
        }
        if (!address.isLoopbackAddress() && !options.flag("allow-remote")) {
            throw new UsageException("--host " + host + " (" + address.getHostAddress()
                    + ") is not a loopback address; add --allow-remote if you mean it");
        }
        int port = options.integer("port", 1, 65_535);
        MqttVersion version = options.choice("mqtt", List.of("3.1.1", "5")).equals("5")
                ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
        boolean credentials = options.knows("username");
        String username = credentials ? options.text("username") : null;
        String password = credentials ? options.text("password") : null;
        if (credentials && password == null) {
            password = System.getenv(PASSWORD_ENV);
            if (username == null) {
                password = null;
            }
        }
        if (password != null && username == null) {
            throw new UsageException("--password needs --username (MQTT 3.1.1 §3.1.2.9)");
        }
        int keepAlive = options.integer("keepalive", 0, 65_535);
        Duration connectTimeout = options.seconds("connect-timeout", 0.1, 600);
        int threads = options.integer("threads", 1, 256);
        IoTransport io;
        try {
            io = IoTransport.named(options.choice("transport", List.of("auto", "epoll", "nio")));
        } catch (IllegalStateException unavailable) {
            throw new UsageException("--transport epoll: " + unavailable.getMessage());
        }
        return new BrokerTarget(new InetSocketAddress(address, port), version, username, password, keepAlive,
                connectTimeout, threads, io);
    }

    /** The CONNECT every client of the run starts from; scenarios change the client id and what they need. */
    ClientSettings clientSettings(String clientId) {
        return ClientSettings.of(clientId, version).withKeepAlive(keepAliveSeconds).withCredentials(username,
                password);
    }

    ClientTransport openTransport() {
        return new ClientTransport(address, io, threads, connectTimeout);
    }

    /** A transport to another port of the same host (another node of a cluster). */
    ClientTransport openTransport(int port) {
        return new ClientTransport(new InetSocketAddress(address.getAddress(), port), io, threads, connectTimeout);
    }

    /** {@code 3.1.1} or {@code 5}, as in the JSON. */
    String mqtt() {
        return version == MqttVersion.MQTT_5 ? "5" : "3.1.1";
    }

    /** {@code MQTT 3.1.1 at 127.0.0.1:1883}. */
    String describe() {
        return "MQTT " + mqtt() + " at " + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** {@code epoll, 2 threads}: how the tool itself runs, for the progress output. */
    String describeClientSide() {
        return io.label() + ", " + threads + (threads == 1 ? " thread" : " threads");
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return describe() + (username == null ? "" : " as " + username);
    }
}
