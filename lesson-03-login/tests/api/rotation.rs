//! Rotating `SESSION_SECRET` without logging everyone out (src/session.rs, the last part):
//! a cookie sealed with a retired secret (`SESSION_PREVIOUS_SECRETS`) still opens, and
//! the response seals it again with the current secret. Lesson 07 tells the story.

use std::time::Duration;

use common::Config;
use common::config::key_from_secret;
use lesson_03_login::app;
use lesson_03_login::session::COOKIE_NAME;
use serde_json::Value;
use story::{Client, PASSWORD, Reply, Story, spawn_app};

const NEW_SECRET: &str = "the-secret-after-the-rotation-in-lesson-03-tests-sixty-four-bytes!!";

/// The story's config after a rotation: the new secret, and the story's old one retired.
fn rotated(story: &Story) -> Config {
    let old = story.config();
    Config {
        cookie_key: key_from_secret(NEW_SECRET).unwrap(),
        previous_cookie_keys: vec![old.cookie_key.clone()],
        ..old
    }
}

/// Restarts the story's server with `config`, on the same database.
async fn restart(story: &mut Story, config: &Config) {
    let routes = app(config, story.clock()).await.unwrap();
    story.start_server(routes).await;
}

/// Restarts the story's server after a rotation (see [`rotated`]).
async fn rotate(story: &mut Story) {
    let config = rotated(story);
    restart(story, &config).await;
}

async fn user_id(client: &mut Client) -> Value {
    let reply = client.get("whose session?", "/api/session").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["user_id"].clone()
}

/// The `session` cookies a reply sets (a new one or a removal).
fn session_cookies(reply: &Reply) -> Vec<&str> {
    reply
        .set_cookies()
        .into_iter()
        .filter(|cookie| cookie.starts_with(&format!("{COOKIE_NAME}=")))
        .collect()
}

#[tokio::test]
async fn a_cookie_of_a_retired_secret_still_works_and_comes_back_sealed_with_the_new_one() {
    let mut story = spawn_app(|config, clock| async move { app(&config, clock).await }).await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let old_cookie = alice.cookie(COOKIE_NAME).unwrap();
    story.clock().advance(Duration::from_secs(60 * 60));

    rotate(&mut story).await;
    let reply = alice.get("whose session?", "/api/session").await;
    assert_eq!(
        reply.json()["user_id"],
        user["id"],
        "the old cookie still opens"
    );
    let set = session_cookies(&reply);
    assert_eq!(set.len(), 1, "sealed again, once: {:?}", reply.headers);
    // The same session, the same end: the hour that passed is gone from Max-Age.
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=601200"] {
        assert!(set[0].contains(attribute), "{attribute} in {}", set[0]);
    }
    let new_cookie = alice.cookie(COOKIE_NAME).unwrap();
    assert_ne!(new_cookie, old_cookie);

    // Sealed with the new secret: a server that knows only the new one opens it.
    let only_new = Config {
        previous_cookie_keys: Vec::new(),
        ..rotated(&story)
    };
    restart(&mut story, &only_new).await;
    assert_eq!(user_id(&mut alice).await, user["id"]);
    let mut stale = story.client("Stale copy");
    stale.set_cookie(COOKIE_NAME, &old_cookie);
    assert_eq!(
        user_id(&mut stale).await,
        Value::Null,
        "once the old secret is removed, a cookie never sealed again ends"
    );
}

#[tokio::test]
async fn a_current_cookie_or_a_foreign_one_is_not_sealed_again() {
    let mut story = spawn_app(|config, clock| async move { app(&config, clock).await }).await;
    rotate(&mut story).await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let reply = alice.get("whose session?", "/api/session").await;
    assert_eq!(reply.json()["user_id"], user["id"]);
    assert!(session_cookies(&reply).is_empty(), "{:?}", reply.headers);

    let foreign = Config {
        cookie_key: key_from_secret(&"f".repeat(64)).unwrap(),
        previous_cookie_keys: Vec::new(),
        ..story.config()
    };
    let mut mallory = story.client("Mallory");
    restart(&mut story, &foreign).await;
    mallory.register_ok("mallory").await;
    rotate(&mut story).await;
    let reply = mallory.get("whose session?", "/api/session").await;
    assert_eq!(
        reply.json()["user_id"],
        Value::Null,
        "no key of ours opens it"
    );
    assert!(session_cookies(&reply).is_empty(), "{:?}", reply.headers);
}

#[tokio::test]
async fn an_expired_cookie_of_a_retired_secret_stays_expired() {
    let mut story = spawn_app(|config, clock| async move { app(&config, clock).await }).await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    story.clock().advance(Duration::from_secs(8 * 24 * 60 * 60));
    rotate(&mut story).await;
    let reply = alice.get("whose session?", "/api/session").await;
    assert_eq!(reply.json()["user_id"], Value::Null);
    assert!(session_cookies(&reply).is_empty(), "{:?}", reply.headers);
}

#[tokio::test]
async fn a_login_with_a_retired_cookie_sets_only_its_own_new_cookie() {
    let mut story = spawn_app(|config, clock| async move { app(&config, clock).await }).await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    story.client("Bob").register_ok("bob").await;
    rotate(&mut story).await;
    let reply = alice.login("bob", PASSWORD).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(session_cookies(&reply).len(), 1, "{:?}", reply.headers);
    assert_eq!(
        user_id(&mut alice).await,
        reply.json()["id"],
        "Bob's, not Alice's"
    );
}

#[tokio::test]
async fn a_bad_previous_secret_stops_the_start_with_one_line() {
    let error = Config::from_lookup("lesson-03-login", |name| match name {
        "SESSION_PREVIOUS_SECRETS" => Some("too-short".to_owned()),
        _ => None,
    })
    .unwrap_err()
    .to_string();
    assert!(
        !error.contains('\n') && !error.contains("too-short"),
        "{error}"
    );
    assert!(error.starts_with("SESSION_PREVIOUS_SECRETS="), "{error}");
}
