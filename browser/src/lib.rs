//! A small WebDriver client, just big enough to test the lessons' pages in a real Chromium.
//!
//! Only a browser enforces what a cookie's attributes promise: that the page's JavaScript
//! cannot read an `HttpOnly` cookie, that a cookie goes back only to its site and `Path`.
//! reqwest and curl send whatever they are given. So these tests drive Debian's Chromium
//! through its ChromeDriver (packages `chromium` and `chromium-driver`).
//!
//! WebDriver is JSON over HTTP (the W3C "WebDriver" specification): a test starts a
//! session, then sends commands such as "open this URL", "find this element", "click it".
//! This file speaks it with reqwest and serde_json, which the workspace's tests compile
//! anyway, so the browser tests add no crate to a cold `cargo test --workspace`. (The
//! fantoccini crate would add 29, among them a Unicode text segmenter and a second `syn`
//! and `http`: it measured twice this crate's cost; see this folder's README.)
//!
//! [`Chromedriver::start`] starts `chromedriver` on a free port; [`Chromedriver::open`]
//! starts a Chromium with a new, empty profile, so two of them share nothing, like two
//! computers. When a [`Browser`] is dropped, at the end of a test or when it fails, it saves
//! a screenshot of its last state, then closes; dropping the [`Chromedriver`] stops it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// How long to wait for the page to show what a test expects: the page updates itself
/// after its requests come back, a few milliseconds on this machine.
const PATIENCE: Duration = Duration::from_secs(10);

/// The message of every test that cannot find a browser: one line that says what to do.
const MISSING: &str = "the browser tests need Chromium and chromedriver \
    (apt install chromium chromium-driver, or set CHROMIUM and CHROMEDRIVER to their paths)";

/// The flags Chromium runs with in a test.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    // Chromium's sandbox refuses to start as root, which CI is.
    "--no-sandbox",
    "--disable-gpu",
    // Chromium's own connections (updates, sync, QUIC) off: the tests need no network
    // but the loopback, and a machine without one refuses them.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // The same size on every machine, so the screenshots in the READMEs look alike.
    "--window-size=860,900",
];

/// A running `chromedriver`, stopped when dropped.
pub struct Chromedriver {
    process: Child,
    url: String,
    http: reqwest::Client,
    chromium: PathBuf,
    screenshots: PathBuf,
    /// Chromedriver's log, for a failure to start.
    log: tempfile::NamedTempFile,
}

impl Chromedriver {
    /// Starts `chromedriver` (or `$CHROMEDRIVER`) on a free port on 127.0.0.1 and waits
    /// until it is ready. Browsers it opens save their screenshots in `screenshots`.
    /// Panics with one line when Chromium or chromedriver is not installed.
    pub async fn start(screenshots: &Path) -> Chromedriver {
        let found = (
            find_program("CHROMEDRIVER", &["chromedriver"]),
            find_program("CHROMIUM", &["chromium", "chromium-browser"]),
        );
        let (driver, chromium) = match found {
            (Some(driver), Some(chromium)) => (driver, chromium),
            (driver, chromium) => {
                let missing = [
                    driver.is_none().then_some("chromedriver"),
                    chromium.is_none().then_some("chromium"),
                ];
                let missing: Vec<_> = missing.into_iter().flatten().collect();
                panic!("{MISSING}; not found: {}", missing.join(", "));
            }
        };
        std::fs::create_dir_all(screenshots).expect("a folder for the screenshots");
        let log = tempfile::NamedTempFile::new().expect("a file for chromedriver's log");
        // A free port: the system picks one, we let it go, chromedriver takes it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let process = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", driver.display()));
        let mut chromedriver = Chromedriver {
            process,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("an HTTP client"),
            chromium,
            screenshots: screenshots.to_owned(),
            log,
        };
        chromedriver.wait_until_ready().await;
        chromedriver
    }

