//! The `Session` extractor, seen through `GET /api/session`: what the server reads in
//! each kind of cookie. The last test logs in too, so it also checks warm-up 03-1
//! (exercises/1_login.rs).

use std::time::Duration;

use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, Key, PrivateCookieJar};
use common::Config;
use lesson_03_login::app;
use lesson_03_login::session::COOKIE_NAME;
use serde_json::{Value, json};
use story::hint_assert;
use story::{Client, PASSWORD, Story, spawn_app};

/// The lesson's server, with the story's config changed by `adjust`.
async fn server_with(adjust: impl FnOnce(Config) -> Config + Send + 'static) -> Story {
    spawn_app(|config, clock| async move { app(&adjust(config), clock).await }).await
}

async fn server() -> Story {
    server_with(|config| config).await
}

/// The user id the server finds in `client`'s cookie (`null` for nobody).
async fn session_user_id(client: &mut Client) -> Value {
    let reply = client.get("whose session?", "/api/session").await;
    assert_eq!(reply.status, 200, "never a 500: {}", reply.body);
    reply.json()["user_id"].clone()
}

/// The encoded value a server with `key` would send for `payload`.
fn seal_with(key: Key, payload: &str) -> String {
    let response = PrivateCookieJar::new(key)
        .add(Cookie::new(COOKIE_NAME, payload.to_owned()))
        .into_response();
    let header = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let cookie = Cookie::parse(header).unwrap();
    cookie.value().to_owned()
}

#[tokio::test]
async fn the_cookie_from_register_names_the_new_user() {
    let story = server().await;
    let mut alice = story.client("Alice");
    assert_eq!(
        session_user_id(&mut alice).await,
        Value::Null,
        "no cookie yet"
    );
    let user = alice.register_ok("alice").await;
    assert_eq!(session_user_id(&mut alice).await, user["id"]);
}

#[tokio::test]
async fn a_changed_cut_or_forged_cookie_means_nobody_is_logged_in() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    let sealed = alice.cookie(COOKIE_NAME).unwrap();

    // One character changed in the middle of the ciphertext.
    let middle = sealed.len() / 2;
    let flipped = if sealed.as_bytes()[middle] == b'A' {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &sealed[..middle], &sealed[middle + 1..]);
    // Sealed properly, but with a key that is not the server's.
    let other_key = Key::from(&[7u8; 64]);
    let foreign = seal_with(other_key, r#"{"user_id":1,"expires_at":99999999999}"#);
    let bad_values = [
        ("tampered", tampered),
        ("truncated", sealed[..sealed.len() / 2].to_owned()),
        ("cut by one", sealed[..sealed.len() - 1].to_owned()),
        ("sealed with another key", foreign),
        (
            "plain JSON",
            r#"{"user_id":1,"expires_at":99999999999}"#.to_owned(),
        ),
        ("empty", String::new()),
        ("not base64", "%%%not-base64!!".to_owned()),
        ("huge", "A".repeat(3000)),
    ];
    let mut mallory = story.client("Mallory");
    for (what, value) in bad_values {
        mallory.set_cookie(COOKIE_NAME, &value);
        assert_eq!(session_user_id(&mut mallory).await, Value::Null, "{what}");
    }
}

#[tokio::test]
async fn a_cookie_of_the_right_key_but_garbage_inside_is_refused_too() {
    let story = server().await;
    let key = story_key();
    let mut mallory = story.client("Mallory");
    for payload in ["not json", r#"{"user_id":"1"}"#, r#"{"user_id":1}"#, "null"] {
        mallory.set_cookie(COOKIE_NAME, &seal_with(key.clone(), payload));
        assert_eq!(
            session_user_id(&mut mallory).await,
            Value::Null,
            "{payload}"
        );
    }
    // The same key and a well-formed payload do work: the refusals above are about
    // the contents, not the sealing.
    mallory.set_cookie(
        COOKIE_NAME,
        &seal_with(key, r#"{"user_id":1,"expires_at":99999999999}"#),
    );
    assert_eq!(session_user_id(&mut mallory).await, json!(1));
}

fn story_key() -> Key {
    common::config::key_from_secret(story::STORY_SECRET).unwrap()
}

#[tokio::test]
async fn a_session_ends_at_its_sealed_expiry_even_if_the_cookie_is_kept() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let week = Duration::from_secs(7 * 24 * 60 * 60);

    story.clock().advance(week - Duration::from_secs(1));
    assert_eq!(
        session_user_id(&mut alice).await,
        user["id"],
        "one second left"
    );
    // The harness's jar keeps cookies past Max-Age, like a client that ignores it.
    story.clock().advance(Duration::from_secs(1));
    assert_eq!(session_user_id(&mut alice).await, Value::Null, "expired");
}

#[tokio::test]
async fn the_cookie_is_http_only_lax_site_wide_and_lives_session_max_age() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let reply = alice.register("alice").await;
    let set_cookie = reply.header("set-cookie").unwrap();
    let attributes = set_cookie.split_once(';').unwrap().1;
    assert_eq!(
        attributes,
        " HttpOnly; SameSite=Lax; Path=/; Max-Age=604800"
    );
    // Sealed: the browser cannot read what is inside.
    assert!(!set_cookie.contains("user_id") && !set_cookie.contains("expires_at"));
}

#[tokio::test]
async fn production_settings_add_secure_and_a_shorter_max_age() {
    let story = server_with(|config| Config {
        cookie_secure: true,
        session_max_age: Duration::from_secs(900),
        ..config
    })
    .await;
    let mut alice = story.client("Alice");
    let reply = alice.register("alice").await;
    let attributes = reply
        .header("set-cookie")
        .unwrap()
        .split_once(';')
        .unwrap()
        .1;
    assert_eq!(
        attributes,
        " HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age=900"
    );
}

#[tokio::test]
async fn many_users_logging_in_at_once_each_get_their_own_session() {
    let story = server().await;
    let mut tasks = Vec::new();
    for n in 0..12 {
        let mut client = story.client(&format!("user{n}"));
        tasks.push(tokio::spawn(async move {
            let user = client.register_ok(&format!("user{n}")).await;
            for _ in 0..3 {
                let reply = client.login(&format!("user{n}"), PASSWORD).await;
                hint_assert!(
                    reply.json()["id"] == user["id"],
                    "user{n} logging in must get user{n} back, got {} {}",
                    reply.status,
                    reply.body
                );
                for _ in 0..5 {
                    let session = session_user_id(&mut client).await;
                    hint_assert!(
                        session == user["id"],
                        "user{n} (id {}) logged in, and the session cookie names user {session}: \
                         start the session for the user who logged in",
                        user["id"]
                    );
                }
            }
            user["id"].clone()
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids.sort_by_key(|id| id.as_i64());
    ids.dedup();
    assert_eq!(ids.len(), 12, "twelve different users");
}
