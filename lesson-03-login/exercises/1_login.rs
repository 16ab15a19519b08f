//! Warm-up 03-1 · `POST /api/login`: let Alice in.
//!
//! With `--features 03-1-login` this file replaces `src/login.rs`: the lesson's server, its
//! story and its tests all use your handler. Check it with `cargo course check 03-1-login`
//! (or by hand, see the lesson's README, "Exercises"); `cargo run -p lesson-03-login
//! --features 03-1-login` serves it, to try with the curl commands the server prints.
//!
//! The login flow has three steps: find the account, check the password, start a
//! session. The first two are shared by every lesson and already written; the third is
//! this lesson's `Session` (src/session.rs). Your handler puts them together.

// While the `todo!()`s stand, the compiler would warn that the lines after them never run,
// that the arguments are unused, and that a `todo!()` stands where a value should be.
// These allowances keep it quiet meanwhile; delete them once you are done.
#![allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]

use axum::extract::State;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::{Accounts, ApiError, Credentials, Json, User};

use crate::session::Session;

/// `POST /api/login`: checks the password and, if it is right, starts a session.
/// 200 with the user; otherwise the one 401 `{"error": "Invalid credentials"}`.
pub async fn login(
    State(accounts): State<Accounts>,
    session: Session,
    Json(credentials): Json<Credentials>,
) -> Result<(PrivateCookieJar, Json<User>), ApiError> {
    // TODO 1: Find out whether the credentials belong to an account: the name must exist
    //         and the password must match its bcrypt hash. `accounts` can do both in one
    //         call (common/src/accounts.rs). When it fails, its error already is the one
    //         generic 401: hand it on unchanged, never a message of your own.
    //         Think: why must "no such user" and "wrong password" get the same answer,
    //         after the same amount of work?
    let user: User = todo!("03-1, TODO 1: check the credentials");

    // TODO 2: Log the user in: seal their id into a fresh session cookie. `session`
    //         knows how, and gives back the cookie jar that carries the new cookie.
    //         Think: what is inside that cookie, and who can read it?
    let jar: PrivateCookieJar = todo!("03-1, TODO 2: start a session for the user");

    // TODO 3: Answer 200 OK with the jar (axum turns it into the `Set-Cookie` header) and
    //         the user as JSON.
    //         Think: the cookie already names the user; why send the user in the body too?
    todo!("03-1, TODO 3: answer with the cookie and the user")
}
