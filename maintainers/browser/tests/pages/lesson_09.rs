//! Lesson 09: a page on another site, in the browser where Alice is logged in with us.
//!
//! Mallory's page (`lesson_09_cross_site::weak::ANOTHER_SITE`) is served on 127.0.0.2, the
//! server it attacks (the target) on 127.0.0.1: two addresses, so two sites to the
//! browser. In one Chromium, Alice logs in on the target's page, then opens Mallory's page
//! in a new tab; `?do=<button>` makes the page press that button as it loads, as a real
//! attack page would. Each test then looks at three things:
//! - what the tab shows: a form posted or a link followed moves the tab on to the
//!   target's answer (a JSON page, and its status); a script writes to the page's log;
//! - what reached the target, as the server saw it: whether the browser sent the cookie,
//!   and what it said of where the request came from (`Sec-Fetch-Site`);
//! - whether Alice is still logged in, back in her own tab.
//!
//! The target is the lesson's server, or one of the deliberately weak ones of
//! `lesson_09_cross_site::weak`. What the tests assert is what Chromium does; the lesson's
//! README reports it.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::COOKIE;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{Html, Response};
use axum::routing::get;
use browser::{Browser, SameSite, Tab, wait_until};
use common::serve::Server;
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::Policy;
use lesson_09_cross_site::origin::CROSS_SITE;
use lesson_09_cross_site::weak::{self, ANOTHER_SITE, Weakness};
use story::{PASSWORD, Story, spawn_app};

use crate::{in_chromium, readme_picture, readme_picture_named};

const LESSON: &str = "lesson-09-cross-site";

// What the lesson's page is made of (`lesson-09-cross-site/src/page.html`, the page of
// every target).
const FORMS: &str = "#logged-out";
const LOG: &str = "#log";
const MESSAGE: &str = "#message";
const SESSION_ROWS: &str = "#sessions tr";

/// The server Mallory's page attacks, what reached it, and Mallory's site.
struct Target {
    app: Story,
    arrivals: Arrivals,
    /// Mallory's site, on 127.0.0.2, its page aimed at `app`.
    mallory: Server,
}

impl Target {
    /// The lesson's server, with every defence.
    async fn lesson() -> Target {
        Target::start(None).await
    }

    /// A weak server, without the cross-site check and with "log out everywhere".
    async fn weak(weakness: Weakness) -> Target {
        Target::start(Some(weakness)).await
    }

    async fn start(weakness: Option<Weakness>) -> Target {
        let arrivals = Arrivals::default();
        let recorded = arrivals.clone();
        let app = spawn_app(|config, clock| async move {
            let timeouts = Timeouts::default();
            let state = lesson_09_cross_site::state(&config, clock, timeouts, Policy::default());
            let routes = state.await.map(|state| match weakness {
                None => lesson_09_cross_site::routes(state),
                Some(weakness) => weak::routes(state, weakness),
            });
            routes.map(|routes| recorded.watching(routes))
        })
        .await;
        app.client("Alice").register_ok("alice").await;
        let page = ANOTHER_SITE.replace("{target}", &app.url());
        let routes = Router::new().route("/", get(async move || Html(page)));
        let mallory = Server::start("127.0.0.2:0", routes)
            .await
            .expect("Mallory's site on 127.0.0.2 (on macOS: see lesson 08's README)");
        Target {
            app,
            arrivals,
            mallory,
        }
    }

    /// Mallory's page.
    fn mallorys_page(&self) -> String {
        format!("{}/", self.mallory.url)
    }

    /// Mallory's page, pressing `button` as it loads.
    fn mallorys_page_pressing(&self, button: &str) -> String {
        format!("{}/?do={button}", self.mallory.url)
    }
}

/// What reached the target, one line a request, as the server saw it:
/// `POST /api/password · cross-site · no cookie → 403`: the method and path, what the
/// browser said of where the request came from (`Sec-Fetch-Site`), whether it sent the
/// session cookie, and the status of the answer.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<String>>>);

impl Arrivals {
    /// `routes`, every request that reaches one of them written down on its way out. (A
    /// request that none of them takes, for an unknown path or with a method its route
    /// lacks, gets the JSON 404 or 405 of `common::serve::with_layers` without reaching
    /// them.)
    fn watching(&self, routes: Router) -> Router {
        routes.layer(from_fn_with_state(self.clone(), write_down))
    }

    /// Every request `request` that has reached the server so far: `POST /api/password`,
    /// or `GET /api/me · cross-site` for those another site's page sent.
    fn all(&self, request: &str) -> Vec<String> {
        let arrivals = self.0.lock().expect("not poisoned");
        let prefix = format!("{request} · ");
        let of_request = arrivals.iter().filter(|line| line.starts_with(&prefix));
        of_request.cloned().collect()
    }

