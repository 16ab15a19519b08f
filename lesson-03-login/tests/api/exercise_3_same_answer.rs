//! The check of break-it 03-3 (`cargo course check 03-3-same-answer`): your test must
//! fail against a login that tells "no such user" from "wrong password", and pass against
//! your fixed `check_password`; and your fix must pass this file's own tests, the time
//! the answers take included.
//!
//! It tests `solutions/3_same_answer.rs`, or with `--features exercise` your
//! `exercises/3_same_answer.rs`.

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
use common::{Accounts, ApiError, Config, Credentials, Json, User};
use lesson_03_login::session::COOKIE_NAME;
use lesson_03_login::{AppState, Session, handlers};
use story::hint_assert;
use story::{PASSWORD, Story, spawn_app, test_fails};

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

/// Lesson 03's register, and a login: yours, or (`fixed == false`) the flawed one.
async fn server(fixed: bool) -> Story {
    spawn_app(|config, clock| async move {
        // A real bcrypt cost: one check takes tens of milliseconds, none takes ~0.
        let config = Config {
            bcrypt_cost: 10,
            ..config
        };
        let app = AppState::connect(&config, clock).await?;
        let routes = Router::new().route("/api/register", post(handlers::register));
        let routes = if fixed {
            routes.route("/api/login", post(yours::login))
        } else {
            routes.route("/api/login", post(flawed_login))
        };
        Ok::<_, sqlx::Error>(routes.with_state(app))
    })
    .await
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
    let app = server(false).await;
    hint_assert!(
        test_fails(yours::your_test(app)).await,
        "1 of 3: your test PASSES against the flawed login, which answers an unknown name \
         with \"No such user\" and a wrong password with \"Wrong password\". It must fail \
         there: compare the two answers as Mallory receives them"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_login() {
    let app = server(true).await;
    hint_assert!(
        !test_fails(yours::your_test(app)).await,
        "2 of 3: your test FAILS against your own check_password (see the panic above). Is \
         your test still a todo!(), or check_password not fixed yet? Once fixed, the two \
         answers must be identical"
    );
}

#[tokio::test]
async fn your_fix_gives_one_answer_after_the_same_work() {
    let app = server(true).await;
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
    let (wrong, wrong_reply) = app
        .client("Mallory")
        .fastest_login("alice", "wrong horse")
        .await;
    let (unknown, unknown_reply) = app
        .client("Mallory")
        .fastest_login("nobody", "wrong horse")
        .await;
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
        unknown * 3 >= wrong,
        "3 of 3: the answers are identical, but an unknown name is answered in {unknown:?} \
         and a wrong password in {wrong:?}: Mallory can time them. An unknown name must \
         cost one bcrypt check too (common/src/passwords.rs knows how)"
    );
}
