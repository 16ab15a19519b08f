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
//!
//! Values that differ between runs (sealed cookies, tokens, random ids) are replaced by
//! numbered placeholders, `<sealed #1>`, `<sealed #2>`, so the transcript is stable but
//! still shows *when* a value changed. The time comes from a manual [`Clock`] that starts
//! at the same instant in every run, so timestamps need no hiding.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use axum::Router;
use axum_extra::extract::cookie::Cookie;
use serde_json::Value;
use time::OffsetDateTime;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::Config;

pub use insta;
pub use reqwest::Method;

/// The secret every story's server uses (64 bytes). Stories run in tests and demos,
/// never in production; the snapshot never shows it.
pub const STORY_SECRET: &str = "story-secret-for-tests-and-demos-only-never-use-it-in-production!";

/// Where every story's clock starts: 2026-01-01 09:00:00 UTC.
pub const STORY_START: i64 = 1_767_258_000;

/// Request and response headers worth showing a student. The rest (date, content-length,
/// host...) change nothing about the lesson and only add noise.
const SHOWN_HEADERS: &[&str] = &[
    "cookie",
    "content-type",
    "set-cookie",
    "location",
    "cache-control",
];

/// Bodies longer than this are summarised, not printed.
const MAX_SHOWN_BODY: usize = 2048;

/// A running story: the transcript so far, the server, the clock.
pub struct Story {
    shared: Arc<Mutex<Shared>>,
    clock: Clock,
    server: Option<Server>,
    /// Holds the story's database files; deleted when the story ends.
    dir: tempfile::TempDir,
}

/// What the story and its clients share: the transcript and where the server is.
struct Shared {
    transcript: String,
    step: usize,
    live: Option<Palette>,
    redactor: Redactor,
    base_url: String,
}

impl Story {
    /// A story that records its transcript silently: for tests.
    pub fn recording() -> Self {
        Self::new(None)
    }

    /// A story that also prints each step as it happens: for the demo. Colored when
    /// stdout is a terminal, plain when it is piped to a file.
    pub fn live() -> Self {
        let palette = if std::io::stdout().is_terminal() {
            Palette::COLOR
        } else {
            Palette::PLAIN
        };
        Self::new(Some(palette))
    }

    fn new(live: Option<Palette>) -> Self {
        explain_todo_panics();
        Self {
            shared: Arc::new(Mutex::new(Shared {
                transcript: String::new(),
                step: 0,
                live,
                redactor: Redactor::default(),
                base_url: String::new(),
            })),
            clock: Clock::manual(
                OffsetDateTime::from_unix_timestamp(STORY_START).expect("a valid time"),
            ),
            server: None,
            dir: tempfile::tempdir().expect("a temporary directory for the story's database"),
        }
    }

    /// The story's clock. Give it to the server; move it with [`Story::advance_clock`].
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// A fresh SQLite file in the story's temporary directory. The same `name` gives the
    /// same file, so a restarted server finds its data again.
    pub fn database_url(&self, name: &str) -> String {
        format!(
            "sqlite://{}",
            self.dir.path().join(format!("{name}.db")).display()
        )
    }

    /// The config a story's server runs with: its own database, [`STORY_SECRET`],
    /// bcrypt's lowest cost.
    pub fn config(&self) -> Config {
        Config::for_tests(self.database_url("story"), STORY_SECRET)
    }

    /// Shows cookie `name`'s values as `<label #n>` wherever they appear.
    pub fn redact_cookie(&mut self, name: &str, label: &str) {
        let mut shared = self.shared.lock().unwrap();
        shared
            .redactor
            .cookies
            .insert(name.to_owned(), label.to_owned());
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
            .insert(name.to_owned(), label.to_owned());
    }

    /// Shows the values of JSON field `key` (in any response) as `<label #n>` wherever
    /// they appear, the request paths included.
    pub fn redact_json_field(&mut self, key: &str, label: &str) {
        let mut shared = self.shared.lock().unwrap();
        shared
            .redactor
            .json_fields
            .insert(key.to_owned(), label.to_owned());
    }

