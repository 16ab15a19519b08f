//! Lesson 05's page: lesson 04's, with a logout button. Logging out removes the cookie
//! from the browser, yet a saved copy of it still logs in: the session *is* the cookie.

use story::{Story, spawn_app};

use crate::lesson_04::{self, FORMS, LOG, LOGGED_IN};
use crate::{
    assert_the_page_cannot_read_the_session_cookie, in_chromium, readme_picture, restore_cookie,
};

async fn lesson_05() -> Story {
    spawn_app(|config, clock| async move { lesson_05_logout::app(&config, clock).await }).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_shows_the_forms() {
    let app = lesson_05().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-05/first-visit").await;
        lesson_04::first_visit(&app, &browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_stays_logged_in() {
    let app = lesson_05().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-05/reload").await;
        lesson_04::reload_stays_logged_in(&app, &browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_cannot_read_the_session_cookie() {
    let app = lesson_05().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-05/http-only").await;
        lesson_04::register(&app, &browser, "alice").await;
        assert_the_page_cannot_read_the_session_cookie(&browser).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_shows_the_forms_again() {
    let app = lesson_05().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-05/logout").await;
        lesson_04::register(&app, &browser, "alice").await;

        browser.click("#logout").await;
        browser
            .wait_for_lines(
                LOG,
                &[
                    "GET /api/me → 200",
                    "DELETE /api/logout → 204",
                    "GET /api/me → 401",
                ],
            )
            .await;
        browser.wait_for_shown(FORMS).await; // logged out: the forms again
        assert!(!browser.shows(LOGGED_IN).await);
        assert_eq!(
            browser.cookie("session").await,
            None,
            "the browser dropped the cookie"
        );
        readme_picture(&browser, "lesson-05-logout").await;

        browser.reload().await;
        browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
        browser.wait_for_shown(FORMS).await; // and still logged out after a reload
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_copy_of_the_cookie_still_logs_in_after_logout() {
    let app = lesson_05().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-05/saved-copy").await;
        lesson_04::register(&app, &browser, "alice").await;
        let copy = browser.cookie("session").await.expect("the session cookie");

        browser.click("#logout").await;
        browser.wait_for_text(LOG, "DELETE /api/logout → 204").await;
        browser.wait_for_text(LOG, "GET /api/me → 401").await;
        restore_cookie(&browser, &copy).await;
        browser.reload().await;
        // The server kept nothing to cross out: the old cookie is as good as ever.
        browser.wait_for_lines(LOG, &["GET /api/me → 200"]).await;
        browser.wait_for_lines("#username", &["alice"]).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_password_shows_the_generic_error_and_changes_nothing() {
    let app = lesson_05().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-05/bad-password").await;
        lesson_04::bad_password(&app, &browser).await;
    })
    .await;
}
