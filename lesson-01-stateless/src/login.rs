//! `POST /api/login`, the handler the lesson's bug lives in: it checks the password, then
//! remembers the user in the one `current_user` that every request shares.

use axum::extract::State;
use common::{ApiError, Credentials, Json, User};

use crate::AppState;

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
