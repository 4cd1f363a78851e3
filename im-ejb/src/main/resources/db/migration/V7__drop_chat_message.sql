-- The walking skeleton's chat/# store is gone (security review F13: it kept every publish, anonymous ones included,
-- with no quota or retention, readable by any user). chat/ topics are plain MQTT publish/subscribe now; nothing read
-- this table any more. V6 is left to a concurrent change.
DROP TABLE IF EXISTS chat_message;
DROP SEQUENCE IF EXISTS chat_message_seq;
