-- Conversations (direct for now: dm:{a}:{b}), their members with read/delivered cursors, and the messages with a
-- gap-free per-conversation seq. (sender, client_msg_id) makes a retried send idempotent.
CREATE TABLE conversation (
    id              VARCHAR(80) PRIMARY KEY,
    kind            VARCHAR(8)  NOT NULL,
    last_seq        BIGINT      NOT NULL DEFAULT 0,
    last_message_at TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE conversation_member (
    conversation_id VARCHAR(80) NOT NULL REFERENCES conversation (id),
    username        VARCHAR(32) NOT NULL REFERENCES account (username),
    read_seq        BIGINT      NOT NULL DEFAULT 0,
    delivered_seq   BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, username)
);
CREATE INDEX conversation_member_username ON conversation_member (username);

CREATE TABLE message (
    id              VARCHAR(36) PRIMARY KEY,
    conversation_id VARCHAR(80) NOT NULL REFERENCES conversation (id),
    seq             BIGINT      NOT NULL,
    sender          VARCHAR(32) NOT NULL REFERENCES account (username),
    recipient       VARCHAR(80) NOT NULL,
    kind            VARCHAR(16) NOT NULL,
    body            TEXT        NOT NULL,
    client_msg_id   VARCHAR(64) NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT message_conversation_seq UNIQUE (conversation_id, seq),
    CONSTRAINT message_sender_client_msg_id UNIQUE (sender, client_msg_id)
);
