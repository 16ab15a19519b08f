//! Break it 09-3 · A logout link that another site can click for you.
//!
//! A teammate added "log out everywhere" to lesson 09's server, as a link the page can
//! show: `GET /api/logout-everywhere` ends every session of the user. Handy. Also handy
//! for Mallory: a link on her site, an image, a redirect, and Alice is logged out
//! everywhere the moment she visits it. The lesson's cross-site check does not help: it
//! only looks at requests that change something, and a GET is not supposed to.
//!
//! Two parts, in this order:
//! 1. Write `your_test`: the test that sends what Alice's browser sends when she follows
//!    a link on another site, and shows that it logs her out. Against the route below it
//!    must FAIL.
//! 2. Fix the route, so that your test PASSES.
//!
//! The check (`cargo course check 09-3-logout-link`) serves lesson 09 with this file's
//! route at `/api/logout-everywhere`. It runs your test against its own copy of the flaw
//! and against your fix, then tests your fix itself.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps
// it quiet meanwhile; delete it once you are done.
#![allow(unused_variables)]

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use common::ApiError;
use lesson_06_server_sessions::{AppState, COOKIE_NAME};
use story::Story;

/// The route of "log out everywhere", mounted at `/api/logout-everywhere`.
///
/// FLAWED: fix it once your test has shown the flaw.
pub fn logout_everywhere_route() -> MethodRouter<AppState> {
    get(logout_everywhere)
}

/// Ends every session of the caller, this one included. (The flaw is not in here.)
pub async fn logout_everywhere(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    let me = app.required(&jar).await?;
    app.sessions.revoke_all(me.user.id).await?;
    let jar = jar.remove(Cookie::build(COOKIE_NAME).path("/"));
    Ok((StatusCode::NO_CONTENT, jar))
}

/// Your test. `app` is a running lesson 09 server with this file's route: make clients
/// with `app.client("Alice")` (story/src/client.rs says what a client can do, e.g.
/// `register_ok`, `me`, `cookies`, `restore_cookies`, `header`).
pub async fn your_test(app: Story) {
    // TODO: Show that a link on another site cannot log Alice out.
    //       Alice registers (she is then logged in). Then her browser follows a link on
    //       Mallory's page to the logout URL. Send exactly what her browser sends: which
    //       method does following a link use? Does the browser send her cookie along, when
    //       the cookie is `SameSite=Lax` and the link is on another site? Which header
    //       tells the server that the request comes from another site?
    //       Then assert what must hold afterwards for Alice.
    //
    //       Think: a test that only looks at the answer to the forged request could pass
    //       against the flaw. What is the damage you are proving did not happen?
    todo!("09-3: the test that follows Mallory's link with Alice's cookie")
}
