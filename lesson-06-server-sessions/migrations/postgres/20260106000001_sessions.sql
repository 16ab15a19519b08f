-- The sessions table of ../20260106000001_sessions.sql, in PostgreSQL's types: the same
-- columns, so the lesson's queries are the same on both databases.
CREATE TABLE sessions (
    token_hash   BYTEA  NOT NULL PRIMARY KEY,
    public_id    TEXT   NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Whole seconds since 1970. BIGINT, as sqlx's Any driver reads 64-bit numbers.
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    user_agent   TEXT,
    -- SQLite numbers every row by itself (`rowid`); the session list uses it to keep two
    -- sessions started in the same second in the order they began. PostgreSQL has no such
    -- column, so this one stands in for it, under the same name.
    rowid        BIGINT GENERATED ALWAYS AS IDENTITY
);

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
