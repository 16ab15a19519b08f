//! Exercise 01-3 · Break it: a login remembered per User-Agent. The reference solution.
//!
//! The test shows two people whose browsers send the same `User-Agent` mixed up; the fix
//! tells browsers apart by something each one holds: a random visitor id in a cookie.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use common::{Accounts, ApiError, Clock, Config, Credentials, Json, User};
use story::{PASSWORD, Story};

/// How the server tells one browser from another: a key per request, and the cookie jar
/// to answer with (in case the key needs a cookie).
pub type BrowserKey = fn(&HeaderMap, CookieJar) -> (CookieJar, String);

/// The logins: one user per browser key, instead of lesson 01's one `current_user`.
pub type Logins = Arc<Mutex<HashMap<String, User>>>;

#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
    pub logins: Logins,
    pub browser_key: BrowserKey,
}

/// The server: lesson 01's three endpoints, with the login kept per browser key.
pub async fn app(
    config: Config,
    clock: Clock,
    browser_key: BrowserKey,
) -> Result<Router, sqlx::Error> {
    let state = AppState {
        accounts: Accounts::connect(&config, clock).await?,
        logins: Logins::default(),
        browser_key,
    };
    Ok(Router::new()
        .route("/api/register", post(register))
        .route("/api/login", post(login))
        .route("/api/me", get(me))
        .with_state(state))
}

async fn register(
    State(state): State<AppState>,
    Json(credentials): Json<Credentials>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user = state.accounts.register(&credentials).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `POST /api/login`: checks the password, then remembers the user for this browser.
async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(credentials): Json<Credentials>,
) -> Result<(CookieJar, Json<User>), ApiError> {
    let user = state.accounts.check_login(&credentials).await?;
    let (jar, key) = (state.browser_key)(&headers, jar);
    let mut logins = state
        .logins
        .lock()
        .expect("no request panics holding the lock");
    logins.insert(key, user.clone());
    Ok((jar, Json(user)))
}

/// `GET /api/me`: the user logged in on this browser, or 401 with the body `null`.
async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
) -> (StatusCode, CookieJar, Json<Option<User>>) {
    let (jar, key) = (state.browser_key)(&headers, jar);
    let logins = state
        .logins
        .lock()
        .expect("no request panics holding the lock");
    let user = logins.get(&key).cloned();
    let status = match user {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNAUTHORIZED,
    };
    (status, jar, Json(user))
}

/// The cookie that holds a browser's visitor id.
const VISITOR_COOKIE: &str = "visitor";

/// Which browser sent this request? The one that holds this visitor id. A browser that
/// holds none gets a new random one, in a cookie it will send back with every request.
/// (`headers` is no longer needed: nothing a browser says about itself is its own.)
pub fn browser_key(_headers: &HeaderMap, jar: CookieJar) -> (CookieJar, String) {
    if let Some(visitor) = jar.get(VISITOR_COOKIE) {
        let id = visitor.value().to_owned();
        return (jar, id);
    }
    // 48 random bytes from the operating system, 64 characters: nobody can guess one.
    let id = common::config::new_secret();
    let cookie = Cookie::build((VISITOR_COOKIE, id.clone()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .build();
    (jar.add(cookie), id)
}

/// Proves the flaw: two people whose browsers send the same `User-Agent` (the same
/// browser, the same version, the same system: very common) must not be mixed up.
pub async fn your_test(app: Story) {
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    let mut alice = app.client("Alice").user_agent(firefox);
    let mut bob = app.client("Bob").user_agent(firefox);
    alice.register_ok("alice").await;
    let login = alice.login("alice", PASSWORD).await;
    assert_eq!(login.status, 200, "Alice logs in: {}", login.body);

    let bobs = bob.me().await;
    assert_eq!(
        bobs.status, 401,
        "Bob never logged in, yet the server says he is {}",
        bobs.body
    );
    let alices = alice.me().await;
    assert_eq!(alices.json()["username"], "alice", "{}", alices.body);
}
