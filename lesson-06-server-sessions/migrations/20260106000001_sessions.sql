-- Lesson 06: one row per logged-in browser.
--
-- The cookie holds a random token; this table holds only the token's SHA-256, so a
-- copy of the database (a backup, a leaked file) contains no session anyone can use.
-- Times are whole seconds since 1970 (INTEGER), so SQL can compare and add them.
CREATE TABLE sessions (
    token_hash   BLOB    NOT NULL PRIMARY KEY,
    -- What the session list shows and what DELETE /api/sessions/{id} takes. Random, so
    -- it says nothing about the token and nobody can guess the ids of others' sessions.
    public_id    TEXT    NOT NULL UNIQUE,
    -- Deleting a user ends all of their sessions with them.
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    -- The hard end: created_at + the absolute timeout, fixed at login. (The idle
    -- timeout is checked against last_seen_at, so it follows the current setting.)
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT
);

-- "All sessions of user 7" (the list, log out everywhere) and "everything expired"
-- (the purge) are both frequent questions, so both get an index.
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
