//! Lesson 09: requests from another site, and changing a password safely.
//!
//! Lesson 08's server (lesson 06's sessions, with failed logins throttled), and two
//! things more:
//!
//! - [`origin`]: a request that would change something and comes from another site is
//!   refused with `403`, before any handler sees it. With the session cookie's
//!   `SameSite=Lax` (lesson 06) and JSON-only bodies (`common::Json`), that makes three
//!   walls against cross-site request forgery, any one of which stops today's browsers.
//! - [`password`]: `POST /api/password` asks for the current password (throttled like a
//!   login), and ends every session of the user with the old one.
//!
//! | route | what changes from lesson 08 |
//! |---|---|
//! | `GET /` | this lesson's page: a password form, and what the page can see |
//! | `POST /api/password` | new: `{"current_password", "new_password"}` → a new session, every other one ended |
//! | every `POST` and `DELETE` | `403` when the browser says it comes from another site |

// `--features 09-1-origin` compiles your warm-up, exercises/1_origin.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "09-1-origin"))]
pub mod origin;
#[cfg(feature = "09-1-origin")]
#[path = "../exercises/1_origin.rs"]
pub mod origin;
#[cfg(all(rust_analyzer, not(feature = "09-1-origin")))]
#[path = "../exercises/1_origin.rs"]
mod origin_starter;
// `--features 09-2-password` compiles your exercises/2_password.rs in this module's place.
#[cfg(not(feature = "09-2-password"))]
pub mod password;
#[cfg(feature = "09-2-password")]
#[path = "../exercises/2_password.rs"]
pub mod password;
#[cfg(all(rust_analyzer, not(feature = "09-2-password")))]
#[path = "../exercises/2_password.rs"]
mod password_starter;
pub mod weak;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::middleware;
use axum::response::Html;
use axum::routing::{get, post};
use common::{Clock, Config};
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::{LoginAttempts, Policy};
use tower_http::set_header::SetResponseHeaderLayer;

/// What this lesson's handlers reach: lesson 06's users and sessions, and lesson 08's
/// count of failed logins, which a wrong current password adds to.
#[derive(Clone)]
pub struct AppState {
    pub lesson_06: lesson_06_server_sessions::AppState,
    pub attempts: LoginAttempts,
}

/// Opens the database (users, sessions, failure counts), starts the purge tasks and
/// builds the routes.
pub async fn app(
    config: &Config,
    clock: Clock,
    timeouts: Timeouts,
    policy: Policy,
) -> Result<Router, sqlx::Error> {
    Ok(routes(state(config, clock, timeouts, policy).await?))
}

/// What [`app`] serves, before it becomes routes: the tests and the weak servers of
/// [`weak`] build their own routes from it.
pub async fn state(
    config: &Config,
    clock: Clock,
    timeouts: Timeouts,
    policy: Policy,
) -> Result<AppState, sqlx::Error> {
    let lesson_06 = lesson_06_server_sessions::state(config, clock.clone(), timeouts).await?;
    let attempts = lesson_08_brute_force::attempts(&lesson_06, clock, policy).await?;
    Ok(AppState {
        lesson_06,
        attempts,
    })
}

/// The lesson's server: [`unchecked`] behind the cross-site check.
pub fn routes(state: AppState) -> Router {
    refusing_cross_site(unchecked(state))
}

/// `routes` behind the cross-site check: the outermost layer, so that a forged request is
/// refused before it costs anything, or counts as anyone's failed login.
pub fn refusing_cross_site(routes: Router) -> Router {
    routes.layer(middleware::from_fn(origin::refuse_cross_site))
}

/// Lesson 06's API and this lesson's page and password change, behind lesson 08's login
/// throttle, without the cross-site check (the break-it exercise adds a route first).
pub fn unchecked(state: AppState) -> Router {
    let password = Router::new()
        .route("/api/password", post(password::change_password))
        // Like every answer of lesson 06's API: it says who you are and hands out a
        // session, so no cache may keep a copy.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state.clone());
    let routes = Router::new()
        .route("/", get(page))
        .merge(lesson_06_server_sessions::api(state.lesson_06))
        .merge(password);
    lesson_08_brute_force::throttled(routes, state.attempts)
}

/// The page: plain HTML and JavaScript, built into the binary.
async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}
