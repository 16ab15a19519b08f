//! Access: what a cookie opens, and ending a session on purpose.
//!
//! Two questions decide who may do what, and both are asked of the `sessions` table:
//!
//! - [`lookup`]: *whose request is this?* Every request that needs to know
//!   asks it. A cookie leads to a live session and its user, or to nothing at all.
//! - [`revoke`]: *end that session*, by the id the session list shows, and
//!   only for the user it belongs to.
//!
//! They are what a sealed cookie could not do: the answer changes the moment a row is
//! deleted or times out. (They are also the lesson's warm-up exercise,
//! `exercises/1_access.rs`.)

use common::User;
use common::clock::seconds;
use common::db::{rfc3339_time, unix_time};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::store::{LoggedIn, SessionStore, session_from_row};
use crate::token::token_hash;

/// The session a cookie value leads to, or `None`: no such session, ended, timed out,
/// or not a token at all. Called on every request that needs to know who is asking.
///
/// A live session is also *touched*: its `last_seen_at` moves to now, which keeps the
/// idle timeout away while the user is active.
pub async fn lookup(store: &SessionStore, token: &str) -> Result<Option<LoggedIn>, sqlx::Error> {
    // Garbage never reaches the database, and never causes an error.
    let Some(hash) = token_hash(token) else {
        return Ok(None);
    };
    let now = store.clock.unix_now();
    let idle = seconds(store.timeouts.idle);

    // Both timeouts are part of the question, so an expired row is never an answer,
    // even if the purge has not got to it yet.
    let row = sqlx::query(
        "SELECT sessions.public_id, sessions.user_id, sessions.created_at,
                sessions.last_seen_at, sessions.expires_at, sessions.user_agent,
                users.username, users.created_at AS user_created_at
         FROM sessions JOIN users ON users.id = sessions.user_id
         WHERE sessions.token_hash = $1
           AND sessions.expires_at > $2          -- absolute: not past its hard end
           AND sessions.last_seen_at > $2 - $3   -- idle: used within the idle timeout",
    )
    .bind(&hash[..])
    .bind(now)
    .bind(idle)
    .fetch_optional(&store.pool)
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
            "UPDATE sessions SET last_seen_at = $2
             WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $2 - $3",
        )
        .bind(&hash[..])
        .bind(now)
        .bind(idle)
        .execute(&store.pool)
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
pub async fn revoke(
    store: &SessionStore,
    user_id: i64,
    public_id: &str,
) -> Result<bool, sqlx::Error> {
    // The owner is part of the question: Bob asking with Alice's id deletes nothing.
    let result = sqlx::query("DELETE FROM sessions WHERE public_id = $1 AND user_id = $2")
        .bind(public_id)
        .bind(user_id)
        .execute(&store.pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// A session and its user from one row of `sessions JOIN users`. It reads the session's
/// public_id, user_id, created_at, last_seen_at, expires_at, user_agent, and the user's
/// username and `users.created_at AS user_created_at`.
fn logged_in_from_row(row: &AnyRow) -> Result<LoggedIn, sqlx::Error> {
    let session = session_from_row(row)?;
    let user = User {
        id: session.user_id,
        username: row.try_get("username")?,
        created_at: rfc3339_time(row.try_get("user_created_at")?)?,
    };
    Ok(LoggedIn { session, user })
}
