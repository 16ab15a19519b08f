//! Reading one setting: the rules every setting follows, in one place, for
//! [`crate::config`], [`crate::limits`] and a lesson's own settings (lesson 06's timeouts).
//!
//! A setting is read through `var`, a function from a name to its value if it is set: the
//! environment for a server, a list for a test (tests share one process environment, so
//! they never touch it). Unset, a setting takes its default. Set, it must parse and fall in
//! its range, or the server stops at start with a [`ConfigError`]: one line that names the
//! setting, shows the value and says what it should be.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::time::Duration;

/// The cookie key is 64 bytes: 32 to sign (HMAC-SHA256) and 32 to encrypt (AES-256-GCM).
pub const MIN_SECRET_BYTES: usize = 64;

/// How to make a good secret, on any system (no openssl needed).
pub const NEW_SECRET_COMMAND: &str = "cargo run -p common --bin new-secret";

/// The longest session lifetime or timeout we accept: 400 days, the most a browser keeps a
/// cookie (RFC 6265bis). A bound also keeps "now + lifetime" far from overflowing.
pub const MAX_SESSION_SECONDS: u64 = 400 * 24 * 60 * 60;

/// A setting that cannot be used, with what to do about it.
#[derive(Debug, PartialEq, Eq)]
pub enum ConfigError {
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    ShortSecret {
        bytes: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Invalid {
                name,
                value,
                expected,
            } => write!(f, "{name}={value:?} is not valid: expected {expected}"),
            // Neither the secret nor a suggested one is printed: whatever reaches the
            // terminal may end up in a log file, and a secret must not.
            ConfigError::ShortSecret { bytes } => write!(
                f,
                "SESSION_SECRET is {bytes} bytes; it needs at least {MIN_SECRET_BYTES}. \
                 Make a new one with: {NEW_SECRET_COMMAND}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `name` parsed as a `T` (spaces around it ignored), or `default` when it is not set.
pub fn parse<T: FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            value,
            expected,
        }),
    }
}

/// Like [`parse`], for a number that must also lie in `range`.
pub fn in_range<T: FromStr + PartialOrd>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    range: RangeInclusive<T>,
    expected: &'static str,
) -> Result<T, ConfigError> {
    let number = parse(var, name, default, expected)?;
    if range.contains(&number) {
        Ok(number)
    } else {
        Err(ConfigError::Invalid {
            name,
            value: var(name).unwrap_or_default(),
            expected,
        })
    }
}

/// A number of seconds, from 1 to `max`: 0 would end every session, or refuse every
/// request, at once.
pub fn seconds(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Duration,
    max: u64,
    expected: &'static str,
) -> Result<Duration, ConfigError> {
    in_range(var, name, default.as_secs(), 1..=max, expected).map(Duration::from_secs)
}

/// A session lifetime or timeout in seconds: 1 to 400 days ([`MAX_SESSION_SECONDS`]).
pub fn session_seconds(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    const EXPECTED: &str = "a number of seconds from 1 to 34560000 (400 days)";
    seconds(var, name, default, MAX_SESSION_SECONDS, EXPECTED)
}

/// A session timeout a single lesson adds (lesson 06's), read from the environment and
/// `.env` like [`crate::Config::from_env`], with the rules of [`session_seconds`].
pub fn session_seconds_from_env(
    name: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    // A missing .env is normal; the defaults are made for a first run.
    let _ = dotenvy::dotenv();
    session_seconds(&|name: &str| std::env::var(name).ok(), name, default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    }

    #[test]
    fn an_unset_setting_takes_its_default_and_a_set_one_must_parse_and_fit() {
        let var = lookup(&[("FIVE", " 5 "), ("WORD", "five"), ("BIG", "50")]);
        assert_eq!(in_range(&var, "UNSET", 7, 1..=10, "1 to 10"), Ok(7));
        assert_eq!(in_range(&var, "FIVE", 7, 1..=10, "1 to 10"), Ok(5));
        for name in ["WORD", "BIG"] {
            let error = in_range(&var, name, 7, 1..=10, "1 to 10").unwrap_err();
            let shown = var(name).unwrap();
            assert_eq!(
                error.to_string(),
                format!("{name}={shown:?} is not valid: expected 1 to 10")
            );
        }
    }

    #[test]
    fn seconds_start_at_one() {
        let var = lookup(&[("ZERO", "0"), ("ONE", "1")]);
        let ten = Duration::from_secs(10);
        assert!(seconds(&var, "ZERO", ten, 600, "1 to 600").is_err());
        assert_eq!(
            seconds(&var, "ONE", ten, 600, "1 to 600"),
            Ok(Duration::from_secs(1))
        );
        assert_eq!(seconds(&var, "UNSET", ten, 600, "1 to 600"), Ok(ten));
    }
}
