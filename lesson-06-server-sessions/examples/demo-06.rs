//! The story, printed live for a class: `cargo run -p lesson-06-server-sessions --example demo-06`.
//! Options after `--`: see `common::story::live` (`--step`, `--curl`, `--diagram`, …).

#[path = "../tests/story/mod.rs"]
mod story;

use common::story::Story;

#[tokio::main]
async fn main() {
    // From this lesson on, the sessions live in the database: `--diagram` draws it too.
    story::run(Story::live_with_database()).await;
}
