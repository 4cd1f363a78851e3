-- Skeleton chat log: one row per message published to a chat/ topic.
CREATE SEQUENCE chat_message_seq INCREMENT BY 50;
CREATE TABLE chat_message (
    id          BIGINT PRIMARY KEY,
    topic       VARCHAR(1024) NOT NULL,
    client_id   VARCHAR(256)  NOT NULL,
    payload     BYTEA         NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX chat_message_topic_id ON chat_message (topic, id);
