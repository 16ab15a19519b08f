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
//! | [`live`] | printing a story for a class, and the demo's options |
//! | `hints` | reading a failure: the first step that differs, exercise mode |
//! | [`diagram`] | the story drawn as a Mermaid sequence diagram |
//!
//! Values that differ between runs (sealed cookies, tokens, random ids) are replaced by
//! numbered placeholders, `<sealed #1>`, `<sealed #2>`, so the transcript is stable but
//! still shows *when* a value changed. The time comes from a manual [`Clock`] that starts
//! at the same instant in every run, so timestamps need no hiding.

pub mod client;
mod database;
pub mod diagram;
mod hints;
pub mod live;
mod redact;
mod reply;
mod transcript;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use time::OffsetDateTime;

use common::Clock;
use common::Config;
use common::serve::Server;
use database::TestDatabase;

pub use client::{Client, PASSWORD, Payload, credentials};
pub use hints::{TestOutcome, test_outcome};
pub use hints::{check_exercise_story, first_difference, print_hint, read_snapshot, test_fails};
pub use insta;
pub use live::LiveOptions;
pub use reply::Reply;
pub use reqwest::Method;

use live::Style;
use transcript::{Transcript, describe_duration};

/// The secret every story's server uses (64 bytes). Stories run in tests and demos,
/// never in production; the snapshot never shows it.
pub const STORY_SECRET: &str = "story-secret-for-tests-and-demos-only-never-use-it-in-production!";

/// Where every story's clock starts: 2026-01-01 09:00:00 UTC.
pub const STORY_START: i64 = 1_767_258_000;

/// A running story: the transcript so far, the server, the clock.
pub struct Story {
    shared: Arc<Mutex<Transcript>>,
    clock: Clock,
    server: Option<Server>,
    /// Servers started by name, beside `server`: a story with several (lesson 07).
    named: BTreeMap<String, Server>,
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
    /// `--from`, `--curl`).
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
        Self {
            shared: Arc::new(Mutex::new(Transcript::new(live))),
            clock: Clock::manual(
                OffsetDateTime::from_unix_timestamp(STORY_START).expect("a valid time"),
            ),
            server: None,
            named: BTreeMap::new(),
            dir: tempfile::tempdir().expect("a temporary directory for the story's database"),
            database: TestDatabase::from_env(),
        }
    }

    /// The story's clock. Give it to the server; move it with [`Story::advance_clock`].
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
    pub async fn start_server(&mut self, routes: Router) {
        self.stop_server().await;
        let server = Server::start("127.0.0.1:0", routes)
            .await
            .expect("bind 127.0.0.1:0");
        self.shared.lock().unwrap().base_url = server.url.clone();
        self.server = Some(server);
    }

    /// Stops the server, as Ctrl-C would.
    pub async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }

    /// Serves `routes` as server `name` (replacing a server of that name), beside any
    /// other: for a story where a load balancer spreads requests over several servers
    /// (lesson 07's A and B). Clients go on talking to the server they talked to until
    /// [`Story::use_server`] points them at this one.
    pub async fn start_named_server(&mut self, name: &str, routes: Router) {
        if let Some(old) = self.named.remove(name) {
            old.stop().await;
        }
        let server = Server::start("127.0.0.1:0", routes)
            .await
            .expect("bind 127.0.0.1:0");
        self.named.insert(name.to_owned(), server);
    }

    /// Sends every client's next requests to server `name`, as a load balancer would.
    pub fn use_server(&self, name: &str) {
        let server = self
            .named
            .get(name)
            .unwrap_or_else(|| panic!("no server {name:?}: start it with start_named_server"));
        self.shared.lock().unwrap().base_url = server.url.clone();
    }

    /// The running server's base URL, e.g. `http://127.0.0.1:43121`.
    pub fn url(&self) -> String {
        self.shared.lock().unwrap().base_url.clone()
    }

    /// A client with an empty cookie jar, like a browser on its first visit.
    pub fn client(&self, name: &str) -> Client {
        Client {
            name: name.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a reqwest client"),
            jar: BTreeMap::new(),
            user_agent: None,
            shared: self.shared.clone(),
        }
    }

    /// A line of narration between steps: "The next day...".
    pub fn say(&self, text: &str) {
        self.shared
            .lock()
            .unwrap()
            .write(&format!("» {text}\n"), Style::Note);
    }

    /// Moves the server's clock forward and says so in the transcript.
    pub fn advance_clock(&self, by: Duration) {
        self.clock.advance(by);
        self.say(&format!(
            "The clock moves forward {}.",
            describe_duration(by)
        ));
    }

    /// Ends the story: stops the server and returns the transcript. A live demo run with
    /// `--diagram` prints the story's Mermaid diagram now.
    pub async fn finish(mut self) -> String {
        self.stop_server().await;
        for (_, server) in std::mem::take(&mut self.named) {
            server.stop().await;
        }
        let shared = self.shared.lock().unwrap();
        if let Some(live) = shared.live.as_ref().filter(|live| live.diagram) {
            let drawing = if live.database {
                diagram::Diagram::with_database()
            } else {
                diagram::Diagram::default()
            };
            for part in drawing.render(&shared.text) {
                println!("```mermaid\n{part}```");
            }
        }
        shared.text.clone()
    }
}
