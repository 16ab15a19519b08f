//! `POST /api/login`: the login flow, step by step.
//!
//! 1. Find the account by its name.
//! 2. Check the password against the stored bcrypt hash.
//! 3. If both are right, start a session: seal the user's id into the `session` cookie.
//!
//! Steps 1 and 2 are `common::Accounts::check_login`, so that every lesson logs in alike;
//! step 3 is this lesson's [`Session`]. Returning the jar sends the cookie as `Set-Cookie`,
//! and from then on the browser sends it back with every request by itself.

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
    // An unknown name and a wrong password fail alike, after the same bcrypt work, so
    // neither the answer nor its timing says which usernames exist.
    let user = accounts.check_login(&credentials).await?;
    Ok((session.start(user.id), Json(user)))
}
