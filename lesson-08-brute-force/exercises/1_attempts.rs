//! Warm-up 08-1 · Attempts: count a login before checking it, and make it wait.
//!
//! With `--features 08-1-attempts` this file replaces `src/attempts.rs`: the server's
//! guard then asks *your* `LoginAttempts::begin` whether each login may go ahead, and
//! *your* `Policy::delay` how long a key must wait. Everything else stays as it is. Check
//! your work with `cargo course check 08-1-attempts`.
//!
//! What you have to work with:
//! - the `login_failures` table (migrations/20260108000001_login_failures.sql): one row
//!   per key, with its failures and the time of the last one, in whole seconds since
//!   1970. The same SQL runs on SQLite and PostgreSQL: write the values as `$1`, `$2`, …;
//! - the store's pool, clock and policy; the helpers in this file (the row of a key, the
//!   one 429 answer); and `seconds` (common's clock.rs), a Duration in whole seconds;
//! - `clear` and `refund`, below `begin`: how the guard settles an attempt afterwards.

// While the `todo!()`s stand, the compiler would warn that the parameters and the
// helpers below are unused. This keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables, dead_code)]

use std::net::IpAddr;
use std::time::Duration;

use common::clock::seconds;
use common::db::{AnyPool, Migration};
use common::{ApiError, Clock};

// ── the key ────────────────────────────────────────────────────────────────────────────

/// Whose failures these are: a username, and the address the attempts come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub username: String,
    pub address: String,
}

impl Key {
    /// The key of a login for `username` from `client`.
    pub fn new(username: &str, client: IpAddr) -> Self {
        Self {
            // The users table ignores case (alice and ALICE are one account), so the key
            // must too, or every spelling would get its own free guesses.
            username: username.to_ascii_lowercase(),
            address: network(client),
        }
    }
}

/// An IPv4 address as it is; an IPv6 address as its /64 network, the block one home or
/// one server gets, so that its 2^64 addresses count as one.
fn network(client: IpAddr) -> String {
    match client.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

// ── the policy ─────────────────────────────────────────────────────────────────────────

/// How many failures are free, and how long a key waits after more.
///
/// The waits count whole seconds, like every time in the table, so one may end up to a
/// second early: a failure at 12:00:00.9 is written down as 12:00:00, and its "1 s" wait
/// is over at 12:00:01. Whole seconds are enough: the waits double, so one second less on
/// each leaves the count of guesses an hour as it is (15 in the first, then 4), and the
/// seconds a refusal tells the client to wait are rounded up, never too few.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures in a row that cost no wait: typos.
    pub free_failures: i64,
    /// The wait after the first failure beyond the free ones. Each further failure
    /// doubles it.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// A key with no failure for this long starts again from zero.
    pub forget_after: Duration,
}

impl Default for Policy {
    /// 3 free failures, then 1 s, 2 s, 4 s… up to 15 minutes; forgotten after an hour.
    /// From one address, that is about 15 guesses in the first hour, then 4 an hour.
    fn default() -> Self {
        Self {
            free_failures: 3,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
        }
    }
}

impl Policy {
    /// How long a key must wait after its last failure, with `failures` counted.
    pub fn delay(&self, failures: i64) -> Duration {
        // TODO 1: The first `free_failures` failures cost no wait at all: everybody
        //         mistypes. From there on, the wait starts at `first_delay` and doubles
        //         with each further failure, but never goes past `max_delay`.
        //         Think about it: a script that never stops reaches failure 100 in a few
        //         hours. What does your arithmetic do with a doubling that many times?
        todo!("08-1: how long a key with this many failures waits")
    }
}

// ── the store ──────────────────────────────────────────────────────────────────────────

/// The `login_failures` table. Cheap to clone: the pool is shared.
#[derive(Clone, Debug)]
pub struct LoginAttempts {
    pool: AnyPool,
    clock: Clock,
    policy: Policy,
}

