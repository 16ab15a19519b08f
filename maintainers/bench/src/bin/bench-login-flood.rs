//! What does a flood of logins do to everyone else? Lesson 06's server (or 04's, with the
//! argument `04`) under correct logins posted non-stop: `/api/me`'s p99 before and during,
//! and the logins checked a second against what the cores can do. See this crate's README.

use std::process::ExitCode;

use common::Clock;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None | Some("06") => bench::flood::bench_login_flood(
            "lesson 06 (server-side sessions): logins under attack",
            |config| async move {
                let timeouts = lesson_06_server_sessions::Timeouts::default();
                lesson_06_server_sessions::app(&config, Clock::system(), timeouts).await
            },
        ),
        Some("04") => bench::flood::bench_login_flood(
            "lesson 04 (sealed cookies): logins under attack",
            |config| async move { lesson_04_me::app(&config, Clock::system()).await },
        ),
        Some(other) => {
            eprintln!("error: which lesson? 04 or 06, not {other:?}");
            ExitCode::from(2)
        }
    }
}
