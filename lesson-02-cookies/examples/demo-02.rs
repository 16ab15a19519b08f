//! The lesson's story, printed live: `cargo run -p lesson-02-cookies --example demo-02`.

#[path = "../tests/story/mod.rs"]
mod story;

use common::story::Story;

#[tokio::main]
async fn main() {
    story::run(Story::live()).await;
}
