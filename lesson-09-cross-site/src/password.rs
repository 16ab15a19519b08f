//! `POST /api/password`: changing a password safely.
//!
//! Whoever holds a session cookie could change the password and lock the owner out: a
//! browser left open, a stolen cookie, a forged request. So the change asks for what only
//! the owner knows, and then ends everything the old password let in:
//!
//! 1. **Who.** A live session, or `401`.
//! 2. **The new password** is checked as registration checks it (`400`), before anything
//!    costs a guess.
//! 3. **The current password**, as a login checks it: one bcrypt run, one answer for a
//!    wrong one, and counted by lesson 08's throttle under the same key as a login. Without
//!    the throttle, a stolen cookie would be a way to guess the password that the login's
//!    throttle no longer slows.
//! 4. **The change and the ending are one transaction**: the new hash, and every session of
//!    the user deleted. Either both happen or neither: never a new password with the
//!    thief's session still alive.
//! 5. **A new session for this browser**, with a new token: the one it came with was
//!    ended in step 4, like every other.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum_extra::extract::CookieJar;
use common::accounts::{INVALID_CREDENTIALS, validate_password};
use common::{Accounts, ApiError, Json, User};
use lesson_08_brute_force::Key;
use serde::Deserialize;

use crate::AppState;

/// The body of `POST /api/password`.
#[derive(Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

// By hand, so that neither password can reach a log through `{:?}`.
impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { <hidden> }")
    }
}

/// `POST /api/password`: 200 with the user and a new session cookie; 401 without a
/// session or for a wrong current password; 400 for a new password registration would
/// refuse; 429 after too many wrong ones.
pub async fn change_password(
    State(app): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(change): Json<PasswordChange>,
) -> Result<(CookieJar, Json<User>), ApiError> {
    let me = app.lesson_06.required(&jar).await?;
    validate_password(&change.new_password)?;

    // A wrong current password is a failed login: the same key, the same count.
    let key = Key::new(&me.user.username, client.ip());
    app.attempts.begin(&key).await?;
    let accounts = &app.lesson_06.accounts;
    let right = match is_right(accounts, &me.user.username, &change.current_password).await {
        Ok(right) => right,
        // Busy hashing, or a failure of ours: no verdict on the password, so no guess.
        Err(no_verdict) => {
            app.attempts.refund(&key).await?;
            return Err(no_verdict);
        }
    };
    if !right {
        return Err(ApiError::unauthorized(INVALID_CREDENTIALS));
    }
    app.attempts.clear(&key).await?;

    let hash = accounts.passwords.hash(&change.new_password).await?;
    let ended = replace_password(&app, me.user.id, &hash).await?;
    tracing::info!(
        user = me.user.id,
        sessions_ended = ended,
        "password changed"
    );
    let jar = app
        .lesson_06
        .start_session(jar, &headers, me.user.id)
        .await?;
    Ok((jar, Json(me.user)))
}

/// Whether `password` is `username`'s: one bcrypt check against the stored hash.
async fn is_right(accounts: &Accounts, username: &str, password: &str) -> Result<bool, ApiError> {
    let stored = accounts
        .users
        .find_by_username(username)
        .await?
        .ok_or_else(|| ApiError::unauthorized(INVALID_CREDENTIALS))?;
    Ok(accounts
        .passwords
        .verify(password, Some(&stored.password_hash))
        .await?)
}

/// Stores the new hash and ends every session of the user, in one transaction; says how
/// many sessions ended.
async fn replace_password(app: &AppState, user_id: i64, hash: &str) -> Result<u64, ApiError> {
    let mut transaction = app.lesson_06.accounts.users.pool().begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    transaction.commit().await?;
    Ok(ended)
}
