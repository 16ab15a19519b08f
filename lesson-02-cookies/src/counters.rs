//! Three visit counters, one per kind of cookie. Each reads the count its browser sent
//! back, adds this visit and sends the new count in a fresh `Set-Cookie`. The plain and
//! private ones are here; the signed one has a module of its own,
//! [`crate::signed_counter`].
//!
//! The three handlers differ only in their jar. axum-extra's jars wrap the `cookie`
//! crate: `CookieJar` reads and writes values as they are, `SignedCookieJar` signs on
//! `add` and checks on `get`, `PrivateCookieJar` encrypts on `add` and decrypts on `get`.
//! A cookie that fails the check is simply not there: `get` gives `None`.

use axum::extract::State;
use axum_extra::extract::cookie::{Cookie, CookieJar, PrivateCookieJar, SameSite};
use common::Json;
use serde::Serialize;

use crate::AppState;

/// One name per counter, so that the three never read each other's cookie. (All three
/// use `Path=/`, so the browser sends all of them to every endpoint.)
pub const PLAIN_COOKIE: &str = "visits";
pub const SIGNED_COOKIE: &str = "visits_signed";
pub const PRIVATE_COOKIE: &str = "visits_private";

/// How long the browser keeps a counter cookie after the last visit.
pub const COOKIE_LIFETIME: time::Duration = time::Duration::days(30);

/// The answer of every counter: `{"visits": n}`.
#[derive(Serialize)]
pub struct Visits {
    pub visits: u64,
}

/// `GET /api/visits`: the count in a plain cookie. The server believes whatever number
/// comes back, because it has no way to tell its own value from an edited one.
pub async fn plain_visits(
    State(state): State<AppState>,
    jar: CookieJar,
) -> (CookieJar, Json<Visits>) {
    let visits = next_count(jar.get(PLAIN_COOKIE).map(Cookie::value));
    let jar = jar.add(visits_cookie(PLAIN_COOKIE, visits, state.secure_cookies));
    (jar, Json(Visits { visits }))
}

/// `GET /api/visits/private`: the count in an encrypted cookie, unreadable and
/// tamper-evident.
pub async fn private_visits(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
) -> (PrivateCookieJar, Json<Visits>) {
    // `get` decrypts and checks: anything the server did not encrypt itself is `None`.
    let visits = next_count(jar.get(PRIVATE_COOKIE).as_ref().map(Cookie::value));
    // `add` encrypts, with a fresh random nonce each time: the same count never looks
    // the same twice.
    let jar = jar.add(visits_cookie(PRIVATE_COOKIE, visits, state.secure_cookies));
    (jar, Json(Visits { visits }))
}

/// This visit's number: the count the browser sent back, plus one.
///
/// Cookie values come from the client, so anything can arrive: nothing, a word, a
/// negative number, a value thousands of digits long, a count too big to grow. None of
/// these is a count this server handed out, so each one starts over at 1, never a 500.
pub fn next_count(sent: Option<&str>) -> u64 {
    sent.and_then(|value| value.parse::<u64>().ok())
        .and_then(|count| count.checked_add(1))
        .unwrap_or(1)
}

/// The cookie that carries a count, with the attributes that tell the browser how to
/// treat it:
/// - `HttpOnly`: JavaScript on the page cannot read it (`document.cookie`), so a script
///   injected into the page cannot steal it;
/// - `SameSite=Lax`: not sent along when another site makes the browser call this one
///   in the background (a form post, an image), only on our own pages and links to them;
/// - `Path=/`: sent with every request to this site, not just those under one path;
/// - `Max-Age`: kept for this many seconds; without it the cookie is gone when the
///   browser closes;
/// - `Secure` (with `COOKIE_SECURE=true`): only ever sent over HTTPS.
pub fn visits_cookie(name: &'static str, visits: u64, secure: bool) -> Cookie<'static> {
    Cookie::build((name, visits.to_string()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(COOKIE_LIFETIME)
        .secure(secure)
        .build()
}