    async fn wait_until_ready(&mut self) {
        let started = Instant::now();
        loop {
            let status = self.http.get(format!("{}/status", self.url)).send().await;
            if let Ok(response) = status {
                let body: Value =
                    serde_json::from_slice(&response.bytes().await.unwrap_or_default())
                        .unwrap_or_default();
                if body["value"]["ready"] == true {
                    return;
                }
            }
            if let Ok(Some(exit)) = self.process.try_wait() {
                panic!(
                    "chromedriver stopped at start ({exit}): {}",
                    self.log_text()
                );
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "chromedriver not ready after {PATIENCE:?}: {}",
                    self.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Starts a Chromium with an empty profile of its own: no cookies, no cache, nothing
    /// shared with another browser. `name` names its screenshots: `<name>.png` for its last
    /// state.
    pub async fn open(&self, name: &str) -> Browser {
        let profile = tempfile::tempdir().expect("a folder for the browser's profile");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": self.chromium, "args": args },
        }}});
        let reply = command(
            &self.http,
            reqwest::Method::POST,
            &format!("{}/session", self.url),
            capabilities,
        )
        .await
        .unwrap_or_else(|error| panic!("Chromium did not start: {error}"));
        let id = reply["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Browser {
            name: name.to_owned(),
            session: format!("{}/session/{id}", self.url),
            http: self.http.clone(),
            screenshots: self.screenshots.clone(),
            _profile: profile,
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One Chromium window, driven by a test like a person would: open a page, type, click,
/// read what it shows.
pub struct Browser {
    name: String,
    /// `http://127.0.0.1:<port>/session/<id>`: every command's URL starts with it.
    session: String,
    http: reqwest::Client,
    screenshots: PathBuf,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        command(&self.http, method, &format!("{}{path}", self.session), body)
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", self.name))
    }

    async fn get(&self, path: &str) -> Value {
        self.send(reqwest::Method::GET, path, Value::Null).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Opens `url` and waits until it has loaded, as typing it in the address bar would.
    pub async fn open(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// Reloads the page, as F5 would.
    pub async fn reload(&self) {
        self.post("/refresh", json!({})).await;
    }

    /// The path of the page shown, e.g. `/welcome`.
    pub async fn path(&self) -> String {
        self.script("return location.pathname")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The element `selector` (CSS) finds, or a panic that names it.
    async fn element(&self, selector: &str) -> String {
        let found = command(
            &self.http,
            reqwest::Method::POST,
            &format!("{}/element", self.session),
            json!({ "using": "css selector", "value": selector }),
        )
        .await
        .unwrap_or_else(|error| {
            panic!(
                "{}: no element {selector:?} on the page: {error}",
                self.name
            )
        });
        // The W3C name of an element reference.
        found["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .expect("an element reference")
            .to_owned()
    }

    /// Types `text` into the field `selector`, key by key.
    pub async fn fill(&self, selector: &str, text: &str) {
        let element = self.element(selector).await;
        self.post(&format!("/element/{element}/clear"), json!({}))
            .await;
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Clicks `selector`, as a person would (the browser checks it can be clicked).
    pub async fn click(&self, selector: &str) {
        let element = self.element(selector).await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    /// The text `selector` shows, as a person sees it (hidden parts are left out).
    pub async fn text(&self, selector: &str) -> String {
        let element = self.element(selector).await;
        let text = self.get(&format!("/element/{element}/text")).await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Whether `selector` is shown on screen.
    pub async fn shows(&self, selector: &str) -> bool {
        let element = self.element(selector).await;
        self.get(&format!("/element/{element}/displayed")).await == true
    }

    /// How many elements `selector` finds, shown or not.
    pub async fn count(&self, selector: &str) -> usize {
        let found = self
            .post(
                "/elements",
                json!({ "using": "css selector", "value": selector }),
            )
            .await;
        found.as_array().map_or(0, Vec::len)
    }

    /// Reads with `read` until `done` says yes, or panics after [`PATIENCE`] with what it
    /// read last. The page updates itself when its requests come back, so a test waits
    /// for what it expects to see, rather than checking once and failing at random.
    async fn wait<T, F, Fut>(&self, what: &str, mut read: F, done: impl Fn(&T) -> bool) -> T
    where
        T: std::fmt::Debug,
        F: FnMut() -> Fut,
        Fut: Future<Output = T>,
    {
        let started = Instant::now();
        loop {
            let value = read().await;
            if done(&value) {
                return value;
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "{}: waited {PATIENCE:?} for {what}; found {value:?}",
                    self.name
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `selector` shows `expected` somewhere in its text.
    pub async fn wait_for_text(&self, selector: &str, expected: &str) {
        let what = format!("{selector} to show {expected:?}");
        self.wait(
            &what,
            || self.text(selector),
            |text| text.contains(expected),
        )
        .await;
    }

    /// Waits until `selector` shows exactly `lines`, one a line: the whole of a log, say,
    /// so that a request too many fails the test as surely as a missing one.
    pub async fn wait_for_lines(&self, selector: &str, lines: &[&str]) {
        let what = format!("{selector} to show the lines {lines:?}");
        let read = || async {
            self.text(selector)
                .await
                .lines()
                .map(str::to_owned)
                .collect()
        };
        self.wait(&what, read, |shown: &Vec<String>| shown == lines)
            .await;
    }

    /// Waits until `selector` is shown on screen.
    pub async fn wait_for_shown(&self, selector: &str) {
        let what = format!("{selector} to be shown");
        self.wait(&what, || self.shows(selector), |shown| *shown)
            .await;
    }

    /// Waits until `selector` finds `count` elements: rows of a table, say.
    pub async fn wait_for_count(&self, selector: &str, count: usize) {
        let what = format!("{count} of {selector}");
        self.wait(&what, || self.count(selector), |found| *found == count)
            .await;
    }

    /// Waits until the page at `path` has loaded (after a link or a script moved on).
    pub async fn wait_for_path(&self, path: &str) {
        let read = || async {
            let loaded = self.script("return document.readyState").await == "complete";
            (self.path().await, loaded)
        };
        self.wait(&format!("{path} to load"), read, |(now, loaded)| {
            now == path && *loaded
        })
        .await;
    }

    /// Runs `script` in the page, as the page's own JavaScript, and returns its result.
    pub async fn script(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": [] }))
            .await
    }

    /// The cookies the browser holds for this page, with their attributes (`httpOnly`,
    /// `sameSite`, `path`...), as the browser's developer tools list them.
    pub async fn cookies(&self) -> Vec<Value> {
        let cookies = self.get("/cookie").await;
        cookies.as_array().cloned().unwrap_or_default()
    }

    /// The cookie `name` the browser holds for this page, if any.
    pub async fn cookie(&self, name: &str) -> Option<Value> {
        let cookies = self.cookies().await;
        cookies.into_iter().find(|cookie| cookie["name"] == name)
    }

    /// Puts a cookie in the browser's jar, as someone with a saved copy of it could.
    pub async fn add_cookie(&self, cookie: Value) {
        self.post("/cookie", json!({ "cookie": cookie })).await;
    }

    /// Saves what the window shows as `<name>.png` beside the other screenshots, and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.get("/screenshot").await;
        let path = self.screenshots.join(format!("{name}.png"));
        save_png(&png, &path);
        path
    }
}

impl Drop for Browser {
    /// Saves the last state as `<name>.png`, then closes Chromium. A failed test is
    /// dropped too, so its screenshot shows where it stopped. Blocking, since `drop` cannot
    /// wait for a future; and with a deadline, so a stuck browser cannot hang the test.
    fn drop(&mut self) {
        if let Some(png) = blocking(&self.session, "GET", "/screenshot") {
            save_png(
                &png["value"],
                &self.screenshots.join(format!("{}.png", self.name)),
            );
        }
        blocking(&self.session, "DELETE", "");
    }
}

/// Sends a WebDriver command and returns its `value`, or WebDriver's error message.
async fn command(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Value,
) -> Result<Value, String> {
    let mut request = http.request(method, url);
    if !body.is_null() {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.map_err(|error| error.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|error| error.to_string())?;
    let mut reply: Value = serde_json::from_slice(&bytes).map_err(|error| error.to_string())?;
    if status.is_success() {
        Ok(reply["value"].take())
    } else {
        Err(format!("{} ({status})", reply["value"]["message"]))
    }
}

/// One WebDriver command without an async runtime, for `drop`: plain HTTP/1.1 over a
/// socket, the JSON reply read up to its `Content-Length` (chromedriver keeps the
/// connection open, and always sends that header, never chunks).
fn blocking(session: &str, method: &str, path: &str) -> Option<Value> {
    let rest = session.strip_prefix("http://")?;
    let (address, session_path) = rest.split_once('/')?;
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let request = format!(
        "{method} /{session_path}{path} HTTP/1.1\r\nHost: {address}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    let mut buffer = [0; 64 * 1024];
    loop {
        let read = stream.read(&mut buffer).ok().filter(|&n| n > 0)?;
        response.extend_from_slice(&buffer[..read]);
        let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))?
            .trim()
            .parse()
            .ok()?;
        if response.len() >= end + 4 + length {
            return serde_json::from_slice(&response[end + 4..end + 4 + length]).ok();
        }
    }
}

fn save_png(base64_png: &Value, path: &Path) {
    let Some(text) = base64_png.as_str() else {
        return;
    };
    if let Ok(png) = base64::engine::general_purpose::STANDARD.decode(text) {
        if let Some(folder) = path.parent() {
            let _ = std::fs::create_dir_all(folder);
        }
        let _ = std::fs::write(path, png);
    }
}

/// `$VARIABLE` if set, else the first of `names` found on the `PATH`.
fn find_program(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path)).filter(|path| path.is_file());
    }
    let search = std::env::var_os("PATH")?;
    std::env::split_paths(&search)
        .flat_map(|dir| {
            let suffix = std::env::consts::EXE_SUFFIX; // `.exe` on Windows
            names
                .iter()
                .map(move |name| dir.join(format!("{name}{suffix}")))
        })
        .find(|path| path.is_file())
}
