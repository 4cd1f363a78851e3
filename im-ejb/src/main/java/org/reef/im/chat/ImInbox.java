package org.reef.im.chat;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import org.reef.im.config.ImSettings;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.moderation.RefusalCounter;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches what clients publish under {@code im/}: {@code im/send} and {@code im/receipt}; everything else there
 * is refused (0x87), {@code im/rooms/...} included (room messages go through {@code im/send}, to be stamped). A refusal
 * tells the sender why with an error event on its inbox and becomes the MQTT 5 PUBACK reason code; it leaves the
 * batch's transaction alone, so that the other messages of the batch commit.
 */
@Stateless
public class ImInbox {

    private static final Logger LOG = Logger.getLogger(ImInbox.class.getName());

    @EJB
    private MessagingService messaging;

    @Inject
    private DirectMessaging direct;

    @Resource(lookup = "java:jboss/datasources/ReefDS")
    private DataSource dataSource;

    @EJB
    private ReceiptService receipts;

    @EJB
    private ImSettings settings;

    @EJB
    private AfterCommitPublisher mqtt;

    @EJB
    private RefusalCounter refusals;

    /**
     * Handles a batch of messages from different connections in the caller's one transaction, each with its own
     * verdict. A refusal must change nothing in the transaction, so that the batch's other messages commit: every
     * refusal of {@link MessagingService} and {@link ReceiptService} happens before their first write (validation,
     * permissions, rate limit, content filter, all checked first), and an {@link ImException} does not mark the
     * transaction it crosses (see {@link org.reef.im.error.RefusalRollback}). Anything else that fails (a database
     * error) leaves this method, and the adapter delivers the batch's messages again one by one.
     */
    public List<MqttAck> handleAll(List<MqttInboundMessage> messages) {
        MqttAck[] acks = new MqttAck[messages.size()];
        SendCommand[] commands = new SendCommand[messages.size()];
        int maxBodyBytes = settings.maxBodyBytes();
        for (int i = 0; i < acks.length; i++) {
            MqttInboundMessage message = messages.get(i);
            if (message.username() != null && message.topic().equals("im/send")) {
                try {
                    commands[i] = SendCommand.parse(message.payload(), true, maxBodyBytes);
                } catch (ImException e) {
                    acks[i] = refused(message, null, e);
                }
            }
        }
        lockAhead(messages, commands);
        List<Integer> directs = new ArrayList<>();
        List<DirectMessaging.Request> requests = new ArrayList<>();
        for (int i = 0; i < acks.length; i++) {
            MqttInboundMessage message = messages.get(i);
            SendCommand command = commands[i];
            if (acks[i] != null) {
                continue; // refused already
            }
            if (command != null) {
                if (!command.isTyping() && command.to().startsWith(Conversations.USER_PREFIX)) {
                    directs.add(i); // stored together with the run of direct messages it belongs to
                    requests.add(new DirectMessaging.Request(message.username(), message.clientId(), command));
                    continue;
                }
            }
            sendDirects(messages, directs, requests, acks); // first the direct messages before this one, in order
            acks[i] = handle(message, command);
        }
        sendDirects(messages, directs, requests, acks);
        return List.of(acks);
    }

    /**
     * Takes the locks of the batch's stored sends, all in one order, before any of them runs ({@link BatchLocks}):
     * only when there are several, since one send alone already takes its locks in that order.
     */
    private void lockAhead(List<MqttInboundMessage> messages, SendCommand[] commands) {
        Set<String> conversations = new TreeSet<>();
        Set<String> withMembers = new TreeSet<>(); // whose members' accounts to lock: a direct one's are in users
        Set<String> users = new TreeSet<>();
        int sends = 0;
        for (int i = 0; i < commands.length; i++) {
            SendCommand command = commands[i];
            if (command == null || command.isTyping()) {
                continue;
            }
            String sender = messages.get(i).username();
            try {
                Conversations.Target target = Conversations.target(sender, command.to(), false);
                if (target.kind() == Conversations.Kind.ROOM) {
                    continue; // rooms store nothing
                }
                conversations.add(target.conversation());
                if (target.kind() == Conversations.Kind.DIRECT) {
                    users.add(sender);
                    users.add(target.name());
                } else {
                    withMembers.add(target.conversation());
                }
                sends++;
            } catch (ImException e) {
                // refused when its turn comes
            }
        }
        if (sends < 2) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            BatchLocks.lock(connection, conversations, withMembers, users);
        } catch (SQLException e) {
            throw new IllegalStateException("locking the rows of a batch failed: " + e.getMessage(), e);
        }
    }

    /** Stores the run of direct messages collected so far, in one call, and empties it. */
    private void sendDirects(List<MqttInboundMessage> messages, List<Integer> directs,
                             List<DirectMessaging.Request> requests, MqttAck[] acks) {
        if (directs.isEmpty()) {
            return;
        }
        List<ImException> outcomes = direct.sendAll(requests);
        for (int k = 0; k < directs.size(); k++) {
            int i = directs.get(k);
            ImException refusal = outcomes.get(k);
            acks[i] = refusal == null ? MqttAck.ACCEPTED
                    : refused(messages.get(i), requests.get(k).command().clientMsgId(), refusal);
        }
        directs.clear();
        requests.clear();
    }

    /** Handles one message; {@code command} is its parsed {@code im/send} command, if it is one. */
    private MqttAck handle(MqttInboundMessage message, SendCommand command) {
        String user = message.username();
        if (user == null) {
            return MqttAck.refused(0x87, "sign in to use im/ topics");
        }
        try {
            switch (message.topic()) {
                case "im/send" -> messaging.send(user, message.clientId(), command, null);
                case "im/receipt" -> receipts.apply(user, message.clientId(),
                        ReceiptService.Receipt.parse(message.payload()));
                default -> throw new ImException(ImError.FORBIDDEN, "clients may not publish to " + message.topic());
            }
            return MqttAck.ACCEPTED;
        } catch (ImException e) {
            return refused(message, command == null ? null : command.clientMsgId(), e);
        }
    }

    /** Tells the sender why (an error event on its inbox) and returns the refusal's PUBACK. */
    private MqttAck refused(MqttInboundMessage message, String clientMsgId, ImException e) {
        String user = message.username();
        refusals.refused(e.error(), user, message.topic());
        LOG.log(Level.FINE, "Client {0}: {1} refused: {2}",
                new Object[]{message.clientId(), message.topic(), e.getMessage()});
        // Now, not after commit: the event must reach the client even if the batch fails and goes again.
        mqtt.publishNow(Events.INBOX + user,
                Events.bytes(Events.error(clientMsgId, e.error().code(), e.getMessage())), 1, message.clientId());
        return MqttAck.refused(e.error().mqttReason(), e.getMessage());
    }
}
