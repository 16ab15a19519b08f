//! Break it 03-3 · A login that says too much: the reference solution.

use axum::extract::State;
use axum_extra::extract::cookie::PrivateCookieJar;
use common::accounts::INVALID_CREDENTIALS;
use common::passwords::Passwords;
use common::users::StoredUser;
use common::{Accounts, ApiError, Credentials, Json, User};
use lesson_03_login::Session;
use story::{Reply, Story};

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
/// Fixed: one bcrypt check whether or not the account exists (against a dummy hash when
/// it does not), and one answer for every failure.
pub async fn check_password(
    passwords: &Passwords,
    found: Option<StoredUser>,
    password: &str,
) -> Result<User, ApiError> {
    let hash = found.as_ref().map(|found| found.password_hash.as_str());
    let matches = passwords.verify(password, hash).await?;
    match found {
        Some(found) if matches => Ok(found.user),
        _ => Err(ApiError::unauthorized(INVALID_CREDENTIALS)),
    }
}

/// What a client receives, but the `date` header: it is the time of day, so it differs
/// between any two answers.
fn as_seen_by_client(reply: &Reply) -> (u16, Vec<(String, String)>, &str) {
    let headers = reply
        .headers
        .iter()
        .filter(|(name, _)| name != "date")
        .cloned()
        .collect();
    (reply.status, headers, &reply.body)
}

/// Mallory's two failed logins must look the same to her.
pub async fn your_test(app: Story) {
    app.client("Alice").register_ok("alice").await;
    let mut mallory = app.client("Mallory");
    let wrong_password = mallory.login("alice", "wrong horse").await;
    let unknown_user = mallory.login("nobody", "wrong horse").await;
    assert_eq!(wrong_password.status, 401, "{}", wrong_password.body);
    assert_eq!(
        as_seen_by_client(&wrong_password),
        as_seen_by_client(&unknown_user),
        "Mallory can tell a wrong password from an unknown name"
    );
}