    /// Waits until a request `request` (as for [`Arrivals::all`]) has been answered, and
    /// returns its line (the last, if there are several).
    async fn of(&self, request: &str) -> String {
        let what = format!("{request} to reach the server");
        let arrived = wait_until(&what, async || self.all(request), |all| !all.is_empty());
        arrived.await.pop().expect("one")
    }
}

/// The middleware of [`Arrivals::watching`].
async fn write_down(State(arrivals): State<Arrivals>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let site = headers.get("sec-fetch-site");
    let site = site
        .and_then(|site| site.to_str().ok())
        .unwrap_or("no Sec-Fetch-Site");
    let cookies = headers.get_all(COOKIE).iter();
    let cookies = cookies.filter_map(|value| value.to_str().ok());
    let with_session = cookies
        .flat_map(|value| value.split(';'))
        .any(|pair| pair.trim().starts_with("session="));
    let cookie = if with_session {
        "with the cookie"
    } else {
        "no cookie"
    };
    let line = format!(
        "{} {} · {site} · {cookie}",
        request.method(),
        request.uri().path()
    );
    let response = next.run(request).await;
    let line = format!("{line} → {}", response.status().as_u16());
    arrivals.0.lock().expect("not poisoned").push(line);
    response
}

/// Alice logs in on the target's page. Returns her tab, to come back to.
async fn alice_logs_in(target: &Target, browser: &Browser) -> Tab {
    browser.open(&target.app.url()).await;
    browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
    log_in(browser, "alice", PASSWORD).await;
    let log = [
        "GET /api/me → 401",
        "POST /api/login → 200",
        "GET /api/sessions → 200",
    ];
    browser.wait_for_lines(LOG, &log).await;
    browser.wait_for_lines("#username", &["alice"]).await;
    browser.tab().await
}

/// Fills in the page's form and clicks "Log in".
async fn log_in(browser: &Browser, username: &str, password: &str) {
    browser.fill("#auth [name=username]", username).await;
    browser.fill("#auth [name=password]", password).await;
    browser.click("#auth button[data-action=login]").await;
}

/// Waits until the tab, which a form or a link on Mallory's page moved on, shows the
/// target's answer at `path`. Returns the status of that answer and the text shown.
async fn the_tab_moves_on(browser: &Browser, path: &str) -> (u16, String) {
    browser.wait_for_path(path).await;
    (browser.status().await, browser.text("body").await)
}

/// Back in her tab, Alice reloads our page: it knows her, and lists her sessions.
async fn alice_is_still_logged_in(browser: &Browser, ours: &Tab) {
    browser.switch_to(ours).await;
    browser.reload().await;
    let log = ["GET /api/me → 200", "GET /api/sessions → 200"];
    browser.wait_for_lines(LOG, &log).await;
    browser.wait_for_lines("#username", &["alice"]).await;
}

/// Back in her tab, as she left it, Alice refreshes the list of her sessions: hers has
/// ended, and the page shows the form again.
async fn alice_is_logged_out(browser: &Browser, ours: &Tab) {
    browser.switch_to(ours).await;
    browser.click("#refresh").await;
    browser
        .wait_for_lines(MESSAGE, &["Your session has ended."])
        .await;
    assert!(browser.text(LOG).await.ends_with("GET /api/sessions → 401"));
    browser.wait_for_shown(FORMS).await;
}

