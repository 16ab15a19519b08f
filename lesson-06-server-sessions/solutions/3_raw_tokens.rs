//! Break it 06-3 · A sessions table that keeps the tokens themselves: the reference.
//!
//! The test reads the check server's `sessions` table, as someone with a copy of the
//! database would, and fails if a cookie value is in it. The fix keeps the token's
//! SHA-256 instead. The starter, with the exercise explained, is
//! `exercises/3_raw_tokens.rs`.

use sha2::{Digest, Sha256};
use story::Story;

/// The key the server's `sessions` table keeps for the session whose cookie holds
/// `token`. The server uses it twice: to write the row at login, and to find the row
/// again at every request, so it must give the same key for the same token every time.
pub fn row_key(token: &str) -> Vec<u8> {
    // One-way: the server can hash the cookie it receives and find the row, but nobody
    // can turn the table's copy back into a cookie. The token is 256 random bits, so a
    // fast hash is enough; there is no likely token to guess.
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Your test. `app` is the check's server, running on 127.0.0.1 with a fresh database
/// and nobody registered yet.
pub async fn your_test(app: Story) {
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let cookie = alice
        .cookie("session")
        .expect("registering sets a session cookie");
    let me = alice.me().await;
    assert_eq!(
        me.json()["username"],
        "alice",
        "the server still knows Alice"
    );

    // What a stolen copy of the database shows: every key in the sessions table.
    let database = common::db::connect(&app.config().database_url)
        .await
        .expect("a second connection to the server's database");
    let keys: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&database)
        .await
        .expect("the sessions table");
    assert_eq!(keys.len(), 1, "one login, one row");
    assert!(
        !keys.contains(&cookie.into_bytes()),
        "the sessions table holds Alice's cookie value as it is: a copy of the database \
         logs anyone in as her"
    );
}