    /// Serves `routes` (with [`crate::serve::app`]'s layers) on 127.0.0.1, port 0.
    /// Replaces the server that was running, if any: clients follow to the new one.
    pub async fn start_server(&mut self, routes: Router) {
        self.stop_server().await;
        let server = Server::start(routes).await;
        self.shared.lock().unwrap().base_url = server.url.clone();
        self.server = Some(server);
    }

    /// Stops the server, as Ctrl-C would.
    pub async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
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

    /// Ends the story: stops the server and returns the transcript.
    pub async fn finish(mut self) -> String {
        self.stop_server().await;
        let shared = self.shared.lock().unwrap();
        shared.transcript.clone()
    }
}

/// One browser (or curl, or attacker): a name and a cookie jar.
pub struct Client {
    name: String,
    http: reqwest::Client,
    /// Cookie name to value, like a browser's jar for one site.
    jar: BTreeMap<String, String>,
    /// The `User-Agent` header to send, if any (reqwest sends none by default).
    user_agent: Option<String>,
    shared: Arc<Mutex<Shared>>,
}

/// What a request carries.
pub enum Payload {
    None,
    Json(Value),
    /// Any body with any (or no) content type: for malformed input.
    Raw {
        content_type: Option<String>,
        body: Vec<u8>,
    },
}

impl Payload {
    /// A body sent as it is, e.g. broken JSON, or a form where JSON is expected.
    pub fn raw(content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Payload {
        Payload::Raw {
            content_type: content_type.map(str::to_owned),
            body: body.into(),
        }
    }
}

impl From<Value> for Payload {
    fn from(value: Value) -> Self {
        Payload::Json(value)
    }
}

/// A response, already recorded in the transcript.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The body as JSON (`Value::Null` for an empty or non-JSON body).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every `Set-Cookie` header, in order.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key == "set-cookie")
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

impl Client {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends `value` as the `User-Agent` header on every request, as a browser names
    /// itself. Shown in the transcript.
    pub fn user_agent(mut self, value: &str) -> Self {
        self.user_agent = Some(value.to_owned());
        self
    }

    pub async fn get(&mut self, title: &str, path: &str) -> Reply {
        self.send(title, Method::GET, path, Payload::None).await
    }

    pub async fn post(&mut self, title: &str, path: &str, body: impl Into<Payload>) -> Reply {
        self.send(title, Method::POST, path, body.into()).await
    }

    pub async fn delete(&mut self, title: &str, path: &str) -> Reply {
        self.send(title, Method::DELETE, path, Payload::None).await
    }

    /// Registers `username` with the password "correct horse" and expects a 201: a
    /// shortcut for tests about what comes *after* registering. Returns the new user.
    pub async fn register_ok(&mut self, username: &str) -> Value {
        let body = serde_json::json!({ "username": username, "password": "correct horse" });
        let reply = self.post("register", "/api/register", body).await;
        assert_eq!(reply.status, 201, "registering {username}: {}", reply.body);
        reply.json()
    }

