//! The story harness: a lesson told as a script of HTTP requests, recorded as a transcript.
//!
//! A lesson's story is an `async fn(Story) -> String`. It starts the lesson's real router
//! on 127.0.0.1 (port 0), makes named clients ("Alice", "Bob") and has them send real
//! requests over HTTP with reqwest. Every exchange lands in a transcript:
//!
//! ```text
//! ── 2. Alice asks who she is ────────────────────────────
//! Alice ▶ GET /api/me
//!         cookie: session=<sealed #1>
//!       ◀ 200 OK
//!         content-type: application/json
//!         { "id": 1, ... }
//! ```
//!
//! The same story serves twice: the demo prints it live for a class
//! ([`Story::live`]), and the lesson's test snapshots it ([`Story::recording`] and
//! [`assert_story!`](crate::assert_story)). The committed snapshot is the exercise check.
//! The tests use the same harness as their test app: [`spawn_app`] starts a lesson's
//! router, and each [`Client`] has one-line helpers (`register`, `login`, `me`, `logout`).
//!
//! | module | what it holds |
//! |---|---|
//! | this one | [`Story`]: the server, the clock, the clients, the narration |
//! | [`client`] | [`Client`], a browser with a cookie jar |
//! | `reply` | the [`Reply`] a client gets, and the assertions tests make about it |
//! | `transcript` | how an exchange is written down |
//! | `redact` | placeholders for the values that change from run to run |
//! | [`live`] | printing a story for a class, and the demo's options (`--live`, ...) |
//! | `stage` | where the servers run: a free port in a test, a fixed address in a demo |
//! | `hints` | reading a failure: the first step that differs, exercise mode |
//! | [`diagram`] | the story drawn as a Mermaid sequence diagram |
//!
//! Values that differ between runs (sealed cookies, tokens, random ids) are replaced by
//! numbered placeholders, `<sealed #1>`, `<sealed #2>`, so the transcript is stable but
//! still shows *when* a value changed. The time comes from a manual [`Clock`] that starts
//! at the same instant in every run, so timestamps need no hiding. (A `--live` demo runs
//! on the real clock, moved forward by the story, so that its cookies are valid against
//! its server now: see [`live`].)

pub mod client;
mod database;
pub mod diagram;
mod hints;
pub mod live;
mod redact;
mod reply;
mod stage;
mod transcript;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use time::OffsetDateTime;

use common::Clock;
use common::Config;
use database::TestDatabase;
use stage::{MAIN, Stage};

pub use client::{Client, PASSWORD, Payload, credentials};
pub use hints::{STUDENT_TEST_FAILED, TestOutcome, test_outcome};
pub use hints::{check_exercise_story, first_difference, print_hint, read_snapshot, test_fails};
pub use insta;
pub use live::{LiveOptions, LiveServer};
pub use reply::Reply;
pub use reqwest::Method;

use live::Style;
use transcript::{Transcript, describe_duration};

/// The secret every story's server uses (64 bytes). Stories run in tests and demos,
/// never in production; the snapshot never shows it.
pub const STORY_SECRET: &str = "story-secret-for-tests-and-demos-only-never-use-it-in-production!";

/// Where every story's clock starts: 2026-01-01 09:00:00 UTC.
pub const STORY_START: i64 = 1_767_258_000;

/// A running story: the transcript so far, the servers, the clock.
pub struct Story {
    shared: Arc<Mutex<Transcript>>,
    clock: Clock,
    /// The servers: the main one, and those started by name (lesson 07's A and B).
    stage: Arc<Mutex<Stage>>,
    /// Holds the story's database files; deleted when the story ends.
    dir: tempfile::TempDir,
    /// SQLite files in `dir`, or PostgreSQL schemas with `TEST_DATABASE=postgres`.
    database: TestDatabase,
}

/// Starts a lesson's app the way its tests want it: `build` gets the story's config (a
/// fresh SQLite file, [`STORY_SECRET`], bcrypt's lowest cost) and clock, and the router
/// it returns is served on 127.0.0.1, port 0. The returned [`Story`] is the test app:
/// make clients with [`Story::client`], move time with [`Story::advance_clock`].
///
/// ```ignore
/// let app = spawn_app(|config, clock| async move { lesson_03_login::app(&config, clock).await }).await;
/// let mut alice = app.client("Alice");
/// alice.register_ok("alice").await;
/// ```
pub async fn spawn_app<F, Fut, E>(build: F) -> Story
where
    F: FnOnce(Config, Clock) -> Fut,
    Fut: Future<Output = Result<Router, E>>,
    E: std::fmt::Debug,
{
    let mut story = Story::recording();
    let routes = build(story.config(), story.clock())
        .await
        .expect("the test app starts");
    story.start_server(routes).await;
    story
}

