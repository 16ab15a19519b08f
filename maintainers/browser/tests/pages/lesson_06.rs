//! Lesson 06's page: the session lives on the server, so the page can list the sessions and
//! end one, and an ended session's cookie is worth nothing, in this browser or another.

use browser::Browser;
use lesson_06_server_sessions::{Timeouts, app};
use story::{PASSWORD, Story, spawn_app};

use crate::{
    assert_the_page_cannot_read_the_session_cookie, in_chromium, readme_picture, restore_cookie,
};

async fn lesson_06() -> Story {
    spawn_app(|config, clock| async move { app(&config, clock, Timeouts::default()).await }).await
}

// What the page is made of (`lesson-06-server-sessions/src/page.html`).
const FORMS: &str = "#logged-out";
const LOGGED_IN: &str = "#logged-in";
const LOG: &str = "#log";
const MESSAGE: &str = "#message";
/// One row per live session of the user; this browser's is marked `current`.
const SESSION_ROWS: &str = "#sessions tr";
const THIS_BROWSER: &str = "#sessions tr.current";

async fn first_visit(app: &Story, browser: &Browser) {
    browser.open(&app.url()).await;
    browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
    browser.wait_for_shown(FORMS).await; // nobody is logged in: the form
    assert!(!browser.shows(LOGGED_IN).await);
}

/// Fills in the form and clicks "Log in" or "Register" (`action`).
async fn submit(browser: &Browser, action: &str, username: &str, password: &str) {
    browser.fill("#auth [name=username]", username).await;
    browser.fill("#auth [name=password]", password).await;
    browser
        .click(&format!("#auth button[data-action={action}]"))
        .await;
}

/// Registers `username` on a first visit. The page stays, and lists the sessions: one,
/// this browser's.
async fn register(app: &Story, browser: &Browser, username: &str) {
    first_visit(app, browser).await;
    submit(browser, "register", username, PASSWORD).await;
    browser
        .wait_for_lines(
            LOG,
            &[
                "GET /api/me → 401",
                "POST /api/register → 201",
                "GET /api/sessions → 200",
            ],
        )
        .await;
    browser.wait_for_lines("#username", &[username]).await;
    browser.wait_for_count(SESSION_ROWS, 1).await;
    assert_eq!(browser.count(THIS_BROWSER).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_shows_the_forms() {
    let app = lesson_06().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-06/first-visit").await;
        first_visit(&app, &browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_stays_logged_in() {
    let app = lesson_06().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-06/reload").await;
        register(&app, &browser, "alice").await;

        browser.reload().await;
        browser
            .wait_for_lines(LOG, &["GET /api/me → 200", "GET /api/sessions → 200"])
            .await;
        browser.wait_for_lines("#username", &["alice"]).await;
        // The same session as before the reload, not a new one.
        browser.wait_for_count(SESSION_ROWS, 1).await;
        assert_eq!(browser.count(THIS_BROWSER).await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_cannot_read_the_session_cookie() {
    let app = lesson_06().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-06/http-only").await;
        register(&app, &browser, "alice").await;
        assert_the_page_cannot_read_the_session_cookie(&browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_shows_the_forms_and_ends_the_saved_copy_too() {
    let app = lesson_06().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-06/logout").await;
        register(&app, &browser, "alice").await;
        let copy = browser.cookie("session").await.expect("the session cookie");

        browser.click("#logout").await;
        browser.wait_for_text(MESSAGE, "Logged out.").await;
        assert!(
            browser
                .text(LOG)
                .await
                .ends_with("DELETE /api/logout → 204")
        );
        browser.wait_for_shown(FORMS).await; // logged out: the form again
        assert!(!browser.shows(LOGGED_IN).await);
        let cookie = browser.cookie("session").await;
        assert_eq!(cookie, None, "the browser dropped the cookie");

        // Unlike lesson 05, a saved copy is worthless now: its row is gone from the table.
        restore_cookie(&browser, &copy).await;
        browser.reload().await;
        browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
        browser.wait_for_shown(FORMS).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_browser_ends_the_session_of_another() {
    let app = lesson_06().await;
    in_chromium(async |chromium| {
        // Two browsers with a profile each: nothing shared, like a laptop and a phone.
        let laptop = chromium.open("lesson-06/two-browsers-laptop").await;
        let phone = chromium.open("lesson-06/two-browsers-phone").await;
        register(&app, &laptop, "alice").await;
        first_visit(&app, &phone).await;
        submit(&phone, "login", "alice", PASSWORD).await;
        phone
            .wait_for_lines(
                LOG,
                &[
                    "GET /api/me → 401",
                    "POST /api/login → 200",
                    "GET /api/sessions → 200",
                ],
            )
            .await;
        phone.wait_for_count(SESSION_ROWS, 2).await;

        // The laptop refreshes its list: both sessions, its own marked.
        laptop.click("#refresh").await;
        laptop.wait_for_count(SESSION_ROWS, 2).await;
        assert_eq!(laptop.count(THIS_BROWSER).await, 1);
        readme_picture(&laptop, "lesson-06-server-sessions").await;

        // The laptop ends the phone's session: the button on the row that is not its own.
        laptop.click("#sessions tr:not(.current) button").await;
        laptop
            .wait_for_text(MESSAGE, "That session has ended")
            .await;
        laptop.wait_for_count(SESSION_ROWS, 1).await;
        assert_eq!(
            laptop.count(THIS_BROWSER).await,
            1,
            "the laptop's own is left"
        );

        // The phone still holds its cookie, but the server has nothing behind it any more.
        assert!(phone.cookie("session").await.is_some());
        phone.reload().await;
        phone.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
        phone.wait_for_shown(FORMS).await; // the phone is logged out: the form
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_password_shows_the_generic_error_and_changes_nothing() {
    let app = lesson_06().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-06/bad-password").await;
        app.client("Alice").register_ok("alice").await;
        first_visit(&app, &browser).await;
        submit(&browser, "login", "alice", "not her password").await;
        browser
            .wait_for_lines(MESSAGE, &["Invalid credentials"])
            .await;
        let log = ["GET /api/me → 401", "POST /api/login → 401"];
        browser.wait_for_lines(LOG, &log).await;
        assert!(browser.shows(FORMS).await, "the form stays");
        assert!(!browser.shows(LOGGED_IN).await);
        let cookies = browser.cookies().await;
        assert!(cookies.is_empty(), "and no cookie was set: {cookies:?}");
    })
    .await;
}
