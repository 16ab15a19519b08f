//! The edges of lesson 02. Cookie values come from the client, so anything can arrive:
//! every counter answers 200 and starts over at 1 for a value it did not hand out, and
//! never a 500. Plus the attributes of every cookie, and what signing and encryption do
//! not protect against (a copied cookie).
//! With `--features 02-1-signed-counter` these run against your `signed_visits` (warm-up 02-1).

use std::convert::Infallible;

use common::Config;
use lesson_02_cookies::counters::{PLAIN_COOKIE, PRIVATE_COOKIE, SIGNED_COOKIE};
use story::hint_assert;
use story::{Client, Reply, STORY_SECRET, Story, spawn_app};

use crate::signing::signed_by_the_server;

/// Each counter's path and cookie name.
const COUNTERS: [(&str, &str); 3] = [
    ("/api/visits", PLAIN_COOKIE),
    ("/api/visits/signed", SIGNED_COOKIE),
    ("/api/visits/private", PRIVATE_COOKIE),
];

const ATTRIBUTES: &str = "; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000";

async fn app() -> Story {
    app_with(|config| config).await
}

/// The lesson's app, with the story's config changed by `change`.
async fn app_with(change: impl FnOnce(Config) -> Config) -> Story {
    spawn_app(|config, _clock| async move {
        Ok::<_, Infallible>(lesson_02_cookies::app(&change(config)))
    })
    .await
}

/// The count in a reply, after checking that it is a 200 `{"visits": n}`.
#[track_caller]
fn visits(reply: &Reply, what: &str) -> u64 {
    let count = reply.json()["visits"].as_u64();
    hint_assert!(
        reply.status == 200 && count.is_some(),
        "{what}: expected 200 {{\"visits\": n}}, got {} {}",
        reply.status,
        reply.body
    );
    count.unwrap_or_default()
}

/// Checks that a reply is the count `expected`.
#[track_caller]
fn expect_count(reply: &Reply, expected: u64, what: &str) {
    let count = visits(reply, what);
    hint_assert!(
        count == expected,
        "{what}: expected {{\"visits\": {expected}}}, got {}",
        reply.body
    );
}

/// Visits `path` with `cookie` set to `value` and checks the count the server gives.
async fn visit_with(client: &mut Client, path: &str, cookie: &str, value: &str, expected: u64) {
    client.set_cookie(cookie, value);
    let reply = client.get("visit", path).await;
    expect_count(
        &reply,
        expected,
        &format!("GET {path} with the cookie {cookie}={value:.60}"),
    );
}

#[tokio::test]
async fn every_counter_sets_one_cookie_with_the_same_attributes() {
    let app = app().await;
    let mut alice = app.client("Alice");
    for (path, name) in COUNTERS {
        let reply = alice.get("first visit", path).await;
        let set_cookies = reply.set_cookies();
        hint_assert!(
            !set_cookies.is_empty(),
            "A first visit to {path} must set the cookie {name}, got no Set-Cookie at all: \
             `add` gives back a new jar with the cookie in it; answer with that one, not \
             the jar you were given"
        );
        hint_assert!(
            set_cookies.len() == 1 && set_cookies[0].starts_with(&format!("{name}=")),
            "A first visit to {path} must set one cookie, named {name} (each counter has a \
             cookie of its own), got {}",
            set_cookies.join(" and ")
        );
        hint_assert!(
            set_cookies[0].ends_with(ATTRIBUTES),
            "A first visit to {path} must set `{name}=...{ATTRIBUTES}`, with the attributes \
             of every counter (`visits_cookie` in src/counters.rs builds such a cookie), \
             got `{}`",
            set_cookies[0]
        );
    }
}

#[tokio::test]
async fn with_cookie_secure_every_cookie_is_https_only() {
    let app = app_with(|config| Config {
        cookie_secure: true,
        ..config
    })
    .await;
    let mut alice = app.client("Alice");
    for (path, _) in COUNTERS {
        let reply = alice.get("first visit", path).await;
        let set_cookies = reply.set_cookies();
        hint_assert!(
            set_cookies.first().is_some_and(|c| c.contains("; Secure")),
            "With COOKIE_SECURE=true, the cookie of {path} must say `Secure` (pass on \
             `state.secure_cookies`), got {}",
            if set_cookies.is_empty() {
                "no cookie".to_owned()
            } else {
                set_cookies.join(" and ")
            }
        );
    }
}

