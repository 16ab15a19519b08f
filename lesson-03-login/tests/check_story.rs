//! The story, checked against `tests/snapshots/story.snap`: the status codes, the
//! `Set-Cookie` attributes, the bodies, and what the sealed cookie holds. This is the
//! check for the exercise: `cargo test -p lesson-03-login --features exercise`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
