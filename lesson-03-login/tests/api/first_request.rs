//! The promise of equal work holds from the server's very first request.
//!
//! An unknown name is checked against a dummy hash, so that it costs one bcrypt run like a
//! wrong password. Made on first use, that dummy would cost the first unknown name a
//! second run (making it, then checking against it), and that one slow answer would say
//! "no such user". `AppState::connect` makes it at start, before the server listens.

use lesson_03_login::AppState;
use story::Story;

use crate::work::{bcrypt_checks, server_counting_bcrypt};

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
async fn the_first_unknown_name_after_a_start_costs_one_bcrypt_run_like_a_wrong_password() {
    let (story, passwords) = server_counting_bcrypt().await;
    assert_eq!(
        passwords.stats().started,
        1,
        "making the dummy hash, before the server listens, is the one run so far"
    );
    let mut mallory = story.client("Mallory");
    let (first_unknown, reply) =
        bcrypt_checks(&passwords, mallory.login("nobody", "password123")).await;
    reply.assert_error(401, "Invalid credentials");

    story.client("Alice").register_ok("alice").await;
    let (wrong_password, reply) =
        bcrypt_checks(&passwords, mallory.login("alice", "password123")).await;
    reply.assert_error(401, "Invalid credentials");
    assert_eq!(
        (first_unknown, wrong_password),
        (1, 1),
        "bcrypt runs of the first unknown name after a start, and of a wrong password: the \
         dummy hash must be made before the first request, not by it"
    );
}
