//! The check of exercise 08-2, "spraying": a guard that counts failed logins per
//! address, whatever the name, in front of the lesson's guard.
//!
//! A story (snapshot `tests/snapshots/exercise_2_spraying.snap`) and targeted tests.
//! `cargo test -p lesson-08-brute-force --test api -- exercise_2_spraying::` checks the
//! reference (solutions/); add `--features 08-2-spraying` to check your starter
//! (exercises/).

// The reference, or with `--features 08-2-spraying` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "08-2-spraying")))]
#[path = "../../exercises/2_spraying.rs"]
mod starter;
#[cfg(not(feature = "08-2-spraying"))]
#[path = "../../solutions/2_spraying.rs"]
mod yours;
#[cfg(feature = "08-2-spraying")]
#[path = "../../exercises/2_spraying.rs"]
mod yours;

use std::time::Duration;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::middleware;
use axum::response::Response;
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::{LoginAttempts, Policy, guarded};
use story::hint_assert;
use story::{Client, PASSWORD, Reply, Story, credentials};

const ALICE: &str = "127.0.0.2";
const MALLORY: &str = "127.0.0.3";

/// The per-address policy: 5 free failures, then as the lesson's.
const PER_ADDRESS: Policy = Policy {
    free_failures: 5,
    first_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(60 * 60),
};

/// The lesson's server, with your guard in front of its own.
async fn server(story: &Story) -> Router {
    let sessions =
        lesson_06_server_sessions::state(&story.config(), story.clock(), Timeouts::default())
            .await
            .expect("lesson 06 starts");
    let pool = sessions.accounts.users.pool().clone();
    let per_address = LoginAttempts::open(pool, story.clock(), PER_ADDRESS)
        .await
        .expect("the table opens");
    guarded(sessions, story.clock(), Policy::default())
        .await
        .expect("the lesson's guard")
        .layer(middleware::from_fn_with_state(
            per_address,
            yours::guard_address,
        ))
        // Every answer `no-store`, so that yours need not bother: not the point here.
        .layer(middleware::map_response(
            |mut response: Response| async move {
                let no_store = HeaderValue::from_static("no-store");
                response.headers_mut().insert(CACHE_CONTROL, no_store);
                response
            },
        ))
}

async fn started() -> Story {
    let mut story = Story::recording();
    let routes = server(&story).await;
    story.start_server(routes).await;
    story
}

async fn tries(client: &mut Client, username: &str, password: &str) -> Reply {
    let title = format!("{} tries {password:?} for {username}", client.name());
    client
        .post(&title, "/api/login", credentials(username, password))
        .await
}

/// A reply's Retry-After header, in words.
fn retry_after(reply: &Reply) -> String {
    match reply.header("retry-after") {
        Some(seconds) => format!("Retry-After: {seconds}"),
        None => "no Retry-After".to_owned(),
    }
}

/// A 500 from a `todo!()` or a crash, said plainly.
fn not_500(reply: &Reply, step: &str) {
    hint_assert!(
        reply.status != 500,
        "{step}: the server answered 500 ({}). Is `guard_address` finished?",
        reply.body
    );
}

async fn story(mut story: Story) -> String {
    story.redact_cookie("session", "token");
    let routes = server(&story).await;
    story.start_server(routes).await;
    story.say("This server counts failed logins per address too: 5 free, then 1 s, 2 s, 4 s…");
    let mut alice = story.client("Alice").local_address(ALICE);
    let mut mallory = story.client("Mallory").local_address(MALLORY);
    alice
        .post(
            "Alice registers",
            "/api/register",
            credentials("alice", PASSWORD),
        )
        .await;
    mallory
        .post(
            "Mallory registers an account of her own",
            "/api/register",
            credentials("mallory", "mallory's password"),
        )
        .await;
    story.say("Mallory sprays one common password over many names, one guess each.");
    for name in ["alice", "bob", "carol", "dave", "erin", "frank"] {
        tries(&mut mallory, name, "123456").await;
    }
    story.say("Alice, from her own address, is not slowed at all.");
    tries(&mut alice, "alice", PASSWORD).await;
    story.advance_clock(Duration::from_secs(1));
    story.say("Mallory logs in to her own account, hoping to wipe her address's count.");
    tries(&mut mallory, "mallory", "mallory's password").await;
    tries(&mut mallory, "grace", "123456").await;
    story.say("Her success was no failure, but it wiped nothing: her address still waits.");
    story.advance_clock(Duration::from_secs(1));
    tries(&mut mallory, "grace", "123456").await;
    tries(&mut mallory, "heidi", "123456").await;
    story.finish().await
}

#[tokio::test]
async fn the_spraying_story() {
    story::assert_story!("exercise_2_spraying", story(Story::recording()).await);
}

#[tokio::test]
async fn one_guess_each_for_many_names_is_slowed_down_after_five() {
    let app = started().await;
    let mut mallory = app.client("Mallory").local_address(MALLORY);
    for name in ["alice", "bob", "carol", "dave", "erin"] {
        let reply = tries(&mut mallory, name, "123456").await;
        not_500(&reply, &format!("a guess for {name}"));
        hint_assert!(
            reply.status == 401,
            "guess for {name}, one of the 5 free failures of the address: expected 401, got \
             {} {}",
            reply.status,
            reply.body
        );
    }
    let reply = tries(&mut mallory, "frank", "123456").await;
    hint_assert!(
        reply.status == 429 && reply.header("retry-after") == Some("1"),
        "a 6th name from the same address, at once: expected 429 with Retry-After: 1, got {} \
         with {} {}. No name has failed twice: only a count per address catches this, and \
         each wrong guess (a 401) stays counted against the address, whatever the name",
        reply.status,
        retry_after(&reply),
        reply.body
    );
}

