package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;

/** A message a client published to a chat topic, as stored before it is acknowledged. */
@Entity
@Table(name = "chat_message")
@NamedQuery(name = ChatMessage.RECENT, query = "select m from ChatMessage m order by m.id desc")
@NamedQuery(name = ChatMessage.RECENT_ON_TOPIC,
        query = "select m from ChatMessage m where m.topic = :topic order by m.id desc")
public class ChatMessage {

    public static final String RECENT = "ChatMessage.recent";
    public static final String RECENT_ON_TOPIC = "ChatMessage.recentOnTopic";

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "chat_message_seq")
    @SequenceGenerator(name = "chat_message_seq", sequenceName = "chat_message_seq", allocationSize = 50)
    private Long id;

    @Column(nullable = false, length = 1024)
    private String topic;

    @Column(name = "client_id", nullable = false, length = 256)
    private String clientId;

    @Column(nullable = false)
    private byte[] payload;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    protected ChatMessage() {
    }

    public ChatMessage(String topic, String clientId, byte[] payload, Instant receivedAt) {
        this.topic = topic;
        this.clientId = clientId;
        this.payload = payload;
        this.receivedAt = receivedAt;
    }

    public Long getId() {
        return id;
    }

    public String getTopic() {
        return topic;
    }

    public String getClientId() {
        return clientId;
    }

    public byte[] getPayload() {
        return payload;
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }
}
