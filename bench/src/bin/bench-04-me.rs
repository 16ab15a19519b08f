//! How fast is `GET /api/me` when the whole session is a sealed cookie?
//!
//! ```text
//! cargo run --release -p bench --bin bench-04-me
//! BENCH_SECONDS=20 BENCH_CONNECTIONS=32 cargo run --release -p bench --bin bench-04-me
//! ```
//!
//! Starts lesson 04's real router (the layers `cargo run` adds, a fresh SQLite file, the
//! system clock, no request log) on 127.0.0.1, on a tokio runtime of its own, as a separate
//! process would have, and next to it a bare axum server that answers the same JSON from
//! memory. Registers one user and logs in once per connection, so that each connection is
//! a browser with its own session. Then it loads the two servers in turns and checks that
//! every answer is a 200 with exactly the logged-in user. It prints each round and the
//! lesson's share of the bare server's requests per second, and its p99 against the bare
//! server's; the exit status is 1 if any answer was wrong, 2 for a bad setting.
//!
//! Settings, from the environment: `BENCH_CONNECTIONS` (default 64), `BENCH_SECONDS` (10,
//! each server's measured time), `BENCH_ROUNDS` (3), `BENCH_THREADS` (both 1 and 2 load
//! threads, each server counting with its better one) and `BENCH_MAX_REQUESTS`. Lesson
//! 06's `bench-06-me` reads the same ones and works the same way, so the two figures
//! compare. Run it in release mode: a debug build measures the compiler's debug settings,
//! not the server.

use std::process::ExitCode;

use common::Clock;
use lesson_04_me::app;

fn main() -> ExitCode {
    // `bench::bench_me` does the rest the same way for lessons 04 and 06.
    bench::bench_me(
        "lesson 04, GET /api/me with a sealed cookie",
        |config| async move { app(&config, Clock::system()).await },
    )
}
