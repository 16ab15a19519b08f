//! The session store: a `sessions` table, and the few questions the server asks it.
//!
//! In lessons 03–05 the whole session travelled in the cookie, sealed. The server kept
//! nothing, so it could not end a session: a saved copy of the cookie went on working.
//! Here the cookie holds only a random *token*, and the session itself is a row in the
//! database. Ending a session means deleting its row; the token then points at nothing.
//!
//! The weak spots of a session store, and what closes each one here:
//!
//! | weak spot | what this store does |
//! |---|---|
//! | a guessable token | 256 bits from the operating system's random generator |
//! | a copy of the database | only the token's SHA-256 is stored, never the token |
//! | a deleted session coming back | "touching" a session is an `UPDATE` of a live row, never an insert |
//! | sessions that never end | an idle and an absolute timeout, checked in every lookup |
//! | dead rows piling up | [`SessionStore::purge_expired`], run by a background task |
//! | garbage in the cookie | anything that is not a live token is "no session": `None`, not an error |

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::config::{ConfigError, seconds_from_env};
use common::{Clock, User};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use time::OffsetDateTime;

/// 32 random bytes = 256 bits. Guessing a live token is hopeless even with billions of
/// sessions (128 bits would already be enough; the extra bits cost nothing).
const TOKEN_BYTES: usize = 32;
/// A token in the cookie: 32 bytes in URL-safe base64 without padding.
const TOKEN_CHARS: usize = 43;
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
            idle: seconds_from_env("SESSION_IDLE_TIMEOUT", defaults.idle.as_secs())?,
            absolute: seconds_from_env("SESSION_ABSOLUTE_TIMEOUT", defaults.absolute.as_secs())?,
        })
    }
}

/// A new session's token: the only copy of the secret, on its way into a cookie.
/// `Debug` hides it, so it cannot end up in a log by accident.
pub struct Token(String);

impl Token {
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<hidden>)")
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

/// The `sessions` table. Cheap to clone: the pool is shared.
#[derive(Clone, Debug)]
pub struct SessionStore {
    pub(crate) pool: SqlitePool,
    pub(crate) clock: Clock,
    pub(crate) timeouts: Timeouts,
}

impl SessionStore {
    /// Creates the `sessions` table if this database has none yet. `pool` must already
    /// have common's `users` table, which sessions point to.
    pub async fn open(
        pool: SqlitePool,
        clock: Clock,
        timeouts: Timeouts,
    ) -> Result<Self, sqlx::Error> {
        common::db::migrate(&pool, migrator()).await?;
        Ok(Self {
            pool,
            clock,
            timeouts,
        })
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Starts a session for `user_id` and returns its token, for the cookie. The token
    /// itself is not stored: it leaves the server once, in the Set-Cookie header.
    pub async fn create(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
    ) -> Result<Token, sqlx::Error> {
        let token = random_url_safe(TOKEN_BYTES);
        let hash = token_hash(&token).expect("a token made here has the right shape");
        let now = self.clock.unix_now();
        let user_agent =
            user_agent.map(|agent| agent.chars().take(MAX_USER_AGENT_CHARS).collect::<String>());
        // Two equal tokens would need 2^128 sessions to become likely; if it ever
        // happened, the PRIMARY KEY would refuse the second row rather than share it.
        sqlx::query(
            "INSERT INTO sessions
                 (token_hash, public_id, user_id, created_at, last_seen_at, expires_at, user_agent)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
        )
        .bind(&hash[..])
        .bind(random_url_safe(PUBLIC_ID_BYTES))
        .bind(user_id)
        .bind(now)
        .bind(now + seconds(self.timeouts.absolute))
        .bind(user_agent)
        .execute(&self.pool)
        .await?;
        Ok(Token(token))
    }

    /// Ends the session with this token (logout, and the old session at a new login).
    /// A token that matches nothing is fine: there is nothing left to end.
    pub async fn delete(&self, token: &str) -> Result<(), sqlx::Error> {
        if let Some(hash) = token_hash(token) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
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
             WHERE user_id = ?1 AND expires_at > ?2 AND last_seen_at > ?2 - ?3
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
        let result = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    /// Deletes the rows that no lookup would accept any more, and says how many. Lookups
    /// already ignore such rows; this only keeps the table from growing forever.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let result =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2")
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
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                match store.purge_expired().await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "deleted expired sessions"),
                    Err(error) => tracing::warn!(%error, "could not purge expired sessions"),
                }
            }
        })
    }
}

