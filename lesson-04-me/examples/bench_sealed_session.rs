//! How fast is `GET /api/me` with a valid session cookie? A small load generator.
//!
//! ```text
//! cargo run --release -p lesson-04-me --example bench_sealed_session
//! cargo run --release -p lesson-04-me --example bench_sealed_session -- --seconds 20 --connections 32
//! cargo run --release -p lesson-04-me --example bench_sealed_session -- --url http://127.0.0.1:3000
//! ```
//!
//! Without `--url` it starts lesson 04's real router (the same layers as `cargo run`, a
//! fresh SQLite file, the system clock, no request log) on 127.0.0.1 in this process, on
//! a tokio runtime of its own. Either way it registers a user and logs in, then keeps
//! `--connections` keep-alive connections busy asking `/api/me` with that cookie for
//! `--seconds` (or until `--max-requests`), and prints requests per second and latency
//! percentiles. Every answer must be a 200 with exactly the logged-in user.
//!
//! Like wrk, the load side is kept lean so that the server, not the load generator, gets
//! the machine: each connection writes the same request bytes and reads the answer back
//! with a minimal HTTP/1.1 reader. Run it in release mode; a debug build measures the
//! compiler's debug settings, not the server.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Clock, Config};
use serde_json::json;
use tokio::net::TcpStream;

struct Options {
    seconds: u64,
    connections: usize,
    max_requests: u64,
    url: Option<String>,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 10,
        connections: 64,
        max_requests: 10_000_000,
        url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let number = || {
            value
                .parse()
                .unwrap_or_else(|_| usage(&format!("{flag} {value}?")))
        };
        match flag.as_str() {
            "--seconds" => options.seconds = number(),
            "--connections" => options.connections = number() as usize,
            "--max-requests" => options.max_requests = number(),
            "--url" => options.url = Some(value.trim_end_matches('/').to_owned()),
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    options
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "error: {problem}\nusage: bench_sealed_session [--seconds 10] [--connections 64] \
         [--max-requests 10000000] [--url http://127.0.0.1:3000]"
    );
    std::process::exit(2)
}

fn main() {
    let options = options();
    // Kept alive until the end of `main` when the server is ours.
    let _server_runtime;
    let _database_dir;
    let url = match &options.url {
        Some(url) => url.clone(),
        None => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let database = format!("sqlite://{}", dir.path().join("bench.db").display());
            let config = Config::for_tests(database, common::story::STORY_SECRET);
            let (runtime, url) = serve_in_background(config);
            _server_runtime = runtime;
            _database_dir = dir;
            url
        }
    };
    let client_runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    client_runtime.block_on(load(&url, &options));
}

/// Lesson 04's server on a runtime (worker threads) of its own, as a separate process
/// would have.
fn serve_in_background(config: Config) -> (tokio::runtime::Runtime, String) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let url = runtime.block_on(async {
        let routes = lesson_04_me::app(&config, Clock::system())
            .await
            .expect("the database opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, common::serve::app(routes))
                .await
                .expect("the server runs");
        });
        url
    });
    (runtime, url)
}

async fn load(url: &str, options: &Options) {
    let (cookie, user) = log_in(url).await;
    let address: SocketAddr = url
        .trim_start_matches("http://")
        .parse()
        .unwrap_or_else(|_| usage("--url must be http://IP:PORT"));
    let request: Arc<[u8]> =
        format!("GET /api/me HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\r\n")
            .into_bytes()
            .into();
    let expected: Arc<[u8]> = user.into_bytes().into();
    let load = Load {
        address,
        request,
        expected,
    };

    // A second of warm-up (connections, caches), not counted.
    load.run(options.connections, Duration::from_secs(1), u64::MAX)
        .await;
    let started = Instant::now();
    let latencies = load
        .run(
            options.connections,
            Duration::from_secs(options.seconds),
            options.max_requests,
        )
        .await;
    report(
        latencies,
        started.elapsed().as_secs_f64(),
        options.connections,
    );
}

/// Registers a fresh user (a 409 for a name taken by an earlier run is fine), logs in,
/// and returns the `Cookie` header value and the user's JSON as `/api/me` should send it.
async fn log_in(url: &str) -> (String, String) {
    let client = reqwest::Client::new();
    let credentials = json!({ "username": "bench", "password": "benchmark password" });
    let post = |path: &str| {
        client
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .body(credentials.to_string())
    };
    let _ = post("/api/register")
        .send()
        .await
        .expect("the server answers");
    let response = post("/api/login").send().await.expect("the server answers");
    assert_eq!(response.status(), 200, "the benchmark user logs in");
    let cookie = response
        .headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let user = response.text().await.expect("the user");
    (cookie, user)
}

struct Load {
    address: SocketAddr,
    /// The whole request, written as it is on every round.
    request: Arc<[u8]>,
    /// The body every answer must have.
    expected: Arc<[u8]>,
}

impl Load {
    /// `connections` connections asking in turn until `duration` is over or
    /// `max_requests` have been sent. Returns every request's latency in microseconds.
    async fn run(&self, connections: usize, duration: Duration, max_requests: u64) -> Vec<u32> {
        let deadline = Instant::now() + duration;
        let sent = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let (address, request, expected, sent) = (
                self.address,
                self.request.clone(),
                self.expected.clone(),
                sent.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let stream = TcpStream::connect(address).await.expect("connect");
                stream.set_nodelay(true).expect("TCP_NODELAY");
                let mut buffer = vec![0u8; 16 * 1024];
                let mut latencies = Vec::with_capacity(64 * 1024);
                while Instant::now() < deadline
                    && sent.fetch_add(1, Ordering::Relaxed) < max_requests
                {
                    let start = Instant::now();
                    write_all(&stream, &request).await.expect("send");
                    let (status, body) = read_response(&stream, &mut buffer)
                        .await
                        .expect("an HTTP answer");
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(body));
                    assert_eq!(body, &expected[..], "the logged-in user, every time");
                    latencies.push(start.elapsed().as_micros().min(u32::MAX as u128) as u32);
                }
                latencies
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("a load task"));
        }
        all
    }
}

async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Reads one response with a `content-length` (all of axum's here have one) and returns
/// its status and body. One request at a time per connection, so nothing follows it.
async fn read_response<'b>(
    stream: &TcpStream,
    buffer: &'b mut [u8],
) -> io::Result<(u16, &'b [u8])> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut filled = 0;
    loop {
        if let Some(head_end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| invalid("head"))?;
            let status = head
                .get(9..12)
                .and_then(|code| code.parse().ok())
                .ok_or_else(|| invalid("status line"))?;
            let length: usize = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .ok_or_else(|| invalid("content-length"))?;
            let body_start = head_end + 4;
            if filled >= body_start + length {
                return Ok((status, &buffer[body_start..body_start + length]));
            }
        }
        if filled == buffer.len() {
            return Err(invalid("response larger than the buffer"));
        }
        stream.readable().await?;
        match stream.try_read(&mut buffer[filled..]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error),
        }
    }
}

fn report(mut latencies: Vec<u32>, seconds: f64, connections: usize) {
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        f64::from(latencies[index.min(latencies.len() - 1)]) / 1000.0
    };
    println!(
        "GET /api/me with a valid session cookie: {} requests in {seconds:.1} s over {connections} connections",
        latencies.len()
    );
    println!(
        "  throughput: {:.0} req/s",
        latencies.len() as f64 / seconds
    );
    println!(
        "  latency:    p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(0.50),
        percentile(0.99),
        percentile(1.0)
    );
}
