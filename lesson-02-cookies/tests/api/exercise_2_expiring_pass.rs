//! The check of exercise 02-2: a signed pass that carries its own end. The story
//! (`tests/snapshots/exercise_2_expiring_pass.snap`) plays it out; the other tests check
//! the edges, each naming a mistake: the system's clock instead of the server's, an end
//! never compared, the cookie's value and attributes, a forged or garbled pass.
//! `cargo course check 02-2-expiring-pass` runs it against your
//! `exercises/2_expiring_pass.rs`; `cargo test` runs it against the reference in
//! `solutions/`.

// The reference, or with `--features 02-2-expiring-pass` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "02-2-expiring-pass")))]
#[path = "../../exercises/2_expiring_pass.rs"]
mod starter;
#[cfg(not(feature = "02-2-expiring-pass"))]
#[path = "../../solutions/2_expiring_pass.rs"]
mod yours;
#[cfg(feature = "02-2-expiring-pass")]
#[path = "../../exercises/2_expiring_pass.rs"]
mod yours;

use std::convert::Infallible;
use std::time::Duration;

use common::Config;
use story::hint_assert;
use story::{Client, Method, Payload, Reply, STORY_START, Story, spawn_app};
use yours::{NO_PASS, PASS_COOKIE};

use crate::signing::signed_by_the_server;

const ATTRIBUTES: &str = "; HttpOnly; SameSite=Lax; Path=/; Max-Age=600";

/// The lesson's server with your pass added, its config changed by `change`.
async fn app_with(change: impl FnOnce(Config) -> Config) -> Story {
    spawn_app(|config, clock| async move {
        let config = change(config);
        let lesson = lesson_02_cookies::app(&config);
        Ok::<_, Infallible>(lesson.merge(yours::routes(&config, clock)))
    })
    .await
}

async fn app() -> Story {
    app_with(|config| config).await
}

/// `2026-01-01T09:10:00Z` for `minutes` after the story's start.
fn at(minutes: i64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp(STORY_START + minutes * 60)
        .expect("a valid time");
    time.format(&time::format_description::well_known::Rfc3339)
        .expect("formats")
}

/// Checks a 200 `{"expires_at": ...}` answer to `request`.
#[track_caller]
fn expect_pass(reply: &Reply, request: &str, expires_at: &str) {
    let expected = serde_json::json!({ "expires_at": expires_at });
    // An end that is another time is not shown: one computed from the system's time would
    // differ on every run, and so would the hint.
    let got = match reply.json().get("expires_at") {
        Some(end) if reply.status == 200 && end != expires_at => "200 with another end".to_owned(),
        _ => format!("{} {}", reply.status, reply.body),
    };
    hint_assert!(
        reply.status == 200 && reply.json() == expected,
        "{request} must answer 200 {expected}, got {got}"
    );
}

/// Checks the 401 of a pass that is missing, forged or over.
#[track_caller]
fn expect_refused(reply: &Reply, request: &str) {
    hint_assert!(
        reply.status == 401 && reply.json() == serde_json::json!({ "error": NO_PASS }),
        "{request} must be refused with 401 {{\"error\": \"{NO_PASS}\"}}, got {} {}",
        reply.status,
        reply.body
    );
    reply.assert_error(401, NO_PASS);
}

async fn show(client: &mut Client) -> Reply {
    client.get("show the pass", "/api/pass").await
}

async fn issue(client: &mut Client) -> Reply {
    client
        .send("get a pass", Method::POST, "/api/pass", Payload::None)
        .await
}

/// Set-Cookie headers as a student reads them: "no cookie", or the headers.
fn shown(set_cookies: &[&str]) -> String {
    if set_cookies.is_empty() {
        "no cookie".to_owned()
    } else {
        set_cookies.join(" and ")
    }
}

/// Minutes in a hundred years (of 365 days): far from the real date in either direction.
const A_CENTURY: i64 = 100 * 365 * 24 * 60;

#[tokio::test]
async fn the_servers_clock_decides_when_a_pass_ends() {
    let app = app().await;
    let mut alice = app.client("Alice");
    expect_pass(
        &issue(&mut alice).await,
        "POST /api/pass (ten minutes from now by the state's clock, `state.clock.now()`, \
         never the system's)",
        &at(10),
    );
    app.advance_clock(Duration::from_secs(11 * 60));
    expect_refused(
        &show(&mut alice).await,
        "GET /api/pass a minute after the pass ended (the browser still sends the cookie: \
         compare the end it carries with the state's clock on every request; Max-Age only \
         asks the browser to drop it)",
    );

    // A century later by the server's clock: by the system's clock, this pass has about
    // a century to run, so only a server that asks its own clock refuses it in time.
    app.advance_clock(Duration::from_secs(A_CENTURY as u64 * 60));
    let reply = issue(&mut alice).await;
    // The body is not shown: an end computed from the system's time differs on every run,
    // and so would the hint.
    hint_assert!(
        reply.status == 200
            && reply.json() == serde_json::json!({ "expires_at": at(A_CENTURY + 21) }),
        "POST /api/pass a century later by the state's clock must answer 200 with an end \
         ten minutes after the state's clock ({}), got {} and another end: it is \
         `state.clock.now()` plus ten minutes, never the system's time",
        at(A_CENTURY + 21),
        reply.status
    );
    app.advance_clock(Duration::from_secs(11 * 60));
    expect_refused(
        &show(&mut alice).await,
        "GET /api/pass a minute after the end of a pass issued a century later (by the \
         system's clock it still has a century to run: compare with `state.clock.now()`, \
         never the system's time)",
    );
}

