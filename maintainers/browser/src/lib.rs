//! Debian's Chromium, driven through its chromedriver with fantoccini, for the tests of the
//! lessons' pages.
//!
//! Only a browser enforces what a cookie's attributes promise: that the page's JavaScript
//! cannot read an `HttpOnly` cookie, that a cookie goes back only to its site and `Path`.
//! reqwest and curl send whatever they are given.
//!
//! [`in_chromium`] runs one test: it starts `chromedriver` on a free port, hands the test
//! a [`Chromedriver`] that opens browsers ([`Chromedriver::open`], each a Chromium with a
//! new, empty profile, so two of them share nothing, like two computers), and, when the
//! test fails, has every browser save a screenshot of what it showed before the failure
//! goes on. A [`Browser`] has the few steps a person takes on a page: open, type, click,
//! read, reload, and open another tab.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

pub use cookie::SameSite;
pub use fantoccini::cookies::Cookie;

/// How long to wait for the page to show what a test expects: the page updates itself
/// after its requests come back, a few milliseconds on this machine.
const PATIENCE: Duration = Duration::from_secs(10);

/// Debian's packages `chromium-driver` and `chromium`. `CHROMEDRIVER` and `CHROMIUM` name
/// other copies; the two must be the same version, as Debian's are.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The flags Chromium runs with in a test.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    // Chromium's sandbox refuses to start as root, which CI is.
    "--no-sandbox",
    "--disable-gpu",
    // Chromium's own connections (updates, sync, QUIC) off: the tests need no network but
    // the loopback, and a machine without one refuses them.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // The same size on every machine, so the screenshots in the READMEs look alike.
    "--window-size=860,900",
];

