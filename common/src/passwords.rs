//! Password hashing with bcrypt, done the careful way.
//!
//! Four things the bcrypt crate's plain `hash`/`verify` leave to us:
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
//! - **Load.** Every hash is a quarter of a second of one core. Started all at once, 64
//!   logins would share the cores with every other request, and `/api/me` would wait
//!   behind them. So at most [`Limits::hash_concurrency`] hashes run at once (one per core
//!   by default); the rest wait their turn, first come first served, and once
//!   [`Limits::hash_queue`] are waiting, the next one is refused at once
//!   ([`PasswordError::Busy`], a `503` with `Retry-After`) instead of joining a queue it
//!   would leave only after its user gave up. A hash runs at the process's own CPU
//!   priority, unless `HASH_PRIORITY=low` says otherwise ([`HashPriority`] says when that
//!   helps, and why it is not the default).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::limits::{HashPriority, Limits};

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
    /// The turns: who may hash now, who waits.
    gate: Arc<Gate>,
}

#[derive(Debug)]
pub enum PasswordError {
    /// More than 72 bytes: bcrypt would ignore the rest.
    TooLong,
    /// Too many hashes are waiting already: try again after `retry_after`.
    Busy { retry_after: Duration },
    /// The blocking task failed or bcrypt reported an error.
    Internal(String),
}

/// How busy the hashing is, for tests and for a curious operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashStats {
    /// bcrypt runs started since this `Passwords` was made (the dummy hash included).
    pub started: u64,
    /// Hashes waiting for their turn now.
    pub waiting: usize,
    /// Hashes refused because the queue was full.
    pub refused: u64,
}

impl Passwords {
    /// Hashing at `cost`, with the default [`Limits`] (one hash per core, 64 waiting).
    pub fn new(cost: u32) -> Self {
        Self::with_limits(cost, &Limits::default())
    }

    /// Hashing at `cost`, at most `limits.hash_concurrency` at once and
    /// `limits.hash_queue` waiting.
    pub fn with_limits(cost: u32, limits: &Limits) -> Self {
        Self {
            cost,
            dummy_hash: Arc::new(OnceLock::new()),
            gate: Arc::new(Gate::new(limits)),
        }
    }

    /// How many hashes started, wait and were refused so far.
    pub fn stats(&self) -> HashStats {
        HashStats {
            started: self.gate.started.load(Ordering::Relaxed),
            waiting: self.gate.waiting.load(Ordering::Relaxed),
            refused: self.gate.refused.load(Ordering::Relaxed),
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
        self.gate.run(move || bcrypt::hash(password, cost)).await
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
        let matches = self
            .gate
            .run(move || bcrypt::verify(password, &hash))
            .await?;
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

/// Takes turns at hashing: a semaphore with one permit per hash that may run at once,
/// and a count of those waiting for one.
#[derive(Debug)]
struct Gate {
    turns: Semaphore,
    concurrency: usize,
    max_waiting: usize,
    waiting: AtomicUsize,
    started: AtomicU64,
    refused: AtomicU64,
    /// How long the last hash took, in microseconds: what `Retry-After` is estimated from.
    last_hash_micros: AtomicU64,
    /// [`Limits::hash_priority`].
    priority: HashPriority,
}

impl Gate {
    fn new(limits: &Limits) -> Self {
        Self {
            turns: Semaphore::new(limits.hash_concurrency),
            concurrency: limits.hash_concurrency.max(1),
            max_waiting: limits.hash_queue,
            waiting: AtomicUsize::new(0),
            started: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            // Until a hash is measured: a quarter of a second, bcrypt's cost 12.
            last_hash_micros: AtomicU64::new(250_000),
            priority: limits.hash_priority,
        }
    }

    /// Waits for a turn (or is refused at once), then runs `work` on tokio's blocking
    /// pool, off the async threads that answer every other request.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> bcrypt::BcryptResult<T> + Send + 'static,
    ) -> Result<T, PasswordError> {
        // Held until the hash is done; also if the client hangs up meanwhile, since the
        // blocking task runs to its end anyway.
        let _turn = self.turn().await?;
        self.started.fetch_add(1, Ordering::Relaxed);
        let began = Instant::now();
        let priority = self.priority;
        let outcome = tokio::task::spawn_blocking(move || {
            if priority == HashPriority::Low {
                lowest_cpu_priority();
            }
            work()
        })
        .await;
        let micros = u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.last_hash_micros.store(micros, Ordering::Relaxed);
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(PasswordError::Internal(error.to_string())),
            Err(join_error) => Err(PasswordError::Internal(join_error.to_string())),
        }
    }

    /// A free turn at once, or a place in the queue if there is one. The semaphore is
    /// fair: turns go to the waiters in the order they came, and a newcomer never jumps
    /// the queue (a permit is free only when nobody waits).
    async fn turn(&self) -> Result<SemaphorePermit<'_>, PasswordError> {
        if let Ok(turn) = self.turns.try_acquire() {
            return Ok(turn);
        }
        let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
        // Leaves the count however this ends: a turn, a refusal, or a client that hung
        // up while waiting (its future is dropped here).
        let _in_line = InLine(&self.waiting);
        if ahead >= self.max_waiting {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(PasswordError::Busy {
                retry_after: self.time_to_drain(),
            });
        }
        Ok(self
            .turns
            .acquire()
            .await
            .expect("the semaphore is never closed"))
    }

    /// About how long a full queue takes to drain: what the refused client should wait.
    fn time_to_drain(&self) -> Duration {
        let hash = Duration::from_micros(self.last_hash_micros.load(Ordering::Relaxed));
        let rounds = u32::try_from(self.max_waiting / self.concurrency + 1).unwrap_or(u32::MAX);
        hash.saturating_mul(rounds).max(Duration::from_secs(1))
    }
}

/// One place in the hashing queue, given back when dropped.
struct InLine<'a>(&'a AtomicUsize);

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Puts the calling thread, one of tokio's blocking threads about to hash, at the lowest
/// CPU priority (nice 19): `HASH_PRIORITY=low` only (see [`HashPriority`]). Linux only;
/// elsewhere nothing changes. The thread stays at that priority afterwards, since raising
/// it back needs privileges; in these servers the blocking pool runs nothing but hashes.
fn lowest_cpu_priority() {
    // SAFETY: `setpriority` takes plain numbers and touches no memory of ours. On Linux,
    // `PRIO_PROCESS` with `who` 0 means the calling thread. If it fails, the priority
    // stays as it was, which is only slower.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn with_hash_priority_low_only_the_hashing_thread_drops_to_the_lowest_priority() {
        // SAFETY (both calls): plain numbers in, a number out.
        let nice = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let before = nice();
        let hashing = std::thread::spawn(move || {
            super::lowest_cpu_priority();
            nice()
        });
        assert_eq!(hashing.join().unwrap(), 19);
        assert_eq!(nice(), before, "only the hashing thread changes");
    }
}
