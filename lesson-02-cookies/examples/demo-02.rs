//! The lesson's story, printed live: `cargo run -p lesson-02-cookies --example demo-02`.

#[path = "../tests/api/lesson_story.rs"]
mod lesson_story;

use story::Story;

#[tokio::main]
async fn main() {
    lesson_story::run(Story::live()).await;
}
