//! The story, printed live for a class: `cargo run -p lesson-08-brute-force --example demo-08`.
//! Options after `--`: see `story::live` (`--step`, `--curl`, `--diagram`, …).

#[path = "../tests/api/lesson_story.rs"]
mod lesson_story;

use story::Story;

#[tokio::main]
async fn main() {
    // As in lesson 06, the sessions live in the database: `--diagram` draws it too.
    lesson_story::run(Story::live_with_database()).await;
}
