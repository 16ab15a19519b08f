//! `DELETE /api/logout`: forget the session in this browser.
//!
//! The server keeps no list of sessions, so there is nothing on its side to delete.
//! Logging out means asking the browser to throw its cookie away: a `Set-Cookie` with the
//! same name and Path, an empty value and an expiry in the past. A copy of the cookie
//! kept somewhere else is not affected: see the story, and lesson 06.

use axum::http::StatusCode;
use axum_extra::extract::cookie::PrivateCookieJar;
use lesson_03_login::Session;

/// 204 No Content, with the `Set-Cookie` that removes the session cookie. Also 204 when
/// nobody was logged in: the result the client wanted is there either way.
pub async fn logout(session: Session) -> (StatusCode, PrivateCookieJar) {
    (StatusCode::NO_CONTENT, session.clear())
}
