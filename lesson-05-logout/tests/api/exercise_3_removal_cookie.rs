//! The check of exercise 05-3, "a logout the browser ignores": your test must fail
//! against flawed logouts, pass against your fixed one (and against lesson 03's), and
//! your fixed logout must really remove the session cookie.
//!
//! `cargo test -p lesson-05-logout --test api -- exercise_3_removal_cookie::` checks the
//! reference (solutions/); add `--features 05-3-removal-cookie` to check your starter
//! (exercises/).

// The reference, or with `--features 05-3-removal-cookie` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "05-3-removal-cookie")))]
#[path = "../../exercises/3_removal_cookie.rs"]
mod starter;
#[cfg(not(feature = "05-3-removal-cookie"))]
#[path = "../../solutions/3_removal_cookie.rs"]
mod yours;
#[cfg(feature = "05-3-removal-cookie")]
#[path = "../../exercises/3_removal_cookie.rs"]
mod yours;

use axum::handler::Handler;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::routing::delete;
use lesson_05_logout::{AppState, Session};
use story::hint_assert;
use story::{Story, spawn_app, test_fails};

use crate::removal;

/// Lesson 05's server with `logout` as its `DELETE /api/logout`.
async fn server_with<H, T>(logout: H) -> Story
where
    H: Handler<T, AppState>,
    T: 'static,
{
    spawn_app(|config, clock| async move {
        let state = AppState::connect(&config, clock).await?;
        let routes = lesson_04_me::routes().route("/api/logout", delete(logout));
        Ok::<_, sqlx::Error>(routes.with_state(state))
    })
    .await
}

// Three logouts a browser ignores. Each answers 204 with a removal that does not match
// the session cookie (`session`, `Path=/`), so the browser keeps it.
async fn without_path() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, "session=; Max-Age=0; HttpOnly")],
    )
}
async fn another_path() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, "session=; Path=/api; Max-Age=0")],
    )
}
async fn another_name() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, "sid=; Path=/; Max-Age=0")],
    )
}

/// One test, in the order you work: your test runs, it catches the flaws, you fix the
/// logout. The first `hint:` is always about the step you are on.
#[tokio::test]
async fn your_test_catches_the_flaw_and_your_logout_is_fixed() {
    let lesson_03 = |session: Session| async move { (StatusCode::NO_CONTENT, session.clear()) };
    let fails = test_fails(yours::your_test(server_with(lesson_03).await)).await;
    hint_assert!(
        !fails,
        "your test fails against a correct logout (lesson 03's, which sends `session=; \
         Path=/; Max-Age=0; Expires=` and a date in the past): finish `your_test` (is its \
         todo!() still there?), and compare what a browser compares, not whole lines. It \
         must pass when the logout is right, and fail when a browser would keep the session"
    );
    for (flaw, fails) in [
        (
            "has no Path (a browser files it under /api)",
            test_fails(yours::your_test(server_with(without_path).await)).await,
        ),
        (
            "has `Path=/api`",
            test_fails(yours::your_test(server_with(another_path).await)).await,
        ),
        (
            "is named `sid`",
            test_fails(yours::your_test(server_with(another_name).await)).await,
        ),
    ] {
        hint_assert!(
            fails,
            "your test passes against a logout whose removal cookie {flaw}, while the \
             session cookie is `session` with `Path=/`: a browser keeps Alice logged in \
             there. Make your test compare the removal's name and Path with the login's \
             cookie"
        );
    }
    your_fixed_logout_removes_the_session_cookie().await;
    let fails = test_fails(yours::your_test(server_with(yours::logout).await)).await;
    hint_assert!(
        !fails,
        "your logout is fixed (a browser deletes the session cookie with its removal), but \
         your test fails against it: your test must pass against every logout a browser \
         obeys"
    );
}

/// The check's own look at your logout, so that the fix is real. It comes before your
/// test meets your logout: while the flaw is there, this names it.
async fn your_fixed_logout_removes_the_session_cookie() {
    let app = server_with(yours::logout).await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let reply = alice.logout().await;
    hint_assert!(
        reply.status == 204,
        "your logout must still answer 204, got {} {}",
        reply.status,
        reply.body
    );
    let wrong = removal::what_is_wrong(&reply.set_cookies());
    hint_assert!(
        wrong.is_none(),
        "your test catches the flawed logouts; now fix `logout`: a browser keeps Alice's \
         session cookie, since {}",
        wrong.unwrap_or_default()
    );
    let status = alice.me().await.status;
    hint_assert!(
        status == 401,
        "after your logout, /api/me must be a 401, got {status}"
    );
}