#[tokio::test]
async fn every_connection_from_one_address_counts_as_that_address() {
    let app = started().await;
    // Each guess on a new connection, as a script that opens one per request: the same
    // address, a new port each time.
    for name in ["alice", "bob", "carol", "dave", "erin"] {
        let mut mallory = app.client("Mallory").local_address(MALLORY);
        let reply = tries(&mut mallory, name, "123456").await;
        not_500(&reply, &format!("a guess for {name}"));
    }
    let mut mallory = app.client("Mallory").local_address(MALLORY);
    let reply = tries(&mut mallory, "frank", "123456").await;
    hint_assert!(
        reply.status == 429,
        "six guesses from {MALLORY}, each on a new connection: the 6th must be slowed down \
         (429), got {} {}. Your key changes with the connection: count under the address \
         alone, `client.ip()`, not the socket address with its port (a new port on every \
         connection)",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn a_forged_x_forwarded_for_is_ignored() {
    let app = started().await;
    // Mallory writes a new made-up address into each request, hoping the server believes
    // her: a header says whatever its sender wants.
    for (n, name) in (1..).zip(["alice", "bob", "carol", "dave", "erin"]) {
        let forged = format!("10.0.0.{n}");
        let mut mallory = app
            .client("Mallory")
            .local_address(MALLORY)
            .header("X-Forwarded-For", &forged);
        let reply = tries(&mut mallory, name, "123456").await;
        not_500(&reply, &format!("a guess for {name}"));
    }
    let mut mallory = app
        .client("Mallory")
        .local_address(MALLORY)
        .header("X-Forwarded-For", "10.0.0.6");
    let reply = tries(&mut mallory, "frank", "123456").await;
    hint_assert!(
        reply.status == 429,
        "Mallory sent six guesses from {MALLORY}, each with a made-up X-Forwarded-For \
         header (10.0.0.1, 10.0.0.2, …), and her 6th was not slowed down (got {} {}): your \
         guard believed the header. A client writes whatever it likes in its headers; the \
         address it cannot choose is its connection's (`ConnectInfo`). Only behind a proxy \
         of your own would a header be worth reading, and only the one that proxy sets",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn a_success_from_the_address_does_not_wipe_its_count() {
    let app = started().await;
    let mut mallory = app.client("Mallory").local_address(MALLORY);
    mallory.register_ok("mallory").await;
    for name in ["alice", "bob", "carol", "dave", "erin"] {
        tries(&mut mallory, name, "123456").await;
    }
    app.advance_clock(Duration::from_secs(1));
    let reply = tries(&mut mallory, "mallory", PASSWORD).await;
    not_500(&reply, "Mallory logs in to her own account");
    hint_assert!(
        reply.status == 200,
        "Mallory's own login, once the address's wait is over: expected 200, got {} {}",
        reply.status,
        reply.body
    );
    let reply = tries(&mut mallory, "frank", "123456").await;
    hint_assert!(
        reply.status == 429,
        "right after Mallory's own successful login, a new guess from her address: expected \
         429, got {}. A success must not wipe an address's count: with an account of her own, \
         Mallory would log in every few guesses and spray for ever",
        reply.status
    );
}

#[tokio::test]
async fn other_addresses_and_other_requests_pass_untouched() {
    let app = started().await;
    let mut alice = app.client("Alice").local_address(ALICE);
    alice.register_ok("alice").await;
    let mut mallory = app.client("Mallory").local_address(MALLORY);
    for name in ["bob", "carol", "dave", "erin", "frank", "grace"] {
        tries(&mut mallory, name, "123456").await;
    }
    let reply = tries(&mut alice, "alice", PASSWORD).await;
    not_500(&reply, "Alice logs in");
    hint_assert!(
        reply.status == 200,
        "Alice, from another address, while Mallory's is slowed down: expected 200, got {} {}",
        reply.status,
        reply.body
    );
    let reply = mallory.register("heidi").await;
    hint_assert!(
        reply.status == 201,
        "registering from a slowed-down address is not a login: expected 201, got {} {}",
        reply.status,
        reply.body
    );
    let reply = mallory.me().await;
    hint_assert!(
        reply.status == 200,
        "GET /api/me from a slowed-down address is not a login: expected 200, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn answers_that_check_no_password_do_not_count() {
    let app = started().await;
    let mut mallory = app.client("Mallory").local_address(MALLORY);
    for n in 0..8 {
        // 73 bytes: refused before any bcrypt work.
        let reply = tries(&mut mallory, &format!("user{n}"), &"x".repeat(73)).await;
        not_500(&reply, "a password of 73 bytes");
        hint_assert!(
            reply.status == 400,
            "login {} of 8, each with a password of 73 bytes: expected 400, the bad-input \
             answer, got {} {}. Such a login is refused as bad input before any password is \
             checked: it is no guess. Only a 401 stays counted against the address; refund \
             every other answer",
            n + 1,
            reply.status,
            reply.body
        );
    }
    let reply = tries(&mut mallory, "bob", "123456").await;
    hint_assert!(
        reply.status == 401,
        "after 8 logins refused as bad input (400), a real guess: expected 401 (bad input \
         checks no password, so it is no failure), got {} {}",
        reply.status,
        reply.body
    );
}
