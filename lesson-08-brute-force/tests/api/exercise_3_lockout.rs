//! The check of exercise 08-3, "lockout": a throttle whose key is the username alone, so
//! that anyone's wrong guesses lock the real user out.
//!
//! Four checks, one per test:
//! 1. your test FAILS against the flawed server (the flawed key, kept here);
//! 2. your test FAILS against a server that throttles nothing (so a test that never makes
//!    sure the attacker is slowed down is refused);
//! 3. the server with your `throttle_key` still slows the attacker down, every spelling
//!    of the name and every address of one IPv6 network included, and lets Alice in from
//!    her own address, even when someone at that address gets his own password wrong;
//! 4. your test PASSES against the server with your `throttle_key`.
//!
//! `cargo test -p lesson-08-brute-force --test api -- exercise_3_lockout::` checks the
//! reference (solutions/); add `--features 08-3-lockout` to check your starter
//! (exercises/).

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

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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

/// A throttle that never slows anyone down: every attempt gets a key of its own.
fn key_per_attempt(username: &str, client: IpAddr) -> Key {
    static ATTEMPTS: AtomicU64 = AtomicU64::new(0);
    let attempt = ATTEMPTS.fetch_add(1, Ordering::Relaxed);
    Key {
        username: format!("{} #{attempt}", username.to_ascii_lowercase()),
        address: client.to_string(),
    }
}

// ── the check's server: the lesson's, with the guard's key made by `KeyFn` ─────────────

type KeyFn = fn(&str, IpAddr) -> Key;

/// What the check's server saw of a test's requests, to say what went wrong with it.
#[derive(Default)]
struct Seen {
    addresses: BTreeSet<IpAddr>,
    /// A header in which a client names an address of its own choosing.
    forwarded_header: Option<String>,
}

const FORWARDED_HEADERS: [&str; 3] = ["X-Forwarded-For", "Forwarded", "X-Real-IP"];

async fn note_request(
    State(seen): State<Arc<Mutex<Seen>>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    {
        let mut seen = seen.lock().unwrap();
        seen.addresses.insert(client.ip());
        if let Some(name) = FORWARDED_HEADERS
            .into_iter()
            .find(|name| request.headers().contains_key(name.to_ascii_lowercase()))
        {
            seen.forwarded_header = Some(name.to_owned());
        }
    }
    next.run(request).await
}

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
    server_seeing(key).await.0
}

/// [`server`], and what it sees of the requests it gets.
async fn server_seeing(key: KeyFn) -> (Story, Arc<Mutex<Seen>>) {
    let mut story = Story::recording();
    let sessions =
        lesson_06_server_sessions::state(&story.config(), story.clock(), Timeouts::default())
            .await
            .expect("lesson 06 starts");
    let pool = sessions.accounts.users.pool().clone();
    let attempts = LoginAttempts::open(pool, story.clock(), Policy::default())
        .await
        .expect("the table opens");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let routes = lesson_06_server_sessions::routes(sessions)
        .layer(middleware::from_fn_with_state((attempts, key), guard_with))
        .layer(middleware::from_fn_with_state(seen.clone(), note_request));
    story.start_server(routes).await;
    (story, seen)
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
async fn your_test_fails_against_a_server_that_throttles_nothing() {
    let outcome = test_outcome(yours::your_test(server(key_per_attempt).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Failed,
        "your test PASSES against a server that throttles nothing (every attempt gets a \
         count of its own, so no guess is ever refused). Alice gets in there, but so does \
         every guess: make your test fail unless the attacker is refused (429) at some \
         point, before Alice logs in"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_server() {
    let (app, seen) = server_seeing(yours::throttle_key).await;
    let outcome = test_outcome(yours::your_test(app)).await;
    written(outcome);
    let seen = seen.lock().unwrap();
    if let Some(header) = &seen.forwarded_header {
        hint_assert!(
            outcome == TestOutcome::Passed,
            "your test FAILS against the server with your `throttle_key`, and it sends the \
             header {header}: the server never reads it. Anyone can write any address in a \
             header, so the server takes a client's address from its connection. Give each \
             client an address of its own with `.local_address(\"127.0.0.3\")`"
        );
    }
    if let (1, Some(only)) = (seen.addresses.len(), seen.addresses.first()) {
        hint_assert!(
            outcome == TestOutcome::Passed,
            "your test FAILS against the server with your `throttle_key`, and every request \
             of it came from one address, {only}: there Alice and the attacker share a key \
             (one name, one address), so the fixed server rightly slows Alice down too. Give \
             each an address of its own with `.local_address(\"127.0.0.3\")`"
        );
    }
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
        let status = guess(&mut mallory, "alice", password).await.status;
        hint_assert!(
            status == 401,
            "with your `throttle_key`, Mallory's first three wrong guesses for alice are free: \
             each must be checked (401), got {status}"
        );
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
         Mallory is throttled on her name: expected 200, got {} {}. Step 2: the key must \
         tell Alice's address from Mallory's",
        reply.status,
        reply.body
    );

    // Bob shares Alice's address (one office, one school, one phone network), and gets
    // his own password wrong, again and again.
    let mut bob = app.client("Bob").local_address("127.0.0.2");
    bob.register_ok("bob").await;
    for password in ["123456", "password", "qwerty", "letmein", "dragon"] {
        guess(&mut bob, "bob", password).await;
    }
    let reply = alice.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "with your `throttle_key`, Bob, at Alice's address (one office, one school, one \
         phone network share one), got his own password wrong five times; then Alice, with \
         her password, got {} {}: your key holds the address alone. Then anyone behind her \
         address can lock her out, and one address that guesses at one name slows every \
         name down. The key must be the name and the address",
        reply.status,
        reply.body
    );

    // An IPv6 home or server gets a whole /64 network: 2^64 addresses to pick from.
    let ip = |text: &str| text.parse::<IpAddr>().expect("an IP address");
    let (one, other) = ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9");
    hint_assert!(
        yours::throttle_key("alice", ip(one)) == yours::throttle_key("alice", ip(other)),
        "with your `throttle_key`, {one} and {other} get two keys, though both are in one \
         IPv6 network, 2001:db8:1:2::/64: whoever has one has all 2^64 of them, and each \
         would bring three more guesses. Count an IPv6 address as its /64 network, as \
         `Key::new` does"
    );
}
