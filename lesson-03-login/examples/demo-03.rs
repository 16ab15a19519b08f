//! The lesson's story, printed live: `cargo run -p lesson-03-login --example demo-03`.

#[path = "../tests/story/mod.rs"]
mod story;

use common::story::Story;

#[tokio::main]
async fn main() {
    story::run(Story::live()).await;
}
