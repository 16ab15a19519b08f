//! The lesson's story, printed live: `cargo run -p lesson-01-stateless --example demo-01`.

#[path = "../tests/api/lesson_story.rs"]
mod lesson_story;

use story::Story;

#[tokio::main]
async fn main() {
    lesson_story::run(Story::live()).await;
}
