//! The request log: one line per request when the log is on, with cookie names and never
//! their values; no layer at all when it is off.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use common::serve::Server;

/// Where the log goes in this test: a buffer it can read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn ask_with_a_cookie(server: &Server) {
    let answer = reqwest::Client::new()
        .get(format!("{}/hello", server.url))
        .header("cookie", "session=s3cr3t-value; theme=dark")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

// One thread: the server's tasks run where the logger below is the default.
#[tokio::test(flavor = "current_thread")]
async fn with_the_log_on_each_request_is_one_line_that_names_cookies_but_shows_no_value() {
    let captured = Captured::default();
    let writer = captured.clone();
    let logger = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _default = tracing::subscriber::set_default(logger);

    let server = Server::start(
        "127.0.0.1:0",
        Router::new().route("/hello", get(|| async { "hi" })),
    )
    .await
    .unwrap();
    ask_with_a_cookie(&server).await;
    server.stop().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let answered: Vec<&str> = log.lines().filter(|l| l.contains("answered")).collect();
    assert_eq!(answered.len(), 1, "one line per request:\n{log}");
    assert!(answered[0].contains("path=/hello"), "{log}");
    assert!(answered[0].contains("cookies=session, theme"), "{log}");
    assert!(answered[0].contains("status=200"), "{log}");
    assert!(
        !log.contains("s3cr3t"),
        "a cookie value reached the log:\n{log}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn with_the_log_off_requests_are_answered_all_the_same() {
    let captured = Captured::default();
    let writer = captured.clone();
    let quiet = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _default = tracing::subscriber::set_default(quiet);

    let server = Server::start(
        "127.0.0.1:0",
        Router::new().route("/hello", get(|| async { "hi" })),
    )
    .await
    .unwrap();
    ask_with_a_cookie(&server).await;
    server.stop().await;
    assert_eq!(
        captured.0.lock().unwrap().len(),
        0,
        "nothing below WARN is logged"
    );
}
