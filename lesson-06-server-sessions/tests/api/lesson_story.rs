//! Lesson 06's story: Alice and her devices, and a server that can end a session.

use std::time::Duration;

use lesson_06_server_sessions::{Timeouts, app};
use serde_json::json;
use story::Story;

/// Short timeouts, so the story's clock need not move far. The real defaults (30 minutes
/// idle, 1 day absolute) work the same way.
pub const STORY_TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(60 * 60),
};

const MINUTE: Duration = Duration::from_secs(60);

pub async fn run(mut story: Story) -> String {
    story.redact_cookie("session", "token");
    story.redact_json_field("id", "session id");
    let config = story.config();
    let clock = story.clock();
    let server = || app(&config, clock.clone(), STORY_TIMEOUTS);
    story
        .start_server(server().await.expect("the lesson's app starts"))
        .await;

    let alice = json!({ "username": "alice", "password": "correct horse battery" });

    // ── 1. one user, three devices ──
    story.say("Alice uses three browsers. Each one names itself in a User-Agent header.");
    let mut laptop = story
        .client("Laptop")
        .user_agent("Firefox on Alice's laptop");
    let mut phone = story.client("Phone").user_agent("Safari on Alice's phone");
    let mut library = story
        .client("Library")
        .user_agent("Edge at the city library");

    laptop
        .post(
            "Alice registers on her laptop",
            "/api/register",
            alice.clone(),
        )
        .await;
    phone
        .post("Alice logs in on her phone", "/api/login", alice.clone())
        .await;
    library
        .post("Alice logs in at the library", "/api/login", alice.clone())
        .await;

    // ── 2. the list ──
    phone
        .get("The phone lists Alice's sessions", "/api/sessions")
        .await;

    // ── 3. logout, then a replay ──
    story.say("Before logging out, the laptop's cookie is copied, as in lesson 05.");
    let saved = laptop.cookies();
    laptop
        .delete("Alice logs out on her laptop", "/api/logout")
        .await;
    laptop.get("The laptop asks who it is", "/api/me").await;
    laptop.restore_cookies(&saved);
    laptop
        .get("The saved cookie is sent again", "/api/me")
        .await;
    story.say("In lesson 05 this replay answered 200: the sealed cookie was still valid. Here the server deleted the session, so the copy is worthless.");

    // ── 4. ending a session from another device ──
    story.say("Alice remembers that she never logged out at the library.");
    let list = phone
        .get("The phone lists the sessions again", "/api/sessions")
        .await;
    // The second entry is the library's (the list is oldest first).
    let library_id = list.json()[1]["id"].as_str().unwrap_or_default().to_owned();
    phone
        .delete(
            "The phone ends the library's session",
            &format!("/api/sessions/{library_id}"),
        )
        .await;
    library
        .get("The library computer asks who it is", "/api/me")
        .await;
    let left = phone.get("Only the phone is left", "/api/sessions").await;
    let phone_id = left.json()[0]["id"].as_str().unwrap_or_default().to_owned();

    // ── 5. only Alice may end Alice's sessions ──
    story.say("Bob has an account too. Looking over Alice's shoulder, he noted the id of her phone's session.");
    let mut bob = story.client("Bob").user_agent("Chrome on Bob's computer");
    bob.post(
        "Bob registers on his computer",
        "/api/register",
        json!({ "username": "bob", "password": "correct horse battery" }),
    )
    .await;
    bob.delete(
        "Bob tries to end Alice's phone session",
        &format!("/api/sessions/{phone_id}"),
    )
    .await;
    bob.delete(
        "Bob tries an id that does not exist",
        "/api/sessions/no-such-session",
    )
    .await;
    story.say("The same 404 both times: to Bob, Alice's session looks like no session at all, so he cannot even learn that the id is real. Alice's phone is still logged in, as the next steps show.");

    // ── 6. timeouts ──
    story.say("This story's server ends a session after 30 minutes without a request (idle) or 1 hour after login (absolute), whichever comes first.");
    laptop
        .post(
            "Alice logs in on her laptop again",
            "/api/login",
            alice.clone(),
        )
        .await;
    story.advance_clock(20 * MINUTE);
    phone
        .get("The phone is used; the laptop is not", "/api/sessions")
        .await;
    story.advance_clock(20 * MINUTE);
    phone
        .get("The idle laptop has dropped off the list", "/api/sessions")
        .await;
    laptop
        .get("The laptop, idle for 40 minutes, asks who it is", "/api/me")
        .await;
    story.advance_clock(25 * MINUTE);
    phone
        .get(
            "The phone, used 25 minutes ago but logged in 65 minutes ago",
            "/api/me",
        )
        .await;
    phone
        .post(
            "Alice logs in on her phone again",
            "/api/login",
            alice.clone(),
        )
        .await;

    // ── 7. a restart ──
    story.say("The server restarts. Sessions are rows in the SQLite file, so they outlive it.");
    story.stop_server().await;
    story
        .start_server(server().await.expect("the lesson's app starts again"))
        .await;
    phone.get("The phone asks who it is", "/api/me").await;

    story.finish().await
}

/// The story, checked against its snapshot (`tests/snapshots/story.snap`).
///
/// The snapshot pins down what a student should see: a new token at every login, the
/// session list with `current` on the caller, the laptop's saved cookie refused after
/// logout (401, where lesson 05 answered 200), a session ended from another device, Bob
/// refused (404) when he tries to end one of Alice's sessions by its id, both timeouts,
/// and a session that outlives a server restart. Tokens appear only as
/// `<token #n>`, public ids as `<session id #n>`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
