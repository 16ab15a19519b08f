//! Lesson 01: a login that "works" until a second person uses it.
//!
//! This server remembers who is logged in the way a beginner might: in one variable,
//! `current_user`, that `POST /api/login` writes and `GET /api/me` reads. With one user
//! at a time it looks fine. With two, everyone is whoever logged in last.
//!
//! Why it cannot work:
//! - HTTP is stateless. A request carries no memory of the requests before it, and
//!   nothing in `GET /api/me` says *which* browser is asking (there is no cookie yet).
//! - There is one `current_user` for the whole server, and every connection, from every
//!   browser, reads and writes that same one.
//! - The `Mutex` around it makes it *thread-safe*: two requests cannot write at the same
//!   instant and leave half a user behind. It does not make it *per-user*: it still
//!   holds exactly one user, for everybody.
//!
//! The handlers are in [`handlers`] and [`login`]; lesson 02 shows how a browser gets an
//! identity of its own (cookies).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use common::{Accounts, Clock, Config, User};

pub mod handlers;
// `--features 01-1-login` compiles your warm-up, exercises/1_login.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "01-1-login"))]
pub mod login;
#[cfg(feature = "01-1-login")]
#[path = "../exercises/1_login.rs"]
pub mod login;
#[cfg(all(rust_analyzer, not(feature = "01-1-login")))]
#[path = "../exercises/1_login.rs"]
mod login_starter;

use handlers::{me, register};
use login::login;

/// The logged-in user. ONE value for the whole server: this is the bug.
///
/// A beginner would write `static CURRENT_USER: Mutex<Option<User>>`. We keep it in the
/// router's state instead, which is the same mistake (the state is one value per server,
/// shared by every connection) but gives each test its own server and so its own
/// `current_user`. A `static` would be shared by every test in the same test binary.
pub type CurrentUser = Arc<Mutex<Option<User>>>;

/// What every handler can reach. Cloning it clones the `Arc`s, not the data: every
/// request sees the same accounts and the same `current_user`.
#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
    pub current_user: CurrentUser,
}

/// Connects to the database and builds the lesson's router.
pub async fn app(config: &Config, clock: Clock) -> Result<Router, sqlx::Error> {
    let accounts = Accounts::connect(config, clock).await?;
    Ok(routes(AppState {
        accounts,
        current_user: CurrentUser::default(), // nobody, until the first login
    }))
}

/// The page and the three endpoints. `common::serve` adds the JSON 404/405, the body
/// limit and logging.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/register", post(register))
        .route("/api/login", post(login))
        .route("/api/me", get(me))
        .with_state(state)
}

/// `GET /`: a page that shows the bug in two browser windows. Plain HTML and JavaScript,
/// built into the binary: no build step.
async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}
