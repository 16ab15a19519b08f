//! Break it 03-3 · A login that says too much.
//!
//! A teammate wrote the login out by hand, step by step, to give friendlier errors: "No
//! such user" when the name is unknown, "Wrong password" when it is not. Friendly to
//! Mallory too: she can now try names until one says "Wrong password", and spend her
//! password guesses only on accounts that exist. And there is a second leak, quieter:
//! look at how much work each answer costs.
//!
//! Two parts, in this order:
//! 1. Write `your_test`: the test that shows an attacker can tell "no such user" from
//!    "wrong password". Against the flawed `check_password` below it must FAIL.
//! 2. Fix `check_password`, so that your test PASSES.
//!
//! The check, `tests/api/exercise_3_same_answer.rs` (`cargo course check 03-3-same-answer`),
//! runs your test against its own copy of the flaw and against your fix, then tests your
//! fix itself, the bcrypt work each answer costs included.

// While the `todo!()` stands, the compiler would warn that `app` is unused. This keeps
// it quiet meanwhile; delete it once you are done.
#![allow(unused_variables)]

use axum::extract::State;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::passwords::Passwords;
use common::users::StoredUser;
use common::{Accounts, ApiError, Credentials, Json, User};
use lesson_03_login::Session;
use story::Story;

/// `POST /api/login`, written out step by step. The flaw is not in here: fix
/// `check_password`.
pub async fn login(
    State(accounts): State<Accounts>,
    session: Session,
    Json(credentials): Json<Credentials>,
) -> Result<(PrivateCookieJar, Json<User>), ApiError> {
    // 1. Find the account by its name: `None` when nobody has that name.
    let found = accounts
        .users
        .find_by_username(&credentials.username)
        .await?;
    // 2. Check the password against the account found.
    let user = check_password(&accounts.passwords, found, &credentials.password).await?;
    // 3. Start the session.
    Ok((session.start(user.id), Json(user)))
}

/// Step 2 of the login: the user, if `password` is right for the account `found`.
///
/// FLAWED: fix it once your test has shown the flaw.
pub async fn check_password(
    passwords: &Passwords,
    found: Option<StoredUser>,
    password: &str,
) -> Result<User, ApiError> {
    let Some(found) = found else {
        return Err(ApiError::unauthorized("No such user"));
    };
    if passwords
        .verify(password, Some(&found.password_hash))
        .await?
    {
        Ok(found.user)
    } else {
        Err(ApiError::unauthorized("Wrong password"))
    }
}

/// Your test. `app` is a running server with this file's `login` at `POST /api/login`
/// and lesson 03's register: make clients with `app.client("Mallory")` (see
/// story/src/client.rs for what a client can do).
pub async fn your_test(app: Story) {
    // TODO: Prove that Mallory cannot tell an unknown username from a wrong password.
    //       Register an account, then try to log in twice: the right name with a wrong
    //       password, and a name nobody has. Assert that the two answers are the same in
    //       everything a client receives: status, headers and body. (One header differs
    //       on its own, whatever the server does: which one, and why may you leave it out?)
    //
    //       Think: your test compares what Mallory can see in an answer. Is there
    //       anything else she can measure about it?
    todo!("03-3: the test that tells the two failed logins apart")
}
