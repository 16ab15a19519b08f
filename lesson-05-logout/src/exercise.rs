//! Exercise: write `DELETE /api/logout`.
//!
//! `cargo run -p lesson-05-logout --features exercise` serves this version (the page's
//! "Log out" button calls it), and `cargo test -p lesson-05-logout --features exercise`
//! checks it against the lesson's story. Replace each `todo!()` in turn.
//!
//! The reference is `logout` in src/logout.rs: try without it first.

// Until every `todo!()` is gone, the compiler would warn that the lines after one never
// run, that some arguments are unused, and that a `todo!()` stands where a value should
// be. These allowances keep it quiet meanwhile; delete them once you are done.
#![allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]

use axum::http::StatusCode;
use axum_extra::extract::cookie::PrivateCookieJar;
use lesson_03_login::Session;

/// 204 No Content, with the `Set-Cookie` that removes the session cookie.
pub async fn logout(session: Session) -> (StatusCode, PrivateCookieJar) {
    // TODO 1: The server stores no session, so there is nothing to delete on its side.
    //         Ask the browser to delete its cookie instead: `session.clear()` gives the
    //         jar with a removal `Set-Cookie` in it (same name, same Path, expired).
    let jar: PrivateCookieJar = todo!("TODO 1: clear the session");

    // TODO 2: Answer `StatusCode::NO_CONTENT` (204: done, no body) together with the jar.
    //         Without the jar in the response, the browser never hears about it.
    todo!("TODO 2: answer 204 with the jar")
}
