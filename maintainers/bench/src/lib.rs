//! The benchmarks' load generator, and the `/api/me` benchmark lessons 04 and 06 share.
//!
//! The benchmarks are this crate's binaries; `README.md` beside this file says what each
//! one measures, how to run it and how to read what it prints.
//!
//! [`Load`] starts no server and logs nobody in: it takes the base URL, the path and the
//! `Cookie` header(s) to send. [`bench_me`] is the whole benchmark the lessons run around
//! it: serve a lesson and its references ([`reference`]); log in; load `/api/me` on each
//! in turns; print the lesson's share of its SQL reference. [`Load::run`] opens
//! `connections` keep-alive connections and has each send the same request again and
//! again until `duration` is over or `max_requests` have been sent, whichever comes
//! first. Every answer must be a `200` (and, if set, have exactly `expected_body`);
//! anything else is counted in [`Report::errors`], never skipped.
//!
//! Like wrk, the load side stays lean so that the machine's cores go to the server being
//! measured: each connection writes prepared request bytes and reads the answer with a
//! minimal HTTP/1.1 reader, straight on a tokio `TcpStream`, and with [`Load::threads`]
//! the connections run on threads of their own, each its own event loop, as wrk's do.
//! That reader knows only what axum sends here: a status line, headers, and a body with a
//! `content-length`.

use std::fmt;
use std::io;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::serve::Server;
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

pub mod flood;
pub mod reference;

pub use reference::{Reference, Seed};

/// Room for one answer's head and body. `/api/me` answers are a few hundred bytes.
pub(crate) const BUFFER_BYTES: usize = 16 * 1024;

/// How long after the end of the run an answer may still arrive before it counts as
/// lost. Keeps the run bounded in time even if the server stops answering.
const GRACE: Duration = Duration::from_secs(1);

/// What to send, over how many connections, for how long.
#[derive(Clone, Debug)]
pub struct Load {
    /// `http://HOST:PORT`, no path (plain HTTP: the benchmarks only talk to 127.0.0.1).
    pub base_url: String,
    /// The path every request asks, e.g. `/api/me`.
    pub path: String,
    /// `Cookie` header values: connection `i` sends `cookies[i % cookies.len()]`. One
    /// value shares one session among all connections; one per connection gives each its
    /// own, like as many browsers. Empty: no `Cookie` header.
    pub cookies: Vec<String>,
    /// If set, every answer's body must be exactly this.
    pub expected_body: Option<String>,
    pub connections: usize,
    /// `Some(n)`: `n` threads of the load generator's own, each with its share of the
    /// connections, like wrk's `-t` (see [`Load::run`]). `None`: the connections run
    /// on the runtime that calls [`Load::run`], as the login flood needs.
    pub threads: Option<usize>,
    /// How long the measured part lasts, after the warm-up.
    pub duration: Duration,
    /// Stops the measured part early after this many requests (all connections together).
    pub max_requests: u64,
    /// Requests sent before measuring, not counted: the server's threads, pools and caches
    /// get going first. Errors during it are still counted.
    pub warm_up: Duration,
}

impl Load {
    /// 64 connections, 1 s of warm-up, then 10 s or 10 million requests.
    pub fn new(base_url: &str, path: &str) -> Load {
        Load {
            base_url: base_url.trim_end_matches('/').to_owned(),
            path: path.to_owned(),
            cookies: Vec::new(),
            expected_body: None,
            connections: 64,
            threads: None,
            duration: Duration::from_secs(10),
            max_requests: 10_000_000,
            warm_up: Duration::from_secs(1),
        }
    }

