//! Apply 09-2 · Changing a password safely.
//!
//! With `--features 09-2-password` this file replaces `src/password.rs`: the server's
//! `POST /api/password` is then *your* `change_password`. Check your work with
//! `cargo course check 09-2-password`.
//!
//! Everything you need was built by earlier lessons: lesson 06's sessions (`AppState`'s
//! `lesson_06`: who is asking, and starting a session), lesson 03's password checks
//! (`common::Accounts`), lesson 08's count of failed logins (`AppState`'s `attempts`). The
//! body is `{"current_password": "…", "new_password": "…"}`.

// While the `todo!()`s stand, the compiler would warn that the parameters, the imports and
// `replace_password` are unused. This keeps it quiet meanwhile; delete it when you are done.
#![allow(unused_variables, unused_imports, dead_code)]

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum_extra::extract::CookieJar;
use common::accounts::{INVALID_CREDENTIALS, validate_password};
use common::{ApiError, Json, User};
use lesson_08_brute_force::Key;
use serde::Deserialize;

use crate::AppState;

/// The body of `POST /api/password`.
#[derive(Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

// By hand, so that neither password can reach a log through `{:?}`.
impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { <hidden> }")
    }
}

/// `POST /api/password`: 200 with the user and a new session cookie; 401 without a
/// session or for a wrong current password; 400 for a new password registration would
/// refuse; 429 after too many wrong ones.
pub async fn change_password(
    State(app): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(change): Json<PasswordChange>,
) -> Result<(CookieJar, Json<User>), ApiError> {
    // TODO: Change the password of the user whose session this is, and answer like a
    //       login does: 200, the user, and a session cookie.
    //
    //       Whoever holds a session cookie can send this request: a browser left open, a
    //       stolen cookie. So:
    //       - No live session: 401, as every endpoint that needs one answers.
    //       - The new password must pass the rules registration applies (400), and a
    //         request that fails them must cost nobody a guess.
    //       - The current password must be right. A wrong one is a wrong login: one
    //         bcrypt check, the login's one answer, and counted by lesson 08's throttle
    //         under the key a login of this user from this address is counted under (so
    //         the fourth wrong guess in a row waits). Why would a password change without
    //         that count be a gift to whoever stole the cookie? A check that fails on the
    //         server's side (too busy to hash, an error of ours) gave no verdict on the
    //         password: like lesson 08's guard, give the attempt back.
    //       - Then the change (see `replace_password`), and this browser gets a new session:
    //         lesson 06 has a way to start one that also ends the one the request came
    //         with.
    todo!("09-2: check the current password, then change it and end every session")
}

/// Stores the new hash and ends every session of the user, in one transaction; says how
/// many sessions ended.
async fn replace_password(app: &AppState, user_id: i64, hash: &str) -> Result<u64, ApiError> {
    // TODO: Store the new hash and end every session of the user (delete their rows) as ONE
    //       transaction: either both happen, or neither. Think: what if the server died
    //       between the two, with the password changed and the thief's session alive?
    //       sqlx starts a transaction on the pool (`pool().begin()`); a query runs in it
    //       with `.execute(&mut *transaction)`. Answer how many sessions ended.
    todo!("09-2: the new hash and the ended sessions, in one transaction")
}
