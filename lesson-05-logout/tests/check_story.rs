//! The story, checked against `tests/snapshots/story.snap`: logging out, the replay of a
//! saved cookie (the known limit), and the two mitigations. This is the check for the
//! exercise: `cargo test -p lesson-05-logout --features exercise`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
