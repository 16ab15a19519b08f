//! The story, printed live for a class: `cargo run -p lesson-07-two-servers --example demo-07`.
//! Options after `--`: see `story::live` (`--step`, `--curl`, `--diagram`, …).
//! With `TEST_DATABASE=postgres` and `--features postgres` (inside `pg_virtualenv`), both
//! servers share PostgreSQL.

#[path = "../tests/api/lesson_story.rs"]
mod lesson_story;

use story::Story;

#[tokio::main]
async fn main() {
    // The database is where the two servers meet: `--diagram` draws it too.
    lesson_story::run(Story::live_with_database()).await;
}
