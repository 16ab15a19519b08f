//! Reads on the hot path: the one question a server asks on *every* request, answered
//! without leaving the thread.
//!
//! sqlx gives each SQLite connection a thread of its own, and every query is a round
//! trip to it: the request's task sends the query over a channel, the operating system
//! wakes the connection's thread, which runs it and sends the row back, and the
//! scheduler wakes the task again. SQLite itself finds a row by its key in a microsecond
//! or two; the two wake-ups cost several times that. For a login, once, it does not
//! matter. For `GET /api/me`, asked on every page load, it was most of the request: the
//! profile in lesson 06's README ("What one request costs") shows where the time went.
//!
//! So [`Reads::fetch_optional`] asks SQLite directly, on the thread that runs the
//! request, through rusqlite and a small set of read-only connections to the same file.
//! Three things keep that safe:
//!
//! - **Fresh answers.** Each read is its own transaction and sees everything committed
//!   before it started, by any connection or process: a session deleted by a logout is
//!   gone for the very next request. Nothing is cached between requests.
//! - **Never blocking the runtime.** WAL mode lets readers go on while a writer writes,
//!   and these connections wait for nothing (`busy_timeout` 0): if SQLite is ever busy,
//!   or anything else goes wrong, the same query goes through sqlx, which waits on its
//!   own thread. So the answer is always sqlx's answer; only the route is shorter.
//! - **Read-only.** The connections are opened read-only: writes still go through sqlx,
//!   its pool and its migrations.
//!
//! PostgreSQL is a server on the network: there the round trip is the point, and every
//! query goes through sqlx (the [`Reads`] of a PostgreSQL pool has no connections).

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::OpenFlags;
use sqlx::AnyPool;
use sqlx::any::AnyRow;
use sqlx::sqlite::SqliteConnectOptions;

/// A value a read binds to `$1`, `$2`, ... in its SQL: what the hot-path queries need.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// One row, by column name, whichever way it was read: sqlx's `AnyRow`, or a row read on
/// this thread. A function that turns a row into a struct takes `&dyn Columns`, and so
/// serves both.
pub trait Columns {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error>;
    fn text(&self, name: &str) -> Result<String, sqlx::Error>;
    /// A text column that may be NULL.
    fn optional_text(&self, name: &str) -> Result<Option<String>, sqlx::Error>;
}

impl Columns for AnyRow {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }
    fn optional_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.get(name).map_err(|e| sqlx::Error::Decode(e.into()))
    }
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.get(name).map_err(|e| sqlx::Error::Decode(e.into()))
    }
    fn optional_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.get(name).map_err(|e| sqlx::Error::Decode(e.into()))
    }
}

/// Reads by key for a pool's database: on this thread for a SQLite file, through the
/// pool otherwise. Cheap to clone: the connections are shared.
#[derive(Clone, Debug)]
pub struct Reads {
    pool: AnyPool,
    /// `None` for PostgreSQL, and for `sqlite::memory:` (each connection to it is a
    /// database of its own, so another connection would not see the pool's rows).
    sqlite: Option<Arc<Readers>>,
}

impl Reads {
    pub fn new(pool: AnyPool) -> Reads {
        let url = pool.connect_options().database_url.to_string();
        let file = url
            .starts_with("sqlite:")
            .then(|| SqliteConnectOptions::from_str(&url).ok())
            .flatten()
            .map(|options| options.get_filename().to_owned())
            .filter(|file| !file.as_os_str().is_empty() && !url.contains(":memory:"));
        let sqlite = file.map(|file| {
            Arc::new(Readers {
                file,
                idle: Mutex::new(Vec::new()),
            })
        });
        Reads { pool, sqlite }
    }

    /// The SQLite file read on the calling thread; `None` when every read goes through
    /// the pool (PostgreSQL, `sqlite::memory:`).
    pub fn file_read_on_this_thread(&self) -> Option<&std::path::Path> {
        self.sqlite.as_ref().map(|readers| readers.file.as_path())
    }

    /// The first row `sql` finds with `values` bound to `$1`, `$2`, ..., turned into a
    /// `T` by `map`; `None` if there is none. Meant for a read by key, which takes
    /// microseconds: it runs on the calling thread, so nothing slow belongs here.
    pub async fn fetch_optional<T>(
        &self,
        sql: &'static str,
        values: &[Value<'_>],
        map: fn(&dyn Columns) -> Result<T, sqlx::Error>,
    ) -> Result<Option<T>, sqlx::Error> {
        if let Some(readers) = &self.sqlite {
            match readers.fetch_optional(sql, values, map) {
                Ok(answer) => return answer,
                // Busy, or a connection that would not open: sqlx will know. Not a
                // warning: the answer is still right, only slower.
                Err(error) => tracing::debug!(%error, "read on this thread failed, asking sqlx"),
            }
        }
        let mut query = sqlx::query(sql);
        for value in values {
            query = match *value {
                Value::Int(number) => query.bind(number),
                Value::Text(text) => query.bind(text),
                Value::Bytes(bytes) => query.bind(bytes),
            };
        }
        let row = query.fetch_optional(&self.pool).await?;
        row.map(|row| map(&row)).transpose()
    }
}

/// What the caller gets: a row turned into a `T`, no row, or `map`'s error.
type Found<T> = Result<Option<T>, sqlx::Error>;

/// Read-only connections to one SQLite file, each used by one thread at a time.
#[derive(Debug)]
struct Readers {
    file: PathBuf,
    /// Connections not in use. A std Mutex is right: it is held to push or pop, never
    /// across an `.await`. There are never more connections than threads that read at
    /// once, since a read does not `.await`.
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl Readers {
    /// The query on a connection of this thread. The outer `Err` is SQLite's (busy, not
    /// opened): ask sqlx instead. The inner one is `map`'s: the row was there but is not
    /// what the caller expects, which sqlx would say too.
    fn fetch_optional<T>(
        &self,
        sql: &str,
        values: &[Value<'_>],
        map: fn(&dyn Columns) -> Result<T, sqlx::Error>,
    ) -> rusqlite::Result<Found<T>> {
        let connection = self.take()?;
        let answer = (|| {
            // Prepared once per connection, then reused: SQLite parses the SQL once.
            let mut statement = connection.prepare_cached(sql)?;
            let mut rows = statement.query(rusqlite::params_from_iter(values))?;
            Ok(match rows.next()? {
                Some(row) => map(row).map(Some),
                None => Ok(None),
            })
        })();
        self.give_back(connection);
        answer
    }

    fn take(&self) -> rusqlite::Result<rusqlite::Connection> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        if let Some(connection) = idle {
            return Ok(connection);
        }
        // No mutex inside SQLite: one thread at a time uses a connection, as above.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = rusqlite::Connection::open_with_flags(&self.file, flags)?;
        // Never wait: a busy database sends the read to sqlx, whose thread may wait.
        connection.busy_timeout(Duration::ZERO)?;
        Ok(connection)
    }

    fn give_back(&self, connection: rusqlite::Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.push(connection);
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match *self {
            Value::Int(number) => number.into(),
            Value::Text(text) => text.into(),
            Value::Bytes(bytes) => bytes.into(),
        })
    }
}
