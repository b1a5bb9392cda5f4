-- Signing in over the network: each person's access code (only its Argon2id hash), the
-- sessions of signed-in browsers (only the hash of each session's token), failed sign-ins
-- for the rate limit, and every time a person left the exam page (切屏记录). All of it
-- lives in the database, so a restarted server, or a second one, knows it.

CREATE TABLE access_codes (
    employee_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT
);

CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Seconds since 1970, UTC.
    expires_at INTEGER NOT NULL
);

CREATE INDEX web_sessions_employee ON web_sessions (employee_id);

CREATE TABLE login_failures (
    -- `employee:ID` or `address:IP`.
    key TEXT NOT NULL,
    -- Seconds since 1970, UTC.
    at INTEGER NOT NULL
);

CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE attempt_events (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE INDEX attempt_events_attempt ON attempt_events (attempt_id);
