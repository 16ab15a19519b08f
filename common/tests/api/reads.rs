//! `common::reads`: the read on every request, on the request's own thread, must give the
//! answer sqlx would give, at once, whatever was written just before. (On PostgreSQL
//! every read goes through the pool: `.ci/run` runs lessons 06 to 08 there.)

use common::db;
use common::reads::{Columns, Reads, Value};

fn name(row: &dyn Columns) -> Result<String, sqlx::Error> {
    row.text("username")
}

const NAME_OF: &str = "SELECT username FROM users WHERE id = $1";

async fn insert(pool: &db::AnyPool, username: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO users (username, password_hash, created_at) VALUES ($1, 'x', $2) RETURNING id",
    )
    .bind(username)
    .bind("2026-01-01T00:00:00Z")
    .fetch_one(pool)
    .await
    .unwrap();
    row.0
}

#[tokio::test]
async fn a_read_on_this_thread_sees_each_write_the_moment_it_is_committed() {
    // A space in the path: the file name survives the trip through sqlx's URL.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("with space").join("reads.db");
    let pool = db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let reads = Reads::new(pool.clone());
    assert_eq!(reads.file_read_on_this_thread(), Some(file.as_path()));

    let alice = insert(&pool, "alice").await;
    let key = [Value::Int(alice)];
    let read = || reads.fetch_optional(NAME_OF, &key, name);
    assert_eq!(read().await.unwrap().as_deref(), Some("alice"));

    sqlx::query("UPDATE users SET username = 'alicia' WHERE id = $1")
        .bind(alice)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(read().await.unwrap().as_deref(), Some("alicia"));

    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(alice)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(read().await.unwrap(), None, "a deleted row is gone at once");
}

#[tokio::test]
async fn a_row_that_is_not_what_the_caller_expects_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    let reads = Reads::new(pool.clone());
    let carol = insert(&pool, "carol").await;
    // `username` is text, not a number.
    let as_number = |row: &dyn Columns| row.int("username");
    let found = reads
        .fetch_optional(NAME_OF, &[Value::Int(carol)], as_number)
        .await;
    assert!(found.is_err());
}