impl Story {
    /// A story that records its transcript silently: for tests.
    pub fn recording() -> Self {
        Self::new(None)
    }

    /// A story that also prints each step as it happens: for the demo. Reads the demo's
    /// options from the command line ([`LiveOptions`]: `--step`, `--reveal`, `--color`,
    /// `--from`, `--curl`, `--live`, `--diagram`).
    pub fn live() -> Self {
        Self::live_with(LiveOptions::from_args())
    }

    /// A live story (options from the command line) whose `--diagram` also draws the
    /// database: for the lessons whose sessions live there (06 on).
    pub fn live_with_database() -> Self {
        Self::live_with(LiveOptions {
            database: true,
            ..LiveOptions::from_args()
        })
    }

    /// A live story with the given options.
    pub fn live_with(options: LiveOptions) -> Self {
        Self::new(Some(options))
    }

    fn new(live: Option<LiveOptions>) -> Self {
        hints::explain_todo_panics();
        // A `--live` demo's cookies must be valid now, against this server: it runs on the
        // real clock, which the story's "15 minutes later" moves forward.
        let clock = if live.as_ref().is_some_and(|live| live.live.is_some()) {
            Clock::ahead_of_system()
        } else {
            Clock::manual(OffsetDateTime::from_unix_timestamp(STORY_START).expect("a valid time"))
        };
        Self {
            stage: Arc::new(Mutex::new(Stage::new(live.clone(), clock.clone()))),
            shared: Arc::new(Mutex::new(Transcript::new(live))),
            clock,
            dir: tempfile::tempdir().expect("a temporary directory for the story's database"),
            database: TestDatabase::from_env(),
        }
    }

    /// The story's clock. Give it to the server; move it with [`Story::advance_clock`]. In
    /// a `--live` demo it is the real clock, moved forward by the story.
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// A fresh SQLite file in the story's temporary directory. The same `name` gives the
    /// same file, so a restarted server finds its data again. (With
    /// `TEST_DATABASE=postgres`, a fresh PostgreSQL schema instead: see `database.rs`.)
    pub fn database_url(&self, name: &str) -> String {
        self.database.url(self.dir.path(), name)
    }

    /// Whether database `name` holds `bytes` anywhere, as a stolen copy of it would show
    /// them (the file on SQLite, every row on PostgreSQL): for the tests that prove a
    /// secret is *not* stored.
    pub async fn database_holds(&self, name: &str, bytes: &[u8]) -> bool {
        self.database.holds(self.dir.path(), name, bytes).await
    }

    /// The config a story's server runs with: its own database, [`STORY_SECRET`],
    /// bcrypt's lowest cost.
    pub fn config(&self) -> Config {
        Config::for_tests(self.database_url("story"), STORY_SECRET)
    }

    /// Shows cookie `name`'s values as `<label #n>` wherever they appear.
    pub fn redact_cookie(&mut self, name: &str, label: &str) {
        let mut shared = self.shared.lock().unwrap();
        shared.redactor.cookies.insert(name.into(), label.into());
    }

    /// Like [`Story::redact_cookie`], for a cookie signed by the `cookie` crate (axum-extra's
    /// `SignedCookieJar`): only the signature becomes `<label #n>`, and the value after it
    /// stays readable, e.g. `visits_signed=<signature #1>3`. The value is not secret, only
    /// signed; showing it is the point. A value too short to carry a signature (a forgery
    /// typed by hand) is shown as it is.
    pub fn redact_signed_cookie(&mut self, name: &str, label: &str) {
        let mut shared = self.shared.lock().unwrap();
        shared
            .redactor
            .signed_cookies
            .insert(name.into(), label.into());
    }

    /// Shows the values of JSON field `key` (in any response) as `<label #n>` wherever
    /// they appear, the request paths included.
    pub fn redact_json_field(&mut self, key: &str, label: &str) {
        let mut shared = self.shared.lock().unwrap();
        shared.redactor.json_fields.insert(key.into(), label.into());
    }

