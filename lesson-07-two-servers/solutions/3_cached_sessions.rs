//! Break it 07-3 · A session cache in each server's memory: the reference.
//!
//! The test ends a session through B and replays its cookie on A, which had looked the
//! session up before. The fix drops the cache: every request asks the database, the one
//! place both servers share. The starter, with the exercise explained, is
//! `exercises/3_cached_sessions.rs`.

use std::collections::HashMap;
use std::sync::Mutex;

use lesson_06_server_sessions::{LoggedIn, SessionStore};
use story::Story;

/// The answers one server has found, by token. Each server has its own: it lives in the
/// server's memory, where the other server cannot see it.
#[derive(Default)]
pub struct Cache {
    seen: Mutex<HashMap<String, LoggedIn>>,
}

impl Cache {
    pub fn get(&self, token: &str) -> Option<LoggedIn> {
        self.seen.lock().unwrap().get(token).cloned()
    }

    pub fn put(&self, token: &str, found: LoggedIn) {
        self.seen.lock().unwrap().insert(token.to_owned(), found);
    }

    /// Forgets `token`: this server's logout calls it.
    pub fn forget(&self, token: &str) {
        self.seen.lock().unwrap().remove(token);
    }
}

/// Whose live session `token` is, for `GET /api/me` on this server.
pub async fn lookup(
    _cache: &Cache,
    store: &SessionStore,
    token: &str,
) -> Result<Option<LoggedIn>, sqlx::Error> {
    // No cache: a server cannot know from its own memory that another one ended the
    // session (or that it timed out, or that the user was deleted). The database can,
    // and one indexed lookup per request is what a revocable session costs.
    store.lookup(token).await
}

/// Your test. `app` is the check's pair of servers, "A" and "B", running on 127.0.0.1
/// with one fresh database and nobody registered yet.
pub async fn your_test(app: Story) {
    let mut alice = app.client("Alice");
    app.use_server("A");
    alice.register_ok("alice").await;
    let copy = alice.cookies();
    let reply = alice.me().await;
    assert_eq!(reply.json()["username"], "alice", "A knows Alice");

    app.use_server("B");
    assert_eq!(alice.logout().await.status, 204, "Alice logs out on B");

    app.use_server("A");
    let mut replay = app.client("Replay");
    replay.restore_cookies(&copy);
    let reply = replay.me().await;
    assert_eq!(
        reply.status, 401,
        "the session ended on B still works on A: {}",
        reply.body
    );
}
