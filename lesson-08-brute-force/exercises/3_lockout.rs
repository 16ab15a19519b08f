//! Break it 08-3 · A throttle that locks Alice out.
//!
//! The check runs the lesson's server with one change: the guard counts failures under
//! the key [`throttle_key`] gives for each login, instead of the lesson's `Key::new`.
//!
//! As written below, the key is the username alone: every address shares one count per
//! name. Guessing is still slowed down, and the lesson's story would look almost the
//! same. But now anyone, anywhere, can send four wrong passwords for `alice` and keep
//! sending one every few minutes: from then on, Alice herself, on her own laptop, with her
//! own password, gets `429` too. The throttle meant to protect her account has become a
//! way to lock her out of it, for as long as the attacker cares to.
//!
//! Two steps, in this order:
//!
//! 1. Write [`your_test`], the test that catches it. The check runs your test against
//!    this flawed server and expects it to FAIL there.
//! 2. Fix [`throttle_key`]. The check runs your test again, against the server with your
//!    `throttle_key`, and expects it to PASS; then it checks the fix with tests of its own.
//!
//! Check your work with `cargo course check 08-3-lockout`.

// While the `todo!()` stands, the compiler would warn that `app` and `client` are unused.
// This keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables)]

use std::net::IpAddr;

use lesson_08_brute_force::Key;
use story::Story;

/// The key the guard counts the failures of a login for `username` from `client` under.
/// Logins with the same key share one count, and one wait.
pub fn throttle_key(username: &str, client: IpAddr) -> Key {
    // The flaw: the address is left out, so every address shares one count per name.
    Key {
        username: username.to_ascii_lowercase(),
        address: "anywhere".to_owned(),
    }
}

/// Your test. `app` is the check's server, running on 127.0.0.1 with a fresh database and
/// nobody registered yet. Make clients with `app.client("Alice")`, as the lesson's tests
/// do; `.local_address("127.0.0.3")` makes one send from an address of its own.
pub async fn your_test(app: Story) {
    // TODO: Prove that nobody can lock Alice out of her account.
    //       Alice registers from her address. An attacker, from another address, sends
    //       wrong passwords for her name until the server refuses them (make sure it
    //       does: a server that throttles nothing must not pass your test either). Then
    //       Alice logs in from her own address with her own password: your test fails
    //       unless she gets in.
    //
    //       Think about it: what does the server know about a login that could tell
    //       Alice's attempts from the attacker's? And what could an attacker do if the
    //       key were the address alone?
    todo!("08-3: write the test that shows Alice locked out by someone else's guesses")
}
