//! What does a flood of logins do to everyone else?
//!
//! ```text
//! cargo run --release -p bench --bin bench-login-flood          # lesson 06
//! cargo run --release -p bench --bin bench-login-flood -- 04    # lesson 04
//! HASH_CONCURRENCY=1000 HASH_QUEUE=1000 cargo run --release -p bench --bin bench-login-flood
//! ```
//!
//! bcrypt is slow on purpose, so logins are the cheapest way to load a server. This
//! benchmark serves a lesson's real router (the layers `cargo run` adds, a fresh SQLite
//! file, bcrypt at cost 12) and measures, in three phases of 10 s after a 1-second
//! warm-up each, one after the other:
//! 1. `GET /api/me` alone, on 8 connections with a session each: its p99, idle;
//! 2. the same while 64 other connections post correct logins non-stop: its p99 now;
//! 3. the logins alone: how many a second, against the most the machine can do, its
//!    cores ÷ the time of one bcrypt verification (timed alone, before the phases).
//!
//! The goals (lesson 08's README, appendix): `/api/me`'s p99 under the flood at most 10
//! times its idle p99, and at least 90% of that login throughput. The last command above
//! lifts common's bounds (one hash per core, 64 waiting) to see the server without them.
//!
//! Settings, from the environment: `BENCH_SECONDS` (10), `BENCH_CONNECTIONS` (64 login
//! connections), `BENCH_ME_CONNECTIONS` (8), `BENCH_BCRYPT_COST` (12), and common's
//! `HASH_CONCURRENCY` and `HASH_QUEUE`. Release mode only: a debug build measures the
//! compiler's debug settings.

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
