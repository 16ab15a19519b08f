//! Users and where they are kept.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::db::rfc3339_time;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What the server tells the world about an account. There is deliberately no
/// password hash in here: a type that cannot hold it cannot leak it in a response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A user as stored, with the hash that a login checks against. Only the store and the
/// login check ever see one; it has no `Serialize`.
#[derive(Clone)]
pub struct StoredUser {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CreateUserError {
    /// The name exists already (names compare without case).
    UsernameTaken,
    /// Anything else the database said.
    Database(String),
}

/// The `users` table, through sqlx, on SQLite or PostgreSQL (see [`crate::db`]): the
/// queries are the same on both. Cheap to clone: the pool is shared.
#[derive(Clone, Debug)]
pub struct UserStore {
    pool: AnyPool,
}

impl UserStore {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Inserts a user. The UNIQUE constraint decides a race between two registrations of
    /// one name: checking first and inserting after would let both through.
    pub async fn create(
        &self,
        username: &str,
        password_hash: &str,
        created_at: OffsetDateTime,
    ) -> Result<User, CreateUserError> {
        // RFC 3339 text: `Any` carries no date type (see `crate::db`).
        let created_at = created_at
            .format(&Rfc3339)
            .map_err(|error| CreateUserError::Database(error.to_string()))?;
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, created_at) VALUES ($1, $2, $3)
             RETURNING id, username, created_at",
        )
        .bind(username)
        .bind(password_hash)
        .bind(created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(|error| match error.as_database_error() {
            Some(db) if db.is_unique_violation() => CreateUserError::UsernameTaken,
            _ => CreateUserError::Database(error.to_string()),
        })?;
        user_from_row(&row).map_err(|error| CreateUserError::Database(error.to_string()))
    }

    pub async fn find_by_username(
        &self,
        username: &str,
    ) -> Result<Option<StoredUser>, sqlx::Error> {
        sqlx::query("SELECT id, username, created_at, password_hash FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| {
                Ok(StoredUser {
                    user: user_from_row(&row)?,
                    password_hash: row.try_get("password_hash")?,
                })
            })
            .transpose()
    }

    /// The user a session names: lessons 03 to 05 ask it on every request with a session.
    pub async fn find_by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        sqlx::query("SELECT id, username, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| user_from_row(&row))
            .transpose()
    }

    /// Removes a user. No endpoint does this; tests use it to check that a session of a
    /// deleted user is treated as no session.
    pub async fn delete(&self, id: i64) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}

fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        created_at: rfc3339_time(row.try_get("created_at")?)?,
    })
}
