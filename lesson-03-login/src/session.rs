//! The session: who is logged in, kept in a cookie the browser cannot read or change.
//!
//! HTTP forgets everything between requests, so after a login the server needs the
//! browser to remind it, on every request, who it is. Here the reminder is the whole
//! session: `{"user_id": 1, "expires_at": 1767862800}`, *sealed* into the `session`
//! cookie with `SESSION_SECRET`:
//!
//! - **encrypted** (AES-256-GCM), so the browser holds it but cannot read it;
//! - **authenticated**, so changing one character, or sealing a payload with another
//!   key, makes the server refuse it as if there were no cookie at all.
//!
//! The server stores nothing per session. That is the strength of this model (no table to
//! look up, any server with the secret can read it) and its limit (lesson 05).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, Key, PrivateCookieJar, SameSite};
use common::{Clock, Config};
use serde::{Deserialize, Serialize};

/// The cookie's name, as the browser's developer tools show it.
pub const COOKIE_NAME: &str = "session";

/// What is sealed inside the cookie. Small on purpose: browsers cap a cookie at ~4 KB,
/// and the user's name and the rest are one database lookup away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    pub user_id: i64,
    /// Unix seconds. Sealed inside, so the server decides when a session ends: a client
    /// that ignores the cookie's Max-Age and keeps sending it is still refused.
    pub expires_at: i64,
}

/// How sessions are sealed and for how long they last: the `FromRef` part of the app
/// state that the [`Session`] extractor needs.
#[derive(Clone)]
pub struct SessionSettings {
    /// From `SESSION_SECRET`: whoever has it can mint a session for any user.
    pub key: Key,
    pub max_age: Duration,
    /// `COOKIE_SECURE=true`: the browser sends the cookie over HTTPS only.
    pub secure: bool,
    pub clock: Clock,
}

impl SessionSettings {
    pub fn new(config: &Config, clock: Clock) -> Self {
        Self {
            key: config.cookie_key.clone(),
            max_age: config.session_max_age,
            secure: config.cookie_secure,
            clock,
        }
    }
}

/// The current request's session. Take it as a handler argument; it is never a
/// rejection: a missing, tampered, foreign or expired cookie simply means nobody is
/// logged in.
pub struct Session {
    jar: PrivateCookieJar,
    settings: SessionSettings,
    data: Option<SessionData>,
}

impl<S> FromRequestParts<S> for Session
where
    SessionSettings: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let settings = SessionSettings::from_ref(state);
        // Only cookies that decrypt and authenticate with our key make it into the jar.
        let jar = PrivateCookieJar::from_headers(&parts.headers, settings.key.clone());
        let now = settings.clock.unix_now();
        let data = jar
            .get(COOKIE_NAME)
            .and_then(|cookie| serde_json::from_str::<SessionData>(cookie.value()).ok())
            .filter(|data| data.expires_at > now);
        Ok(Session {
            jar,
            settings,
            data,
        })
    }
}

impl Session {
    /// The logged-in user's id, or `None` for an anonymous request.
    pub fn user_id(&self) -> Option<i64> {
        self.data.as_ref().map(|data| data.user_id)
    }

    /// Logs `user_id` in: seals a fresh session into the cookie. Return the jar from the
    /// handler; it becomes the response's `Set-Cookie` header.
    pub fn start(self, user_id: i64) -> PrivateCookieJar {
        let max_age = i64::try_from(self.settings.max_age.as_secs()).unwrap_or(i64::MAX);
        let data = SessionData {
            user_id,
            expires_at: self.settings.clock.unix_now().saturating_add(max_age),
        };
        let payload = serde_json::to_string(&data).expect("two numbers serialize");
        let cookie = Cookie::build((COOKIE_NAME, payload))
            // JavaScript cannot read it, so an injected script cannot steal it.
            .http_only(true)
            // Sent on links into the site, not on other sites' form posts and fetches.
            .same_site(SameSite::Lax)
            .secure(self.settings.secure)
            // Every path of the site, not only the one that set it.
            .path("/")
            // The browser drops it after this long. The sealed `expires_at` is what the
            // server trusts; Max-Age just keeps the browser's jar tidy.
            .max_age(time::Duration::seconds(max_age));
        self.jar.add(cookie)
    }

    /// Logs out of this browser: a `Set-Cookie` that makes it delete the cookie (same
    /// name and Path, empty, already expired). A copy kept elsewhere still works until
    /// its `expires_at`: the server has nothing to cross out.
    pub fn clear(self) -> PrivateCookieJar {
        self.jar.remove(Cookie::build(COOKIE_NAME).path("/"))
    }
}
