//! Lesson 07's story: two servers, A and B, and a load balancer that sends each request
//! to one of them. Every step's title says which server it went to.

use std::time::Duration;

use common::Config;
use common::config::key_from_secret;
use lesson_06_server_sessions::Timeouts;
use lesson_07_two_servers::{Server, database_app, rotated, sealed_app};
use serde_json::json;
use story::Story;

use Server::{A, B};

/// The secret B gets by mistake in part 2: its own, not the deployment's.
const B_ONLY_SECRET: &str = "a-secret-that-only-server-b-has-for-the-story-of-lesson-07-part-2";
/// The secret the deployment rotates to in part 3.
const NEW_SECRET: &str = "the-new-secret-of-lesson-07-part-3-after-the-rotation-of-the-old-one";

pub async fn run(mut story: Story) -> String {
    story.redact_cookie("session", "sealed");
    let shared = story.config();
    let alice = json!({ "username": "alice", "password": "correct horse battery" });
    let bob = json!({ "username": "bob", "password": "correct horse staple" });

    // ── 1. sealed cookies, one secret ──
    story.say(
        "Part 1. Servers A and B both run lesson 05 (sealed cookies) with the deployment's \
         config: one SESSION_SECRET, one database. A load balancer in front sends each \
         request to one of them.",
    );
    start_sealed(&mut story, &config(A, &shared), &config(B, &shared)).await;
    let mut laptop = story.client("Alice");
    laptop
        .post(
            &to(&story, A, "Alice registers"),
            "/api/register",
            alice.clone(),
        )
        .await;
    laptop
        .get(&to(&story, B, "Alice asks who she is"), "/api/me")
        .await;
    story.say("B opens the cookie A sealed: the session travels in it, and both have the key.");

    // ── 2. sealed cookies, two secrets ──
    story.say(
        "Part 2. B is redeployed with a SESSION_SECRET of its own: a secret generated on \
         each machine, or a typo in one .env file.",
    );
    let mut b_alone = config(B, &shared);
    b_alone.cookie_key = key_from_secret(B_ONLY_SECRET).expect("a long enough secret");
    start_sealed(&mut story, &config(A, &shared), &b_alone).await;
    laptop
        .post(&to(&story, A, "Alice logs in"), "/api/login", alice.clone())
        .await;
    laptop
        .get(&to(&story, B, "Alice asks who she is"), "/api/me")
        .await;
    story.say(
        "B cannot open a cookie sealed with A's key: to B it is no cookie at all. She logs \
         in again, and lands on B.",
    );
    laptop
        .post(
            &to(&story, B, "Alice logs in again"),
            "/api/login",
            alice.clone(),
        )
        .await;
    laptop
        .get(&to(&story, A, "Alice asks who she is"), "/api/me")
        .await;
    story.say("Now A cannot open B's cookie. Every switch between A and B logs her out.");

    // ── 3. rotating the secret ──
    story.say(
        "Part 3. Both servers share one secret again. Bob registers too, then closes his \
         laptop for a long while.",
    );
    start_sealed(&mut story, &config(A, &shared), &config(B, &shared)).await;
    laptop
        .post(&to(&story, A, "Alice logs in"), "/api/login", alice.clone())
        .await;
    let mut bobs = story.client("Bob");
    bobs.post(
        &to(&story, B, "Bob registers"),
        "/api/register",
        bob.clone(),
    )
    .await;
    story.advance_clock(Duration::from_secs(60 * 60));
    story.say(
        "The secret is rotated on both servers: the new one in SESSION_SECRET, the old one \
         in SESSION_PREVIOUS_SECRETS, where it still opens cookies but seals none.",
    );
    let new_key = key_from_secret(NEW_SECRET).expect("a long enough secret");
    let rotation = warm_up("rotated", || rotated(&shared, new_key));
    start_sealed(&mut story, &config(A, &rotation), &config(B, &rotation)).await;
    laptop
        .get(
            &to(&story, B, "Alice asks who she is, after the rotation"),
            "/api/me",
        )
        .await;
    story.say(
        "Her cookie opened with the retired key, so B sealed it again with the new one: the \
         same session, the same end (an hour closer), a new seal.",
    );
    laptop
        .get(&to(&story, A, "Alice asks who she is"), "/api/me")
        .await;
    story.advance_clock(Duration::from_secs(24 * 60 * 60));
    story.say("The next day the old secret is removed from SESSION_PREVIOUS_SECRETS.");
    let retired = Config {
        previous_cookie_keys: Vec::new(),
        ..rotation
    };
    start_sealed(&mut story, &config(A, &retired), &config(B, &retired)).await;
    laptop
        .get(&to(&story, A, "Alice asks who she is"), "/api/me")
        .await;
    bobs.get(&to(&story, B, "Bob opens his laptop again"), "/api/me")
        .await;
    story.say(
        "Bob's cookie was never sealed again: it was still sealed with the removed secret, \
         so his session ends, and his alone.",
    );

    // ── 4. server sessions, one shared database ──
    story.say(
        "Part 4. Both servers now run lesson 06: the session is a row in the database both \
         share, and the cookie only a token.",
    );
    story.redact_cookie("session", "token");
    story.redact_json_field("id", "session id");
    let clock = story.clock();
    for server in Server::BOTH {
        let app = database_app(&config(server, &shared), clock.clone(), TIMEOUTS)
            .await
            .expect("the story's database opens");
        story.start_named_server(server.name(), app).await;
    }
    let mut laptop = story
        .client("Laptop")
        .user_agent("Firefox on Alice's laptop");
    let mut phone = story.client("Phone").user_agent("Safari on Alice's phone");
    laptop
        .post(
            &to(&story, A, "Alice logs in on her laptop"),
            "/api/login",
            alice.clone(),
        )
        .await;
    laptop
        .get(&to(&story, B, "The laptop asks who she is"), "/api/me")
        .await;
    phone
        .post(
            &to(&story, B, "Alice logs in on her phone"),
            "/api/login",
            alice.clone(),
        )
        .await;
    let sessions = phone
        .get(
            &to(&story, B, "The phone lists Alice's sessions"),
            "/api/sessions",
        )
        .await;
    let laptops = sessions.json()[0]["id"]
        .as_str()
        .expect("the laptop's session is listed first")
        .to_owned();
    phone
        .delete(
            &to(&story, B, "The phone ends the laptop's session"),
            &format!("/api/sessions/{laptops}"),
        )
        .await;
    laptop
        .get(&to(&story, A, "The laptop asks who she is"), "/api/me")
        .await;
    story.say(
        "A asked the database, and the row was gone. Nothing on A remembered the session \
         for it: the end of a session on one server is its end on all.",
    );
    phone
        .get(&to(&story, A, "The phone asks who she is"), "/api/me")
        .await;

    story.finish().await
}