#[tokio::test]
async fn story() {
    let mut story = Story::recording();
    // The signature changes with the value; the end after it stays readable.
    story.redact_signed_cookie(PASS_COOKIE, "signature");
    let config = story.config();
    let routes = lesson_02_cookies::app(&config).merge(yours::routes(&config, story.clock()));
    story.start_server(routes).await;

    let mut alice = story.client("Alice");
    alice
        .get(
            "Alice shows her pass before she has one: refused",
            "/api/pass",
        )
        .await;
    alice
        .send(
            "Alice gets a pass: it ends in ten minutes",
            Method::POST,
            "/api/pass",
            Payload::None,
        )
        .await;
    alice
        .get("Alice shows her pass: it runs", "/api/pass")
        .await;

    story.advance_clock(Duration::from_secs(5 * 60));
    alice
        .get("Five minutes later, it still runs", "/api/pass")
        .await;

    let genuine = alice.cookie(PASS_COOKIE).unwrap_or_default();
    let saved = alice.cookies();
    story.say("Alice keeps the signature and moves the end of her pass a year later.");
    let signature = genuine.trim_end_matches(|c: char| c.is_ascii_digit());
    let a_year_later = STORY_START + 10 * 60 + 365 * 24 * 60 * 60;
    alice.set_cookie(PASS_COOKIE, &format!("{signature}{a_year_later}"));
    alice
        .get(
            "The signature does not match the new end: refused",
            "/api/pass",
        )
        .await;

    story.say("Alice puts her genuine pass back.");
    alice.restore_cookies(&saved);
    story.advance_clock(Duration::from_secs(5 * 60));
    story.say(
        "Ten minutes have passed since the pass was issued. Her browser would drop the \
         cookie now (Max-Age=600), but Alice sends it by hand all the same.",
    );
    alice
        .get(
            "The pass has ended: refused, although its signature is right",
            "/api/pass",
        )
        .await;
    alice
        .send(
            "Alice gets a new pass: it ends ten minutes from now",
            Method::POST,
            "/api/pass",
            Payload::None,
        )
        .await;
    alice
        .get("Alice shows her new pass: it runs", "/api/pass")
        .await;

    story::assert_story!("exercise_2_expiring_pass", story.finish().await);
}

#[tokio::test]
async fn a_pass_runs_until_the_second_it_ends() {
    let app = app().await;
    let mut alice = app.client("Alice");
    expect_refused(&show(&mut alice).await, "GET /api/pass before any pass");
    expect_pass(&issue(&mut alice).await, "POST /api/pass", &at(10));
    expect_pass(
        &show(&mut alice).await,
        "GET /api/pass right after POST",
        &at(10),
    );

    app.advance_clock(Duration::from_secs(599));
    expect_pass(
        &show(&mut alice).await,
        "GET /api/pass 9 minutes 59 seconds after it was issued",
        &at(10),
    );
    app.advance_clock(Duration::from_secs(1));
    expect_refused(
        &show(&mut alice).await,
        "GET /api/pass exactly 10 minutes after it was issued (its end has come: a pass runs \
         while now is strictly before its end)",
    );
    app.advance_clock(Duration::from_secs(24 * 60 * 60));
    expect_refused(&show(&mut alice).await, "GET /api/pass a day after its end");
}

