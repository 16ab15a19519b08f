//! Lesson 07: two servers, and which sessions survive the move.
//!
//! An app that outgrows one machine runs as several server processes behind a load
//! balancer, which sends each request to whichever server is free. Nothing promises that
//! a browser's next request reaches the server that logged it in. So: what does each kind
//! of session need for *every* server to know who is asking?
//!
//! - a sealed cookie (lessons 03–05) needs the same secret on every server, and nothing
//!   else: the session travels inside the request;
//! - a server session (lesson 06) needs the same *database* on every server: a database
//!   server that every process reaches, such as PostgreSQL, not a file beside one of them.
//!
//! This crate adds little code, because it runs the earlier lessons as they are:
//! [`sealed_app`] is lesson 05's server and [`database_app`] lesson 06's. [`servers`] says
//! what the two servers share and what changes when the secret is rotated. Rotation itself
//! (`SESSION_PREVIOUS_SECRETS`) is in lesson 03's `src/session.rs`, so that lessons 03–05
//! have it too.

// `--features 07-1-servers` compiles your warm-up, exercises/1_servers.rs, in this
// module's place (see README, "Exercises"); rust-analyzer sees both files.
#[cfg(not(feature = "07-1-servers"))]
pub mod servers;
#[cfg(feature = "07-1-servers")]
#[path = "../exercises/1_servers.rs"]
pub mod servers;
#[cfg(all(rust_analyzer, not(feature = "07-1-servers")))]
#[path = "../exercises/1_servers.rs"]
mod servers_starter;

use axum::Router;
use common::{Clock, Config};
use lesson_06_server_sessions::Timeouts;

pub use servers::{Server, rotated};

/// Which sessions the two servers keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sessions {
    /// Lesson 05's app: the session sealed in the cookie.
    Sealed,
    /// Lesson 06's app: the session a row in the database, the cookie a token.
    Database,
}

/// Lesson 05's server, unchanged: sealed cookies, with the retired keys of `config`.
pub async fn sealed_app(config: &Config, clock: Clock) -> Result<Router, sqlx::Error> {
    lesson_05_logout::app(config, clock).await
}

/// Lesson 06's server, unchanged: sessions in the database `config` names. Its sessions
/// are never cached in the process: every request asks the database, so a session ended
/// through one server is ended on the other at its next request.
pub async fn database_app(
    config: &Config,
    clock: Clock,
    timeouts: Timeouts,
) -> Result<Router, sqlx::Error> {
    lesson_06_server_sessions::app(config, clock, timeouts).await
}
