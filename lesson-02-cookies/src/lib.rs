//! Lesson 02: how a server recognises a browser again.
//!
//! Lesson 01 failed because nothing in a request said which browser sent it. A cookie
//! fixes that: the server puts a small value in its answer (`Set-Cookie`), and the
//! browser sends that value back (`Cookie`) with every later request to the same site.
//! Each browser has its own cookies, so each one can be told apart.
//!
//! There is no login yet. Three visit counters show what a cookie can and cannot be
//! trusted with (the handlers are in [`counters`] and [`signed_counter`]):
//! - `GET /api/visits`: the count sits in the cookie as plain text. The browser can read
//!   it, and its user can change it; the server believes whatever comes back.
//! - `GET /api/visits/signed`: the cookie carries a signature (an HMAC made with the
//!   server's key). Anyone can read the count, nobody without the key can change it.
//! - `GET /api/visits/private`: the cookie is encrypted *and* authenticated. The browser
//!   holds it but can neither read nor change it.
//!
//! The key comes from `SESSION_SECRET` (see `common::config`).

use axum::Router;
use axum::extract::FromRef;
use axum::response::Html;
use axum::routing::get;
use axum_extra::extract::cookie::Key;
use common::Config;

pub mod counters;
// `--features 02-1-signed-counter` compiles your warm-up, exercises/1_signed_counter.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "02-1-signed-counter"))]
pub mod signed_counter;
#[cfg(feature = "02-1-signed-counter")]
#[path = "../exercises/1_signed_counter.rs"]
pub mod signed_counter;
#[cfg(all(rust_analyzer, not(feature = "02-1-signed-counter")))]
#[path = "../exercises/1_signed_counter.rs"]
mod signed_counter_starter;

use counters::{plain_visits, private_visits};
use signed_counter::signed_visits;

/// What the handlers need: the key that signs and encrypts, and whether cookies should
/// only travel over HTTPS (`COOKIE_SECURE`).
#[derive(Clone)]
pub struct AppState {
    pub key: Key,
    pub secure_cookies: bool,
}

/// `SignedCookieJar` and `PrivateCookieJar` find their key in the router's state
/// through this.
impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.key.clone()
    }
}

/// The lesson's router. No database: everything this lesson remembers lives in cookies.
pub fn app(config: &Config) -> Router {
    routes(AppState {
        key: config.cookie_key.clone(),
        secure_cookies: config.cookie_secure,
    })
}

/// The page and the three counters. `common::serve` adds the JSON 404/405, the body limit
/// and logging.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/visits", get(plain_visits))
        .route("/api/visits/signed", get(signed_visits))
        .route("/api/visits/private", get(private_visits))
        .with_state(state)
}

/// `GET /`: the three counters side by side, in a browser. Plain HTML and JavaScript,
/// built into the binary: no build step.
async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}
