package org.reef.mqtt.session;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review F4: a flood of QoS 0 messages towards a subscriber whose event loop cannot keep up costs bounded
 * work per subscriber: beyond as many waiting sends as its queue holds, untracked QoS 0 deliveries are dropped at
 * once (counted) instead of piling up as tasks on the event loop.
 */
@Timeout(30)
class SessionFloodTest {

    @Test
    void qos0SendsWaitingForABusyEventLoopAreBounded() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        CountDownLatch release = new CountDownLatch(1);
        try {
            Session session = new Session("slow", null, loop, QueueLimits.messages(100));
            loop.execute(() -> {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            PublishMessage message = new PublishMessage("flood/x", new byte[100], 0, false, "publisher");
            for (int i = 0; i < 10_000; i++) {
                session.send(new Delivery(message, 0, false, List.of()));
            }
            assertTrue(loop.pendingTasks() <= 101, "tasks waiting on the event loop: " + loop.pendingTasks());
            assertEquals(10_000 - 100, session.droppedCount());
        } finally {
            release.countDown();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void qos1SendsAreNeverDroppedBeforeTheQueue() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            Session session = new Session("offline", null, loop, QueueLimits.messages(10));
            PublishMessage message = new PublishMessage("t", new byte[1], 1, false, "publisher");
            for (int i = 0; i < 200; i++) {
                session.send(new Delivery(message, 1, false, List.of()));
            }
            // Every QoS 1 send reached the owner: the queue's own bound and drop policy decided.
            loop.submit(() -> assertEquals(10, session.queuedCount())).get(5, TimeUnit.SECONDS);
            assertEquals(190, session.droppedCount());
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
