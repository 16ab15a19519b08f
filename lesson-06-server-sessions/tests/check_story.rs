//! The story, checked against its snapshot (`tests/snapshots/story.snap`).
//!
//! The snapshot pins down what a student should see: a new token at every login, the
//! session list with `current` on the caller, the laptop's saved cookie refused after
//! logout (401, where lesson 05 answered 200), a session ended from another device, Bob
//! refused (404) when he tries to end one of Alice's sessions by its id, both timeouts,
//! and a session that outlives a server restart. Tokens appear only as
//! `<token #n>`, public ids as `<session id #n>`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
