//! A shutdown always ends: `Server::shutdown` closes at once every connection that is not
//! being answered, gives a request in flight its grace, and cuts it after that. Each kind
//! of connection, over raw TCP.
//!
//! Timeouts here are long (a minute to send a head, half a minute of grace), so that a
//! connection closed "at once" cannot have been closed by either: anything well under
//! them is the shutdown's doing. The margins are seconds, for a busy machine.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use common::limits::Limits;
use common::serve::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Neither the header timeout nor this grace can explain a close that comes sooner.
const LONG: Duration = Duration::from_secs(60);
const LONG_GRACE: Duration = Duration::from_secs(30);
/// What "at once" means on a busy machine: seconds, and still far below `LONG_GRACE`.
const AT_ONCE: Duration = Duration::from_secs(5);

/// `GET /hello` answers at once; `GET /sleep/{ms}` says it has started, then sleeps.
async fn server(started: Arc<Notify>) -> Server {
    let routes = Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route(
            "/sleep/{ms}",
            get(
                |State(started): State<Arc<Notify>>, Path(ms): Path<u64>| async move {
                    started.notify_one();
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    "slept"
                },
            ),
        )
        .with_state(started);
    let limits = Limits {
        header_timeout: LONG,
        body_timeout: LONG,
        ..Limits::default()
    };
    Server::start_with("127.0.0.1:0", routes, &limits)
        .await
        .expect("bind 127.0.0.1:0")
}

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.url.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Everything the server sends until it closes the connection (10 s at most).
async fn read_to_close(client: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut answer));
    match read.await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
        Ok(Err(error)) => panic!("reading: {error}"),
        Err(_) => panic!("the connection is still open: {answer:?}"),
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// Shuts `server` down with `grace`, and says how long that took.
async fn time_shutdown(server: Server, grace: Duration) -> Duration {
    let began = Instant::now();
    let stopped = tokio::time::timeout(grace + Duration::from_secs(30), server.shutdown(grace));
    stopped
        .await
        .expect("the shutdown ends")
        .expect("no server error");
    began.elapsed()
}

/// Gives the server a moment to read what a client sent. Not a timing assertion: were the
/// machine too slow for it, the connection would be closed at once all the same.
async fn let_the_server_read() {
    tokio::time::sleep(Duration::from_millis(200)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_at_once() {
    let server = server(Arc::default()).await;
    let mut idle = connect(&server).await;
    idle.write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    while !answer.ends_with(b"hello") {
        let mut buffer = [0; 1024];
        let read = idle.read(&mut buffer).await.unwrap();
        assert_ne!(read, 0, "answered, and kept open");
        answer.extend_from_slice(&buffer[..read]);
    }

    let took = time_shutdown(server, LONG_GRACE).await;
    assert!(took < AT_ONCE, "took {took:?}");
    assert_eq!(
        read_to_close(&mut idle).await,
        "",
        "closed, nothing more sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_head_is_closed_at_once() {
    let server = server(Arc::default()).await;
    let mut half = connect(&server).await;
    half.write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let_the_server_read().await;

    let took = time_shutdown(server, LONG_GRACE).await;
    assert!(took < AT_ONCE, "took {took:?}");
    assert_eq!(
        read_to_close(&mut half).await,
        "",
        "no answer to half a request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_sent_a_byte_is_closed_at_once() {
    let server = server(Arc::default()).await;
    let mut silent = connect(&server).await;
    let_the_server_read().await;

    let took = time_shutdown(server, LONG_GRACE).await;
    assert!(took < AT_ONCE, "took {took:?}");
    assert_eq!(read_to_close(&mut silent).await, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_is_answered_within_the_grace_and_no_new_one_is_taken() {
    let started = Arc::new(Notify::new());
    let server = server(started.clone()).await;
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut busy = connect(&server).await;
    busy.write_all(b"GET /sleep/1000 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("the handler starts");

    let stopping = tokio::spawn(time_shutdown(server, LONG_GRACE));
    // New connections are refused while the request in flight is still being answered.
    let refused = async {
        while TcpStream::connect(&address).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(AT_ONCE, refused)
        .await
        .expect("new connections refused");
    assert!(
        !stopping.is_finished(),
        "still answering the request in flight"
    );

    let answer = read_to_close(&mut busy).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(answer.ends_with("slept"), "{answer}");
    let took = stopping.await.unwrap();
    assert!(took < Duration::from_secs(1) + AT_ONCE, "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_outlasts_the_grace_is_cut_when_it_ends() {
    let started = Arc::new(Notify::new());
    let server = server(started.clone()).await;
    let mut stuck = connect(&server).await;
    stuck
        .write_all(b"GET /sleep/600000 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("the handler starts");

    let grace = Duration::from_secs(1);
    let took = time_shutdown(server, grace).await;
    assert!(took >= grace, "cut after {took:?}, before the grace ended");
    assert!(took < grace + AT_ONCE, "took {took:?}");
    assert_eq!(
        read_to_close(&mut stuck).await,
        "",
        "cut, without an answer"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_connection_at_once_still_ends_within_the_grace() {
    let started = Arc::new(Notify::new());
    let server = server(started.clone()).await;
    let mut idle = connect(&server).await;
    idle.write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut half = connect(&server).await;
    half.write_all(b"POST /hello HTTP/1.1\r\nHost: x\r\nContent-")
        .await
        .unwrap();
    let mut silent = connect(&server).await;
    let mut stuck = connect(&server).await;
    stuck
        .write_all(b"GET /sleep/600000 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("the handler starts");
    let_the_server_read().await;

    let grace = Duration::from_secs(2);
    let took = time_shutdown(server, grace).await;
    assert!(took < grace + AT_ONCE, "took {took:?}");
    assert!(read_to_close(&mut idle).await.ends_with("hello"));
    for client in [&mut half, &mut silent, &mut stuck] {
        assert_eq!(read_to_close(client).await, "");
    }
}
