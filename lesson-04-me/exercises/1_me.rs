//! Warm-up 04-1 · `GET /api/me`: "who am I?"
//!
//! With `--features 04-1-me` this file replaces `src/me.rs`: the lesson's server, its
//! story and its tests all use your handler. Check it with `cargo course check 04-1-me`
//! (or by hand, see the lesson's README, "Exercises"). `cargo run -p lesson-04-me
//! --features 04-1-me` serves it: open the page in a browser, it is only as good as
//! your `/api/me`.
//!
//! A page that has just loaded knows nothing about who is using it. The browser sends the
//! session cookie by itself, so the page asks this endpoint, and the answer decides what
//! it shows: the user, or the login and register forms.

// While the `todo!()`s stand, the compiler would warn that the lines after them never run,
// that the arguments are unused, and that a `todo!()` stands where a value should be.
// These allowances keep it quiet meanwhile; delete them once you are done.
#![allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]

use axum::extract::State;
use axum::http::StatusCode;
use common::{Accounts, ApiError, Json, User};
use lesson_03_login::Session;

/// 200 with the user, or 401 with `null`.
pub async fn me(
    State(accounts): State<Accounts>,
    session: Session,
) -> Result<(StatusCode, Json<Option<User>>), ApiError> {
    // TODO 1: Find out whose session this is. `session` names a user only for a cookie
    //         that this server sealed, nobody changed, and that has not expired yet.
    //         Think: a cookie was changed by hand, or sealed with another key. What does
    //         `session` say then, and why is that not an error?
    let user_id: Option<i64> = todo!("04-1, TODO 1: whose session is it?");

    // TODO 2: The cookie only holds an id. Fetch the user it names from the users table
    //         (`accounts` holds the store). No id means no user; so does an id whose
    //         account no longer exists.
    //         Think: why ask the database on every request instead of trusting the cookie?
    let user: Option<User> = todo!("04-1, TODO 2: the user, if there is one");

    // TODO 3: Answer 200 OK with the user as JSON, or 401 Unauthorized with the body
    //         `null` (a missing user serializes as exactly that).
    //         Think: why `null` and not an error message? What does the page need to know?
    todo!("04-1, TODO 3: 200 with the user, or 401 with null")
}
