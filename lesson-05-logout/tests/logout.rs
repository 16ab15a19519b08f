//! `DELETE /api/logout` at its edges: the removal cookie, logging out twice or with a bad
//! cookie (never a 500), one user's logout leaving the others logged in, and the page.

use common::story::{Client, Reply, Story};
use lesson_03_login::session::COOKIE_NAME;
use lesson_05_logout::app;
use serde_json::json;

async fn server() -> Story {
    let mut story = Story::recording();
    let routes = app(&story.config(), story.clock()).await.unwrap();
    story.start_server(routes).await;
    story
}

async fn logout(client: &mut Client) -> Reply {
    client.delete("log out", "/api/logout").await
}

async fn me(client: &mut Client) -> Reply {
    client.get("who am I?", "/api/me").await
}

#[tokio::test]
async fn logout_is_a_204_with_a_cookie_that_removes_the_session() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    let reply = logout(&mut alice).await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(reply.body, "");
    let removal = reply.set_cookies();
    assert_eq!(removal.len(), 1, "{removal:?}");
    // Same name and Path as the session cookie, empty, and expired twice over.
    let removal = removal[0];
    assert!(
        removal.starts_with("session=; Path=/; Max-Age=0; Expires="),
        "{removal}"
    );
    assert_eq!(alice.cookie(COOKIE_NAME), None, "the jar dropped it");
    assert_eq!(me(&mut alice).await.status, 401);
}

#[tokio::test]
async fn logging_out_twice_or_without_a_session_is_still_a_204() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    assert_eq!(logout(&mut alice).await.status, 204);
    assert_eq!(logout(&mut alice).await.status, 204);
    assert_eq!(logout(&mut story.client("Nobody")).await.status, 204);
}

#[tokio::test]
async fn logging_out_with_a_broken_cookie_is_a_204_never_a_500() {
    let story = server().await;
    let mut mallory = story.client("Mallory");
    for value in [
        "",
        "garbage",
        "%%%",
        r#"{"user_id":1,"expires_at":99999999999}"#,
    ] {
        mallory.set_cookie(COOKIE_NAME, value);
        let reply = logout(&mut mallory).await;
        assert_eq!(reply.status, 204, "{value}: {}", reply.body);
    }
}

#[tokio::test]
async fn one_user_logging_out_leaves_the_others_logged_in() {
    let story = server().await;
    let mut bob = story.client("Bob");
    bob.register_ok("bob").await;
    let bob_asks = tokio::spawn(async move {
        for _ in 0..40 {
            let reply = me(&mut bob).await;
            assert_eq!(reply.json()["username"], "bob", "{}", reply.body);
        }
    });
    let mut tasks = Vec::new();
    for n in 0..4 {
        let mut client = story.client(&format!("user{n}"));
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                register_or_login(&mut client, &format!("user{n}")).await;
                assert_eq!(logout(&mut client).await.status, 204);
                assert_eq!(me(&mut client).await.status, 401);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    bob_asks.await.unwrap();
}

async fn register_or_login(client: &mut Client, username: &str) {
    let credentials = json!({ "username": username, "password": "correct horse" });
    let reply = client
        .post("register", "/api/register", credentials.clone())
        .await;
    if reply.status == 409 {
        let reply = client.post("login", "/api/login", credentials).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    } else {
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
}

#[tokio::test]
async fn the_page_now_shows_its_logout_button() {
    let story = server().await;
    let reply = story.client("browser").get("page", "/").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.body.contains(r#"<body data-logout="on">"#));
    assert!(reply.body.contains(r#"call("DELETE", "/api/logout")"#));
}

#[tokio::test]
async fn the_other_endpoints_are_lesson_04s() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    let reply = alice
        .post(
            "login",
            "/api/login",
            json!({ "username": "alice", "password": "correct horse" }),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(me(&mut alice).await.json()["username"], "alice");
    let reply = alice
        .post(
            "huge",
            "/api/login",
            json!({ "username": "alice", "password": "x".repeat(20_000) }),
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.header("content-type"), Some("application/json"));
}
