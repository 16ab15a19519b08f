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
//!
//! The last part of this file changes the secret without logging everyone out: retired
//! secrets (`SESSION_PREVIOUS_SECRETS`) still open the cookies they sealed, and such a
//! cookie comes back sealed with the current one. Lesson 07 shows it on two servers.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, FromRequestParts, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, Key, PrivateCookieJar, SameSite};
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
    /// From `SESSION_PREVIOUS_SECRETS`: retired keys, which still open the cookies they
    /// sealed (see the end of this file). Empty unless a secret is being rotated.
    pub previous_keys: Vec<Key>,
    pub max_age: Duration,
    /// `COOKIE_SECURE=true`: the browser sends the cookie over HTTPS only.
    pub secure: bool,
    pub clock: Clock,
}

impl SessionSettings {
    pub fn new(config: &Config, clock: Clock) -> Self {
        Self {
            key: config.cookie_key.clone(),
            previous_keys: config.previous_cookie_keys.clone(),
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
    settings: SessionSettings,
    data: Option<SessionData>,
    /// The request's `Cookie` headers, kept for [`Session::clear`].
    cookie_headers: HeaderMap,
}

impl<S> FromRequestParts<S> for Session
where
    SessionSettings: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let settings = SessionSettings::from_ref(state);
        let now = settings.clock.unix_now();
        let data = open(&parts.headers, &settings.key).filter(|data| data.expires_at > now);
        let cookie_headers = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .map(|value| (COOKIE, value.clone()))
            .collect();
        Ok(Session {
            settings,
            data,
            cookie_headers,
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
        let cookie = self.settings.cookie(&data);
        PrivateCookieJar::new(self.settings.key).add(cookie)
    }

    /// Logs out of this browser: a `Set-Cookie` that makes it delete the cookie (same
    /// name and Path, empty, already expired). A copy kept elsewhere still works until
    /// its `expires_at`: the server has nothing to cross out.
    pub fn clear(self) -> PrivateCookieJar {
        // The jar writes a removal only for a cookie it was sent and could open, so it is
        // filled from the request here, on the one path that needs it.
        PrivateCookieJar::from_headers(&self.cookie_headers, self.settings.key)
            .remove(Cookie::build(COOKIE_NAME).path("/"))
    }
}

/// The session sealed in the request's `session` cookie, if `key` opens it. AES-GCM
/// decrypts and checks the tag in one step: a changed, cut or foreign cookie opens to
/// nothing, exactly like no cookie. Only this one cookie is opened, and only once: the
/// request's other cookies are none of the session's business.
fn open(headers: &HeaderMap, key: &Key) -> Option<SessionData> {
    let sealed = CookieJar::from_headers(headers).get(COOKIE_NAME)?.clone();
    let opened = PrivateCookieJar::new(key.clone()).decrypt(sealed)?;
    serde_json::from_str(opened.value()).ok()
}

impl SessionSettings {
    /// The `session` cookie carrying `data`, not sealed yet (the jar seals it).
    fn cookie(&self, data: &SessionData) -> Cookie<'static> {
        let payload = serde_json::to_string(data).expect("two numbers serialize");
        let max_age = data.expires_at.saturating_sub(self.clock.unix_now());
        Cookie::build((COOKIE_NAME, payload))
            // JavaScript cannot read it, so an injected script cannot steal it.
            .http_only(true)
            // Sent on links into the site, not on other sites' form posts and fetches.
            .same_site(SameSite::Lax)
            .secure(self.secure)
            // Every path of the site, not only the one that set it.
            .path("/")
            // The browser drops it after this long. The sealed `expires_at` is what the
            // server trusts; Max-Age just keeps the browser's jar tidy.
            .max_age(time::Duration::seconds(max_age))
            .build()
    }
}

// ── changing the secret without logging everyone out ─────────────────────────────
//
// A secret has to change now and then: someone who knew it left, it was in a log, it is
// simply old. Replacing `SESSION_SECRET` alone ends every session at once, since no cookie
// sealed with the old key opens any more. So the old secret moves to
// `SESSION_PREVIOUS_SECRETS` for a while: it still *opens* cookies, but seals none. Each
// cookie that opens only with a retired key is sealed again with the current one in the
// response, so every browser that comes back in the meantime moves to the new key by
// itself. Once the retired secret is removed, the only sessions that end are those of
// browsers that never came back, and they may well have expired already. (Express's
// cookie-session does the same with its `keys` list.)

impl SessionSettings {
    /// `routes` with a layer for retired keys: a session cookie sealed with one still
    /// logs its user in, and the response seals it again with the current key. With no
    /// retired keys, `routes` come back as they are: a layer that only passes requests
    /// on would still cost every request a boxed future.
    pub fn with_retired_keys<S>(&self, routes: Router<S>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        if self.previous_keys.is_empty() {
            return routes;
        }
        routes.layer(from_fn_with_state(self.clone(), reseal_retired))
    }

    /// The request's session cookie sealed again with the current key, if it opens only
    /// with a retired one (and has not expired). `None` in every other case: no cookie, a
    /// current one, or one no key of ours opens.
    fn resealed(&self, headers: &HeaderMap) -> Option<Cookie<'static>> {
        if self.previous_keys.is_empty() || open(headers, &self.key).is_some() {
            return None;
        }
        // Newest retired key first: it is the one most cookies were sealed with.
        let data = self
            .previous_keys
            .iter()
            .find_map(|key| open(headers, key))?;
        if data.expires_at <= self.clock.unix_now() {
            return None;
        }
        // The same session, the same end: only the seal is new.
        let response = PrivateCookieJar::new(self.key.clone())
            .add(self.cookie(&data))
            .into_response();
        let set_cookie = response.headers().get(SET_COOKIE)?.to_str().ok()?;
        Cookie::parse(set_cookie.to_owned()).ok()
    }
}

/// The middleware of [`SessionSettings::with_retired_keys`]. The handler sees the
/// cookie as if the browser had sent it sealed with the current key, so nothing else in
/// the lesson knows about retired keys. The response carries the new cookie, unless the
/// handler set or removed the session cookie itself (a login, a logout).
async fn reseal_retired(
    State(settings): State<SessionSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(resealed) = settings.resealed(request.headers()) else {
        return next.run(request).await;
    };
    replace_cookie(request.headers_mut(), &resealed);
    let mut response = next.run(request).await;
    let handler_set_it = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.starts_with(&format!("{COOKIE_NAME}=")));
    if !handler_set_it && let Ok(value) = HeaderValue::try_from(resealed.to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// Rewrites the request's `Cookie` headers with `cookie`'s value in place of the one the
/// browser sent, leaving its other cookies as they were.
fn replace_cookie(headers: &mut HeaderMap, cookie: &Cookie<'_>) {
    let pairs: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.trim() == COOKIE_NAME => cookie.stripped().to_string(),
            _ => pair.to_owned(),
        })
        .collect();
    if let Ok(value) = HeaderValue::try_from(pairs.join("; ")) {
        headers.remove(COOKIE);
        headers.insert(COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_the_session_cookie_keeps_the_others() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("theme=dark; session=old"));
        headers.append(COOKIE, HeaderValue::from_static("lang=fr"));
        replace_cookie(&mut headers, &Cookie::new(COOKIE_NAME, "new"));
        let sent: Vec<&HeaderValue> = headers.get_all(COOKIE).iter().collect();
        assert_eq!(sent, ["theme=dark; session=new; lang=fr"]);
    }
}
