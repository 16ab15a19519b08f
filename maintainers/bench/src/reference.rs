//! The servers a lesson's `GET /api/me` is measured against: bare axum servers
//! (`axum::serve`, one route, no layers) that send the same JSON and do nothing else.
//!
//! - [`from_memory`] answers from memory: what the HTTP stack alone costs.
//! - [`user_by_id`] and [`session_by_token`] run the SELECT that lessons 04 and 06 run for
//!   each request, through a pool that [`common::db::connect`] opens with the lessons' own
//!   settings (pool size, WAL, busy_timeout, synchronous, foreign keys), on the lesson's own
//!   database file. They are the limit a lesson that reads the database can reach: what
//!   the lesson adds on top of them (cookies, crypto, layers, errors) is its own cost.

use std::io;

use axum::Router;
use axum::extract::State;
use axum::http::header::COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::db::{AnyPool, rfc3339_time};
use common::{Clock, User};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What a reference server starts from: the lesson's database, where the benchmark's user
/// and its sessions already are, and what the lesson's own load sends.
pub struct Seed {
    /// The lesson's database: a SQLite file the lesson's server created and filled.
    pub database_url: String,
    /// The user's JSON, as the lesson's `/api/me` sends it.
    pub user: String,
    /// The `Cookie` header values the lesson gets, one per connection.
    pub cookies: Vec<String>,
}

/// A reference server, serving: where it is, and the `Cookie` header values to send it.
pub struct Reference {
    pub url: String,
    pub cookies: Vec<String>,
}

/// Serves `routes` on 127.0.0.1 (port 0) until the runtime ends; returns its URL.
async fn serve(routes: Router) -> io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, routes).await });
    Ok(url)
}

/// Answers the seed's user from memory: no cookie read, no database. It gets the lesson's
/// `Cookie` headers all the same, since reading them is HTTP work too.
pub async fn from_memory(seed: Seed) -> Result<Reference, sqlx::Error> {
    use axum::http::header::CONTENT_TYPE;

    let user = axum::body::Bytes::from(seed.user);
    let routes = Router::new().route(
        "/api/me",
        get(move || {
            let user = user.clone();
            async move { ([(CONTENT_TYPE, "application/json")], user) }
        }),
    );
    let url = serve(routes).await?;
    Ok(Reference {
        url,
        cookies: seed.cookies,
    })
}

/// Lesson 04's read, and nothing else: the user by id, the SELECT of
/// `common::users::UserStore::find_by_id`. The id comes from a plain cookie `uid=<id>`:
/// opening the lesson's sealed cookie is the lesson's own cost.
pub async fn user_by_id(seed: Seed) -> Result<Reference, sqlx::Error> {
    let pool = common::db::connect(&seed.database_url).await?;
    let user: serde_json::Value = serde_json::from_str(&seed.user)
        .map_err(|error| sqlx::Error::Protocol(format!("the user's JSON: {error}")))?;
    let id = &user["id"];
    let routes = Router::new()
        .route("/api/me", get(me_by_id))
        .with_state(pool);
    let url = serve(routes).await?;
    Ok(Reference {
        url,
        cookies: vec![format!("uid={id}"); seed.cookies.len()],
    })
}

async fn me_by_id(State(pool): State<AnyPool>, headers: HeaderMap) -> Response {
    let Some(id) = cookie(&headers, "uid").and_then(|id| id.parse::<i64>().ok()) else {
        return nobody();
    };
    let found = sqlx::query("SELECT id, username, created_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&pool)
        .await;
    answer(found, |row| {
        Ok(User {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            created_at: rfc3339_time(row.try_get("created_at")?)?,
        })
    })
}

/// Lesson 06's read, and nothing else: the session and its user, by the SHA-256 of the
/// token in the `session` cookie, with the SELECT of lesson 06's `SessionStore::lookup`
/// and its default idle timeout. No touch: moving `last_seen_at`, at most once a second
/// per session, is the lesson's own cost.
pub async fn session_by_token(seed: Seed) -> Result<Reference, sqlx::Error> {
    let pool = common::db::connect(&seed.database_url).await?;
    let routes = Router::new()
        .route("/api/me", get(me_by_token))
        .with_state(pool);
    let url = serve(routes).await?;
    Ok(Reference {
        url,
        cookies: seed.cookies,
    })
}

async fn me_by_token(State(pool): State<AnyPool>, headers: HeaderMap) -> Response {
    let Some(hash) = cookie(&headers, "session").and_then(token_hash) else {
        return nobody();
    };
    let now = Clock::system().unix_now();
    let idle = lesson_06_server_sessions::Timeouts::default()
        .idle
        .as_secs() as i64;
    let sql = "SELECT sessions.public_id, sessions.user_id, sessions.created_at,
                          sessions.last_seen_at, sessions.expires_at, sessions.user_agent,
                          users.username, users.created_at AS user_created_at
                   FROM sessions JOIN users ON users.id = sessions.user_id
                   WHERE sessions.token_hash = $1
                     AND sessions.expires_at > $2          -- absolute: not past its hard end
                     AND sessions.last_seen_at > $2 - $3   -- idle: used within the idle timeout";
    let found = sqlx::query(sql)
        .bind(&hash[..])
        .bind(now)
        .bind(idle)
        .fetch_optional(&pool)
        .await;
    answer(found, |row| {
        Ok(User {
            id: row.try_get("user_id")?,
            username: row.try_get("username")?,
            created_at: rfc3339_time(row.try_get("user_created_at")?)?,
        })
    })
}

/// The value of the cookie `name` in the request's `Cookie` header (`a=1; b=2`).
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let pairs = headers.get(COOKIE)?.to_str().ok()?;
    pairs
        .split("; ")
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The token's SHA-256, as lesson 06 computes it: of the 32 bytes the cookie's URL-safe
/// base64 carries.
fn token_hash(token: &str) -> Option<[u8; 32]> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    (bytes.len() == 32).then(|| Sha256::digest(&bytes).into())
}

/// 200 with the user, 401 `null` for nobody, 500 with the error: the load generator
/// counts anything but the expected 200 as an error.
fn answer(
    found: Result<Option<AnyRow>, sqlx::Error>,
    user: impl FnOnce(&AnyRow) -> Result<User, sqlx::Error>,
) -> Response {
    match found.and_then(|row| row.as_ref().map(user).transpose()) {
        Ok(Some(user)) => axum::Json(user).into_response(),
        Ok(None) => nobody(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

fn nobody() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::Value::Null),
    )
        .into_response()
}
