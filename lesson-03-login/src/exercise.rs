//! Exercise: write the login handler.
//!
//! `cargo run -p lesson-03-login --features exercise` serves this version, and
//! `cargo test -p lesson-03-login --features exercise` checks it against the lesson's
//! story. Replace each `todo!()`, one TODO at a time, until the tests pass.
//!
//! The reference is `login` in src/handlers.rs: try without it first.

// Until every `todo!()` is gone, the compiler would warn that the lines after one never
// run, that some arguments are unused, and that a `todo!()` stands where a value should
// be. These allowances keep it quiet meanwhile; delete them once you are done.
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
    // TODO 1: Check the username and password with `accounts.check_login(&credentials)`.
    //         It is `async` (bcrypt runs off the runtime): `.await` it. On failure it
    //         returns the one generic 401 "Invalid credentials"; pass it on with `?`.
    //         Think: why must "no such user" and "wrong password" look the same?
    let user: User = todo!("TODO 1: check the credentials with accounts.check_login");

    // TODO 2: Log the user in: `session.start(user.id)` seals their id into the session
    //         cookie and gives back the cookie jar that carries it.
    let jar: PrivateCookieJar = todo!("TODO 2: start a session for user.id");

    // TODO 3: Answer with the jar (axum turns it into the `Set-Cookie` header) and the
    //         user as JSON: `Ok((jar, Json(user)))`. The status is 200 by default.
    todo!("TODO 3: return the jar and the user")
}