/// Lesson 06's default timeouts: the story never waits long enough to meet them.
const TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(24 * 60 * 60),
};

/// Points the clients at `server`, as the load balancer does, and puts its name in front
/// of the step's title.
fn to(story: &Story, server: Server, title: &str) -> String {
    story.use_server(server.name());
    format!("on {}: {title}", server.name())
}

/// `server`'s config from the deployment's (the warm-up's `Server::config`).
fn config(server: Server, deployment: &Config) -> Config {
    warm_up("Server::config", || server.config(deployment))
}

/// Runs a function of the warm-up, so that a `todo!()` in it becomes a hint.
fn warm_up<T>(name: &str, make: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(make)).unwrap_or_else(|panic| {
        if common::todo::is_todo(common::todo::panic_message(panic.as_ref())) {
            eprintln!(
                "\nhint: `{name}` is not written yet (exercises/1_servers.rs): the story \
                 makes its servers' configs with it"
            );
        }
        std::panic::resume_unwind(panic)
    })
}

/// (Re)starts A and B as lesson 05's app, each with its config, on the story's database.
async fn start_sealed(story: &mut Story, a: &Config, b: &Config) {
    for (server, config) in [(A, a), (B, b)] {
        let app = sealed_app(config, story.clock())
            .await
            .expect("the story's database opens");
        story.start_named_server(server.name(), app).await;
    }
}

/// The story, checked against its snapshot (`tests/snapshots/story.snap`), the same on
/// SQLite and on PostgreSQL (`TEST_DATABASE=postgres`).
///
/// The snapshot pins down, request by request and server by server: a sealed cookie from
/// A opening on B (one secret); A and B refusing each other's cookies (two secrets); a
/// cookie of a retired secret sealed again with the new one, and Bob's never-resealed
/// cookie ending when the old secret goes; a session listed and ended on B, and A refusing
/// it at once (one shared database). Cookies appear only as `<sealed #n>` or `<token #n>`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
