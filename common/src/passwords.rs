//! Password hashing with bcrypt, done the careful way.
//!
//! Three things the bcrypt crate's plain `hash`/`verify` leave to us:
//! - **Blocking.** One hash at cost 12 is a quarter of a second of pure CPU. On an async
//!   worker thread that would stall every other request on that thread, so the work goes
//!   to tokio's blocking pool with `spawn_blocking`.
//! - **Truncation.** bcrypt only reads 72 bytes. The plain functions silently ignore the
//!   rest, so two long passwords sharing a prefix would both work. We refuse anything
//!   over 72 bytes instead, here and in [`crate::accounts`]'s validation, so nothing is
//!   ever cut. (The crate's `non_truncating_*` functions are stricter than bcrypt
//!   itself: they count the C string's final NUL and so refuse a 72-byte password.)
//! - **Unknown users.** Checking a password takes ~250 ms; finding no user takes ~0 ms. A
//!   login that skips bcrypt for unknown names tells an attacker which names exist by
//!   its speed alone. [`Passwords::verify`] does the same work either way.

use std::sync::{Arc, OnceLock};

/// bcrypt reads at most this many bytes of a password.
pub const MAX_PASSWORD_BYTES: usize = 72;

/// Hashes and checks passwords at one bcrypt cost. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Passwords {
    cost: u32,
    /// A hash of a password nobody knows, at the same cost. Unknown usernames are verified
    /// against it so that they cost as much as known ones. [`Passwords::prepare`] makes it
    /// before the server listens; otherwise the first unknown name would pay for making it.
    dummy_hash: Arc<OnceLock<String>>,
}

#[derive(Debug)]
pub enum PasswordError {
    /// More than 72 bytes: bcrypt would ignore the rest.
    TooLong,
    /// The blocking task failed or bcrypt reported an error.
    Internal(String),
}

impl Passwords {
    pub fn new(cost: u32) -> Self {
        Self {
            cost,
            dummy_hash: Arc::new(OnceLock::new()),
        }
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Makes the dummy hash now, on the blocking pool. Call it at start, before the server
    /// listens: made lazily, the first login for an unknown name would take two bcrypt runs
    /// instead of one, and its time alone would say "no such user".
    pub async fn prepare(&self) -> Result<(), PasswordError> {
        self.dummy_hash().await.map(drop)
    }

    /// Whether the dummy hash is made (see [`Passwords::prepare`]).
    pub fn is_prepared(&self) -> bool {
        self.dummy_hash.get().is_some()
    }

    /// Hashes a password (with a fresh random salt) on the blocking pool.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        refuse_truncation(password)?;
        let password = password.to_owned();
        let cost = self.cost;
        run_blocking(move || bcrypt::hash(password, cost)).await
    }

    /// Checks `password` against `hash`, or, when there is no user (`None`), against a
    /// dummy hash of the same cost and then answers `false`. Either way one full bcrypt
    /// verification runs, so the time taken does not say whether the user exists.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, PasswordError> {
        refuse_truncation(password)?;
        let user_exists = hash.is_some();
        let hash = match hash {
            Some(hash) => hash.to_owned(),
            None => self.dummy_hash().await?,
        };
        let password = password.to_owned();
        let matches = run_blocking(move || bcrypt::verify(password, &hash)).await?;
        Ok(matches && user_exists)
    }

    /// Made once per process. `OnceLock` (not a `Mutex`) because it is written once and
    /// then only read; two callers racing may both compute it, which is harmless.
    async fn dummy_hash(&self) -> Result<String, PasswordError> {
        if let Some(hash) = self.dummy_hash.get() {
            return Ok(hash.clone());
        }
        let hash = self.hash("not the password of any user").await?;
        Ok(self.dummy_hash.get_or_init(|| hash).clone())
    }
}

/// With at most 72 bytes, bcrypt reads the whole password: nothing is cut.
fn refuse_truncation(password: &str) -> Result<(), PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> bcrypt::BcryptResult<T> + Send + 'static,
) -> Result<T, PasswordError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(PasswordError::Internal(error.to_string())),
        Err(join_error) => Err(PasswordError::Internal(join_error.to_string())),
    }
}