    /// [`Load::new`], sized by `BENCH_CONNECTIONS`, `BENCH_SECONDS` and
    /// `BENCH_MAX_REQUESTS` where they are set. Every lesson's benchmark reads the same
    /// names, so one habit works for all of them.
    pub fn from_env(base_url: &str, path: &str) -> Result<Load, String> {
        let mut load = Load::new(base_url, path);
        let read = |name: &str, default: u64| match std::env::var(name) {
            Err(_) => Ok(default),
            Ok(value) => match value.trim().parse::<u64>() {
                Ok(number) if number > 0 => Ok(number),
                _ => Err(format!(
                    "{name} must be a whole number above 0, not {value:?}"
                )),
            },
        };
        load.connections = read("BENCH_CONNECTIONS", load.connections as u64)? as usize;
        load.duration = Duration::from_secs(read("BENCH_SECONDS", load.duration.as_secs())?);
        load.max_requests = read("BENCH_MAX_REQUESTS", load.max_requests)?;
        Ok(load)
    }

    /// Connects every connection first (a failure there is an `Err`: there is nothing to
    /// measure), then runs the warm-up and the measured part, and reports.
    pub async fn run(&self) -> io::Result<Report> {
        let host = self
            .base_url
            .strip_prefix("http://")
            .filter(|host| !host.is_empty() && !host.contains('/'))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("base URL {:?} is not http://HOST:PORT", self.base_url),
                )
            })?;
        // The exact bytes a connection writes, prepared once per cookie.
        let request = |cookie_line: &str| -> Arc<[u8]> {
            let path = &self.path;
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie_line}\r\n")
                .into_bytes()
                .into()
        };
        let requests: Vec<Arc<[u8]>> = if self.cookies.is_empty() {
            vec![request("")]
        } else {
            let line = |cookie| format!("Cookie: {cookie}\r\n");
            self.cookies.iter().map(|c| request(&line(c))).collect()
        };

        let measure_from = Instant::now() + self.warm_up;
        let plan = Arc::new(Plan {
            measure_from,
            until: measure_from + self.duration,
            max_requests: self.max_requests,
            sent: AtomicU64::new(0),
            expected_body: self.expected_body.clone().map(String::into_bytes),
        });
        let request_of = |i: usize| requests[i % requests.len()].clone();
        let connections = match self.threads {
            None => {
                let mut tasks = Vec::with_capacity(self.connections);
                for i in 0..self.connections {
                    let stream = TcpStream::connect(host).await?;
                    // Send each small request at once instead of waiting to fill a packet.
                    stream.set_nodelay(true)?;
                    tasks.push(tokio::spawn(keep_asking(
                        stream,
                        request_of(i),
                        plan.clone(),
                    )));
                }
                let mut seen = Vec::with_capacity(tasks.len());
                for task in tasks {
                    seen.push(task.await.map_err(io::Error::other)?);
                }
                seen
            }
            // Like wrk's threads: each one is an event loop of its own with its share of
            // the connections, and never wakes another one to share the work.
            Some(threads) => {
                let threads = threads.max(1);
                // Plain std sockets, handed to the threads: a tokio socket belongs to
                // the runtime that made it.
                let mut own: Vec<Vec<(std::net::TcpStream, Arc<[u8]>)>> =
                    (0..threads).map(|_| Vec::new()).collect();
                for i in 0..self.connections {
                    let stream = std::net::TcpStream::connect(host)?;
                    stream.set_nodelay(true)?;
                    stream.set_nonblocking(true)?;
                    own[i % threads].push((stream, request_of(i)));
                }
                let threads: Vec<_> = own
                    .into_iter()
                    .map(|connections| {
                        let plan = plan.clone();
                        tokio::task::spawn_blocking(move || ask_from_one_thread(connections, plan))
                    })
                    .collect();
                let mut seen = Vec::with_capacity(self.connections);
                for thread in threads {
                    seen.extend(thread.await.map_err(io::Error::other)??);
                }
                seen
            }
        };

        let mut latencies = Vec::new();
        let mut errors = 0;
        let mut first_error = None;
        for connection in connections {
            latencies.extend(connection.latencies);
            errors += connection.errors;
            first_error = first_error.or(connection.first_error);
        }
        let elapsed = Instant::now().saturating_duration_since(measure_from);
        Ok(Report::new(
            latencies,
            errors,
            first_error,
            elapsed,
            self.connections,
        ))
    }
}

