//! `GET /api/me`: "who am I?", asked by the page every time it loads.
//!
//! A page that was just opened knows nothing: not whether a login happened a minute ago
//! in another tab, nor last week. The cookie does, and the browser sends it by itself. So
//! the page asks, and the answer decides what it shows: the user, or a login form.

use axum::extract::State;
use axum::http::StatusCode;
use common::{Accounts, ApiError, Json, User};
use lesson_03_login::Session;

/// 200 with the user, or 401 with `null`. "Nobody" covers every way a session can fail:
/// no cookie, one that is not ours or was changed, one past its expiry, and one for a
/// user who no longer exists. The page needs no more detail than that.
pub async fn me(
    State(accounts): State<Accounts>,
    session: Session,
) -> Result<(StatusCode, Json<Option<User>>), ApiError> {
    let user = match session.user_id() {
        // The cookie says who, but the database has the last word: the account may be
        // gone, and the name may have changed since the cookie was sealed.
        Some(id) => accounts.users.find_by_id(id).await?,
        None => None,
    };
    let status = match user {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNAUTHORIZED,
    };
    // `Json(None)` is the JSON `null`: a body the page can always parse.
    Ok((status, Json(user)))
}
