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

/// Serves one request with a cookie while a logger at `level` is the default, and
/// returns what it wrote. One thread: the server's tasks run where that logger is.
async fn log_of_one_request(level: tracing::Level) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let logger = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(level)
        .finish();
    let _default = tracing::subscriber::set_default(logger);

    let routes = Router::new().route("/hello", get(|| async { "hi" }));
    let server = Server::start("127.0.0.1:0", routes).await.unwrap();
    let answer = reqwest::Client::new()
        .get(format!("{}/hello", server.url))
        .header("cookie", "session=s3cr3t-value; theme=dark")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    server.stop().await;
    String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn with_the_log_on_each_request_is_one_line_that_names_cookies_but_shows_no_value() {
    let log = log_of_one_request(tracing::Level::INFO).await;
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
    let log = log_of_one_request(tracing::Level::WARN).await;
    assert_eq!(log, "", "nothing below WARN is logged");
}