/// What every connection's task shares.
struct Plan {
    measure_from: Instant,
    until: Instant,
    max_requests: u64,
    /// Requests started in the measured part, by all connections together.
    sent: AtomicU64,
    expected_body: Option<Vec<u8>>,
}

/// What one connection saw.
struct Connection {
    /// Microseconds per measured request: 4 bytes each keeps millions of them cheap.
    latencies: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

impl Connection {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
}

/// One load generator thread: its connections, each asking in turn, on a runtime of
/// its own.
fn ask_from_one_thread(
    connections: Vec<(std::net::TcpStream, Arc<[u8]>)>,
    plan: Arc<Plan>,
) -> io::Result<Vec<Connection>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let mut tasks = Vec::with_capacity(connections.len());
        for (stream, request) in connections {
            let stream = TcpStream::from_std(stream)?;
            tasks.push(tokio::spawn(keep_asking(stream, request, plan.clone())));
        }
        let mut seen = Vec::with_capacity(tasks.len());
        for task in tasks {
            seen.push(task.await.map_err(io::Error::other)?);
        }
        Ok(seen)
    })
}

/// One connection: one request at a time, the next as soon as the answer is in.
async fn keep_asking(stream: TcpStream, request: Arc<[u8]>, plan: Arc<Plan>) -> Connection {
    let mut buffer = vec![0u8; BUFFER_BYTES];
    let mut seen = Connection {
        latencies: Vec::with_capacity(64 * 1024),
        errors: 0,
        first_error: None,
    };
    let answer_by = tokio::time::Instant::from_std(plan.until + GRACE);
    loop {
        let started = Instant::now();
        if started >= plan.until {
            break;
        }
        let measured = started >= plan.measure_from;
        if measured && plan.sent.fetch_add(1, Ordering::Relaxed) >= plan.max_requests {
            break;
        }
        let answer = tokio::time::timeout_at(answer_by, ask(&stream, &request, &mut buffer)).await;
        let (status, body) = match answer {
            Ok(Ok(answer)) => answer,
            // The connection is out of step or gone: it ends here, counted.
            Ok(Err(problem)) => {
                seen.error(format!("connection lost: {problem}"));
                break;
            }
            Err(_) => {
                seen.error("no answer by the end of the run".to_owned());
                break;
            }
        };
        if measured {
            let micros = started.elapsed().as_micros();
            seen.latencies.push(micros.try_into().unwrap_or(u32::MAX));
        }
        if status != 200 {
            let body = String::from_utf8_lossy(body);
            seen.error(format!("status {status}, body {body}"));
        } else if plan
            .expected_body
            .as_deref()
            .is_some_and(|want| want != body)
        {
            let body = String::from_utf8_lossy(body);
            seen.error(format!("unexpected body {body}"));
        }
    }
    seen
}

/// Writes one request and reads its answer: the status and the body.
async fn ask<'b>(
    stream: &TcpStream,
    request: &[u8],
    buffer: &'b mut [u8],
) -> io::Result<(u16, &'b [u8])> {
    write_all(stream, request).await?;
    read_response(stream, buffer).await
}

