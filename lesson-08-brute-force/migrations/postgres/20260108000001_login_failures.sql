-- The login_failures table of ../20260108000001_login_failures.sql, in PostgreSQL's
-- types: the same columns, so the lesson's queries are the same on both databases.
CREATE TABLE login_failures (
    username        TEXT   NOT NULL,
    address         TEXT   NOT NULL,
    -- BIGINT: sqlx's Any driver reads 64-bit numbers.
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);

CREATE INDEX login_failures_by_time ON login_failures (last_failure_at);
