package org.reef.im.chat;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import org.reef.im.config.ImSettings;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.moderation.RefusalCounter;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;

import java.util.ArrayList;
import java.util.List;
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
        List<MqttAck> acks = new ArrayList<>(messages.size());
        for (MqttInboundMessage message : messages) {
            acks.add(handle(message));
        }
        return acks;
    }

    private MqttAck handle(MqttInboundMessage message) {
        String user = message.username();
        if (user == null) {
            return MqttAck.refused(0x87, "sign in to use im/ topics");
        }
        String clientMsgId = null;
        try {
            switch (message.topic()) {
                case "im/send" -> {
                    SendCommand command = SendCommand.parse(message.payload(), true, settings.maxBodyBytes());
                    clientMsgId = command.clientMsgId();
                    messaging.send(user, message.clientId(), command, null);
                }
                case "im/receipt" -> receipts.apply(user, message.clientId(),
                        ReceiptService.Receipt.parse(message.payload()));
                default -> throw new ImException(ImError.FORBIDDEN, "clients may not publish to " + message.topic());
            }
            return MqttAck.ACCEPTED;
        } catch (ImException e) {
            refusals.refused(e.error(), user, message.topic());
            LOG.log(Level.FINE, "Client {0}: {1} refused: {2}",
                    new Object[]{message.clientId(), message.topic(), e.getMessage()});
            // Now, not after commit: the event must reach the client even if the batch fails and goes again.
            mqtt.publishNow(Events.INBOX + user,
                    Events.bytes(Events.error(clientMsgId, e.error().code(), e.getMessage())), 1, message.clientId());
            return MqttAck.refused(e.error().mqttReason(), e.getMessage());
        }
    }
}
