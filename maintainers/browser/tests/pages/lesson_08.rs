//! Lesson 08: lesson 06's page, behind the login throttle. The page shows the server's
//! `error` for every refused login, so after three wrong passwords the fourth shows the
//! `429`'s message: checked against nothing, not even the right password.

use std::time::Duration;

use browser::Browser;
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::Policy;
use story::{PASSWORD, Story, spawn_app};

use crate::{in_chromium, readme_picture};

async fn lesson_08() -> Story {
    spawn_app(|config, clock| async move {
        lesson_08_brute_force::app(&config, clock, Timeouts::default(), Policy::default()).await
    })
    .await
}

// What lesson 06's page is made of (`lesson-06-server-sessions/src/page.html`).
const FORMS: &str = "#logged-out";
const LOG: &str = "#log";
const MESSAGE: &str = "#message";

/// Types `password` for alice and clicks "Log in".
async fn log_in(browser: &Browser, password: &str) {
    browser.fill("#auth [name=username]", "alice").await;
    browser.fill("#auth [name=password]", password).await;
    browser.click("#auth button[data-action=login]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fourth_wrong_password_in_a_row_shows_the_throttles_message() {
    let app = lesson_08().await;
    app.client("Alice").register_ok("alice").await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-08/throttled").await;
        browser.open(&app.url()).await;
        let mut log = vec!["GET /api/me → 401"];
        browser.wait_for_lines(LOG, &log).await;

        // Three wrong guesses are checked, each answered with the one generic error.
        for guess in ["123456", "password", "qwerty123"] {
            log_in(&browser, guess).await;
            log.push("POST /api/login → 401");
            browser.wait_for_lines(LOG, &log).await;
            browser
                .wait_for_lines(MESSAGE, &["Invalid credentials"])
                .await;
        }
        // The fourth must wait: refused before any password is checked.
        log_in(&browser, "letmein1").await;
        log.push("POST /api/login → 429");
        browser.wait_for_lines(LOG, &log).await;
        let refused = "Too many failed logins: try again in 1 second";
        browser.wait_for_lines(MESSAGE, &[refused]).await;
        readme_picture(&browser, "lesson-08-brute-force").await;

        // Even the right password waits, until the second has passed.
        log_in(&browser, PASSWORD).await;
        log.push("POST /api/login → 429");
        browser.wait_for_lines(LOG, &log).await;
        browser.wait_for_lines(MESSAGE, &[refused]).await;
        assert!(browser.shows(FORMS).await);
        assert!(browser.cookie("session").await.is_none());

        app.advance_clock(Duration::from_secs(1));
        log_in(&browser, PASSWORD).await;
        log.extend(["POST /api/login → 200", "GET /api/sessions → 200"]);
        browser.wait_for_lines(LOG, &log).await;
        browser.wait_for_lines("#username", &["alice"]).await;
    })
    .await;
}
