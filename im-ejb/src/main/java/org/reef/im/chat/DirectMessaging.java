package org.reef.im.chat;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.reef.im.cache.SendCheckCache;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.delivery.InboxPump;
import org.reef.im.domain.Message;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.metrics.ImMetrics;
import org.reef.im.moderation.ContentFilter;
import org.reef.im.moderation.SendRateLimiter;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Direct messages of an inflow batch, sent together: the same checks, refusals, seqs, inbox entries and deliveries
 * as {@link MessagingService#send} gives one message, for a whole run of them in one bean call, with the database work
 * done by a few set-based statements ({@link DirectBatchStore}) instead of several per message. Each message keeps its
 * own verdict: a refusal stores nothing and leaves the caller's transaction alone.
 *
 * <p>Checks, in {@link MessagingService}'s order, so that a message refused for several reasons gets the same one:
 * rate limit, sender enabled, recipient address, recipient exists and is enabled, not blocked, content filter; then a
 * retried {@code clientMsgId} is acknowledged again with the stored message instead of being stored twice. Accounts
 * and blocks come from the {@link SendCheckCache} where it has them.
 *
 * <p>A plain CDI bean, part of the {@link ImInbox} that calls it (and runs in its transaction): an EJB here cost a
 * proxy hop with its interceptor chain per batch for nothing (about 5 % of the server's CPU in a flat-out profile).
 */
@Dependent
public class DirectMessaging {

    /** One direct send: the authenticated user, the sending device, the command ({@code to} is {@code user:..}). */
    public record Request(String sender, String clientId, SendCommand command) {
    }

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @Resource(lookup = "java:jboss/datasources/ReefDS")
    private DataSource dataSource;

    @EJB
    private SendRateLimiter rateLimiter;

    @EJB
    private ContentFilter contentFilter;

    @EJB
    private AfterCommitPublisher mqtt;

    @EJB
    private InboxPump pump;

    @Inject
    private ImMetrics metrics;

    @Inject
    private SendCheckCache cache;

    /**
     * Sends the messages in the caller's transaction; returns, in order, null for each one stored (or acknowledged
     * again as a retry) and the refusal of each other. A database failure leaves this method (the adapter then
     * sends the batch's messages again one by one).
     */
    public List<ImException> sendAll(List<Request> requests) {
        int size = requests.size();
        ImException[] refusals = new ImException[size];
        Conversations.Target[] targets = new Conversations.Target[size];
        ImException[] badTargets = new ImException[size];
        List<String> senders = new ArrayList<>(size);
        for (Request request : requests) {
            senders.add(request.sender());
        }
        boolean[] allowed = rateLimiter.tryAcquireEach(senders);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < size; i++) {
            Request request = requests.get(i);
            if (!allowed[i]) {
                refusals[i] = rateLimiter.refusal();
                continue;
            }
            names.add(request.sender());
            try {
                targets[i] = Conversations.target(request.sender(), request.command().to(), false);
                names.add(targets[i].name());
            } catch (ImException e) {
                badTargets[i] = e;
            }
        }
        em.flush(); // what earlier messages of the batch changed through JPA, before plain JDBC reads
        try (Connection connection = dataSource.getConnection()) {
            DirectBatchStore store = new DirectBatchStore(connection);
            Map<String, Boolean> disabled = cache.disabled(names, store::accounts);
            Set<String> blockers = new HashSet<>();
            for (int i = 0; i < size; i++) {
                if (refusals[i] != null) {
                    continue;
                }
                Request request = requests.get(i);
                if (!Boolean.FALSE.equals(disabled.get(request.sender()))) {
                    refusals[i] = new ImException(ImError.FORBIDDEN,
                            "the account " + request.sender() + " is disabled");
                } else if (badTargets[i] != null) {
                    refusals[i] = badTargets[i];
                } else if (!Boolean.FALSE.equals(disabled.get(targets[i].name()))) {
                    refusals[i] = new ImException(ImError.UNKNOWN_RECIPIENT, "no user " + targets[i].name());
                } else {
                    blockers.add(targets[i].name());
                }
            }
            Map<String, Set<String>> blocks = cache.blockedBy(blockers, store::blocksOf);
            String[] bodies = new String[size];
            List<String> retrySenders = new ArrayList<>();
            List<String> retryIds = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (refusals[i] != null) {
                    continue;
                }
                Request request = requests.get(i);
                if (blocks.get(targets[i].name()).contains(request.sender())) {
                    refusals[i] = new ImException(ImError.BLOCKED, "you cannot reach " + targets[i].name());
                    continue;
                }
                try {
                    bodies[i] = contentFilter.apply(request.command().body());
                } catch (ImException e) {
                    refusals[i] = e;
                    continue;
                }
                retrySenders.add(request.sender());
                retryIds.add(request.command().clientMsgId());
            }
            Map<String, Message> earlier = retrySenders.isEmpty() ? Map.of()
                    : store.earlier(retrySenders, retryIds);
            store(store, requests, refusals, targets, bodies, earlier);
        } catch (SQLException e) {
            throw new IllegalStateException("storing " + size + " direct messages failed: " + e.getMessage(), e);
        }
        return java.util.Arrays.asList(refusals);
    }

    private void store(DirectBatchStore store, List<Request> requests, ImException[] refusals,
                       Conversations.Target[] targets, String[] bodies, Map<String, Message> earlier)
            throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it: events match history
        List<DirectBatchStore.Send> sends = new ArrayList<>();
        Map<String, Integer> firstOfKey = new HashMap<>();
        List<Integer> retriesInBatch = new ArrayList<>();
        List<Message> acks = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            if (refusals[i] != null) {
                continue;
            }
            Request request = requests.get(i);
            String key = DirectBatchStore.pair(request.sender(), request.command().clientMsgId());
            Message stored = earlier.get(key);
            if (stored != null) {
                acks.add(stored); // a retry: acknowledged again, stored once
            } else if (firstOfKey.putIfAbsent(key, sends.size()) != null) {
                retriesInBatch.add(i); // the same clientMsgId twice in one batch: the second is a retry
            } else {
                sends.add(new DirectBatchStore.Send(UUID.randomUUID().toString(), targets[i].conversation(),
                        request.sender(), targets[i].name(), request.command().kind(), bodies[i],
                        request.command().clientMsgId(), request.clientId()));
            }
        }
        Map<String, DirectBatchStore.Stored> stored = sends.isEmpty() ? Map.of() : store.store(sends, now);
        if (stored.size() < sends.size()) { // the first messages of their conversations
            List<DirectBatchStore.Send> firsts = sends.stream().filter(s -> !stored.containsKey(s.id())).toList();
            store.createConversations(firsts, now);
            Map<String, DirectBatchStore.Stored> more = store.store(firsts, now);
            if (more.size() < firsts.size()) {
                throw new IllegalStateException((firsts.size() - more.size()) + " direct messages were not stored");
            }
            Map<String, DirectBatchStore.Stored> all = new HashMap<>(stored);
            all.putAll(more);
            deliver(sends, all, acks, retriesInBatch, requests, firstOfKey, now);
        } else {
            deliver(sends, stored, acks, retriesInBatch, requests, firstOfKey, now);
        }
    }

    /** After commit: the acks to the senders' devices and the entries to everybody's devices, all at once. */
    private void deliver(List<DirectBatchStore.Send> sends, Map<String, DirectBatchStore.Stored> stored,
                         List<Message> acks, List<Integer> retriesInBatch, List<Request> requests,
                         Map<String, Integer> firstOfKey, Instant now) {
        List<Message> messages = new ArrayList<>(sends.size());
        List<InboxPump.NewEntry> entries = new ArrayList<>(sends.size());
        for (DirectBatchStore.Send send : sends) {
            DirectBatchStore.Stored result = stored.get(send.id());
            Message message = new Message(send.id(), send.conversation(), result.seq(), send.sender(),
                    Conversations.USER_PREFIX + send.recipient(), send.kind(), send.body(), send.clientMsgId(), now);
            messages.add(message);
            acks.add(message);
            entries.add(new InboxPump.NewEntry(result.positions(), Events.bytes(Events.message(message)),
                    send.exceptClientId()));
        }
        for (int i : retriesInBatch) {
            Request request = requests.get(i);
            acks.add(messages.get(firstOfKey.get(
                    DirectBatchStore.pair(request.sender(), request.command().clientMsgId()))));
        }
        List<AfterCommitPublisher.Publication> publications = new ArrayList<>(acks.size());
        for (Message ack : acks) {
            publications.add(new AfterCommitPublisher.Publication(Events.INBOX + ack.getSender(),
                    Events.bytes(Events.ack(ack)), 1));
        }
        int storedCount = entries.size();
        mqtt.publishAllAfterCommit(publications, () -> {
            if (storedCount > 0) {
                metrics.stored(false, storedCount);
                pump.newEntries(entries);
            }
        });
    }
}
