//! Break it 06-3 · A sessions table that keeps the tokens themselves.
//!
//! The check runs a small server of its own: register, login and `/api/me`, with the
//! lesson's `sessions` table (migrations/20260106000001_sessions.sql). Each login makes a
//! random token for the cookie and writes a row under the key [`row_key`] gives for it;
//! each `/api/me` finds the row again by the key of the cookie it receives.
//!
//! As written below, the key is the token itself. Everything works: logins, `/api/me`,
//! the lesson's story would not notice a thing. But the database now holds every live
//! cookie. A backup left on a shared drive, a leaked file, a curious administrator: each
//! can copy a value from the table, send it as a cookie and be whoever it belongs to, no
//! password needed.
//!
//! Two steps, in this order:
//!
//! 1. Write [`your_test`], the test that catches it. The check runs your test against
//!    this flawed server and expects it to FAIL there.
//! 2. Fix [`row_key`]. The check runs your test again, against the server with your
//!    `row_key`, and expects it to PASS; then it checks the fix with tests of its own.
//!
//! Check your work with `cargo course check 06-3-raw-tokens`.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps it
// quiet meanwhile; delete it when done.
#![allow(unused_variables)]

use story::Story;

/// The key the server's `sessions` table keeps for the session whose cookie holds
/// `token`. The server uses it twice: to write the row at login, and to find the row
/// again at every request, so it must give the same key for the same token every time.
pub fn row_key(token: &str) -> Vec<u8> {
    // The flaw: what the table keeps is exactly what the cookie carries.
    token.as_bytes().to_vec()
}

/// Your test. `app` is the check's server, running on 127.0.0.1 with a fresh database
/// and nobody registered yet. Make clients with `app.client("Alice")`, as the lesson's
/// tests do.
pub async fn your_test(app: Story) {
    // TODO: Prove that the database holds no cookie value.
    //       Log someone in, and note the value of the cookie they got. Then look in the
    //       server's database, as someone with a copy of the file would: read what the
    //       `sessions` table keeps. Fail if any cookie value is there as it is.
    //       Also make sure the login still works (the person is who `/api/me` says),
    //       so that a server that stores nothing at all does not pass either.
    //
    //       The lesson's own tests (tests/api/weak_spots.rs) open a second connection to
    //       their server's database; see how. Think about it: what exactly would you
    //       have to find in the table to log in as Alice with curl?
    todo!("06-3: write the test that finds a cookie value in the sessions table")
}
