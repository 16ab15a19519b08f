//! Exercise 02-3 · Break it: premium decided by a plain cookie. The reference solution.
//!
//! The test forges the readable badge cookie, which anyone can type; the fix decides on
//! the signed cookie alone, which only the server can make.

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

/// Did this browser pay? Only the signed cookie can say: the server made it, and an
/// edited one does not come out of the signed jar. The badge is for the page to show,
/// never for the server to believe.
pub fn is_premium(_plain: &CookieJar, signed: &SignedCookieJar) -> bool {
    signed
        .get(PLAN_COOKIE)
        .is_some_and(|plan| plan.value() == PREMIUM)
}

/// Proves the flaw: a browser that never paid types the badge cookie and must still be
/// refused.
pub async fn your_test(app: Story) {
    let mut alice = app.client("Alice");
    let paid = alice
        .post("Alice pays", "/api/upgrade", serde_json::json!({}))
        .await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let read = alice.get("Alice reads", "/api/premium").await;
    assert_eq!(read.status, 200, "Alice paid: {}", read.body);

    let mut mallory = app.client("Mallory");
    mallory.set_cookie(BADGE_COOKIE, PREMIUM);
    let read = mallory
        .get("Mallory, who never paid, reads", "/api/premium")
        .await;
    assert_eq!(
        read.status, 403,
        "Mallory typed the badge cookie by hand and got in: {}",
        read.body
    );
}
