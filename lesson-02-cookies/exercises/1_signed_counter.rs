//! Warm-up 02-1 · `GET /api/visits/signed`: a visit counter the browser cannot forge.
//!
//! With `--features 02-1-signed-counter` this file replaces `src/signed_counter.rs`: the
//! lesson's server, its story and its tests all use your handler. Check it with `cargo
//! course check 02-1-signed-counter` (or by hand, see the lesson's README, "Exercises");
//! `cargo run -p lesson-02-cookies --features 02-1-signed-counter` serves it, to try with
//! the curl commands the server prints.
//!
//! The plain counter (`plain_visits` in src/counters.rs) believes whatever count comes
//! back. Yours keeps the count readable, but signs it with the server's key, so that a
//! count the user edited is noticed and not believed.

// While the `todo!()`s stand, the compiler would warn that the lines after them never run,
// that the arguments are unused, and that a `todo!()` stands where a value should be.
// These allowances keep it quiet meanwhile; delete them once you are done.
#![allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]

use axum::extract::State;
use axum_extra::extract::cookie::SignedCookieJar;
use common::Json;

use crate::AppState;
use crate::counters::Visits;

/// `GET /api/visits/signed`: the count in a signed cookie, readable but tamper-evident.
pub async fn signed_visits(
    State(state): State<AppState>,
    jar: SignedCookieJar,
) -> (SignedCookieJar, Json<Visits>) {
    // TODO 1: Work out this visit's number from the count the browser sent back in its
    //         signed counter cookie (its name is in src/counters.rs), plus one; or 1
    //         when there is none, or it is not a count. src/counters.rs has a helper
    //         that does the arithmetic safely for every counter.
    //         Think: the signed jar checks the signature when it reads. What does a
    //         cookie whose count was edited look like to you, then?
    let visits: u64 = todo!("02-1, TODO 1: read the signed count and add one");

    // TODO 2: Send the new count back in a fresh cookie with the same name and the same
    //         attributes as the other counters' (src/counters.rs builds such a cookie),
    //         added to the signed jar, which signs it as it adds it.
    //         Think: adding gives you a new jar. What happens to the cookie if you
    //         answer with the old one?
    let jar: SignedCookieJar = todo!("02-1, TODO 2: put the new count in a signed cookie");

    // TODO 3: Answer with the jar (axum turns it into the `Set-Cookie` header) and the
    //         count as JSON, `{"visits": n}`.
    todo!("02-1, TODO 3: answer with the cookie and the count")
}