impl LoginAttempts {
    /// Creates the table if this database has none yet.
    pub async fn open(pool: AnyPool, clock: Clock, policy: Policy) -> Result<Self, sqlx::Error> {
        common::db::migrate(&pool, MIGRATIONS).await?;
        Ok(Self {
            pool,
            clock,
            policy,
        })
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// May an attempt on `key` go ahead now? If not: `429 Too Many Requests`, with
    /// `Retry-After`. If so, the attempt is counted as a failure *now*, before its
    /// password is checked; [`LoginAttempts::clear`] takes it back if it succeeds.
    ///
    /// Counting first closes a race. Were failures counted after the check, a hundred
    /// guesses sent at once would all read "no failures yet", and all be checked.
    pub async fn begin(&self, key: &Key) -> Result<(), ApiError> {
        // TODO 2: Find what the table knows about this key. A key that has had no failure
        //         for `forget_after` counts as having none: yesterday's typos are not
        //         today's attack.
        //
        // TODO 3: If the key must still wait (its last failure, plus the delay its count
        //         of failures earns, is later than now), refuse the attempt with the one
        //         429 answer, saying how many seconds are left. Nothing else happens: no
        //         write, and the password is never looked at.
        //
        // TODO 4: Otherwise count this attempt as a failure now, with now as its time,
        //         before anyone checks the password: a first failure for a new key, one
        //         more for a known one (from zero again if it was forgotten).
        //         Think about it: twenty guesses arrive in the same millisecond, and all
        //         twenty read the same count in TODO 2. What must your write do so that
        //         only one of them is counted on what it read, and what do you answer the
        //         others? (Re-reading is not enough: between your read and your write,
        //         anything can happen.)
        todo!("08-1: refuse this attempt, or count it")
    }

    /// The attempt succeeded: the key starts again from zero.
    pub async fn clear(&self, key: &Key) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND address = $2")
            .bind(&key.username)
            .bind(&key.address)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The attempt was no guess after all (bad input, or the server too busy to check
    /// the password): it is not counted.
    pub async fn refund(&self, key: &Key) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE login_failures SET failures = failures - 1
             WHERE username = $1 AND address = $2 AND failures > 0",
        )
        .bind(&key.username)
        .bind(&key.address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The failures counted for `key` now (0 once forgotten).
    pub async fn failures(&self, key: &Key) -> Result<i64, sqlx::Error> {
        let now = self.clock.unix_now();
        Ok(match self.read(key).await? {
            Some((failures, last)) if now - last < seconds(self.policy.forget_after) => failures,
            _ => 0,
        })
    }

    /// Deletes the keys quiet for longer than `forget_after`, and says how many. `begin`
    /// already ignores them; this keeps the table from growing with every name an
    /// attacker tries.
    pub async fn purge_forgotten(&self) -> Result<u64, sqlx::Error> {
        let forgotten_before = self.clock.unix_now() - seconds(self.policy.forget_after);
        let result = sqlx::query("DELETE FROM login_failures WHERE last_failure_at <= $1")
            .bind(forgotten_before)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    /// Runs [`LoginAttempts::purge_forgotten`] now and then every `every`.
    pub fn spawn_purger(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        common::db::spawn_purger(every, "forgotten login failures", move || {
            let store = store.clone();
            async move { store.purge_forgotten().await }
        })
    }

    /// The key's row, as (failures, last_failure_at), if it has one.
    async fn read(&self, key: &Key) -> Result<Option<(i64, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT failures, last_failure_at FROM login_failures
             WHERE username = $1 AND address = $2",
        )
        .bind(&key.username)
        .bind(&key.address)
        .fetch_optional(&self.pool)
        .await
    }
}

/// The one answer to a refused attempt, the same whether the username exists or not.
fn too_many(wait: i64) -> ApiError {
    let wait = wait.max(1);
    let unit = if wait == 1 { "second" } else { "seconds" };
    ApiError::too_many_requests(
        format!("Too many failed logins: try again in {wait} {unit}"),
        Duration::from_secs(wait.unsigned_abs()),
    )
}

/// The `login_failures` table, from this lesson's `migrations/` folder (and `postgres/`).
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 20260108000001,
    description: "login failures",
    sqlite: include_str!("../migrations/20260108000001_login_failures.sql"),
    postgres: include_str!("../migrations/postgres/20260108000001_login_failures.sql"),
}];
