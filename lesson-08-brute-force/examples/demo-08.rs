//! The story, printed live for a class: `cargo run -p lesson-08-brute-force --example demo-08`.
//! Options after `--`: see `common::story::live` (`--step`, `--curl`, `--diagram`, …).

#[path = "../tests/story/mod.rs"]
mod story;

use common::story::Story;

#[tokio::main]
async fn main() {
    // As in lesson 06, the sessions live in the database: `--diagram` draws it too.
    story::run(Story::live_with_database()).await;
}
