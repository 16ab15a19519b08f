//! Warm-up 05-1 · `DELETE /api/logout`: forget the session in this browser.
//!
//! With `--features 05-1-logout` this file replaces `src/logout.rs`, and the page's
//! "Log out" button calls your handler. Check it with `cargo course check 05-1-logout`.
//!
//! The server keeps no list of sessions, so there is nothing on its side to delete.
//! Logging out means asking the browser to throw its cookie away.

// While the `todo!()` stands, the compiler would warn that `session` is unused. This
// keeps it quiet meanwhile; delete it once you are done.
#![allow(unused_variables)]

use axum::http::StatusCode;
use axum_extra::extract::cookie::PrivateCookieJar;
use lesson_03_login::Session;

/// 204 No Content, with the `Set-Cookie` that removes the session cookie. Also 204 when
/// nobody was logged in: the result the client wanted is there either way.
pub async fn logout(session: Session) -> (StatusCode, PrivateCookieJar) {
    // TODO: Answer "done, nothing to say", together with a cookie jar whose only change
    //       is an instruction to the browser: delete the session cookie.
    //
    //       A browser deletes a cookie when it receives one with the same name and the
    //       same Path, already expired. Building that by hand is easy to get subtly wrong;
    //       lesson 03's session (lesson-03-login/src/session.rs) already knows its own
    //       cookie's name and Path. Look at what it offers.
    //
    //       Think about it: what has changed on the server once you answer? If someone
    //       copied the cookie yesterday, does your answer stop them?
    todo!("05-1: answer 204 with the jar that removes the session cookie")
}
