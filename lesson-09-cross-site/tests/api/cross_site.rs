//! The cross-site check over real HTTP: what each kind of request gets, sent the way a
//! browser sends it (the headers it adds by itself, and the cookie it holds).
//!
//! These tests are the check of warm-up 09-1 (`cargo course check 09-1-origin`), with the
//! story.

use serde_json::json;
use story::{Client, PASSWORD, Payload, Story, credentials, hint_assert, spawn_app};

use crate::lesson_story::{MALLORY_SITE, NEW_PASSWORD, password_change};

async fn server() -> Story {
    spawn_app(|config, clock| async move {
        lesson_09_cross_site::app(
            &config,
            clock,
            lesson_06_server_sessions::Timeouts::default(),
            lesson_08_brute_force::Policy::default(),
        )
        .await
    })
    .await
}

/// A client holding `from`'s cookies and sending `headers` besides.
fn browser_of(app: &Story, from: &Client, name: &str, headers: &[(&str, &str)]) -> Client {
    let mut client = app.client(name);
    for (header, value) in headers {
        client = client.header(header, value);
    }
    client.restore_cookies(&from.cookies());
    client
}

/// Whether `alice` is still logged in with her password unchanged: the forged request
/// changed nothing.
async fn nothing_changed(app: &Story, alice: &mut Client) -> bool {
    let me = alice.me().await;
    let login = app.client("Check").login("alice", PASSWORD).await;
    me.status == 200 && login.status == 200
}

#[tokio::test]
async fn a_password_change_from_another_site_is_refused_whatever_the_browser_says() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let url = app.url();
    let (scheme_and_host, port) = url.rsplit_once(':').expect("a URL with a port");
    let another_port = format!("{scheme_and_host}:{}", port.parse::<u32>().unwrap() + 1);
    for (what, headers) in [
        (
            "Sec-Fetch-Site: cross-site",
            vec![("sec-fetch-site", "cross-site")],
        ),
        (
            "Sec-Fetch-Site: same-site (another port or subdomain)",
            vec![("sec-fetch-site", "same-site")],
        ),
        ("Origin of another site", vec![("origin", MALLORY_SITE)]),
        (
            "Origin: null (a sandboxed frame, a file)",
            vec![("origin", "null")],
        ),
        (
            "an Origin on this host's other port",
            vec![("origin", another_port.as_str())],
        ),
        (
            "Sec-Fetch-Site: cross-site, whatever the Origin says",
            vec![("sec-fetch-site", "cross-site"), ("origin", url.as_str())],
        ),
    ] {
        let mut forged = browser_of(&app, &alice, "Forged", &headers);
        let reply = forged
            .post(
                "a forged password change",
                "/api/password",
                password_change(PASSWORD, NEW_PASSWORD),
            )
            .await;
        hint_assert!(
            reply.status == 403,
            "a password change sent with {what} comes from another site: it must get 403, \
             got {} {}",
            reply.status,
            reply.body
        );
        hint_assert!(
            nothing_changed(&app, &mut alice).await,
            "a refused request from another site must change nothing ({what})"
        );
    }
}

#[tokio::test]
async fn a_login_from_another_site_is_refused_too() {
    let app = server().await;
    app.client("Mallory").register_ok("mallory").await;
    let mut forged = app
        .client("Alice's browser")
        .header("sec-fetch-site", "cross-site")
        .header("origin", MALLORY_SITE);
    let reply = forged
        .post(
            "Mallory's page logs Alice's browser in",
            "/api/login",
            credentials("mallory", PASSWORD),
        )
        .await;
    hint_assert!(
        reply.status == 403 && reply.set_cookies().is_empty(),
        "a login posted by another site's page would log Alice's browser in to Mallory's \
         account (login CSRF): it must get 403 and no cookie, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn our_own_page_and_clients_that_are_no_browser_go_through() {
    let app = server().await;
    let mut page = app
        .client("Our page")
        .header("sec-fetch-site", "same-origin");
    let reply = page.register("alice").await;
    hint_assert!(
        reply.status == 201,
        "a registration from our own page (Sec-Fetch-Site: same-origin) must go through, got \
         {} {}",
        reply.status,
        reply.body
    );
    let own_origin = app.url();
    let mut older = app.client("Older browser").header("origin", &own_origin);
    let reply = older.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "a login whose Origin is this server ({own_origin}) must go through, got {} {}",
        reply.status,
        reply.body
    );
    let mut typed = app.client("Typed").header("sec-fetch-site", "none");
    let reply = typed.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "Sec-Fetch-Site: none is a request the user made by hand (the address bar, a \
         bookmark): it must go through, got {} {}",
        reply.status,
        reply.body
    );
    let mut curl = app.client("curl");
    let reply = curl.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "a request with neither Origin nor Sec-Fetch-Site comes from no browser (curl): no \
         other site made it, and it must go through, got {} {}",
        reply.status,
        reply.body
    );
    let reply = curl.delete("log out", "/api/logout").await;
    hint_assert!(
        reply.status == 204,
        "curl's logout must go through, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn reading_is_never_refused_and_a_get_changes_nothing() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let mut link = browser_of(
        &app,
        &alice,
        "A link on another site",
        &[("sec-fetch-site", "cross-site")],
    );
    let me = link.me().await;
    hint_assert!(
        me.status == 200,
        "a GET only reads: one from another site (a link, Sec-Fetch-Site: cross-site) must \
         not be refused, got {} {}",
        me.status,
        me.body
    );
    let logout = link.get("a link to the logout", "/api/logout").await;
    hint_assert!(
        logout.status == 405,
        "logging out takes a DELETE: a GET must be refused by the router (405), got {}",
        logout.status
    );
    hint_assert!(
        nothing_changed(&app, &mut alice).await,
        "a GET must change nothing"
    );
}

#[tokio::test]
async fn a_form_body_gets_415_even_from_no_browser() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let reply = alice
            .post(
                "a form's body",
                "/api/password",
                Payload::raw(
                    Some(content_type),
                    "current_password=correct+horse&new_password=battery+staple",
                ),
            )
            .await;
        assert_eq!(reply.status, 415, "{content_type}: {}", reply.body);
    }
    assert!(nothing_changed(&app, &mut alice).await);
    // The one shape a page could send without asking us first is refused; JSON still works.
    let reply = alice
        .post(
            "JSON",
            "/api/password",
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn a_preflight_is_never_granted() {
    let app = server().await;
    let mut page = app
        .client("Mallory's page")
        .header("origin", MALLORY_SITE)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type");
    let reply = page
        .send(
            "a CORS preflight",
            story::Method::OPTIONS,
            "/api/password",
            Payload::None,
        )
        .await;
    assert_ne!(reply.status / 100, 2, "{}", reply.body);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        None,
        "a browser sends the JSON only if this answer allows its origin"
    );
}
