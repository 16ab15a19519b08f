//! Registering and checking a login: validation, hashing and the one generic answer.
//!
//! Every lesson registers and logs users in the same way; what changes from lesson to
//! lesson is how the server *remembers* the user afterwards. So that part lives in the
//! lessons and this part lives here.

use serde::Deserialize;

use crate::clock::Clock;
use crate::error::ApiError;
use crate::passwords::{MAX_PASSWORD_BYTES, PasswordError, Passwords};
use crate::users::{CreateUserError, User, UserStore};

pub const MIN_USERNAME_CHARS: usize = 3;
pub const MAX_USERNAME_CHARS: usize = 32;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The one message for a failed login, whatever the reason.
pub const INVALID_CREDENTIALS: &str = "Invalid credentials";

/// The body of `POST /api/register` and `POST /api/login`.
#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

// By hand, so a password can never reach a log through `{:?}`.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// Users plus passwords: what the register and login handlers need. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Accounts {
    pub users: UserStore,
    pub passwords: Passwords,
    pub clock: Clock,
}

impl Accounts {
    pub fn new(users: UserStore, passwords: Passwords, clock: Clock) -> Self {
        Self {
            users,
            passwords,
            clock,
        }
    }

    /// Validates, hashes and stores a new user.
    /// Errors: 400 with the reason, or 409 "Username already taken".
    pub async fn register(&self, credentials: &Credentials) -> Result<User, ApiError> {
        validate_username(&credentials.username)?;
        validate_password(&credentials.password)?;
        let hash = self.passwords.hash(&credentials.password).await?;
        self.users
            .create(&credentials.username, &hash, self.clock.now())
            .await
            .map_err(|error| match error {
                CreateUserError::UsernameTaken => ApiError::conflict("Username already taken"),
                CreateUserError::Database(message) => ApiError::internal(message),
            })
    }

    /// Finds the user and checks the password. Both ways to fail (no such user, wrong
    /// password) give the same 401 after the same bcrypt work, so neither the answer
    /// nor its timing tells an attacker which usernames exist.
    pub async fn check_login(&self, credentials: &Credentials) -> Result<User, ApiError> {
        // Over 72 bytes could never have been registered; saying so reveals nothing.
        validate_password_length(&credentials.password)?;
        let stored = self.users.find_by_username(&credentials.username).await?;
        let hash = stored.as_ref().map(|stored| stored.password_hash.as_str());
        let matches = self.passwords.verify(&credentials.password, hash).await?;
        match stored {
            Some(stored) if matches => Ok(stored.user),
            _ => Err(ApiError::unauthorized(INVALID_CREDENTIALS)),
        }
    }
}

/// 3 to 32 characters: letters a–z (either case), digits, `_`, `-` and `.`.
/// A small set keeps names readable and free of look-alike Unicode.
pub fn validate_username(username: &str) -> Result<(), ApiError> {
    let chars = username.chars().count();
    if !(MIN_USERNAME_CHARS..=MAX_USERNAME_CHARS).contains(&chars) {
        return Err(ApiError::bad_request(format!(
            "Username must be {MIN_USERNAME_CHARS} to {MAX_USERNAME_CHARS} characters long"
        )));
    }
    if let Some(bad) = username
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(ApiError::bad_request(format!(
            "Username may only use letters a-z, digits, '_', '-' and '.' (found {bad:?})"
        )));
    }
    Ok(())
}

/// At least 8 characters, at most 72 bytes.
pub fn validate_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_request(format!(
            "Password must be at least {MIN_PASSWORD_CHARS} characters long"
        )));
    }
    validate_password_length(password)
}

/// bcrypt reads only 72 bytes. We count *bytes*: "é" is 2 and most emoji are 4, so a
/// password of 40 emoji is 160 bytes even though it looks like 40 characters.
fn validate_password_length(password: &str) -> Result<(), ApiError> {
    let bytes = password.len();
    if bytes > MAX_PASSWORD_BYTES {
        return Err(ApiError::bad_request(format!(
            "Password must be at most {MAX_PASSWORD_BYTES} bytes (this one is {bytes}; \
             letters like é or emoji take 2 to 4 bytes each)"
        )));
    }
    Ok(())
}

impl From<PasswordError> for ApiError {
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::TooLong => ApiError::bad_request(format!(
                "Password must be at most {MAX_PASSWORD_BYTES} bytes"
            )),
            // Not the client's fault and not a verdict on the password: the server is
            // busy hashing for others. The client may try again in a moment.
            PasswordError::Busy { retry_after } => ApiError::unavailable(
                "The server is busy checking other passwords: try again in a few seconds",
                retry_after,
            ),
            PasswordError::Internal(message) => ApiError::internal(message),
        }
    }
}

impl Accounts {
    /// Opens the database named in `config` and sets up hashing at its bcrypt cost and
    /// within its [limits](crate::limits), with the dummy hash for unknown users made
    /// before the first request.
    pub async fn connect(config: &crate::Config, clock: Clock) -> Result<Self, sqlx::Error> {
        let pool = crate::db::connect(&config.database_url).await?;
        let passwords = Passwords::with_limits(config.bcrypt_cost, &config.limits);
        passwords.prepare().await.map_err(|error| {
            sqlx::Error::Io(std::io::Error::other(format!(
                "making the dummy hash: {error:?}"
            )))
        })?;
        Ok(Self::new(UserStore::new(pool), passwords, clock))
    }
}
