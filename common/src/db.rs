//! The database: SQLite (a file, the default) or PostgreSQL (a server), behind one pool.
//!
//! Every lesson keeps its users in SQLite unless told otherwise: one file in `data/`,
//! nothing to install. `DATABASE_URL=postgres://…` puts them, and lesson 06's sessions, on
//! a PostgreSQL server instead, which several server processes can share (lesson 07).
//!
//! One pool type serves both: sqlx's [`AnyPool`], which picks the driver from the URL's
//! scheme. So a lesson writes each query once, in SQL both databases understand (`$1`,
//! `$2` for the values); only the migrations, the `CREATE TABLE`s, come in two versions,
//! because the column types differ. `Any` carries plain values only (numbers, text,
//! bytes), which is why the lessons keep times as seconds since 1970 ([`unix_time`]) or
//! as RFC 3339 text.
//!
//! PostgreSQL's driver is compiled only with this crate's feature `postgres`, which lessons
//! 06 to 09 pass on as theirs (`cargo run -p lesson-07-two-servers --features postgres`): a
//! student who never uses it never waits for it.

use std::str::FromStr;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration as SqlxMigration, MigrationType, Migrator};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Executor, SqlSafeStr};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use sqlx::AnyPool;

/// The two databases a `DATABASE_URL` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` (or `sqlite://`) and a file path.
    Sqlite,
    /// `postgres://` or `postgresql://`: a server.
    Postgres,
}

/// What the start-up error says a `DATABASE_URL` may start with.
pub const ACCEPTED_SCHEMES: &str = "a URL that starts with sqlite: (a file, e.g. \
    sqlite://data/app.db) or postgres: / postgresql: (a server, e.g. \
    postgres://user@localhost/app)";

impl Backend {
    /// The database `url` names, from its scheme. `None` for any other scheme: sqlx would
    /// take such a URL for a SQLite file name (directories named `mysql:` and a password
    /// in a file name), so it is refused at start instead (see `Config::from_env`).
    pub fn of_url(url: &str) -> Option<Self> {
        match url.split_once(':')?.0 {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    /// The database a pool is connected to.
    pub fn of(pool: &AnyPool) -> Self {
        let options = pool.connect_options();
        Self::of_url(options.database_url.as_str()).unwrap_or(Backend::Sqlite)
    }
}

/// Opens (creating if needed) the database at `url` and applies common's migrations (the
/// `users` table).
pub async fn connect(url: &str) -> Result<AnyPool, sqlx::Error> {
    // Registers the drivers this build has (SQLite, and PostgreSQL with the feature).
    // Safe to call again: it does its work once.
    sqlx::any::install_default_drivers();
    let pool = match Backend::of_url(url) {
        Some(Backend::Sqlite) => connect_sqlite(url).await?,
        Some(Backend::Postgres) => connect_postgres(url).await?,
        None => return Err(sqlx::Error::Configuration(ACCEPTED_SCHEMES.into())),
    };
    migrate(&pool, USERS).await?;
    Ok(pool)
}

async fn connect_sqlite(url: &str) -> Result<AnyPool, sqlx::Error> {
    // SQLite's own parser, as before: it knows a Windows path from a URL.
    let options = SqliteConnectOptions::from_str(url)?;
    let file = options.get_filename();
    if let Some(dir) = file.parent() {
        // `data/` is created on the first run (and ignored by git).
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    AnyPoolOptions::new()
        .max_connections(8)
        // No ping before each query: a SQLite file cannot hang up, and the ping would be
        // one more round trip to the connection's thread every time.
        .test_before_acquire(false)
        .after_connect(|connection, _| {
            Box::pin(async move {
                // SQLite allows one writer at a time. A busy writer makes the others wait
                // up to 10 s instead of failing with "database is locked".
                connection.execute("PRAGMA busy_timeout = 10000").await?;
                // WAL lets readers carry on while one connection writes.
                connection.execute("PRAGMA journal_mode = WAL").await?;
                // In WAL mode, NORMAL is safe against corruption and much faster than FULL.
                connection.execute("PRAGMA synchronous = NORMAL").await?;
                // SQLite leaves foreign keys off unless asked; lesson 06's sessions rely
                // on them.
                connection.execute("PRAGMA foreign_keys = ON").await?;
                Ok(())
            })
        })
        .connect(&sqlite_any_url(url, file.to_string_lossy().as_ref()))
        .await
}

/// The URL `Any` gets for a SQLite file. `Any` reads URLs with a strict URL parser, which
/// a Windows path (`C:\…`) or a space would trip, so the path is percent-encoded; SQLite
/// decodes it again. `mode=rwc` creates the file if it is missing.
fn sqlite_any_url(url: &str, file: &str) -> String {
    if url.contains(":memory:") {
        return url.to_owned();
    }
    let mut out = String::from("sqlite:");
    for byte in file.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    let params = url.split_once('?').map_or("", |(_, params)| params);
    out.push('?');
    out.push_str(params);
    if !params.split('&').any(|pair| pair.starts_with("mode=")) {
        out.push_str(if params.is_empty() {
            "mode=rwc"
        } else {
            "&mode=rwc"
        });
    }
    out
}

#[cfg(feature = "postgres")]
async fn connect_postgres(url: &str) -> Result<AnyPool, sqlx::Error> {
    use sqlx::Connection;
    // One connection on its own first: if the server is not there, its error says why
    // (refused, unknown host, wrong password), where the pool would only say, after 30
    // seconds, that it timed out.
    sqlx::AnyConnection::connect(url).await?.close().await?;
    // Each server process keeps up to 8 connections: two servers use 16 of PostgreSQL's
    // default 100.
    AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|connection, _| {
            Box::pin(async move {
                // PostgreSQL's notices ("relation _sqlx_migrations already exists,
                // skipping", at every start) would fill the log; warnings still show.
                connection
                    .execute("SET client_min_messages = warning")
                    .await?;
                Ok(())
            })
        })
        .connect(url)
        .await
}

#[cfg(not(feature = "postgres"))]
async fn connect_postgres(_url: &str) -> Result<AnyPool, sqlx::Error> {
    Err(sqlx::Error::Configuration(
        "DATABASE_URL names a PostgreSQL server, but this lesson is built without \
         PostgreSQL support: add `--features postgres` (lessons 06 to 09 have it)"
            .into(),
    ))
}

/// Runs `purge` now and then every `every`, for as long as the runtime runs: the
/// background task that deletes rows no query would accept any more (lesson 06's ended
/// sessions, lesson 08's forgotten failures). It logs how many `rows` it deleted, or why
/// it could not, and tries again at the next tick either way.
pub fn spawn_purger<F, Fut>(
    every: std::time::Duration,
    rows: &'static str,
    purge: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<u64, sqlx::Error>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match purge().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, rows, "purged"),
                Err(error) => tracing::warn!(%error, rows, "could not purge"),
            }
        }
    })
}