#[tokio::test]
async fn two_browsers_count_separately_on_every_counter() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let mut bob = app.client("Bob");
    for (path, _) in COUNTERS {
        // Each count is the one that browser sent back, plus one.
        let what = |who: &str, visit: &str| {
            format!("{who}'s {visit} visit to {path} (the count her browser sent back, plus one)")
        };
        expect_count(&alice.get("Alice", path).await, 1, &what("Alice", "first"));
        expect_count(&alice.get("Alice", path).await, 2, &what("Alice", "second"));
        expect_count(&bob.get("Bob", path).await, 1, &what("Bob", "first"));
        expect_count(&alice.get("Alice", path).await, 3, &what("Alice", "third"));
        expect_count(&bob.get("Bob", path).await, 2, &what("Bob", "second"));
    }
}

#[tokio::test]
async fn garbled_values_start_over_at_1_on_every_counter() {
    let app = app().await;
    let mut mallory = app.client("Mallory");
    let garbled = [
        "",
        "abc",
        "-1",
        "1.5",
        "0x10",
        "1e3",
        "%%%",
        "%FF%FE",               // percent-encoded bytes that are not UTF-8
        "\"42\"",               // quoted
        "٤٢",                   // 42 in Arabic-Indic digits
        "18446744073709551615", // u64::MAX: a count too big to grow
        "99999999999999999999999999999",
    ];
    for (path, name) in COUNTERS {
        for value in garbled {
            visit_with(&mut mallory, path, name, value, 1).await;
        }
    }
}

#[tokio::test]
async fn oversized_values_start_over_at_1_on_every_counter() {
    let app = app().await;
    let mut mallory = app.client("Mallory");
    // Browsers keep at most about 4 KB per cookie; a hand-made request can send more.
    for size in [4 * 1024, 64 * 1024] {
        for filler in ["9", "A"] {
            let value = filler.repeat(size);
            for (path, name) in COUNTERS {
                visit_with(&mut mallory, path, name, &value, 1).await;
            }
        }
    }
}

#[tokio::test]
async fn a_header_too_large_for_the_server_is_refused_but_not_a_500() {
    let app = app().await;
    let mut mallory = app.client("Mallory");
    // Past about 400 KB of headers, hyper (under axum) refuses the request itself.
    mallory.set_cookie(PLAIN_COOKIE, &"9".repeat(1024 * 1024));
    let reply = mallory.get("a 1 MB cookie", "/api/visits").await;
    assert_eq!(
        reply.status, 431,
        "431 Request Header Fields Too Large: {reply:?}"
    );
}

#[tokio::test]
async fn a_cookie_header_that_is_not_text_is_ignored() {
    let app = app().await;
    let http = reqwest::Client::new();
    for (path, name) in COUNTERS {
        let mut header = format!("{name}=").into_bytes();
        header.extend_from_slice(b"\xff\xfe41");
        let response = http
            .get(format!("{}{path}", app.url()))
            .header("cookie", header)
            .send()
            .await
            .expect("the server answers");
        let status = response.status();
        let body = response.text().await.expect("a body");
        hint_assert!(
            status == 200 && body == r#"{"visits":1}"#,
            "GET {path} with a cookie that is not text must start over: expected 200 \
             {{\"visits\":1}}, got {status} {body}"
        );
    }
}

#[tokio::test]
async fn the_plain_counter_believes_any_count_it_can_read() {
    let app = app().await;
    let mut mallory = app.client("Mallory");
    visit_with(&mut mallory, "/api/visits", PLAIN_COOKIE, "41", 42).await;
    let almost_max = (u64::MAX - 1).to_string();
    visit_with(
        &mut mallory,
        "/api/visits",
        PLAIN_COOKIE,
        &almost_max,
        u64::MAX,
    )
    .await;
}

#[tokio::test]
async fn a_signed_cookie_changed_anywhere_is_refused() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let path = "/api/visits/signed";
    alice.get("1", path).await;
    alice.get("2", path).await;
    let genuine = alice.cookie(SIGNED_COOKIE).unwrap_or_default();
    let signature = genuine.strip_suffix('2').filter(|s| s.len() > 2);
    hint_assert!(
        signature.is_some(),
        "After two visits to {path}, the cookie {SIGNED_COOKIE} must be a signature \
         followed by the count 2 (the signed jar signs what it adds), got \
         {SIGNED_COOKIE}={genuine}"
    );
    let signature = signature.unwrap_or_default();
    let mut other_signature = signature.to_owned();
    other_signature.replace_range(0..1, if signature.starts_with('A') { "B" } else { "A" });

    let forgeries = [
        format!("{signature}1000"),    // a new count under the old signature
        format!("{other_signature}2"), // the count kept, the signature edited
        signature.to_owned(),          // the signature alone
        "2".to_owned(),                // the count alone
        format!("{genuine}{genuine}"), // doubled
    ];
    for forgery in &forgeries {
        visit_with(&mut alice, path, SIGNED_COOKIE, forgery, 1).await;
    }
    // The genuine cookie still works.
    visit_with(&mut alice, path, SIGNED_COOKIE, &genuine, 3).await;
}