/// The JSON a tab shows for an answer with this `error`.
fn error(message: &str) -> String {
    format!(r#"{{"error":"{message}"}}"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_own_page_changes_the_password_and_the_check_lets_it_through() {
    let target = Target::lesson().await;
    in_chromium(async |chromium| {
        let laptop = chromium.open("lesson-09/password-laptop").await;
        let phone = chromium.open("lesson-09/password-phone").await;
        alice_logs_in(&target, &laptop).await;
        alice_logs_in(&target, &phone).await;
        // Three sessions: the laptop's, the phone's, and the one her registration began.
        laptop.click("#refresh").await;
        laptop.wait_for_count(SESSION_ROWS, 3).await;
        let before = laptop.cookie("session").await.expect("a session cookie");

        laptop
            .fill("#password [name=current_password]", PASSWORD)
            .await;
        laptop
            .fill("#password [name=new_password]", "battery staple")
            .await;
        laptop.click("#password button").await;
        let changed = "Password changed: every other session has ended.";
        laptop.wait_for_lines(MESSAGE, &[changed]).await;
        laptop.wait_for_count(SESSION_ROWS, 1).await;
        assert!(laptop.text(LOG).await.contains("POST /api/password → 200"));
        readme_picture(&laptop, LESSON).await;

        // Our own page: the browser says so, and the check lets the request through.
        assert_eq!(
            target.arrivals.of("POST /api/password").await,
            "POST /api/password · same-origin · with the cookie → 200"
        );
        let after = laptop.cookie("session").await.expect("a session cookie");
        assert_ne!(
            before.value(),
            after.value(),
            "a new session for this browser"
        );
        // The phone's session has ended with the old password.
        phone.reload().await;
        phone.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
        phone.wait_for_shown(FORMS).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lessons_server_refuses_every_button_of_mallorys_page() {
    let target = Target::lesson().await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-09/mallory").await;
        let ours = alice_logs_in(&target, &browser).await;

        // The link: a top-level GET, which carries a Lax cookie. No such route here, and
        // nothing changes on a GET anyway.
        let mallorys = browser
            .open_in_new_tab(&target.mallorys_page_pressing("link"))
            .await;
        let shown = the_tab_moves_on(&browser, "/api/logout-everywhere").await;
        assert_eq!(shown, (404, error("No such endpoint")));
        alice_is_still_logged_in(&browser, &ours).await;

        // The logout form: no such route either (logging out everywhere here is a DELETE,
        // which no form can send).
        browser.switch_to(&mallorys).await;
        browser
            .open(&target.mallorys_page_pressing("logout-form"))
            .await;
        let shown = the_tab_moves_on(&browser, "/api/logout-everywhere").await;
        assert_eq!(shown, (404, error("No such endpoint")));
        // The other forms: posted without the cookie (Lax), and refused by the check.
        for (button, request) in [
            ("password-form", "POST /api/password"),
            ("login-form", "POST /api/login"),
        ] {
            browser.open(&target.mallorys_page_pressing(button)).await;
            let path = request.trim_start_matches("POST ");
            let shown = the_tab_moves_on(&browser, path).await;
            assert_eq!(shown, (403, error(CROSS_SITE)), "{button}");
            assert_eq!(
                target.arrivals.of(request).await,
                format!("{request} · cross-site · no cookie → 403")
            );
        }
        alice_is_still_logged_in(&browser, &ours).await;

        // The scripts, pressed by hand on Mallory's page.
        browser.switch_to(&mallorys).await;
        browser.open(&target.mallorys_page()).await;
        browser.click("#fetch-password").await;
        let mut seen = vec!["the JSON post was blocked by the browser: Failed to fetch"];
        browser.wait_for_lines(LOG, &seen).await;
        browser.click("#fetch-me").await;
        seen.push("reading who you are was blocked by the browser: Failed to fetch");
        browser.wait_for_lines(LOG, &seen).await;
        readme_picture_named(&browser, LESSON, "mallory").await;
        // The JSON post: its preflight asked for leave, which this server never grants,
        // so the post itself was never sent: the one POST that arrived was the form's.
        assert_eq!(target.arrivals.all("POST /api/password").len(), 1);
        // Who Alice is: asked without the cookie (Lax), and the answer kept from the
        // script (no CORS header allows it).
        assert_eq!(
            target.arrivals.of("GET /api/me · cross-site").await,
            "GET /api/me · cross-site · no cookie → 401"
        );
        alice_is_still_logged_in(&browser, &ours).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_a_get_changes_state_a_link_on_another_site_logs_alice_out() {
    let target = Target::weak(Weakness::StateChangeOnGet).await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-09/weak-get").await;
        let ours = alice_logs_in(&target, &browser).await;

        let page = target.mallorys_page_pressing("link");
        let mallorys = browser.open_in_new_tab(&page).await;
        // A top-level GET carries the Lax cookie: the forgery works.
        assert_eq!(
            target.arrivals.of("GET /api/logout-everywhere").await,
            "GET /api/logout-everywhere · cross-site · with the cookie → 204"
        );
        alice_is_logged_out(&browser, &ours).await;
        readme_picture_named(&browser, LESSON, "weak-get").await;
        // `204 No Content` gave the browser nothing to show: Mallory's page stayed.
        browser.switch_to(&mallorys).await;
        assert_eq!(browser.url().await, page);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lax_cookie_stays_home_from_another_sites_form_post() {
    let target = Target::weak(Weakness::FormPost).await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-09/weak-form").await;
        let ours = alice_logs_in(&target, &browser).await;
        let cookie = browser.cookie("session").await.expect("the session cookie");
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));

        // Posted from another site: the browser leaves the Lax cookie out, and the server
        // sees nobody.
        browser
            .open_in_new_tab(&target.mallorys_page_pressing("logout-form"))
            .await;
        let shown = the_tab_moves_on(&browser, "/api/logout-everywhere").await;
        assert_eq!(shown, (401, error("Not logged in")));
        assert_eq!(
            target.arrivals.of("POST /api/logout-everywhere").await,
            "POST /api/logout-everywhere · cross-site · no cookie → 401"
        );
        alice_is_still_logged_in(&browser, &ours).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_without_same_site_goes_with_another_sites_form_right_after_login() {
    let target = Target::weak(Weakness::FormPostNoSameSite).await;
    // The server names no SameSite...
    let login = target.app.client("Check").login("alice", PASSWORD).await;
    let set_cookie = login.set_cookies().join("\n");
    assert!(!set_cookie.contains("SameSite"), "{set_cookie}");
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-09/weak-no-same-site").await;
        let ours = alice_logs_in(&target, &browser).await;
        // ...and Chromium lists the cookie as Lax, its default.
        let cookie = browser.cookie("session").await.expect("the session cookie");
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));

        // Like a Lax cookie, it stays home from another site's script...
        browser.open_in_new_tab(&target.mallorys_page()).await;
        browser.click("#fetch-me").await;
        let blocked = "reading who you are was blocked by the browser: Failed to fetch";
        browser.wait_for_lines(LOG, &[blocked]).await;
        assert_eq!(
            target.arrivals.of("GET /api/me · cross-site").await,
            "GET /api/me · cross-site · no cookie → 401"
        );

        // ...but for two minutes after the cookie was set, Chromium sends it with another
        // site's top-level POST ("Lax allowing unsafe"). The form is posted right after
        // the login: the forgery works.
        let page = target.mallorys_page_pressing("logout-form");
        browser.open(&page).await;
        assert_eq!(
            target.arrivals.of("POST /api/logout-everywhere").await,
            "POST /api/logout-everywhere · cross-site · with the cookie → 204"
        );
        let mallorys = browser.tab().await;
        alice_is_logged_out(&browser, &ours).await;
        browser.switch_to(&mallorys).await;
        assert_eq!(browser.url().await, page, "nothing to show for a 204");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_only_stops_a_form_even_when_the_cookie_goes_along() {
    let target = Target::weak(Weakness::FormPostNoSameSite).await;
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-09/weak-json-only").await;
        let ours = alice_logs_in(&target, &browser).await;

        // The cookie goes along (see the test above), but a form cannot send JSON.
        let json_only = "Expected a JSON body with the header Content-Type: application/json";
        let mallorys = browser.open_in_new_tab(&target.mallorys_page()).await;
        for (button, request) in [
            ("password-form", "POST /api/password"),
            ("login-form", "POST /api/login"),
        ] {
            browser.switch_to(&mallorys).await;
            browser.open(&target.mallorys_page_pressing(button)).await;
            let path = request.trim_start_matches("POST ");
            let shown = the_tab_moves_on(&browser, path).await;
            assert_eq!(shown, (415, error(json_only)), "{button}");
            let arrived = target.arrivals.of(request).await;
            assert_eq!(
                arrived,
                format!("{request} · cross-site · with the cookie → 415")
            );
            // Still Alice, with her own password: not logged in to Mallory's account.
            alice_is_still_logged_in(&browser, &ours).await;
        }
        let login = target.app.client("Check").login("alice", PASSWORD).await;
        assert_eq!(login.status, 200, "the password is unchanged");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_site_none_cookie_without_secure_is_refused_so_nobody_is_logged_in() {
    let target = Target::weak(Weakness::FormPostSameSiteNone).await;
    // The server asks for SameSite=None, without Secure (plain HTTP)...
    let login = target.app.client("Check").login("alice", PASSWORD).await;
    let set_cookie = login.set_cookies().join("\n");
    assert!(set_cookie.contains("; SameSite=None"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    in_chromium(async |chromium| {
        let browser = chromium.open("lesson-09/weak-same-site-none").await;
        browser.open(&target.app.url()).await;
        browser.wait_for_lines(LOG, &["GET /api/me → 401"]).await;
        log_in(&browser, "alice", PASSWORD).await;
        // ...and Chromium refuses the cookie: the login succeeds, and the next request
        // carries nothing.
        let log = [
            "GET /api/me → 401",
            "POST /api/login → 200",
            "GET /api/sessions → 401",
        ];
        browser.wait_for_lines(LOG, &log).await;
        browser.wait_for_shown(FORMS).await;
        let cookies = browser.cookies().await;
        assert!(cookies.is_empty(), "no cookie in the jar: {cookies:?}");
        assert_eq!(browser.script("return document.cookie").await, "");

        // So Mallory's form carries nothing either.
        browser
            .open_in_new_tab(&target.mallorys_page_pressing("logout-form"))
            .await;
        let shown = the_tab_moves_on(&browser, "/api/logout-everywhere").await;
        assert_eq!(shown, (401, error("Not logged in")));
        assert_eq!(
            target.arrivals.of("POST /api/logout-everywhere").await,
            "POST /api/logout-everywhere · cross-site · no cookie → 401"
        );
    })
    .await;
}
