//! Running a lesson: the layers every router gets, the one way a router is served
//! ([`Server`], for `cargo run`, the stories and the benchmarks alike), the start banner,
//! and a shutdown that always ends ([`StopSignal`], [`Server::shutdown`]).
//!
//! [`Server`] drives hyper itself rather than calling `axum::serve`, for two things
//! `axum::serve` does not offer: a bound on how long a client may take to send a
//! request's head ([`Limits::header_timeout`]), and the client's address on every
//! request, where axum's `ConnectInfo<SocketAddr>` extractor finds it (lesson 08 counts
//! failed logins per address). Each connection, with those and a JSON 500 for a panicking
//! handler, is in `connection.rs`.

use std::io;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, Request, Response, header};
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tower_http::trace::TraceLayer;
use tracing::Span;

use tokio::task::JoinHandle;

use crate::config::Config;
use crate::error::{ApiError, BODY_LIMIT_BYTES};
use crate::limits::Limits;
use crate::todo;

mod connection;
mod stop;

pub use stop::{SHUTDOWN_GRACE, StopSignal};

/// Adds what every lesson's router needs around its routes:
/// - JSON answers for unknown paths and wrong methods, like every other error;
/// - the body limit (the `Json` extractor answers 413 past it);
/// - a request log that names cookies but never prints their values, when the log is
///   on (see [`request_log`]).
///
/// Named apart from the lessons' own `app()`: this is the frame, not a lesson.
pub fn with_layers(routes: Router) -> Router {
    let routes = routes
        .fallback(|| async { ApiError::not_found("No such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "This endpoint does not accept that method",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES));
    request_log(routes)
}

/// One line per request, `answered` with its status and time, in the span of its method,
/// path and cookie names. Only if the log is on at `info` when the router is built: the
/// layer times, wraps and follows every response even when nothing is printed, which
/// cost a tenth of `GET /api/me`'s throughput in lesson 04's benchmark. `cargo run`
/// logs at `info` unless `RUST_LOG` says less; tests and benchmarks install no logger,
/// so they serve without it.
fn request_log(routes: Router) -> Router {
    if !tracing::enabled!(tracing::Level::INFO) {
        return routes;
    }
    routes.layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &Request<_>| {
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    cookies = %cookie_names(request.headers()),
                )
            })
            .on_request(())
            .on_response(|response: &Response<_>, latency: Duration, _span: &Span| {
                tracing::info!(status = response.status().as_u16(), ?latency, "answered");
            }),
    )
}

/// `session, theme`: the names of the cookies a request carries. Never the values: a
/// session cookie in a log file is a login anyone with the log can use.
pub fn cookie_names(headers: &HeaderMap) -> String {
    let names: Vec<&str> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.split('=').next())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        "-".to_owned()
    } else {
        names.join(", ")
    }
}

fn panic_to_json(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<axum::body::Body> {
    let message = todo::panic_message(panic.as_ref());
    // In an exercise, a `todo!()` is the student's next step: say so plainly instead of
    // "Internal server error".
    let body = if todo::is_todo(message) {
        format!("Exercise not finished: {message}")
    } else {
        tracing::error!(panic = message, "handler panicked");
        "Internal server error".to_owned()
    };
    ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
}

/// What the start banner says about a lesson.
pub struct Banner {
    /// e.g. "Lesson 03 · Logging in"
    pub title: &'static str,
    /// Commands to try, with `{url}` standing for the server's address. An entry that
    /// starts with `# ` is a note about the command above it: it is printed as prose, not
    /// as a shell comment, because zsh (macOS) would take a pasted `# ...` as arguments.
    pub try_these: &'static [&'static str],
    /// Whether the lesson signs or seals cookies with `SESSION_SECRET`. If so and none is
    /// set, the start-up warns that its cookies die with the process.
    pub uses_session_secret: bool,
}

/// Starts logging, reads the config, connects and serves `routes` until Ctrl-C (see
/// [`StopSignal`]).
/// A lesson's `main` is a call to this. Errors are printed as one line and exit 1.
pub async fn run<F, Fut>(lesson: &str, banner: Banner, build: F)
where
    F: FnOnce(Config) -> Fut,
    Fut: std::future::Future<Output = Result<Router, String>>,
{
    init_tracing();
    let config = match Config::from_env(lesson) {
        Ok(config) => config,
        Err(error) => exit_with(&error.to_string()),
    };
    if config.cookie_key_is_random && banner.uses_session_secret {
        tracing::warn!(
            "SESSION_SECRET is not set, so cookies are sealed with a random key for this run \
             only: every session ends when the server restarts. To keep sessions, put a \
             SESSION_SECRET line in a .env file; make one with: {}",
            crate::settings::NEW_SECRET_COMMAND
        );
    }
    let address = config.address();
    let limits = config.limits;
    let routes = match build(config).await {
        Ok(routes) => routes,
        Err(error) => exit_with(&error),
    };
    let server = match Server::start_with(&address, routes, &limits).await {
        Ok(server) => server,
        Err(error) => exit_with(&format!(
            "cannot listen on {address}: {error} (is another lesson still running? set PORT to pick another port)"
        )),
    };
    let stop = StopSignal::listen()
        .unwrap_or_else(|error| exit_with(&format!("cannot listen for Ctrl-C: {error}")));
    print_banner(&banner, &server.url);
    if let Err(error) = stop.wait_then_stop(vec![server]).await {
        exit_with(&format!("server error: {error}"));
    }
    tracing::info!("stopped");
}

