//! Lesson 03's page: register or log in, and `GET /api/session`, the lesson's window on the
//! sealed cookie. The page cannot read the cookie; the server opens it and says whose
//! session it carries, on every load.

use browser::Browser;
use story::{PASSWORD, Story, spawn_app};

use crate::{assert_the_page_cannot_read_the_session_cookie, in_chromium, readme_picture};

async fn lesson_03() -> Story {
    spawn_app(|config, clock| async move { lesson_03_login::app(&config, clock).await }).await
}

// What the page is made of (`lesson-03-login/src/page.html`).
const LOG: &str = "#log";
const MESSAGE: &str = "#message";
/// The JSON `GET /api/session` answered.
const SESSION: &str = "#session";

/// A first visit: no cookie yet, so the server finds no session in it.
async fn first_visit(app: &Story, browser: &Browser) {
    browser.open(&app.url()).await;
    browser
        .wait_for_lines(LOG, &["GET /api/session → 200"])
        .await;
    browser
        .wait_for_lines(SESSION, &[r#"{"user_id":null}"#])
        .await;
    assert_eq!(browser.text("#cookies").await, "(none)");
}

/// Fills in the form and clicks "Log in" or "Register" (`action`).
async fn submit(browser: &Browser, action: &str, username: &str, password: &str) {
    browser.fill("#auth [name=username]", username).await;
    browser.fill("#auth [name=password]", password).await;
    browser
        .click(&format!("#auth button[data-action={action}]"))
        .await;
}

/// Registers Alice on a first visit: the answer sets the cookie, and the next request
/// carries it, so the server finds user 1's session in it.
async fn register_alice(app: &Story, browser: &Browser) {
    first_visit(app, browser).await;
    submit(browser, "register", "alice", PASSWORD).await;
    let log = [
        "GET /api/session → 200",
        "POST /api/register → 201",
        "GET /api/session → 200",
    ];
    browser.wait_for_lines(LOG, &log).await;
    browser
        .wait_for_lines(MESSAGE, &["Logged in as alice."])
        .await;
    browser.wait_for_lines(SESSION, &[r#"{"user_id":1}"#]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_finds_no_session() {
    let app = lesson_03().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-03/first-visit").await;
        first_visit(&app, &browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_seals_the_session_into_a_cookie_the_page_cannot_read() {
    let app = lesson_03().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-03/register").await;
        register_alice(&app, &browser).await;
        assert_eq!(
            browser.text("#cookies").await,
            "(none)",
            "the page sees no cookie, though the browser sends one"
        );
        readme_picture(&browser, "lesson-03-login").await;
        assert_the_page_cannot_read_the_session_cookie(&browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_and_a_second_login_find_the_session() {
    let app = lesson_03().await;
    in_chromium(async |chromium| {
        let laptop = chromium.open("lesson-03/reload-laptop").await;
        register_alice(&app, &laptop).await;
        laptop.reload().await;
        laptop
            .wait_for_lines(LOG, &["GET /api/session → 200"])
            .await;
        laptop.wait_for_lines(SESSION, &[r#"{"user_id":1}"#]).await;

        // Another browser logs in as Alice: a cookie of its own, the same user inside.
        let phone = chromium.open("lesson-03/reload-phone").await;
        first_visit(&app, &phone).await;
        submit(&phone, "login", "alice", PASSWORD).await;
        phone.wait_for_text(LOG, "POST /api/login → 200").await;
        phone.wait_for_lines(SESSION, &[r#"{"user_id":1}"#]).await;
        let (laptops, phones) = (
            laptop.cookie("session").await,
            phone.cookie("session").await,
        );
        let (laptops, phones) = (laptops.expect("a cookie"), phones.expect("a cookie"));
        assert_ne!(laptops.value(), phones.value(), "each login seals anew");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_password_shows_the_generic_error_and_changes_nothing() {
    let app = lesson_03().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-03/bad-password").await;
        app.client("Alice").register_ok("alice").await;
        first_visit(&app, &browser).await;
        submit(&browser, "login", "alice", "not her password").await;
        browser
            .wait_for_lines(MESSAGE, &["Invalid credentials"])
            .await;
        let log = [
            "GET /api/session → 200",
            "POST /api/login → 401",
            "GET /api/session → 200",
        ];
        browser.wait_for_lines(LOG, &log).await;
        browser
            .wait_for_lines(SESSION, &[r#"{"user_id":null}"#])
            .await;
        let cookies = browser.cookies().await;
        assert!(cookies.is_empty(), "and no cookie was set: {cookies:?}");
    })
    .await;
}
