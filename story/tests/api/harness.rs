//! The harness itself, proven on a small story against a real server on loopback.
//!
//! The tiny app hands out a random `token` cookie and a fresh one on `/rotate`, like a
//! session that is renewed; `/whoami` reads it back. The transcript must hide the
//! random values but still show that the token changed.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use serde_json::json;
use story::{Method, Story, first_difference};

fn random_token() -> String {
    common::config::new_secret()
}

async fn rotate(jar: CookieJar) -> impl IntoResponse {
    let cookie = Cookie::build(("token", random_token()))
        .http_only(true)
        .path("/")
        .max_age(time::Duration::hours(1));
    (jar.add(cookie), common::Json(json!({ "rotated": true })))
}

async fn whoami(jar: CookieJar) -> impl IntoResponse {
    let token = jar.get("token").map(|c| c.value().to_owned());
    common::Json(
        json!({ "you_sent": token, "theme": jar.get("theme").map(|c| c.value().to_owned()) }),
    )
}

async fn forget(jar: CookieJar) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        jar.remove(Cookie::build("token").path("/")),
    )
}

async fn tiny_story(mut story: Story) -> String {
    story.redact_cookie("token", "token");
    story
        .start_server(
            Router::new()
                .route("/rotate", post(rotate))
                .route("/whoami", get(whoami))
                .route("/forget", post(forget)),
        )
        .await;

    let mut ada = story.client("Ada");
    ada.get("Ada has no cookie yet", "/whoami").await;
    ada.post("Ada is given a token", "/rotate", json!({})).await;
    let first = ada.cookie("token").expect("the jar keeps the cookie");
    let reply = ada.get("Ada's browser sends it back", "/whoami").await;
    assert_eq!(
        reply.json()["you_sent"],
        first.as_str(),
        "the raw value reached the server"
    );

    ada.post("The token is renewed", "/rotate", json!({})).await;
    assert_ne!(ada.cookie("token").unwrap(), first);
    ada.get("Ada now sends the new one", "/whoami").await;

    story.say("Ada keeps a copy of her cookies, then edits one by hand.");
    let saved = ada.cookies();
    ada.set_cookie("theme", "dark");
    ada.get("The server sees both", "/whoami").await;

    ada.post("The server deletes the token", "/forget", json!({}))
        .await;
    assert_eq!(
        ada.cookie("token"),
        None,
        "a removal cookie empties the jar"
    );
    ada.restore_cookies(&saved);
    ada.get("Ada replays her saved copy", "/whoami").await;

    story.finish().await
}

#[tokio::test]
async fn the_harness_records_a_stable_redacted_transcript() {
    let transcript = tiny_story(Story::recording()).await;
    assert!(
        !transcript.contains("127.0.0.1"),
        "ports vary: only paths are shown"
    );
    story::assert_story!(transcript);
}

#[tokio::test]
async fn two_runs_give_the_same_transcript() {
    let first = tiny_story(Story::recording()).await;
    let second = tiny_story(Story::recording()).await;
    assert_eq!(first, second);
}

/// A set-up request prepares the server and is no step of the story: the transcript does
/// not show it, the client keeps no cookie from it, and the story's values keep their
/// numbers.
#[tokio::test]
async fn a_set_up_request_is_not_a_step_of_the_story() {
    let mut story = Story::recording();
    story.redact_cookie("token", "token");
    let routes = Router::new()
        .route("/rotate", post(rotate))
        .route("/whoami", get(whoami));
    story.start_server(routes).await;
    let mut ada = story.client("Ada");
    let set_up = ada
        .set_up("Ada is given a token", Method::POST, "/rotate", json!({}))
        .await;
    assert_eq!(set_up.status, 200, "the set-up request reached the server");
    assert_eq!(
        ada.cookie("token"),
        None,
        "a set-up request keeps no cookie"
    );
    ada.post("Ada is given a token", "/rotate", json!({})).await;
    ada.get("Ada's browser sends it back", "/whoami").await;
    let transcript = story.finish().await;
    assert!(
        transcript.starts_with("── 1. Ada is given a token"),
        "{transcript}"
    );
    assert_eq!(transcript.matches("── ").count(), 2, "{transcript}");
    assert!(transcript.contains("token=<token #1>"), "{transcript}");
    assert!(!transcript.contains("#2"), "{transcript}");
}

#[test]
fn a_difference_is_described_by_step_and_line() {
    let expected = "── 1. Alice logs in ──\nAlice ▶ POST /api/login\n      ◀ 200 OK\n        set-cookie: session=<sealed #1>\n";
    let actual = "── 1. Alice logs in ──\nAlice ▶ POST /api/login\n      ◀ 200 OK\n";
    assert_eq!(
        first_difference(expected, actual).unwrap(),
        "the story differs at step 1, \"Alice logs in\": expected `set-cookie: session=<sealed #1>`, the response had `nothing more` there instead"
    );
    assert_eq!(first_difference(expected, expected), None);
    let todo = "── 1. Alice logs in ──\nAlice ▶ POST /api/login\n      ◀ 500 Internal Server Error\n        \"error\": \"Exercise not finished: not yet implemented\"\n";
    let hint = first_difference(expected, todo).unwrap();
    assert!(
        hint.starts_with("the story differs at step 1, \"Alice logs in\": expected `◀ 200 OK`"),
        "{hint}"
    );
    assert!(
        hint.ends_with("(the server reached a todo!() in the exercise)"),
        "{hint}"
    );
}
