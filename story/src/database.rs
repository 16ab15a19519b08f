//! The story's database: a fresh SQLite file in a temporary folder (the default), or, with
//! `TEST_DATABASE=postgres`, a fresh schema on a real PostgreSQL server.
//!
//! The PostgreSQL run is how `.ci/run` checks lessons 06 to 09 against a database server:
//!
//! ```text
//! pg_virtualenv -- env TEST_DATABASE=postgres cargo test --features postgres \
//!     -p lesson-06-server-sessions -p lesson-07-two-servers
//! ```
//!
//! `pg_virtualenv` starts a throwaway cluster and exports `PGHOST`, `PGPORT`, `PGUSER`,
//! `PGPASSWORD` and `PGDATABASE`; sqlx reads them. Each story gets schemas of its own
//! (`story_<random>_<name>`), named in the URL's `search_path`, so tests running at the
//! same time never see each other's tables; they are dropped when the story ends. A
//! requested PostgreSQL run that finds no server panics with one line: it never falls back
//! to SQLite without a word.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

/// Where a story's databases live.
pub(crate) enum TestDatabase {
    Sqlite,
    /// Schemas `<prefix>_<name>` on the server the `PG*` variables name.
    Postgres {
        prefix: String,
        created: Mutex<BTreeSet<String>>,
    },
}

impl TestDatabase {
    /// From `TEST_DATABASE`: unset or `sqlite` for SQLite, `postgres` for PostgreSQL.
    pub(crate) fn from_env() -> Self {
        match std::env::var("TEST_DATABASE").as_deref() {
            Err(_) | Ok("") | Ok("sqlite") => TestDatabase::Sqlite,
            Ok("postgres") => {
                if !cfg!(feature = "postgres") {
                    panic!(
                        "TEST_DATABASE=postgres: these tests are built without PostgreSQL \
                         support; add `--features postgres` (lessons 06 to 09 have it)"
                    );
                }
                let mut bytes = [0u8; 6];
                getrandom::fill(&mut bytes).expect("the OS random generator is available");
                let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                TestDatabase::Postgres {
                    prefix: format!("story_{random}"),
                    created: Mutex::new(BTreeSet::new()),
                }
            }
            Ok(other) => panic!(
                "TEST_DATABASE={other:?} is not valid: expected sqlite (the default) or postgres"
            ),
        }
    }

    /// The URL of database `name`: the same name, the same database.
    pub(crate) fn url(&self, dir: &Path, name: &str) -> String {
        match self {
            TestDatabase::Sqlite => {
                format!("sqlite://{}", dir.join(format!("{name}.db")).display())
            }
            TestDatabase::Postgres { prefix, created } => {
                let clean: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .take(40)
                    .collect();
                let schema = format!("{prefix}_{clean}");
                let mut created = created.lock().unwrap();
                if !created.contains(&schema) {
                    on_server(&format!("CREATE SCHEMA {schema}"));
                    created.insert(schema.clone());
                }
                // No host, user or password in the URL: sqlx takes them from PGHOST, PGPORT,
                // PGUSER, PGPASSWORD and PGDATABASE. The search_path puts every table the
                // lesson creates into this story's schema.
                format!("postgres:?options[search_path]={schema}")
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { created, .. } = self {
            let created = created.get_mut().unwrap_or_else(|p| p.into_inner());
            if !created.is_empty() && !std::thread::panicking() {
                let list: Vec<&str> = created.iter().map(String::as_str).collect();
                on_server(&format!(
                    "DROP SCHEMA IF EXISTS {} CASCADE",
                    list.join(", ")
                ));
            }
        }
    }
}

/// Runs one statement on the PostgreSQL server of the `PG*` variables. On a thread of its
/// own with its own runtime: it is called from sync code inside the test's runtime.
#[cfg(feature = "postgres")]
fn on_server(sql: &str) {
    use sqlx::{Connection, Executor};
    let outcome = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    sqlx::any::install_default_drivers();
                    let mut connection = sqlx::AnyConnection::connect("postgres:").await?;
                    connection
                        .execute(sqlx::AssertSqlSafe(sql.to_owned()))
                        .await?;
                    connection.close().await
                })
            })
            .join()
            .expect("the PostgreSQL thread")
    });
    if let Err(error) = outcome {
        panic!(
            "TEST_DATABASE=postgres, but no PostgreSQL server took `{sql}`: {error}. Run the \
             tests inside pg_virtualenv, or set PGHOST, PGPORT, PGUSER and PGPASSWORD"
        );
    }
}

#[cfg(not(feature = "postgres"))]
fn on_server(_sql: &str) {
    unreachable!("TestDatabase::from_env refuses PostgreSQL without the feature")
}

impl TestDatabase {
    /// Whether database `name` holds `bytes`: on SQLite the file itself (and its WAL log);
    /// on PostgreSQL every row of every table of the story's schema, as text (where bytes
    /// appear in hex).
    pub(crate) async fn holds(&self, dir: &Path, name: &str, bytes: &[u8]) -> bool {
        let url = self.url(dir, name);
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut stored = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                if let Ok(file) = std::fs::read(format!("{path}{suffix}")) {
                    stored.extend(file);
                }
            }
            return stored.windows(bytes.len()).any(|window| window == bytes);
        }
        let pool = common::db::connect(&url)
            .await
            .expect("the story's database");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema()",
        )
        .fetch_all(&pool)
        .await
        .expect("the story's tables");
        let mut text = String::new();
        for table in tables {
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT t::text FROM {table} t"
            )))
            .fetch_all(&pool)
            .await
            .expect("the table's rows");
            text.extend(rows);
        }
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        text.contains(&hex) || std::str::from_utf8(bytes).is_ok_and(|t| text.contains(t))
    }
}
