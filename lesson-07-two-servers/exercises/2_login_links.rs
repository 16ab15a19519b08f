//! Apply 07-2 · A one-time login link, good on either server, once.
//!
//! Alice is logged in on her laptop and wants her phone logged in too, without typing
//! her password on its small keyboard. The laptop asks for a link and shows it as a QR
//! code; the phone opens it and is logged in, with a session of its own.
//!
//! | the request | the answer |
//! |---|---|
//! | `POST /api/login-links` with a live session | 201 `{"code": "…"}` |
//! | `POST /api/login-links` without one | 401 `{"error": "Not logged in"}` |
//! | `POST /api/login-links/{code}`, the first time, within 10 minutes | 200 with the user, and a new session cookie |
//! | `POST /api/login-links/{code}` used, expired or unknown | 404 `{"error": "No such link"}` |
//!
//! The load balancer picks the server for each request: the laptop may get its code from
//! A, and the phone present it to B. A code is a password for one use, so once used it is
//! refused by both servers, even when two requests with it reach A and B in the same
//! instant; and after 10 minutes, unused, it is refused too.
//!
//! The endpoints are written, below. Yours is the store: `LoginLinks::create` and
//! `LoginLinks::redeem`, on the database both servers share (`open` creates the table).
//! The check (`tests/api/exercise_2_login_links.rs`) runs lesson 06 on servers A and B
//! with these endpoints added, plays a story across both, and sends the same code to A
//! and B at once. Check your work with `cargo course check 07-2-login-links`.

// While the `todo!()`s stand, the compiler would warn that the parameters and the helpers
// are unused. This keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables, unused_imports, dead_code)]

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{ApiError, Clock, Json};
use lesson_06_server_sessions::{AppState, COOKIE_NAME};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

/// How long a link stays good, in seconds.
pub const LINK_SECONDS: i64 = 10 * 60;

/// The `login_links` table: one row per link not used yet. The same SQL for SQLite and
/// PostgreSQL: text, and whole numbers for the time.
const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS login_links (
    code_hash  TEXT   NOT NULL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
)";

/// The links, in the database every server shares. Cheap to clone: the pool is shared.
#[derive(Clone)]
pub struct LoginLinks {
    pool: AnyPool,
    clock: Clock,
}

impl LoginLinks {
    /// Creates the table if this database has none yet.
    pub async fn open(pool: AnyPool, clock: Clock) -> Result<Self, sqlx::Error> {
        sqlx::query(CREATE_TABLE).execute(&pool).await?;
        Ok(Self { pool, clock })
    }

    /// A new link for `user_id`, good for [`LINK_SECONDS`]. Returns its code, the only
    /// copy: the table keeps its hash.
    pub async fn create(&self, user_id: i64) -> Result<String, sqlx::Error> {
        // TODO 1: Make a new code and keep the link in the `login_links` table: whose it
        //         is, and until when it is good (the store's clock, whole seconds). Keep
        //         the code's hash, never the code itself: a copy of the table must hold no
        //         link anyone could open. Give the code back, for the laptop to show.
        //         Think about it: why the database, and not a map in this server's memory,
        //         when the phone's request may reach the other server?
        todo!("07-2: keep a new link in the shared table and return its code")
    }

    /// Uses the link `code`: the user it logs in, the first time within its lifetime;
    /// `None` ever after, and for a code that never was.
    pub async fn redeem(&self, code: &str) -> Result<Option<i64>, sqlx::Error> {
        // TODO 2: Use the link: if its row is there and still good, it must be gone
        //         afterwards, and its user is the answer. Anything else is `None`.
        //         Think about it: the same code reaches A and B in the same millisecond.
        //         If finding the row and removing it are two questions to the database,
        //         what can both servers see between them? How can one statement do both,
        //         and tell you what it removed? (SQLite and PostgreSQL both know how.)
        todo!("07-2: use up the link, once, and say whose it was")
    }
}

/// A new code: 32 bytes from the operating system's random generator, URL-safe base64.
fn new_code() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random generator is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the table keeps in place of a code: its SHA-256, in hex. A copy of the table then
/// holds no link anyone could open (lesson 06 keeps its tokens the same way).
fn code_hash(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

// ── the two endpoints ───────────────────────────────────────────────────────────────

/// `POST /api/login-links` and `POST /api/login-links/{code}`, beside lesson 06's routes.
pub fn routes(app: AppState, links: LoginLinks) -> Router {
    Router::new()
        .route("/api/login-links", post(create_link))
        .route("/api/login-links/{code}", post(use_link))
        // A code is a password for one use: no browser or proxy may keep a copy.
        .layer(axum::middleware::map_response(no_store))
        .with_state((app, links))
}

/// A new link for the user of this session: 201 `{"code": …}`, or 401 without a session.
async fn create_link(
    State((app, links)): State<(AppState, LoginLinks)>,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    let found = match jar.get(COOKIE_NAME) {
        Some(cookie) => app.sessions.lookup(cookie.value()).await?,
        None => None,
    };
    let me = found.ok_or_else(|| ApiError::unauthorized("Not logged in"))?;
    let code = links.create(me.user.id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "code": code }))).into_response())
}

/// Logs this browser in with a link: 200 with the user and a new session cookie, or 404
/// for a link used, expired or unknown (one answer for all three).
async fn use_link(
    State((app, links)): State<(AppState, LoginLinks)>,
    Path(code): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    let no_such_link = || ApiError::not_found("No such link");
    let user_id = links.redeem(&code).await?.ok_or_else(no_such_link)?;
    let user = app
        .accounts
        .users
        .find_by_id(user_id)
        .await?
        .ok_or_else(no_such_link)?;
    // As at a login: the session this browser came with ends, a new one starts.
    if let Some(old) = jar.get(COOKIE_NAME) {
        app.sessions.delete(old.value()).await?;
    }
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok());
    let token = app.sessions.create(user.id, user_agent).await?;
    let lifetime = app.sessions.timeouts().absolute.as_secs();
    let cookie = Cookie::build((COOKIE_NAME, token.into_string()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(app.cookie_secure)
        .max_age(time::Duration::seconds(
            lifetime.try_into().unwrap_or(i64::MAX),
        ))
        .build();
    Ok((jar.add(cookie), Json(user)).into_response())
}

async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
