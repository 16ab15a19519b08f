//! Break it 07-3 · A session cache in each server's memory.
//!
//! Lesson 06 asks the database on every request: "whose session is this token?" Someone
//! finds that wasteful and adds a cache: each server keeps the answers it found in its own
//! memory, and asks the database only about tokens it has not seen yet. Its own logout
//! forgets the token, so on one server all looks right: log in, log out, refused.
//!
//! But there are two servers. The check runs lesson 06 on A and B, one database, each with
//! a `Cache` of its own, and with [`lookup`] answering `GET /api/me`. A session ended
//! through B (a logout, or "end that session" from the list) is gone from the database,
//! yet A goes on answering from its memory: the saved cookie still works on A, for as
//! long as A runs. Ending a session on one server must end it on all.
//!
//! Two steps, in this order:
//!
//! 1. Write [`your_test`], the test that catches it. The check runs your test against
//!    servers with this flawed `lookup` and expects it to FAIL there.
//! 2. Fix [`lookup`]. The check runs your test again, against servers with your `lookup`,
//!    and expects it to PASS; then it checks the fix with tests of its own.
//!
//! Keep `Cache` and the signatures as they are: the check builds its servers with them.
//! Check your work with `cargo course check 07-3-cached-sessions`.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps it
// quiet meanwhile; delete it when done.
#![allow(unused_variables)]

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
    cache: &Cache,
    store: &SessionStore,
    token: &str,
) -> Result<Option<LoggedIn>, sqlx::Error> {
    // The flaw: an answer found once is trusted from then on, without asking the database.
    if let Some(known) = cache.get(token) {
        return Ok(Some(known));
    }
    let found = store.lookup(token).await?;
    if let Some(found) = &found {
        cache.put(token, found.clone());
    }
    Ok(found)
}

/// Your test. `app` is the check's pair of servers, "A" and "B", running on 127.0.0.1
/// with one fresh database and nobody registered yet. `app.use_server("A")` sends the
/// clients' next requests to A, as a load balancer would; make clients with
/// `app.client("Alice")`, as the lesson's tests do.
pub async fn your_test(app: Story) {
    // TODO: Prove that a session ended through one server is ended on the other too.
    //       Log someone in and let server A answer who they are at least once (that is
    //       when A remembers). Keep a copy of the cookie. End the session through B. Then
    //       send the copy to A: the answer must be "nobody". Also check that A did know
    //       the user before, so that a server that knows nobody at all does not pass.
    //
    //       The lesson's story (tests/api/lesson_story.rs) switches servers and copies
    //       cookies; see how. Think about it: how long would A keep the ended session
    //       alive? And what could A do to learn that B ended it?
    todo!("07-3: write the test that shows a session ended on B still working on A")
}
