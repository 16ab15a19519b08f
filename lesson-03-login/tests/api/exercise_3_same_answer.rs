//! The check of break-it 03-3 (`cargo course check 03-3-same-answer`): your test must
//! fail against a login that tells "no such user" from "wrong password", and pass against
//! your fixed `check_password`; and your fix must pass this file's own tests, the bcrypt
//! work the answers cost included.
//!
//! It tests `solutions/3_same_answer.rs`, or with `--features 03-3-same-answer` your
//! `exercises/3_same_answer.rs`. By hand: `cargo test -p lesson-03-login --features
//! 03-3-same-answer --test api -- exercise_3_same_answer::`.

// The reference, or with `--features 03-3-same-answer` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "03-3-same-answer")))]
#[path = "../../exercises/3_same_answer.rs"]
mod starter;
#[cfg(not(feature = "03-3-same-answer"))]
#[path = "../../solutions/3_same_answer.rs"]
mod yours;
#[cfg(feature = "03-3-same-answer")]
#[path = "../../exercises/3_same_answer.rs"]
mod yours;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::passwords::Passwords;
use common::users::StoredUser;
use common::{Accounts, ApiError, Credentials, Json, User};
use lesson_03_login::session::COOKIE_NAME;
use lesson_03_login::{AppState, Session, handlers};
use story::hint_assert;
use story::{PASSWORD, Story, test_fails};

use crate::work::{bcrypt_checks, checks};

/// The flaw, as the starter has it: its own answer for an unknown name, and no bcrypt.
async fn flawed(
    passwords: &Passwords,
    found: Option<StoredUser>,
    pw: &str,
) -> Result<User, ApiError> {
    let found = found.ok_or_else(|| ApiError::unauthorized("No such user"))?;
    let right = passwords.verify(pw, Some(&found.password_hash)).await?;
    right
        .then_some(found.user)
        .ok_or_else(|| ApiError::unauthorized("Wrong password"))
}

/// Lesson 03's register, and a login: yours, or (`fixed == false`) the flawed one. Also
/// returns a clone of the server's `Passwords`: clones share its counters, so a test can
/// count the bcrypt checks a login costs.
async fn server(fixed: bool) -> (Story, Passwords) {
    let mut story = Story::recording();
    let app = AppState::connect(&story.config(), story.clock())
        .await
        .expect("the story's database opens");
    let passwords = app.accounts.passwords.clone();
    let routes = Router::new().route("/api/register", post(handlers::register));
    let routes = if fixed {
        routes.route("/api/login", post(yours::login))
    } else {
        routes.route("/api/login", post(flawed_login))
    };
    story.start_server(routes.with_state(app)).await;
    (story, passwords)
}

/// The starter's `login`, around the flawed step 2.
async fn flawed_login(
    State(accounts): State<Accounts>,
    session: Session,
    Json(credentials): Json<Credentials>,
) -> Result<(PrivateCookieJar, Json<User>), ApiError> {
    let found = accounts
        .users
        .find_by_username(&credentials.username)
        .await?;
    let user = flawed(&accounts.passwords, found, &credentials.password).await?;
    Ok((session.start(user.id), Json(user)))
}

#[tokio::test]
async fn your_test_fails_against_the_flawed_login() {
    let (app, _) = server(false).await;
    hint_assert!(
        test_fails(yours::your_test(app)).await,
        "1 of 3: your test PASSES against the flawed login, which answers an unknown name \
         with \"No such user\" and a wrong password with \"Wrong password\". It must fail \
         there: compare the two answers as Mallory receives them"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_login() {
    let (app, _) = server(true).await;
    hint_assert!(
        !test_fails(yours::your_test(app)).await,
        "2 of 3: your test FAILS against your own check_password (see the panic above). Is \
         your test still a todo!(), or check_password not fixed yet? Once fixed, the two \
         answers must be identical"
    );
}

#[tokio::test]
async fn your_fix_gives_one_answer_after_the_same_work() {
    let (app, passwords) = server(true).await;
    app.client("Alice").register_ok("alice").await;
    let mut alice = app.client("Alice");
    let reply = alice.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200
            && reply.json()["username"] == "alice"
            && alice.cookie(COOKIE_NAME).is_some(),
        "3 of 3: alice with her right password must still log in (200, her user, the \
         session cookie), got {} {}",
        reply.status,
        reply.body
    );
    let mut mallory = app.client("Mallory");
    let (wrong, wrong_reply) =
        bcrypt_checks(&passwords, mallory.login("alice", "wrong horse")).await;
    let (unknown, unknown_reply) =
        bcrypt_checks(&passwords, mallory.login("nobody", "wrong horse")).await;
    hint_assert!(
        wrong_reply.status == 401
            && wrong_reply.json()["error"].is_string()
            && wrong_reply.set_cookies().is_empty(),
        "3 of 3: a wrong password must get a 401 {{\"error\": ...}} and no cookie, got {} {}",
        wrong_reply.status,
        wrong_reply.body
    );
    hint_assert!(
        wrong_reply.as_seen_by_client() == unknown_reply.as_seen_by_client(),
        "3 of 3: a wrong password and an unknown name still get different answers: {} {} \
         and {} {}",
        wrong_reply.status,
        wrong_reply.body,
        unknown_reply.status,
        unknown_reply.body
    );
    hint_assert!(
        (wrong, unknown) == (1, 1),
        "3 of 3: the answers are identical, but a wrong password cost {} and an unknown name \
         {}: each must cost exactly one. {}",
        checks(wrong),
        checks(unknown),
        if unknown < wrong {
            "Skipping bcrypt when no account is found makes that answer faster, and Mallory \
             can time it; a sleep in its place is no bcrypt check either (its time does not \
             follow the machine, its load or the queue of hashes). `Passwords::verify` checks \
             a dummy hash when it gets no hash at all (common/src/passwords.rs)"
        } else {
            "One `passwords.verify` for every login, found or not"
        }
    );
}
