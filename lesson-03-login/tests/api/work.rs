//! Counting work instead of timing it: the checks that an unknown name or a disabled account
//! costs what a wrong password costs count bcrypt checks, which no busy laptop can change.

use common::passwords::Passwords;
use lesson_03_login::{AppState, routes};
use story::{Reply, Story};

/// A fresh server with the lesson's routes, and a clone of its `Passwords`: clones share
/// the server's counters of bcrypt checks.
pub async fn server_counting_bcrypt() -> (Story, Passwords) {
    let mut story = Story::recording();
    let state = AppState::connect(&story.config(), story.clock())
        .await
        .expect("the story's database opens");
    let passwords = state.accounts.passwords.clone();
    story.start_server(routes().with_state(state)).await;
    (story, passwords)
}

/// Sends `request` and counts the bcrypt checks the server ran meanwhile. `passwords` is a
/// clone of the server's own (clones share its counters). The tests send one request at a
/// time, so the count is that request's alone.
pub async fn bcrypt_checks(
    passwords: &Passwords,
    request: impl Future<Output = Reply>,
) -> (u64, Reply) {
    let before = passwords.stats().started;
    let reply = request.await;
    (passwords.stats().started - before, reply)
}

/// "one bcrypt check", "2 bcrypt checks": a count in words for a hint.
pub fn checks(count: u64) -> String {
    match count {
        0 => "no bcrypt check".to_owned(),
        1 => "one bcrypt check".to_owned(),
        n => format!("{n} bcrypt checks"),
    }
}
