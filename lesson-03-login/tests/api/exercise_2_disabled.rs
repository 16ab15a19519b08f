//! The check of apply 03-2 (`cargo course check 03-2-disabled`): a login that refuses a
//! disabled account with the one generic 401, after the same bcrypt work.
//!
//! It tests `solutions/2_disabled.rs`, or with `--features 03-2-disabled` your
//! `exercises/2_disabled.rs`, served with lesson 03's register and the story's config.
//! By hand: `cargo test -p lesson-03-login --features 03-2-disabled --test api --
//! exercise_2_disabled::`.

// The reference, or with `--features 03-2-disabled` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "03-2-disabled")))]
#[path = "../../exercises/2_disabled.rs"]
mod starter;
#[cfg(not(feature = "03-2-disabled"))]
#[path = "../../solutions/2_disabled.rs"]
mod yours;
#[cfg(feature = "03-2-disabled")]
#[path = "../../exercises/2_disabled.rs"]
mod yours;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::post;
use common::Accounts;
use common::passwords::Passwords;
use lesson_03_login::session::COOKIE_NAME;
use lesson_03_login::{AppState, SessionSettings, handlers};
use serde_json::json;
use story::hint_assert;
use story::{PASSWORD, Reply, Story, credentials, spawn_app};
use yours::Disabled;

use crate::work::{bcrypt_checks, checks};

/// Lesson 03's state plus the disabled set, each handler taking the part it needs.
#[derive(Clone)]
struct ExerciseState {
    app: AppState,
    disabled: Disabled,
}

impl FromRef<ExerciseState> for Accounts {
    fn from_ref(state: &ExerciseState) -> Self {
        state.app.accounts.clone()
    }
}

impl FromRef<ExerciseState> for SessionSettings {
    fn from_ref(state: &ExerciseState) -> Self {
        state.app.sessions.clone()
    }
}

impl FromRef<ExerciseState> for Disabled {
    fn from_ref(state: &ExerciseState) -> Self {
        state.disabled.clone()
    }
}

/// Register from lesson 03, login from `yours`; `disabled` is the set the server asks.
fn exercise_app(app: AppState, disabled: Disabled) -> Router {
    Router::new()
        .route("/api/register", post(handlers::register))
        .route("/api/login", post(yours::login))
        .with_state(ExerciseState { app, disabled })
}

/// Serves the exercise in `story`, with the story's config. Returns a clone of the
/// server's `Passwords`: clones share its counters, so a test can count bcrypt checks.
async fn serve(story: &mut Story, disabled: &Disabled) -> Passwords {
    let app = AppState::connect(&story.config(), story.clock())
        .await
        .expect("the story's database opens");
    let passwords = app.accounts.passwords.clone();
    story
        .start_server(exercise_app(app, disabled.clone()))
        .await;
    passwords
}

async fn server() -> (Story, Disabled) {
    let disabled = Disabled::default();
    let for_the_server = disabled.clone();
    let story = spawn_app(|config, clock| async move {
        let app = AppState::connect(&config, clock).await?;
        Ok::<_, sqlx::Error>(exercise_app(app, for_the_server))
    })
    .await;
    (story, disabled)
}

/// Like [`server`], and a clone of the server's `Passwords`, to count its bcrypt checks.
async fn server_counting_bcrypt() -> (Story, Disabled, Passwords) {
    let disabled = Disabled::default();
    let mut story = Story::recording();
    let passwords = serve(&mut story, &disabled).await;
    (story, disabled, passwords)
}

/// A reply in words for a hint: its status, its body, and whether it set a cookie.
fn described(reply: &Reply) -> String {
    let cookies = if reply.set_cookies().is_empty() {
        "no cookie"
    } else {
        "with a cookie"
    };
    format!("{} {} ({cookies})", reply.status, reply.body)
}

fn is_the_generic_401(reply: &Reply) -> bool {
    reply.status == 401
        && reply.json() == json!({ "error": "Invalid credentials" })
        && reply.set_cookies().is_empty()
}

