//! The load generator counts what it sends and checks what comes back. Against a tiny
//! router on 127.0.0.1 that answers `hello` to anyone with a `session` cookie, and
//! counts, per cookie, what it was sent.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use bench::Load;
use common::serve::Server;

type Seen = Arc<Mutex<BTreeMap<String, u64>>>;

async fn hello(State(seen): State<Seen>, headers: HeaderMap) -> (StatusCode, &'static str) {
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    *seen.lock().unwrap().entry(cookie.to_owned()).or_default() += 1;
    if cookie.starts_with("session=") {
        (StatusCode::OK, "hello")
    } else {
        (StatusCode::UNAUTHORIZED, "null")
    }
}

async fn server() -> (Server, Seen) {
    let seen = Seen::default();
    let routes = Router::new()
        .route("/hello", get(hello))
        .with_state(seen.clone());
    let server = Server::start("127.0.0.1:0", routes).await.unwrap();
    (server, seen)
}

/// A short, exact run: no warm-up, stopped by the request count long before the clock.
fn load(url: &str, requests: u64) -> Load {
    let mut load = Load::new(url, "/hello");
    load.connections = 4;
    load.warm_up = Duration::ZERO;
    load.duration = Duration::from_secs(30);
    load.max_requests = requests;
    load
}

fn total(seen: &Seen) -> u64 {
    seen.lock().unwrap().values().sum()
}

#[tokio::test]
async fn it_sends_the_requests_asked_for_with_each_connections_cookie() {
    let (server, seen) = server().await;
    let mut load = load(&server.url, 300);
    load.cookies = vec!["session=a".into(), "session=b".into()];
    load.expected_body = Some("hello".into());

    let report = load.run().await.expect("the run");

    assert_eq!(report.requests, 300, "{report}");
    assert_eq!(report.errors, 0, "{report}");
    assert_eq!(total(&seen), 300, "the server saw each request once");
    let seen = seen.lock().unwrap();
    assert!(
        seen["session=a"] > 0 && seen["session=b"] > 0,
        "connections 0 and 2 send a, 1 and 3 send b: {seen:?}"
    );
    assert!(report.p50 <= report.p99 && report.p99 <= report.max);
    assert!(report.requests_per_second() > 0.0);
}

#[tokio::test]
async fn every_answer_that_is_not_a_200_is_an_error() {
    let (server, _) = server().await;
    // No cookie: the server answers 401 every time.
    let report = load(&server.url, 200).run().await.expect("the run");

    assert_eq!(report.requests, 200, "{report}");
    assert_eq!(report.errors, 200, "{report}");
    let first = report.first_error.as_deref().unwrap_or_default();
    assert!(first.contains("401"), "{first}");
}

#[tokio::test]
async fn a_200_with_another_body_is_an_error() {
    let (server, _) = server().await;
    let mut load = load(&server.url, 200);
    load.cookies = vec!["session=a".into()];
    load.expected_body = Some("goodbye".into());

    let report = load.run().await.expect("the run");

    assert_eq!(report.requests, 200, "{report}");
    assert_eq!(report.errors, 200, "{report}");
    assert!(
        report.to_string().contains("unexpected body hello"),
        "{report}"
    );
}

#[tokio::test]
async fn the_clock_ends_the_run_and_the_warm_up_is_not_counted() {
    let (server, seen) = server().await;
    let mut load = load(&server.url, u64::MAX);
    load.cookies = vec!["session=a".into()];
    load.warm_up = Duration::from_millis(200);
    load.duration = Duration::from_millis(300);

    let started = std::time::Instant::now();
    let report = load.run().await.expect("the run");

    assert!(started.elapsed() < Duration::from_secs(5), "{report}");
    assert!(report.requests > 0, "{report}");
    assert_eq!(report.errors, 0, "{report}");
    assert!(
        total(&seen) > report.requests,
        "the server also answered the warm-up's requests"
    );
}

#[tokio::test]
async fn a_base_url_it_cannot_use_is_refused() {
    for url in [
        "https://127.0.0.1:1",
        "127.0.0.1:1",
        "http://127.0.0.1:1/api",
    ] {
        let error = Load::new(url, "/").run().await.expect_err(url);
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{url}");
    }
}
