//! Exercise 02-2 · A pass that carries its own end: the reference solution.
//!
//! The signed cookie holds the moment the pass ends, in Unix seconds. The signature stops
//! anyone from moving that moment; the server's own clock decides whether it has passed.
//! `Max-Age` only asks the browser to drop the cookie in time, and nothing makes it obey.

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use common::{ApiError, Clock, Config, Json};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// The cookie that carries the pass.
pub const PASS_COOKIE: &str = "pass";

/// How long a pass lasts from the moment it is issued.
pub const PASS_LIFETIME: Duration = Duration::minutes(10);

/// The error of `GET /api/pass` without a pass that is genuine and still running.
pub const NO_PASS: &str = "No valid pass";

/// What the pass handlers need: the key that signs, the clock that says when "now" is,
/// and whether cookies travel over HTTPS only (`COOKIE_SECURE`).
#[derive(Clone)]
pub struct PassState {
    pub key: Key,
    pub clock: Clock,
    pub secure_cookies: bool,
}

/// The signed jar finds its key in the state through this.
impl FromRef<PassState> for Key {
    fn from_ref(state: &PassState) -> Key {
        state.key.clone()
    }
}

/// The answer of both endpoints: `{"expires_at": "2026-01-01T09:10:00Z"}`.
#[derive(Serialize)]
pub struct Pass {
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The pass's routes, with the config's key and `clock`. Merged into the lesson's router.
pub fn routes(config: &Config, clock: Clock) -> Router {
    Router::new()
        .route("/api/pass", get(show_pass).post(issue_pass))
        .with_state(PassState {
            key: config.cookie_key.clone(),
            clock,
            secure_cookies: config.cookie_secure,
        })
}

/// `POST /api/pass`: a new pass, ending [`PASS_LIFETIME`] from now. 200 with its end, and
/// the signed cookie that carries it.
pub async fn issue_pass(
    State(state): State<PassState>,
    jar: SignedCookieJar,
) -> (SignedCookieJar, Json<Pass>) {
    let expires_at = state.clock.now() + PASS_LIFETIME;
    let cookie = Cookie::build((PASS_COOKIE, expires_at.unix_timestamp().to_string()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(PASS_LIFETIME)
        .secure(state.secure_cookies)
        .build();
    (jar.add(cookie), Json(Pass { expires_at }))
}

/// `GET /api/pass`: 200 with the pass's end while it runs; 401 [`NO_PASS`] when there is
/// no pass, when it was edited, or when its end has come.
pub async fn show_pass(
    State(state): State<PassState>,
    jar: SignedCookieJar,
) -> Result<Json<Pass>, ApiError> {
    let expires_at = jar
        .get(PASS_COOKIE)
        .and_then(|cookie| cookie.value().parse::<i64>().ok())
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
        .filter(|expires_at| state.clock.now() < *expires_at)
        .ok_or_else(|| ApiError::unauthorized(NO_PASS))?;
    Ok(Json(Pass { expires_at }))
}
