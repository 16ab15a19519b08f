//! Running a lesson: the layers every router gets, the start banner, graceful shutdown.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, Request, Response, header};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::config::Config;
use crate::error::ApiError;

/// Our JSON bodies are a username and a password. 16 KiB is far more than enough, and
/// a small cap means nobody can make the server buffer megabytes per request.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// Adds what every lesson's router needs around its routes:
/// - JSON answers for unknown paths and wrong methods, like every other error;
/// - the body limit (the `Json` extractor answers 413 past it);
/// - a request log that names cookies but never prints their values;
/// - a panic in a handler becomes a JSON 500 instead of a dropped connection. (In the
///   exercises, a `todo!()` the student has not filled in yet is such a panic.)
pub fn app(routes: Router) -> Router {
    routes
        .fallback(|| async { ApiError::not_found("No such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "This endpoint does not accept that method",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(CatchPanicLayer::custom(panic_to_json))
        .layer(
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
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a handler panicked");
    // `todo!()` panics with "not yet implemented": in an exercise, that is the student's
    // next step, so say so plainly instead of "Internal server error".
    let body = if message.starts_with("not yet implemented") {
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

/// Starts logging, reads the config, connects and serves `routes` until Ctrl-C.
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
            crate::config::NEW_SECRET_COMMAND
        );
    }
    let address = config.address();
    let routes = match build(config).await {
        Ok(routes) => routes,
        Err(error) => exit_with(&error),
    };
    let listener = match tokio::net::TcpListener::bind(&address).await {
        Ok(listener) => listener,
        Err(error) => exit_with(&format!(
            "cannot listen on {address}: {error} (is another lesson still running? set PORT to pick another port)"
        )),
    };
    let url = format!(
        "http://{}",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );
    print_banner(&banner, &url);
    if let Err(error) = axum::serve(listener, app(routes))
        .with_graceful_shutdown(ctrl_c())
        .await
    {
        exit_with(&format!("server error: {error}"));
    }
    tracing::info!("stopped");
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

/// Waits for Ctrl-C, then lets requests in flight finish before the process ends.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_ok() {
        tracing::info!("Ctrl-C: finishing requests in flight, then stopping");
    }
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
