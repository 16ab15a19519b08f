//! Exercise 01-3 · Break it: a login remembered per User-Agent.
//!
//! Someone read lesson 01 and "fixed" it. Instead of one `current_user` for everybody,
//! this server keeps one login per browser, in a map from a *browser key* to a user. The
//! key of a request is whatever [`browser_key`] says, and it says: the `User-Agent`
//! header, the line in which a browser names itself (`Mozilla/5.0 (X11; Linux x86_64;
//! rv:140.0) Gecko/20100101 Firefox/140.0`). Two browsers, two keys, two logins... or so
//! its author thought.
//!
//! Your part, in this order:
//! 1. [`your_test`]: a test that proves the flaw. It must FAIL against this server as it
//!    is, because of the flaw, and pass once the flaw is fixed.
//! 2. [`browser_key`]: fix it, so that your test passes.
//!
//! The rest of this file is the server; read it, but it needs no change. Check your work
//! with `cargo course check 01-3-user-agent`: the check runs your test against its own
//! copy of the flawed key (it must fail there), against a server that forgets every login
//! (it must fail there too) and against your `browser_key` (it must pass), then runs checks
//! of its own against your `browser_key`.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps it
// quiet meanwhile; delete it when you are done.
#![allow(unused_variables)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use common::{Accounts, ApiError, Clock, Config, Credentials, Json, User};
use story::Story;

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

/// Which browser sent this request? THE FLAWED PIECE: fix it.
///
/// It answers with the browser's `User-Agent`: whatever the browser says it is.
pub fn browser_key(headers: &HeaderMap, jar: CookieJar) -> (CookieJar, String) {
    let agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok());
    (jar, agent.unwrap_or("").to_owned())
}

/// Your test: proves the flaw of [`browser_key`] against the server `app` it is given.
pub async fn your_test(app: Story) {
    // TODO 1: Write a test that fails against this server because of the flaw, and passes
    //         on a server that tells browsers apart properly. `app` is the server, already
    //         running: make clients on it, as the lesson's tests do
    //         (tests/api/unhappy_paths.rs), and have them register, log in and ask who
    //         they are. A client can be told which `User-Agent` to send. Check too that
    //         the one who logged in is still told who she is: a test that would also pass
    //         against a server where nobody stays logged in proves little.
    //         Think: how many people in the world send exactly the same User-Agent as
    //         you? (Look at yours in your browser's developer tools, "Network".)
    //         Use `assert!` or `assert_eq!` with a message that says what went wrong.
    //
    // TODO 2: Now fix `browser_key` above. The browser must be told apart by something it
    //         *holds*, not by what it says about itself: the first time a browser comes,
    //         give it a visitor id of its own to send back with every request (lesson 02
    //         shows how a server hands a browser such a value, and what it looks like on
    //         the wire), and use that id as the key from then on.
    //         Think: what if the ids were 1, 2, 3...? Who else could send Alice's?
    todo!("01-3, TODO 1: prove the flaw")
}
