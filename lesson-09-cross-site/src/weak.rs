//! Deliberately weak servers: this lesson's, without its cross-site check, with one more
//! route that a page on another site would love to reach, and, in some, a session cookie
//! whose `SameSite` is changed. Each shows in a real browser what one defence was for:
//! the browser tests (`maintainers/browser`) load Mallory's page ([`ANOTHER_SITE`]) against
//! each, and the README shows what Chromium did. Never serve one for real.
//!
//! The route is "log out everywhere": it ends every session of whoever's cookie comes
//! with the request, and reads no body. A forgery that reaches it with Alice's cookie logs
//! her out on every device.

use axum::Router;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use common::ApiError;
use lesson_06_server_sessions::COOKIE_NAME;

use crate::AppState;

/// Mallory's page: buttons that make the visitor's browser send requests to the server
/// whose address replaces `{target}`. Served on another site (another address) than the
/// lesson's server.
pub const ANOTHER_SITE: &str = include_str!("another_site.html");

/// Which defence a weak server lacks, besides the cross-site check they all lack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weakness {
    /// "Log out everywhere" on a `GET`: a link, followed from another site, carries a
    /// `SameSite=Lax` cookie. No cookie setting helps here; only a method a link cannot
    /// use does.
    StateChangeOnGet,
    /// "Log out everywhere" on a `POST` that reads no JSON, so a form can send it; the
    /// cookie keeps `SameSite=Lax`. The browser leaves the cookie out of another site's
    /// form post: the request arrives as nobody's.
    FormPost,
    /// As [`Weakness::FormPost`], with a cookie that names no `SameSite` at all. Chromium
    /// then treats it as `Lax`, except that for two minutes after the cookie is set it
    /// sends it with another site's top-level POST (so that old single-sign-on flows keep
    /// working).
    FormPostNoSameSite,
    /// As [`Weakness::FormPost`], with `SameSite=None`, which asks the browser to send the
    /// cookie everywhere. Chromium refuses a `SameSite=None` cookie that is not also
    /// `Secure` (HTTPS only): over plain HTTP, the login sets no cookie at all.
    FormPostSameSiteNone,
}

impl Weakness {
    /// Every weak server, for the browser tests to go through.
    pub const ALL: [Weakness; 4] = [
        Weakness::StateChangeOnGet,
        Weakness::FormPost,
        Weakness::FormPostNoSameSite,
        Weakness::FormPostSameSiteNone,
    ];
}

/// The lesson's server without its cross-site check, with `POST /api/logout-everywhere`
/// (or `GET`), and the session cookie's `SameSite` as `weakness` says.
pub fn routes(state: AppState, weakness: Weakness) -> Router {
    let logout_everywhere = match weakness {
        Weakness::StateChangeOnGet => get(logout_everywhere),
        _ => post(logout_everywhere),
    };
    let extra = Router::new()
        .route("/api/logout-everywhere", logout_everywhere)
        .with_state(state.lesson_06.clone());
    let routes = crate::unchecked(state).merge(extra);
    let same_site = match weakness {
        Weakness::FormPostNoSameSite => Some(""),
        Weakness::FormPostSameSiteNone => Some("; SameSite=None"),
        _ => None,
    };
    match same_site {
        Some(replacement) => routes.layer(axum::middleware::map_response(
            move |response: Response| async move { with_same_site(response, replacement) },
        )),
        None => routes,
    }
}

/// Ends every session of the caller.
async fn logout_everywhere(
    State(app): State<lesson_06_server_sessions::AppState>,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    let me = app.required(&jar).await?;
    app.sessions.revoke_all(me.user.id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        jar.remove(Cookie::build(COOKIE_NAME).path("/")),
    ))
}

/// Every `Set-Cookie` of `response`, with `; SameSite=Lax` replaced by `replacement`.
fn with_same_site(mut response: Response, replacement: &str) -> Response {
    let rewritten: Vec<HeaderValue> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| {
            HeaderValue::from_str(&value.replace("; SameSite=Lax", replacement)).ok()
        })
        .collect();
    response.headers_mut().remove(SET_COOKIE);
    for value in rewritten {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}