/// Carol registers and is disabled; Mallory tries everything; Dave logs in as usual.
async fn story(mut story: Story) -> String {
    story.redact_cookie(COOKIE_NAME, "sealed");
    let disabled = Disabled::default();
    serve(&mut story, &disabled).await;

    story
        .client("Carol")
        .post(
            "Carol registers",
            "/api/register",
            credentials("carol", PASSWORD),
        )
        .await;
    let mut dave = story.client("Dave");
    dave.post(
        "Dave registers",
        "/api/register",
        credentials("dave", PASSWORD),
    )
    .await;
    story.say("An administrator disables the account carol. Later Carol opens another browser.");
    disabled.disable("carol");

    let mut carol = story.client("Carol");
    let own = carol
        .post(
            "Carol logs in with her right password",
            "/api/login",
            credentials("carol", PASSWORD),
        )
        .await;
    let mut mallory = story.client("Mallory");
    let capitals = mallory
        .post(
            "Mallory has Carol's leaked password, types CAROL",
            "/api/login",
            credentials("CAROL", PASSWORD),
        )
        .await;
    let wrong = mallory
        .post(
            "Mallory guesses a wrong password for carol",
            "/api/login",
            credentials("carol", "password123"),
        )
        .await;
    let unknown = mallory
        .post(
            "Mallory tries a name nobody has",
            "/api/login",
            credentials("nobody", "password123"),
        )
        .await;
    let answers = [&own, &capitals, &wrong, &unknown].map(Reply::as_seen_by_client);
    story.say(if answers.iter().all(|answer| answer == &answers[0]) {
        "The four refusals are identical: nobody learns that carol exists, that she is \
         disabled, or that the leaked password is right."
    } else {
        "The refusals differ: Mallory learns something from the difference."
    });
    dave.post(
        "Dave, not disabled, logs in as usual",
        "/api/login",
        credentials("dave", PASSWORD),
    )
    .await;
    story.finish().await
}

#[tokio::test]
async fn exercise_2_story() {
    story::assert_story!("exercise_2_disabled", story(Story::recording()).await);
}

#[tokio::test]
async fn a_disabled_account_gets_the_answer_of_a_wrong_password() {
    let (story, disabled) = server().await;
    story.client("Carol").register_ok("carol").await;
    disabled.disable("carol");
    let mut carol = story.client("Carol");
    let refused = carol.login("carol", PASSWORD).await;
    hint_assert!(
        is_the_generic_401(&refused),
        "carol is disabled: her login with the right password must get the one 401 \
         {{\"error\": \"Invalid credentials\"}} and no cookie, got {}",
        described(&refused)
    );
    let wrong = carol.login("carol", "wrong horse").await;
    hint_assert!(
        refused.as_seen_by_client() == wrong.as_seen_by_client(),
        "a disabled account and a wrong password must get identical answers, headers \
         included; got {} for carol's right password and {} for a wrong one",
        described(&refused),
        described(&wrong)
    );
    hint_assert!(
        carol.cookie(COOKIE_NAME).is_none(),
        "a refused login must not set the session cookie"
    );
}

#[tokio::test]
async fn a_disabled_name_typed_in_other_letters_is_refused_too() {
    let (story, disabled) = server().await;
    story.client("Carol").register_ok("carol").await;
    story.client("Dave").register_ok("dave").await;
    // Names compare without case in the database: DAVE logs in as dave.
    let dave = story.client("Dave").login("DAVE", PASSWORD).await;
    hint_assert!(
        dave.status == 200 && dave.json()["username"] == "dave",
        "\"DAVE\" with dave's password must log in as dave (the database compares names \
         without case), got {} {}",
        dave.status,
        dave.body
    );
    disabled.disable("carol");
    let reply = story.client("Mallory").login("CAROL", PASSWORD).await;
    hint_assert!(
        is_the_generic_401(&reply),
        "carol is disabled: \"CAROL\" with her password must get the one 401 too, got {} {}{}",
        reply.status,
        reply.body,
        if reply.status == 200 {
            ". The database finds carol for \"CAROL\": decide on the account that was found, \
             not on the name as typed"
        } else {
            ""
        }
    );
}

