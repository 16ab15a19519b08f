//! A client that sends slowly, or stops halfway, cannot hold a connection for as long as
//! it likes: each bound of `common::serve::Server`, proven over a raw TCP connection.
//!
//! The server here runs with 1-second timeouts (the defaults are 10 s), so that each test
//! takes seconds.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::{get, post};
use common::limits::Limits;
use common::serve::Server;
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(1);

/// `POST /echo` reads a JSON body; `GET /whoami` says the address it sees.
async fn server() -> Server {
    let routes = Router::new()
        .route(
            "/echo",
            post(|common::Json(body): common::Json<Value>| async move { common::Json(body) }),
        )
        .route(
            "/whoami",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        );
    let limits = Limits {
        header_timeout: TIMEOUT,
        body_timeout: TIMEOUT,
        ..Limits::default()
    };
    Server::start_with("127.0.0.1:0", routes, &limits)
        .await
        .expect("bind 127.0.0.1:0")
}

/// What a raw client saw: everything the server sent until it closed the connection, and
/// how long after the last byte the client sent that was.
struct Seen {
    answer: String,
    closed_after: Duration,
}

/// Connects, sends `parts` (each after `pause`), then reads until the server closes the
/// connection (or 10 s pass: a test failure). A part the server no longer takes (it has
/// closed the connection) ends the sending. Blocking I/O, on a thread of its own.
async fn raw(server: &Server, parts: &[&str], pause: Duration) -> Seen {
    let address = server.url.trim_start_matches("http://").to_owned();
    let parts: Vec<String> = parts.iter().map(|part| part.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).expect("connect");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                std::thread::sleep(pause);
            }
            if stream.write_all(part.as_bytes()).is_err() {
                break;
            }
        }
        let sent = Instant::now();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut answer = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
                Err(error) if error.kind() == ErrorKind::ConnectionReset => break,
                Err(error) => panic!("no close within 10 s ({error}); read so far: {answer:?}"),
            }
        }
        Seen {
            answer: String::from_utf8_lossy(&answer).into_owned(),
            closed_after: sent.elapsed(),
        }
    })
    .await
    .unwrap()
}

/// Closed by the timeout: not before it, and well within seconds after it.
fn closed_by_the_timeout(seen: &Seen) {
    assert!(
        seen.closed_after >= TIMEOUT - Duration::from_millis(100),
        "closed after {:?}, before the timeout",
        seen.closed_after
    );
    assert!(
        seen.closed_after < TIMEOUT + Duration::from_secs(3),
        "closed only after {:?}",
        seen.closed_after
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_head_is_cut_off_after_the_header_timeout() {
    let server = server().await;
    let seen = raw(
        &server,
        &["POST /echo HTTP/1.1\r\nHost: x\r\nContent-"],
        TIMEOUT,
    )
    .await;
    closed_by_the_timeout(&seen);
    assert_eq!(seen.answer, "", "no answer to half a request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_sent_a_byte_at_a_time_still_has_only_the_header_timeout() {
    let server = server().await;
    let head = "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Slow: yes\r\n\r\n";
    let bytes: Vec<String> = head.chars().map(String::from).collect();
    let parts: Vec<&str> = bytes.iter().map(String::as_str).collect();
    // 46 bytes, 100 ms apart: 4.5 s in all, far past the 1-second bound. The server
    // closes the connection after about a second, and the client's next byte fails.
    let started = Instant::now();
    let seen = raw(&server, &parts, Duration::from_millis(100)).await;
    assert!(
        !seen.answer.contains("200 OK"),
        "a trickled head is not answered: {}",
        seen.answer
    );
    assert!(
        started.elapsed() < TIMEOUT + Duration::from_secs(2),
        "the connection ended {:?} after it opened, not about a second",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_short_gets_a_json_408_after_the_body_timeout() {
    let server = server().await;
    // The head promises 200 bytes; 30 come, then nothing.
    let head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 200\r\n\r\n";
    let seen = raw(
        &server,
        &[head, "{\"username\": \"alice\", \"passw"],
        Duration::ZERO,
    )
    .await;
    closed_by_the_timeout(&seen);
    let (status_line, rest) = seen.answer.split_once("\r\n").expect("an answer");
    assert_eq!(status_line, "HTTP/1.1 408 Request Timeout");
    assert!(rest.contains("content-type: application/json"), "{rest}");
    let body = rest.split("\r\n\r\n").nth(1).expect("a body");
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        json!({ "error": "The body did not arrive in time: send the whole request at once" })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_in_pieces_within_the_timeout_is_answered() {
    let server = server().await;
    let body = r#"{"say":"hello"}"#;
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let seen = raw(
        &server,
        &[&head, &body[..5], &body[5..10], &body[10..]],
        Duration::from_millis(100),
    )
    .await;
    assert!(
        seen.answer.starts_with("HTTP/1.1 200 OK"),
        "{}",
        seen.answer
    );
    assert!(seen.answer.ends_with(body), "{}", seen.answer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let server = server().await;
    let seen = raw(
        &server,
        &["GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n"],
        Duration::ZERO,
    )
    .await;
    assert!(
        seen.answer.starts_with("HTTP/1.1 200 OK"),
        "{}",
        seen.answer
    );
    closed_by_the_timeout(&seen);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_carries_the_clients_address() {
    let server = server().await;
    let address = server.url.trim_start_matches("http://").to_owned();
    let (local, answer) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).unwrap();
        let local = stream.local_addr().unwrap();
        stream
            .write_all(b"GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        (local, answer)
    })
    .await
    .unwrap();
    assert!(
        answer.ends_with(&format!("\r\n\r\n{local}")),
        "the server saw {local}: {answer}"
    );
}
