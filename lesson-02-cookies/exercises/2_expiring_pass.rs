//! Exercise 02-2 · A pass that carries its own end.
//!
//! The site lends visitors a ten-minute pass. `POST /api/pass` issues one in a signed
//! cookie; `GET /api/pass` says whether the browser's pass still runs.
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/pass` | 200 `{"expires_at": "2026-01-01T09:10:00Z"}` (now plus [`PASS_LIFETIME`]), and the signed cookie [`PASS_COOKIE`] |
//! | `GET /api/pass` | 200 with the same body while the pass runs; 401 `{"error": "No valid pass"}` otherwise |
//!
//! The cookie's `Max-Age` asks the browser to drop it after ten minutes, but a browser
//! is free to ignore that, and so is anyone with curl: the story shows Alice sending her
//! pass by hand after its end. So the *value* of the cookie must say when the pass ends,
//! and the server must check it against its own clock, every time. The check's story
//! (`tests/snapshots/exercise_2_expiring_pass.snap`) shows each answer, the exact
//! `Set-Cookie` line included.
//!
//! Check your work with `cargo course check 02-2-expiring-pass`.

// While the `todo!()`s stand, the compiler would warn that the arguments are unused and
// that no `Pass` is ever made. This keeps it quiet meanwhile; delete it when you are done.
#![allow(unused_variables, dead_code)]

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::get;
use axum_extra::extract::cookie::{Key, SignedCookieJar};
use common::{ApiError, Clock, Config, Json};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// The cookie that carries the pass.
pub const PASS_COOKIE: &str = "pass";

/// How long a pass lasts from the moment it is issued.
pub const PASS_LIFETIME: Duration = Duration::minutes(10);

/// The error of `GET /api/pass` without a pass that is genuine and still running.
pub const NO_PASS: &str = "No valid pass";

/// What the pass handlers need: the key that signs, the clock that says when "now" is,
/// and whether cookies travel over HTTPS only (`COOKIE_SECURE`).
#[derive(Clone)]
pub struct PassState {
    pub key: Key,
    pub clock: Clock,
    pub secure_cookies: bool,
}

/// The signed jar finds its key in the state through this.
impl FromRef<PassState> for Key {
    fn from_ref(state: &PassState) -> Key {
        state.key.clone()
    }
}

/// The answer of both endpoints: `{"expires_at": "2026-01-01T09:10:00Z"}`.
#[derive(Serialize)]
pub struct Pass {
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The pass's routes, with the config's key and `clock`. Merged into the lesson's router.
pub fn routes(config: &Config, clock: Clock) -> Router {
    Router::new()
        .route("/api/pass", get(show_pass).post(issue_pass))
        .with_state(PassState {
            key: config.cookie_key.clone(),
            clock,
            secure_cookies: config.cookie_secure,
        })
}

/// `POST /api/pass`: a new pass, ending [`PASS_LIFETIME`] from now. 200 with its end, and
/// the signed cookie that carries it.
pub async fn issue_pass(
    State(state): State<PassState>,
    jar: SignedCookieJar,
) -> (SignedCookieJar, Json<Pass>) {
    // TODO 1: Work out when the new pass ends, by the state's clock (never the system's:
    //         the story moves its clock by hand).
    //
    // TODO 2: Put that moment in the pass cookie as a plain whole number, in Unix
    //         seconds, so that it reads back exactly and anyone can see it. Give the
    //         cookie the same attributes as the lesson's counters (src/counters.rs), but
    //         a lifetime of one pass. Add it to the signed jar and answer with that jar
    //         and the end.
    //         Think: anyone can read the number. Why is that harmless here, and what
    //         would happen if the cookie were a plain one?
    todo!("02-2, TODO 1 and 2: issue a signed pass that carries its end")
}

/// `GET /api/pass`: 200 with the pass's end while it runs; 401 [`NO_PASS`] when there is
/// no pass, when it was edited, or when its end has come.
pub async fn show_pass(
    State(state): State<PassState>,
    jar: SignedCookieJar,
) -> Result<Json<Pass>, ApiError> {
    // TODO 3: Read the pass the browser sent, and turn its value back into a moment.
    //         Any step of that can fail: no cookie, a signature that does not match, a
    //         value that is not a number, a number that is no moment. Each one is the
    //         same 401 in the JSON error shape (common/src/error.rs), never a 500.
    //
    // TODO 4: Compare that moment with the state's clock. The pass runs while "now" is
    //         before its end; from its end on, it is refused like a forged one.
    //         Think: the browser was told to drop the cookie at that very moment. Why
    //         check again here?
    todo!("02-2, TODO 3 and 4: accept the pass only while it runs")
}
