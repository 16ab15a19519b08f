//! Break it 04-3 · Logged in as nobody.
//!
//! A teammate shortened `/api/me`: "a valid cookie means someone is logged in, so the
//! status is 200 whenever the session names a user". Every test they had still passed.
//! But the cookie only holds an id, and it lives for a week; the account it names can be
//! deleted in the meantime. What does a page get then, and what would it show?
//!
//! Two parts, in this order:
//! 1. Write `your_test`: the test that shows the flaw. Against the flawed `me` below it
//!    must FAIL.
//! 2. Fix `me`, so that your test PASSES.
//!
//! The check, `tests/api/exercise_3_deleted_user.rs` (`cargo course check 04-3-deleted-user`),
//! runs your test against its own copy of the flaw and against your fix, then tests your
//! fix itself.

// While the `todo!()` stands, the compiler would warn that the arguments are unused.
// This keeps it quiet meanwhile; delete it once you are done.
#![allow(unused_variables)]

use axum::extract::State;
use axum::http::StatusCode;
use common::{Accounts, ApiError, Json, User, UserStore};
use lesson_03_login::Session;
use story::Story;

/// `GET /api/me`, shortened. FLAWED: fix it once your test has shown the flaw.
pub async fn me(
    State(accounts): State<Accounts>,
    session: Session,
) -> Result<(StatusCode, Json<Option<User>>), ApiError> {
    match session.user_id() {
        // A valid cookie names a user, so somebody is logged in.
        Some(id) => Ok((StatusCode::OK, Json(accounts.users.find_by_id(id).await?))),
        None => Ok((StatusCode::UNAUTHORIZED, Json(None))),
    }
}

/// Your test. `app` is a running server with lesson 03's register and login and this
/// file's `me` at `GET /api/me`; make clients with `app.client("Alice")` (see
/// story/src/client.rs for what a client can do). `users` is the server's user
/// store, opened from outside, as an administrator's tool would: what the server does
/// not do itself, you can do there.
pub async fn your_test(app: Story, users: UserStore) {
    // TODO: Prove that an account deleted while its session cookie lives is "nobody" to
    //       /api/me: the same 401 with the body `null` as no cookie at all.
    //
    //       Think: the flawed answer is a 200 with the body `null`. A page that checks
    //       only the status, or only the body, decides what? Which do you assert?
    todo!("04-3: the test that catches a deleted user's session")
}
