//! Settings, read once at start from the environment and from a `.env` file.
//!
//! Every mistake here is found before the server binds: [`Config::from_env`] returns a
//! [`ConfigError`] whose `Display` is one line that says what to change, and `serve`'s
//! callers print it and exit non-zero. A typo in `.env` should never look like a crash.
//! How one setting is read and checked is in [`crate::settings`].

use std::fmt;
use std::time::Duration;

use axum_extra::extract::cookie::Key;
use base64::Engine;

use crate::limits::Limits;
use crate::settings::{self, ConfigError, MIN_SECRET_BYTES};

#[derive(Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    /// `sqlite://data/lesson-03-login.db` (the default), or a PostgreSQL server's
    /// `postgres://…` URL (lessons 06 to 09). Any other scheme is refused at start.
    pub database_url: String,
    /// Signs and encrypts cookies. `Key`'s `Debug` does not print the bytes.
    pub cookie_key: Key,
    /// True when no `SESSION_SECRET` was set and the key is random for this run.
    pub cookie_key_is_random: bool,
    /// Retired secrets (`SESSION_PREVIOUS_SECRETS`, comma-separated, newest first): a
    /// cookie sealed with one of them still opens, and is sealed again with `cookie_key`.
    pub previous_cookie_keys: Vec<Key>,
    /// How long a session cookie lives (`SESSION_MAX_AGE`, seconds).
    pub session_max_age: Duration,
    /// `COOKIE_SECURE=true` adds the `Secure` attribute: only ever sent over HTTPS.
    pub cookie_secure: bool,
    /// bcrypt's work factor: each +1 doubles the time one hash takes.
    pub bcrypt_cost: u32,
    // ── load limits: see `crate::limits` ──
    /// Hashes at once and waiting, and how long a client may take to send a request.
    pub limits: Limits,
}

impl fmt::Debug for Config {
    // Written by hand so the secret can never end up in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database_url", &self.database_url)
            .field("cookie_key", &"<hidden>")
            .field("previous_cookie_keys", &self.previous_cookie_keys.len())
            .field("session_max_age", &self.session_max_age)
            .field("cookie_secure", &self.cookie_secure)
            .field("bcrypt_cost", &self.bcrypt_cost)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Config {
    /// Reads `.env` (if there is one) and then the environment, which wins.
    ///
    /// `lesson` names the default database file, so each lesson keeps its own users.
    pub fn from_env(lesson: &str) -> Result<Self, ConfigError> {
        // A missing .env is normal; the defaults are made for a first run.
        let _ = dotenvy::dotenv();
        Self::from_lookup(lesson, |name| std::env::var(name).ok())
    }

    /// The same rules over any source of variables, so tests need not touch the process
    /// environment (which all tests share).
    pub fn from_lookup(
        lesson: &str,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let (cookie_key, cookie_key_is_random) = match var("SESSION_SECRET") {
            Some(secret) => (key_from_secret(&secret)?, false),
            None => (Key::generate(), true),
        };
        Ok(Self {
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".into()),
            port: settings::parse(&var, "PORT", 3000, "a port number, 0 to 65535")?,
            database_url: database_url(&var, lesson)?,
            cookie_key,
            cookie_key_is_random,
            previous_cookie_keys: previous_cookie_keys(&var)?,
            session_max_age: settings::session_seconds(
                &var,
                "SESSION_MAX_AGE",
                Duration::from_secs(7 * 24 * 60 * 60),
            )?,
            cookie_secure: settings::parse(&var, "COOKIE_SECURE", false, "true or false")?,
            bcrypt_cost: settings::in_range(
                &var,
                "BCRYPT_COST",
                bcrypt::DEFAULT_COST,
                4..=31,
                "a whole number from 4 to 31 (12 is a good default)",
            )?,
            limits: Limits::from_lookup(&var)?,
        })
    }

    /// A config for tests and stories: a fixed secret, the cheapest bcrypt cost.
    pub fn for_tests(database_url: String, secret: &str) -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 0,
            database_url,
            cookie_key: key_from_secret(secret).expect("test secrets are long enough"),
            cookie_key_is_random: false,
            previous_cookie_keys: Vec::new(),
            session_max_age: Duration::from_secs(7 * 24 * 60 * 60),
            cookie_secure: false,
            bcrypt_cost: 4, // bcrypt's minimum: tests hash many passwords
            limits: Limits::for_tests(),
        }
    }

    /// The address to bind, e.g. `127.0.0.1:3000`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// Turns `SESSION_SECRET` into the cookie key, refusing secrets too short to be one.
