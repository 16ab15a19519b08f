//! Bad requests get the one JSON error shape, never axum's plain-text rejections.

use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use story::{Method, Payload, Story, spawn_app};

#[derive(Deserialize)]
struct Greeting {
    name: String,
}

async fn greet(common::Json(greeting): common::Json<Greeting>) -> common::Json<Value> {
    common::Json(json!({ "hello": greeting.name }))
}

async fn broken() -> &'static str {
    panic!("a bug in a handler")
}

async fn unfinished() -> &'static str {
    todo!("step 2 of the exercise")
}

async fn server() -> Story {
    spawn_app(|_, _| async {
        let routes = Router::new()
            .route("/greet", post(greet))
            .route("/broken", get(broken))
            .route("/unfinished", get(unfinished));
        Ok::<_, ()>(routes)
    })
    .await
}

#[tokio::test]
async fn good_json_is_answered() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = client
        .post("greet", "/greet", json!({ "name": "Ada" }))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({ "hello": "Ada" }));
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = client
        .send(
            "broken",
            Method::POST,
            "/greet",
            Payload::raw(Some("application/json"), "{\"name\": "),
        )
        .await;
    reply.assert_error(400, "The body is not valid JSON");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let story = server().await;
    let mut client = story.client("client");
    for content_type in [Some("text/plain"), None] {
        let reply = client
            .send(
                "form",
                Method::POST,
                "/greet",
                Payload::raw(content_type, r#"{"name":"Ada"}"#),
            )
            .await;
        reply.assert_error(
            415,
            "Expected a JSON body with the header Content-Type: application/json",
        );
    }
}

#[tokio::test]
async fn a_missing_field_is_a_422_that_names_it() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = client
        .post("missing", "/greet", json!({ "nom": "Ada" }))
        .await;
    assert_eq!(reply.status, 422);
    let message = reply.json()["error"].as_str().unwrap().to_owned();
    assert!(message.contains("missing field `name`"), "{message}");
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let story = server().await;
    let mut client = story.client("client");
    let huge = format!(
        r#"{{"name": "{}"}}"#,
        "a".repeat(common::error::BODY_LIMIT_BYTES)
    );
    let reply = client
        .send(
            "huge",
            Method::POST,
            "/greet",
            Payload::raw(Some("application/json"), huge),
        )
        .await;
    reply.assert_error(413, "The body is larger than the limit of 16384 bytes");
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_too() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = client.get("nowhere", "/nowhere").await;
    reply.assert_error(404, "No such endpoint");
    let reply = client.get("wrong method", "/greet").await;
    reply.assert_error(405, "This endpoint does not accept that method");
}

#[tokio::test]
async fn a_panicking_handler_is_a_json_500_and_the_connection_goes_on() {
    let story = server().await;
    let mut client = story.client("client");
    let reply = client.get("bug", "/broken").await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json(), json!({ "error": "Internal server error" }));
    // In an exercise, a `todo!()` says which step is next instead.
    let reply = client.get("todo", "/unfinished").await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json(),
        json!({ "error": "Exercise not finished: not yet implemented: step 2 of the exercise" })
    );
    let reply = client
        .post("after", "/greet", json!({ "name": "Ada" }))
        .await;
    assert_eq!(reply.status, 200);
}
