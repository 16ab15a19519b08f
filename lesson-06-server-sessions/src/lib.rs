//! Lesson 06: revocable server-side sessions.
//!
//! The endpoints are those of lessons 03–05, plus a list of your sessions and a way to end
//! any one of them. What changed is where a session lives: the cookie carries a random
//! token ([`token`]), and the session is a row in the `sessions` table ([`store`]).
//! Because the server holds the session, it can end it, and a saved copy of the cookie is
//! then worthless.
//!
//! | route | what it does |
//! |---|---|
//! | `GET /` | the page: auto-login, forms, your sessions with a "log out" button each |
//! | `POST /api/register` | creates the user and logs in: 201 + a new session cookie |
//! | `POST /api/login` | logs in: 200 + a new session cookie |
//! | `GET /api/me` | the user, or 401 `null` |
//! | `DELETE /api/logout` | ends this session: 204 + a cookie removal |
//! | `GET /api/sessions` | your live sessions, `current: true` on this one |
//! | `DELETE /api/sessions/{id}` | ends one of your sessions: 204, or 404 if it is not yours |
//! | `DELETE /api/sessions` | ends all your sessions, this one included: 204 + a cookie removal |

pub mod store;
pub mod token;
// `--features 06-1-access` compiles your warm-up, exercises/1_access.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "06-1-access"))]
mod access;
#[cfg(feature = "06-1-access")]
#[path = "../exercises/1_access.rs"]
mod access;
#[cfg(all(rust_analyzer, not(feature = "06-1-access")))]
#[path = "../exercises/1_access.rs"]
mod access_starter;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use common::{Accounts, ApiError, Clock, Config, Credentials, Json};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use tower_http::set_header::SetResponseHeaderLayer;

pub use store::{LoggedIn, Session, SessionStore, Timeouts};

/// The cookie that carries the session token.
pub const COOKIE_NAME: &str = "session";

/// How often the background task deletes expired rows.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
    pub sessions: SessionStore,
    /// Adds `Secure` to the cookie (`COOKIE_SECURE=true`).
    pub cookie_secure: bool,
}

/// Opens the database (users and sessions), starts the purge task and builds the routes.
pub async fn app(config: &Config, clock: Clock, timeouts: Timeouts) -> Result<Router, sqlx::Error> {
    Ok(routes(state(config, clock, timeouts).await?))
}

/// What [`app`] serves, before it becomes routes: lesson 08 puts a guard in front of
/// them and keeps the database for itself.
pub async fn state(
    config: &Config,
    clock: Clock,
    timeouts: Timeouts,
) -> Result<AppState, sqlx::Error> {
    let accounts = Accounts::connect(config, clock.clone()).await?;
    // Sessions live in the same database as the users they point to.
    let pool = accounts.users.pool().clone();
    let sessions = SessionStore::open(pool, clock, timeouts).await?;
    sessions.spawn_purger(PURGE_EVERY);
    Ok(AppState {
        accounts,
        sessions,
        cookie_secure: config.cookie_secure,
    })
}

/// The page and the API.
pub fn routes(state: AppState) -> Router {
    Router::new().route("/", get(page)).merge(api(state))
}