    /// Sends one request as step `title`, records the exchange, and keeps the cookies the
    /// response sets, as a browser would.
    pub async fn send(
        &mut self,
        title: &str,
        method: Method,
        path: &str,
        payload: Payload,
    ) -> Reply {
        let url = format!("{}{path}", self.shared.lock().unwrap().base_url);
        let mut request = self.http.request(method.clone(), url);
        let mut sent_headers = Vec::new();
        if let Some(user_agent) = &self.user_agent {
            sent_headers.push(("user-agent".to_owned(), user_agent.clone()));
            request = request.header("user-agent", user_agent);
        }
        if let Some(cookie) = self.cookie_header() {
            sent_headers.push(("cookie".to_owned(), cookie.clone()));
            request = request.header("cookie", cookie);
        }
        let sent_body = match payload {
            Payload::None => Vec::new(),
            Payload::Json(value) => {
                sent_headers.push(("content-type".to_owned(), "application/json".to_owned()));
                request = request.header("content-type", "application/json");
                serde_json::to_vec(&value).expect("JSON serializes")
            }
            Payload::Raw { content_type, body } => {
                if let Some(content_type) = content_type {
                    sent_headers.push(("content-type".to_owned(), content_type.clone()));
                    request = request.header("content-type", content_type);
                }
                body
            }
        };
        if !sent_body.is_empty() {
            request = request.body(sent_body.clone());
        }

        let reply = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = response
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                let body = response.text().await.unwrap_or_default();
                Reply {
                    status,
                    headers,
                    body,
                }
            }
            // Shown in the transcript as a status-less answer, so a story can show it.
            Err(error) => Reply {
                status: 0,
                headers: Vec::new(),
                body: format!("(no response: {error})"),
            },
        };
        for set_cookie in reply.set_cookies() {
            self.store_cookie(set_cookie);
        }

        let mut shared = self.shared.lock().unwrap();
        let text = shared.render_exchange(
            &self.name,
            title,
            &method,
            path,
            &sent_headers,
            &sent_body,
            &reply,
        );
        shared.write_exchange(&text);
        reply
    }

    /// The value this client holds for cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.get(name).cloned()
    }

    /// All cookies this client holds: what "saving a copy of the cookie" means.
    pub fn cookies(&self) -> BTreeMap<String, String> {
        self.jar.clone()
    }

    /// Sets a cookie by hand, as a user with the browser's developer tools (or an
    /// attacker with curl) can. Noted in the transcript.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.jar.insert(name.to_owned(), value.to_owned());
        let mut shared = self.shared.lock().unwrap();
        let shown = shared.redactor.cookie_value(name, value);
        let line = format!("✎ {} sets the cookie by hand: {name}={shown}\n", self.name);
        shared.write(&line, Style::Note);
    }

    /// Replaces the whole jar with `cookies`, e.g. a copy saved earlier. Noted in the
    /// transcript.
    pub fn restore_cookies(&mut self, cookies: &BTreeMap<String, String>) {
        self.jar = cookies.clone();
        let shown = self.cookie_header_shown();
        let line = format!("✎ {} restores saved cookies: {shown}\n", self.name);
        self.shared.lock().unwrap().write(&line, Style::Note);
    }

    fn cookie_header(&self) -> Option<String> {
        if self.jar.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Some(pairs.join("; "))
    }

    fn cookie_header_shown(&self) -> String {
        let mut shared = self.shared.lock().unwrap();
        match self.cookie_header() {
            Some(header) => shared.redactor.cookie_header(&header),
            None => "(none)".to_owned(),
        }
    }

    /// Keeps or drops a cookie the way a browser does: a cookie whose `Max-Age` is 0 or
    /// whose `Expires` is past is a deletion. (A browser would also drop a cookie once its
    /// Max-Age runs out; this jar keeps it, so a story can show the server refusing it.)
    fn store_cookie(&mut self, set_cookie: &str) {
        let Ok(cookie) = Cookie::parse(set_cookie.to_owned()) else {
            return;
        };
        let expired_by_max_age = cookie
            .max_age()
            .is_some_and(|age| age.is_zero() || age.is_negative());
        let expired_by_date = cookie
            .expires_datetime()
            .is_some_and(|expires| expires <= OffsetDateTime::now_utc());
        if expired_by_max_age || expired_by_date {
            self.jar.remove(cookie.name());
        } else {
            self.jar
                .insert(cookie.name().to_owned(), cookie.value().to_owned());
        }
    }
}

// ── the transcript ─────────────────────────────────────────────────────────────────

