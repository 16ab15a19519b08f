-- One row per account. The password is stored only as a bcrypt hash.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NOCASE: "Alice" and "alice" are one name, so nobody can register a look-alike.
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