/// `AsyncWriteExt::write_all`, without asking tokio for its `io-util` feature.
pub(crate) async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            // Readiness can be a false alarm: wait again.
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Reads one response with a `content-length` into `buffer`. A connection has one
/// request in flight at a time, so nothing can follow the body.
pub(crate) async fn read_response<'b>(
    stream: &TcpStream,
    buffer: &'b mut [u8],
) -> io::Result<(u16, &'b [u8])> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut filled = 0;
    loop {
        if let Some(head_end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| invalid("head"))?;
            // "HTTP/1.1 200 OK": the code is the second word.
            let status = head
                .split(' ')
                .nth(1)
                .and_then(|code| code.parse().ok())
                .ok_or_else(|| invalid("status line"))?;
            let length: usize = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .ok_or_else(|| invalid("no content-length"))?;
            let body_start = head_end + 4;
            if filled >= body_start + length {
                return Ok((status, &buffer[body_start..body_start + length]));
            }
        }
        if filled == buffer.len() {
            return Err(invalid("answer larger than the buffer"));
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

/// What a run measured. Its `Display` is one line, ready to print.
#[derive(Clone, Debug)]
pub struct Report {
    /// Answers received in the measured part, errors included.
    pub requests: u64,
    /// Answers that were not a 200 (or not the expected body), and connections lost, in
    /// the warm-up or after it. A benchmark with errors measured something else.
    pub errors: u64,
    /// What one of the errors was (the first on its connection), to start looking.
    pub first_error: Option<String>,
    /// From the end of the warm-up to the last answer.
    pub elapsed: Duration,
    pub connections: usize,
    /// Half the requests took at most this long.
    pub p50: Duration,
    /// 99 in 100 requests took at most this long: what the slow ones feel.
    pub p99: Duration,
    pub max: Duration,
}

impl Report {
    pub(crate) fn new(
        mut latencies: Vec<u32>,
        errors: u64,
        first_error: Option<String>,
        elapsed: Duration,
        connections: usize,
    ) -> Report {
        latencies.sort_unstable();
        // Nearest rank: the smallest latency that `fraction` of the requests do not exceed.
        let at = |fraction: f64| {
            let rank = (latencies.len() as f64 * fraction).ceil() as usize;
            let micros = latencies.get(rank.saturating_sub(1)).copied().unwrap_or(0);
            Duration::from_micros(micros.into())
        };
        Report {
            requests: latencies.len() as u64,
            errors,
            first_error,
            elapsed,
            connections,
            p50: at(0.50),
            p99: at(0.99),
            max: at(1.0),
        }
    }

    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "{} requests in {:.1} s over {} connections: {:.0} req/s; \
             latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} errors",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.connections,
            self.requests_per_second(),
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            self.errors,
        )?;
        if let Some(first) = &self.first_error {
            write!(f, " (first: {first})")?;
        }
        Ok(())
    }
}

/// A lesson's whole `GET /api/me` benchmark, so that every lesson measures the same way:
/// - serves the router `make_app` builds (with the layers `cargo run` adds, a fresh SQLite
///   file, no request log) on 127.0.0.1, on a tokio runtime of its own, as a separate
///   process would;
/// - registers one user and logs it in once per connection, so that each connection is
///   a browser with its own session;
/// - serves, on the same runtime, the two references of [`reference`]: the lesson's SQL
///   reference (`sql_reference`, on the lesson's database file) and the bare server that
///   answers from memory;
/// - loads the three in turns (from memory, SQL reference, lesson, and again:
///   `BENCH_ROUNDS` rounds, default 3), so that whatever else the machine does falls on
///   all alike; `BENCH_SECONDS` (default 10) is each server's measured time, split over
///   the rounds; each server is loaded from 1 load thread and from 2 (or `BENCH_THREADS`
///   only), and counts with the one that served it best;
/// - prints every round and, last, one line with the lesson's **share** of its SQL
///   reference: requests per second divided, and p99 over p99.
///
/// Every answer must be a 200 with exactly the user. The exit status is 1 if any answer
/// was wrong, 2 for a bad setting.
pub fn bench_me<F, Fut, R, RFut>(label: &str, make_app: F, sql_reference: R) -> ExitCode
where
    F: FnOnce(common::Config) -> Fut,
    Fut: Future<Output = Result<axum::Router, sqlx::Error>>,
    R: FnOnce(Seed) -> RFut,
    RFut: Future<Output = Result<Reference, sqlx::Error>>,
{
    let server = Runtime::new().expect("a runtime for the servers");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = common::Config::for_tests(database.clone(), &common::config::new_secret());
    let (url, _running) = server.block_on(async {
        let routes = make_app(config).await.expect("the database opens");
        let server = Server::start("127.0.0.1:0", routes)
            .await
            .expect("bind 127.0.0.1:0");
        (server.url.clone(), server)
    });

    let client = Runtime::new().expect("a runtime for the load");
    let outcome = against_references(label, &url, &database, sql_reference, &server, &client);
    // Returning rather than calling `exit` lets the temporary database be deleted.
    match outcome {
        Ok(share) => {
            println!("{label}: {share}");
            if share.errors == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::from(2)
        }
    }
}

