//! Exercise: write the signed visit counter.
//!
//! `cargo test -p lesson-02-cookies --features exercise` runs the lesson's story and
//! tests against this file. They pass when your `signed_visits` behaves like the
//! reference (`src/counters.rs`, `signed_visits`).
//!
//! Start over: `git checkout -- lesson-02-cookies/src/exercise.rs`

use axum::extract::State;
use axum_extra::extract::cookie::SignedCookieJar;
use common::Json;

use crate::AppState;
use crate::counters::Visits;

// What you will need (`plain_visits` in src/counters.rs shows them at work). The
// `allow` keeps the compiler quiet about them until you use them.
#[allow(unused_imports)]
use crate::counters::{SIGNED_COOKIE, next_count, visits_cookie};
#[allow(unused_imports)]
use axum_extra::extract::cookie::Cookie;

/// `GET /api/visits/signed`: the count in a signed cookie, readable but tamper-evident.
pub async fn signed_visits(
    State(state): State<AppState>,
    jar: SignedCookieJar,
) -> (SignedCookieJar, Json<Visits>) {
    // TODO 1: Read the cookie named `SIGNED_COOKIE` with `jar.get(...)`. The signed jar
    //         checks the signature for you: an edited cookie gives `None`, exactly like
    //         no cookie at all. It returns an `Option<Cookie>`; `next_count` wants the
    //         value as an `Option<&str>`: `.as_ref().map(Cookie::value)`.
    //
    // TODO 2: Work out this visit's number: `next_count(...)` adds one to the count sent
    //         back, or starts at 1 when there is none (or it is not a number).
    //
    // TODO 3: Build the new cookie with `visits_cookie(SIGNED_COOKIE, visits,
    //         state.secure_cookies)` and `jar.add(...)` it. Adding to a signed jar signs
    //         the value. `add` returns the new jar: keep it.
    //
    // TODO 4: Return `(jar, Json(Visits { visits }))`. axum turns the jar into the
    //         `Set-Cookie` header and the `Visits` into `{"visits": n}`.
    let _ = (&state, &jar); // quiets "unused variable" until you use them
    todo!("read the signed count, add one, send it back in a signed cookie")
}
