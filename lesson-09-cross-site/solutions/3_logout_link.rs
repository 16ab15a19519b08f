//! Break it 09-3 · A logout link that another site can click for you: the reference
//! solution.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, delete};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use common::ApiError;
use lesson_06_server_sessions::{AppState, COOKIE_NAME};
use story::Story;

/// The route of "log out everywhere", mounted at `/api/logout-everywhere`.
///
/// A DELETE: a link, an image or a page's redirect on another site is a GET, which
/// browsers send with a `SameSite=Lax` cookie; no GET may change anything. A DELETE from
/// another site meets the lesson's cross-site check, and a page cannot even send one
/// without asking us first (a CORS preflight, which we never grant).
pub fn logout_everywhere_route() -> MethodRouter<AppState> {
    delete(logout_everywhere)
}

/// Ends every session of the caller, this one included.
pub async fn logout_everywhere(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    let me = app.required(&jar).await?;
    app.sessions.revoke_all(me.user.id).await?;
    let jar = jar.remove(Cookie::build(COOKIE_NAME).path("/"));
    Ok((StatusCode::NO_CONTENT, jar))
}

/// What Alice's browser sends when she follows a link on another site: a GET, with her
/// `SameSite=Lax` cookie (top-level navigations carry it), and `Sec-Fetch-Site:
/// cross-site`. It must end nothing.
pub async fn your_test(app: Story) {
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let mut link = app
        .client("Mallory's link")
        .header("sec-fetch-site", "cross-site");
    link.restore_cookies(&alice.cookies());
    link.get(
        "Alice follows a link on Mallory's page",
        "/api/logout-everywhere",
    )
    .await;
    let me = alice.me().await;
    assert_eq!(
        me.status, 200,
        "a link on another site logged Alice out everywhere: {}",
        me.body
    );
}
