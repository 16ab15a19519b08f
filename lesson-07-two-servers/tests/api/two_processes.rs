//! Two real server processes, as in production: `lesson-07-two-servers A` and
//! `lesson-07-two-servers B`, started from the built binary with one `DATABASE_URL` (a
//! SQLite file, or a PostgreSQL schema with `TEST_DATABASE=postgres`). Whatever one
//! process writes, the other reads at its next request: a login, a logout.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use story::{STORY_SECRET, Story};

/// One server process, killed when dropped.
struct Process {
    child: Child,
    url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `lesson-07-two-servers <args>` on a free port with `database_url`, and waits
/// for the line that says where it listens.
fn start(args: &[&str], database_url: &str) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lesson-07-two-servers"))
        .args(args)
        .env("PORT", "0")
        .env("DATABASE_URL", database_url)
        .env("SESSION_SECRET", STORY_SECRET)
        .env("BCRYPT_COST", "4")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the lesson's binary starts");
    let stdout = child.stdout.take().expect("its output");
    let (found, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some((_, url)) = line.split_once(" listening on ") {
                let _ = found.send(url.trim().to_owned());
            }
        }
    });
    let url = wait
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("`lesson-07-two-servers {}` did not start", args.join(" ")));
    Process { child, url }
}

/// Sends one request with `cookie`, and returns the status, the new `session` cookie
/// (if any) and the body.
async fn send(
    method: reqwest::Method,
    url: String,
    cookie: &str,
    body: Option<serde_json::Value>,
) -> (u16, Option<String>, String) {
    let mut request = reqwest::Client::new().request(method, url);
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let set = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("session=") && !value.starts_with("session=;"))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned());
    (status, set, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn two_processes_on_one_database_agree_on_every_login_and_logout() {
    let story = Story::recording(); // holds the database, and deletes it at the end
    let database = story.database_url("shared");
    let a = start(&["A"], &database);
    let b = start(&["B"], &database);
    let alice = json!({ "username": "alice", "password": "correct horse" });
    use reqwest::Method;

    let (status, cookie, _) = send(
        Method::POST,
        format!("{}/api/register", a.url),
        "",
        Some(alice.clone()),
    )
    .await;
    assert_eq!(status, 201);
    let cookie = cookie.expect("a session cookie");
    let (status, _, body) = send(Method::GET, format!("{}/api/me", b.url), &cookie, None).await;
    assert_eq!(
        (status, body.contains("alice")),
        (200, true),
        "B finds A's session: {body}"
    );

    // A second device, logged in on B; ended from A with "log out everywhere".
    let (status, phone, _) = send(
        Method::POST,
        format!("{}/api/login", b.url),
        "",
        Some(alice),
    )
    .await;
    assert_eq!(status, 200);
    let phone = phone.expect("a session cookie");
    let (status, _, _) = send(
        Method::DELETE,
        format!("{}/api/sessions", a.url),
        &cookie,
        None,
    )
    .await;
    assert_eq!(status, 204);
    for (server, url) in [("A", &a.url), ("B", &b.url)] {
        for (device, cookie) in [("laptop", &cookie), ("phone", &phone)] {
            let (status, _, _) = send(Method::GET, format!("{url}/api/me"), cookie, None).await;
            assert_eq!(
                status, 401,
                "the {device}'s session, ended on A, asked on {server}"
            );
        }
    }
}

#[tokio::test]
async fn two_processes_with_one_secret_open_each_others_cookies() {
    let story = Story::recording();
    let database = story.database_url("shared");
    let a = start(&["sealed", "A"], &database);
    let b = start(&["B", "sealed"], &database);
    let alice = json!({ "username": "alice", "password": "correct horse" });
    use reqwest::Method;

    let (status, cookie, _) = send(
        Method::POST,
        format!("{}/api/register", b.url),
        "",
        Some(alice),
    )
    .await;
    assert_eq!(status, 201);
    let cookie = cookie.expect("a sealed cookie");
    let (status, _, body) = send(Method::GET, format!("{}/api/me", a.url), &cookie, None).await;
    assert_eq!(
        (status, body.contains("alice")),
        (200, true),
        "A opens B's cookie: {body}"
    );
}

#[test]
fn a_database_url_of_another_scheme_stops_the_start_in_one_line() {
    // In an empty folder: before the fix, sqlx took the URL for a SQLite file name and
    // created `mysql:/app:hunter2@localhost:3306/` there, password and all.
    let folder = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lesson-07-two-servers"))
        .current_dir(folder.path())
        .env("DATABASE_URL", "mysql://app:hunter2@localhost:3306/app")
        .env("PORT", "0")
        .output()
        .expect("the lesson's binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: DATABASE_URL=\"mysql:…\" is not valid: expected a URL that starts with \
         sqlite: (a file, e.g. sqlite://data/app.db) or postgres: / postgresql: (a server, \
         e.g. postgres://user@localhost/app)\n"
    );
    assert!(!stderr.contains("hunter2"));
    let created: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(created.is_empty(), "nothing is created: {created:?}");
}

#[test]
fn a_postgres_server_that_is_not_there_stops_the_start_with_the_reason() {
    let output = Command::new(env!("CARGO_BIN_EXE_lesson-07-two-servers"))
        .env("DATABASE_URL", "postgres://app:hunter2@127.0.0.1:1/app")
        .env("PORT", "0")
        .output()
        .expect("the lesson's binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    // Without `--features postgres` the reason is the missing driver, and how to add it.
    let reason = if cfg!(feature = "postgres") {
        "error: error communicating with database"
    } else {
        "error: error with configuration: DATABASE_URL names a PostgreSQL server, but this \
         lesson is built without PostgreSQL support: add `--features postgres`"
    };
    assert!(stderr.starts_with(reason), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
