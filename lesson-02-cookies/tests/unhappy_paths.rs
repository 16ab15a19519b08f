//! The edges of lesson 02. Cookie values come from the client, so anything can arrive:
//! every counter answers 200 and starts over at 1 for a value it did not hand out, and
//! never a 500. Plus the attributes of every cookie, and what signing and encryption do
//! not protect against (a copied cookie).

use common::Config;
use common::story::{Client, Reply, STORY_SECRET, Story};
use lesson_02_cookies::counters::{PLAIN_COOKIE, PRIVATE_COOKIE, SIGNED_COOKIE};
use serde_json::json;

/// Each counter's path and cookie name.
const COUNTERS: [(&str, &str); 3] = [
    ("/api/visits", PLAIN_COOKIE),
    ("/api/visits/signed", SIGNED_COOKIE),
    ("/api/visits/private", PRIVATE_COOKIE),
];

const ATTRIBUTES: &str = "; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000";

async fn server() -> Story {
    let story = Story::recording();
    let config = story.config();
    server_with(story, &config).await
}

async fn server_with(mut story: Story, config: &Config) -> Story {
    story.start_server(lesson_02_cookies::app(config)).await;
    story
}

/// The count in a reply, after checking that it is a 200.
fn visits(reply: &Reply) -> u64 {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["visits"]
        .as_u64()
        .unwrap_or_else(|| panic!("a {{\"visits\": n}} body, got {}", reply.body))
}

/// Visits `path` with `cookie` set to `value` and returns the count the server gives.
async fn visit_with(client: &mut Client, path: &str, cookie: &str, value: &str) -> u64 {
    client.set_cookie(cookie, value);
    visits(&client.get("visit", path).await)
}

#[tokio::test]
async fn every_counter_sets_one_cookie_with_the_same_attributes() {
    let story = server().await;
    let mut alice = story.client("Alice");
    for (path, name) in COUNTERS {
        let reply = alice.get("first visit", path).await;
        let set_cookies = reply.set_cookies();
        assert_eq!(set_cookies.len(), 1, "{set_cookies:?}");
        assert!(
            set_cookies[0].starts_with(&format!("{name}=")),
            "{set_cookies:?}"
        );
        assert!(set_cookies[0].ends_with(ATTRIBUTES), "{set_cookies:?}");
    }
}

#[tokio::test]
async fn with_cookie_secure_every_cookie_is_https_only() {
    let story = Story::recording();
    let config = Config {
        cookie_secure: true,
        ..story.config()
    };
    let story = server_with(story, &config).await;
    let mut alice = story.client("Alice");
    for (path, _) in COUNTERS {
        let reply = alice.get("first visit", path).await;
        assert!(reply.set_cookies()[0].contains("; Secure"), "{reply:?}");
    }
}

#[tokio::test]
async fn two_browsers_count_separately_on_every_counter() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let mut bob = story.client("Bob");
    for (path, _) in COUNTERS {
        assert_eq!(visits(&alice.get("Alice", path).await), 1);
        assert_eq!(visits(&alice.get("Alice", path).await), 2);
        assert_eq!(visits(&bob.get("Bob", path).await), 1);
        assert_eq!(visits(&alice.get("Alice", path).await), 3);
        assert_eq!(visits(&bob.get("Bob", path).await), 2);
    }
}

#[tokio::test]
async fn garbled_values_start_over_at_1_on_every_counter() {
    let story = server().await;
    let mut mallory = story.client("Mallory");
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
            let count = visit_with(&mut mallory, path, name, value).await;
            assert_eq!(count, 1, "{path} with {name}={value:?}");
        }
    }
}

#[tokio::test]
async fn oversized_values_start_over_at_1_on_every_counter() {
    let story = server().await;
    let mut mallory = story.client("Mallory");
    // Browsers keep at most about 4 KB per cookie; a hand-made request can send more.
    for size in [4 * 1024, 64 * 1024] {
        for filler in ["9", "A"] {
            let value = filler.repeat(size);
            for (path, name) in COUNTERS {
                let count = visit_with(&mut mallory, path, name, &value).await;
                assert_eq!(count, 1, "{path} with a {size}-byte {name}");
            }
        }
    }
}

#[tokio::test]
async fn a_header_too_large_for_the_server_is_refused_but_not_a_500() {
    let story = server().await;
    let mut mallory = story.client("Mallory");
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
    let story = server().await;
    let http = reqwest::Client::new();
    for (path, name) in COUNTERS {
        let mut header = format!("{name}=").into_bytes();
        header.extend_from_slice(b"\xff\xfe41");
        let response = http
            .get(format!("{}{path}", story.url()))
            .header("cookie", header)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 200);
        let body = response.text().await.expect("a body");
        assert_eq!(body, r#"{"visits":1}"#, "{path}");
    }
}

