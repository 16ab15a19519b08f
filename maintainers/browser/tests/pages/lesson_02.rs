//! Lesson 02's page: the plain, signed and private counters side by side. The page's
//! JavaScript sees none of the three cookies (all are `HttpOnly`), and cannot overwrite
//! them; the browser's user can, in the developer tools, which is what the tests do
//! through WebDriver. The server believes a forged plain count, and starts the signed and
//! private ones over.

use browser::{Browser, Cookie};
use story::{Story, spawn_app};

use crate::{in_chromium, readme_picture, restore_cookie};

async fn lesson_02() -> Story {
    spawn_app(|config, _clock| async move { Ok::<_, String>(lesson_02_cookies::app(&config)) })
        .await
}

// What the page is made of (`lesson-02-cookies/src/page.html`): per counter, a button,
// the count the server answered, and what `document.cookie` shows of its cookie.
const COUNTERS: [&str; 3] = ["plain", "signed", "private"];
const LOG: &str = "#log";

/// Clicks `counter`'s button and waits for the count the server answers.
async fn count_a_visit(browser: &Browser, counter: &str, expected: u64) {
    browser
        .click(&format!("button[data-counter={counter}]"))
        .await;
    browser
        .wait_for_lines(&format!("#{counter}"), &[&expected.to_string()])
        .await;
}

/// Changes the value of the cookie `name` in the browser's jar, as its user would in the
/// developer tools, keeping its attributes.
async fn edit_cookie(browser: &Browser, name: &str, edit: impl FnOnce(&str) -> String) {
    let cookie = browser.cookie(name).await.expect("the counter's cookie");
    let mut edited = Cookie::new(name.to_owned(), edit(cookie.value()));
    edited.set_domain(cookie.domain().expect("a domain").to_owned());
    edited.set_path("/");
    edited.set_http_only(cookie.http_only());
    edited.set_same_site(cookie.same_site());
    restore_cookie(browser, &edited).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_counter_counts_in_its_own_cookie_which_the_page_cannot_see() {
    let app = lesson_02().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-02/counters").await;
        browser.open(&app.url()).await;
        for counter in COUNTERS {
            count_a_visit(&browser, counter, 1).await;
            count_a_visit(&browser, counter, 2).await;
        }
        let log = [
            "GET /api/visits → 200",
            "GET /api/visits → 200",
            "GET /api/visits/signed → 200",
            "GET /api/visits/signed → 200",
            "GET /api/visits/private → 200",
            "GET /api/visits/private → 200",
        ];
        browser.wait_for_lines(LOG, &log).await;

        // The browser holds the three cookies; the page sees none of them.
        for counter in COUNTERS {
            let seen = browser.text(&format!("#{counter}-seen")).await;
            assert_eq!(seen, "nothing (HttpOnly)", "{counter}");
        }
        assert_eq!(browser.script("return document.cookie").await, "");
        let plain = browser.cookie("visits").await.expect("the plain cookie");
        assert_eq!(plain.value(), "2", "the plain count, as anyone can read it");
        assert_eq!(plain.http_only(), Some(true));
        let signed = browser.cookie("visits_signed").await.expect("signed");
        assert!(
            signed.value().ends_with('2'),
            "readable after its signature: {signed}"
        );
        let private = browser.cookie("visits_private").await.expect("private");
        assert!(
            private.value().parse::<u64>().is_err(),
            "no count to read: {private}"
        );

        // And its JavaScript cannot overwrite them: the browser ignores the attempt.
        browser
            .script("document.cookie = 'visits=1000; path=/'")
            .await;
        let plain = browser.cookie("visits").await.expect("the plain cookie");
        assert_eq!(
            plain.value(),
            "2",
            "an HttpOnly cookie is not the page's to set"
        );
        count_a_visit(&browser, "plain", 3).await;

        // Another browser has its own cookies, so its own counts.
        let other = chromium.open("lesson-02/counters-other").await;
        other.open(&app.url()).await;
        count_a_visit(&other, "plain", 1).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_plain_count_is_believed_and_a_forged_signed_or_private_one_starts_over() {
    let app = lesson_02().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-02/forged").await;
        browser.open(&app.url()).await;
        for counter in COUNTERS {
            count_a_visit(&browser, counter, 1).await;
            count_a_visit(&browser, counter, 2).await;
        }

        // The user edits each cookie in the developer tools, then counts again.
        edit_cookie(&browser, "visits", |_| "1000".to_owned()).await;
        count_a_visit(&browser, "plain", 1001).await; // believed

        // Keep the signature, change the count after it.
        let forged = |value: &str| {
            let signature = value.strip_suffix('2').expect("the signature, then 2");
            format!("{signature}1000")
        };
        edit_cookie(&browser, "visits_signed", forged).await;
        count_a_visit(&browser, "signed", 1).await; // the signature does not match

        // Change one character of what the browser cannot read.
        let flipped = |value: &str| {
            let (first, rest) = value.split_at(1);
            format!("{}{rest}", if first == "A" { "B" } else { "A" })
        };
        edit_cookie(&browser, "visits_private", flipped).await;
        count_a_visit(&browser, "private", 1).await; // the tag does not match
        readme_picture(&browser, "lesson-02-cookies").await;
    })
    .await;
}
