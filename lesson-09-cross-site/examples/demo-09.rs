//! The lesson's story, printed live: `cargo run -p lesson-09-cross-site --example demo-09`.
//! Options after `--`: see `story::live` (`--step`, `--curl`, `--diagram`, …).

#[path = "../tests/api/lesson_story.rs"]
mod lesson_story;

use story::Story;

#[tokio::main]
async fn main() {
    lesson_story::run(Story::live_with_database()).await;
}