/// The API alone, without the page: lesson 09 serves a page of its own in front of it.
pub fn api(state: AppState) -> Router {
    Router::new()
        .route("/api/register", post(register))
        .route("/api/login", post(login))
        .route("/api/me", get(me))
        .route("/api/logout", delete(logout))
        .route("/api/sessions", get(list_sessions).delete(end_all_sessions))
        .route("/api/sessions/{id}", delete(end_session))
        // Every API answer says who you are or hands out a session, so no browser or
        // proxy may keep a copy: the next person at a shared computer could be shown it.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

// ── logging in: always a new session ──────────────────────────────────────────────

async fn register(
    State(app): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(credentials): Json<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let user = app.accounts.register(&credentials).await?;
    let jar = app.start_session(jar, &headers, user.id).await?;
    Ok((StatusCode::CREATED, jar, Json(user)))
}

async fn login(
    State(app): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(credentials): Json<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let user = app.accounts.check_login(&credentials).await?;
    let jar = app.start_session(jar, &headers, user.id).await?;
    Ok((jar, Json(user)))
}

impl AppState {
    /// Logs `user_id` in on this browser. The session the request came with, whoever's
    /// it was, is ended first and never reused: that is the defence against *session
    /// fixation*, where an attacker plants a token of their own in your browser and waits
    /// for you to log in with it. It also means that logging in as someone else leaves
    /// nothing of the first user behind. (Lesson 09 calls it after a password change.)
    pub async fn start_session(
        &self,
        jar: CookieJar,
        headers: &HeaderMap,
        user_id: i64,
    ) -> Result<CookieJar, ApiError> {
        if let Some(old) = jar.get(COOKIE_NAME) {
            self.sessions.delete(old.value()).await?;
        }
        let user_agent = headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok());
        let token = self.sessions.create(user_id, user_agent).await?;
        Ok(jar.add(self.session_cookie(token.into_string())))
    }

    /// The cookie that carries the token. The token is unguessable already, so a plain
    /// cookie will do: there is nothing to sign or encrypt.
    fn session_cookie(&self, token: String) -> Cookie<'static> {
        let lifetime = common::clock::seconds(self.sessions.timeouts().absolute);
        Cookie::build((COOKIE_NAME, token))
            .http_only(true) // page scripts cannot read it, so an XSS bug cannot steal it
            .same_site(SameSite::Lax) // not sent with other sites' form posts
            .path("/")
            .secure(self.cookie_secure)
            // The browser can forget it when the session's absolute timeout ends anyway.
            .max_age(time::Duration::seconds(lifetime))
            .build()
    }

    /// The live session this request's cookie leads to, if any. Unknown, malformed and
    /// expired tokens all give `None`: to the caller, they are simply "not logged in".
    pub async fn current(&self, jar: &CookieJar) -> Result<Option<LoggedIn>, ApiError> {
        match jar.get(COOKIE_NAME) {
            Some(cookie) => Ok(self.sessions.lookup(cookie.value()).await?),
            None => Ok(None),
        }
    }

    /// Like [`AppState::current`], for the endpoints that need a session: 401 without.
    pub async fn required(&self, jar: &CookieJar) -> Result<LoggedIn, ApiError> {
        self.current(jar)
            .await?
            .ok_or_else(|| ApiError::unauthorized("Not logged in"))
    }
}

/// Tells the browser to drop the session cookie (same name and path, already expired).
/// `CookieJar::remove` only sends this when the request carried the cookie.
fn removed(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(COOKIE_NAME).path("/"))
}

// ── who am I ───────────────────────────────────────────────────────────────────────

/// The user, or 401 with `null`. A dead token is also removed from the browser, so it
/// stops sending one.
async fn me(State(app): State<AppState>, jar: CookieJar) -> Result<Response, ApiError> {
    Ok(match app.current(&jar).await? {
        Some(LoggedIn { user, .. }) => Json(user).into_response(),
        None => (StatusCode::UNAUTHORIZED, removed(jar), Json(Value::Null)).into_response(),
    })
}

// ── ending sessions ────────────────────────────────────────────────────────────────

/// Ends this browser's session: its row is deleted, so even a saved copy of the cookie
/// leads nowhere now. 204 whether or not there was a session: either way, there is none.
async fn logout(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(cookie) = jar.get(COOKIE_NAME) {
        app.sessions.delete(cookie.value()).await?;
    }
    Ok((StatusCode::NO_CONTENT, removed(jar)))
}

/// One entry of `GET /api/sessions`.
#[derive(Serialize)]
struct SessionEntry {
    /// The public id, for `DELETE /api/sessions/{id}`. Not the token.
    id: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    last_seen_at: OffsetDateTime,
    user_agent: Option<String>,
    /// True on the session making this request.
    current: bool,
}

async fn list_sessions(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<Json<Vec<SessionEntry>>, ApiError> {
    let me = app.required(&jar).await?;
    let sessions = app.sessions.list(me.user.id).await?;
    let entries = sessions
        .into_iter()
        .map(|session| SessionEntry {
            current: session.public_id == me.session.public_id,
            id: session.public_id,
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            user_agent: session.user_agent,
        })
        .collect();
    Ok(Json(entries))
}

/// Ends one of your own sessions, e.g. the one on a computer you forgot to log out of.
/// Another user's id gives the same 404 as an id that does not exist.
async fn end_session(
    State(app): State<AppState>,
    jar: CookieJar,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let me = app.required(&jar).await?;
    let not_found = || ApiError::not_found("No such session");
    let Ok(Path(id)) = id else {
        return Err(not_found());
    };
    if !app.sessions.revoke(me.user.id, &id).await? {
        return Err(not_found());
    }
    Ok(if id == me.session.public_id {
        (StatusCode::NO_CONTENT, removed(jar)).into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    })
}

/// Logs out everywhere, *this session included*: after a password leak you want every
/// door shut, and this browser can log in again in a second.
async fn end_all_sessions(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    let me = app.required(&jar).await?;
    app.sessions.revoke_all(me.user.id).await?;
    Ok((StatusCode::NO_CONTENT, removed(jar)))
}

/// The page: plain HTML and JavaScript, built into the binary. No build step.
async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}
