//! How fast is `GET /api/me` when every request looks its session up in SQLite?
//!
//! ```text
//! cargo run --release -p lesson-06-server-sessions --example bench_me
//! ```
//!
//! Starts the lesson's real router (every layer `cargo run` adds) on 127.0.0.1 with a
//! fresh SQLite file, logs in one session per connection, then keeps `CONNECTIONS`
//! keep-alive connections busy with `GET /api/me` for `SECONDS` seconds (or until
//! `MAX_REQUESTS`), and prints requests per second and latency percentiles. The server and
//! the load share the machine, as `wrk` on the same host would. Request logging is off:
//! no tracing subscriber is installed, as with `RUST_LOG=off`.
//!
//! `BENCH_SECONDS` and `BENCH_CONNECTIONS` override the defaults.

use std::time::{Duration, Instant};

use common::{Clock, Config};
use lesson_06_server_sessions::{Timeouts, app};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 64;
const SECONDS: u64 = 10;
const MAX_REQUESTS: usize = 5_000_000;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let connections = setting("BENCH_CONNECTIONS", CONNECTIONS as u64) as usize;
    let seconds = setting("BENCH_SECONDS", SECONDS);

    // The server gets a runtime of its own, as it would in its own process.
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the server");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::for_tests(url, common::story::STORY_SECRET);
    let address = server.block_on(async {
        let routes = app(&config, Clock::system(), Timeouts::default())
            .await
            .expect("the app starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            axum::serve(listener, common::serve::app(routes))
                .await
                .expect("serve");
        });
        address
    });

    let load = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the load");
    load.block_on(async move {
        let address = address.to_string();
        register(&address).await;
        let mut cookies = Vec::new();
        for _ in 0..connections {
            cookies.push(login(&address).await);
        }

        println!(
            "GET /api/me: {connections} connections, {seconds} s (or {MAX_REQUESTS} requests), one session each"
        );
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let per_connection = MAX_REQUESTS / connections;
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for cookie in cookies {
            let address = address.clone();
            tasks.spawn(async move { hammer(&address, &cookie, deadline, per_connection).await });
        }
        let mut latencies = Vec::new();
        let mut failures = 0;
        while let Some(result) = tasks.join_next().await {
            let (times, failed) = result.expect("a load task");
            latencies.extend(times);
            failures += failed;
        }
        let elapsed = started.elapsed().as_secs_f64();
        report(&mut latencies, failures, elapsed);
    });
    drop(dir);
}

/// One keep-alive connection sending `GET /api/me` back to back.
async fn hammer(
    address: &str,
    cookie: &str,
    deadline: Instant,
    limit: usize,
) -> (Vec<Duration>, usize) {
    let stream = TcpStream::connect(address).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut stream = BufReader::new(stream);
    let request = format!("GET /api/me HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
    let mut latencies = Vec::with_capacity(limit.min(1 << 20));
    let mut failures = 0;
    while latencies.len() < limit && Instant::now() < deadline {
        let sent = Instant::now();
        stream
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .expect("write");
        let (status, _) = read_response(&mut stream).await;
        latencies.push(sent.elapsed());
        if status != 200 {
            failures += 1;
        }
    }
    (latencies, failures)
}

/// Reads one HTTP/1.1 response: its status and its Set-Cookie session, if any.
async fn read_response(stream: &mut BufReader<TcpStream>) -> (u16, Option<String>) {
    let mut line = String::new();
    stream.read_line(&mut line).await.expect("a status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    let mut cookie = None;
    loop {
        line.clear();
        stream.read_line(&mut line).await.expect("a header line");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(": ").unwrap_or((header, ""));
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().unwrap_or(0);
        } else if name.eq_ignore_ascii_case("set-cookie") {
            cookie = value.split(';').next().map(str::to_owned);
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.expect("the body");
    (status, cookie)
}

const CREDENTIALS: &str = r#"{"username":"bench","password":"correct horse battery"}"#;

async fn post(address: &str, path: &str) -> (u16, Option<String>) {
    let stream = TcpStream::connect(address).await.expect("connect");
    let mut stream = BufReader::new(stream);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench_me\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{CREDENTIALS}",
        CREDENTIALS.len()
    );
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .expect("write");
    read_response(&mut stream).await
}

async fn register(address: &str) {
    let (status, _) = post(address, "/api/register").await;
    assert_eq!(status, 201, "register");
}

async fn login(address: &str) -> String {
    let (status, cookie) = post(address, "/api/login").await;
    assert_eq!(status, 200, "login");
    cookie.expect("a session cookie")
}

fn report(latencies: &mut [Duration], failures: usize, elapsed: f64) {
    latencies.sort_unstable();
    let at = |fraction: f64| {
        let index =
            ((latencies.len() as f64 * fraction) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(index).copied().unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} requests in {elapsed:.1} s: {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {failures} not 200",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        ms(at(0.50)),
        ms(at(0.99)),
        ms(at(1.0)),
    );
    assert_eq!(failures, 0, "every request should have been a 200");
}
