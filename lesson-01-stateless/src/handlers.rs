//! The three handlers. `login` writes the one `current_user`; `me` reads it.

use axum::extract::State;
use axum::http::StatusCode;
use common::{ApiError, Credentials, Json, User};

use crate::AppState;

/// `POST /api/register`: 201 with the new user, 400 for bad input, 409 for a taken name.
/// It does not log the new user in: only `login` touches `current_user`.
pub async fn register(
    State(state): State<AppState>,
    Json(credentials): Json<Credentials>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user = state.accounts.register(&credentials).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `POST /api/login`: checks the password, then remembers the user in `current_user`.
///
/// The request says nothing about *who* is asking beyond the username in its body, and
/// the answer gives the browser nothing to bring back next time. So the only place left
/// to remember the login is the server's one variable, overwriting whoever was there.
pub async fn login(
    State(state): State<AppState>,
    Json(credentials): Json<Credentials>,
) -> Result<Json<User>, ApiError> {
    // A wrong password or an unknown user is a 401 "Invalid credentials", and the `?`
    // returns before `current_user` is touched: a failed login changes nothing.
    let user = state.accounts.check_login(&credentials).await?;
    // The lock is held for this one assignment, never across an `.await`.
    *state
        .current_user
        .lock()
        .expect("no request panics while holding the lock") = Some(user.clone());
    Ok(Json(user))
}

/// `GET /api/me`: whoever is in `current_user`, or 401 with the body `null`.
///
/// It cannot ask "who is *this* browser?": nothing in the request says. It can only
/// answer "who logged in last, anywhere?".
pub async fn me(State(state): State<AppState>) -> (StatusCode, Json<Option<User>>) {
    let current = state
        .current_user
        .lock()
        .expect("no request panics while holding the lock")
        .clone();
    let status = match current {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNAUTHORIZED,
    };
    (status, Json(current))
}