#[tokio::test]
async fn an_account_registered_in_capitals_is_disabled_by_its_name_as_registered() {
    let (story, disabled) = server().await;
    story.client("Carol").register_ok("Carol").await;
    // The set holds names as registered: "Carol", not "carol".
    disabled.disable("Carol");
    for typed in ["Carol", "carol"] {
        let reply = story.client("Mallory").login(typed, PASSWORD).await;
        hint_assert!(
            is_the_generic_401(&reply),
            "the account \"Carol\" (registered with a capital C) is disabled: \"{typed}\" \
             with her password must get the one 401, got {}{}",
            described(&reply),
            if reply.status == 200 {
                ". The set holds the name as registered: decide on the account that was \
                 found, by its username, not on the name as typed or lower-cased"
            } else {
                ""
            }
        );
    }
}

#[tokio::test]
async fn everyone_else_logs_in_and_disabling_takes_effect_at_once() {
    let (story, disabled) = server().await;
    story.client("Carol").register_ok("carol").await;
    story.client("Dave").register_ok("dave").await;
    let mut carol = story.client("Carol");
    let before = carol.login("carol", PASSWORD).await;
    hint_assert!(
        before.status == 200 && before.json()["username"] == "carol",
        "carol is not disabled yet: her login must be a 200 with her user, got {} {}",
        before.status,
        before.body
    );
    hint_assert!(
        carol.cookie(COOKIE_NAME).is_some(),
        "a successful login must set the session cookie"
    );
    disabled.disable("carol");
    let after = story.client("Carol").login("carol", PASSWORD).await;
    hint_assert!(
        after.status == 401,
        "carol was disabled a moment ago: the next login must be a 401, got {} {}",
        after.status,
        after.body
    );
    let mut dave = story.client("Dave");
    let reply = dave.login("dave", PASSWORD).await;
    hint_assert!(
        reply.status == 200 && reply.json()["username"] == "dave",
        "dave is not disabled: his login must be a 200 with his user, got {} {}",
        reply.status,
        reply.body
    );
    hint_assert!(
        dave.cookie(COOKIE_NAME).is_some(),
        "dave's login must set the session cookie"
    );
    let wrong = dave.login("dave", "wrong horse").await;
    hint_assert!(
        is_the_generic_401(&wrong),
        "a wrong password must still get the one 401, got {} {}",
        wrong.status,
        wrong.body
    );
}

#[tokio::test]
async fn a_disabled_account_costs_one_bcrypt_check_like_a_wrong_password() {
    let (story, disabled, passwords) = server_counting_bcrypt().await;
    story.client("Carol").register_ok("carol").await;
    story.client("Dave").register_ok("dave").await;
    disabled.disable("carol");
    let mut mallory = story.client("Mallory");
    let (wrong, wrong_reply) =
        bcrypt_checks(&passwords, mallory.login("dave", "wrong horse")).await;
    let (refused, refused_reply) =
        bcrypt_checks(&passwords, mallory.login("carol", PASSWORD)).await;
    hint_assert!(
        is_the_generic_401(&wrong_reply) && is_the_generic_401(&refused_reply),
        "a wrong password and a disabled account must both get the one 401, got {} and {}",
        described(&wrong_reply),
        described(&refused_reply)
    );
    hint_assert!(
        (refused, wrong) == (1, 1),
        "refusing disabled carol cost {}, a wrong password for dave {}: each must cost \
         exactly one. {}",
        checks(refused),
        checks(wrong),
        if refused < wrong {
            "The refusal comes before (or instead of) the password check, and its speed tells \
             an attacker this name is special; a sleep in its place is no bcrypt check either \
             (its time does not follow the machine, its load or the queue of hashes). Check \
             the password first, whatever the account"
        } else {
            "Check the password once, with `accounts.check_login`, and only then the set"
        }
    );
}
