//! The lesson's story, checked against `tests/snapshots/story.snap`: every request, status
//! and body, including every Set-Cookie and what the server made of each forged cookie.
//! With `--features exercise` this is the check for your `signed_visits`.

mod story;

use common::story::Story;

#[tokio::test]
async fn story() {
    common::assert_story!(story::run(Story::recording()).await);
}
