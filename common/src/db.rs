//! The database: one SQLite file per lesson, opened for a web server's workload.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlSafeStr;
use sqlx::SqlitePool;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The `users` table, from `common/migrations/`.
pub fn migrator() -> Migrator {
    embedded_migrator(&[(
        20260101000001,
        "users",
        include_str!("../migrations/20260101000001_users.sql"),
    )])
}

/// A sqlx [`Migrator`] over SQL files embedded with `include_str!`: a lesson needs no
/// files beside it at run time and no database at build time. sqlx records each one in
/// `_sqlx_migrations` with its checksum, exactly as with `sqlx::migrate!`.
///
/// Why not `sqlx::migrate!("./migrations")`? That macro lives in sqlx's `macros`
/// feature, a proc-macro crate that compiles sqlx, tokio and SQLite's C code a second
/// time, for the compiler. Measured here, it made a student's first `cargo build` about
/// 40% longer. Listing the files by hand is three lines per migration.
pub fn embedded_migrator(migrations: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        migrations
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
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

/// Opens (creating if needed) the database at `url` and applies the migrations.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers carry on while one connection writes.
        .journal_mode(SqliteJournalMode::Wal)
        // In WAL mode, NORMAL is safe against corruption and much faster than FULL.
        .synchronous(SqliteSynchronous::Normal)
        // SQLite allows one writer at a time. A busy writer makes the others wait up to
        // this long instead of failing with "database is locked".
        .busy_timeout(Duration::from_secs(10))
        // SQLite leaves foreign keys off unless asked; lesson 06's sessions rely on them.
        .foreign_keys(true);

    if let Some(dir) = options.get_filename().parent() {
        // `data/` is created on the first run (and ignored by git).
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }

    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    migrate(&pool, migrator()).await?;
    Ok(pool)
}

/// Applies one migrator's files. Lessons that add tables (lesson 06) have a migrator of
/// their own; each one ignores versions it does not know, so they share one database.
pub async fn migrate(pool: &SqlitePool, mut migrator: Migrator) -> Result<(), sqlx::Error> {
    migrator.set_ignore_missing(true);
    migrator.run(pool).await?;
    Ok(())
}
