//! The story, checked against its snapshot (`tests/snapshots/story.snap`).
//!
//! The snapshot pins down what a student should see: three wrong guesses checked (401),
//! then 429 with `Retry-After` for that name from that address, the same for another
//! spelling of the name and for a name that does not exist, Alice let in from her own
//! address meanwhile, the wait doubling, her success clearing only her count, and the
//! count forgotten after an hour.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