#[tokio::test]
async fn a_signed_value_that_is_no_count_to_grow_starts_over_at_1() {
    // A signature proves the server's key made a value, not that it is a count this
    // counter can grow (the same key signs every cookie of the app). Checked like any
    // other value: a start at 1, never a 500.
    let app = app().await;
    let mut mallory = app.client("Mallory");
    let path = "/api/visits/signed";
    for value in [u64::MAX.to_string(), "many".to_owned(), "-1".to_owned()] {
        let signed = signed_by_the_server(SIGNED_COOKIE, &value);
        mallory.set_cookie(SIGNED_COOKIE, &signed);
        let reply = mallory.get("visit", path).await;
        expect_count(
            &reply,
            1,
            &format!("GET {path} with {value}, signed with the server's key"),
        );
    }
}

#[tokio::test]
async fn a_private_cookie_is_refused_unless_this_server_sealed_it() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let path = "/api/visits/private";
    alice.get("1", path).await;
    alice.get("2", path).await;
    let genuine = alice.cookie(PRIVATE_COOKIE).expect("a private cookie");
    alice.get("a signed one", "/api/visits/signed").await;
    let signed = alice.cookie(SIGNED_COOKIE);
    hint_assert!(
        signed.is_some(),
        "A visit to /api/visits/signed must set the cookie {SIGNED_COOKIE}"
    );

    let half = genuine.len() / 2;
    let forgeries = [
        "1000".to_owned(),          // a count, in the clear
        "AAAA".to_owned(),          // valid base64, too short to hold anything
        genuine[..half].to_owned(), // cut short
        format!("{genuine}AAAA"),   // lengthened
        signed.unwrap_or_default(), // a genuine signed cookie, in the wrong place
    ];
    for forgery in &forgeries {
        visit_with(&mut alice, path, PRIVATE_COOKIE, forgery, 1).await;
    }
    visit_with(&mut alice, path, PRIVATE_COOKIE, &genuine, 3).await;
}

#[tokio::test]
async fn the_same_private_count_never_looks_the_same_twice() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let mut bob = app.client("Bob");
    alice
        .get("Alice's first visit", "/api/visits/private")
        .await;
    bob.get("Bob's first visit", "/api/visits/private").await;
    // Both hold the count 1, but each encryption uses a fresh random nonce.
    let (alices, bobs) = (alice.cookie(PRIVATE_COOKIE), bob.cookie(PRIVATE_COOKIE));
    assert_ne!(alices, bobs);
    for value in [alices, bobs].map(Option::unwrap_or_default) {
        assert!(value.len() > 20 && value.parse::<u64>().is_err(), "{value}");
    }
}

#[tokio::test]
async fn cookies_made_with_another_secret_are_refused() {
    // The same lesson on a second server whose SESSION_SECRET differs.
    let other_secret = "z".repeat(64);
    assert_ne!(other_secret, STORY_SECRET);
    let other = app_with(|config| Config::for_tests(config.database_url, &other_secret)).await;
    let mut elsewhere = other.client("Alice elsewhere");
    elsewhere.get("signed", "/api/visits/signed").await;
    elsewhere.get("private", "/api/visits/private").await;

    let app = app().await;
    let mut alice = app.client("Alice");
    alice.restore_cookies(&elsewhere.cookies());
    let what = |path: &str| format!("GET {path} with a cookie made by a server with another key");
    let path = "/api/visits/signed";
    expect_count(&alice.get("signed", path).await, 1, &what(path));
    let path = "/api/visits/private";
    expect_count(&alice.get("private", path).await, 1, &what(path));
}

#[tokio::test]
async fn a_copied_cookie_is_accepted_signed_or_private() {
    // Neither signing nor encryption can tell who sends a cookie back: a saved copy, or
    // a stolen one, works for anyone, as many times as they like, until it expires.
    let app = app().await;
    let mut alice = app.client("Alice");
    let mut thief = app.client("Thief");
    for path in ["/api/visits/signed", "/api/visits/private"] {
        alice.get("1", path).await;
        alice.get("2", path).await;
    }
    let copy = alice.cookies();
    for _ in 0..3 {
        thief.restore_cookies(&copy);
        for path in ["/api/visits/signed", "/api/visits/private"] {
            let what = format!("GET {path} with a copy of Alice's cookie after her 2 visits");
            expect_count(&thief.get("replay", path).await, 3, &what);
        }
    }
}

#[tokio::test]
async fn other_methods_and_paths_get_a_json_error() {
    let app = app().await;
    let mut client = app.client("client");
    let post = client
        .post(
            "POST a counter",
            "/api/visits",
            serde_json::json!({ "visits": 1000 }),
        )
        .await;
    post.error_message(405);

    let missing = client.get("no such counter", "/api/visits/secret").await;
    missing.assert_error(404, "No such endpoint");
}
