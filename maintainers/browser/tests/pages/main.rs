//! Every lesson's page in a real Chromium, driven through chromedriver, and lesson 09's
//! attack page on another site.
//!
//! Each test starts the lesson's real server on 127.0.0.1 (port 0) with the shared test
//! app (two for lesson 07, and Mallory's site on 127.0.0.2 for lesson 09), starts
//! chromedriver and one Chromium (two where a test needs a second device), and does what
//! a person would: open the page, fill in a form, click, reload. It checks what the page
//! shows, its log ("What the page asked"), and the cookies the browser holds.
//!
//! They need Debian's Chromium and chromedriver (`apt-get install chromium chromium-driver`);
//! without them each test fails with one line that says so. From `maintainers/`:
//!
//! ```sh
//! cargo test -p browser
//! ```
//!
//! When a test fails, each of its browsers saves a screenshot in `target/tmp/screenshots/`.
//! `UPDATE_SCREENSHOTS=1` also rewrites the pictures in the lessons' READMEs.

mod lesson_01;
mod lesson_02;
mod lesson_03;
mod lesson_04;
mod lesson_05;
mod lesson_06;
mod lesson_07;
mod lesson_08;
mod lesson_09;

use std::path::Path;

use browser::{Browser, Chromedriver, Cookie, SameSite};

/// Runs `test` with a chromedriver of its own; its browsers save their screenshots under
/// the target folder.
pub async fn in_chromium(test: impl AsyncFnOnce(&Chromedriver)) {
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    browser::in_chromium(&screenshots, test).await;
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
        session.http_only(),
        Some(true),
        "the session cookie is HttpOnly: {session}"
    );
    assert_eq!(
        session.same_site(),
        Some(SameSite::Lax),
        "and SameSite=Lax: {session}"
    );
    assert_eq!(
        session.path(),
        Some("/"),
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
pub async fn restore_cookie(browser: &Browser, copy: &Cookie<'static>) {
    let mut cookie = Cookie::new(copy.name().to_owned(), copy.value().to_owned());
    // The copy's own domain: fantoccini sends a missing one as `null`, which chromedriver
    // refuses.
    if let Some(domain) = copy.domain() {
        cookie.set_domain(domain.to_owned());
    }
    if let Some(path) = copy.path() {
        cookie.set_path(path.to_owned());
    }
    cookie.set_http_only(copy.http_only());
    cookie.set_same_site(copy.same_site());
    browser.add_cookie(cookie).await;
    let restored = browser.cookie(copy.name()).await;
    assert_eq!(
        restored.as_ref().map(Cookie::value),
        Some(copy.value()),
        "the copy is back in the browser's jar"
    );
}

/// The screenshot a lesson's README shows, taken now: saved with the others, and, with
/// `UPDATE_SCREENSHOTS=1`, as `<lesson>/page.png` in the course's folder.
pub async fn readme_picture(browser: &Browser, lesson: &str) {
    readme_picture_named(browser, lesson, "page").await;
}

/// [`readme_picture`] for a lesson with more than one: `<lesson>/<name>.png`.
pub async fn readme_picture_named(browser: &Browser, lesson: &str, name: &str) {
    let saved = browser.screenshot(&format!("{lesson}-{name}")).await;
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        std::fs::copy(&saved, course.join(lesson).join(format!("{name}.png")))
            .expect("the README's screenshot written");
    }
}