// The two functions this lesson is about. With `--features exercise`, src/exercise.rs
// supplies its own versions instead, for the student to write.
#[cfg(not(feature = "exercise"))]
impl SessionStore {
    /// The session a cookie value leads to, or `None`: no such session, ended, timed out,
    /// or not a token at all. Called on every request that needs to know who is asking.
    ///
    /// A live session is also *touched*: its `last_seen_at` moves to now, which keeps the
    /// idle timeout away while the user is active.
    pub async fn lookup(&self, token: &str) -> Result<Option<LoggedIn>, sqlx::Error> {
        // Garbage never reaches the database, and never causes an error.
        let Some(hash) = token_hash(token) else {
            return Ok(None);
        };
        let now = self.clock.unix_now();
        let idle = seconds(self.timeouts.idle);

        // Both timeouts are part of the question, so an expired row is never an answer,
        // even if the purge has not got to it yet.
        let row = sqlx::query(
            "SELECT sessions.public_id, sessions.user_id, sessions.created_at,
                    sessions.last_seen_at, sessions.expires_at, sessions.user_agent,
                    users.username, users.created_at AS user_created_at
             FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE sessions.token_hash = ?1
               AND sessions.expires_at > ?2          -- absolute: not past its hard end
               AND sessions.last_seen_at > ?2 - ?3   -- idle: used within the idle timeout",
        )
        .bind(&hash[..])
        .bind(now)
        .bind(idle)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut found = logged_in_from_row(&row)?;

        // Times are whole seconds, so a burst of requests in one second writes once.
        if found.session.last_seen_at.unix_timestamp() < now {
            // An UPDATE changes only a row that is there and alive. If a logout deleted
            // it since the SELECT above, nothing is changed and the session stays ended: an
            // upsert (INSERT OR REPLACE) here would bring the ended session back to life.
            let touched = sqlx::query(
                "UPDATE sessions SET last_seen_at = ?2
                 WHERE token_hash = ?1 AND expires_at > ?2 AND last_seen_at > ?2 - ?3",
            )
            .bind(&hash[..])
            .bind(now)
            .bind(idle)
            .execute(&self.pool)
            .await?;
            if touched.rows_affected() == 0 {
                return Ok(None);
            }
            found.session.last_seen_at = unix_time(now)?;
        }
        Ok(Some(found))
    }

    /// Ends the session `public_id` if it belongs to `user_id`. `false` when there is no
    /// such session *of this user*: someone else's session looks exactly like a missing
    /// one, so ids cannot be probed.
    pub async fn revoke(&self, user_id: i64, public_id: &str) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("DELETE FROM sessions WHERE public_id = ? AND user_id = ?")
            .bind(public_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}

/// The `sessions` table, from this lesson's `migrations/` folder. Its version is later
/// than common's `users` table, which it points to.
pub fn migrator() -> sqlx::migrate::Migrator {
    common::db::embedded_migrator(&[(
        20260106000001,
        "sessions",
        include_str!("../migrations/20260106000001_sessions.sql"),
    )])
}

/// The token's SHA-256: the key of its row. `None` when `token` is not shaped like a
/// token this server hands out (43 URL-safe base64 characters, 32 bytes).
///
/// Why SHA-256 and not bcrypt, as for passwords? bcrypt is slow on purpose, to make
/// guessing *likely* passwords expensive. A token has 256 random bits: there is no likely
/// token to guess, so one fast hash is enough, and every request can afford it.
pub(crate) fn token_hash(token: &str) -> Option<[u8; 32]> {
    if token.len() != TOKEN_CHARS {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    if bytes.len() != TOKEN_BYTES {
        return None;
    }
    Some(Sha256::digest(&bytes).into())
}

/// `bytes` bytes from the operating system's random generator, in URL-safe base64.
fn random_url_safe(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // Without the OS generator no secure token can be made; there is no fallback to want.
    getrandom::fill(&mut buffer).expect("the OS random generator is available");
    URL_SAFE_NO_PAD.encode(buffer)
}

/// Whole seconds, the unit of every time in the table.
pub(crate) fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

// Until the exercise's `lookup` is written, nothing calls this.
#[cfg_attr(feature = "exercise", allow(dead_code))]
pub(crate) fn unix_time(seconds: i64) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|error| sqlx::Error::Decode(error.into()))
}

fn session_from_row(row: &SqliteRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        public_id: row.try_get("public_id")?,
        user_id: row.try_get("user_id")?,
        // sqlx reads an INTEGER column as seconds since 1970.
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
        user_agent: row.try_get("user_agent")?,
    })
}

/// A session and its user from one row of `sessions JOIN users`. It reads the session's
/// public_id, user_id, created_at, last_seen_at, expires_at, user_agent, and the user's
/// username and `users.created_at AS user_created_at`.
// Until the exercise's `lookup` is written, nothing calls this.
#[cfg_attr(feature = "exercise", allow(dead_code))]
pub(crate) fn logged_in_from_row(row: &SqliteRow) -> Result<LoggedIn, sqlx::Error> {
    let session = session_from_row(row)?;
    let user = User {
        id: session.user_id,
        username: row.try_get("username")?,
        created_at: row.try_get("user_created_at")?,
    };
    Ok(LoggedIn { session, user })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = random_url_safe(TOKEN_BYTES);
        let b = random_url_safe(TOKEN_BYTES);
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_CHARS);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{a}"
        );
        assert!(token_hash(&a).is_some());
    }

    #[test]
    fn anything_not_shaped_like_a_token_has_no_hash() {
        let good = random_url_safe(TOKEN_BYTES);
        for bad in [
            "",
            "x",
            &good[..42],
            &format!("{good}A"),
            &format!("{}!", &good[..42]),
            &format!("{}=", &good[..42]),
            &format!("{}x", "é".repeat(21)),
        ] {
            assert_eq!(token_hash(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_stored_hash_is_not_the_token() {
        let token = random_url_safe(TOKEN_BYTES);
        let hash = token_hash(&token).unwrap();
        assert_ne!(
            &hash[..],
            URL_SAFE_NO_PAD.decode(&token).unwrap().as_slice()
        );
        assert_eq!(
            Some(hash),
            token_hash(&token),
            "the same token always finds its row"
        );
    }
}
