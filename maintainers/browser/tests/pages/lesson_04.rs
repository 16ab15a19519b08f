//! Lesson 04's page: it asks `/api/me` on every load, and moves to `/welcome` after a
//! login or a registration. Lesson 05 serves the same page, so its tests reuse these steps.

use browser::Browser;
use story::{PASSWORD, Story, spawn_app};

use crate::{assert_the_page_cannot_read_the_session_cookie, in_chromium, readme_picture};

pub async fn lesson_04() -> Story {
    spawn_app(|config, clock| async move { lesson_04_me::app(&config, clock).await }).await
}

// What the page is made of (`lesson-04-me/src/page.html`).
pub const FORMS: &str = "#anonymous";
pub const LOGGED_IN: &str = "#logged-in";
pub const LOG: &str = "#log";
pub const LOGIN: &str = r#"form[data-path="/api/login"]"#;
pub const REGISTER: &str = r#"form[data-path="/api/register"]"#;

/// A first visit: the page asks who we are, hears 401, shows the forms.
pub async fn first_visit(app: &Story, browser: &Browser) {
    browser.open(&app.url()).await;
    browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
    browser.wait_for_shown(FORMS).await; // nobody is logged in: the forms
    assert!(!browser.shows(LOGGED_IN).await);
}

/// Fills in `form` (REGISTER or LOGIN) and sends it.
pub async fn submit(browser: &Browser, form: &str, username: &str, password: &str) {
    browser
        .fill(&format!("{form} [name=username]"), username)
        .await;
    browser
        .fill(&format!("{form} [name=password]"), password)
        .await;
    browser.click(&format!("{form} button")).await;
}

/// Registers `username` from the first page. The page moves on to `/welcome`, a new page
/// that knows nothing of the registration: its first request asks who we are.
pub async fn register(app: &Story, browser: &Browser, username: &str) {
    first_visit(app, browser).await;
    submit(browser, REGISTER, username, PASSWORD).await;
    browser.wait_for_path("/welcome").await;
    browser.wait_for_lines(LOG, &["GET /api/me → 200"]).await;
    browser.wait_for_lines("#username", &[username]).await;
    assert!(
        browser.shows("#fresh").await,
        "the welcome page says it started afresh"
    );
    assert!(!browser.shows(FORMS).await);
}

/// Reloading, or going back to the first page, keeps Alice logged in: each page load asks
/// `/api/me` again, and the browser sends the cookie with it.
pub async fn reload_stays_logged_in(app: &Story, browser: &Browser) {
    register(app, browser, "alice").await;
    browser.reload().await;
    browser.wait_for_lines(LOG, &["GET /api/me → 200"]).await;
    browser.wait_for_lines("#username", &["alice"]).await;

    browser.click("#to-start").await;
    browser.wait_for_path("/").await;
    browser.wait_for_lines(LOG, &["GET /api/me → 200"]).await;
    browser.wait_for_lines("#username", &["alice"]).await;
    assert!(!browser.shows(FORMS).await);
}

/// A wrong password shows the one generic error, and nothing else changes: same page, the
/// forms, no cookie.
pub async fn bad_password(app: &Story, browser: &Browser) {
    app.client("Alice").register_ok("alice").await;
    first_visit(app, browser).await;
    submit(browser, LOGIN, "alice", "not her password").await;
    browser.wait_for_text("#error", "Invalid credentials").await;
    assert_eq!(browser.text("#error").await, "Invalid credentials");
    browser
        .wait_for_lines(LOG, &["GET /api/me → 401", "POST /api/login → 401"])
        .await;
    assert_eq!(browser.path().await, "/", "the page stays where it was");
    assert!(browser.shows(FORMS).await);
    assert!(!browser.shows(LOGGED_IN).await);
    let cookies = browser.cookies().await;
    assert!(cookies.is_empty(), "and no cookie was set: {cookies:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_shows_the_forms() {
    let app = lesson_04().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-04/first-visit").await;
        first_visit(&app, &browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_leads_to_the_welcome_page_which_asks_who_we_are() {
    let app = lesson_04().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-04/register").await;
        register(&app, &browser, "alice").await;
        assert!(
            !browser.shows("#logout").await,
            "lesson 04 has no logout yet"
        );
        readme_picture(&browser, "lesson-04-me").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_stays_logged_in() {
    let app = lesson_04().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-04/reload").await;
        reload_stays_logged_in(&app, &browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_cannot_read_the_session_cookie() {
    let app = lesson_04().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-04/http-only").await;
        register(&app, &browser, "alice").await;
        assert_the_page_cannot_read_the_session_cookie(&browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_password_shows_the_generic_error_and_changes_nothing() {
    let app = lesson_04().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-04/bad-password").await;
        bad_password(&app, &browser).await;
    })
    .await;
}
