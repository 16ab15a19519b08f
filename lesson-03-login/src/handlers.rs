//! The way in for a new user, and the way back for a browser that has a cookie.
//!
//! `register` ends the way a login does (src/login.rs): `session.start(user.id)` seals
//! the user's id into the cookie, and returning the jar sends it as `Set-Cookie`.
//! `current_session` is the other half: a later request, whose cookie the server opens.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::{Accounts, ApiError, Credentials, Json, User};
use serde_json::{Value, json};

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

/// `GET /api/session`: whose session this request carries, `{"user_id": 1}`, as the server
/// reads it from the cookie the browser sent by itself. Nothing is looked up and nothing
/// was kept since the login: the cookie alone says who. `{"user_id": null}` when there is
/// no valid session (no cookie, a changed or foreign one, one past its expiry): here that
/// is an answer, not an error. Lesson 04's `/api/me` replaces this window with the
/// endpoint a page needs: the user from the database, or a 401.
pub async fn current_session(session: Session) -> Json<Value> {
    Json(json!({ "user_id": session.user_id() }))
}
