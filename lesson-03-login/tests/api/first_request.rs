//! The promise of equal time holds from the server's very first request.
//!
//! An unknown name is checked against a dummy hash, so that it costs one bcrypt run like a
//! wrong password. Made on first use, that dummy would cost the first unknown name a
//! second run (making it, then checking against it), and that one slow answer would say
//! "no such user". `AppState::connect` makes it at start, before the server listens.

use std::time::{Duration, Instant};

use common::Config;
use lesson_03_login::{AppState, app};
use story::{Story, spawn_app};

/// A real bcrypt cost: one check takes tens of milliseconds, so a second one would show.
const COST: u32 = 10;

async fn server() -> Story {
    spawn_app(|config, clock| async move {
        app(
            &Config {
                bcrypt_cost: COST,
                ..config
            },
            clock,
        )
        .await
    })
    .await
}

#[tokio::test]
async fn the_dummy_hash_is_ready_before_the_first_request() {
    let story = Story::recording();
    let state = AppState::connect(&story.config(), story.clock())
        .await
        .expect("the database opens");
    assert!(
        state.accounts.passwords.is_prepared(),
        "lesson 03's state makes the dummy hash when it connects, not at the first unknown name"
    );
}

#[tokio::test]
async fn the_first_unknown_name_after_a_start_takes_as_long_as_a_wrong_password() {
    // Five fresh servers. On each, the very first request is an unknown name, and it is
    // compared with a wrong password right after it, on the same server at about the same
    // moment, so that other work on the machine slows both alike. One bcrypt run each
    // gives a ratio near 1; two runs for the unknown name, near 2. The lowest ratio of the
    // five counts: noise can push a ratio up, and it would have to on all five at once.
    let mut lowest = f64::MAX;
    let mut seen = Vec::new();
    for _ in 0..5 {
        let story = server().await;
        let mut mallory = story.client("Mallory");

        let start = Instant::now();
        let reply = mallory.login("nobody", "password123").await;
        let first_unknown = start.elapsed();
        reply.assert_error(401, "Invalid credentials");

        story.client("Alice").register_ok("alice").await;
        let mut wrong_password = Duration::MAX;
        for _ in 0..2 {
            let start = Instant::now();
            let reply = mallory.login("alice", "password123").await;
            wrong_password = wrong_password.min(start.elapsed());
            reply.assert_error(401, "Invalid credentials");
        }
        lowest = lowest.min(first_unknown.as_secs_f64() / wrong_password.as_secs_f64());
        seen.push((first_unknown, wrong_password));
    }
    assert!(
        lowest < 1.5,
        "on each fresh server the first unknown name took much longer than a wrong password \
         (first unknown, wrong password: {seen:?}): it paid for more than one bcrypt run"
    );
}