/// The rounds of [`bench_me`]: logs in, starts the references on `server`'s runtime,
/// loads the three servers in turns from `client`'s, and prints each round.
fn against_references<R, RFut>(
    label: &str,
    url: &str,
    database_url: &str,
    sql_reference: R,
    server: &Runtime,
    client: &Runtime,
) -> Result<Share, String>
where
    R: FnOnce(Seed) -> RFut,
    RFut: Future<Output = Result<Reference, sqlx::Error>>,
{
    let mut load = Load::from_env(url, "/api/me")?;
    let rounds = number_from_env("BENCH_ROUNDS", 3)?;
    // With 1 load thread, or with 2: on two cores the second load thread takes a core's
    // share from the server under load, more from some servers than from others. Each
    // server counts with its better load (`Side::best`).
    let loads: Vec<usize> = match std::env::var("BENCH_THREADS") {
        Ok(_) => vec![number_from_env("BENCH_THREADS", 1)? as usize],
        Err(_) => vec![1, 2],
    };
    let (cookies, user) = client.block_on(log_in(url, load.connections));
    let seed = || Seed {
        database_url: database_url.to_owned(),
        user: user.clone(),
        cookies: cookies.clone(),
    };
    let starting = |e: sqlx::Error| format!("starting a reference server: {e}");
    let sql = server.block_on(sql_reference(seed())).map_err(starting)?;
    let memory = server
        .block_on(reference::from_memory(seed()))
        .map_err(starting)?;
    load.duration /= rounds * loads.len() as u32;
    load.expected_body = Some(user.clone());
    let servers = [
        ("from memory  ", memory.url, memory.cookies),
        ("SQL reference", sql.url, sql.cookies),
        ("the lesson   ", url.to_owned(), cookies.clone()),
    ]
    .map(|(name, base_url, cookies)| {
        let load = Load {
            base_url,
            cookies,
            ..load.clone()
        };
        (name, load)
    });
    println!(
        "{label}: {} connections (one session each), from {loads:?} load threads; \
         {rounds} rounds of {:.1} s for each server and load, after {} s of warm-up each",
        load.connections,
        load.duration.as_secs_f64(),
        load.warm_up.as_secs(),
    );
    let opening = |e: io::Error| format!("opening the connections: {e}");
    // For each server, for each load, its reports over the rounds.
    let mut measured = vec![vec![Vec::new(); loads.len()]; servers.len()];
    for round in 1..=rounds {
        for (load_index, threads) in loads.iter().enumerate() {
            for ((name, server), reports) in servers.iter().zip(&mut measured) {
                let server = Load {
                    threads: Some(*threads),
                    ..server.clone()
                };
                let report = client.block_on(server.run()).map_err(opening)?;
                println!("  round {round}, {threads} load thread(s), {name}: {report}");
                reports[load_index].push(report);
            }
        }
    }
    let errors = measured.iter().flatten().flatten().map(|r| r.errors).sum();
    let [from_memory, reference, lesson] = [0, 1, 2].map(|server| {
        let sides: Vec<Side> = loads
            .iter()
            .zip(&measured[server])
            .map(|(threads, reports)| Side::new(reports, *threads))
            .collect();
        Side::best(&sides)
    });
    Ok(Share {
        lesson,
        reference,
        from_memory,
        errors,
    })
}

