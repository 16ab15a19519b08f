//! `register` and `me`. The third handler, `login`, which writes the one `current_user`
//! that `me` reads, has a module of its own: [`crate::login`].

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
