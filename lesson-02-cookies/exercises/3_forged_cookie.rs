//! Exercise 02-3 · Break it: premium decided by a plain cookie.
//!
//! A shop sells a premium plan. `POST /api/upgrade` is where a browser pays (the payment
//! is left out here); it gets two cookies back:
//! - `plan=premium`, signed and `HttpOnly`: for the server;
//! - `plan_badge=premium`, plain and readable by the page's JavaScript (HttpOnly cookies
//!   are not), so that the page can show a gold badge.
//!
//! `GET /api/premium` serves the premium article to browsers that paid, and a 403
//! `{"error": "Premium members only"}` to everyone else. Who paid is decided by
//! [`is_premium`], and its author picked the cookie that was easiest to read.
//!
//! Your part, in this order:
//! 1. [`your_test`]: a test that proves the flaw. It must FAIL against this server as it
//!    is, because of the flaw, and pass once the flaw is fixed.
//! 2. [`is_premium`]: fix it, so that your test passes.
//!
//! The rest of this file is the shop; read it, but it needs no change. Check your work
//! with `cargo course check 02-3-forged-cookie`: the check runs your test against its own
//! copy of the flawed `is_premium` (it must fail there), against a shop that lets nobody
//! in (it must fail there too) and against yours (it must pass), then runs checks of its
//! own against yours.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps it
// quiet meanwhile; delete it when you are done.
#![allow(unused_variables)]

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, Key, SameSite, SignedCookieJar};
use common::{ApiError, Config, Json};
use serde::Serialize;
use story::Story;

/// The signed cookie that says the browser paid: `HttpOnly`, for the server only.
pub const PLAN_COOKIE: &str = "plan";
/// A readable copy, for the page's JavaScript to show a gold badge. Anyone can type it.
pub const BADGE_COOKIE: &str = "plan_badge";
/// The value both cookies hold once the browser paid.
pub const PREMIUM: &str = "premium";
/// The error of `GET /api/premium` for anyone else.
pub const PREMIUM_ONLY: &str = "Premium members only";

/// How the server decides whether a browser paid, from its plain and signed cookies.
pub type PremiumCheck = fn(&CookieJar, &SignedCookieJar) -> bool;

#[derive(Clone)]
pub struct ShopState {
    pub key: Key,
    pub is_premium: PremiumCheck,
}

impl FromRef<ShopState> for Key {
    fn from_ref(state: &ShopState) -> Key {
        state.key.clone()
    }
}

/// The answer of `POST /api/upgrade`.
#[derive(Serialize)]
pub struct Plan {
    pub plan: &'static str,
}

/// The premium content.
#[derive(Serialize)]
pub struct Article {
    pub title: &'static str,
}

/// The shop: `POST /api/upgrade` (payment left out) and `GET /api/premium`, with
/// `is_premium` deciding who gets in.
pub fn app(config: &Config, is_premium: PremiumCheck) -> Router {
    Router::new()
        .route("/api/upgrade", post(upgrade))
        .route("/api/premium", get(premium))
        .with_state(ShopState {
            key: config.cookie_key.clone(),
            is_premium,
        })
}

/// `POST /api/upgrade`: the browser has paid (the payment is left out). Sets the signed
/// `plan` cookie, and the readable badge for the page.
async fn upgrade(
    plain: CookieJar,
    signed: SignedCookieJar,
) -> (CookieJar, SignedCookieJar, Json<Plan>) {
    let plan = Cookie::build((PLAN_COOKIE, PREMIUM))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .build();
    // Not HttpOnly on purpose: the page's script reads it to show the badge.
    let badge = Cookie::build((BADGE_COOKIE, PREMIUM))
        .same_site(SameSite::Lax)
        .path("/")
        .build();
    (
        plain.add(badge),
        signed.add(plan),
        Json(Plan { plan: PREMIUM }),
    )
}

/// `GET /api/premium`: the article for premium browsers, 403 for anyone else.
async fn premium(
    State(state): State<ShopState>,
    plain: CookieJar,
    signed: SignedCookieJar,
) -> Result<Json<Article>, ApiError> {
    if !(state.is_premium)(&plain, &signed) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, PREMIUM_ONLY));
    }
    Ok(Json(Article {
        title: "Ten things only paying members read",
    }))
}

/// Did this browser pay? THE FLAWED PIECE: fix it.
///
/// It believes the badge: the cookie that was easiest to read.
pub fn is_premium(plain: &CookieJar, signed: &SignedCookieJar) -> bool {
    let badge = plain.get(BADGE_COOKIE);
    badge.is_some_and(|badge| badge.value() == PREMIUM)
}

/// Your test: proves the flaw of [`is_premium`] against the shop `app` it is given.
pub async fn your_test(app: Story) {
    // TODO 1: Write a test that fails against this shop because of the flaw, and passes
    //         on a shop that decides properly. `app` is the shop, already running: make
    //         clients on it, as the lesson's tests do (tests/api/unhappy_paths.rs). A
    //         client can set a cookie by hand, as anyone can in the browser's developer
    //         tools.
    //         To be sure your test does not just lock everybody out, check that a
    //         browser that paid does get the article.
    //         Use `assert!` or `assert_eq!` with a message that says what went wrong.
    //         Think: which of the two cookies could Mallory, who never paid, make?
    //
    // TODO 2: Now fix `is_premium` above, so that only a cookie the server itself made can
    //         say "premium". The page may keep its badge; the server must not believe it.
    //         Think: could Mallory copy the *signed* cookie from Alice? Would that be the
    //         same flaw, or another one (lesson 02's story, step 8)?
    todo!("02-3, TODO 1: prove the flaw")
}
