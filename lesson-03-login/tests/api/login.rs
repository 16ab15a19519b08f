//! Register and login, at their edges: what a wrong guess, bad input or a huge body get.
//! The login tests also check warm-up 03-1 (exercises/1_login.rs).

use lesson_03_login::app;
use serde_json::{Value, json};
use story::hint_assert;
use story::{Method, PASSWORD, Payload, Story, credentials, spawn_app};

use crate::work::{bcrypt_checks, checks, server_counting_bcrypt};

async fn server() -> Story {
    spawn_app(|config, clock| async move { app(&config, clock).await }).await
}

#[tokio::test]
async fn the_right_password_logs_in_and_sets_the_session() {
    let story = server().await;
    story.client("Alice").register_ok("alice").await;
    let mut laptop = story.client("Alice's laptop");
    let reply = laptop.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "alice logging in with her password must be a 200, got {} {}",
        reply.status,
        reply.body
    );
    hint_assert!(
        reply.json()["username"] == "alice",
        "the login's body must be the user, got {}",
        reply.body
    );
    assert!(reply.json().get("password_hash").is_none());
    hint_assert!(
        laptop.cookie("session").is_some(),
        "a successful login must set the `session` cookie, with a session started for the \
         user; the response {}",
        match reply.set_cookies().first() {
            None => "set no cookie".to_owned(),
            Some(cookie) => format!("only sent `Set-Cookie: {cookie}`, which keeps no session"),
        }
    );
}

#[tokio::test]
async fn the_session_names_the_user_who_logged_in() {
    let story = server().await;
    story.client("Alice").register_ok("alice").await;
    let bob = story.client("Bob").register_ok("bob").await;
    let mut laptop = story.client("Bob's laptop");
    laptop.login("bob", PASSWORD).await;
    let session = laptop.get("whose session?", "/api/session").await.json()["user_id"].clone();
    hint_assert!(
        session == bob["id"],
        "bob (id {}) logged in, and the session cookie names user {session}: start the session \
         for the user who logged in",
        bob["id"]
    );
}

#[tokio::test]
async fn an_unknown_name_costs_one_bcrypt_check_like_a_wrong_password() {
    let (story, passwords) = server_counting_bcrypt().await;
    story.client("Alice").register_ok("alice").await;
    let mut mallory = story.client("Mallory");
    let (wrong, wrong_reply) =
        bcrypt_checks(&passwords, mallory.login("alice", "wrong horse")).await;
    let (unknown, unknown_reply) =
        bcrypt_checks(&passwords, mallory.login("nobody", "wrong horse")).await;
    hint_assert!(
        wrong_reply.status == 401 && unknown_reply.status == 401,
        "a wrong password and an unknown name must both be refused with a 401, got {} {} and \
         {} {}",
        wrong_reply.status,
        wrong_reply.body,
        unknown_reply.status,
        unknown_reply.body
    );
    hint_assert!(
        (wrong, unknown) == (1, 1),
        "a wrong password cost {} and an unknown name {}: each must cost exactly one. {}",
        checks(wrong),
        checks(unknown),
        if unknown < wrong {
            "The login skips bcrypt when no account is found (and a sleep in its place is no \
             bcrypt check either: its time does not follow the machine, its load or the \
             queue of hashes), so Mallory can time which names exist. `accounts.check_login` \
             checks a dummy hash for an unknown name"
        } else {
            "Let `accounts.check_login` do the finding and the checking, once"
        }
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_byte_identical_answers() {
    let story = server().await;
    story.client("Alice").register_ok("alice").await;
    let mut mallory = story.client("Mallory");
    let wrong_password = mallory.login("alice", "wrong horse").await;
    let unknown_user = mallory.login("nobody", "wrong horse").await;
    hint_assert!(
        wrong_password.status == 401
            && wrong_password.json() == json!({ "error": "Invalid credentials" }),
        "a wrong password must get the one 401 {{\"error\": \"Invalid credentials\"}}, got {} {}",
        wrong_password.status,
        wrong_password.body
    );
    wrong_password.assert_error(401, "Invalid credentials");
    hint_assert!(
        wrong_password.as_seen_by_client() == unknown_user.as_seen_by_client(),
        "a wrong password and an unknown name must get identical answers; got {} {} and {} {}",
        wrong_password.status,
        wrong_password.body,
        unknown_user.status,
        unknown_user.body
    );
    assert_eq!(mallory.cookie("session"), None);
}

#[tokio::test]
async fn a_taken_name_is_a_409_and_does_not_log_anyone_in() {
    let story = server().await;
    story.client("Alice").register_ok("alice").await;
    let mut bob = story.client("Bob");
    let reply = bob
        .post(
            "register",
            "/api/register",
            credentials("alice", "another horse"),
        )
        .await;
    reply.assert_error(409, "Username already taken");
    assert_eq!(bob.cookie("session"), None);
}

#[tokio::test]
async fn bad_input_at_register_is_a_400_with_the_reason() {
    let story = server().await;
    let mut client = story.client("client");
    client
        .register("al")
        .await
        .assert_error(400, "Username must be 3 to 32 characters long");
    let reply = client
        .post("register", "/api/register", credentials("alice", "short"))
        .await;
    reply.assert_error(400, "Password must be at least 8 characters long");
    assert_eq!(client.register("alice smith").await.status, 400);
}

#[tokio::test]
async fn a_73_byte_password_is_refused_at_register_and_72_is_fine() {
    let story = server().await;
    let mut client = story.client("client");
    let mut register = async |username: &str, password: String| {
        client
            .post(
                "register",
                "/api/register",
                credentials(username, &password),
            )
            .await
    };
    let reply = register("alice", "a".repeat(73)).await;
    assert!(reply.error_message(400).contains("at most 72 bytes"));
    assert!(reply.set_cookies().is_empty());
    // 36 two-byte letters: 36 characters, 72 bytes.
    let reply = register("alice", "é".repeat(36)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    // 37 of them are 74 bytes: counted in bytes, not characters.
    let reply = register("bob", "é".repeat(37)).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_in_json() {
    let story = server().await;
    let mut client = story.client("client");
    let huge = "x".repeat(common::error::BODY_LIMIT_BYTES + 1);
    for path in ["/api/login", "/api/register"] {
        let reply = client.post("huge", path, credentials("alice", &huge)).await;
        reply.assert_error(413, "The body is larger than the limit of 16384 bytes");
    }
}

#[tokio::test]
async fn broken_json_is_a_json_4xx() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = client
        .send(
            "broken",
            Method::POST,
            "/api/login",
            Payload::raw(Some("application/json"), r#"{"username": "alice""#),
        )
        .await;
    reply.assert_error(400, "The body is not valid JSON");
    let reply = client
        .post("missing", "/api/login", json!({ "username": "alice" }))
        .await;
    assert!(reply.error_message(422).contains("password"));
    let reply = client.get("wrong method", "/api/login").await;
    assert_eq!(reply.status, 405);
    assert!(matches!(reply.json(), Value::Object(_)));
}
