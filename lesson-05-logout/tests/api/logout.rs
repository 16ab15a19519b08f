//! `DELETE /api/logout` at its edges: the removal cookie, logging out twice or with a bad
//! cookie (never a 500), one user's logout leaving the others logged in, and the page.
//! With `--features 05-1-logout` they check the warm-up, `exercises/1_logout.rs`.

use lesson_03_login::session::COOKIE_NAME;
use lesson_05_logout::app;
use story::hint_assert;
use story::{Client, PASSWORD, Reply, Story, spawn_app};

use crate::removal;

async fn server() -> Story {
    spawn_app(|config, clock| async move { app(&config, clock).await }).await
}

/// Logging out is a 204 with no body, whatever the client sent: `when` says what it sent.
fn expect_204(reply: &Reply, when: &str) {
    let got = match reply.body.as_str() {
        "" => reply.status.to_string(),
        body => format!("{} {body}", reply.status),
    };
    let why = if reply.status == 401 {
        ": logging out without a session is not an error (the client wants to be logged \
         out, and it is)"
    } else {
        ""
    };
    hint_assert!(
        reply.status == 204 && reply.body.is_empty(),
        "logging out {when} must answer 204 No Content with no body, got {got}{why}"
    );
}

async fn expect_nobody(client: &mut Client, when: &str) {
    let status = client.me().await.status;
    hint_assert!(status == 401, "{when}, /api/me must be a 401, got {status}");
}

#[tokio::test]
async fn logout_is_a_204_with_a_cookie_that_removes_the_session() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let reply = alice.logout().await;
    expect_204(&reply, "after logging in");
    // Exactly one, which a browser takes for the removal of the session cookie: the same
    // name, Path and Domain, empty, and expired.
    let set_cookies = reply.set_cookies();
    let wrong = removal::what_is_wrong(&set_cookies);
    hint_assert!(
        wrong.is_none(),
        "logging out must remove the session cookie, but {}",
        wrong.unwrap_or_default()
    );
    // And exactly the removal lesson 03's session builds: expired twice over.
    hint_assert!(
        set_cookies[0].starts_with("session=; Path=/; Max-Age=0; Expires="),
        "logging out must send the removal that lesson 03's session builds, `session=; \
         Path=/; Max-Age=0; Expires=` and a date in the past (both, for old browsers), got \
         `{}`",
        set_cookies[0]
    );
    hint_assert!(
        alice.cookie(COOKIE_NAME).is_none(),
        "after logging out the client's jar must have dropped the session cookie"
    );
    expect_nobody(&mut alice, "after logging out").await;
}

#[tokio::test]
async fn logging_out_twice_or_without_a_session_is_still_a_204() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    expect_204(&alice.logout().await, "after logging in");
    expect_204(&alice.logout().await, "a second time (no cookie left)");
    let reply = app.client("Nobody").logout().await;
    expect_204(&reply, "without ever logging in");
}

#[tokio::test]
async fn logging_out_with_a_broken_cookie_is_a_204_never_a_500() {
    let app = server().await;
    let mut mallory = app.client("Mallory");
    for value in [
        "",
        "garbage",
        "%%%",
        r#"{"user_id":1,"expires_at":99999999999}"#,
    ] {
        mallory.set_cookie(COOKIE_NAME, value);
        let reply = mallory.logout().await;
        expect_204(&reply, &format!("with the broken cookie `session={value}`"));
    }
}

#[tokio::test]
async fn one_user_logging_out_leaves_the_others_logged_in() {
    let app = server().await;
    let mut bob = app.client("Bob");
    bob.register_ok("bob").await;
    let bob_asks = tokio::spawn(async move {
        for _ in 0..40 {
            let reply = bob.me().await;
            hint_assert!(
                reply.json()["username"] == "bob",
                "Bob must stay logged in while others log out, /api/me said {}",
                reply.body
            );
        }
    });
    let mut tasks = Vec::new();
    for n in 0..4 {
        let mut client = app.client(&format!("user{n}"));
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                register_or_login(&mut client, &format!("user{n}")).await;
                expect_204(&client.logout().await, "after logging in");
                expect_nobody(&mut client, "after logging out").await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    bob_asks.await.unwrap();
}

async fn register_or_login(client: &mut Client, username: &str) {
    let reply = client.register(username).await;
    let (reply, expected) = match reply.status {
        409 => (client.login(username, PASSWORD).await, 200),
        _ => (reply, 201),
    };
    assert_eq!(reply.status, expected, "{}", reply.body);
}

#[tokio::test]
async fn the_page_now_shows_its_logout_button() {
    let app = server().await;
    let reply = app.client("browser").get("page", "/").await;
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
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    assert_eq!(alice.login("alice", PASSWORD).await.status, 200);
    assert_eq!(alice.me().await.json()["username"], "alice");
    let reply = alice.login("alice", &"x".repeat(20_000)).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.header("content-type"), Some("application/json"));
}