/// A router being served, with the layers of [`with_layers`]: what `cargo run`, the
/// stories and the benchmarks all start, so the three serve exactly the same way.
pub struct Server {
    /// `http://127.0.0.1:43121`: the address actually bound (port 0 picks a free one).
    pub url: String,
    /// Tells the accept loop to stop, and how long requests in flight may still take.
    stop_with: oneshot::Sender<Duration>,
    task: JoinHandle<io::Result<()>>,
}

impl Server {
    /// Binds `address` (e.g. `127.0.0.1:0`) and serves `routes` in a background task,
    /// with the default [`Limits`] (10 s to send a head, 10 s for a body).
    pub async fn start(address: &str, routes: Router) -> io::Result<Server> {
        Self::start_with(address, routes, &Limits::default()).await
    }

    /// Like [`Server::start`], with `limits`' timeouts.
    pub async fn start_with(address: &str, routes: Router, limits: &Limits) -> io::Result<Server> {
        let listener = TcpListener::bind(address).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = with_layers(routes);
        let (stop_with, stop) = oneshot::channel();
        let task = tokio::spawn(accept(listener, app, *limits, stop));
        Ok(Server {
            url,
            stop_with,
            task,
        })
    }

    /// Stops the server, and returns once every connection is closed:
    /// - no new connection is accepted, from now on;
    /// - a connection with no request in flight is closed now: idle between requests,
    ///   halfway through sending a head, or never having sent a byte (a browser opens
    ///   such connections ahead of time);
    /// - a request in flight gets `grace` to finish; its answer says `Connection: close`,
    ///   and a request still unanswered then is cut.
    pub async fn shutdown(self, grace: Duration) -> io::Result<()> {
        let _ = self.stop_with.send(grace);
        self.task
            .await
            .unwrap_or_else(|join| Err(io::Error::other(join)))
    }

    /// [`Server::shutdown`] with a grace of 2 s, for tests and stories: a connection still
    /// busy then is cut, so a test never hangs on it.
    pub async fn stop(self) {
        let _ = self.shutdown(Duration::from_secs(2)).await;
    }
}

/// Accepts connections until `stop` says how long requests in flight may still take,
/// then stops them all (see [`Server::shutdown`]) and returns when every one has closed.
async fn accept(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: oneshot::Receiver<Duration>,
) -> io::Result<()> {
    // What every connection watches: `None` while the server serves, then the moment by
    // which its request in flight must be answered. Each connection holds a receiver; when
    // the last one is dropped, `closed()` says that every connection has ended.
    let (stopping, connections) = watch::channel(None::<Instant>);
    tokio::pin!(stop);
    let grace = loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            // A `Server` dropped without `shutdown` stops at once.
            grace = &mut stop => break grace.unwrap_or(Duration::ZERO),
        };
        match accepted {
            Ok((stream, peer)) => {
                let stopping = connections.clone();
                tokio::spawn(connection::serve(
                    stream,
                    peer,
                    app.clone(),
                    limits,
                    stopping,
                ));
            }
            // The client gave up before we accepted: nothing to do.
            Err(error) if is_connection_error(&error) => {}
            // Out of file descriptors, most likely: wait for some to close instead of
            // spinning on the same error.
            Err(error) => {
                tracing::error!(%error, "accepting a connection");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    // Closing the listener refuses new connections at once.
    drop(listener);
    drop(connections);
    let _ = stopping.send(Some(Instant::now() + grace));
    stopping.closed().await;
    Ok(())
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

fn print_banner(banner: &Banner, url: &str) {
    println!("\n  {}\n  listening on {url}\n", banner.title);
    if !banner.try_these.is_empty() {
        println!("  Try it from another terminal:\n");
        for line in banner.try_these {
            let line = line.replace("{url}", url);
            match line.strip_prefix("# ") {
                Some(note) => println!("      ↳ {note}"),
                None => println!("    {line}"),
            }
        }
        println!();
    }
    println!("  Stop with Ctrl-C.\n");
}

fn exit_with(line: &str) -> ! {
    eprintln!("error: {line}");
    std::process::exit(1)
}

/// Logs to stderr. `RUST_LOG` picks the levels (default `info`), e.g. `RUST_LOG=debug`.
pub fn init_tracing() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;

    let filter: Targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                // Colors in a terminal, plain text when the log goes to a file.
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
        )
        .with(filter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_log_names_cookies_but_never_shows_their_values() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("session=s3cr3t; theme=dark"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("visits=4"));
        let logged = cookie_names(&headers);
        assert_eq!(logged, "session, theme, visits");
        assert_eq!(cookie_names(&HeaderMap::new()), "-");
    }
}
