//! Lesson 03's story: Alice registers and logs in; the sealed cookie is opened to show
//! what it holds; her browser sends it back and the server knows her; then Mallory gets
//! the same answer for a wrong password and for a name nobody has.

use axum_extra::extract::cookie::{Cookie, Key, PrivateCookieJar};
use lesson_03_login::app;
use lesson_03_login::session::{COOKIE_NAME, SessionData};
use story::{PASSWORD, Story, credentials};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub async fn run(mut story: Story) -> String {
    story.redact_cookie(COOKIE_NAME, "sealed");
    let config = story.config();
    let routes = app(&config, story.clock())
        .await
        .expect("the story's database opens");
    story.start_server(routes).await;

    let mut alice = story.client("Alice");
    let alice_credentials = credentials("alice", PASSWORD);
    alice
        .post(
            "Alice registers, which also logs her in",
            "/api/register",
            alice_credentials.clone(),
        )
        .await;
    alice
        .post("Alice logs in", "/api/login", alice_credentials)
        .await;

    story.say(
        "The new cookie differs from the first one although it says the same thing: \
         every seal uses a fresh random nonce.",
    );
    story.say(&look_inside(&config.cookie_key, alice.cookie(COOKIE_NAME)));

    let recognised = alice
        .get(
            "Alice's browser sends the cookie back: the server knows her",
            "/api/session",
        )
        .await;
    story.say(if recognised.json()["user_id"] == 1 {
        "Nobody typed a password: the browser sent the cookie by itself, and the server \
         opened it and found user 1. It kept nothing since the login and looked nothing up."
    } else {
        "The server found no session in the cookie: Alice is a stranger again."
    });

    let mut bob = story.client("Bob");
    bob.post(
        "Bob wants the name alice too",
        "/api/register",
        credentials("alice", "another horse"),
    )
    .await;

    let mut mallory = story.client("Mallory");
    let wrong_password = mallory
        .post(
            "Mallory guesses Alice's password",
            "/api/login",
            credentials("alice", "password123"),
        )
        .await;
    let unknown_user = mallory
        .post(
            "Mallory tries a name nobody has",
            "/api/login",
            credentials("nobody", "password123"),
        )
        .await;
    story.say(
        if wrong_password.as_seen_by_client() == unknown_user.as_seen_by_client() {
            "The two answers are identical, and both took one bcrypt check: Mallory cannot \
         tell a wrong password from a name that does not exist."
        } else {
            "The two answers differ: Mallory learns which usernames exist."
        },
    );

    story.finish().await
}

/// What the server reads in the cookie, opened with its key: something Alice's browser
/// (without the key) cannot do.
fn look_inside(key: &Key, raw: Option<String>) -> String {
    let Some(raw) = raw else {
        return "Alice's browser holds no session cookie.".to_owned();
    };
    let opened = Cookie::parse_encoded(format!("{COOKIE_NAME}={raw}"))
        .ok()
        .and_then(|sealed| PrivateCookieJar::new(key.clone()).decrypt(sealed));
    let Some(opened) = opened else {
        return "The server's key does not open Alice's cookie.".to_owned();
    };
    let until = serde_json::from_str::<SessionData>(opened.value())
        .ok()
        .and_then(|data| OffsetDateTime::from_unix_timestamp(data.expires_at).ok())
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_else(|| "(no valid expiry)".to_owned());
    format!(
        "To Alice's browser the cookie is opaque. Opened with the server's key it reads \
         {}, valid until {until}.",
        opened.value()
    )
}

/// The story, checked against `tests/snapshots/story.snap`: the status codes, the
/// `Set-Cookie` attributes, the bodies, and what the sealed cookie holds. This is the
/// check for the exercise: `cargo test -p lesson-03-login --features exercise`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
