//! The two ways in: register (which logs the new user in) and log in.
//!
//! Both end the same way: `session.start(user.id)` seals the user's id into the cookie,
//! and returning the jar sends it as `Set-Cookie`. From then on the browser sends it back
//! with every request, and the server knows who is asking.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::{Accounts, ApiError, Credentials, Json, User};

use crate::session::Session;

/// `POST /api/register`: creates the user and logs them in at once.
/// 201 with the user; 400 with the reason for bad input; 409 for a taken name.
pub async fn register(
    State(accounts): State<Accounts>,
    session: Session,
    Json(credentials): Json<Credentials>,
) -> Result<(StatusCode, PrivateCookieJar, Json<User>), ApiError> {
    let user = accounts.register(&credentials).await?;
    Ok((StatusCode::CREATED, session.start(user.id), Json(user)))
}

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