impl Shared {
    #[allow(clippy::too_many_arguments)]
    fn render_exchange(
        &mut self,
        client: &str,
        title: &str,
        method: &Method,
        path: &str,
        sent_headers: &[(String, String)],
        sent_body: &[u8],
        reply: &Reply,
    ) -> Vec<(String, Style)> {
        // Learn the values to hide before rendering anything.
        if let Ok(json) = serde_json::from_str::<Value>(&reply.body) {
            self.redactor.learn_json(&json);
        }
        self.step += 1;
        let indent = " ".repeat(client.chars().count() + 1);
        let mut lines = Vec::new();
        let heading = format!("── {}. {title} ", self.step);
        let fill = 72usize.saturating_sub(heading.chars().count());
        lines.push((format!("{heading}{}", "─".repeat(fill)), Style::Title));
        lines.push((format!("{client} ▶ {method} {path}"), Style::Request));
        for (name, value) in sent_headers {
            let value = self.redactor.header(name, value);
            lines.push((format!("{indent}  {name}: {value}"), Style::Plain));
        }
        for line in render_body(sent_body) {
            lines.push((format!("{indent}  {line}"), Style::Plain));
        }
        let status_style = match reply.status {
            200..=399 => Style::Ok,
            _ => Style::Error,
        };
        let status_line = if reply.status == 0 {
            "(no response)".to_owned()
        } else {
            let reason = reqwest::StatusCode::from_u16(reply.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            format!("{} {reason}", reply.status)
        };
        lines.push((format!("{indent}◀ {status_line}"), status_style));
        for shown in SHOWN_HEADERS {
            for (name, value) in &reply.headers {
                if name == shown && name != "cookie" {
                    let value = self.redactor.header(name, value);
                    lines.push((format!("{indent}  {name}: {value}"), Style::Plain));
                }
            }
        }
        for line in render_body(reply.body.as_bytes()) {
            lines.push((format!("{indent}  {line}"), Style::Plain));
        }
        // Last, hide every known value wherever it appears (a path, a body, a header).
        lines
            .into_iter()
            .map(|(line, style)| (self.redactor.scrub(&line), style))
            .collect()
    }

    fn write_exchange(&mut self, lines: &[(String, Style)]) {
        for (line, style) in lines {
            self.write(&format!("{line}\n"), *style);
        }
    }

    fn write(&mut self, text: &str, style: Style) {
        self.transcript.push_str(text);
        if let Some(palette) = self.live {
            print!("{}", palette.paint(style, text));
        }
    }
}

fn render_body(body: &[u8]) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    if body.len() > MAX_SHOWN_BODY {
        return vec![format!("({} bytes, not shown)", body.len())];
    }
    let text = String::from_utf8_lossy(body);
    if serde_json::from_str::<Value>(&text).is_ok() {
        return pretty_json(&text).lines().map(str::to_owned).collect();
    }
    if text.trim_start().starts_with('<') {
        return vec!["(an HTML page)".to_owned()];
    }
    text.lines().map(str::to_owned).collect()
}

