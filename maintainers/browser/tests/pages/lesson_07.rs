//! Lesson 07's two servers, A and B, each serving its lesson's page (lesson 06's for the
//! sessions in the database, lesson 05's for the sealed cookies). One browser opens both.
//! A cookie belongs to a host, not to a port, so the browser sends the cookie A set to B
//! as well; whether B recognises it is what the lesson is about.

use browser::Browser;
use lesson_06_server_sessions::Timeouts;
use lesson_07_two_servers::{Server, Sessions, database_app, sealed_app};
use story::{PASSWORD, Story};

use crate::lesson_04;
use crate::{in_chromium, readme_picture};

/// Servers A and B of one deployment (one database, one secret), and their addresses.
struct TwoServers {
    /// Holds the servers and their database.
    _story: Story,
    a: String,
    b: String,
}

/// Starts A and B, both running the app of `sessions`: lesson 06's or lesson 05's.
async fn two_servers(sessions: Sessions) -> TwoServers {
    let mut story = Story::recording();
    let deployment = story.config();
    let mut urls = Vec::new();
    for server in Server::BOTH {
        let config = server.config(&deployment);
        let app = match sessions {
            Sessions::Database => database_app(&config, story.clock(), Timeouts::default()).await,
            Sessions::Sealed => sealed_app(&config, story.clock()).await,
        };
        let app = app.expect("the shared database opens");
        story.start_named_server(server.name(), app).await;
        story.use_server(server.name());
        urls.push(story.url());
    }
    let [a, b] = <[String; 2]>::try_from(urls).expect("two servers");
    TwoServers {
        _story: story,
        a,
        b,
    }
}

// What lesson 06's page is made of (`lesson-06-server-sessions/src/page.html`).
const FORMS: &str = "#logged-out";
const LOG: &str = "#log";
const MESSAGE: &str = "#message";
const SESSION_ROWS: &str = "#sessions tr";
const THIS_BROWSER: &str = "#sessions tr.current";

/// Opens lesson 06's page at `url` and waits for the first answers: logged in as
/// `username` (with `sessions` rows listed), or logged out.
async fn open_page(browser: &Browser, url: &str, username: Option<&str>, sessions: usize) {
    browser.open(url).await;
    match username {
        Some(username) => {
            let log = ["GET /api/me → 200", "GET /api/sessions → 200"];
            browser.wait_for_lines(LOG, &log).await;
            browser.wait_for_lines("#username", &[username]).await;
            browser.wait_for_count(SESSION_ROWS, sessions).await;
            assert_eq!(browser.count(THIS_BROWSER).await, 1);
        }
        None => {
            browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
            browser.wait_for_shown(FORMS).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_on_a_is_recognised_on_b_and_a_logout_on_b_ends_it_on_a() {
    let servers = two_servers(Sessions::Database).await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-07/database").await;
        // Alice registers on A's page.
        open_page(&browser, &servers.a, None, 0).await;
        browser.fill("#auth [name=username]", "alice").await;
        browser.fill("#auth [name=password]", PASSWORD).await;
        browser.click("#auth button[data-action=register]").await;
        browser.wait_for_text(LOG, "POST /api/register → 201").await;
        browser.wait_for_count(SESSION_ROWS, 1).await;
        let cookie_from_a = browser.cookie("session").await.expect("A's cookie");

        // Her next page comes from B, which never saw her log in. The browser sends it the
        // cookie A set (same host, another port), and B finds the session A wrote.
        open_page(&browser, &servers.b, Some("alice"), 1).await;
        assert_eq!(
            browser.cookie("session").await,
            Some(cookie_from_a),
            "one cookie for the host, whichever port set it"
        );
        readme_picture(&browser, "lesson-07-two-servers").await;

        // She logs out on B; A asks the same database, and the session is gone there too.
        browser.click("#logout").await;
        browser.wait_for_text(MESSAGE, "Logged out.").await;
        open_page(&browser, &servers.a, None, 0).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_sealed_on_a_opens_on_b_with_the_same_secret() {
    let servers = two_servers(Sessions::Sealed).await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-07/sealed").await;
        // Lesson 05's page, on A: register, then its welcome page, still on A.
        browser.open(&servers.a).await;
        browser
            .wait_for_lines(lesson_04::LOG, &["GET /api/me → 401"])
            .await;
        lesson_04::submit(&browser, lesson_04::REGISTER, "alice", PASSWORD).await;
        browser.wait_for_path("/welcome").await;
        browser.wait_for_lines("#username", &["alice"]).await;

        // On B: B opens the cookie A sealed, with the secret they share.
        browser.open(&servers.b).await;
        browser
            .wait_for_lines(lesson_04::LOG, &["GET /api/me → 200"])
            .await;
        browser.wait_for_lines("#username", &["alice"]).await;
        assert!(!browser.shows(lesson_04::FORMS).await);
    })
    .await;
}
