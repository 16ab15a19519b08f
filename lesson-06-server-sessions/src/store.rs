//! The session store: a `sessions` table, and the questions the server asks it.
//!
//! In lessons 03–05 the whole session travelled in the cookie, sealed. The server kept
//! nothing, so it could not end a session: a saved copy of the cookie went on working.
//! Here the cookie holds only a random *token*, and the session itself is a row in the
//! database. Ending a session means deleting its row; the token then points at nothing.
//!
//! This file reads top to bottom: the settings ([`Timeouts`]), what a session is, then the
//! store's life cycle: open the table, create a session at login, delete it at logout,
//! list a user's sessions, end them all, purge the expired ones. The token itself is in
//! [`crate::token`]. The two questions asked on behalf of a request, `lookup` ("whose
//! cookie is this?") and `revoke` ("end that session of mine"), are methods of the same
//! [`SessionStore`], written in `src/access.rs` (the lesson's warm-up exercise).
//!
//! The weak spots of a session store, and what closes each one:
//!
//! | weak spot | what this store does |
//! |---|---|
//! | a guessable token | 256 bits from the operating system's random generator |
//! | a copy of the database | only the token's SHA-256 is stored, never the token |
//! | a deleted session coming back | "touching" a session is an `UPDATE` of a live row, never an insert (`src/access.rs`) |
//! | ending someone else's session | revoking asks for the session *and* its owner (`src/access.rs`) |
//! | sessions that never end | an idle and an absolute timeout, checked in every lookup |
//! | dead rows piling up | [`SessionStore::purge_expired`], run by a background task |
//! | garbage in the cookie | anything that is not a live token is "no session": `None`, not an error |

use std::time::Duration;

use common::clock::seconds;
use common::db::{Migration, unix_time};
use common::settings::{ConfigError, session_seconds_from_env};
use common::{Clock, User};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use time::OffsetDateTime;

use crate::token::{Token, random_url_safe, token_hash};

/// The public id only needs to be unique and unguessable, not secret.
const PUBLIC_ID_BYTES: usize = 16;
/// Browsers send User-Agent lines of a few hundred characters; we keep enough to recognise one.
const MAX_USER_AGENT_CHARS: usize = 200;

/// How long a session may live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Ends a session nobody has used for this long (`SESSION_IDLE_TIMEOUT`).
    pub idle: Duration,
    /// Ends every session this long after login, however busy (`SESSION_ABSOLUTE_TIMEOUT`).
    pub absolute: Duration,
}

impl Default for Timeouts {
    /// 30 minutes idle, 1 day at most.
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(24 * 60 * 60),
        }
    }
}

impl Timeouts {
    /// Reads `SESSION_IDLE_TIMEOUT` and `SESSION_ABSOLUTE_TIMEOUT` (seconds), with the
    /// defaults above. `common` refuses 0 (it would end every session at once) and
    /// anything over 400 days, at start, with one line.
    pub fn from_env() -> Result<Self, ConfigError> {
        let defaults = Self::default();
        Ok(Self {
            idle: session_seconds_from_env("SESSION_IDLE_TIMEOUT", defaults.idle)?,
            absolute: session_seconds_from_env("SESSION_ABSOLUTE_TIMEOUT", defaults.absolute)?,
        })
    }
}

/// One row of the `sessions` table, as the session list shows it. No token, no hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub public_id: String,
    pub user_id: i64,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The absolute end: `created_at` + the absolute timeout, fixed at login.
    pub expires_at: OffsetDateTime,
    pub user_agent: Option<String>,
}

/// What a request's cookie leads to: a live session and the user it belongs to.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub session: Session,
    pub user: User,
}

/// The `sessions` table, on SQLite or PostgreSQL: the same queries on both (see
/// `common::db`). Cheap to clone: the pool is shared. Its fields are the crate's, so that
/// `src/access.rs` can write `lookup` and `revoke`.
#[derive(Clone, Debug)]
pub struct SessionStore {
    pub(crate) pool: AnyPool,
    pub(crate) clock: Clock,
    pub(crate) timeouts: Timeouts,
}

