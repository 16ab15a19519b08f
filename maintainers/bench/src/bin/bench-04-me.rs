//! Lesson 04's `GET /api/me`, the session a sealed cookie, against its SQL reference: the
//! same user-by-id SELECT in a bare axum server. See this crate's README.

use std::process::ExitCode;

use common::Clock;
use lesson_04_me::app;

fn main() -> ExitCode {
    bench::bench_me(
        "lesson 04, GET /api/me with a sealed cookie",
        |config| async move { app(&config, Clock::system()).await },
        bench::reference::user_by_id,
    )
}