/// Indents valid JSON two spaces a level, keeping the keys in the order the server sent
/// them (`{"id": 1, "username": ...}` reads better than sorted keys).
fn pretty_json(json: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().expect("peeked"));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn describe_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    let (n, unit) = match secs {
        s if s % 86_400 == 0 && s > 0 => (s / 86_400, "day"),
        s if s % 3600 == 0 && s > 0 => (s / 3600, "hour"),
        s if s % 60 == 0 && s > 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

// ── redaction ───────────────────────────────────────────────────────────────────────

/// Known values shorter than this are not replaced in free text: "1" or "true" would
/// match far too much.
const MIN_SCRUBBED_CHARS: usize = 6;

/// Replaces values that change from run to run with numbered placeholders.
#[derive(Default)]
struct Redactor {
    /// Cookie name to placeholder label.
    cookies: BTreeMap<String, String>,
    /// Signed cookie name to the placeholder label for its signature.
    signed_cookies: BTreeMap<String, String>,
    /// JSON field name to placeholder label.
    json_fields: BTreeMap<String, String>,
    /// Every raw value seen, with its placeholder. A `Vec` keeps the order stable.
    known: Vec<(String, String)>,
    /// How many values each label has numbered so far.
    counts: BTreeMap<String, usize>,
}

impl Redactor {
    fn placeholder(&mut self, label: &str, raw: &str) -> String {
        if let Some((_, shown)) = self.known.iter().find(|(known, _)| known == raw) {
            return shown.clone();
        }
        let count = self.counts.entry(label.to_owned()).or_default();
        *count += 1;
        let shown = format!("<{label} #{count}>");
        self.known.push((raw.to_owned(), shown.clone()));
        shown
    }

    fn cookie_value(&mut self, name: &str, value: &str) -> String {
        if let Some(label) = self.signed_cookies.get(name).cloned() {
            return match split_signature(value) {
                Some((signature, rest)) => format!("{}{rest}", self.placeholder(&label, signature)),
                None => value.to_owned(),
            };
        }
        match self.cookies.get(name).cloned() {
            Some(label) if !value.is_empty() => self.placeholder(&label, value),
            _ => value.to_owned(),
        }
    }

    /// `a=1; session=xyz` with the redacted cookies' values replaced.
    fn cookie_header(&mut self, header: &str) -> String {
        let pairs: Vec<String> = header
            .split("; ")
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => format!("{name}={}", self.cookie_value(name, value)),
                None => pair.to_owned(),
            })
            .collect();
        pairs.join("; ")
    }

    /// `session=xyz; HttpOnly; Expires=Thu, 01 Jan 2025 ...` with the value replaced and
    /// an `Expires` date (which follows the real clock) shown as `<date>`.
    fn set_cookie(&mut self, header: &str) -> String {
        let mut parts = header.split(';');
        let first = parts.next().unwrap_or_default();
        let mut shown = self.cookie_header(first.trim());
        for attribute in parts {
            let attribute = attribute.trim();
            if attribute.to_ascii_lowercase().starts_with("expires=") {
                shown.push_str("; Expires=<date>");
            } else {
                shown.push_str("; ");
                shown.push_str(attribute);
            }
        }
        shown
    }

    fn header(&mut self, name: &str, value: &str) -> String {
        match name {
            "cookie" => self.cookie_header(value),
            "set-cookie" => self.set_cookie(value),
            _ => value.to_owned(),
        }
    }

    fn learn_json(&mut self, json: &Value) {
        match json {
            Value::Object(map) => {
                for (key, value) in map {
                    if let Some(label) = self.json_fields.get(key).cloned() {
                        let raw = match value {
                            Value::String(raw) => raw.clone(),
                            Value::Number(raw) => raw.to_string(),
                            _ => String::new(),
                        };
                        // Values too short to scrub stay visible, so they take no number:
                        // `"id": 1` elsewhere must not make the first hidden one `#2`.
                        if raw.len() >= MIN_SCRUBBED_CHARS {
                            self.placeholder(&label, &raw);
                        }
                    }
                    self.learn_json(value);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.learn_json(item)),
            _ => {}
        }
    }

    /// Replaces every known raw value in `line`, longest first so that no value is
    /// partly replaced by a shorter one it contains.
    fn scrub(&self, line: &str) -> String {
        let mut known: Vec<&(String, String)> = self
            .known
            .iter()
            .filter(|(raw, _)| raw.len() >= MIN_SCRUBBED_CHARS)
            .collect();
        known.sort_by_key(|(raw, _)| std::cmp::Reverse(raw.len()));
        let mut line = line.to_owned();
        for (raw, shown) in known {
            if line.contains(raw.as_str()) {
                line = line.replace(raw.as_str(), shown);
            }
        }
        line
    }
}

