//! Apply 04-2 · Since when am I logged in?
//!
//! A page wants to show "logged in since Thursday 09:00", and a careful user wants to spot
//! a session they do not remember starting. So this `/api/me` answers the user's fields as
//! before, plus `logged_in_at`: when this session began, i.e. the login (or registration)
//! that sealed the cookie. Not the time of the request, and not when the account was made.
//!
//! ```json
//! {"id": 1, "username": "alice", "created_at": "2026-01-01T09:00:00Z", "logged_in_at": "2026-01-01T12:00:00Z"}
//! ```
//!
//! The check, `tests/api/exercise_2_since.rs` (`cargo course check 04-2-since`), serves your
//! `me` at `GET /api/me` beside lesson 03's register and login.

// While the `todo!()` stands, the compiler would warn that the arguments are unused.
// This keeps it quiet meanwhile; delete it once you are done.
#![allow(unused_variables)]

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::{Accounts, ApiError, Json, User};
use lesson_03_login::SessionSettings;
use lesson_03_login::session::Session;
use serde::Serialize;
use time::OffsetDateTime;

/// What this `/api/me` answers for a logged-in user: the user's own fields, as lesson
/// 04's `/api/me` has them, and one more, `logged_in_at`. Given: serializing it gives the
/// JSON above.
#[derive(Debug, Serialize)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// When this session began: the login (or the registration) that sealed the cookie.
    #[serde(with = "time::serde::rfc3339")]
    pub logged_in_at: OffsetDateTime,
}

/// `GET /api/me`: 200 with the user and when this session began, or 401 with `null`.
pub async fn me(
    State(accounts): State<Accounts>,
    State(settings): State<SessionSettings>,
    session: Session,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Option<Me>>), ApiError> {
    // TODO: Answer like lesson 04's `/api/me` (src/me.rs), every "nobody" included, but
    //       with a `Me` in place of the bare user.
    //
    //       The start time is not written anywhere: the server keeps nothing per session,
    //       and the sealed cookie holds only a user id and an expiry. But you know how
    //       that expiry was computed when the session began (lesson-03-login/src/
    //       session.rs), and the settings that computed it are here. Open the cookie the
    //       way the session extractor does and count back. `headers` is the request's.
    //
    //       Think: an administrator shortens SESSION_MAX_AGE and restarts the server.
    //       What does your answer say for the sessions sealed before? What would it take
    //       to be right anyway, and what would that cost each cookie?
    todo!("04-2: the user, and when this session began")
}
