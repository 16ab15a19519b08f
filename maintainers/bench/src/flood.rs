//! Logins under attack: what a flood of logins does to everyone else's requests, and how
//! many logins a second the server still checks. See `bench-login-flood`.

use std::io;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::limits::Limits;
use common::serve::Server;
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

use crate::{BUFFER_BYTES, Load, Report, read_response, write_all};

/// The password of the benchmark's user.
const PASSWORD: &str = "benchmark password";

/// How long one bcrypt verification takes at `cost` on this machine, alone: the median
/// of `runs`, after one run to warm up.
pub fn one_hash(cost: u32, runs: usize) -> Duration {
    let hash = bcrypt::hash(PASSWORD, cost).expect("bcrypt hashes");
    let mut times: Vec<Duration> = (0..=runs)
        .map(|_| {
            let started = Instant::now();
            let matches = bcrypt::verify(PASSWORD, &hash).expect("bcrypt verifies");
            assert!(matches);
            started.elapsed()
        })
        .skip(1)
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The whole benchmark, for the router `make_app` builds: three phases of
/// `BENCH_SECONDS` each (after 1 s of warm-up), one after the other so that neither load
/// slows the other's figure:
/// 1. `/api/me` alone, on `BENCH_ME_CONNECTIONS` connections (default 8), one session each;
/// 2. the same `/api/me` load while `BENCH_CONNECTIONS` (default 64) other connections post
///    correct logins non-stop;
/// 3. the logins alone.
///
/// Before them, the reference: one bcrypt verification, timed alone. The server hashes at
/// `BENCH_BCRYPT_COST` (default 12, the lessons' default) within the limits `common` reads
/// from the environment (`HASH_CONCURRENCY`, `HASH_QUEUE`; by default one hash per core
/// and 64 waiting). The exit status is 1 if any answer was wrong (a login refused with a
/// 503 counts as wrong), 2 for a bad setting.
pub fn bench_login_flood<F, Fut>(label: &str, make_app: F) -> ExitCode
where
    F: FnOnce(common::Config) -> Fut,
    Fut: std::future::Future<Output = Result<axum::Router, sqlx::Error>>,
{
    match run(label, make_app) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::from(2)
        }
    }
}

fn run<F, Fut>(label: &str, make_app: F) -> Result<bool, String>
where
    F: FnOnce(common::Config) -> Fut,
    Fut: std::future::Future<Output = Result<axum::Router, sqlx::Error>>,
{
    let cost = setting("BENCH_BCRYPT_COST", 12)?;
    let cost = u32::try_from(cost)
        .ok()
        .filter(|cost| (4..=31).contains(cost))
        .ok_or("BENCH_BCRYPT_COST must be from 4 to 31")?;
    let me_connections = setting("BENCH_ME_CONNECTIONS", 8)? as usize;
    let limits = Limits::from_lookup(&|name: &str| std::env::var(name).ok())
        .map_err(|error| error.to_string())?;

    // The reference first, while nothing else runs.
    let hash = one_hash(cost, 5);
    let cores = common::limits::cores();
    let limit = cores as f64 / hash.as_secs_f64();
    println!("{label}");
    println!(
        "reference: one bcrypt verification at cost {cost} takes {:.1} ms (median of 5, alone); \
         {cores} cores ÷ that = {limit:.2} logins/s at most",
        ms(hash)
    );
    println!(
        "server: at most {} hashes at once, {} waiting, priority {:?} \
         (HASH_CONCURRENCY, HASH_QUEUE, HASH_PRIORITY)",
        limits.hash_concurrency, limits.hash_queue, limits.hash_priority
    );

    let server = Runtime::new().expect("a runtime for the server");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut config = common::Config::for_tests(database, &common::config::new_secret());
    config.bcrypt_cost = cost;
    config.limits = limits;
    let (url, _running) = server.block_on(async {
        let routes = make_app(config).await.expect("the database opens");
        let server = Server::start_with("127.0.0.1:0", routes, &limits)
            .await
            .expect("bind 127.0.0.1:0");
        (server.url.clone(), server)
    });

    let client = Runtime::new().expect("a runtime for the load");
    client.block_on(async {
        let (cookies, user) = crate::log_in(&url, me_connections).await;
        let mut me = Load::from_env(&url, "/api/me")?;
        me.connections = me_connections;
        me.cookies = cookies;
        me.expected_body = Some(user.clone());
        // The login connections: `BENCH_CONNECTIONS`, as `Load` reads it.
        let connections = Load::from_env(&url, "/api/login")?.connections;
        let flood = Flood {
            url: url.clone(),
            connections,
            body: serde_json::json!({ "username": "bench", "password": PASSWORD }).to_string(),
            expected_body: user,
            warm_up: me.warm_up,
            duration: me.duration,
        };
        let seconds = me.duration.as_secs();
        let failed = |e: io::Error| format!("opening the connections: {e}");

        println!(
            "1. GET /api/me alone, {me_connections} connections, 1 s warm-up then {seconds} s"
        );
        let idle = me.run().await.map_err(failed)?;
        println!("   {idle}");

        println!("2. the same, while {connections} connections post correct logins non-stop");
        let (flooded, during) = tokio::join!(me.run(), flood.run());
        let (flooded, during) = (flooded.map_err(failed)?, during.map_err(failed)?);
        println!("   /api/me: {flooded}");
        println!("   logins:  {during}");
        // The logins still waiting when the phase ended were dropped with their
        // connections; give the ones being hashed a moment to end.
        tokio::time::sleep(Duration::from_secs(1)).await;

        println!("3. the logins alone, {connections} connections");
        let alone = flood.run().await.map_err(failed)?;
        println!("   {alone}");

        summary(&idle, &flooded, &alone, limit);
        Ok(idle.errors + flooded.errors + during.errors + alone.errors == 0)
    })
}

