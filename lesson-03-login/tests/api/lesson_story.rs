//! Lesson 03's story: Alice registers and logs in; the sealed cookie is opened to show
//! what it holds; her browser sends it back and the server knows her; then Mallory gets
//! the same answer for a wrong password and for a name nobody has, after the same bcrypt
//! work (counted by the server's `Passwords`, not assumed).

use axum::Router;
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, Key, PrivateCookieJar};
use common::Config;
use common::passwords::Passwords;
use lesson_03_login::session::{COOKIE_NAME, SessionData};
use lesson_03_login::{AppState, handlers, routes};
use story::{PASSWORD, Story, credentials};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub async fn run(mut story: Story) -> String {
    story.redact_cookie(COOKIE_NAME, "sealed");
    let config = story.config();
    let (routes, passwords) = server(&story, &config).await;
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
    let before = passwords.stats().started;
    let wrong_password = mallory
        .post(
            "Mallory guesses Alice's password",
            "/api/login",
            credentials("alice", "password123"),
        )
        .await;
    let wrong_password_checks = passwords.stats().started - before;
    let before = passwords.stats().started;
    let unknown_user = mallory
        .post(
            "Mallory tries a name nobody has",
            "/api/login",
            credentials("nobody", "password123"),
        )
        .await;
    let unknown_user_checks = passwords.stats().started - before;
    story.say(&what_mallory_learns(
        wrong_password.as_seen_by_client() == unknown_user.as_seen_by_client(),
        wrong_password_checks,
        unknown_user_checks,
    ));

    story.finish().await
}

/// Lesson 03's server, as [`lesson_03_login::app`] builds it, and a handle on its
/// `Passwords`: a clone shares the server's counters, so the story can say how many bcrypt
/// checks each login cost instead of claiming it.
async fn server(story: &Story, config: &Config) -> (Router, Passwords) {
    let state = AppState::connect(config, story.clock())
        .await
        .expect("the story's database opens");
    let passwords = state.accounts.passwords.clone();
    let routes = routes().route("/api/session", get(handlers::current_session));
    let routes = state.sessions.with_retired_keys(routes);
    (routes.with_state(state), passwords)
}

/// What Mallory can tell from her two failed logins: whether their answers are the same,
/// and the bcrypt checks the server ran for each (counted, not assumed).
fn what_mallory_learns(same_answer: bool, wrong_password: u64, unknown_user: u64) -> String {
    if !same_answer {
        return "The two answers differ: Mallory learns which usernames exist.".to_owned();
    }
    if (wrong_password, unknown_user) == (1, 1) {
        return "The two answers are identical, and both took one bcrypt check: Mallory \
                cannot tell a wrong password from a name that does not exist."
            .to_owned();
    }
    format!(
        "The two answers are identical, but the wrong password took {} and the unknown name \
         {}: Mallory can time the difference.",
        bcrypt_checks(wrong_password),
        bcrypt_checks(unknown_user)
    )
}

/// "no bcrypt check", "one bcrypt check", "2 bcrypt checks".
fn bcrypt_checks(count: u64) -> String {
    match count {
        0 => "no bcrypt check".to_owned(),
        1 => "one bcrypt check".to_owned(),
        n => format!("{n} bcrypt checks"),
    }
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
/// `Set-Cookie` attributes, the bodies, what the sealed cookie holds, and the bcrypt checks
/// Mallory's two logins cost. Part of warm-up 03-1's check: `cargo course check 03-1-login`,
/// or `cargo test -p lesson-03-login --features 03-1-login --test api -- lesson_story::`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
