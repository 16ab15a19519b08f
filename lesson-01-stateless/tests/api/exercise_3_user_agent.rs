//! The check of exercise 01-3 (break it): a login remembered per User-Agent.
//!
//! 1. `your_test` must FAIL against a server whose browser key is the User-Agent (this
//!    file keeps its own copy of that flaw, so fixing the starter does not change it),
//!    and against a server that forgets every login (a test must see a login remembered);
//! 2. `your_test` must PASS against a server with your `browser_key`;
//! 3. your `browser_key` must pass this file's own checks too, so that the fix is real:
//!    each browser is told apart by a cookie that no script can read and nobody can guess.
//!
//! `cargo course check 01-3-user-agent` runs it against your `exercises/3_user_agent.rs`;
//! `cargo test` runs it against the reference in `solutions/`.

// The reference, or with `--features 01-3-user-agent` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "01-3-user-agent")))]
#[path = "../../exercises/3_user_agent.rs"]
mod starter;
#[cfg(not(feature = "01-3-user-agent"))]
#[path = "../../solutions/3_user_agent.rs"]
mod yours;
#[cfg(feature = "01-3-user-agent")]
#[path = "../../exercises/3_user_agent.rs"]
mod yours;

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use axum_extra::extract::cookie::CookieJar;
use story::hint_assert;
use story::{Client, PASSWORD, Story, TestOutcome, spawn_app, test_outcome};

/// The flaw: a browser is whatever its `User-Agent` says.
fn by_user_agent(headers: &HeaderMap, jar: CookieJar) -> (CookieJar, String) {
    let agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok());
    (jar, agent.unwrap_or_default().to_owned())
}

/// The opposite mistake: a new key for every request, so every login is forgotten at once.
fn forgets_every_login(_headers: &HeaderMap, jar: CookieJar) -> (CookieJar, String) {
    (jar, common::config::new_secret())
}

async fn app(browser_key: yours::BrowserKey) -> Story {
    spawn_app(move |config, clock| yours::app(config, clock, browser_key)).await
}

const TODO_HINT: &str = "your_test is still a todo!(): write it first (TODO 1 in \
                         exercises/3_user_agent.rs), then fix browser_key (TODO 2)";

#[tokio::test]
async fn your_test_fails_against_the_flawed_server() {
    match test_outcome(yours::your_test(app(by_user_agent).await)).await {
        TestOutcome::Failed => {}
        TestOutcome::Todo => hint_assert!(false, "{TODO_HINT}"),
        TestOutcome::Passed => hint_assert!(
            false,
            "your_test passes against the flawed server, whose browser key is the \
             User-Agent: it must fail there. Have two browsers send the same User-Agent, \
             log one in, and check that the other is not told it is that user"
        ),
    }
}

#[tokio::test]
async fn your_test_fails_against_a_server_that_forgets_every_login() {
    match test_outcome(yours::your_test(app(forgets_every_login).await)).await {
        TestOutcome::Failed => {}
        TestOutcome::Todo => hint_assert!(false, "{TODO_HINT}"),
        TestOutcome::Passed => hint_assert!(
            false,
            "your_test passes against a server that forgets every login (a new key for \
             every request): it cannot tell a fix from a server where nobody stays logged \
             in. Check too that Alice, after her login, is told she is alice"
        ),
    }
}

#[tokio::test]
async fn your_test_passes_against_your_fix() {
    match test_outcome(yours::your_test(app(yours::browser_key).await)).await {
        TestOutcome::Passed => {}
        TestOutcome::Todo => hint_assert!(false, "{TODO_HINT}"),
        TestOutcome::Failed => hint_assert!(
            false,
            "your_test fails against your browser_key (its message is above): either \
             browser_key still has the flaw (TODO 2), or your test expects something that \
             no correct server does"
        ),
    }
}

