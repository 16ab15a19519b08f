//! How fast is `GET /api/me` when every request looks its session up in SQLite?
//!
//! ```text
//! cargo run --release -p lesson-06-server-sessions --example bench-06-me
//! BENCH_SECONDS=20 BENCH_CONNECTIONS=32 \
//!     cargo run --release -p lesson-06-server-sessions --example bench-06-me
//! ```
//!
//! Starts lesson 06's real router (the layers `cargo run` adds, a fresh SQLite file, the
//! system clock, no request log) on 127.0.0.1, on a tokio runtime of its own, as a separate
//! process would have. Registers one user and logs in once per connection, so that each
//! connection is a browser with its own session: its own row, touched at most once a
//! second. Then `common::load` keeps the connections asking `/api/me` (1 s of warm-up,
//! then 10 s) and checks that every answer is a 200 with exactly the logged-in user. It
//! prints requests per second and latency percentiles; the exit status is 1 if any answer
//! was wrong, 2 for a bad setting.
//!
//! Settings, from the environment: `BENCH_CONNECTIONS` (default 64), `BENCH_SECONDS` (10)
//! and `BENCH_MAX_REQUESTS` (10000000). Lesson 04's `bench-04-me` reads the same ones and
//! works the same way, so the two figures compare. Run it in release mode: a debug build
//! measures the compiler's debug settings, not the server.

use std::process::ExitCode;

use common::load::Load;
use common::{Clock, Config};
use lesson_06_server_sessions::{Timeouts, app};
use serde_json::json;
use tokio::runtime::Runtime;

fn main() -> ExitCode {
    let server = Runtime::new().expect("a runtime for the server");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::for_tests(database, common::story::STORY_SECRET);
    let url = server.block_on(async {
        let routes = app(&config, Clock::system(), Timeouts::default())
            .await
            .expect("the database opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move {
            axum::serve(listener, common::serve::app(routes))
                .await
                .expect("the server runs");
        });
        url
    });

    let client = Runtime::new().expect("a runtime for the load");
    let outcome = client.block_on(async {
        let mut load = Load::from_env(&url, "/api/me")?;
        let (cookies, user) = log_in(&url, load.connections).await;
        load.cookies = cookies;
        load.expected_body = Some(user);
        println!(
            "lesson 06, GET /api/me with a server-side session: {} connections \
             (one session each), {} s warm-up, then {} s or {} requests",
            load.connections,
            load.warm_up.as_secs(),
            load.duration.as_secs(),
            load.max_requests
        );
        load.run()
            .await
            .map_err(|e| format!("opening the connections: {e}"))
    });
    // Returning rather than calling `exit` lets the temporary database be deleted.
    match outcome {
        Ok(report) => {
            println!("{report}");
            if report.errors == 0 {
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

/// Registers the benchmark user and logs it in `sessions` times. Returns the `Cookie`
/// header values and the user's JSON, as `/api/me` must send it back.
async fn log_in(url: &str, sessions: usize) -> (Vec<String>, String) {
    let client = reqwest::Client::new();
    let credentials = json!({ "username": "bench", "password": "benchmark password" });
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
