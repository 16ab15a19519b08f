//! Apply 04-2 · Since when am I logged in? The reference solution.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::PrivateCookieJar;
use common::{Accounts, ApiError, Json, User};
use lesson_03_login::SessionSettings;
use lesson_03_login::session::{COOKIE_NAME, Session, SessionData};
use serde::Serialize;
use time::OffsetDateTime;

/// What this `/api/me` answers for a logged-in user: the user's own fields, as lesson
/// 04's `/api/me` has them, and one more, `logged_in_at`.
#[derive(Debug, Serialize)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// When this session began: the login (or the registration) that sealed the cookie.
    #[serde(with = "time::serde::rfc3339")]
    pub logged_in_at: OffsetDateTime,
}

/// `GET /api/me`: 200 with the user and when this session began, or 401 with `null`.
pub async fn me(
    State(accounts): State<Accounts>,
    State(settings): State<SessionSettings>,
    session: Session,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Option<Me>>), ApiError> {
    // Who, exactly as lesson 04 does it: the session vouches for the cookie (ours,
    // unchanged, not expired) and the database for the account.
    let user = match session.user_id() {
        Some(id) => accounts.users.find_by_id(id).await?,
        None => None,
    };
    let Some(user) = user else {
        return Ok((StatusCode::UNAUTHORIZED, Json(None)));
    };
    // Since when: the cookie holds no start time, only its expiry, sealed at the start as
    // "start + max age". Open it as the session does and count back.
    let jar = PrivateCookieJar::from_headers(&headers, settings.key.clone());
    let data = jar
        .get(COOKIE_NAME)
        .and_then(|cookie| serde_json::from_str::<SessionData>(cookie.value()).ok())
        .ok_or_else(|| ApiError::internal("a valid session whose cookie does not open"))?;
    let max_age = i64::try_from(settings.max_age.as_secs()).map_err(ApiError::internal)?;
    let logged_in_at = OffsetDateTime::from_unix_timestamp(data.expires_at - max_age)
        .map_err(ApiError::internal)?;
    Ok((StatusCode::OK, Json(Some(Me { user, logged_in_at }))))
}
