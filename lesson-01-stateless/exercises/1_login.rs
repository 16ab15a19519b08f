//! Warm-up 01-1 · `POST /api/login`: remember who logged in, the way a beginner would.
//!
//! With `--features 01-1-login` this file replaces `src/login.rs`: the lesson's server, its
//! story and its tests all use your handler. Check it with `cargo course check 01-1-login`
//! (or by hand, see the lesson's README, "Exercises"); `cargo run -p lesson-01-stateless
//! --features 01-1-login` serves it, to try with the curl commands the server prints.
//!
//! You are writing the bug this lesson is about, on purpose. The story's snapshot expects
//! Alice to be told she is Bob once Bob logs in: your handler is right when it reproduces
//! exactly that. Seeing why it cannot be otherwise is the lesson.

// While the `todo!()`s stand, the compiler would warn that the lines after them never run,
// that the arguments are unused, and that a `todo!()` stands where a value should be.
// These allowances keep it quiet meanwhile; delete them once you are done.
#![allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]

use axum::extract::State;
use common::{ApiError, Credentials, Json, User};

use crate::AppState;

/// `POST /api/login`: checks the password, then remembers the user in `current_user`.
/// 200 with the user; otherwise the one 401 `{"error": "Invalid credentials"}`.
pub async fn login(
    State(state): State<AppState>,
    Json(credentials): Json<Credentials>,
) -> Result<Json<User>, ApiError> {
    // TODO 1: Find out whether the credentials belong to an account: the name must exist
    //         and the password must match the stored hash. The accounts in `state` can do
    //         both in one call (see what `register` in src/handlers.rs asks of them, and
    //         common/src/accounts.rs). When the check fails, its error already is the one
    //         generic 401: hand it on unchanged, and change nothing else.
    //         Think: why must a failed login leave `current_user` as it was?
    let user: User = todo!("01-1, TODO 1: check the credentials");

    // TODO 2: Remember the user in the server's one `current_user` (src/lib.rs), replacing
    //         whoever was there. Several requests run at once on different threads, and the
    //         type of `current_user` only lets one of them in at a time: hold that access
    //         for this one change, and never across an `.await`.
    //         Think: this makes the value thread-safe. Does it make it per-user?
    todo!("01-1, TODO 2: store the user in current_user");

    // TODO 3: Answer 200 OK with the user as JSON.
    //         Think: the answer carries the user, yet nothing the browser could send back
    //         to say "it's me again". What does the next `GET /api/me` have to go on?
    todo!("01-1, TODO 3: answer with the user")
}
