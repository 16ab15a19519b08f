//! The story, checked against its snapshot (`tests/snapshots/story.snap`), the same on
//! SQLite and on PostgreSQL (`TEST_DATABASE=postgres`).
//!
//! The snapshot pins down, request by request and server by server: a sealed cookie from
//! A opening on B (one secret); A and B refusing each other's cookies (two secrets); a
//! cookie of a retired secret sealed again with the new one, and Bob's never-resealed
//! cookie ending when the old secret goes; a session listed and ended on B, and A refusing
//! it at once (one shared database). Cookies appear only as `<sealed #n>` or `<token #n>`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
