//! Exercise 05-3 · Break it: a logout the browser ignores.
//!
//! Below is a `DELETE /api/logout` written by hand, without lesson 03's help. It answers
//! 204 with a `Set-Cookie` that looks like a removal. Yet in a real browser, Alice clicks
//! "Log out", the page reloads, and she is still logged in.
//!
//! 1. Write `your_test`: a test that fails against this logout, because of its flaw.
//! 2. Then fix `logout`, and your test passes.
//!
//! The check (`cargo course check 05-3-removal-cookie`) runs your test against this file's
//! logout and against broken logouts of its own, and checks your fixed logout itself.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps it
// quiet meanwhile; delete it when you are done.
#![allow(unused_variables)]

use axum::http::StatusCode;
use axum::http::header::{HeaderName, SET_COOKIE};
use story::Story;

/// `DELETE /api/logout`, by hand: 204, and the `session` cookie expired.
pub async fn logout() -> (StatusCode, [(HeaderName, &'static str); 1]) {
    // An empty value, and zero seconds left to live: the browser drops it. Or does it?
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, "session=; Max-Age=0")],
    )
}

/// Your test. `app` is lesson 05's server (register, login, `/api/me`) with the logout
/// under test, fresh for each run: nobody has registered yet.
pub async fn your_test(app: Story) {
    // TODO: Prove that once Alice logs out, her browser no longer has her session: fail
    //       (panic, e.g. with a failed assertion) when it still would.
    //
    //       Mind how a browser matches cookies: two cookies with the same name and
    //       different Paths are two different cookies, and a removal deletes only the
    //       one whose name AND Path it repeats. A `Set-Cookie` without a Path gets the
    //       request's folder as its Path (`/api` for a request to `/api/logout`).
    //
    //       This test's client is simpler than a browser: its jar forgets a cookie by
    //       name alone. So asking `/api/me` afterwards does not catch every way a
    //       removal goes wrong; compare what the browser compares, between the cookie
    //       the server set at login and the one it sends at logout. Checking both is
    //       best. Read the headers as cookies rather than comparing whole lines: the
    //       attributes may come in any order.
    //
    //       Think about it: why can't the server simply delete "every cookie called
    //       session", whatever its Path?
    todo!("05-3: your test")
}
