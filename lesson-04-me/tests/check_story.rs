//! The story, checked against `tests/snapshots/story.snap`: what `/api/me` answers on a
//! first visit, after registering, the next day, and after the secret changed. This is
//! the check for the exercise: `cargo test -p lesson-04-me --features exercise`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
