//! The story, printed live for a class: `cargo run -p lesson-06-server-sessions --example demo-06`.
//! Options after `--`: see `story::live` (`--step`, `--curl`, `--diagram`, …).

#[path = "../tests/api/lesson_story.rs"]
mod lesson_story;

use story::Story;

#[tokio::main]
async fn main() {
    // From this lesson on, the sessions live in the database: `--diagram` draws it too.
    lesson_story::run(Story::live_with_database()).await;
}
