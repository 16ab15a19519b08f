//! Apply 03-2 · Switch an account off: the reference solution.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::accounts::INVALID_CREDENTIALS;
use common::{Accounts, ApiError, Credentials, Json, User};
use lesson_03_login::Session;

/// The accounts an administrator has switched off, by username as registered. Cheap to
/// clone: every clone shares one set, so disabling an account takes effect at once.
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
    // The password is checked first, for every request alike: refusing a disabled name
    // before bcrypt would answer faster, and the speed alone would give it away.
    let user = accounts.check_login(&credentials).await?;
    // The name as the database has it, not as it was typed: names compare without case,
    // so "CAROL" logs in as carol.
    if disabled.is_disabled(&user.username) {
        // Not "account disabled": that would tell whoever typed the password that it is
        // right, and that the account exists.
        return Err(ApiError::unauthorized(INVALID_CREDENTIALS));
    }
    Ok((session.start(user.id), Json(user)))
}
