//! Lesson 06's `GET /api/me`, the session a row in SQLite, against its SQL reference: the
//! same session-JOIN-user SELECT in a bare axum server. See this crate's README.

use std::process::ExitCode;

use common::Clock;
use lesson_06_server_sessions::{Timeouts, app};

fn main() -> ExitCode {
    bench::bench_me(
        "lesson 06, GET /api/me with a server-side session",
        |config| async move { app(&config, Clock::system(), Timeouts::default()).await },
        bench::reference::session_by_token,
    )
}
