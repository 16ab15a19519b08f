//! Apply 07-2 · A one-time login link, good on either server, once: the reference.
//!
//! The store keeps each link as a row of the database both servers share, under the
//! code's hash. Using a link is one statement that deletes the row and says whose it
//! was, so exactly one request can use it, whichever server it reaches. The starter, with
//! the exercise explained, is `exercises/2_login_links.rs`.

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
        let code = new_code();
        // In the database, not in this server's memory: the phone may reach the other one.
        sqlx::query("INSERT INTO login_links (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
            .bind(code_hash(&code))
            .bind(user_id)
            .bind(self.clock.unix_now() + LINK_SECONDS)
            .execute(&self.pool)
            .await?;
        Ok(code)
    }

    /// Uses the link `code`: the user it logs in, the first time within its lifetime;
    /// `None` ever after, and for a code that never was.
    pub async fn redeem(&self, code: &str) -> Result<Option<i64>, sqlx::Error> {
        // One statement both finds and deletes the row. Two requests with the same code,
        // on A and B at once, cannot both get it: the database deletes it once, and only
        // that DELETE returns the row. (A SELECT, then a DELETE, would let both through.)
        sqlx::query_scalar(
            "DELETE FROM login_links WHERE code_hash = $1 AND expires_at > $2 RETURNING user_id",
        )
        .bind(code_hash(code))
        .bind(self.clock.unix_now())
        .fetch_optional(&self.pool)
        .await
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
