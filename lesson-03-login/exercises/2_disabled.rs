//! Apply 03-2 · Switch an account off.
//!
//! An administrator can now disable an account, say carol's after it sent spam. From
//! then on a login as carol must fail, even with her right password. Your `login` below
//! is served at `POST /api/login` by the check, `tests/api/exercise_2_disabled.rs`, with a
//! [`Disabled`] set it fills in. Check it with `cargo course check 03-2-disabled`.
//!
//! What the login must not do is tell anyone *why* it failed. A message like "this
//! account is disabled" says that the name exists and that the password just typed is
//! right: to someone who is guessing, or who found the password in another site's leak,
//! that is worth a lot. So a disabled account gets exactly the answer a wrong password
//! gets, after exactly as much work.

// While the `todo!()` stands, the compiler would warn that the arguments, and the set's
// `is_disabled`, are unused. This keeps it quiet meanwhile; delete it once you are done.
#![allow(unused_variables, dead_code)]

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::{Accounts, ApiError, Credentials, Json, User};
use lesson_03_login::Session;

/// The accounts an administrator has switched off, by username as registered. Cheap to
/// clone: every clone shares one set, so disabling an account takes effect at once.
/// Given: you only need to ask it.
#[derive(Clone, Default)]
pub struct Disabled(Arc<RwLock<HashSet<String>>>);

impl Disabled {
    /// Switches the account `username` off.
    pub fn disable(&self, username: &str) {
        let mut names = self.0.write().expect("the set is never poisoned");
        names.insert(username.to_owned());
    }

    /// Whether the account `username` (exactly as registered) is switched off.
    pub fn is_disabled(&self, username: &str) -> bool {
        let names = self.0.read().expect("the set is never poisoned");
        names.contains(username)
    }
}

/// `POST /api/login` that refuses a disabled account with the same 401, after the same
/// bcrypt work, as a wrong password.
pub async fn login(
    State(accounts): State<Accounts>,
    State(disabled): State<Disabled>,
    session: Session,
    Json(credentials): Json<Credentials>,
) -> Result<(PrivateCookieJar, Json<User>), ApiError> {
    // TODO: Log the user in as the lesson's login does, unless their account is disabled.
    //       A disabled account gets the same answer as a wrong password: same status,
    //       same body, no cookie. `common::accounts` has the message as a constant.
    //
    //       Three things to get right:
    //       - Time. A refusal that comes back sooner than a password check says "this
    //         one is special". Whatever the account, the password is checked once.
    //       - Names. The database compares usernames without case: "CAROL" finds carol's
    //         account. Which name do you look up in the disabled set: the one typed, or
    //         the one of the account that was found?
    //       - Everyone else logs in as before.
    //
    //       Think: carol's browser still holds the cookie from before she was disabled.
    //       Does your change end that session? (Lesson 05 comes back to this.)
    todo!("03-2: log in, but refuse a disabled account like a wrong password")
}
