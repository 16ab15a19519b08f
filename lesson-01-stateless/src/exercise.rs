//! Exercise: write the `login` handler that sets `current_user`.
//!
//! `cargo test -p lesson-01-stateless --features exercise` runs the lesson's story and
//! tests against this file. They pass when your `login` behaves like the reference
//! (`src/handlers.rs`, `login`), bug included: the bug is the lesson.
//!
//! Start over: `git checkout -- lesson-01-stateless/src/exercise.rs`

use axum::extract::State;
use common::{ApiError, Credentials, Json, User};

use crate::AppState;

/// `POST /api/login`: checks the password, then remembers the user in `current_user`.
pub async fn login(
    State(state): State<AppState>,
    Json(credentials): Json<Credentials>,
) -> Result<Json<User>, ApiError> {
    // TODO 1: Check the username and password with `state.accounts.check_login(&credentials)`.
    //         It is async (bcrypt takes a while), so `.await` it. On a wrong password or an
    //         unknown user it returns an `ApiError` (401 "Invalid credentials"): end with `?`
    //         so that error becomes this handler's answer and nothing else happens.
    //
    // TODO 2: Remember the user. `state.current_user` is an `Arc<Mutex<Option<User>>>`:
    //         `.lock()` it (the `Mutex` lets one request at a time in), `.expect("...")`
    //         the result, and assign through the guard: `*guard = Some(user.clone());`.
    //         This is the line that makes Alice "become" Bob when Bob logs in.
    //
    // TODO 3: Answer 200 with the user: `Ok(Json(user))`.
    let _ = (&state, &credentials); // quiets "unused variable" until you use them
    todo!("check the login, store the user in current_user, return it")
}
