//! How much of the server one kind of request may take: the bounds that keep a flood of
//! logins, or a client that sends slowly, from starving everyone else.
//!
//! | setting | default | what it bounds |
//! |---|---|---|
//! | `HASH_CONCURRENCY` | the number of cores | bcrypt runs at once ([`crate::passwords`]) |
//! | `HASH_QUEUE` | 64 | logins waiting for a turn; one more gets `503` at once |
//! | `HEADER_TIMEOUT` | 10 s | time to send a request's head; then the connection is closed |
//! | `BODY_TIMEOUT` | 10 s | time to send the body, once the head is in; then `408` |
//! | `HASH_PRIORITY` | `normal` | `low`: hashes at the lowest CPU priority (see [`HashPriority`]) |
//!
//! Why these bounds. bcrypt is slow on purpose, so a login is the cheapest way to load a
//! server: each one is a quarter of a second of one core. Run every login at once and 64
//! of them share two cores with every other request, and `/api/me` waits behind them.
//! Run at most one per core and the rest queue: the cores stay busy with hashing, yet a
//! short request still finds a thread. A queue without a bound only moves the problem
//! (memory, and answers that come after the person gave up), so past a bound the answer
//! is `503 Service Unavailable` with `Retry-After`, without hashing.
//!
//! A connection costs the server memory and a task for as long as it is open. A client
//! that sends a request's first half and then nothing ("slowloris") would hold both for as
//! long as it likes, and a few thousand such clients hold the server. So the head must
//! arrive within `HEADER_TIMEOUT` (the same bound closes a keep-alive connection left
//! idle), and the body within `BODY_TIMEOUT` of the head.

use std::str::FromStr;
use std::time::Duration;

use crate::settings::{self, ConfigError};

/// The bounds of [the module](self). Read once at start, with [`crate::Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How many bcrypt hashes may run at once (`HASH_CONCURRENCY`).
    pub hash_concurrency: usize,
    /// How many more may wait for their turn (`HASH_QUEUE`); beyond it, `503` at once.
    pub hash_queue: usize,
    /// How long a client may take to send a request's head (`HEADER_TIMEOUT`).
    pub header_timeout: Duration,
    /// How long a client may take to send a body, counted from its head (`BODY_TIMEOUT`).
    pub body_timeout: Duration,
    /// The CPU priority a hash runs at (`HASH_PRIORITY`): the process's own unless told.
    pub hash_priority: HashPriority,
}

/// The CPU priority of a hashing thread.
///
/// `Low` (nice 19, Linux only) exists for a server alone on its machine: during a flood of
/// logins, a hash then gives way the moment a request needs the core, instead of making
/// it wait for the end of the hash's time slice. It is off by default because the lowest
/// priority is lowest against *everything*: when other work shares the CPU (a build in the
/// same terminal, a container, a CI job), that work wins every slice, and a login that
/// takes a quarter of a second on a quiet machine can take many seconds, then queue into
/// `503`s. At `Normal` a hash gets its fair share of the CPU, like any other program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HashPriority {
    /// The priority of the process, like every other thread of the server.
    #[default]
    Normal,
    /// The lowest there is: only what nobody else wants.
    Low,
}

impl FromStr for HashPriority {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text {
            "normal" => Ok(HashPriority::Normal),
            "low" => Ok(HashPriority::Low),
            _ => Err(()),
        }
    }
}

impl Default for Limits {
    /// One hash per core; 64 waiting (at cost 12 on two cores, about 8 s of queue, as
    /// long as anyone waits for a login page); 10 s for a head or a body.
    fn default() -> Self {
        Self {
            hash_concurrency: cores(),
            hash_queue: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            hash_priority: HashPriority::Normal,
        }
    }
}

impl Limits {
    /// The limits for tests: the defaults, with a long queue. Tests hash at bcrypt's lowest
    /// cost (about a millisecond), so a thousand waiting logins drain in a second, and a
    /// test that sends 100 logins at once is not about load shedding.
    pub fn for_tests() -> Self {
        Self {
            hash_queue: 1000,
            ..Self::default()
        }
    }

    /// Reads the five settings through `var`, with the defaults above.
    pub fn from_lookup(var: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        // 0 would refuse every request; a client that needs more than ten minutes for a
        // login form is not one to wait for.
        let timeout = |name: &'static str, default: Duration| {
            settings::seconds(var, name, default, 600, "a number of seconds from 1 to 600")
        };
        Ok(Self {
            hash_concurrency: settings::in_range(
                var,
                "HASH_CONCURRENCY",
                defaults.hash_concurrency,
                1..=100_000,
                "a whole number from 1 to 100000",
            )?,
            hash_queue: settings::in_range(
                var,
                "HASH_QUEUE",
                defaults.hash_queue,
                0..=100_000,
                "a whole number from 0 to 100000",
            )?,
            header_timeout: timeout("HEADER_TIMEOUT", defaults.header_timeout)?,
            body_timeout: timeout("BODY_TIMEOUT", defaults.body_timeout)?,
            hash_priority: settings::parse(
                var,
                "HASH_PRIORITY",
                defaults.hash_priority,
                "normal or low",
            )?,
        })
    }
}

/// The cores this process may use (1 if the system will not say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits_with(vars: &[(&str, &str)]) -> Result<Limits, ConfigError> {
        Limits::from_lookup(&|name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn the_defaults_are_one_hash_per_core_and_ten_seconds() {
        let limits = limits_with(&[]).unwrap();
        assert_eq!(limits, Limits::default());
        assert_eq!(limits.hash_concurrency, cores());
        assert_eq!(limits.hash_queue, 64);
        assert_eq!(limits.header_timeout, Duration::from_secs(10));
        assert_eq!(limits.body_timeout, Duration::from_secs(10));
        assert_eq!(limits.hash_priority, HashPriority::Normal);
    }

    #[test]
    fn each_setting_is_read_and_checked() {
        let limits = limits_with(&[
            ("HASH_CONCURRENCY", "3"),
            ("HASH_QUEUE", "0"),
            ("HEADER_TIMEOUT", "5"),
            ("BODY_TIMEOUT", " 20 "),
            ("HASH_PRIORITY", "low"),
        ])
        .unwrap();
        assert_eq!(
            limits,
            Limits {
                hash_concurrency: 3,
                hash_queue: 0,
                header_timeout: Duration::from_secs(5),
                body_timeout: Duration::from_secs(20),
                hash_priority: HashPriority::Low,
            }
        );
        assert_eq!(
            limits_with(&[("HASH_CONCURRENCY", "0")])
                .unwrap_err()
                .to_string(),
            r#"HASH_CONCURRENCY="0" is not valid: expected a whole number from 1 to 100000"#
        );
        assert_eq!(
            limits_with(&[("HEADER_TIMEOUT", "0")])
                .unwrap_err()
                .to_string(),
            r#"HEADER_TIMEOUT="0" is not valid: expected a number of seconds from 1 to 600"#
        );
        assert!(limits_with(&[("HASH_QUEUE", "-1")]).is_err());
        assert!(limits_with(&[("BODY_TIMEOUT", "ten")]).is_err());
        assert_eq!(
            limits_with(&[("HASH_PRIORITY", "lowest")])
                .unwrap_err()
                .to_string(),
            r#"HASH_PRIORITY="lowest" is not valid: expected normal or low"#
        );
    }
}
