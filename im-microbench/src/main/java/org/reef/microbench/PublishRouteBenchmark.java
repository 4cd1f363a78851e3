package org.reef.microbench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.transport.MqttTcpChannelInitializer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The broker's whole plain publish/subscribe path for one PUBLISH, through the real pipelines of two connections on
 * EmbeddedChannels: the publisher's bytes are framed and decoded, the PUBLISH is counted, routed through the
 * subscription tree to the subscriber's session, which counts and writes it through the encoder. What monitoring adds
 * to this path (issue 14: counters per QoS, bytes read and written, messages sent) shows here, before and after.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublishRouteBenchmark {

    /** QoS of the PUBLISH and of the subscription. */
    @Param({"0", "1"})
    public int qos;

    private EmbeddedChannel publisher;
    private EmbeddedChannel subscriber;
    private ByteBuf publish;
    private ByteBuf pubAck;
    private int packetId;

    @Setup
    public void connect() {
        MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), new DirectWorkManager());
        publisher = new EmbeddedChannel(new MqttTcpChannelInitializer(broker, ConcurrentHashMap.newKeySet()));
        subscriber = new EmbeddedChannel(new MqttTcpChannelInitializer(broker, ConcurrentHashMap.newKeySet()));
        send(publisher, MqttMessageBuilders.connect().clientId("pub").protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).build());
        send(subscriber, MqttMessageBuilders.connect().clientId("sub").protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).build());
        send(subscriber, MqttMessageBuilders.subscribe().messageId(1)
                .addSubscription(MqttQoS.valueOf(qos), "bench/+/temperature").build());
        drain(publisher);
        drain(subscriber);
        publish = encode(MqttMessageBuilders.publish().topicName("bench/kitchen/temperature")
                .qos(MqttQoS.valueOf(qos)).messageId(7).payload(Unpooled.wrappedBuffer(new byte[64])).build());
    }

    @TearDown
    public void close() {
        publish.release();
        publisher.finishAndReleaseAll();
        subscriber.finishAndReleaseAll();
    }

    /** One PUBLISH in, one out to the subscriber (and for QoS 1 the subscriber's PUBACK back). */
    @Benchmark
    public int route() {
        publisher.writeInbound(publish.retainedDuplicate());
        int bytes = drain(publisher);
        bytes += drain(subscriber);
        if (qos == 1) {
            packetId = packetId % 65_535 + 1;
            send(subscriber, MqttMessageBuilders.pubAck().packetId(packetId).build());
        }
        return bytes;
    }

    private static void send(EmbeddedChannel channel, MqttMessage message) {
        channel.writeInbound(encode(message));
        channel.runPendingTasks();
    }

    private static ByteBuf encode(MqttMessage message) {
        EmbeddedChannel client = new EmbeddedChannel(MqttEncoder.INSTANCE);
        client.writeOutbound(message);
        ByteBuf all = Unpooled.buffer();
        ByteBuf part;
        while ((part = client.readOutbound()) != null) {
            all.writeBytes(part);
            part.release();
        }
        client.finishAndReleaseAll();
        return all;
    }

    /** Runs the channel's pending tasks, flushes, and releases what it wrote; returns the bytes written. */
    private static int drain(EmbeddedChannel channel) {
        channel.runPendingTasks();
        channel.flushOutbound();
        int bytes = 0;
        Object written;
        while ((written = channel.readOutbound()) != null) {
            if (written instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            ReferenceCountUtil.release(written);
        }
        return bytes;
    }

    /** Runs Work at once: the plain publish/subscribe path asks the container nothing. */
    private static final class DirectWorkManager implements WorkManager {
        @Override
        public void doWork(Work work) {
            work.run();
        }

        @Override
        public void doWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
            work.run();
        }

        @Override
        public long startWork(Work work) {
            work.run();
            return 0;
        }

        @Override
        public long startWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
            work.run();
            return 0;
        }

        @Override
        public void scheduleWork(Work work) {
            work.run();
        }

        @Override
        public void scheduleWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
            work.run();
        }
    }
}
