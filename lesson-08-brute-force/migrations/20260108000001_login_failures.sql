-- Lesson 08: failed logins, counted per username and client address.
--
-- One row per key that has failed lately. A login attempt is counted here *before* its
-- password is checked; a successful login deletes its key's row. Times are whole seconds
-- since 1970 (INTEGER), like lesson 06's sessions.
--
-- Not a foreign key to users: an unknown username is counted exactly like a known one,
-- so that the answers never say which names exist.
CREATE TABLE login_failures (
    -- As typed, in lower case: logins ignore case, so "ALICE" is alice's key too.
    username        TEXT    NOT NULL,
    -- The client's IPv4 address, or its IPv6 /64 network.
    address         TEXT    NOT NULL,
    -- Attempts since the last success (or since the count was last forgotten).
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    PRIMARY KEY (username, address)
);

-- The purge deletes the keys that have been quiet for long enough.
CREATE INDEX login_failures_by_time ON login_failures (last_failure_at);
