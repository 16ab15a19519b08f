//! The way in for a new user: register, which logs them in at once.
//!
//! It ends the way a login does (src/login.rs): `session.start(user.id)` seals the user's
//! id into the cookie, and returning the jar sends it as `Set-Cookie`.

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
