//! The check of apply 04-2 (`cargo course check 04-2-since`): an `/api/me` that also says
//! when the session began.
//!
//! It tests `solutions/2_since.rs`, or with `--features 04-2-since` your
//! `exercises/2_since.rs`, served with lesson 03's register and login. By hand:
//! `cargo test -p lesson-04-me --features 04-2-since --test api -- exercise_2_since::`.

// The reference, or with `--features 04-2-since` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "04-2-since")))]
#[path = "../../exercises/2_since.rs"]
mod starter;
#[cfg(not(feature = "04-2-since"))]
#[path = "../../solutions/2_since.rs"]
mod yours;
#[cfg(feature = "04-2-since")]
#[path = "../../exercises/2_since.rs"]
mod yours;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use common::{Config, UserStore};
use lesson_03_login::session::COOKIE_NAME;
use lesson_03_login::{AppState, routes};
use serde_json::Value;
use story::hint_assert;
use story::{PASSWORD, Reply, Story, credentials, spawn_app};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const HOUR: Duration = Duration::from_secs(60 * 60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Lesson 03's routes and your `/api/me`, over `config`.
async fn exercise_app(config: &Config, story: &Story) -> Router {
    let state = AppState::connect(config, story.clock())
        .await
        .expect("the story's database opens");
    routes().route("/api/me", get(yours::me)).with_state(state)
}

async fn server_with(adjust: impl FnOnce(Config) -> Config + Send + 'static) -> Story {
    spawn_app(|config, clock| async move {
        let state = AppState::connect(&adjust(config), clock).await?;
        Ok::<_, sqlx::Error>(routes().route("/api/me", get(yours::me)).with_state(state))
    })
    .await
}

async fn server() -> Story {
    server_with(|config| config).await
}

/// Whether `reply` is the 401 `null` of "nobody is logged in".
fn is_nobody(reply: &Reply) -> bool {
    reply.status == 401
        && reply.header("content-type") == Some("application/json")
        && reply.body == "null"
}

/// What `reply` brought, in words for a hint. A `logged_in_at` that is a known mistake is
/// named rather than shown: the time of the request (by the story's clock or by the
/// computer's, which differs on every run), or the time the account was created.
fn what_came(reply: &Reply, asked_at: &str, created_at: &Value) -> String {
    let got = &reply.json()["logged_in_at"];
    let is_the_computers_now = got
        .as_str()
        .and_then(|got| OffsetDateTime::parse(got, &Rfc3339).ok())
        .is_some_and(|got| (got - OffsetDateTime::now_utc()).abs() < time::Duration::minutes(10));
    if reply.status == 200 && (got == asked_at || is_the_computers_now) {
        "a logged_in_at that is the time of the request: a session begins at the login (or \
         registration) that sealed its cookie"
            .to_owned()
    } else if reply.status == 200 && got == created_at {
        "a logged_in_at that is when the account was created, not when this session began"
            .to_owned()
    } else {
        format!("{} {}", reply.status, reply.body)
    }
}

/// Alice's phone and laptop, each with its own session, asked over a week.
async fn story(mut story: Story) -> String {
    story.redact_cookie(COOKIE_NAME, "sealed");
    let config = story.config();
    let routes = exercise_app(&config, &story).await;
    story.start_server(routes).await;

    let mut phone = story.client("Alice's phone");
    phone
        .post(
            "Alice registers on her phone",
            "/api/register",
            credentials("alice", PASSWORD),
        )
        .await;
    story.advance_clock(3 * HOUR);
    let mut laptop = story.client("Alice's laptop");
    laptop
        .post(
            "Alice logs in on her laptop",
            "/api/login",
            credentials("alice", PASSWORD),
        )
        .await;
    story.advance_clock(21 * HOUR);
    story.say("The next morning at 09:00, each device opens the app.");
    phone
        .get("The phone asks who is logged in", "/api/me")
        .await;
    laptop
        .get("The laptop asks who is logged in", "/api/me")
        .await;
    story.say(
        "One user, two sessions, each with its own start: the phone's is the registration, \
         the laptop's the login three hours later. Asking does not move either.",
    );
    story.advance_clock(6 * DAY);
    story.say("Exactly one week after Alice registered on her phone.");
    phone
        .get("The phone asks again: its week is over, nobody", "/api/me")
        .await;
    laptop
        .get("The laptop asks again: three hours left", "/api/me")
        .await;
    story.finish().await
}

#[tokio::test]
async fn exercise_2_story() {
    story::assert_story!("exercise_2_since", story(Story::recording()).await);
}

#[tokio::test]
async fn the_answer_is_the_user_and_when_this_session_began() {
    let story = server().await;
    let mut phone = story.client("Alice's phone");
    let user = phone.register_ok("alice").await;
    story.clock().advance(3 * HOUR);
    let mut laptop = story.client("Alice's laptop");
    laptop.login("alice", PASSWORD).await;
    story.clock().advance(HOUR);
    let mut expected = user.clone();
    expected["logged_in_at"] = "2026-01-01T12:00:00Z".into();
    let reply = laptop.me().await;
    hint_assert!(
        reply.status == 200 && reply.json() == expected,
        "alice logged in on her laptop at 12:00 and asks at 13:00: /api/me must answer \
         200 with {expected}, got {}",
        what_came(&reply, "2026-01-01T13:00:00Z", &user["created_at"])
    );
    expected["logged_in_at"] = "2026-01-01T09:00:00Z".into();
    let reply = phone.me().await;
    hint_assert!(
        reply.status == 200 && reply.json() == expected,
        "alice registered on her phone at 09:00, which started its session: /api/me must \
         answer 200 with {expected}, got {}",
        what_came(&reply, "2026-01-01T13:00:00Z", &Value::Null)
    );
}

#[tokio::test]
async fn every_kind_of_nobody_is_still_401_null() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let user = alice.register_ok("alice").await;
    let sealed = alice
        .cookie(COOKIE_NAME)
        .expect("registering sets the cookie");

    let reply = story.client("Nobody").me().await;
    hint_assert!(
        is_nobody(&reply),
        "no cookie: /api/me must answer 401 with `null`, got {} {}",
        reply.status,
        reply.body
    );
    let mut mallory = story.client("Mallory");
    let middle = sealed.len() / 2;
    let flipped = if sealed.as_bytes()[middle] == b'x' {
        "y"
    } else {
        "x"
    };
    mallory.set_cookie(
        COOKIE_NAME,
        &format!("{}{flipped}{}", &sealed[..middle], &sealed[middle + 1..]),
    );
    let reply = mallory.me().await;
    hint_assert!(
        is_nobody(&reply),
        "a changed cookie: /api/me must answer 401 with `null`, never an error, got {} {}",
        reply.status,
        reply.body
    );

    let users = UserStore::new(
        common::db::connect(&story.config().database_url)
            .await
            .expect("the story's database opens"),
    );
    story.client("Bob").register_ok("bob").await;
    let mut bob = story.client("Bob");
    bob.login("bob", PASSWORD).await;
    users
        .delete(user["id"].as_i64().expect("an id"))
        .await
        .expect("alice is deleted");
    let reply = alice.me().await;
    hint_assert!(
        is_nobody(&reply),
        "alice's account was deleted, her cookie kept: /api/me must answer 401 with `null`, \
         got {} {}",
        reply.status,
        reply.body
    );

    story.clock().advance(7 * DAY);
    let reply = bob.me().await;
    hint_assert!(
        is_nobody(&reply),
        "bob's session is 7 days old, so it has expired: /api/me must answer 401 with \
         `null`, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn the_start_follows_the_configured_session_length() {
    let story = server_with(|config| Config {
        session_max_age: Duration::from_secs(15 * 60),
        ..config
    })
    .await;
    let mut alice = story.client("Alice");
    alice.register_ok("alice").await;
    story.clock().advance(Duration::from_secs(10 * 60));
    let reply = alice.me().await;
    let came = what_came(&reply, "2026-01-01T09:10:00Z", &Value::Null);
    hint_assert!(
        reply.status == 200 && reply.json()["logged_in_at"] == "2026-01-01T09:00:00Z",
        "with SESSION_MAX_AGE=900 (15 minutes), alice registered at 09:00 and asks at 09:10: \
         logged_in_at must be \"2026-01-01T09:00:00Z\", got {came}{}",
        if reply.status == 200 && came.starts_with("200 ") {
            ". The session's length comes from the settings, not from a constant"
        } else {
            ""
        }
    );
}
