//! `/api/me` at its edges: every way a session can fail is a 401 with `null`, never a
//! 500; four users asking at once never see each other; the page is served as HTML.
//! The `/api/me` tests also check warm-up 04-1 (exercises/1_me.rs).

use std::time::Duration;

use common::{Config, UserStore};
use lesson_03_login::session::COOKIE_NAME;
use lesson_04_me::app;
use serde_json::json;
use story::hint_assert;
use story::{Reply, Story, spawn_app};

async fn server() -> Story {
    spawn_app(|config, clock| async move { app(&config, clock).await }).await
}

/// The story's database, opened beside the server's own connections: an administrator's
/// tool, to delete a user behind the server's back.
async fn users_of(story: &Story) -> UserStore {
    let pool = common::db::connect(&story.config().database_url)
        .await
        .expect("the story's database opens");
    UserStore::new(pool)
}

/// The one answer for "nobody": 401, JSON, and a body of exactly `null`.
fn assert_nobody(reply: &Reply, case: &str) {
    hint_assert!(
        reply.status == 401
            && reply.header("content-type") == Some("application/json")
            && reply.body == "null",
        "{case}: /api/me must answer 401 with the JSON body `null`, got {} {} ({})",
        reply.status,
        reply.body,
        reply
            .header("content-type")
            .map_or("no content-type".to_owned(), |kind| format!(
                "content-type {kind}"
            ))
    );
}

#[tokio::test]
async fn no_cookie_is_nobody() {
    let story = server().await;
    assert_nobody(&story.client("Alice").me().await, "no cookie");
}

#[tokio::test]
async fn the_logged_in_user_is_answered_without_the_hash() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let reply = alice.me().await;
    hint_assert!(
        reply.status == 200 && reply.json() == user,
        "alice is logged in: /api/me must answer 200 with her user {user}, got {} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["created_at", "id", "username"]
    );
    let mut bob = story.client("Bob");
    let user = bob.register_ok("bob").await;
    let reply = bob.me().await;
    hint_assert!(
        reply.status == 200 && reply.json() == user,
        "bob is logged in: /api/me must answer 200 with his user {user}, got {} {}: answer \
         the user whose id the session holds",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn changed_cut_or_foreign_cookies_are_nobody_never_a_500() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    let sealed = alice.cookie(COOKIE_NAME).unwrap();

    // A cookie sealed by another server: same user id, same lesson, different secret.
    let elsewhere = spawn_app(|config, clock| async move {
        let other_secret = Config {
            cookie_key: common::config::key_from_secret(&"z".repeat(64)).unwrap(),
            ..config
        };
        app(&other_secret, clock).await
    })
    .await;
    let mut there = elsewhere.client("Alice elsewhere");
    there.register_ok("alice").await;
    let foreign = there.cookie(COOKIE_NAME).unwrap();

    let middle = sealed.len() / 2;
    let flipped = if sealed.as_bytes()[middle] == b'x' {
        "y"
    } else {
        "x"
    };
    let cases = [
        (
            "tampered",
            format!("{}{flipped}{}", &sealed[..middle], &sealed[middle + 1..]),
        ),
        ("truncated", sealed[..middle].to_owned()),
        ("sealed under another key", foreign),
        (
            "plain JSON",
            r#"{"user_id":1,"expires_at":99999999999}"#.to_owned(),
        ),
        ("empty", String::new()),
        ("junk", "%zz;;==".to_owned()),
    ];
    let mut mallory = story.client("Mallory");
    for (case, value) in cases {
        mallory.set_cookie(COOKIE_NAME, &value);
        assert_nobody(&mallory.me().await, &format!("a {case} cookie"));
    }
    // The real cookie still works: the refusals were about the changes.
    let reply = alice.me().await;
    hint_assert!(
        reply.status == 200,
        "alice's own, unchanged cookie must still get a 200, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn an_expired_session_is_nobody() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    story.clock().advance(Duration::from_secs(7 * 24 * 60 * 60));
    assert_nobody(&alice.me().await, "7 days later, the session expired");
}

#[tokio::test]
async fn a_deleted_user_is_nobody() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let users = users_of(&story).await;
    assert!(users.delete(user["id"].as_i64().unwrap()).await.unwrap());
    assert_nobody(
        &alice.me().await,
        "alice's account was deleted, her cookie kept",
    );
}

#[tokio::test]
async fn two_users_asking_at_the_same_time_never_see_each_other() {
    let story = server().await;
    let mut tasks = Vec::new();
    for name in ["alice", "bob", "carol", "dave"] {
        let mut client = story.client(name);
        client.register_ok(name).await;
        tasks.push(tokio::spawn(async move {
            for _ in 0..50 {
                let reply = client.me().await;
                hint_assert!(
                    reply.json()["username"] == name,
                    "{name} asked /api/me and got {} {}",
                    reply.status,
                    reply.body
                );
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn the_page_is_html_that_asks_api_me_and_has_no_logout_yet() {
    let story = server().await;
    let mut browser = story.client("browser");
    // The first page, and the welcome page a login leads to: the same file, each asking
    // `/api/me` when it loads.
    for path in ["/", "/welcome"] {
        let reply = browser.get("page", path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(reply.body.contains(r#"call("GET", "/api/me")"#));
        assert!(reply.body.contains(r#"location.assign("/welcome")"#));
        assert!(reply.body.contains("<h2>What the page asked</h2>"));
        assert!(reply.body.contains(r#"<body data-logout="off">"#));
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_in_json() {
    let story = server().await;
    let reply = story
        .client("client")
        .post(
            "huge",
            "/api/register",
            json!({ "username": "alice", "password": "x".repeat(20_000) }),
        )
        .await;
    assert!(reply.error_message(413).contains("larger than the limit"));
}
