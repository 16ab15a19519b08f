//! Lesson 01's story: Alice and Bob log in from two different computers, and the server
//! mixes them up, because it keeps one `current_user` for everybody.

use story::{Story, credentials};

pub async fn run(mut story: Story) -> String {
    let router = lesson_01_stateless::app(&story.config(), story.clock())
        .await
        .expect("the lesson's app starts");
    story.start_server(router).await;

    // Three separate clients, as if on three computers. None of them keeps anything the
    // server could recognise: this server sets no cookies at all.
    let mut alice = story.client("Alice");
    let mut bob = story.client("Bob");
    let mut carol = story.client("Carol");

    carol
        .get("Carol asks who she is: nobody has logged in yet", "/api/me")
        .await;

    let alice_login = credentials("alice", "alice-password");
    let bob_login = credentials("bob", "bob-password");
    alice
        .post("Alice registers", "/api/register", alice_login.clone())
        .await;
    bob.post("Bob registers", "/api/register", bob_login.clone())
        .await;

    alice.post("Alice logs in", "/api/login", alice_login).await;
    alice
        .get("Alice asks who she is: right, for now", "/api/me")
        .await;

    story.say("Bob logs in on his own computer. Nothing is shared between the two clients.");
    bob.post("Bob logs in", "/api/login", bob_login).await;

    alice
        .get(
            "BUG: Alice asks who she is and is told she is Bob",
            "/api/me",
        )
        .await;

    carol
        .get(
            "BUG: Carol never logged in, and she is told she is Bob too",
            "/api/me",
        )
        .await;

    story.say(
        "Not one request above carried a cookie: the server cannot tell its clients apart. \
         It answers everyone with its one current_user, whoever logged in last.",
    );
    story.finish().await
}

/// The lesson's story, checked against `tests/snapshots/story.snap`: every request, status
/// and body, including the two steps where the server hands Bob's identity to others.
/// With `--features 01-1-login` this is the check for your `login`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
