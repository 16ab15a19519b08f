//! Exercise 06-2 · "Log out my other devices".
//!
//! Alice's session list shows a laptop she lent to a friend and a library computer she
//! forgot to log out of. She can end them one by one by id, but the button most sites
//! offer is "log out of all other devices": end every session of hers *except* the one
//! she is using right now, so that she stays logged in here. With a sealed cookie
//! (lessons 03–05) no such button can exist: the server has no list of sessions to go
//! through. Here it has one.
//!
//! Write the handler of `DELETE /api/sessions/others`:
//!
//! | the request | the answer |
//! |---|---|
//! | comes with a live session | 200 `{"ended": N}`: N is how many of the user's *other* sessions ended. This session stays, and its cookie is left alone (no `Set-Cookie`) |
//! | comes with no live session (no cookie, an ended one, garbage) | 401 `{"error": "Not logged in"}`, like the lesson's other endpoints |
//!
//! The check (`tests/api/exercise_2_log_out_others.rs`) serves the lesson's own routes
//! with yours added at that path, and plays a story: Alice on three devices and Bob on
//! one, then Alice's phone logs the others out. Check your work with
//! `cargo course check 06-2-log-out-others`.
//!
//! Everything you need is public in the lesson's crate: its state (`AppState`), its
//! cookie's name, its session store and what the store's methods answer. `src/lib.rs`
//! has handlers that do something close to each step; read them first.

// While the `todo!()` stands, the compiler would warn that the arguments are unused. This
// keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables)]

use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use common::ApiError;
use lesson_06_server_sessions::AppState;

/// `DELETE /api/sessions/others`: ends every session of the user but this one.
pub async fn log_out_others(
    State(app): State<AppState>,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    // TODO 1: Who is asking? Find the live session this request's cookie leads to, and
    //         its user. None: answer 401 with the same error the lesson's other
    //         endpoints give when nobody is logged in.
    //
    // TODO 2: End every session of *this user* except the one making the request, and
    //         count how many ended.
    //         Think about it: which two facts pick out exactly those sessions? What
    //         happens to Bob's sessions if you forget one of them? And to Alice's own
    //         session if you forget the other?
    //
    // TODO 3: Answer 200 with `{"ended": N}`. Leave the cookie alone: unlike "log out
    //         everywhere", this browser stays logged in.
    todo!("06-2: end every other session of this user, and say how many")
}