/// Asks `/api/me` and checks who the server says `client` is.
async fn expect_me(client: &mut Client, expected: Option<&str>, situation: &str) {
    let reply = client.me().await;
    let who = reply.json()["username"].as_str().map(str::to_owned);
    let name = client.name().to_owned();
    hint_assert!(
        who.as_deref() == expected,
        "With your browser_key: {situation}, so /api/me must say {} for {name}, got {} {}",
        expected.map_or("nobody (401)".to_owned(), |user| format!("{user} (200)")),
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn your_browser_key_tells_browsers_apart_by_what_they_hold() {
    let app = app(yours::browser_key).await;
    let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                  (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36";
    let mut alice = app.client("Alice").user_agent(chrome);
    let mut bob = app.client("Bob").user_agent(chrome);
    // Curl and scripts often send no User-Agent at all.
    let mut carol = app.client("Carol");
    let mut dave = app.client("Dave");
    for name in ["alice", "bob", "dave"] {
        carol.register_ok(name).await;
    }

    let login = alice.login("alice", PASSWORD).await;
    hint_assert!(login.status == 200, "Alice's login: {}", login.body);
    // The attributes of the cookies Alice's login set (not their values: each id is random).
    let set_cookies = login.set_cookies();
    let attributes: Vec<&str> = set_cookies
        .iter()
        .flat_map(|set_cookie| set_cookie.split(';').skip(1))
        .map(str::trim)
        .collect();
    expect_me(
        &mut bob,
        None,
        "Bob's browser sends the same User-Agent as Alice's and he never logged in",
    )
    .await;
    expect_me(
        &mut alice,
        Some("alice"),
        "Alice logged in, then asked from the same browser (a browser's key must stay the \
         same from one request to the next)",
    )
    .await;

    let login = bob.login("bob", PASSWORD).await;
    hint_assert!(login.status == 200, "Bob's login: {}", login.body);
    expect_me(&mut bob, Some("bob"), "Bob logged in").await;
    expect_me(&mut alice, Some("alice"), "Bob logged in after Alice").await;

    let login = dave.login("dave", PASSWORD).await;
    hint_assert!(login.status == 200, "Dave's login: {}", login.body);
    expect_me(
        &mut dave,
        Some("dave"),
        "Dave, with no User-Agent, logged in",
    )
    .await;
    expect_me(
        &mut carol,
        None,
        "Carol, with no User-Agent either, never logged in",
    )
    .await;

    // Each browser holds its own id now, and nobody can guess another's.
    let (alices, bobs) = (alice.cookies(), bob.cookies());
    hint_assert!(
        !alices.is_empty() && !bobs.is_empty() && alices != bobs,
        "Alice's and Bob's browsers must each hold a cookie of their own (the visitor id), \
         got {} and {}",
        shown(&alices),
        shown(&bobs)
    );
    for (name, value) in alices.iter().chain(&bobs) {
        hint_assert!(
            value.len() >= 16,
            "The cookie {name}={value} is short enough to guess: Mallory could send \
             Alice's and be logged in as her. Make the id random and long (16 characters \
             or more)"
        );
    }
    // Ids from a counter or a clock follow each other: from her own, Mallory guesses the
    // next. Random ids share their first 8 characters by chance almost never.
    let held: Vec<(String, String)> = [&alice, &bob, &carol, &dave]
        .iter()
        .map(|client| client.cookies())
        .flat_map(BTreeMap::into_iter)
        .collect();
    for (index, (name, first)) in held.iter().enumerate() {
        for (other_name, second) in &held[index + 1..] {
            let alike = first.chars().take(8).eq(second.chars().take(8));
            hint_assert!(
                name != other_name || !alike,
                "Two browsers were given {name} ids that begin with the same 8 characters: \
                 ids that follow each other (a counter, the time) can be guessed from \
                 one's own. Make each id random: common::config::new_secret()"
            );
        }
    }
    // What carries a login is only for the server: no script on the page may read it.
    let attribute = |wanted: &[&str]| attributes.iter().any(|a| wanted.contains(a));
    hint_assert!(
        attribute(&["HttpOnly"]) && attribute(&["SameSite=Lax", "SameSite=Strict"]),
        "The cookie that carries the visitor id must be HttpOnly (no script on the page can \
         read it and send it elsewhere) and SameSite=Lax (not sent along when another site \
         makes the browser call this one), like every cookie of lesson 02; Alice's login set {}",
        if set_cookies.is_empty() {
            "no cookie".to_owned()
        } else {
            format!("a cookie with `{}`", attributes.join("; "))
        }
    );
}

/// A browser's cookies as the `Cookie` header would send them, or "no cookie".
fn shown(cookies: &BTreeMap<String, String>) -> String {
    if cookies.is_empty() {
        return "no cookie".to_owned();
    }
    let pairs: Vec<String> = cookies
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    pairs.join("; ")
}
