//! Lesson 05: logging out, and what logging out cannot do when the session is the cookie.
//!
//! Lessons 03 and 04 are reused as they are: this lesson adds `logout` and switches
//! the page's logout button on.

// `--features 05-1-logout` compiles your warm-up, exercises/1_logout.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "05-1-logout"))]
pub mod logout;
#[cfg(feature = "05-1-logout")]
#[path = "../exercises/1_logout.rs"]
pub mod logout;
#[cfg(all(rust_analyzer, not(feature = "05-1-logout")))]
#[path = "../exercises/1_logout.rs"]
mod logout_starter;

use axum::Router;
use axum::response::Html;
use axum::routing::{delete, get};
use common::{Clock, Config};
pub use lesson_03_login::{AppState, Session};

use logout::logout;

/// Lesson 04's endpoints plus `DELETE /api/logout`.
pub fn routes() -> Router<AppState> {
    lesson_04_me::routes().route("/api/logout", delete(logout))
}

/// `GET /`: lesson 04's page, now with its logout button.
pub async fn page() -> Html<String> {
    Html(lesson_04_me::page::PAGE.replacen(r#"data-logout="off""#, r#"data-logout="on""#, 1))
}

/// The lesson's server, ready for `common::serve::run` or a story.
pub async fn app(config: &Config, clock: Clock) -> Result<Router, sqlx::Error> {
    let state = AppState::connect(config, clock).await?;
    let routes = routes().route("/", get(page)).route("/welcome", get(page));
    // SESSION_PREVIOUS_SECRETS: lesson 03
    let routes = state.sessions.with_retired_keys(routes);
    Ok(routes.with_state(state))
}
