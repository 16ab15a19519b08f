//! Lesson 08's story: Mallory guesses Alice's password, and the server slows her down
//! without ever locking Alice out.

use std::time::Duration;

use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::{Policy, app};
use story::{Client, PASSWORD, Reply, Story, credentials};

/// Alice's laptop and Mallory's machine: two addresses of this machine's loopback.
pub const ALICE_ADDRESS: &str = "127.0.0.2";
pub const MALLORY_ADDRESS: &str = "127.0.0.3";

/// `POST /api/login` as `who` trying `password` for `username`, as a titled step.
async fn tries(client: &mut Client, username: &str, password: &str) -> Reply {
    let title = format!("{} tries {password:?} for {username}", client.name());
    client
        .post(&title, "/api/login", credentials(username, password))
        .await
}

pub async fn run(mut story: Story) -> String {
    story.redact_cookie("session", "token");
    let config = story.config();
    let app = app(
        &config,
        story.clock(),
        Timeouts::default(),
        Policy::default(),
    )
    .await
    .expect("the lesson's app starts");
    story.start_server(app).await;

    story.say(
        "Alice uses her laptop; Mallory, a machine of her own. Each client sends from an \
         address of its own, as two people on the internet would.",
    );
    let mut alice = story.client("Alice").local_address(ALICE_ADDRESS);
    let mut mallory = story.client("Mallory").local_address(MALLORY_ADDRESS);

    // ── 1. the first guesses are checked ──
    alice
        .post(
            "Alice registers",
            "/api/register",
            credentials("alice", PASSWORD),
        )
        .await;
    story.say("Mallory knows that alice has an account, and tries the most common passwords.");
    for guess in ["123456", "password", "qwerty"] {
        tries(&mut mallory, "alice", guess).await;
    }

    // ── 2. then she must wait ──
    tries(&mut mallory, "alice", "letmein").await;
    story.say(
        "A 429, at once: the server did not look the user up, let alone run bcrypt. \
         Retry-After says when this name may be tried again from this address.",
    );
    tries(&mut mallory, "ALICE", "letmein").await;
    story.say("Another spelling is the same account, and the same count.");

    // ── 3. an unknown name is counted the same way ──
    story.say("Mallory tries a name that does not exist. The answers are the same as for alice.");
    for guess in ["123456", "password", "qwerty", "letmein"] {
        tries(&mut mallory, "admin", guess).await;
    }

    // ── 4. Alice is not locked out ──
    story.say("Meanwhile Alice, on her laptop, logs in.");
    tries(&mut alice, "alice", PASSWORD).await;
    story.say("Her name is throttled for Mallory's address, not for hers.");

    // ── 5. each failure doubles the wait ──
    story.advance_clock(Duration::from_secs(1));
    tries(&mut mallory, "alice", "letmein").await;
    tries(&mut mallory, "alice", "dragon").await;
    story.advance_clock(Duration::from_secs(2));
    tries(&mut mallory, "alice", "dragon").await;
    tries(&mut mallory, "alice", "monkey").await;
    story.say(
        "1 second, then 2, then 4: each failure doubles the wait, up to 15 minutes. In an \
         hour, Mallory gets about 15 guesses at alice from this address; then 4 an hour.",
    );

    // ── 6. a success clears the count ──
    story.say("Alice mistypes her password twice, then gets it right.");
    tries(&mut alice, "alice", "correct hose").await;
    tries(&mut alice, "alice", "correct horse!").await;
    tries(&mut alice, "alice", PASSWORD).await;
    tries(&mut alice, "alice", "correct hose").await;
    tries(&mut alice, "alice", "correct hose").await;
    story.say(
        "Two more typos, checked again: her success wiped her count, and only hers. \
         Mallory's count for alice is untouched.",
    );
    tries(&mut mallory, "alice", "monkey").await;

    // ── 7. and a count is forgotten in the end ──
    story.advance_clock(Duration::from_secs(60 * 60));
    story.say("An hour without a failure, and a key's count is forgotten: Mallory may try again.");
    tries(&mut mallory, "alice", "monkey").await;

    story.finish().await
}

/// The story, checked against its snapshot (`tests/snapshots/story.snap`).
///
/// The snapshot pins down what a student should see: three wrong guesses checked (401),
/// then 429 with `Retry-After` for that name from that address, the same for another
/// spelling of the name and for a name that does not exist, Alice let in from her own
/// address meanwhile, the wait doubling, her success clearing only her count, and the
/// count forgotten after an hour.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
