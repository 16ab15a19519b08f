//! Lesson 08: logins under attack.
//!
//! Lesson 06's server, unchanged, with one guard in front of its `POST /api/login`. The
//! guard learns who the login is for (the username in the body) and where it comes from
//! (the client's address), and asks [`LoginAttempts`] whether that pair may try now:
//!
//! - **no**: `429 Too Many Requests` with `Retry-After`, at once. No bcrypt work, no
//!   database lookup of the user: a refused guess costs the server almost nothing, and
//!   an unknown name is refused exactly like a known one.
//! - **yes**: the attempt is counted, and lesson 06's login runs. A `200` clears the
//!   count; a `401` leaves it counted; any other answer (bad input, a busy server) did not
//!   check the password, so it is not counted.
//!
//! Everything else (register, `/api/me`, the sessions) is lesson 06's. Bounded hashing,
//! the `503` when too many logins wait, and the slow-client timeouts come with `common`
//! and protect every lesson; this lesson is about a single attacker guessing a password.
//!
//! | route | what changes from lesson 06 |
//! |---|---|
//! | `POST /api/login` | `429` + `Retry-After` after a few failures for this name from this address |
//! | everything else | nothing |

// `--features 08-1-attempts` compiles your warm-up, exercises/1_attempts.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "08-1-attempts"))]
pub mod attempts;
#[cfg(feature = "08-1-attempts")]
#[path = "../exercises/1_attempts.rs"]
pub mod attempts;
#[cfg(all(rust_analyzer, not(feature = "08-1-attempts")))]
#[path = "../exercises/1_attempts.rs"]
mod attempts_starter;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use common::{ApiError, Clock, Config};
use lesson_06_server_sessions::{AppState, Timeouts};
use serde::Deserialize;

pub use attempts::{Key, LoginAttempts, Policy};

/// How often the background task forgets quiet keys.
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// Lesson 06's app (users, sessions, the purge task), with the guard in front of its
/// login.
pub async fn app(
    config: &Config,
    clock: Clock,
    timeouts: Timeouts,
    policy: Policy,
) -> Result<Router, sqlx::Error> {
    let sessions = lesson_06_server_sessions::state(config, clock.clone(), timeouts).await?;
    guarded(sessions, clock, policy).await
}

/// Lesson 06's routes for `sessions`, with the guard in front of its login.
pub async fn guarded(
    sessions: AppState,
    clock: Clock,
    policy: Policy,
) -> Result<Router, sqlx::Error> {
    let attempts = attempts(&sessions, clock, policy).await?;
    Ok(throttled(
        lesson_06_server_sessions::routes(sessions),
        attempts,
    ))
}

/// The failure counts, in the same database as `sessions`' users and sessions, with the
/// task that forgets quiet keys.
pub async fn attempts(
    sessions: &AppState,
    clock: Clock,
    policy: Policy,
) -> Result<LoginAttempts, sqlx::Error> {
    let pool = sessions.accounts.users.pool().clone();
    let attempts = LoginAttempts::open(pool, clock, policy).await?;
    attempts.spawn_purger(PURGE_EVERY);
    Ok(attempts)
}

/// `routes` with the guard in front of their `POST /api/login`.
pub fn throttled(routes: Router, attempts: LoginAttempts) -> Router {
    routes.layer(middleware::from_fn_with_state(attempts, guard_logins))
}

/// The guard, in front of every route; it only looks at `POST /api/login`.
pub async fn guard_logins(
    State(attempts): State<LoginAttempts>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if !is_login(&request) {
        return next.run(request).await;
    }
    let (request, username) = match read_username(request).await {
        Ok(read) => read,
        Err(error) => return error.into_response(),
    };
    match username {
        Some(username) => {
            let key = Key::new(&username, client.ip());
            guard(&attempts, &key, request, next).await
        }
        // Not a login body: lesson 06 answers it with a 4xx, and hashes nothing.
        None => next.run(request).await,
    }
}

/// Lets a login on `key` through to `next` if `attempts` allows it, and settles the
/// count with the answer.
pub async fn guard(attempts: &LoginAttempts, key: &Key, request: Request, next: Next) -> Response {
    if let Err(refused) = attempts.begin(key).await {
        // `no-store`, like every answer of lesson 06's API.
        return ([(CACHE_CONTROL, "no-store")], refused).into_response();
    }
    let response = next.run(request).await;
    let settled = match response.status() {
        // It was the password: start again from zero.
        StatusCode::OK => attempts.clear(key).await,
        // A wrong guess: it stays counted.
        StatusCode::UNAUTHORIZED => Ok(()),
        // No verdict on the password (bad input, too busy to check): not a guess.
        _ => attempts.refund(key).await,
    };
    if let Err(error) = settled {
        tracing::warn!(%error, "could not settle a login attempt");
    }
    response
}

/// `POST /api/login`, the one request the guard looks at.
pub fn is_login(request: &Request) -> bool {
    request.method() == Method::POST && request.uri().path() == "/api/login"
}

/// The body's `username`, if the body is a JSON object with one. The body is read here (as
/// far as the body limit and timeout allow) and put back, so that the login handler
/// reads it as if nothing had happened.
pub async fn read_username(request: Request) -> Result<(Request, Option<String>), ApiError> {
    #[derive(Deserialize)]
    struct Login {
        username: String,
    }
    let (parts, body) = request.into_parts();
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await?;
    let username = serde_json::from_slice::<Login>(&bytes)
        .ok()
        .map(|login| login.username);
    Ok((Request::from_parts(parts, Body::from(bytes)), username))
}
