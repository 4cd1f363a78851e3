-- Accounts, bearer tokens (stored as SHA-256 digests only) and the devices (MQTT connections) of each user.
CREATE TABLE account (
    username      VARCHAR(32)  PRIMARY KEY,
    password_hash VARCHAR(200) NOT NULL,
    display_name  VARCHAR(64)  NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    disabled      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE access_token (
    digest     CHAR(64)    PRIMARY KEY,
    username   VARCHAR(32) NOT NULL REFERENCES account (username),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX access_token_username ON access_token (username);

CREATE TABLE device_session (
    client_id     VARCHAR(256) PRIMARY KEY,
    connection_id VARCHAR(128) NOT NULL,
    username      VARCHAR(32)  NOT NULL REFERENCES account (username),
    token_digest  CHAR(64),
    connected     BOOLEAN      NOT NULL,
    since         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX device_session_username ON device_session (username);
CREATE INDEX device_session_token ON device_session (token_digest);