/// A whole number above 0 from the environment variable `name`, or `default`.
fn number_from_env(name: &str, default: u32) -> Result<u32, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => match value.trim().parse::<u32>() {
            Ok(number) if number > 0 => Ok(number),
            _ => Err(format!(
                "{name} must be a whole number above 0, not {value:?}"
            )),
        },
    }
}

/// One server under one load (a number of load threads), over all its rounds.
#[derive(Clone, Copy, Debug)]
pub struct Side {
    /// Requests per second, all rounds together.
    pub rate: f64,
    /// The median round's p99: one round disturbed by something else moves it least.
    pub p99: Duration,
    pub threads: usize,
}

impl Side {
    pub fn new(reports: &[Report], threads: usize) -> Side {
        let requests: u64 = reports.iter().map(|r| r.requests).sum();
        let seconds: f64 = reports.iter().map(|r| r.elapsed.as_secs_f64()).sum();
        let mut p99s: Vec<Duration> = reports.iter().map(|r| r.p99).collect();
        p99s.sort_unstable();
        Side {
            rate: requests as f64 / seconds.max(f64::MIN_POSITIVE),
            p99: p99s.get(p99s.len() / 2).copied().unwrap_or_default(),
            threads,
        }
    }

    /// The side of the load that served this server best: so that the share depends on
    /// neither server being handicapped by the load generator.
    pub fn best(sides: &[Side]) -> Side {
        *sides
            .iter()
            .max_by(|a, b| a.rate.total_cmp(&b.rate))
            .expect("at least one load")
    }
}

/// A lesson against its SQL reference: the figure the README reports. The from-memory
/// server is printed beside it, for scale: the gap between it and the SQL reference is
/// what the database read costs.
pub struct Share {
    pub lesson: Side,
    pub reference: Side,
    pub from_memory: Side,
    /// Wrong answers and lost connections, every server, every load.
    pub errors: u64,
}

impl Share {
    /// The lesson's requests per second over the SQL reference's.
    pub fn throughput(&self) -> f64 {
        self.lesson.rate / self.reference.rate.max(f64::MIN_POSITIVE)
    }

    /// The lesson's p99 over the SQL reference's.
    pub fn p99(&self) -> f64 {
        self.lesson.p99.as_secs_f64() / self.reference.p99.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "share: {:.0}% of the SQL reference's requests per second ({:.0} with {} load \
             thread(s), against {:.0} with {}); p99 {:.2} times the SQL reference's ({:.2} ms \
             against {:.2} ms); from memory: {:.0} requests per second, p99 {:.2} ms; {} errors",
            self.throughput() * 100.0,
            self.lesson.rate,
            self.lesson.threads,
            self.reference.rate,
            self.reference.threads,
            self.p99(),
            ms(self.lesson.p99),
            ms(self.reference.p99),
            self.from_memory.rate,
            ms(self.from_memory.p99),
            self.errors,
        )
    }
}

/// Registers the benchmark user and logs it in `sessions` times. Returns the `Cookie`
/// header values and the user's JSON, as `/api/me` must send it back.
pub async fn log_in(url: &str, sessions: usize) -> (Vec<String>, String) {
    let client = reqwest::Client::new();
    let credentials = serde_json::json!({ "username": "bench", "password": "benchmark password" });
    let post = |path: &str| {
        client
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .body(credentials.to_string())
            .send()
    };
    let registered = post("/api/register").await.expect("the server answers");
    assert_eq!(registered.status(), 201, "the benchmark user registers");
    let (mut cookies, mut user) = (Vec::new(), String::new());
    for _ in 0..sessions {
        let response = post("/api/login").await.expect("the server answers");
        assert_eq!(response.status(), 200, "the benchmark user logs in");
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .expect("a session cookie");
        let set_cookie = set_cookie.to_str().expect("a cookie is ASCII");
        // `session=VALUE; HttpOnly; ...`: a browser sends back only `session=VALUE`.
        cookies.push(set_cookie.split(';').next().unwrap_or_default().to_owned());
        user = response.text().await.expect("the user");
    }
    (cookies, user)
}
