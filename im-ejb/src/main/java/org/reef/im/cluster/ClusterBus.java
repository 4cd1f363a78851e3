package org.reef.im.cluster;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.resource.ResourceException;
import org.reef.im.cache.SendCheckCache;
import org.reef.im.delivery.InboxPump;
import org.reef.im.moderation.SendRateLimiter;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.mqtt.api.MqttRelay;
import org.wildfly.clustering.server.GroupMember;
import org.wildfly.clustering.server.dispatcher.CommandDispatcher;
import org.wildfly.clustering.server.dispatcher.CommandDispatcherFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries {@link ClusterEvent}s from this node to the others, on WildFly's command dispatcher over the JGroups
 * channel {@code ee} (the cluster the nodes sharing the database form, docs/cluster.md), and applies the events the
 * others send to this node's clients.
 *
 * <p>Events queue here and one sender thread sends them in batches: it sends everything queued as one command to
 * all other members, waits until each has executed it, then sends the next. That keeps the events from one node in
 * the order they were queued on every other node (the dispatcher itself sends out of band, unordered), and lets a
 * burst travel as a few large commands rather than thousands of small ones. A member that does not answer within
 * {@link #REPLY_TIMEOUT_MS} is left behind for that batch (it is leaving the cluster, or stuck), with a warning.
 *
 * <p>On a single node (not clustered, or alone in its view) nothing is queued or sent.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ClusterBus {

    static final String DISPATCHER_FACTORY = "java:jboss/clustering/server/command-dispatcher-factory/default";
    private static final String DISPATCHER_ID = "org.reef.im.cluster";
    private static final Logger LOG = Logger.getLogger(ClusterBus.class.getName());

    /** Events waiting to be sent at most; beyond it new ones are dropped (and counted), never the caller blocked. */
    static final int MAX_QUEUED = 200_000;
    /** A batch is cut at this many encoded bytes (roughly) or events. */
    static final int MAX_BATCH_BYTES = 1 << 20;
    static final int MAX_BATCH_EVENTS = 10_000;
    static final long REPLY_TIMEOUT_MS = 10_000;
    /** Retained messages per {@link ClusterEvent.RetainedCopy} event at most. */
    static final int RETAINED_PER_EVENT = 500;
    /** How long a question to the other nodes waits for their answers. */
    static final long QUERY_TIMEOUT_MS = 2_000;

    @Resource(lookup = DISPATCHER_FACTORY)
    private CommandDispatcherFactory<GroupMember> dispatchers;

    @Resource
    private ManagedThreadFactory threads;

    @Resource
    private SessionContext context;

    // InboxPump and SendRateLimiter use this bean; it looks them up when an event for them arrives rather than having
    // them injected, so that there is no dependency cycle to upset the order in which the beans stop

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    @Inject
    private SendCheckCache sendChecks;

    private CommandDispatcher<GroupMember, Receiver> dispatcher;
    private final BlockingQueue<ClusterEvent> outbox = new LinkedBlockingQueue<>(MAX_QUEUED);
    private volatile boolean running;
    private volatile boolean relayInstalled;
    private SharedPlacement placement;
    /** The shared subscriptions this node last reported, and when (nanoTime). */
    private List<String> reportedShared = List.of();
    private long sharedReportedAt;
    private long sharedCheckedAt;
    /** Whether this node asked the others for their retained messages (once, when it first sees one). */
    private boolean retainedAsked;
    private Thread sender;

    private final Map<Class<?>, Object> beans = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    @PostConstruct
    void start() {
        if (dispatchers.getGroup().isSingleton()) {
            return; // reef.xml: a node of its own, nobody to tell
        }
        // the others' batches run through this bean's business interface, in the deployment's context
        dispatcher = dispatchers.createCommandDispatcher(DISPATCHER_ID,
                new Receiver(context.getBusinessObject(ClusterBus.class)),
                ClusterBus.class.getClassLoader());
        String self = dispatchers.getGroup().getLocalMember().getName();
        placement = new SharedPlacement(self, () -> dispatchers.getGroup().getMembership().getMembers().stream()
                .map(GroupMember::getName).toList());
        running = true;
        sender = threads.newThread(this::sendLoop);
        sender.setName("reef-cluster-bus");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Has the resource adapter hand this bus what its clients publish (plain MQTT), for the other nodes' subscribers;
     * tried once a second from the sender thread until the adapter takes it (it may still be starting).
     */
    private boolean installRelay(MqttRelay relay, SharedPlacement shared) {
        try (MqttConnection connection = mqtt.getConnection()) {
            connection.relayTo(relay);
            connection.placeSharedWith(shared);
            return true;
        } catch (Exception e) {
            LOG.log(Level.FINE, "Cluster relay not installed yet: {0}", e.toString());
            return false;
        }
    }

    @PreDestroy
    void stop() {
        if (relayInstalled) {
            installRelay(null, null);
        }
        running = false;
        if (sender != null) {
            sender.interrupt();
            try {
                sender.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    /** Whether events go anywhere: this node runs clustered and has a dispatcher. */
    public boolean clustered() {
        return running;
    }

    /** Queues an event for every other node; a no-op on a single node. Never blocks. */
    public void send(ClusterEvent event) {
        if (!running) {
            return;
        }
        if (!outbox.offer(event)) {
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.warning(() -> "Cluster event queue full (" + MAX_QUEUED + "): dropping events for the other "
                        + "nodes; their clients catch up when they reconnect. Dropped so far: " + dropped.get());
            }
        }
    }

    /** New inbox entries, for the other nodes' devices of these users. */
    public void inboxEntries(List<InboxPump.NewEntry> entries) {
        if (!running) {
            return;
        }
        for (InboxPump.NewEntry entry : entries) {
            send(new ClusterEvent.InboxEntry(entry.positions(), entry.event(), entry.exceptClientId()));
        }
    }

    /**
     * Tells the other nodes which shared subscriptions have members here: when that changed, and every 5 s anyway
     * (for nodes that joined since). Checked about once a second, from the sender thread.
     */
    private void reportSharedGroups() {
        long now = System.nanoTime();
        if (!relayInstalled || now - sharedCheckedAt < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        sharedCheckedAt = now;
        try (MqttConnection connection = mqtt.getConnection()) {
            List<String> filters = connection.sharedFilters().stream().sorted().toList();
            if (!filters.equals(reportedShared) || now - sharedReportedAt > TimeUnit.SECONDS.toNanos(5)) {
                send(new ClusterEvent.SharedGroups(dispatchers.getGroup().getLocalMember().getName(), filters));
                reportedShared = filters;
                sharedReportedAt = now;
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "Could not list the shared subscriptions: {0}", e.toString());
        }
    }

    /**
     * Once this node's broker relays and the view has another node: asks for the retained messages the cluster holds
     * (a node that joins, or comes back, has none of those set before).
     */
    private void askForRetained() {
        if (retainedAsked || !relayInstalled || dispatchers.getGroup().getMembership().getMembers().size() < 2) {
            return;
        }
        retainedAsked = true;
        send(new ClusterEvent.RetainedWanted(dispatchers.getGroup().getLocalMember().getName()));
    }

    /** A node asked for the retained messages: the first other node of the view sends them, in parts. */
    private void retainedWanted(MqttConnection connection, String node) throws ResourceException {
        String self = dispatchers.getGroup().getLocalMember().getName();
        String answering = dispatchers.getGroup().getMembership().getMembers().stream().map(GroupMember::getName)
                .filter(name -> !name.equals(node)).findFirst().orElse(null);
        if (!self.equals(answering)) {
            return;
        }
        List<byte[]> retained = connection.retainedMessages();
        for (int from = 0; from < retained.size(); from += RETAINED_PER_EVENT) {
            send(new ClusterEvent.RetainedCopy(node, retained.subList(from,
                    Math.min(retained.size(), from + RETAINED_PER_EVENT))));
        }
        LOG.info(() -> "Sent " + retained.size() + " retained messages to " + node + ", which joined");
    }

    /** Counters since the deployment started: events sent, events received, events dropped, batches sent. */
    public long[] counters() {
        return new long[]{sent.get(), received.get(), dropped.get(), batches.get()};
    }

    private void sendLoop() {
        List<ClusterEvent> batch = new ArrayList<>();
        while (running) {
            if (!relayInstalled) {
                relayInstalled = installRelay(message -> send(new ClusterEvent.Relayed(message)), placement);
            }
            reportSharedGroups();
            askForRetained();
            try {
                ClusterEvent first = outbox.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int bytes = ClusterEventCodec.size(first);
                ClusterEvent next;
                while (bytes < MAX_BATCH_BYTES && batch.size() < MAX_BATCH_EVENTS
                        && (next = outbox.poll()) != null) {
                    batch.add(next);
                    bytes += ClusterEventCodec.size(next);
                }
                sendBatch(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not send " + batch.size() + " cluster events", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void sendBatch(List<ClusterEvent> batch) throws InterruptedException {
        GroupMember self = dispatchers.getGroup().getLocalMember();
        if (dispatchers.getGroup().getMembership().getMembers().size() < 2) {
            return; // alone in the view: nobody to tell (a node that joins later reads the database)
        }
        Map<GroupMember, CompletionStage<Void>> replies;
        try {
            replies = dispatcher.dispatchToGroup(new ClusterBatch(ClusterEventCodec.encode(batch)), Set.of(self));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not send {0} cluster events: {1}", new Object[]{batch.size(), e});
            return;
        }
        batches.incrementAndGet();
        sent.addAndGet(batch.size());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_TIMEOUT_MS);
        for (Map.Entry<GroupMember, CompletionStage<Void>> reply : replies.entrySet()) {
            try {
                reply.getValue().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                LOG.log(Level.FINE, "Node {0} did not take {1} cluster events: {2}",
                        new Object[]{reply.getKey().getName(), batch.size(), e.getCause()});
            } catch (CancellationException e) {
                LOG.log(Level.FINE, "Node {0} left before taking {1} cluster events",
                        new Object[]{reply.getKey().getName(), batch.size()});
            } catch (TimeoutException e) {
                LOG.log(Level.WARNING, "Node {0} did not take {1} cluster events within {2} ms; going on without",
                        new Object[]{reply.getKey().getName(), batch.size(), REPLY_TIMEOUT_MS});
            }
        }
    }

    /** A bean of this module, by its class name (java:module), looked up once. */
    private <T> T local(Class<T> type) {
        return type.cast(beans.computeIfAbsent(type,
                t -> context.lookup("java:module/" + t.getSimpleName() + "!" + t.getName())));
    }

    /** Applies a batch from another node to this node's clients (the dispatcher's {@link Receiver} calls it). */
    public void apply(byte[] data) {
        List<ClusterEvent> events;
        try {
            events = ClusterEventCodec.decode(data);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Refused a cluster event batch: {0}", e.toString());
            return;
        }
        received.addAndGet(events.size());
        List<InboxPump.NewEntry> entries = new ArrayList<>();
        try (MqttConnection connection = mqtt.getConnection()) {
            for (ClusterEvent event : events) {
                if (event instanceof ClusterEvent.InboxEntry entry) {
                    entries.add(new InboxPump.NewEntry(entry.positions(), entry.event(), entry.exceptClientId()));
                    continue;
                }
                if (!entries.isEmpty()) { // keep the order of inbox entries and publishes
                    deliverLocally(List.copyOf(entries));
                    entries.clear();
                }
                applyOne(connection, event);
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Could not apply cluster events: {0}", e.toString());
        }
        if (!entries.isEmpty()) {
            deliverLocally(entries);
        }
    }

    /** Hands inbox entries to this node's pump; a failure is logged and the batch's other events still applied. */
    private void deliverLocally(List<InboxPump.NewEntry> entries) {
        try {
            local(InboxPump.class).deliverLocally(entries);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not deliver {0} inbox entries from another node; the devices catch up "
                    + "from the database: {1}", new Object[]{entries.size(), e.toString()});
        }
    }

    private void applyOne(MqttConnection connection, ClusterEvent event) {
        try {
            if (event instanceof ClusterEvent.Publish publish) {
                connection.publish(publish.topic(), publish.payload(), publish.qos(), publish.retain(),
                        publish.exceptClientId());
            } else if (event instanceof ClusterEvent.RetainedWanted wanted) {
                retainedWanted(connection, wanted.node());
            } else if (event instanceof ClusterEvent.RetainedCopy copy) {
                if (copy.node().equals(dispatchers.getGroup().getLocalMember().getName())) {
                    for (byte[] message : copy.messages()) {
                        connection.retainCopy(message);
                    }
                }
            } else if (event instanceof ClusterEvent.SharedGroups groups) {
                placement.reported(groups.node(), groups.filters());
            } else if (event instanceof ClusterEvent.RateSpent spent) {
                local(SendRateLimiter.class).spentElsewhere(spent.username(), spent.count());
            } else if (event instanceof ClusterEvent.Relayed relayed) {
                connection.routeRelayed(relayed.message());
            } else if (event instanceof ClusterEvent.Disconnect disconnect) {
                if (disconnect.username() == null) {
                    connection.disconnect(disconnect.clientId());
                } else {
                    connection.disconnect(disconnect.clientId(), disconnect.username());
                }
            } else if (event instanceof ClusterEvent.TakenOver takenOver) {
                connection.takenOverElsewhere(takenOver.clientId(), takenOver.connectedAtMillis());
            } else if (event instanceof ClusterEvent.Invalidated invalidated) {
                if (invalidated.kind() == ClusterEvent.Invalidated.ACCOUNT) {
                    sendChecks.accountChanged(invalidated.name());
                } else if (invalidated.kind() == ClusterEvent.Invalidated.BLOCKS) {
                    sendChecks.blocksChanged(invalidated.name());
                }
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "Cluster event {0} failed here: {1}", new Object[]{event, e.toString()});
        }
    }

    /**
     * How many sessions on the other nodes hold a subscription to exactly this filter ({@link
     * MqttConnection#subscriberCount}); 0 on a single node. Waits for every other node, at most
     * {@link #QUERY_TIMEOUT_MS}: a node that does not answer in time counts 0.
     */
    public int subscribersElsewhere(String topicFilter) {
        return ask(query(ClusterQuery.SUBSCRIBERS, topicFilter, List.of()));
    }

    /** Whether one of these client ids holds a subscription to exactly this filter on another node. */
    public boolean subscribedElsewhere(List<String> clientIds, String topicFilter) {
        return !clientIds.isEmpty() && ask(query(ClusterQuery.ANY_SUBSCRIBED, topicFilter, clientIds)) > 0;
    }

    private static byte[] query(int kind, String topicFilter, List<String> clientIds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            out.writeUTF(topicFilter);
            out.writeInt(clientIds.size());
            for (String clientId : clientIds) {
                out.writeUTF(clientId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private int ask(byte[] query) {
        if (!running || dispatchers.getGroup().getMembership().getMembers().size() < 2) {
            return 0;
        }
        Map<GroupMember, CompletionStage<Integer>> answers;
        try {
            answers = dispatcher.dispatchToGroup(new ClusterQuery(query),
                    Set.of(dispatchers.getGroup().getLocalMember()));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not ask the other nodes: {0}", e.toString());
            return 0;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUERY_TIMEOUT_MS);
        int total = 0;
        for (Map.Entry<GroupMember, CompletionStage<Integer>> answer : answers.entrySet()) {
            try {
                Integer value = answer.getValue().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                total += value == null ? 0 : value;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return total;
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                LOG.log(Level.FINE, "Node {0} did not answer: {1}", new Object[]{answer.getKey().getName(), e});
            }
        }
        return total;
    }

    /** Answers another node's {@link ClusterQuery} from this node's broker (the dispatcher's {@link Receiver}). */
    public Integer answer(byte[] query) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(query));
             MqttConnection connection = mqtt.getConnection()) {
            int kind = in.readUnsignedByte();
            String filter = in.readUTF();
            int count = in.readInt();
            if (kind == ClusterQuery.SUBSCRIBERS) {
                return connection.subscriberCount(filter);
            }
            if (kind == ClusterQuery.ANY_SUBSCRIBED && count >= 0 && count <= 10_000) {
                for (int i = 0; i < count; i++) {
                    if (connection.isSubscribed(in.readUTF(), filter)) {
                        return 1;
                    }
                }
                return 0;
            }
            LOG.warning(() -> "Refused a cluster query of kind " + kind);
            return 0;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Could not answer a cluster query: {0}", e.toString());
            return 0;
        }
    }

    /** The context each node's dispatcher executes the others' batches against. */
    public static final class Receiver {

        private final ClusterBus bus;

        Receiver(ClusterBus bus) {
            this.bus = bus;
        }

        void receive(byte[] events) {
            bus.apply(events);
        }

        Integer answer(byte[] query) {
            return bus.answer(query);
        }
    }
}
