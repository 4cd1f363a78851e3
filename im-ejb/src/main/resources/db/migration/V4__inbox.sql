-- Each user's inbox: every message addressed to the user (and the user's own, for their other devices) at a
-- position that grows by one per entry, and how far each device has acknowledged it. A device that comes back, even
-- after a server restart, receives what lies after its position.
ALTER TABLE account ADD COLUMN inbox_position BIGINT NOT NULL DEFAULT 0;

CREATE TABLE inbox_entry (
    username         VARCHAR(32)  NOT NULL REFERENCES account (username),
    position         BIGINT       NOT NULL,
    message_id       VARCHAR(36)  NOT NULL REFERENCES message (id),
    except_client_id VARCHAR(256),
    PRIMARY KEY (username, position)
);

CREATE TABLE device_inbox (
    client_id      VARCHAR(256) PRIMARY KEY,
    username       VARCHAR(32)  NOT NULL REFERENCES account (username),
    acked_position BIGINT       NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX device_inbox_username ON device_inbox (username);
