//! The check of exercise 02-3 (break it): premium decided by a plain cookie.
//!
//! 1. `your_test` must FAIL against a shop that believes the plain badge cookie (this
//!    file keeps its own copy of that flaw, so fixing the starter does not change it),
//!    and against a shop that lets nobody in (a test must see the paying browser get in);
//! 2. `your_test` must PASS against a shop with your `is_premium`;
//! 3. your `is_premium` must pass this file's own checks too, so that the fix is real:
//!    among them a cookie signed with the server's own key that says another plan.
//!
//! `cargo course check 02-3-forged-cookie` runs it against your
//! `exercises/3_forged_cookie.rs`; `cargo test` runs it against the reference in
//! `solutions/`.

// The reference, or with `--features 02-3-forged-cookie` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "02-3-forged-cookie")))]
#[path = "../../exercises/3_forged_cookie.rs"]
mod starter;
#[cfg(not(feature = "02-3-forged-cookie"))]
#[path = "../../solutions/3_forged_cookie.rs"]
mod yours;
#[cfg(feature = "02-3-forged-cookie")]
#[path = "../../exercises/3_forged_cookie.rs"]
mod yours;

use std::convert::Infallible;

use axum_extra::extract::cookie::{CookieJar, SignedCookieJar};
use story::hint_assert;
use story::{Client, Method, Payload, Reply, Story, TestOutcome, spawn_app, test_outcome};
use yours::{BADGE_COOKIE, PLAN_COOKIE, PREMIUM, PREMIUM_ONLY};

use crate::signing::signed_by_the_server;

/// The flaw: whoever shows the badge is premium.
fn trusts_the_badge(plain: &CookieJar, _signed: &SignedCookieJar) -> bool {
    plain.get(BADGE_COOKIE).map(|c| c.value() == PREMIUM) == Some(true)
}

/// The opposite mistake: nobody is premium, not even a browser that paid.
fn lets_nobody_in(_plain: &CookieJar, _signed: &SignedCookieJar) -> bool {
    false
}

async fn app(is_premium: yours::PremiumCheck) -> Story {
    spawn_app(
        move |config, _clock| async move { Ok::<_, Infallible>(yours::app(&config, is_premium)) },
    )
    .await
}

const TODO_HINT: &str = "your_test is still a todo!(): write it first (TODO 1 in \
                         exercises/3_forged_cookie.rs), then fix is_premium (TODO 2)";

#[tokio::test]
async fn your_test_fails_against_the_flawed_shop() {
    match test_outcome(yours::your_test(app(trusts_the_badge).await)).await {
        TestOutcome::Failed => {}
        TestOutcome::Todo => hint_assert!(false, "{TODO_HINT}"),
        TestOutcome::Passed => hint_assert!(
            false,
            "your_test passes against the flawed shop, which believes the plain \
             `{BADGE_COOKIE}` cookie: it must fail there. Have a browser that never paid \
             set that cookie by hand, and check that it is still refused with a 403"
        ),
    }
}

#[tokio::test]
async fn your_test_fails_against_a_shop_that_lets_nobody_in() {
    match test_outcome(yours::your_test(app(lets_nobody_in).await)).await {
        TestOutcome::Failed => {}
        TestOutcome::Todo => hint_assert!(false, "{TODO_HINT}"),
        TestOutcome::Passed => hint_assert!(
            false,
            "your_test passes against a shop that lets nobody in, not even a browser that \
             paid: it cannot tell a fix from a shop that locks everybody out. Have a \
             browser pay (POST /api/upgrade) and check that it does get the article (200)"
        ),
    }
}

#[tokio::test]
async fn your_test_passes_against_your_fix() {
    match test_outcome(yours::your_test(app(yours::is_premium).await)).await {
        TestOutcome::Passed => {}
        TestOutcome::Todo => hint_assert!(false, "{TODO_HINT}"),
        TestOutcome::Failed => hint_assert!(
            false,
            "your_test fails against your is_premium (its message is above): either \
             is_premium still has the flaw (TODO 2), or your test expects something that \
             no correct shop does"
        ),
    }
}

async fn upgrade(client: &mut Client) {
    let reply = client
        .send("pay", Method::POST, "/api/upgrade", Payload::None)
        .await;
    hint_assert!(
        reply.status == 200,
        "POST /api/upgrade: {} {}",
        reply.status,
        reply.body
    );
}

async fn premium(client: &mut Client) -> Reply {
    client.get("read", "/api/premium").await
}

/// Checks that `client`, in `situation`, is refused the article.
async fn expect_refused(client: &mut Client, situation: &str) {
    let reply = premium(client).await;
    hint_assert!(
        reply.status == 403 && reply.json() == serde_json::json!({ "error": PREMIUM_ONLY }),
        "With your is_premium: {situation}, so GET /api/premium must be a 403 \
         {{\"error\": \"{PREMIUM_ONLY}\"}}, got {} {}",
        reply.status,
        reply.body
    );
    reply.assert_error(403, PREMIUM_ONLY);
}

#[tokio::test]
async fn your_is_premium_believes_only_the_signed_cookie() {
    let app = app(yours::is_premium).await;

    let mut alice = app.client("Alice");
    upgrade(&mut alice).await;
    let reply = premium(&mut alice).await;
    hint_assert!(
        reply.status == 200,
        "With your is_premium: Alice paid, so GET /api/premium must be a 200 with the \
         article, got {} {}",
        reply.status,
        reply.body
    );
    let genuine = alice.cookie(PLAN_COOKIE).unwrap_or_default();

    let mut carol = app.client("Carol");
    expect_refused(&mut carol, "Carol, with no cookie at all").await;

    let mut mallory = app.client("Mallory");
    mallory.set_cookie(BADGE_COOKIE, PREMIUM);
    expect_refused(&mut mallory, "Mallory typed the badge cookie by hand").await;
    mallory.set_cookie(PLAN_COOKIE, PREMIUM);
    expect_refused(
        &mut mallory,
        "Mallory also typed an unsigned `plan=premium` by hand",
    )
    .await;
    let signature = genuine.strip_suffix(PREMIUM).unwrap_or_default();
    mallory.set_cookie(PLAN_COOKIE, &format!("{signature}premium!"));
    expect_refused(
        &mut mallory,
        "Mallory put Alice's signature in front of another value",
    )
    .await;

    // A signature proves that the server wrote the value, not what the value says.
    let mut frank = app.client("Frank");
    frank.set_cookie(PLAN_COOKIE, &signed_by_the_server(PLAN_COOKIE, "free"));
    expect_refused(
        &mut frank,
        "Frank holds a genuine `plan` cookie, signed with the server's own key, that says \
         `free` (a signature proves who wrote the value, not that it says `premium`: \
         compare the value too)",
    )
    .await;

    // The page's badge is for show: without it, or with it edited, Alice still paid.
    alice.set_cookie(BADGE_COOKIE, "free");
    let reply = premium(&mut alice).await;
    hint_assert!(
        reply.status == 200,
        "With your is_premium: Alice paid, then her badge cookie was changed to `free`, \
         so GET /api/premium must still be a 200 (the badge decides nothing), got {} {}",
        reply.status,
        reply.body
    );
}
