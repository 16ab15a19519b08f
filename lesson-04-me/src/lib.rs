//! Lesson 04: `GET /api/me` and a page that logs in by itself.
//!
//! Everything from lesson 03 is reused as it is (the crate is a dependency): the same
//! state, the same `Session`, the same register and login. This lesson adds `me` (the
//! endpoint) and `page` (the page that calls it).

// `--features 04-1-me` compiles your warm-up, exercises/1_me.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "04-1-me"))]
pub mod me;
#[cfg(feature = "04-1-me")]
#[path = "../exercises/1_me.rs"]
pub mod me;
#[cfg(all(rust_analyzer, not(feature = "04-1-me")))]
#[path = "../exercises/1_me.rs"]
mod me_starter;
pub mod page;

use axum::Router;
use axum::routing::get;
use common::{Clock, Config};
pub use lesson_03_login::{AppState, Session};

use me::me;

/// Lesson 03's endpoints plus `GET /api/me`. The page is added by [`app`], so that
/// lesson 05 can serve it with its logout button.
pub fn routes() -> Router<AppState> {
    lesson_03_login::routes().route("/api/me", get(me))
}

/// The lesson's server, ready for `common::serve::run` or a story.
pub async fn app(config: &Config, clock: Clock) -> Result<Router, sqlx::Error> {
    let state = AppState::connect(config, clock).await?;
    let routes = routes()
        .route("/", get(page::page))
        // Where the page goes after a login: the same page, loaded afresh.
        .route("/welcome", get(page::page));
    // SESSION_PREVIOUS_SECRETS: lesson 03
    let routes = state.sessions.with_retired_keys(routes);
    Ok(routes.with_state(state))
}
