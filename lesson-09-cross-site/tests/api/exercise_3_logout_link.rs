//! The check of break-it 09-3 (`cargo course check 09-3-logout-link`): your test must fail
//! against a "log out everywhere" that a GET triggers, and pass against your fixed route;
//! and your route must end every session for a request from this site, and for nothing
//! a link can send.
//!
//! It tests `solutions/3_logout_link.rs`, or with `--features 09-3-logout-link` your
//! `exercises/3_logout_link.rs`, mounted on lesson 09's server.

// The reference, or with `--features 09-3-logout-link` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "09-3-logout-link")))]
#[path = "../../exercises/3_logout_link.rs"]
mod starter;
#[cfg(not(feature = "09-3-logout-link"))]
#[path = "../../solutions/3_logout_link.rs"]
mod yours;
#[cfg(feature = "09-3-logout-link")]
#[path = "../../exercises/3_logout_link.rs"]
mod yours;

use axum::Router;
use axum::routing::{MethodRouter, get};
use lesson_06_server_sessions::AppState as SessionState;
use story::{Client, Method, Payload, Story, hint_assert, spawn_app, test_fails};

/// Lesson 09's server with `route` at `/api/logout-everywhere`, behind its cross-site check.
async fn server(route: MethodRouter<SessionState>) -> Story {
    spawn_app(|config, clock| async move {
        let state = lesson_09_cross_site::state(
            &config,
            clock,
            lesson_06_server_sessions::Timeouts::default(),
            lesson_08_brute_force::Policy::default(),
        )
        .await?;
        let extra = Router::new()
            .route("/api/logout-everywhere", route)
            .with_state(state.lesson_06.clone());
        Ok::<_, sqlx::Error>(lesson_09_cross_site::refusing_cross_site(
            lesson_09_cross_site::unchecked(state).merge(extra),
        ))
    })
    .await
}

/// The flaw, as the starter has it.
fn flawed() -> MethodRouter<SessionState> {
    get(yours::logout_everywhere)
}

/// Alice, logged in on her laptop and her phone.
async fn alice_on_two_devices(app: &Story) -> (Client, Client) {
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let mut phone = app.client("Phone");
    assert_eq!(phone.login("alice", story::PASSWORD).await.status, 200);
    (laptop, phone)
}

#[tokio::test]
async fn your_test_fails_against_the_flawed_route() {
    let app = server(flawed()).await;
    hint_assert!(
        test_fails(yours::your_test(app)).await,
        "1 of 3: your test PASSES against the flawed route, where a GET from a link on \
         another site logs Alice out everywhere. It must fail there: send what her browser \
         sends when she follows the link (her cookie goes along with a top-level GET), then \
         check whether she is still logged in"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_route() {
    let app = server(yours::logout_everywhere_route()).await;
    hint_assert!(
        !test_fails(yours::your_test(app)).await,
        "2 of 3: your test FAILS against your own route (see the panic above). Is your test \
         still a todo!(), or the route not fixed yet? Once fixed, following the link must \
         leave Alice logged in"
    );
}

#[tokio::test]
async fn no_request_a_link_can_send_logs_anyone_out() {
    let app = server(yours::logout_everywhere_route()).await;
    let (mut laptop, _phone) = alice_on_two_devices(&app).await;
    for (what, headers) in [
        (
            "a link on another site (Sec-Fetch-Site: cross-site)",
            vec![("sec-fetch-site", "cross-site")],
        ),
        (
            "a link, over plain HTTP where browsers send no Sec-Fetch-Site",
            vec![],
        ),
    ] {
        let mut link = app.client("Link");
        for (name, value) in &headers {
            link = link.header(name, value);
        }
        link.restore_cookies(&laptop.cookies());
        link.get("follow the link", "/api/logout-everywhere").await;
        let me = laptop.me().await;
        hint_assert!(
            me.status == 200,
            "3 of 3: a GET from {what} ended Alice's session: nothing may change on a GET, \
             whoever sends it. Serve \"log out everywhere\" on a method a link cannot use"
        );
    }
}

#[tokio::test]
async fn the_page_can_still_log_out_everywhere() {
    let app = server(yours::logout_everywhere_route()).await;
    let (laptop, mut phone) = alice_on_two_devices(&app).await;
    let mut page = app
        .client("Our page")
        .header("sec-fetch-site", "same-origin");
    page.restore_cookies(&laptop.cookies());
    let mut statuses = Vec::new();
    for method in [Method::DELETE, Method::POST] {
        let reply = page
            .send(
                "log out everywhere",
                method.clone(),
                "/api/logout-everywhere",
                Payload::None,
            )
            .await;
        statuses.push(reply.status);
        if reply.status == 204 {
            break;
        }
    }
    let phone_me = phone.me().await;
    hint_assert!(
        statuses.contains(&204) && phone_me.status == 401,
        "3 of 3: our own page must still be able to log out everywhere, with a DELETE (or a \
         POST): it got {statuses:?}, and the phone's session answered {} afterwards",
        phone_me.status
    );
    let mut forged = app
        .client("Mallory's page")
        .header("sec-fetch-site", "cross-site");
    forged.restore_cookies(&laptop.cookies());
    let reply = forged
        .send(
            "a forged logout",
            Method::DELETE,
            "/api/logout-everywhere",
            Payload::None,
        )
        .await;
    hint_assert!(
        reply.status == 403 || reply.status == 401,
        "3 of 3: the same request from another site must still be refused (403 by the \
         lesson's check), got {}",
        reply.status
    );
}
