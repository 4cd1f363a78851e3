-- Groups (conversations group:{id} with roles and join points), chat rooms (definitions only: their messages are
-- never stored), blocks between users, the content filter, message tombstones and inbox entries for events other
-- than a new message.
CREATE TABLE im_group (
    id         VARCHAR(36)  PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    created_by VARCHAR(32)  NOT NULL REFERENCES account (username),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at TIMESTAMP WITH TIME ZONE
);

-- role: owner, admin or member in a group, null in a direct conversation. joined_seq: the first seq the member may
-- read (the system message of their joining); 0 in a direct conversation.
ALTER TABLE conversation_member ADD COLUMN role VARCHAR(8);
ALTER TABLE conversation_member ADD COLUMN joined_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE room (
    name        VARCHAR(64) PRIMARY KEY,
    owner       VARCHAR(32) NOT NULL REFERENCES account (username),
    max_members INTEGER     NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE user_block (
    blocker    VARCHAR(32) NOT NULL REFERENCES account (username),
    blocked    VARCHAR(32) NOT NULL REFERENCES account (username),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (blocker, blocked)
);

CREATE TABLE content_filter (
    id         BIGSERIAL    PRIMARY KEY,
    pattern    VARCHAR(200) NOT NULL,
    created_by VARCHAR(32)  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE message ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE message ADD COLUMN deleted_by VARCHAR(32);

-- message: the message itself; deleted: the message_deleted event of a tombstoned message.
ALTER TABLE inbox_entry ADD COLUMN event VARCHAR(16) NOT NULL DEFAULT 'message';