pub fn key_from_secret(secret: &str) -> Result<Key, ConfigError> {
    let bytes = secret.as_bytes();
    if bytes.len() < MIN_SECRET_BYTES {
        return Err(ConfigError::ShortSecret { bytes: bytes.len() });
    }
    Ok(Key::from(bytes))
}

/// 48 random bytes from the OS, base64url: 64 characters, ready for `.env`.
/// `cargo run -p common --bin new-secret` prints one.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 48];
    getrandom::fill(&mut bytes).expect("the OS random generator is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

// ── the database URL and retired secrets (lesson 07) ─────────────────────────────

/// `DATABASE_URL`, or this lesson's SQLite file. A scheme other than SQLite's or
/// PostgreSQL's is refused: sqlx would take the whole URL for a SQLite file name, create
/// directories named after it, and put its password in a file name. The error shows the
/// scheme only, never the rest, which may hold a password.
fn database_url(
    var: &impl Fn(&str) -> Option<String>,
    lesson: &str,
) -> Result<String, ConfigError> {
    let Some(url) = var("DATABASE_URL") else {
        return Ok(format!("sqlite://data/{lesson}.db"));
    };
    if crate::db::Backend::of_url(&url).is_some() {
        return Ok(url);
    }
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    Err(ConfigError::Invalid {
        name: "DATABASE_URL",
        value: match scheme {
            Some(scheme) => format!("{scheme}:…"),
            None => "…".to_owned(),
        },
        expected: crate::db::ACCEPTED_SCHEMES,
    })
}

/// `SESSION_PREVIOUS_SECRETS`: retired secrets, comma-separated, newest first. Each must be
/// a valid secret; the error names its position and length, never the secret.
fn previous_cookie_keys(var: &impl Fn(&str) -> Option<String>) -> Result<Vec<Key>, ConfigError> {
    let Some(list) = var("SESSION_PREVIOUS_SECRETS") else {
        return Ok(Vec::new());
    };
    let secrets: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|secret| !secret.is_empty())
        .collect();
    let count = secrets.len();
    secrets
        .iter()
        .enumerate()
        .map(|(index, secret)| {
            key_from_secret(secret).map_err(|_| ConfigError::Invalid {
                name: "SESSION_PREVIOUS_SECRETS",
                value: format!("secret {} of {count}: {} bytes", index + 1, secret.len()),
                expected: "secrets of at least 64 bytes each, separated by commas",
            })
        })
        .collect()
}

#[cfg(test)]
mod database_url_and_previous_secrets {
    use super::*;

