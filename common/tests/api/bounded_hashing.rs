//! Hashing takes turns: at most `hash_concurrency` bcrypt runs at once, at most
//! `hash_queue` waiting, and past that a `503` with `Retry-After` at once, without hashing.
//! And a hash runs at the process's own CPU priority unless `HASH_PRIORITY=low` asks.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use common::limits::{HashPriority, Limits};
use common::passwords::{HashStats, PasswordError, Passwords};
use common::{Accounts, ApiError, Credentials, Json, User};
use story::{PASSWORD, spawn_app};

/// bcrypt's default cost: a quarter of a second a hash, long enough to see a queue form.
const SLOW_COST: u32 = 12;

/// Polls `passwords` until `done` says yes (10 s at most).
async fn until(passwords: &Passwords, done: impl Fn(HashStats) -> bool) -> HashStats {
    for _ in 0..1000 {
        let stats = passwords.stats();
        if done(stats) {
            return stats;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the hashing never got there: {:?}", passwords.stats());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hash_at_a_time_the_next_ones_wait_and_a_full_queue_refuses_at_once() {
    let passwords = Passwords::with_limits(
        SLOW_COST,
        &Limits {
            hash_concurrency: 1,
            hash_queue: 2,
            ..Limits::for_tests()
        },
    );
    let hash = passwords.hash(PASSWORD).await.unwrap();
    assert_eq!(passwords.stats().started, 1);

    // Three checks at once: one runs, two wait in line.
    let checks: Vec<_> = (0..3)
        .map(|_| {
            let (passwords, hash) = (passwords.clone(), hash.clone());
            tokio::spawn(async move { passwords.verify(PASSWORD, Some(&hash)).await })
        })
        .collect();
    let stats = until(&passwords, |stats| stats.waiting == 2).await;
    assert_eq!(stats.started, 2, "one check runs while two wait: {stats:?}");

    // A fourth finds the queue full: refused now, without waiting and without hashing.
    let started = std::time::Instant::now();
    let refused = passwords.verify(PASSWORD, Some(&hash)).await;
    let Err(PasswordError::Busy { retry_after }) = refused else {
        panic!("expected Busy, got {refused:?}");
    };
    assert!(started.elapsed() < Duration::from_millis(100), "at once");
    assert!(retry_after >= Duration::from_secs(1), "{retry_after:?}");
    assert_eq!(passwords.stats().refused, 1);

    // The three in line all get their answer, one after another.
    for check in checks {
        assert!(check.await.unwrap().unwrap(), "the right password matches");
    }
    let stats = passwords.stats();
    assert_eq!((stats.started, stats.waiting, stats.refused), (4, 0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_gives_up_while_waiting_leaves_the_queue() {
    let passwords = Passwords::with_limits(
        SLOW_COST,
        &Limits {
            hash_concurrency: 1,
            hash_queue: 1,
            ..Limits::for_tests()
        },
    );
    let hash = passwords.hash(PASSWORD).await.unwrap();
    let running = {
        let (passwords, hash) = (passwords.clone(), hash.clone());
        tokio::spawn(async move { passwords.verify(PASSWORD, Some(&hash)).await })
    };
    until(&passwords, |stats| stats.started == 2).await;
    // This one waits, then its client hangs up (the future is dropped).
    let gave_up = {
        let (passwords, hash) = (passwords.clone(), hash.clone());
        tokio::spawn(async move { passwords.verify(PASSWORD, Some(&hash)).await })
    };
    until(&passwords, |stats| stats.waiting == 1).await;
    gave_up.abort();
    until(&passwords, |stats| stats.waiting == 0).await;
    // Its place is free again: the next one may wait instead of being refused.
    let next = passwords.verify(PASSWORD, Some(&hash)).await;
    assert!(next.unwrap(), "queued and checked, not refused");
    assert!(running.await.unwrap().unwrap());
    assert_eq!(passwords.stats().refused, 0);
}

// ── over HTTP ──────────────────────────────────────────────────────────────────────

async fn login(
    State(accounts): State<Accounts>,
    Json(credentials): Json<Credentials>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(accounts.check_login(&credentials).await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_logins_beyond_the_queue_gets_503_with_retry_after_and_never_another_5xx() {
    let app = spawn_app(|mut config, clock| async move {
        config.bcrypt_cost = SLOW_COST;
        config.limits.hash_concurrency = 1;
        config.limits.hash_queue = 2;
        let accounts = Accounts::connect(&config, clock).await?;
        let routes = Router::new()
            .route("/api/login", post(login))
            .with_state(accounts);
        Ok::<_, sqlx::Error>(routes)
    })
    .await;

    // Twelve logins at once; one hashes, two wait, the others must be told to come back.
    let logins: Vec<_> = (0..12)
        .map(|i| {
            let mut client = app.client(&format!("client {i}"));
            tokio::spawn(async move { client.login("nobody", "a wrong guess").await })
        })
        .collect();
    let (mut unauthorized, mut unavailable) = (0, 0);
    for login in logins {
        let reply = login.await.unwrap();
        match reply.status {
            401 => unauthorized += 1,
            503 => {
                unavailable += 1;
                reply.assert_error(
                    503,
                    "The server is busy checking other passwords: try again in a few seconds",
                );
                let retry_after: u64 = reply
                    .header("retry-after")
                    .expect("a 503 says when to come back")
                    .parse()
                    .expect("Retry-After in whole seconds");
                assert!(retry_after >= 1);
            }
            other => panic!("only 401 or 503, got {other}: {}", reply.body),
        }
    }
    assert!(unauthorized >= 3, "the one hashing and the two waiting");
    assert!(unavailable >= 1, "the queue of 2 overflowed");
}

#[test]
fn a_busy_answer_is_a_json_503_with_retry_after_in_whole_seconds_rounded_up() {
    let error = ApiError::from(PasswordError::Busy {
        retry_after: Duration::from_millis(2100),
    });
    assert_eq!(error.status, 503);
    assert_eq!(error.retry_after, Some(Duration::from_millis(2100)));
    let response = axum::response::IntoResponse::into_response(error);
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(response.headers()["content-type"], "application/json");
}

// ── the CPU priority of a hash ─────────────────────────────────────────────────────

/// The nice value of the blocking thread that ran one hash with `priority`. The runtime
/// has a single blocking thread, so the probe after the hash runs on the very thread
/// that hashed, and reads what the hash left there.
#[cfg(target_os = "linux")]
fn nice_of_the_hashing_thread(priority: HashPriority) -> i32 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        // Kept alive between the hash and the probe, however busy the machine.
        .thread_keep_alive(Duration::from_secs(600))
        .build()
        .unwrap();
    runtime.block_on(async {
        let limits = Limits {
            hash_priority: priority,
            ..Limits::default()
        };
        Passwords::with_limits(4, &limits)
            .hash(PASSWORD)
            .await
            .unwrap();
        // SAFETY: plain numbers in, a number out.
        let probe = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        tokio::task::spawn_blocking(probe).await.unwrap()
    })
}

#[cfg(target_os = "linux")]
#[test]
fn a_hash_runs_at_the_process_priority_unless_told_to_run_low() {
    // SAFETY: plain numbers in, a number out.
    let process = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
    let default = Limits::from_lookup(&|_: &str| None).unwrap();
    assert_eq!(default.hash_priority, HashPriority::Normal);
    assert_eq!(
        nice_of_the_hashing_thread(default.hash_priority),
        process,
        "by default a hash competes for the CPU like every other thread of the server"
    );
    assert_eq!(
        nice_of_the_hashing_thread(HashPriority::Low),
        19,
        "HASH_PRIORITY=low: the lowest priority (and the probe sees the hashing thread)"
    );
}
