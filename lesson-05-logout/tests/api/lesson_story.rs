//! Lesson 05's story: Alice logs out, and a copy of her cookie saved before still works.
//! That is the known limit of a session kept in the cookie; then the two mitigations.

use std::time::Duration;

use common::Config;
use common::config::key_from_secret;
use lesson_03_login::session::COOKIE_NAME;
use lesson_05_logout::app;
use story::{Method, PASSWORD, Story, credentials};

/// Another 64-byte secret: the server's new `SESSION_SECRET` after a rotation.
const ROTATED_SECRET: &str = "the-rotated-secret-for-the-story-which-opens-none-of-the-old-cookies";

pub async fn run(mut story: Story) -> String {
    story.redact_cookie(COOKIE_NAME, "sealed");
    let config = story.config();
    story.start_server(server(&story, &config).await).await;
    let credentials = credentials("alice", PASSWORD);

    story.say("Alice has an account already.");
    let mut alice = story.client("Alice");
    alice
        .set_up(
            "Alice registers",
            Method::POST,
            "/api/register",
            credentials.clone(),
        )
        .await;
    alice
        .post("Alice logs in", "/api/login", credentials.clone())
        .await;
    story.say(
        "Alice saves a copy of her cookie. Anyone who ever saw it could have one too: \
         a shared computer, a browser extension, a log that printed it.",
    );
    let week_long_copy = alice.cookies();
    alice.delete("Alice logs out", "/api/logout").await;
    alice
        .get("The page asks who is logged in: nobody", "/api/me")
        .await;

    story.say(
        "THE KNOWN LIMIT of sessions kept in the cookie: the server keeps no list of \
         sessions, so it has nothing to cross out at logout. The copy is still sealed \
         with the server's key and still before its expiry: it is a valid session.",
    );
    alice.restore_cookies(&week_long_copy);
    alice
        .get("Known limit: the copy still works after logout", "/api/me")
        .await;

    story.say(
        "Mitigation 1: a short SESSION_MAX_AGE. The server restarts with \
         SESSION_MAX_AGE=900 (15 minutes); the secret stays the same.",
    );
    let short = Config {
        session_max_age: Duration::from_secs(15 * 60),
        ..config.clone()
    };
    story.start_server(server(&story, &short).await).await;
    alice
        .post("Alice logs in again", "/api/login", credentials)
        .await;
    let short_copy = alice.cookies();
    story.say("Alice saves a copy again, and logs out.");
    alice.delete("Alice logs out", "/api/logout").await;
    alice.restore_cookies(&short_copy);
    alice.get("The new copy works, for now", "/api/me").await;
    story.advance_clock(Duration::from_secs(15 * 60));
    alice
        .get("After 15 minutes the copy has expired by itself", "/api/me")
        .await;

    story.say(
        "A shorter SESSION_MAX_AGE only shortens cookies sealed from now on: the first \
         copy has its 7-day expiry sealed inside.",
    );
    alice.restore_cookies(&week_long_copy);
    alice
        .get("The first copy still works, 7 days long", "/api/me")
        .await;

    story.say(
        "Mitigation 2: rotate SESSION_SECRET. The server restarts with a new secret, \
         and no cookie sealed with the old one opens any more: every session ends at \
         once, so everyone logs in again.",
    );
    let rotated = Config {
        cookie_key: key_from_secret(ROTATED_SECRET).expect("the secret is 64 bytes or more"),
        ..short
    };
    story.start_server(server(&story, &rotated).await).await;
    alice
        .get("After the rotation the first copy is refused", "/api/me")
        .await;

    story.finish().await
}

/// Lesson 05's router over the story's database: starting it again is a restart.
async fn server(story: &Story, config: &Config) -> axum::Router {
    app(config, story.clock())
        .await
        .expect("the story's database opens")
}

/// The story, checked against `tests/snapshots/story.snap`: logging out, the replay of a
/// saved cookie (the known limit), and the two mitigations. With `--features 05-1-logout`
/// it checks the warm-up: `cargo course check 05-1-logout`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