/// One migration, written for each database: the same tables, in each one's types.
pub struct Migration {
    /// The order: migrations run from the lowest version up, once each.
    pub version: i64,
    pub description: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// The `users` table, from `common/migrations/` (SQLite) and `common/migrations/postgres/`.
pub const USERS: &[Migration] = &[Migration {
    version: 20260101000001,
    description: "users",
    sqlite: include_str!("../migrations/20260101000001_users.sql"),
    postgres: include_str!("../migrations/postgres/20260101000001_users.sql"),
}];

/// Applies `migrations` in the version for `pool`'s database. Lessons that add tables
/// (lesson 06) have migrations of their own; each run ignores versions it does not know,
/// so they share one database.
pub async fn migrate(pool: &AnyPool, migrations: &[Migration]) -> Result<(), sqlx::Error> {
    let backend = Backend::of(pool);
    let files: Vec<_> = migrations
        .iter()
        .map(|migration| {
            let sql = match backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            (migration.version, migration.description, sql)
        })
        .collect();
    let mut migrator = embedded_migrator(&files);
    migrator.set_ignore_missing(true);
    migrator.run(pool).await?;
    Ok(())
}

/// A sqlx [`Migrator`] over SQL files embedded with `include_str!`: a lesson needs no
/// files beside it at run time and no database at build time. sqlx records each one in
/// `_sqlx_migrations` with its checksum, exactly as with `sqlx::migrate!`.
///
/// Why not `sqlx::migrate!("./migrations")`? That macro lives in sqlx's `macros`
/// feature, a proc-macro crate that compiles sqlx, tokio and SQLite's C code a second
/// time, for the compiler. Measured here, it made a student's first `cargo build` about
/// 40% longer. Listing the files by hand is a few lines per migration.
pub fn embedded_migrator(migrations: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        migrations
            .iter()
            .map(|&(version, description, sql)| {
                SqlxMigration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Seconds since 1970, the unit lesson 06 keeps session times in, as a date.
pub fn unix_time(seconds: i64) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|error| sqlx::Error::Decode(error.into()))
}

/// RFC 3339 text (`2026-01-01T09:00:00Z`), the form of `users.created_at`, as a date.
/// It is how sqlx wrote dates into SQLite before, so older files still read.
pub fn rfc3339_time(text: &str) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|error| sqlx::Error::Decode(error.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_and_postgres_urls_are_databases() {
        assert_eq!(Backend::of_url("sqlite://data/a.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite:a.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        for other in [
            "mysql://u:p@h/db",
            "data/app.db",
            "",
            "http://x",
            "SQLITE://a.db",
        ] {
            assert_eq!(Backend::of_url(other), None, "{other}");
        }
    }

    #[test]
    fn sqlite_paths_reach_any_percent_encoded() {
        assert_eq!(
            sqlite_any_url("sqlite://data/l.db", "data/l.db"),
            "sqlite:data/l.db?mode=rwc"
        );
        assert_eq!(
            sqlite_any_url(
                r"sqlite://C:\My Files\l.db?cache=shared",
                r"C:\My Files\l.db"
            ),
            "sqlite:C%3A%5CMy%20Files%5Cl.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_any_url("sqlite:///tmp/l.db?mode=ro", "/tmp/l.db"),
            "sqlite:/tmp/l.db?mode=ro"
        );
    }
}
