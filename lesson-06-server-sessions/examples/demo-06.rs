//! The story, printed live for a class: `cargo run -p lesson-06-server-sessions --example demo-06`.
//! Options after `--`: see `common::story::live` (`--step`, `--curl`, `--diagram`, …).

#[path = "../tests/story/mod.rs"]
mod story;

use common::story::{LiveOptions, Story};

#[tokio::main]
async fn main() {
    // From this lesson on, the sessions live in the database: `--diagram` draws it too.
    let options = LiveOptions {
        database: true,
        ..LiveOptions::from_args()
    };
    story::run(Story::live_with(options)).await;
}