impl SessionStore {
    /// Creates the `sessions` table if this database has none yet. `pool` must already
    /// have common's `users` table, which sessions point to.
    pub async fn open(
        pool: AnyPool,
        clock: Clock,
        timeouts: Timeouts,
    ) -> Result<Self, sqlx::Error> {
        common::db::migrate(&pool, MIGRATIONS).await?;
        Ok(Self {
            pool,
            clock,
            timeouts,
        })
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The live session a cookie value leads to, touched, or `None` (written in
    /// `src/access.rs`).
    pub async fn lookup(&self, token: &str) -> Result<Option<LoggedIn>, sqlx::Error> {
        crate::access::lookup(self, token).await
    }

    /// Ends the session `public_id` if it belongs to `user_id` (written in
    /// `src/access.rs`).
    pub async fn revoke(&self, user_id: i64, public_id: &str) -> Result<bool, sqlx::Error> {
        crate::access::revoke(self, user_id, public_id).await
    }

    /// Starts a session for `user_id` and returns its token, for the cookie. The token
    /// itself is not stored: it leaves the server once, in the Set-Cookie header.
    pub async fn create(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
    ) -> Result<Token, sqlx::Error> {
        let token = Token::generate();
        let hash = token.hash();
        let now = self.clock.unix_now();
        let user_agent =
            user_agent.map(|agent| agent.chars().take(MAX_USER_AGENT_CHARS).collect::<String>());
        // Two equal tokens would need 2^128 sessions to become likely; if it ever
        // happened, the PRIMARY KEY would refuse the second row rather than share it.
        sqlx::query(
            "INSERT INTO sessions
                 (token_hash, public_id, user_id, created_at, last_seen_at, expires_at, user_agent)
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(&hash[..])
        .bind(random_url_safe(PUBLIC_ID_BYTES))
        .bind(user_id)
        .bind(now)
        .bind(now + seconds(self.timeouts.absolute))
        .bind(user_agent)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// Ends the session with this token (logout, and the old session at a new login).
    /// A token that matches nothing is fine: there is nothing left to end.
    pub async fn delete(&self, token: &str) -> Result<(), sqlx::Error> {
        if let Some(hash) = token_hash(token) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(&hash[..])
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// The user's live sessions, oldest first.
    pub async fn list(&self, user_id: i64) -> Result<Vec<Session>, sqlx::Error> {
        let now = self.clock.unix_now();
        sqlx::query(
            "SELECT public_id, user_id, created_at, last_seen_at, expires_at, user_agent
             FROM sessions
             WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $2 - $3
             ORDER BY created_at, rowid",
        )
        .bind(user_id)
        .bind(now)
        .bind(seconds(self.timeouts.idle))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(session_from_row)
        .collect()
    }

    /// Ends every session of the user ("log out everywhere"), and says how many.
    pub async fn revoke_all(&self, user_id: i64) -> Result<u64, sqlx::Error> {
        let result = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    /// Deletes the rows that no lookup would accept any more, and says how many. Lookups
    /// already ignore such rows; this only keeps the table from growing forever.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let result =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $1 - $2")
                .bind(self.clock.unix_now())
                .bind(seconds(self.timeouts.idle))
                .execute(&self.pool)
                .await?;
        Ok(result.rows_affected())
    }

    /// Runs [`SessionStore::purge_expired`] now and then every `every`, for as long as the
    /// server runs.
    pub fn spawn_purger(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        common::db::spawn_purger(every, "expired sessions", move || {
            let store = store.clone();
            async move { store.purge_expired().await }
        })
    }
}

/// The `sessions` table, from this lesson's `migrations/` folder (and `postgres/` in it).
/// Its version is later than common's `users` table, which it points to.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 20260106000001,
    description: "sessions",
    sqlite: include_str!("../migrations/20260106000001_sessions.sql"),
    postgres: include_str!("../migrations/postgres/20260106000001_sessions.sql"),
}];

/// One row of `sessions` (at least the six columns [`Session`] has).
pub(crate) fn session_from_row(row: &AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        public_id: row.try_get("public_id")?,
        user_id: row.try_get("user_id")?,
        // The times are whole seconds since 1970 in the table.
        created_at: unix_time(row.try_get("created_at")?)?,
        last_seen_at: unix_time(row.try_get("last_seen_at")?)?,
        expires_at: unix_time(row.try_get("expires_at")?)?,
        user_agent: row.try_get("user_agent")?,
    })
}
