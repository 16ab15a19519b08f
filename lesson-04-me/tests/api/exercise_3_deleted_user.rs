//! The check of break-it 04-3 (`cargo course check 04-3-deleted-user`): your test must
//! fail against an `/api/me` that answers 200 for any valid cookie, and pass against your
//! fixed `me`; and your fix must pass this file's own tests.
//!
//! It tests `solutions/3_deleted_user.rs`, or with `--features 04-3-deleted-user` your
//! `exercises/3_deleted_user.rs`. By hand: `cargo test -p lesson-04-me --features
//! 04-3-deleted-user --test api -- exercise_3_deleted_user::`.

// The reference, or with `--features 04-3-deleted-user` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "04-3-deleted-user")))]
#[path = "../../exercises/3_deleted_user.rs"]
mod starter;
#[cfg(not(feature = "04-3-deleted-user"))]
#[path = "../../solutions/3_deleted_user.rs"]
mod yours;
#[cfg(feature = "04-3-deleted-user")]
#[path = "../../exercises/3_deleted_user.rs"]
mod yours;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use common::{Accounts, ApiError, Json, User, UserStore};
use lesson_03_login::{AppState, Session, routes};
use story::hint_assert;
use story::{Reply, Story, spawn_app, test_fails};

/// The flaw, as the starter has it: the status comes from the cookie alone.
async fn flawed(
    State(accounts): State<Accounts>,
    session: Session,
) -> Result<(StatusCode, Json<Option<User>>), ApiError> {
    let Some(id) = session.user_id() else {
        return Ok((StatusCode::UNAUTHORIZED, Json(None)));
    };
    Ok((StatusCode::OK, Json(accounts.users.find_by_id(id).await?)))
}

/// Lesson 03's routes and an `/api/me`: yours, or (`fixed == false`) the flawed one.
/// Also returns the user store, opened beside the server.
async fn server(fixed: bool) -> (Story, UserStore) {
    let story = spawn_app(|config, clock| async move {
        let state = AppState::connect(&config, clock).await?;
        let routes = if fixed {
            routes().route("/api/me", get(yours::me))
        } else {
            routes().route("/api/me", get(flawed))
        };
        Ok::<_, sqlx::Error>(routes.with_state(state))
    })
    .await;
    let pool = common::db::connect(&story.config().database_url)
        .await
        .expect("the story's database opens");
    (story, UserStore::new(pool))
}

#[tokio::test]
async fn your_test_fails_against_the_flawed_me() {
    let (app, users) = server(false).await;
    hint_assert!(
        test_fails(yours::your_test(app, users)).await,
        "1 of 3: your test PASSES against the flawed /api/me, which answers 200 for any \
         valid cookie, even one whose account was deleted (the body is then `null`). It \
         must fail there: delete the account, then ask /api/me with its cookie"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_me() {
    let (app, users) = server(true).await;
    hint_assert!(
        !test_fails(yours::your_test(app, users)).await,
        "2 of 3: your test FAILS against your own `me` (see the panic above). Is your test \
         still a todo!(), or `me` not fixed yet?"
    );
}

fn is_nobody(reply: &Reply) -> bool {
    reply.status == 401
        && reply.header("content-type") == Some("application/json")
        && reply.body == "null"
}

#[tokio::test]
async fn your_fix_answers_nobody_for_every_kind_of_nobody() {
    let (app, users) = server(true).await;
    let reply = app.client("Nobody").me().await;
    hint_assert!(
        is_nobody(&reply),
        "3 of 3: without a cookie /api/me must answer 401 with `null`, got {} {}",
        reply.status,
        reply.body
    );
    let mut alice = app.client("Alice");
    let user = alice.register_ok("alice").await;
    let reply = alice.me().await;
    hint_assert!(
        reply.status == 200 && reply.json() == user,
        "3 of 3: alice is logged in: /api/me must answer 200 with her user {user}, got {} {}",
        reply.status,
        reply.body
    );
    let mut bob = app.client("Bob");
    bob.register_ok("bob").await;
    users
        .delete(user["id"].as_i64().expect("an id"))
        .await
        .expect("alice is deleted");
    let reply = alice.me().await;
    hint_assert!(
        is_nobody(&reply),
        "3 of 3: alice's account is deleted, her cookie kept: /api/me must answer 401 with \
         `null`, got {} {}",
        reply.status,
        reply.body
    );
    let reply = bob.me().await;
    hint_assert!(
        reply.status == 200 && reply.json()["username"] == "bob",
        "3 of 3: bob's account is still there: /api/me must answer 200 with bob, got {} {}",
        reply.status,
        reply.body
    );
}
