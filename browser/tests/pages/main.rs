//! The pages of lessons 04 to 06 in a real Chromium, driven through chromedriver.
//!
//! Each test starts the lesson's real server on 127.0.0.1 (port 0) with the shared test
//! app, starts chromedriver and one Chromium (two for lesson 06's second device), and does
//! what a person would: open the page, fill in a form, click, reload. It checks what the
//! page shows, its log ("What the page asked"), and the cookies the browser holds.
//!
//! They need Chromium and chromedriver, so `cargo test --workspace` skips them:
//!
//! ```sh
//! cargo test -p browser -- --ignored
//! ```
//!
//! Each browser saves a screenshot of its last state in `target/tmp/screenshots/`.
//! `UPDATE_SCREENSHOTS=1` also rewrites the pictures in the lessons' READMEs.

mod lesson_04;
mod lesson_05;
mod lesson_06;

use std::path::Path;

use browser::{Browser, Chromedriver};
use serde_json::json;

/// Starts chromedriver; its browsers save their screenshots under the target folder.
pub async fn chromedriver() -> Chromedriver {
    Chromedriver::start(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")).await
}

/// The session cookie is in the browser's jar, `HttpOnly`, and the page's own JavaScript
/// cannot see it: `document.cookie` lists a cookie the page set itself, and not that one.
/// Only a browser enforces this; an HTTP client such as reqwest reads every cookie.
pub async fn assert_the_page_cannot_read_the_session_cookie(browser: &Browser) {
    let session = browser
        .cookie("session")
        .await
        .expect("after a login the browser holds the `session` cookie");
    assert_eq!(
        session["httpOnly"], true,
        "the session cookie is HttpOnly: {session}"
    );
    assert_eq!(session["sameSite"], "Lax", "and SameSite=Lax: {session}");
    assert_eq!(
        session["path"], "/",
        "and sent with every path of the site: {session}"
    );

    // A cookie the page sets itself is readable, so document.cookie does work here...
    browser
        .script("document.cookie = 'theme=dark; path=/'")
        .await;
    let readable = browser.script("return document.cookie").await;
    // ...and the session cookie is not in it.
    assert_eq!(readable, "theme=dark");
    assert_eq!(
        browser.cookies().await.len(),
        2,
        "the browser holds both cookies"
    );
}

/// Puts the session cookie `copy` back into the browser, as someone who saved it could
/// (WebDriver may set even an `HttpOnly` cookie).
pub async fn restore_cookie(browser: &Browser, copy: &serde_json::Value) {
    browser
        .add_cookie(json!({
            "name": copy["name"],
            "value": copy["value"],
            "path": copy["path"],
            "httpOnly": copy["httpOnly"],
            "sameSite": copy["sameSite"],
        }))
        .await;
}

/// The screenshot a lesson's README shows, taken now: saved with the others, and, with
/// `UPDATE_SCREENSHOTS=1`, as `<lesson>/page.png` in the workspace.
pub async fn readme_picture(browser: &Browser, lesson: &str) {
    let saved = browser.screenshot(&format!("{lesson}-page")).await;
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::copy(&saved, workspace.join(lesson).join("page.png"))
            .expect("the README's screenshot written");
    }
}
