//! Exercise: look up a session, and revoke one.
//!
//! Built only with `--features exercise`; these two methods then replace the reference
//! ones in src/store.rs (`SessionStore::lookup` and `SessionStore::revoke`). Everything
//! else in the lesson stays as it is, and the same story and tests check your work:
//!
//! ```text
//! cargo test -p lesson-06-server-sessions --features exercise
//! ```
//!
//! Useful pieces from src/store.rs, already written:
//! - `token_hash(token)` gives the SHA-256 stored for a token, or `None` for anything that
//!   is not shaped like a token. Bind it to SQL as `&hash[..]`.
//! - `logged_in_from_row(&row)` turns one row of `sessions JOIN users` into a `LoggedIn`.
//!   It reads these columns, so SELECT them:
//!   `sessions.public_id, sessions.user_id, sessions.created_at, sessions.last_seen_at,
//!   sessions.expires_at, sessions.user_agent, users.username,
//!   users.created_at AS user_created_at`
//! - `self.clock.unix_now()` is now in seconds; `seconds(self.timeouts.idle)` is the idle
//!   timeout in seconds. Every time in the `sessions` table is in seconds too.
//! - `unix_time(seconds)` turns seconds back into an `OffsetDateTime`.
//! - The table is in migrations/20260106000001_sessions.sql.

// Until you write them, the parameters below are unused and the code after `todo!()`
// cannot run; neither should stop the build.
#![allow(unused_variables, unreachable_code)]

use crate::store::{LoggedIn, SessionStore};
#[allow(unused_imports)] // you will need these
use crate::store::{logged_in_from_row, seconds, token_hash, unix_time};

impl SessionStore {
    /// The session a cookie value leads to, or `None`. Called on every request that needs
    /// to know who is asking. See the reference in src/store.rs once you are done.
    pub async fn lookup(&self, token: &str) -> Result<Option<LoggedIn>, sqlx::Error> {
        // TODO 1: Turn the cookie value into the hash the table stores, with `token_hash`.
        //         Not shaped like a token? That is "no session": return Ok(None). Garbage
        //         must never become an error (a 500) nor reach the database.
        //
        // TODO 2: Find the live row and its user in one query: sessions JOIN users, WHERE
        //         the token_hash matches AND the session is within BOTH timeouts:
        //           - absolute: expires_at > now
        //           - idle:     last_seen_at > now - idle timeout
        //         `.fetch_optional(&self.pool)`: no row means Ok(None).
        //         Turn the row into a `LoggedIn` with `logged_in_from_row(&row)?`.
        //
        // TODO 3: "Touch" the session so the idle timeout starts again: set last_seen_at
        //         to now (only needed when it is older than now). Use an UPDATE whose
        //         WHERE repeats the checks of TODO 2, never an INSERT OR REPLACE: if a
        //         logout deleted the row a moment ago, the UPDATE changes nothing, and
        //         the session must stay dead. `rows_affected() == 0` means Ok(None).
        //
        // TODO 4: Return the session, with the new last_seen_at (`unix_time(now)?`).
        todo!("look up the session for this token (TODO 1-4 in src/exercise.rs)")
    }

    /// Ends the session `public_id` if it belongs to `user_id`: true if it did.
    pub async fn revoke(&self, user_id: i64, public_id: &str) -> Result<bool, sqlx::Error> {
        // TODO 5: Delete the row with this public_id, but only if it belongs to user_id:
        //         another user's session must look exactly like one that does not exist
        //         (the handler answers 404 for both). Return whether one row was deleted.
        todo!("delete the user's session with this public id (TODO 5 in src/exercise.rs)")
    }
}