/// Runs `test` with a chromedriver of its own, stopped afterwards with every browser it
/// opened. If the test panics, each of those browsers first saves a screenshot of what it
/// shows, as `<screenshots>/<name>.png`, and then the panic goes on and fails the test.
pub async fn in_chromium(screenshots: &Path, test: impl AsyncFnOnce(&Chromedriver)) {
    let chromedriver = Chromedriver::start(screenshots).await;
    // The panic has already printed its message; the browsers are still as it left them.
    let outcome = AssertUnwindSafe(test(&chromedriver)).catch_unwind().await;
    if outcome.is_err() {
        chromedriver.save_screenshots().await;
    }
    chromedriver.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A running `chromedriver`, and the browsers it has opened.
pub struct Chromedriver {
    process: Child,
    url: String,
    chromium: PathBuf,
    screenshots: PathBuf,
    /// Chromedriver's log, for a failure to start.
    log: tempfile::NamedTempFile,
    browsers: Mutex<Vec<Opened>>,
}

/// A browser as its chromedriver keeps it: to take its screenshot and close it at the
/// end, and its profile folder, deleted only once Chromium is closed.
struct Opened {
    name: String,
    client: Client,
    _profile: tempfile::TempDir,
}

impl Chromedriver {
    /// Starts chromedriver on a free port on 127.0.0.1 and waits until it listens. Panics
    /// with one line when Chromium or chromedriver is not installed.
    async fn start(screenshots: &Path) -> Chromedriver {
        let driver = program("CHROMEDRIVER", CHROMEDRIVER);
        let chromium = program("CHROMIUM", CHROMIUM);
        let missing: Vec<String> = [&driver, &chromium]
            .into_iter()
            .filter(|path| !path.is_file())
            .map(|path| path.display().to_string())
            .collect();
        if !missing.is_empty() {
            panic!(
                "the browser tests need Chromium and chromedriver: apt-get install chromium \
                 chromium-driver (not found: {})",
                missing.join(", ")
            );
        }
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
            chromium,
            screenshots: screenshots.to_owned(),
            log,
            browsers: Mutex::new(Vec::new()),
        };
        chromedriver.wait_until_listening(port).await;
        chromedriver
    }

    async fn wait_until_listening(&mut self, port: u16) {
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if let Ok(Some(exit)) = self.process.try_wait() {
                panic!(
                    "chromedriver stopped at start ({exit}): {}",
                    self.log_text()
                );
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "chromedriver not listening after {PATIENCE:?}: {}",
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
    /// shared with another browser. `name` names its screenshots (`lesson-04/reload`).
    pub async fn open(&self, name: &str) -> Browser {
        let profile = tempfile::tempdir().expect("a folder for the browser's profile");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": self.chromium, "args": args },
            // Milliseconds: a page or a script that hangs fails its step, not the whole run.
            "timeouts": { "pageLoad": 30_000, "script": 10_000 },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|error| panic!("{name}: Chromium did not start: {error}"));
        // A screenshot left by an earlier failure of this test would tell of that run.
        let _ = std::fs::remove_file(self.screenshot_path(name));
        let opened = Opened {
            name: name.to_owned(),
            client: client.clone(),
            _profile: profile,
        };
        self.browsers.lock().expect("not poisoned").push(opened);
        Browser {
            name: name.to_owned(),
            client,
            screenshots: self.screenshots.clone(),
        }
    }

    fn screenshot_path(&self, name: &str) -> PathBuf {
        self.screenshots.join(format!("{name}.png"))
    }

    /// Every browser saves what it shows now as `<name>.png`, and says where.
    async fn save_screenshots(&self) {
        for (name, client) in self.clients() {
            let path = self.screenshot_path(&name);
            let png = tokio::time::timeout(PATIENCE, client.screenshot()).await;
            match png {
                Ok(Ok(png)) => {
                    save(&path, &png);
                    eprintln!("{name}: what it showed is in {}", path.display());
                }
                Ok(Err(error)) => eprintln!("{name}: no screenshot: {error}"),
                Err(_) => eprintln!("{name}: no screenshot after {PATIENCE:?}"),
            }
        }
    }

    /// Closes every browser, then chromedriver itself.
    async fn stop(self) {
        for (_, client) in self.clients() {
            let _ = tokio::time::timeout(PATIENCE, client.close()).await;
        }
    }

    /// The browsers, copied out of the lock so that it is never held across an `.await`.
    fn clients(&self) -> Vec<(String, Client)> {
        let browsers = self.browsers.lock().expect("not poisoned");
        let clients = browsers.iter().map(|b| (b.name.clone(), b.client.clone()));
        clients.collect()
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
    client: Client,
    screenshots: PathBuf,
}

impl Browser {
    /// What a step gave, or a panic that names this browser and the step.
    fn ok<T>(&self, step: &str, result: Result<T, CmdError>) -> T {
        result.unwrap_or_else(|error| panic!("{}: {step}: {error}", self.name))
    }

    /// Opens `url` and waits until it has loaded, as typing it in the address bar would.
    pub async fn open(&self, url: &str) {
        self.ok(&format!("open {url}"), self.client.goto(url).await);
    }

    /// Reloads the page, as F5 would.
    pub async fn reload(&self) {
        self.ok("reload", self.client.refresh().await);
    }

    /// The path of the page shown, e.g. `/welcome`.
    pub async fn path(&self) -> String {
        let url = self.ok("read the URL", self.client.current_url().await);
        url.path().to_owned()
    }

    /// The whole address of the page shown, as the address bar shows it.
    pub async fn url(&self) -> String {
        let url = self.ok("read the URL", self.client.current_url().await);
        url.to_string()
    }

    /// The HTTP status of the answer the page shown came from: what a JSON answer that
    /// the browser shows as a page was sent with.
    pub async fn status(&self) -> u16 {
        let status = self
            .script("return performance.getEntriesByType('navigation')[0].responseStatus")
            .await;
        let status = status
            .as_u64()
            .and_then(|status| u16::try_from(status).ok());
        status.unwrap_or_else(|| panic!("{}: the page shown has no HTTP status", self.name))
    }

    /// The tab the next steps act on, to come back to later.
    pub async fn tab(&self) -> Tab {
        Tab(self.ok("find the tab", self.client.window().await))
    }

    /// Opens a new tab, as Ctrl+T would, and `url` in it; the next steps act on that tab.
    /// The browser's cookies are the same in every tab.
    pub async fn open_in_new_tab(&self, url: &str) -> Tab {
        let tab = self.ok("open a tab", self.client.new_window(true).await);
        let tab = Tab(tab.handle);
        self.switch_to(&tab).await;
        self.open(url).await;
        tab
    }

    /// Brings `tab` to the front: the next steps act on it, as it is now (nothing reloads).
    pub async fn switch_to(&self, tab: &Tab) {
        let switched = self.client.switch_to_window(tab.0.clone()).await;
        self.ok("switch tabs", switched);
    }

    /// The element `selector` (CSS) finds, or a panic that names it.
    async fn element(&self, selector: &str) -> Element {
        let found = self.client.find(Locator::Css(selector)).await;
        self.ok(&format!("no element {selector:?} on the page"), found)
    }

    /// Types `text` into the field `selector`, key by key.
    pub async fn fill(&self, selector: &str, text: &str) {
        let field = self.element(selector).await;
        self.ok(&format!("clear {selector}"), field.clear().await);
        self.ok(&format!("type in {selector}"), field.send_keys(text).await);
    }

    /// Clicks `selector`, as a person would (the browser checks it can be clicked).
    pub async fn click(&self, selector: &str) {
        let element = self.element(selector).await;
        self.ok(&format!("click {selector}"), element.click().await);
    }

    /// The text `selector` shows, as a person sees it (hidden parts are left out).
    pub async fn text(&self, selector: &str) -> String {
        let element = self.element(selector).await;
        self.ok(&format!("read {selector}"), element.text().await)
    }

    /// Whether `selector` is shown on screen.
    pub async fn shows(&self, selector: &str) -> bool {
        let element = self.element(selector).await;
        self.ok(&format!("see {selector}"), element.is_displayed().await)
    }

    /// How many elements `selector` finds, shown or not.
    pub async fn count(&self, selector: &str) -> usize {
        let found = self.client.find_all(Locator::Css(selector)).await;
        self.ok(&format!("find {selector}"), found).len()
    }

    /// Reads with `read` until `done` says yes, or panics after [`PATIENCE`] with what it
    /// read last. The page updates itself when its requests come back, so a test waits
    /// for what it expects to see, rather than checking once and failing at random.
    async fn wait<T: std::fmt::Debug>(
        &self,
        what: &str,
        read: impl AsyncFnMut() -> T,
        done: impl Fn(&T) -> bool,
    ) -> T {
        poll(read, done).await.unwrap_or_else(|value| {
            panic!(
                "{}: waited {PATIENCE:?} for {what}; found {value:?}",
                self.name
            )
        })
    }

    /// Waits until `selector` shows `expected` somewhere in its text.
    pub async fn wait_for_text(&self, selector: &str, expected: &str) {
        let what = format!("{selector} to show {expected:?}");
        let read = async || self.text(selector).await;
        self.wait(&what, read, |text| text.contains(expected)).await;
    }

    /// Waits until `selector` shows exactly `lines`, one a line: the whole of a log, say,
    /// so that a request too many fails the test as surely as a missing one.
    pub async fn wait_for_lines(&self, selector: &str, lines: &[&str]) {
        let what = format!("{selector} to show the lines {lines:?}");
        let read = async || -> Vec<String> {
            let text = self.text(selector).await;
            text.lines().map(str::to_owned).collect()
        };
        self.wait(&what, read, |shown| shown == lines).await;
    }

    /// Waits until `selector` is shown on screen.
    pub async fn wait_for_shown(&self, selector: &str) {
        let what = format!("{selector} to be shown");
        let read = async || self.shows(selector).await;
        self.wait(&what, read, |shown| *shown).await;
    }

    /// Waits until `selector` finds `count` elements: rows of a table, say.
    pub async fn wait_for_count(&self, selector: &str, count: usize) {
        let what = format!("{count} of {selector}");
        let read = async || self.count(selector).await;
        self.wait(&what, read, |found| *found == count).await;
    }

    /// Waits until the page at `path` has loaded (after a link or a script moved on).
    pub async fn wait_for_path(&self, path: &str) {
        let read = async || {
            let loaded = self.script("return document.readyState").await == "complete";
            (self.path().await, loaded)
        };
        let loaded = |(now, loaded): &(String, bool)| now == path && *loaded;
        self.wait(&format!("{path} to load"), read, loaded).await;
    }

    /// Runs `script` in the page, as the page's own JavaScript, and returns its result.
    pub async fn script(&self, script: &str) -> Value {
        let result = self.client.execute(script, Vec::new()).await;
        self.ok(&format!("run {script:?}"), result)
    }

    /// The cookies the browser holds for this page, with their attributes (`HttpOnly`,
    /// `SameSite`, `Path`...), as the browser's developer tools list them.
    pub async fn cookies(&self) -> Vec<Cookie<'static>> {
        self.ok("read the cookies", self.client.get_all_cookies().await)
    }

    /// The cookie `name` the browser holds for this page, if any.
    pub async fn cookie(&self, name: &str) -> Option<Cookie<'static>> {
        let cookies = self.cookies().await;
        cookies.into_iter().find(|cookie| cookie.name() == name)
    }

    /// Puts a cookie in the browser's jar, as someone with a saved copy of it could.
    pub async fn add_cookie(&self, cookie: Cookie<'static>) {
        self.ok("add a cookie", self.client.add_cookie(cookie).await);
    }

    /// Saves what the window shows as `<name>.png` beside the other screenshots, and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.ok("take a screenshot", self.client.screenshot().await);
        let path = self.screenshots.join(format!("{name}.png"));
        save(&path, &png);
        path
    }
}

/// Reads with `read` until `done` says yes, or panics after [`PATIENCE`] with what it
/// read last: [`Browser`]'s waits, for what a test watches outside the browser (what a
/// server received, say).
pub async fn wait_until<T: std::fmt::Debug>(
    what: &str,
    read: impl AsyncFnMut() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    poll(read, done)
        .await
        .unwrap_or_else(|value| panic!("waited {PATIENCE:?} for {what}; found {value:?}"))
}

/// `Ok` with what `read` gave once `done` says yes, `Err` with what it gave last if that
/// takes longer than [`PATIENCE`].
async fn poll<T>(mut read: impl AsyncFnMut() -> T, done: impl Fn(&T) -> bool) -> Result<T, T> {
    let started = Instant::now();
    loop {
        let value = read().await;
        if done(&value) {
            return Ok(value);
        }
        if started.elapsed() > PATIENCE {
            return Err(value);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One tab of a [`Browser`].
pub struct Tab(WindowHandle);

fn save(path: &Path, png: &[u8]) {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).expect("a folder for the screenshots");
    }
    std::fs::write(path, png).expect("the screenshot written");
}

/// `$variable` if set, else Debian's `path`.
fn program(variable: &str, path: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(path), PathBuf::from)
}
