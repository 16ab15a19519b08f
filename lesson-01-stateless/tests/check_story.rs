//! The lesson's story, checked against `tests/snapshots/story.snap`: every request, status
//! and body, including the two steps where the server hands Bob's identity to others.
//! With `--features exercise` this is the check for your `login`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
