//! The check of exercise 08-3, "lockout": a throttle whose key is the username alone, so
//! that anyone's wrong guesses lock the real user out.
//!
//! Three checks, one per test:
//! 1. your test FAILS against the flawed server (the flawed key, kept here);
//! 2. your test PASSES against the server with your `throttle_key`;
//! 3. the server with your `throttle_key` still slows the attacker down, every spelling
//!    of the name included, and lets Alice in from her own address.
//!
//! `cargo test -p lesson-08-brute-force --test exercise_3_lockout` checks the reference
//! (solutions/); add `--features exercise` to check your starter (exercises/).

// The reference, or with `--features 08-3-lockout` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "08-3-lockout")))]
#[path = "../../exercises/3_lockout.rs"]
mod starter;
#[cfg(not(feature = "08-3-lockout"))]
#[path = "../../solutions/3_lockout.rs"]
mod yours;
#[cfg(feature = "08-3-lockout")]
#[path = "../../exercises/3_lockout.rs"]
mod yours;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::{Key, LoginAttempts, Policy, guard, is_login, read_username};
use story::hint_assert;
use story::{Client, PASSWORD, Reply, Story, TestOutcome, credentials, test_outcome};

/// The flaw, as the starter has it: one count per name, whatever the address.
fn flawed_key(username: &str, _client: IpAddr) -> Key {
    let (username, address) = (username.to_ascii_lowercase(), String::new());
    Key { username, address }
}

// ── the check's server: the lesson's, with the guard's key made by `KeyFn` ─────────────

type KeyFn = fn(&str, IpAddr) -> Key;

/// The lesson's guard (`guard_logins` in src/lib.rs), with `key` in place of `Key::new`.
async fn guard_with(
    State((attempts, key)): State<(LoginAttempts, KeyFn)>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if !is_login(&request) {
        return next.run(request).await;
    }
    match read_username(request).await {
        Ok((request, Some(username))) => {
            guard(&attempts, &key(&username, client.ip()), request, next).await
        }
        Ok((request, None)) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

async fn server(key: KeyFn) -> Story {
    let mut story = Story::recording();
    let sessions =
        lesson_06_server_sessions::state(&story.config(), story.clock(), Timeouts::default())
            .await
            .expect("lesson 06 starts");
    let pool = sessions.accounts.users.pool().clone();
    let attempts = LoginAttempts::open(pool, story.clock(), Policy::default())
        .await
        .expect("the table opens");
    let routes = lesson_06_server_sessions::routes(sessions)
        .layer(middleware::from_fn_with_state((attempts, key), guard_with));
    story.start_server(routes).await;
    story
}

async fn guess(client: &mut Client, username: &str, password: &str) -> Reply {
    client
        .post("guess", "/api/login", credentials(username, password))
        .await
}

// ── the three checks ────────────────────────────────────────────────────────────────

/// Fails with a hint when your test stopped at its `todo!()`.
fn written(outcome: TestOutcome) {
    hint_assert!(
        outcome != TestOutcome::Todo,
        "`your_test` is not written yet (it reached its todo!()). Step 1: write the test \
         in which an attacker's guesses lock Alice out"
    );
}

#[tokio::test]
async fn your_test_fails_against_the_flawed_server() {
    let outcome = test_outcome(yours::your_test(server(flawed_key).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Failed,
        "your test PASSES against the flawed server, whose count is per name whatever the \
         address. It must fail there: after an attacker's guesses from another address, \
         Alice's own login with her password must be refused (429), and your test must not \
         accept that"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_server() {
    let outcome = test_outcome(yours::your_test(server(yours::throttle_key).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Passed,
        "your test FAILS against the server with your `throttle_key` (its panic is printed \
         above). If you have not fixed `throttle_key` yet, that is step 2. If you have, \
         your test fails for another reason: a test must pass against a server without the \
         flaw"
    );
}

#[tokio::test]
async fn with_your_key_the_attacker_is_still_slowed_and_alice_gets_in() {
    // Step 1 comes first: until your test is written, this check waits for it.
    written(test_outcome(yours::your_test(server(flawed_key).await)).await);

    let app = server(yours::throttle_key).await;
    let mut alice = app.client("Alice").local_address("127.0.0.2");
    alice.register_ok("alice").await;
    let mut mallory = app.client("Mallory").local_address("127.0.0.3");
    for password in ["123456", "password", "qwerty"] {
        assert_eq!(guess(&mut mallory, "alice", password).await.status, 401);
    }
    let reply = guess(&mut mallory, "alice", "letmein").await;
    hint_assert!(
        reply.status == 429,
        "with your `throttle_key`, Mallory's 4th wrong guess in a row from one address must \
         still be refused (429), got {}. The key must be the same for the same name and \
         address every time, and must not let every guess count apart",
        reply.status
    );
    let reply = guess(&mut mallory, "ALICE", "letmein").await;
    hint_assert!(
        reply.status == 429,
        "with your `throttle_key`, Mallory typed the name as ALICE and was checked again \
         (got {}). Logins ignore case, so ALICE is alice's account: the key must not tell \
         them apart, or each spelling buys three more guesses",
        reply.status
    );
    let reply = alice.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "with your `throttle_key`, Alice, from her own address, with her password, while \
         Mallory is throttled on her name: expected 200, got {} {}",
        reply.status,
        reply.body
    );
}