/// The `cookie` crate signs a cookie by putting a 44-character base64 HMAC in front of the
/// value. On the wire the signature is percent-encoded (`=` is `%3D`), so it is the first
/// 44 *decoded* characters: `(signature, value)` as sent, or `None` if it is too short.
fn split_signature(wire: &str) -> Option<(&str, &str)> {
    const SIGNATURE_CHARS: usize = 44;
    let bytes = wire.as_bytes();
    let mut end = 0;
    for _ in 0..SIGNATURE_CHARS {
        end += if bytes.get(end) == Some(&b'%') { 3 } else { 1 };
    }
    // Base64 and percent-encoding are ASCII: anything else is not a signature.
    let signature = wire.get(..end).filter(|signature| signature.is_ascii())?;
    Some((signature, &wire[end..]))
}

// ── the live demo's colors ──────────────────────────────────────────────────────────

#[derive(Clone, Copy)]
enum Style {
    Title,
    Request,
    Ok,
    Error,
    Note,
    Plain,
}

#[derive(Clone, Copy)]
struct Palette {
    enabled: bool,
}

impl Palette {
    const COLOR: Palette = Palette { enabled: true };
    const PLAIN: Palette = Palette { enabled: false };

    fn paint(&self, style: Style, text: &str) -> String {
        let code = match style {
            Style::Title => "1;36",
            Style::Request => "1",
            Style::Ok => "32",
            Style::Error => "31",
            Style::Note => "33",
            Style::Plain => return text.to_owned(),
        };
        if !self.enabled {
            return text.to_owned();
        }
        let body = text.strip_suffix('\n').unwrap_or(text);
        let newline = if text.ends_with('\n') { "\n" } else { "" };
        let title_gap = if matches!(style, Style::Title) {
            "\n"
        } else {
            ""
        };
        format!("{title_gap}\x1b[{code}m{body}\x1b[0m{newline}")
    }
}

// ── the server ──────────────────────────────────────────────────────────────────────

/// A lesson's router, served on 127.0.0.1 with an OS-chosen port.
pub struct Server {
    pub url: String,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds 127.0.0.1:0 and serves `routes` with the same layers as `cargo run`.
    pub async fn start(routes: Router) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, crate::serve::app(routes))
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("the test server runs");
        });
        Server {
            url,
            shutdown,
            task,
        }
    }

    /// Stops accepting, lets requests in flight finish, and waits until it has.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(());
        // Idle keep-alive connections close at once on shutdown; a stuck one is cut.
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

// ── helping a student read a failure ────────────────────────────────────────────────

/// Makes a `todo!()` in an exercise read as "this part is yours to write", not as a
/// crash with a backtrace. Other panics keep Rust's usual report.
fn explain_todo_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("");
            if message.starts_with("not yet implemented") {
                let place = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                // Once per todo!(): every later step reaches it again.
                static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
                let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if seen.contains(&place) {
                    return;
                }
                seen.push(place.clone());
                eprintln!("note: the server reached a todo!() at {place}: {message}. That part of the exercise is yours to write.");
            } else {
                default(info);
            }
        }));
    });
}

/// Compares a story's transcript with the committed snapshot and, where they differ,
/// describes the first difference in a student's terms: which step, what was expected,
/// what came instead. `None` when they agree or there is no snapshot yet.
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    let expected_steps = split_steps(expected);
    let actual_steps = split_steps(actual);
    for (index, expected_step) in expected_steps.iter().enumerate() {
        let Some(actual_step) = actual_steps.get(index) else {
            return Some(format!(
                "the story stopped before {}",
                expected_step
                    .first()
                    .map(|l| step_name(l))
                    .unwrap_or_default()
            ));
        };
        if expected_step == actual_step {
            continue;
        }
        let name = step_name(expected_step.first().map(String::as_str).unwrap_or(""));
        for (line_index, expected_line) in expected_step.iter().enumerate() {
            let actual_line = actual_step.get(line_index);
            if actual_line == Some(expected_line) {
                continue;
            }
            let expected_line = expected_line.trim();
            let missing = !actual_step.iter().any(|l| l.trim() == expected_line);
            let got = actual_line.map(|l| l.trim()).unwrap_or("nothing more");
            let todo = actual_step
                .iter()
                .any(|l| l.contains("Exercise not finished"));
            let mut hint = if missing {
                format!(
                    "{name}: expected `{expected_line}`, the response had `{got}` there instead"
                )
            } else {
                format!("{name}: expected `{expected_line}` here, found `{got}`")
            };
            if todo {
                hint.push_str(" (the server reached a todo!() in the exercise)");
            }
            return Some(hint);
        }
        let extra = actual_step
            .get(expected_step.len())
            .map(|l| l.trim())
            .unwrap_or("");
        return Some(format!(
            "{name}: the response has more than expected: `{extra}`"
        ));
    }
    if actual_steps.len() > expected_steps.len() {
        return Some("the story has more steps than expected".to_owned());
    }
    None
}

