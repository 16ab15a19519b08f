//! `/api/me` at its edges: every way a session can fail is a 401 with `null`, never a
//! 500; four users asking at once never see each other; the page is served as HTML.

use std::time::Duration;

use common::story::{Client, Reply, Story};
use common::{Config, UserStore};
use lesson_03_login::session::COOKIE_NAME;
use lesson_04_me::{AppState, app, routes};
use serde_json::json;

/// A story with lesson 04's server; also returns the server's user store, so a test can
/// delete a user behind the server's back.
async fn server() -> (Story, UserStore) {
    let mut story = Story::recording();
    let state = AppState::connect(&story.config(), story.clock())
        .await
        .unwrap();
    let users = state.accounts.users.clone();
    story.start_server(routes().with_state(state)).await;
    (story, users)
}

async fn me(client: &mut Client) -> Reply {
    client.get("who am I?", "/api/me").await
}

/// The one answer for "nobody": 401, JSON, and a body of exactly `null`.
fn assert_nobody(reply: &Reply, case: &str) {
    assert_eq!(reply.status, 401, "{case}: {}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{case}"
    );
    assert_eq!(reply.body, "null", "{case}");
}

#[tokio::test]
async fn no_cookie_is_nobody() {
    let (story, _) = server().await;
    assert_nobody(&me(&mut story.client("Alice")).await, "no cookie");
}

#[tokio::test]
async fn the_logged_in_user_is_answered_without_the_hash() {
    let (story, _) = server().await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let reply = me(&mut alice).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), user);
    assert_eq!(
        reply.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["created_at", "id", "username"]
    );
}

#[tokio::test]
async fn changed_cut_or_foreign_cookies_are_nobody_never_a_500() {
    let (story, _) = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    let sealed = alice.cookie(COOKIE_NAME).unwrap();

    // A cookie sealed by another server: same user id, same lesson, different secret.
    let mut elsewhere = Story::recording();
    let other_secret = Config {
        cookie_key: common::config::key_from_secret(&"z".repeat(64)).unwrap(),
        ..elsewhere.config()
    };
    let other_app = app(&other_secret, elsewhere.clock()).await.unwrap();
    elsewhere.start_server(other_app).await;
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
        assert_nobody(&me(&mut mallory).await, case);
    }
    // The real cookie still works: the refusals were about the changes.
    assert_eq!(me(&mut alice).await.status, 200);
}

#[tokio::test]
async fn an_expired_session_is_nobody() {
    let (story, _) = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    story.clock().advance(Duration::from_secs(7 * 24 * 60 * 60));
    assert_nobody(&me(&mut alice).await, "7 days later");
}

#[tokio::test]
async fn a_deleted_user_is_nobody() {
    let (story, users) = server().await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    assert!(users.delete(user["id"].as_i64().unwrap()).await.unwrap());
    assert_nobody(&me(&mut alice).await, "deleted user");
}

#[tokio::test]
async fn two_users_asking_at_the_same_time_never_see_each_other() {
    let (story, _) = server().await;
    let mut tasks = Vec::new();
    for name in ["alice", "bob", "carol", "dave"] {
        let mut client = story.client(name);
        client.register_ok(name).await;
        tasks.push(tokio::spawn(async move {
            for _ in 0..50 {
                let reply = me(&mut client).await;
                assert_eq!(reply.json()["username"], name, "{name} saw {}", reply.body);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn the_page_is_html_that_asks_api_me_and_has_no_logout_yet() {
    let mut story = Story::recording();
    let routes = app(&story.config(), story.clock()).await.unwrap();
    story.start_server(routes).await;
    let reply = story.client("browser").get("page", "/").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.body.contains(r#"call("GET", "/api/me")"#));
    assert!(reply.body.contains(r#"<body data-logout="off">"#));
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_in_json() {
    let (story, _) = server().await;
    let reply = story
        .client("client")
        .post(
            "huge",
            "/api/register",
            json!({ "username": "alice", "password": "x".repeat(20_000) }),
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("larger than the limit")
    );
}
