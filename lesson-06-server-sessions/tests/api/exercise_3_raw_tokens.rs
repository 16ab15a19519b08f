//! The check of exercise 06-3, "raw tokens": a server whose `sessions` table keeps each
//! token as it is, so a copy of the database is a bag of working cookies.
//!
//! Four checks, one per test:
//! 1. your test FAILS against the flawed server (the flawed `row_key`, kept here);
//! 2. your test FAILS against a server that finds no session again (so a test that only
//!    looks for a token in the table, and not at the login, is refused);
//! 3. your test PASSES against the server with your `row_key`;
//! 4. the server with your `row_key` still logs people in, and its database holds no
//!    token: not as sent, not as its bytes; only the token's SHA-256.
//!
//! `cargo test -p lesson-06-server-sessions --test api -- exercise_3_raw_tokens::` checks
//! the reference (solutions/); add `--features 06-3-raw-tokens` to check your starter
//! (exercises/).

// The reference, or with `--features 06-3-raw-tokens` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "06-3-raw-tokens")))]
#[path = "../../exercises/3_raw_tokens.rs"]
mod starter;
#[cfg(not(feature = "06-3-raw-tokens"))]
#[path = "../../solutions/3_raw_tokens.rs"]
mod yours;
#[cfg(feature = "06-3-raw-tokens")]
#[path = "../../exercises/3_raw_tokens.rs"]
mod yours;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Accounts, ApiError, Clock, Credentials, Json};
use lesson_06_server_sessions::COOKIE_NAME;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use story::hint_assert;
use story::{PASSWORD, Story, TestOutcome, spawn_app, test_outcome};

/// The flaw, as the starter has it: the table keeps the cookie's value itself.
fn flawed_row_key(token: &str) -> Vec<u8> {
    token.as_bytes().to_vec()
}

/// A key that is new every time: the table keeps no token, but no cookie ever leads to
/// its row again, so nobody stays logged in.
fn forgetful_row_key(_token: &str) -> Vec<u8> {
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).expect("the OS random generator is available");
    key
}

// ── the check's server: register, login and /api/me, with a pluggable row key ──────

type RowKey = fn(&str) -> Vec<u8>;

#[derive(Clone)]
struct Server {
    accounts: Accounts,
    pool: AnyPool,
    clock: Clock,
    row_key: RowKey,
}

/// The server, running, with the lesson's `sessions` table and `row_key` as its key.
async fn server(row_key: RowKey) -> Story {
    spawn_app(move |config, clock| async move {
        let accounts = Accounts::connect(&config, clock.clone()).await?;
        let pool = accounts.users.pool().clone();
        common::db::migrate(&pool, lesson_06_server_sessions::store::MIGRATIONS).await?;
        let state = Server {
            accounts,
            pool,
            clock,
            row_key,
        };
        Ok::<_, sqlx::Error>(
            Router::new()
                .route("/api/register", post(register))
                .route("/api/login", post(login))
                .route("/api/me", get(me))
                .with_state(state),
        )
    })
    .await
}

async fn register(
    State(server): State<Server>,
    jar: CookieJar,
    Json(credentials): Json<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let user = server.accounts.register(&credentials).await?;
    let jar = server.start_session(jar, user.id).await?;
    Ok((StatusCode::CREATED, jar, Json(user)))
}

async fn login(
    State(server): State<Server>,
    jar: CookieJar,
    Json(credentials): Json<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let user = server.accounts.check_login(&credentials).await?;
    let jar = server.start_session(jar, user.id).await?;
    Ok((jar, Json(user)))
}