    fn config_with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup("lesson-test", |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn sqlite_and_postgres_urls_are_taken_as_they_are() {
        for url in [
            "sqlite://elsewhere/app.db",
            "sqlite:app.db",
            "postgres://app:secret@localhost:5432/app",
            "postgresql://localhost/app",
        ] {
            let config = config_with(&[("DATABASE_URL", url)]).unwrap();
            assert_eq!(config.database_url, url);
        }
    }

    #[test]
    fn another_scheme_is_refused_in_one_line_that_never_shows_the_password() {
        for (url, shown) in [
            ("mysql://app:hunter2-secret@localhost:3306/app", "mysql:…"),
            ("Postgres://app:hunter2-secret@localhost/app", "Postgres:…"),
            ("data/hunter2-secret.db", "…"),
            ("app:hunter2-secret@localhost", "app:…"),
        ] {
            let line = config_with(&[("DATABASE_URL", url)])
                .unwrap_err()
                .to_string();
            assert_eq!(
                line,
                format!(
                    "DATABASE_URL=\"{shown}\" is not valid: expected a URL that starts with \
                     sqlite: (a file, e.g. sqlite://data/app.db) or postgres: / postgresql: \
                     (a server, e.g. postgres://user@localhost/app)"
                )
            );
            assert!(!line.contains("hunter2"), "{line}");
        }
    }

    #[test]
    fn previous_secrets_are_read_in_order_and_checked_without_being_shown() {
        let (old, older) = ("o".repeat(64), "p".repeat(70));
        let config =
            config_with(&[("SESSION_PREVIOUS_SECRETS", &format!(" {old} ,{older},"))]).unwrap();
        let masters: Vec<&[u8]> = config
            .previous_cookie_keys
            .iter()
            .map(Key::master)
            .collect();
        assert_eq!(
            masters,
            [
                Key::from(old.as_bytes()).master(),
                Key::from(older.as_bytes()).master()
            ]
        );
        assert!(config_with(&[]).unwrap().previous_cookie_keys.is_empty());

        let line = config_with(&[("SESSION_PREVIOUS_SECRETS", &format!("{old},hunter2"))])
            .unwrap_err()
            .to_string();
        assert_eq!(
            line,
            "SESSION_PREVIOUS_SECRETS=\"secret 2 of 2: 7 bytes\" is not valid: expected \
             secrets of at least 64 bytes each, separated by commas"
        );
        assert!(!line.contains("hunter2"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup("lesson-test", |name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_settings_at_all() {
        let config = config_with(&[]).unwrap();
        assert_eq!(config.address(), "127.0.0.1:3000");
        assert_eq!(config.database_url, "sqlite://data/lesson-test.db");
        assert_eq!(config.bcrypt_cost, 12);
        assert_eq!(config.session_max_age, Duration::from_secs(604_800));
        assert!(config.cookie_key_is_random);
        assert!(!config.cookie_secure);
    }

    #[test]
    fn a_short_secret_is_refused_with_a_line_that_says_how_to_fix_it() {
        let error = config_with(&[("SESSION_SECRET", "hunter2")]).unwrap_err();
        assert_eq!(error, ConfigError::ShortSecret { bytes: 7 });
        let line = error.to_string();
        assert!(!line.contains('\n'), "one line: {line}");
        assert!(line.starts_with("SESSION_SECRET is 7 bytes; it needs at least 64."));
        assert!(line.ends_with("Make a new one with: cargo run -p common --bin new-secret"));
        assert!(!line.contains("hunter2"), "the secret is never echoed");
    }

    #[test]
    fn a_new_secret_is_long_enough_and_never_the_same() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert!(key_from_secret(&a).is_ok(), "{} bytes", a.len());
    }

    #[test]
    fn a_long_enough_secret_gives_the_same_key_every_time() {
        let secret = "x".repeat(64);
        let a = config_with(&[("SESSION_SECRET", &secret)]).unwrap();
        let b = config_with(&[("SESSION_SECRET", &secret)]).unwrap();
        assert!(!a.cookie_key_is_random);
        assert_eq!(a.cookie_key.master(), b.cookie_key.master());
    }

    #[test]
    fn numbers_that_are_not_numbers_are_named_in_the_error() {
        let error = config_with(&[("PORT", "eighty")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"PORT="eighty" is not valid: expected a port number, 0 to 65535"#
        );
        let error = config_with(&[("BCRYPT_COST", "3")]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("BCRYPT_COST=\"3\" is not valid")
        );
        assert!(config_with(&[("SESSION_MAX_AGE", "-1")]).is_err());
        let error = config_with(&[("SESSION_MAX_AGE", "0")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"SESSION_MAX_AGE="0" is not valid: expected a number of seconds from 1 to 34560000 (400 days)"#
        );
        assert!(config_with(&[("SESSION_MAX_AGE", "34560001")]).is_err());
        assert!(config_with(&[("SESSION_MAX_AGE", "34560000")]).is_ok());
        assert!(config_with(&[("COOKIE_SECURE", "yes please")]).is_err());
    }
}