fn split_steps(transcript: &str) -> Vec<Vec<String>> {
    let mut steps: Vec<Vec<String>> = vec![Vec::new()];
    for line in transcript.lines() {
        if line.starts_with("── ") {
            steps.push(Vec::new());
        }
        steps.last_mut().expect("never empty").push(line.to_owned());
    }
    steps
}

/// `── 3. Alice logs in ───` becomes `step 3, "Alice logs in"`.
fn step_name(heading: &str) -> String {
    let inner = heading
        .trim_start_matches("── ")
        .trim_end_matches(['─', ' ']);
    match inner.split_once(". ") {
        Some((number, title)) => format!("step {number}, \"{title}\""),
        None => "before the first step".to_owned(),
    }
}

/// Reads an insta snapshot file and returns its contents without the header.
pub fn read_snapshot(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.strip_prefix("---\n")?.split_once("\n---\n")?.1;
    Some(body.to_owned())
}

/// Prints the hint for a story that differs from its snapshot (see [`first_difference`]).
pub fn print_hint(snapshot_path: &str, transcript: &str) {
    let Some(expected) = read_snapshot(snapshot_path) else {
        return;
    };
    if let Some(hint) = first_difference(expected.trim_end(), transcript.trim_end()) {
        let mut line = String::new();
        let _ = write!(line, "\nhint: {hint}\n");
        eprintln!("{line}");
    }
}

/// Checks a story's transcript against `tests/snapshots/story.snap`. On a difference it
/// prints a one-line hint naming the first step that differs, then insta's full diff.
///
/// Use it in a test file directly under `tests/`.
#[macro_export]
macro_rules! assert_story {
    ($transcript:expr) => {{
        let transcript: String = $transcript;
        $crate::story::print_hint(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/story.snap"),
            &transcript,
        );
        $crate::story::insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            $crate::story::insta::assert_snapshot!("story", transcript);
        });
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_cookie_shows_its_value_but_not_its_signature() {
        let mut redactor = Redactor::default();
        redactor
            .signed_cookies
            .insert("visits".into(), "signature".into());
        // 43 base64 characters and the padding, percent-encoded as the jar sends them.
        let signature = format!("{}%3D", "a/b".repeat(14).replace('/', "%2F") + "c");
        let first = redactor.cookie_value("visits", &format!("{signature}41"));
        assert_eq!(first, "<signature #1>41");
        assert_eq!(
            redactor.cookie_header(&format!("visits={signature}1000")),
            "visits=<signature #1>1000"
        );
        let other = format!("{}%3D", "z".repeat(43));
        assert_eq!(
            redactor.cookie_value("visits", &format!("{other}2")),
            "<signature #2>2"
        );
        // Too short to be signed: a hand-typed forgery hides nothing.
        assert_eq!(redactor.cookie_value("visits", "1000"), "1000");
        assert_eq!(redactor.cookie_value("visits", "%%%"), "%%%");
        let not_ascii = format!("{}{}", "é".repeat(30), "x".repeat(30));
        assert_eq!(redactor.cookie_value("visits", &not_ascii), not_ascii);
        // Other cookies are untouched.
        assert_eq!(
            redactor.cookie_value("theme", &format!("{signature}41")),
            format!("{signature}41")
        );
    }
}
