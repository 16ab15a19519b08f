//! Exercise 06-2 · "Log out my other devices": the reference solution.
//!
//! `DELETE /api/sessions/others` ends every session of the user except the one making
//! the request, and answers 200 `{"ended": N}`; without a live session, 401. The starter,
//! with the exercise explained, is `exercises/2_log_out_others.rs`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use common::{ApiError, Json};
use lesson_06_server_sessions::{AppState, COOKIE_NAME};
use serde_json::json;

/// `DELETE /api/sessions/others`: ends every session of the user but this one.
pub async fn log_out_others(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    // Who is asking: the same question `/api/me` asks. No live session, no user to act for.
    let current = match jar.get(COOKIE_NAME) {
        Some(cookie) => app.sessions.lookup(cookie.value()).await?,
        None => None,
    };
    let Some(me) = current else {
        return Err(ApiError::unauthorized("Not logged in"));
    };

    // The user's live sessions, and of those every one but this request's. The list
    // holds only this user's sessions, and `revoke` checks the owner again anyway: Bob's
    // sessions are never in reach. (A session that timed out meanwhile is not counted.)
    let mut ended = 0;
    for session in app.sessions.list(me.user.id).await? {
        if session.public_id != me.session.public_id
            && app.sessions.revoke(me.user.id, &session.public_id).await?
        {
            ended += 1;
        }
    }

    // No Set-Cookie: this browser stays logged in.
    Ok(Json(json!({ "ended": ended })).into_response())
}
