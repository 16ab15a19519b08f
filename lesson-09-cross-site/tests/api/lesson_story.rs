//! Lesson 09's story: a page on another site makes Alice's browser send requests to us,
//! and each is refused; then Alice changes her password, and every session the old one
//! opened ends.

use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::Policy;
use lesson_09_cross_site::app;
use serde_json::json;
use story::{Client, Method, PASSWORD, Payload, Story, credentials};

/// Where Mallory's page lives: another address is another site to a browser.
pub const MALLORY_SITE: &str = "http://127.0.0.2:8000";

/// What Alice's browser adds to a request made by our own page (Chromium, over
/// `localhost` or HTTPS).
pub fn on_our_page(client: Client) -> Client {
    client.header("sec-fetch-site", "same-origin")
}

/// What Alice's browser adds to a request that a page on Mallory's site makes it send.
pub fn on_mallorys_page(client: Client) -> Client {
    client
        .header("origin", MALLORY_SITE)
        .header("sec-fetch-site", "cross-site")
}

/// `{"current_password": …, "new_password": …}`, the body of `POST /api/password`.
pub fn password_change(current: &str, new: &str) -> serde_json::Value {
    json!({ "current_password": current, "new_password": new })
}

/// The new password of the story.
pub const NEW_PASSWORD: &str = "battery staple";

pub async fn run(mut story: Story) -> String {
    story.redact_cookie("session", "token");
    let config = story.config();
    let routes = app(
        &config,
        story.clock(),
        Timeouts::default(),
        Policy::default(),
    )
    .await
    .expect("the lesson's app starts");
    story.start_server(routes).await;

    let mut laptop = on_our_page(story.client("Laptop"));
    let mut phone = on_our_page(story.client("Phone"));
    laptop
        .post(
            "Alice registers on her laptop",
            "/api/register",
            credentials("alice", PASSWORD),
        )
        .await;
    phone
        .post(
            "Alice logs in on her phone too",
            "/api/login",
            credentials("alice", PASSWORD),
        )
        .await;

    story.say(&format!(
        "Alice, still logged in, opens a page on Mallory's site, {MALLORY_SITE}. It makes her \
         browser send requests to our server. Chromium would leave her SameSite=Lax cookie \
         out of each one (the browser tests show it); the story sends it anyway, to show \
         that the server refuses them on its own."
    ));
    let mut forged = on_mallorys_page(story.client("Mallory's page"));
    forged.restore_cookies(&laptop.cookies());
    forged
        .post(
            "Mallory's page posts a form that sets Alice's password",
            "/api/password",
            Payload::raw(
                Some("application/x-www-form-urlencoded"),
                "current_password=password123&new_password=mallory+knows+it",
            ),
        )
        .await;
    forged
        .post(
            "Mallory's page logs Alice's browser in to Mallory's account",
            "/api/login",
            Payload::raw(
                Some("application/x-www-form-urlencoded"),
                "username=mallory&password=mallory+knows+it",
            ),
        )
        .await;
    story.say(
        "Logged in as Mallory without noticing, Alice would type her secrets into Mallory's \
         account: a login is a state change too, and it is guarded like the others.",
    );
    let mut script = on_mallorys_page(story.client("Mallory's script"))
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type");
    script
        .send(
            "Mallory's script asks leave to post JSON",
            Method::OPTIONS,
            "/api/password",
            Payload::None,
        )
        .await;
    story.say(
        "A script may send JSON to another site only once that site says yes to this \
         question, a CORS preflight. No answer here says yes, so the browser never sends \
         the JSON itself.",
    );

    let mut old_browser = story.client("Old browser");
    old_browser.restore_cookies(&laptop.cookies());
    old_browser
        .post(
            "A browser that sends no Origin gets the same form",
            "/api/password",
            Payload::raw(
                Some("application/x-www-form-urlencoded"),
                "current_password=password123&new_password=mallory+knows+it",
            ),
        )
        .await;
    story.say(
        "No Origin, so the check lets it through, as it lets curl through: no page made a \
         browser send it. But a form cannot send JSON, and only JSON is read here.",
    );
    forged
        .get("Mallory's page links to the logout", "/api/logout")
        .await;
    story.say(
        "A link is a GET, which a browser does send with a SameSite=Lax cookie. Logging out \
         takes a DELETE here, and no GET changes anything.",
    );

    laptop
        .post(
            "Alice changes her password, mistyping the current one",
            "/api/password",
            password_change("correct hose", NEW_PASSWORD),
        )
        .await;
    let before = laptop.cookies();
    laptop
        .post(
            "Alice changes her password",
            "/api/password",
            password_change(PASSWORD, NEW_PASSWORD),
        )
        .await;
    story.say(
        "One transaction stored the new hash and ended every session of alice; then her \
         laptop got a new one.",
    );
    phone
        .get("The phone asks who it is: its session has ended", "/api/me")
        .await;
    let mut copy = story.client("Old cookie");
    copy.restore_cookies(&before);
    copy.get("A copy of the laptop's old cookie opens nothing", "/api/me")
        .await;
    laptop
        .get("The laptop, with its new cookie, is still Alice", "/api/me")
        .await;
    phone
        .post(
            "The phone logs in with the old password",
            "/api/login",
            credentials("alice", PASSWORD),
        )
        .await;
    phone
        .post(
            "The phone logs in with the new one",
            "/api/login",
            credentials("alice", NEW_PASSWORD),
        )
        .await;

    story.say(
        "Mallory steals the phone's cookie. It opens Alice's account, but not its password: \
         each wrong guess is a failed login of alice, counted as lesson 08 counts them.",
    );
    let mut thief = on_our_page(story.client("Mallory"));
    thief.restore_cookies(&phone.cookies());
    for guess in ["password123", "letmein", "iloveyou", "sunshine"] {
        thief
            .post(
                &format!("Mallory guesses {guess:?}"),
                "/api/password",
                password_change(guess, "mallory knows it"),
            )
            .await;
    }

    story.finish().await
}

/// The story, checked against `tests/snapshots/story.snap`: every forged request refused
/// (403 for another site, 405 for a preflight and for a GET where a DELETE is needed, 415
/// for a form's body),
/// a wrong current password refused like a wrong login, the change ending the phone's
/// session and the laptop's old cookie while the laptop gets a new token, and Mallory's
/// guesses of the current password throttled after three.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