async fn me(State(server): State<Server>, jar: CookieJar) -> Result<Response, ApiError> {
    let user_id: Option<i64> = match jar.get(COOKIE_NAME) {
        Some(cookie) => {
            sqlx::query_scalar(
                "SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind((server.row_key)(cookie.value()))
            .bind(server.clock.unix_now())
            .fetch_optional(&server.pool)
            .await?
        }
        None => None,
    };
    let user = match user_id {
        Some(id) => server.accounts.users.find_by_id(id).await?,
        None => None,
    };
    Ok(match user {
        Some(user) => Json(user).into_response(),
        None => (StatusCode::UNAUTHORIZED, Json(Value::Null)).into_response(),
    })
}

impl Server {
    /// A new random token in the cookie, and a row under its key.
    async fn start_session(&self, jar: CookieJar, user_id: i64) -> Result<CookieJar, ApiError> {
        let token = random_url_safe(32);
        let now = self.clock.unix_now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, public_id, user_id, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind((self.row_key)(&token))
        .bind(random_url_safe(16))
        .bind(user_id)
        .bind(now)
        .bind(now + 3600)
        .execute(&self.pool)
        .await?;
        let cookie = Cookie::build((COOKIE_NAME, token))
            .http_only(true)
            .path("/")
            .build();
        Ok(jar.add(cookie))
    }
}

fn random_url_safe(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the OS random generator is available");
    URL_SAFE_NO_PAD.encode(buffer)
}

// ── the three checks ──────────────────────────────────────────────────────────────────

/// Fails with a hint when your test stopped at its `todo!()`.
fn written(outcome: TestOutcome) {
    hint_assert!(
        outcome != TestOutcome::Todo,
        "`your_test` is not written yet (it reached its todo!()). Step 1: write the test \
         that finds a cookie value in the sessions table"
    );
}

#[tokio::test]
async fn your_test_fails_against_the_flawed_server() {
    let outcome = test_outcome(yours::your_test(server(flawed_row_key).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Failed,
        "your test PASSES against the flawed server, whose sessions table keeps each token \
         as it is. It must fail there: read what the table keeps and compare it with the \
         cookie the client got"
    );
}

#[tokio::test]
async fn your_test_fails_against_a_server_that_finds_no_session() {
    let outcome = test_outcome(yours::your_test(server(forgetful_row_key).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Failed,
        "your test PASSES against a server that never finds a session again (its key is \
         random each time, so /api/me never knows Alice). Its table holds no token, but \
         nobody stays logged in: make your test check the login too, that /api/me says \
         alice"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_server() {
    let outcome = test_outcome(yours::your_test(server(yours::row_key).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Passed,
        "your test FAILS against the server with your `row_key` (its panic is printed \
         above). If you have not fixed `row_key` yet, that is step 2. If you have, your \
         test fails for another reason: a test must pass against a server without the flaw"
    );
}

#[tokio::test]
async fn with_your_row_key_the_database_holds_no_token() {
    // Step 1 comes first: until your test is written, this check waits for it.
    written(test_outcome(yours::your_test(server(flawed_row_key).await)).await);

    let app = server(yours::row_key).await;
    let mut alice = app.client("Alice");
    let reply = alice.register("alice").await;
    hint_assert!(
        reply.status == 201,
        "with your `row_key`, registering must still work: expected 201, got {} {}",
        reply.status,
        reply.body
    );
    let reply = alice.me().await;
    hint_assert!(
        reply.status == 200 && reply.json()["username"] == "alice",
        "with your `row_key`, Alice's /api/me must find her session: expected 200 and \
         alice, got {} {}. `row_key` must give the same key for the same token every time \
         (no salt, nothing random)",
        reply.status,
        reply.body
    );
    let reply = alice.login("alice", PASSWORD).await;
    hint_assert!(
        reply.status == 200,
        "logging in again must work, got {}",
        reply.status
    );
    let token = alice.cookie(COOKIE_NAME).expect("the login set a cookie");
    let reply = alice.me().await;
    hint_assert!(
        reply.status == 200,
        "after a second login, /api/me must still find Alice, got {}",
        reply.status
    );

    // Everything the database holds: SQLite's file (and its WAL log beside it), or every
    // row of the check's PostgreSQL schema.
    hint_assert!(
        !app.database_holds("story", token.as_bytes()).await,
        "with your `row_key`, the database still holds the cookie's value as it was \
         sent. Step 2: fix `row_key`, so that the table keeps something nobody can send \
         back as a cookie"
    );
    let raw = URL_SAFE_NO_PAD.decode(&token).expect("the token is base64");
    hint_assert!(
        !app.database_holds("story", &raw).await,
        "the database holds the token's 32 bytes (decoded from base64): anyone with \
         a copy can encode them again and send them as a cookie"
    );
    let pool = common::db::connect(&app.config().database_url)
        .await
        .expect("the check's database");
    let keys: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT token_hash FROM sessions ORDER BY created_at, rowid")
            .fetch_all(&pool)
            .await
            .expect("the sessions table");
    let hashes = [
        Sha256::digest(token.as_bytes()).to_vec(),
        Sha256::digest(&raw).to_vec(),
    ];
    hint_assert!(
        keys.last().is_some_and(|key| hashes.contains(key)),
        "the table should keep the token's SHA-256: a one-way function, so nobody can turn \
         the table's copy back into a cookie, yet the server finds the row by hashing the \
         cookie it receives. Found a key of {} bytes",
        keys.last().map_or(0, Vec::len)
    );
}
