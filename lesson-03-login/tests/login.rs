//! Register and login, at their edges: what a wrong guess, bad input or a huge body get.

use common::story::{Client, Method, Payload, Reply, Story};
use lesson_03_login::app;
use serde_json::{Value, json};

async fn server() -> Story {
    let mut story = Story::recording();
    let routes = app(&story.config(), story.clock()).await.unwrap();
    story.start_server(routes).await;
    story
}

async fn register(client: &mut Client, username: &str, password: &str) -> Reply {
    client
        .post(
            "register",
            "/api/register",
            json!({ "username": username, "password": password }),
        )
        .await
}

async fn login(client: &mut Client, username: &str, password: &str) -> Reply {
    client
        .post(
            "login",
            "/api/login",
            json!({ "username": username, "password": password }),
        )
        .await
}

/// Everything a client receives, but the `date` header (which is the time of day).
fn as_seen_by_client(reply: &Reply) -> (u16, Vec<(String, String)>, String) {
    let headers = reply
        .headers
        .iter()
        .filter(|(name, _)| name != "date")
        .cloned()
        .collect();
    (reply.status, headers, reply.body.clone())
}

fn assert_error(reply: &Reply, status: u16, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), json!({ "error": message }));
    assert!(reply.set_cookies().is_empty(), "no session for a failure");
}

#[tokio::test]
async fn the_right_password_logs_in_and_sets_the_session() {
    let story = server().await;
    let mut alice = story.client("Alice");
    register(&mut alice, "alice", "correct horse").await;
    let mut laptop = story.client("Alice's laptop");
    let reply = login(&mut laptop, "alice", "correct horse").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["username"], "alice");
    assert!(reply.json().get("password_hash").is_none());
    assert!(laptop.cookie("session").is_some());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_byte_identical_answers() {
    let story = server().await;
    register(&mut story.client("Alice"), "alice", "correct horse").await;
    let mut mallory = story.client("Mallory");
    let wrong_password = login(&mut mallory, "alice", "wrong horse").await;
    let unknown_user = login(&mut mallory, "nobody", "wrong horse").await;
    assert_error(&wrong_password, 401, "Invalid credentials");
    assert_eq!(
        as_seen_by_client(&wrong_password),
        as_seen_by_client(&unknown_user)
    );
    assert_eq!(mallory.cookie("session"), None);
}

#[tokio::test]
async fn a_taken_name_is_a_409_and_does_not_log_anyone_in() {
    let story = server().await;
    register(&mut story.client("Alice"), "alice", "correct horse").await;
    let mut bob = story.client("Bob");
    let reply = register(&mut bob, "alice", "another horse").await;
    assert_error(&reply, 409, "Username already taken");
    assert_eq!(bob.cookie("session"), None);
}

#[tokio::test]
async fn bad_input_at_register_is_a_400_with_the_reason() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = register(&mut client, "al", "correct horse").await;
    assert_error(&reply, 400, "Username must be 3 to 32 characters long");
    let reply = register(&mut client, "alice", "short").await;
    assert_error(&reply, 400, "Password must be at least 8 characters long");
    let reply = register(&mut client, "alice smith", "correct horse").await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn a_73_byte_password_is_refused_at_register_and_72_is_fine() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = register(&mut client, "alice", &"a".repeat(73)).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("at most 72 bytes")
    );
    assert!(reply.set_cookies().is_empty());
    // 36 two-byte letters: 36 characters, 72 bytes.
    let reply = register(&mut client, "alice", &"é".repeat(36)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    // 37 of them are 74 bytes: counted in bytes, not characters.
    let reply = register(&mut client, "bob", &"é".repeat(37)).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_in_json() {
    let story = server().await;
    let mut client = story.client("client");
    let huge = "x".repeat(common::error::BODY_LIMIT_BYTES + 1);
    for path in ["/api/login", "/api/register"] {
        let reply = client
            .post(
                "huge",
                path,
                json!({ "username": "alice", "password": huge }),
            )
            .await;
        assert_error(
            &reply,
            413,
            "The body is larger than the limit of 16384 bytes",
        );
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
    assert_error(&reply, 400, "The body is not valid JSON");
    let reply = client
        .post("missing", "/api/login", json!({ "username": "alice" }))
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.json()["error"].as_str().unwrap().contains("password"));
    let reply = client.get("wrong method", "/api/login").await;
    assert_eq!(reply.status, 405);
    assert!(matches!(reply.json(), Value::Object(_)));
}