    /// Serves `routes` (with [`common::serve::with_layers`]) on 127.0.0.1, port 0.
    /// Replaces the server that was running, if any: clients follow to the new one.
    ///
    /// In a demo the server keeps its first address (`--live`'s, or the free port it got)
    /// and a restart waits for the next step, so that the curls printed so far keep
    /// working while the demo is paused (see [`live`]).
    pub async fn start_server(&mut self, routes: Router) {
        let url = Stage::start(&self.stage, MAIN, routes).await;
        self.shared.lock().unwrap().base_url = url;
    }

    /// Stops the server, as Ctrl-C would (in a demo, when the next step is played).
    pub async fn stop_server(&mut self) {
        Stage::stop(&self.stage, MAIN).await;
    }

    /// Serves `routes` as server `name` (replacing a server of that name), beside any
    /// other: for a story where a load balancer spreads requests over several servers
    /// (lesson 07's A and B). Clients go on talking to the server they talked to until
    /// [`Story::use_server`] points them at this one. Restarts as [`Story::start_server`].
    pub async fn start_named_server(&mut self, name: &str, routes: Router) {
        assert!(name != MAIN, "a named server needs a name");
        Stage::start(&self.stage, name, routes).await;
    }

    /// Sends every client's next requests to server `name`, as a load balancer would.
    pub fn use_server(&self, name: &str) {
        let url = self
            .stage
            .lock()
            .unwrap()
            .url(name)
            .unwrap_or_else(|| panic!("no server {name:?}: start it with start_named_server"));
        self.shared.lock().unwrap().base_url = url;
    }

    /// The running server's base URL, e.g. `http://127.0.0.1:43121`.
    pub fn url(&self) -> String {
        self.shared.lock().unwrap().base_url.clone()
    }

    /// A client with an empty cookie jar, like a browser on its first visit.
    pub fn client(&self, name: &str) -> Client {
        let reuse_connections = self.shared.lock().unwrap().live.is_none();
        Client {
            name: name.to_owned(),
            http: client::http_client(None, reuse_connections),
            jar: BTreeMap::new(),
            user_agent: None,
            headers: Vec::new(),
            shared: self.shared.clone(),
            stage: self.stage.clone(),
            local_address: None,
            reuse_connections,
        }
    }

    /// A line of narration between steps: "The next day...".
    pub fn say(&self, text: &str) {
        self.shared
            .lock()
            .unwrap()
            .write(&format!("» {text}\n"), Style::Note);
    }

    /// Moves the server's clock forward and says so in the transcript. (In a demo, the
    /// move waits for the next step, like a restart: see `stage.rs`.)
    pub fn advance_clock(&self, by: Duration) {
        self.stage.lock().unwrap().advance_clock(by);
        self.say(&format!(
            "The clock moves forward {}.",
            describe_duration(by)
        ));
    }

    /// Ends the story: stops the servers and returns the transcript. A live demo run
    /// with `--diagram` prints the story's Mermaid diagram now (`--diagram 2`: its second
    /// part only); one run with `--live` keeps serving until Ctrl-C first.
    pub async fn finish(self) -> String {
        let shown = {
            let shared = self.shared.lock().unwrap();
            shared.prints(shared.step + 1).is_some()
        };
        Stage::finish(&self.stage, shown).await;
        let shared = self.shared.lock().unwrap();
        if let Some(live) = shared.live.as_ref().filter(|live| live.diagram) {
            let drawing = if live.database {
                diagram::Diagram::with_database()
            } else {
                diagram::Diagram::default()
            };
            let parts = drawing.render(&shared.text);
            let count = parts.len();
            let chosen: Vec<String> = match live.diagram_part {
                None => parts,
                Some(part) => match parts.into_iter().nth(part - 1) {
                    Some(part) => vec![part],
                    None if count == 1 => {
                        live::exit_with("this story is drawn in one part: --diagram 1")
                    }
                    None => live::exit_with(&format!(
                        "this story is drawn in {count} parts: --diagram 1 to {count}"
                    )),
                },
            };
            let blocks: Vec<String> = chosen
                .iter()
                .map(|part| format!("```mermaid\n{part}```\n"))
                .collect();
            print!("{}", blocks.join("\n"));
        }
        shared.text.clone()
    }
}
