//! Lesson 04's story: Alice's first visit, step by step (the page, then the welcome page
//! a registration leads to), then her visit the next day, once with the server's secret
//! unchanged and once with a new one.

use std::time::Duration;

use common::Config;
use common::config::key_from_secret;
use lesson_03_login::session::COOKIE_NAME;
use lesson_04_me::app;
use story::{PASSWORD, Story, credentials};

/// Another 64-byte secret: what a server gets when someone changes `SESSION_SECRET`.
const NEW_SECRET: &str = "a-different-secret-for-the-story-that-opens-none-of-the-old-cookies";

pub async fn run(mut story: Story) -> String {
    story.redact_cookie(COOKIE_NAME, "sealed");
    let config = story.config();
    story.start_server(server(&story, &config).await).await;

    story.say(
        "Alice opens the app for the first time. Her browser has no cookie for it yet. \
         The page loads (GET /) and, before showing anything, asks the server who is \
         logged in.",
    );
    let mut alice = story.client("Alice");
    alice
        .get("The page asks who is logged in: nobody", "/api/me")
        .await;
    story.say("So the page shows the login and register forms.");

    alice
        .post(
            "Alice fills in the register form",
            "/api/register",
            credentials("alice", PASSWORD),
        )
        .await;
    story.say(
        "The answer names Alice, but the page does not keep it: like most apps, it moves \
         on to another page, /welcome. The browser loads it (GET /welcome) from scratch. \
         Nothing of the first page came along; the browser kept only the cookie.",
    );
    alice
        .get("The welcome page asks who is logged in: Alice", "/api/me")
        .await;
    story.say("So the welcome page shows \"Logged in as alice\".");

    story.say("Alice closes the browser. Only the cookie is kept.");
    let saved = alice.cookies();
    story.say("Overnight the server restarts, with the same SESSION_SECRET.");
    story.start_server(server(&story, &config).await).await;
    story.advance_clock(Duration::from_secs(24 * 60 * 60));

    let mut next_day = story.client("Alice");
    next_day.restore_cookies(&saved);
    next_day
        .get("The next day the page asks: still Alice", "/api/me")
        .await;

    story.say(
        "The server restarts once more, now with a different SESSION_SECRET \
         (say the old one leaked and was replaced).",
    );
    let new_secret = Config {
        cookie_key: key_from_secret(NEW_SECRET).expect("the secret is 64 bytes or more"),
        ..config.clone()
    };
    story.start_server(server(&story, &new_secret).await).await;
    next_day
        .get(
            "The page asks again: nobody, the new key opens no old cookie",
            "/api/me",
        )
        .await;

    story.finish().await
}

/// Lesson 04's router over the story's database: starting it again is a restart.
async fn server(story: &Story, config: &Config) -> axum::Router {
    app(config, story.clock())
        .await
        .expect("the story's database opens")
}

/// The story, checked against `tests/snapshots/story.snap`: what `/api/me` answers on a
/// first visit, after registering, the next day, and after the secret changed. Part of
/// warm-up 04-1's check: `cargo course check 04-1-me`, or `cargo test -p lesson-04-me
/// --features 04-1-me --test api -- lesson_story::`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
