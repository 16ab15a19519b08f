//! The story, printed live for a class: `cargo run -p lesson-06-server-sessions --example demo-06`.

#[path = "../tests/story/mod.rs"]
mod story;

#[tokio::main]
async fn main() {
    story::run(common::story::Story::live()).await;
}
