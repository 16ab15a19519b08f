//! Exercise: write `GET /api/me`.
//!
//! `cargo run -p lesson-04-me --features exercise` serves this version (open the page in
//! a browser and watch it work, or not), and `cargo test -p lesson-04-me --features
//! exercise` checks it against the lesson's story. Replace each `todo!()` in turn.
//!
//! The reference is `me` in src/me.rs: try without it first.

// Until every `todo!()` is gone, the compiler would warn that the lines after one never
// run, that some arguments are unused, and that a `todo!()` stands where a value should
// be. These allowances keep it quiet meanwhile; delete them once you are done.
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
    // TODO 1: Ask the session who is logged in. `session.user_id()` is `Some(id)` only
    //         for a cookie that is ours, unchanged and not expired; `None` otherwise.
    let user_id: Option<i64> = todo!("TODO 1: read the user id from the session");

    // TODO 2: With an id, look the user up: `accounts.users.find_by_id(id).await?` gives
    //         an `Option<User>`, `None` when the account no longer exists. Without an
    //         id, there is no user. (A `match` on `user_id` does both.)
    let user: Option<User> = todo!("TODO 2: find the user, if there is an id");

    // TODO 3: Answer with a status and the JSON body: `StatusCode::OK` with the user, or
    //         `StatusCode::UNAUTHORIZED` with `null`. `Json(user)` serializes `None` as
    //         `null`, so `Ok((status, Json(user)))` covers both.
    todo!("TODO 3: answer 200 with the user, or 401 with null")
}
