//! Lesson 03: logging in.
//!
//! Read [`session`] first (where "who is logged in" lives), then [`login`] (the login
//! flow, which starts a session) and [`handlers`] (register, which does the same for a new
//! account, and `GET /api/session`, where a later request is recognised by its cookie).
//! Lessons 04 and 05 build on this crate: they take [`routes`] and add their own.

pub mod handlers;
// `--features 03-1-login` compiles your warm-up, exercises/1_login.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "03-1-login"))]
pub mod login;
#[cfg(feature = "03-1-login")]
#[path = "../exercises/1_login.rs"]
pub mod login;
#[cfg(all(rust_analyzer, not(feature = "03-1-login")))]
#[path = "../exercises/1_login.rs"]
mod login_starter;
pub mod session;

use axum::Router;
use axum::extract::FromRef;
use axum::response::Html;
use axum::routing::{get, post};
use common::{Accounts, Clock, Config};

pub use session::{Session, SessionSettings};

/// What every handler can reach. Lessons 04 and 05 use it unchanged.
#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
    pub sessions: SessionSettings,
}

impl AppState {
    /// Opens the database and reads the session settings from `config`.
    pub async fn connect(config: &Config, clock: Clock) -> Result<Self, sqlx::Error> {
        Ok(Self {
            accounts: Accounts::connect(config, clock.clone()).await?,
            sessions: SessionSettings::new(config, clock),
        })
    }
}

// `FromRef` lets a handler (or the `Session` extractor) ask for just the part it needs.
impl FromRef<AppState> for Accounts {
    fn from_ref(state: &AppState) -> Self {
        state.accounts.clone()
    }
}

impl FromRef<AppState> for SessionSettings {
    fn from_ref(state: &AppState) -> Self {
        state.sessions.clone()
    }
}

/// This lesson's endpoints, still waiting for their state, so a later lesson can add
/// routes before calling `with_state`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/register", post(handlers::register))
        .route("/api/login", post(login::login))
}

/// The lesson's server, ready for `common::serve::run` or a story: [`routes`] plus
/// `GET /api/session`, this lesson's window on the cookie, and a page to try it in. They
/// are not in [`routes`] because lesson 04 answers the same question properly, with
/// `/api/me`, and has a page of its own.
pub async fn app(config: &Config, clock: Clock) -> Result<Router, sqlx::Error> {
    let state = AppState::connect(config, clock).await?;
    let routes = routes()
        .route("/", get(page))
        .route("/api/session", get(handlers::current_session));
    // SESSION_PREVIOUS_SECRETS: src/session.rs
    let routes = state.sessions.with_retired_keys(routes);
    Ok(routes.with_state(state))
}

/// `GET /`: register, log in and ask `/api/session` from a browser. Plain HTML and
/// JavaScript, built into the binary: no build step.
async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}