#[tokio::test]
async fn the_cookie_is_signed_and_carries_the_end_in_unix_seconds() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let reply = issue(&mut alice).await;
    let set_cookies = reply.set_cookies();
    let end = (STORY_START + 10 * 60).to_string();
    let expected = format!("{PASS_COOKIE}=<signature>{end}{ATTRIBUTES}");
    hint_assert!(
        set_cookies.len() == 1 && set_cookies[0].starts_with(&format!("{PASS_COOKIE}=")),
        "POST /api/pass must set exactly one cookie, `{expected}`, got {}",
        shown(&set_cookies)
    );
    let set_cookie = set_cookies[0];
    let (pair, attributes) = set_cookie.split_once(';').unwrap_or((set_cookie, ""));
    hint_assert!(
        pair.ends_with(&end),
        "The pass cookie's value must end with the pass's end as a whole number of Unix \
         seconds, {end} (ten minutes after the state's clock), after the signature: \
         `{expected}`, got `{pair}`"
    );
    for (attribute, why) in [
        ("HttpOnly", "no script on the page can read it"),
        ("SameSite=Lax", "not sent along when another site calls"),
        ("Path=/", "sent with every request to the site"),
        ("Max-Age=600", "the browser drops it when the pass ends"),
    ] {
        hint_assert!(
            attributes.split(';').any(|a| a.trim() == attribute),
            "The pass cookie must say `{attribute}` ({why}), like the lesson's counters \
             but with the lifetime of one pass: `{expected}`, got `{set_cookie}`"
        );
    }
    hint_assert!(
        set_cookie.ends_with(&format!("{end}{ATTRIBUTES}")),
        "POST /api/pass must set one cookie, `{expected}` (the end in Unix seconds, after \
         the signature), got `{set_cookie}`"
    );
    let value = alice.cookie(PASS_COOKIE).unwrap_or_default();
    hint_assert!(
        value.len() > end.len() + 40,
        "The pass cookie must be signed (the signed jar puts a 44-character signature in \
         front of the value), got {PASS_COOKIE}={value}"
    );

    let secure = app_with(|config| Config {
        cookie_secure: true,
        ..config
    })
    .await;
    let mut bob = secure.client("Bob");
    let reply = issue(&mut bob).await;
    hint_assert!(
        reply
            .set_cookies()
            .first()
            .is_some_and(|c| c.contains("; Secure")),
        "With COOKIE_SECURE=true, the pass cookie must say `Secure` (only ever sent over \
         HTTPS: `.secure(state.secure_cookies)`), got {}",
        shown(&reply.set_cookies())
    );
}

#[tokio::test]
async fn a_pass_that_is_edited_unsigned_or_no_moment_is_refused() {
    let app = app().await;
    let mut alice = app.client("Alice");
    issue(&mut alice).await;
    let genuine = alice.cookie(PASS_COOKIE).unwrap_or_default();
    let signature = genuine.trim_end_matches(|c: char| c.is_ascii_digit());
    let later = (STORY_START + 24 * 60 * 60).to_string();
    let no_end = "signed by the server, but no end a pass can have";
    let forgeries = [
        (later.clone(), "unsigned: read the pass from the signed jar"),
        (
            format!("{signature}{later}"),
            "a later end, the old signature",
        ),
        (signature.to_owned(), "the signature alone"),
        (String::new(), "empty"),
        ("%%%".to_owned(), "garbage"),
        (format!("{genuine}{genuine}"), "the pass twice"),
        (signed_by_the_server(PASS_COOKIE, "soon"), no_end),
        (signed_by_the_server(PASS_COOKIE, ""), no_end),
        (signed_by_the_server(PASS_COOKIE, "1.8e9"), no_end),
        (
            signed_by_the_server(PASS_COOKIE, "-1"),
            "signed, 1969: long over",
        ),
        (
            signed_by_the_server(PASS_COOKIE, "99999999999999999"),
            "signed, past the year 9999",
        ),
        (
            signed_by_the_server(PASS_COOKIE, "99999999999999999999"),
            "signed, too big for an i64",
        ),
    ];
    for (forgery, what) in forgeries {
        alice.set_cookie(PASS_COOKIE, &forgery);
        expect_refused(
            &show(&mut alice).await,
            &format!("GET /api/pass with the cookie {PASS_COOKIE}={forgery} ({what})"),
        );
    }
    alice.set_cookie(PASS_COOKIE, &genuine);
    expect_pass(
        &show(&mut alice).await,
        "GET /api/pass with the genuine cookie back",
        &at(10),
    );
    // And the server's own signature over a later end is, of course, accepted: the end
    // is only as safe as the key.
    alice.set_cookie(PASS_COOKIE, &signed_by_the_server(PASS_COOKIE, &later));
    let tomorrow = at(24 * 60);
    expect_pass(
        &show(&mut alice).await,
        "GET /api/pass with a pass signed by the server's key, ending tomorrow",
        &tomorrow,
    );
}

#[tokio::test]
async fn a_new_pass_starts_from_now() {
    let app = app().await;
    let mut alice = app.client("Alice");
    issue(&mut alice).await;
    app.advance_clock(Duration::from_secs(5 * 60));
    expect_pass(
        &issue(&mut alice).await,
        "POST /api/pass five minutes after the first one",
        &at(15),
    );
    app.advance_clock(Duration::from_secs(6 * 60));
    expect_pass(
        &show(&mut alice).await,
        "GET /api/pass eleven minutes after the first pass, six after the second",
        &at(15),
    );
}
