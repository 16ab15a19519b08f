//! Lesson 01's page: it asks `/api/me` on every load, and the server answers with its one
//! `current_user`, whichever browser asks. Two browsers that share nothing, not even a
//! cookie, end up with each other's user.

use browser::Browser;
use story::{PASSWORD, Story, spawn_app};

use crate::{in_chromium, readme_picture};

async fn lesson_01() -> Story {
    spawn_app(|config, clock| async move { lesson_01_stateless::app(&config, clock).await }).await
}

// What the page is made of (`lesson-01-stateless/src/page.html`).
const LOG: &str = "#log";
const MESSAGE: &str = "#message";
/// Who the server says this browser is: a username, or "nobody".
const WHO: &str = "#username";
const LOGIN: &str = r#"form[data-path="/api/login"]"#;
const REGISTER: &str = r#"form[data-path="/api/register"]"#;

/// Fills in `form` (REGISTER or LOGIN) and sends it.
async fn submit(browser: &Browser, form: &str, username: &str, password: &str) {
    browser
        .fill(&format!("{form} [name=username]"), username)
        .await;
    browser
        .fill(&format!("{form} [name=password]"), password)
        .await;
    browser.click(&format!("{form} button")).await;
}

/// Registers `username` and logs in, from the page. Registering does not log in here: the
/// page says so, and the login that follows writes the server's one `current_user`.
async fn register_and_log_in(browser: &Browser, username: &str) {
    submit(browser, REGISTER, username, PASSWORD).await;
    browser
        .wait_for_lines(MESSAGE, &[&format!("Registered {username}. Now log in.")])
        .await;
    submit(browser, LOGIN, username, PASSWORD).await;
    browser.wait_for_text(LOG, "POST /api/login → 200").await;
    browser.wait_for_lines(WHO, &[username]).await;
}

/// The page sees no cookie, and the browser holds none: nothing in its requests says which
/// browser sent them.
async fn assert_no_cookie(browser: &Browser) {
    assert_eq!(browser.text("#cookies").await, "(none)");
    let cookies = browser.cookies().await;
    assert!(cookies.is_empty(), "lesson 01 sets no cookie: {cookies:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_shows_nobody_and_no_cookie() {
    let app = lesson_01().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-01/first-visit").await;
        browser.open(&app.url()).await;
        browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
        browser.wait_for_lines(WHO, &["nobody"]).await;
        assert_no_cookie(&browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_browsers_end_up_with_each_others_user() {
    let app = lesson_01().await;
    in_chromium(async |chromium| {
        // Two browsers with a profile each: nothing shared, like two computers.
        let alices = chromium.open("lesson-01/two-browsers-alice").await;
        let bobs = chromium.open("lesson-01/two-browsers-bob").await;

        alices.open(&app.url()).await;
        alices.wait_for_lines(WHO, &["nobody"]).await;
        register_and_log_in(&alices, "alice").await;

        // Bob has not logged in, and his first visit is told he is Alice.
        bobs.open(&app.url()).await;
        bobs.wait_for_lines(LOG, &["GET /api/me → 200"]).await;
        bobs.wait_for_lines(WHO, &["alice"]).await;
        register_and_log_in(&bobs, "bob").await;

        // Alice did nothing but reload, and she is Bob now.
        alices.reload().await;
        alices.wait_for_lines(LOG, &["GET /api/me → 200"]).await;
        alices.wait_for_lines(WHO, &["bob"]).await;
        readme_picture(&alices, "lesson-01-stateless").await;

        // Neither browser holds anything the server could tell them apart by.
        assert_no_cookie(&alices).await;
        assert_no_cookie(&bobs).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_password_shows_the_generic_error_and_changes_nothing() {
    let app = lesson_01().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-01/bad-password").await;
        app.client("Alice").register_ok("alice").await;
        browser.open(&app.url()).await;
        browser.wait_for_lines(WHO, &["nobody"]).await;
        submit(&browser, LOGIN, "alice", "not her password").await;
        browser
            .wait_for_lines(MESSAGE, &["Invalid credentials"])
            .await;
        browser
            .wait_for_lines(LOG, &["GET /api/me → 401", "POST /api/login → 401"])
            .await;
        assert_eq!(browser.text(WHO).await, "nobody");
    })
    .await;
}
