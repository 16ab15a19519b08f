//! Failed logins, counted in the database, per username and client address.
//!
//! This file reads top to bottom: the key a failure is counted under ([`Key`]), how long
//! a key must wait after its failures ([`Policy`]), then the store ([`LoginAttempts`]):
//! `begin` an attempt (refused, or counted), then `clear` it (it was a success) or
//! `refund` it (the password was never checked), and forget quiet keys in the end.
//!
//! | choice | why |
//! |---|---|
//! | the key is (username, address) | an attacker elsewhere cannot lock Alice out: her own address has a key of its own |
//! | the username in lower case | logins ignore case; "ALICE" must not buy three more guesses |
//! | an IPv6 client counts as its /64 | one home network gets 2^64 addresses to pick from |
//! | count *before* checking the password | a burst of parallel guesses cannot all read "no failures yet" |
//! | a wait that doubles, up to a cap | a typo costs nothing, a script is slowed to a crawl, nobody is locked out for good |
//! | forget a key after an hour of quiet | yesterday's typos do not count today |
//! | the counts live in the database | two servers (lesson 07) share them: a count per process would multiply an attacker's tries by the number of servers |

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
        if failures < self.free_failures {
            return Duration::ZERO;
        }
        // 2^doublings, with doublings capped so the multiplication cannot overflow.
        let doublings = (failures - self.free_failures).min(31) as u32;
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
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
        let now = self.clock.unix_now();
        let seen = self.read(key).await?;
        // A key that has been quiet long enough starts again from zero.
        let (failures, last_failure_at) = match seen {
            Some((failures, last)) if now - last < seconds(self.policy.forget_after) => {
                (failures, last)
            }
            _ => (0, now),
        };
        let wait_until = last_failure_at + seconds(self.policy.delay(failures));
        if now < wait_until {
            return Err(too_many(wait_until - now));
        }
        // Count this attempt, unless another attempt on the same key counted itself since
        // we read: the write says which row it expects, and changes nothing otherwise.
        let counted = match seen {
            None => sqlx::query(
                "INSERT INTO login_failures (username, address, failures, last_failure_at)
                 VALUES ($1, $2, 1, $3)
                 ON CONFLICT (username, address) DO NOTHING",
            )
            .bind(&key.username)
            .bind(&key.address)
            .bind(now),
            Some((was_failures, was_last)) => sqlx::query(
                "UPDATE login_failures SET failures = $3, last_failure_at = $4
                 WHERE username = $1 AND address = $2
                   AND failures = $5 AND last_failure_at = $6",
            )
            .bind(&key.username)
            .bind(&key.address)
            .bind(failures + 1)
            .bind(now)
            .bind(was_failures)
            .bind(was_last),
        }
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if !counted {
            // Another attempt on this key is being checked right now. Refusing this one
            // is what makes a burst of parallel guesses worth one guess.
            return Err(too_many(1));
        }
        Ok(())
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