#[tokio::test]
async fn the_plain_counter_believes_any_count_it_can_read() {
    let story = server().await;
    let mut mallory = story.client("Mallory");
    assert_eq!(
        visit_with(&mut mallory, "/api/visits", PLAIN_COOKIE, "41").await,
        42
    );
    let almost_max = (u64::MAX - 1).to_string();
    let count = visit_with(&mut mallory, "/api/visits", PLAIN_COOKIE, &almost_max).await;
    assert_eq!(count, u64::MAX);
}

#[tokio::test]
async fn a_signed_cookie_changed_anywhere_is_refused() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let path = "/api/visits/signed";
    alice.get("1", path).await;
    alice.get("2", path).await;
    let genuine = alice.cookie(SIGNED_COOKIE).expect("a signed cookie");
    let signature = genuine.strip_suffix('2').expect("the count comes last");
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
        assert_eq!(
            visit_with(&mut alice, path, SIGNED_COOKIE, forgery).await,
            1,
            "{forgery}"
        );
    }
    // The genuine cookie still works.
    assert_eq!(
        visit_with(&mut alice, path, SIGNED_COOKIE, &genuine).await,
        3
    );
}

#[tokio::test]
async fn a_private_cookie_is_refused_unless_this_server_sealed_it() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let path = "/api/visits/private";
    alice.get("1", path).await;
    alice.get("2", path).await;
    let genuine = alice.cookie(PRIVATE_COOKIE).expect("a private cookie");
    alice.get("a signed one", "/api/visits/signed").await;
    let signed = alice.cookie(SIGNED_COOKIE).expect("a signed cookie");

    let half = genuine.len() / 2;
    let forgeries = [
        "1000".to_owned(),          // a count, in the clear
        "AAAA".to_owned(),          // valid base64, too short to hold anything
        genuine[..half].to_owned(), // cut short
        format!("{genuine}AAAA"),   // lengthened
        signed,                     // a genuine signed cookie, in the wrong place
    ];
    for forgery in &forgeries {
        assert_eq!(
            visit_with(&mut alice, path, PRIVATE_COOKIE, forgery).await,
            1,
            "{forgery}"
        );
    }
    assert_eq!(
        visit_with(&mut alice, path, PRIVATE_COOKIE, &genuine).await,
        3
    );
}

#[tokio::test]
async fn the_same_private_count_never_looks_the_same_twice() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let mut bob = story.client("Bob");
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
    let other = Story::recording();
    let other_secret = "z".repeat(64);
    assert_ne!(other_secret, STORY_SECRET);
    let other_config = Config::for_tests(other.database_url("other"), &other_secret);
    let other = server_with(other, &other_config).await;
    let mut elsewhere = other.client("Alice elsewhere");
    elsewhere.get("signed", "/api/visits/signed").await;
    elsewhere.get("private", "/api/visits/private").await;

    let story = server().await;
    let mut alice = story.client("Alice");
    alice.restore_cookies(&elsewhere.cookies());
    assert_eq!(visits(&alice.get("signed", "/api/visits/signed").await), 1);
    assert_eq!(
        visits(&alice.get("private", "/api/visits/private").await),
        1
    );
}

#[tokio::test]
async fn a_copied_cookie_is_accepted_signed_or_private() {
    // Neither signing nor encryption can tell who sends a cookie back: a saved copy, or
    // a stolen one, works for anyone, as many times as they like, until it expires.
    let story = server().await;
    let mut alice = story.client("Alice");
    let mut thief = story.client("Thief");
    for path in ["/api/visits/signed", "/api/visits/private"] {
        alice.get("1", path).await;
        alice.get("2", path).await;
    }
    let copy = alice.cookies();
    for _ in 0..3 {
        thief.restore_cookies(&copy);
        assert_eq!(visits(&thief.get("replay", "/api/visits/signed").await), 3);
        assert_eq!(visits(&thief.get("replay", "/api/visits/private").await), 3);
    }
}

#[tokio::test]
async fn other_methods_and_paths_get_a_json_error() {
    let story = server().await;
    let mut client = story.client("client");
    let post = client
        .post("POST a counter", "/api/visits", json!({ "visits": 1000 }))
        .await;
    assert_eq!(post.status, 405);
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert!(post.json()["error"].is_string(), "{}", post.body);

    let missing = client.get("no such counter", "/api/visits/secret").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), json!({ "error": "No such endpoint" }));
}