/// Connections that post the same login again and again, one at a time each, like
/// impatient users (or a script) that retry as soon as they have an answer.
///
/// Not [`Load`]: a login waits seconds in the queue, so what counts is the answers that
/// *arrive* within the measured window, whenever they were sent. A login still waiting
/// when the window closes is dropped with its connection, not counted.
struct Flood {
    url: String,
    connections: usize,
    body: String,
    expected_body: String,
    warm_up: Duration,
    duration: Duration,
}

impl Flood {
    async fn run(&self) -> io::Result<Report> {
        let host = self.url.trim_start_matches("http://");
        let request: Arc<[u8]> = format!(
            "POST /api/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{}",
            self.body.len(),
            self.body
        )
        .into_bytes()
        .into();
        let mut streams = Vec::with_capacity(self.connections);
        for _ in 0..self.connections {
            let stream = TcpStream::connect(host).await?;
            stream.set_nodelay(true)?;
            streams.push(stream);
        }
        let measure_from = Instant::now() + self.warm_up;
        let until = measure_from + self.duration;
        let expected: Arc<[u8]> = self.expected_body.as_bytes().into();
        let tasks: Vec<_> = streams
            .into_iter()
            .map(|stream| {
                let (request, expected) = (request.clone(), expected.clone());
                tokio::spawn(keep_logging_in(
                    stream,
                    request,
                    expected,
                    measure_from,
                    until,
                ))
            })
            .collect();
        let (mut latencies, mut errors, mut first_error) = (Vec::new(), 0, None);
        for task in tasks {
            let seen = task.await.map_err(io::Error::other)?;
            latencies.extend(seen.latencies);
            errors += seen.errors;
            first_error = first_error.or(seen.first_error);
        }
        Ok(Report::new(
            latencies,
            errors,
            first_error,
            self.duration,
            self.connections,
        ))
    }
}

/// What one login connection saw: latencies (µs) of the answers that arrived in the
/// window, and the wrong answers (a 503 among them).
struct Seen {
    latencies: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

async fn keep_logging_in(
    stream: TcpStream,
    request: Arc<[u8]>,
    expected: Arc<[u8]>,
    measure_from: Instant,
    until: Instant,
) -> Seen {
    let mut buffer = vec![0u8; BUFFER_BYTES];
    let mut seen = Seen {
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
    };
    let deadline = tokio::time::Instant::from_std(until);
    while Instant::now() < until {
        let sent = Instant::now();
        let answer = tokio::time::timeout_at(deadline, async {
            write_all(&stream, &request).await?;
            read_response(&stream, &mut buffer).await
        })
        .await;
        let (status, body) = match answer {
            // Still waiting when the window closed: not counted.
            Err(_) => break,
            Ok(Err(problem)) => {
                seen.errors += 1;
                seen.first_error = Some(format!("connection lost: {problem}"));
                break;
            }
            Ok(Ok(answer)) => answer,
        };
        let arrived = Instant::now();
        // Errors count in the warm-up too, as in `Load`.
        if status != 200 || body != &expected[..] {
            seen.errors += 1;
            let body = String::from_utf8_lossy(body);
            seen.first_error
                .get_or_insert_with(|| format!("status {status}, body {body}"));
        }
        if arrived >= measure_from {
            let micros = (arrived - sent).as_micros();
            seen.latencies.push(micros.try_into().unwrap_or(u32::MAX));
        }
    }
    seen
}

fn summary(idle: &Report, flooded: &Report, logins: &Report, limit: f64) {
    let slower = flooded.p99.as_secs_f64() / idle.p99.as_secs_f64().max(f64::MIN_POSITIVE);
    let share = logins.requests_per_second() / limit;
    println!(
        "/api/me p99: {:.2} ms alone, {:.2} ms under the flood (goal: under 10 ms), {slower:.1} times",
        ms(idle.p99),
        ms(flooded.p99)
    );
    println!(
        "logins: {:.2}/s of {limit:.2}/s: {:.0}% of cores ÷ one hash (goal: at least 90%); slowest login {:.2} s",
        logins.requests_per_second(),
        share * 100.0,
        logins.max.as_secs_f64()
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A whole number above 0 from the environment, or `default`.
fn setting(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => match value.trim().parse::<u64>() {
            Ok(number) if number > 0 => Ok(number),
            _ => Err(format!(
                "{name} must be a whole number above 0, not {value:?}"
            )),
        },
    }
}
