//! Warm-up 06-1 · Access: what a cookie opens, and ending a session on purpose.
//!
//! With `--features 06-1-access` this file replaces `src/access.rs`: the server then asks
//! *your* `lookup` who is calling, on every request that needs to know (through
//! `SessionStore::lookup`, in src/store.rs), and *your* `revoke` when someone ends a
//! session from the list. Everything else in the lesson
//! stays as it is. Check your work with `cargo course check 06-1-access`.
//!
//! What you have to work with, besides the helper at the bottom of this file:
//! - the `sessions` table (migrations/20260106000001_sessions.sql). Every time in it is
//!   in whole seconds since 1970, and the row's key is not the token itself. The same
//!   SQL runs on SQLite and PostgreSQL (`DATABASE_URL=postgres://…`): write the values
//!   as `$1`, `$2`, …, which both understand;
//! - the store's pool, clock and timeouts (the fields of `SessionStore`, src/store.rs);
//! - what the imports below bring in (src/store.rs, src/token.rs and common's clock.rs
//!   say what each does).

// While the `todo!()`s stand, the compiler would warn that the parameters, the imports
// and the helper below are unused. This keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables, unused_imports, dead_code)]

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
    // TODO 1: A cookie can hold anything: typed by hand, truncated, an attacker's
    //         guess. Anything not shaped like a token this server hands out is simply
    //         "no session". It must never become an error (a 500) and never reach
    //         the database.
    //
    // TODO 2: Find the session and the user it belongs to, in one question to the
    //         database. Only a *live* session is an answer: one still inside both
    //         timeouts, the absolute one (its fixed end) and the idle one (counted
    //         from when it was last used). A row past either is no session, even if
    //         the purge has not deleted it yet. No row at all: no session.
    //
    // TODO 3: Touch the session: record that it was used now, so the idle timeout
    //         starts again. Times are whole seconds, so only write when the stored time
    //         is older than now (a burst of requests then costs one write).
    //         Think about it: Alice logs out on her laptop while another tab's request
    //         is between your read and your write. Her session's row is gone. What
    //         must your write do then, and what must `lookup` answer? What would an
    //         "insert or replace" do at that moment?
    //
    // TODO 4: Answer with the session and its user, the session showing the time you
    //         just recorded.
    todo!("06-1: look up the live session for this cookie value, and touch it")
}

/// Ends the session `public_id` if it belongs to `user_id`. `false` when there is no
/// such session *of this user*: someone else's session looks exactly like a missing
/// one, so ids cannot be probed.
pub async fn revoke(
    store: &SessionStore,
    user_id: i64,
    public_id: &str,
) -> Result<bool, sqlx::Error> {
    // TODO 5: End the session with this public id, but only if it is this user's.
    //         Bob has seen the id of Alice's phone session (over her shoulder, in a
    //         screenshot); asking with it must end nothing, and look exactly like an
    //         id that does not exist (the handler answers 404 for both). Say whether
    //         a session was ended.
    //         Think about it: why must "is it yours?" and "end it" be one question to
    //         the database rather than two? And why a 404 for Bob, not a 403?
    todo!("06-1: end this user's session with this public id")
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
