//! A story's clients: each one a browser (or curl, or an attacker) with a cookie jar.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum_extra::extract::cookie::Cookie;
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::live::{Style, wait_for_enter};
use crate::reply::Reply;
use crate::transcript::{Sent, Transcript};

/// The password [`Client::register_ok`] and the one-line helpers use: long enough for
/// the rules, and the same in every test, so a test says only what it is about.
pub const PASSWORD: &str = "correct horse";

/// One browser (or curl, or attacker): a name and a cookie jar.
pub struct Client {
    pub(crate) name: String,
    pub(crate) http: reqwest::Client,
    /// Cookie name to value, like a browser's jar for one site.
    pub(crate) jar: BTreeMap<String, String>,
    /// The `User-Agent` header to send, if any (reqwest sends none by default).
    pub(crate) user_agent: Option<String>,
    pub(crate) shared: Arc<Mutex<Transcript>>,
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

    /// Sends every request from `address`, a loopback address such as `127.0.0.3`, so
    /// that the server sees this client at an address of its own, as it would see two
    /// people on two machines (lesson 08 counts failed logins per address). Noted in the
    /// transcript.
    ///
    /// Every `127.x.y.z` reaches this machine on Linux and Windows. macOS answers only on
    /// `127.0.0.1` until told otherwise, once per boot: `sudo ifconfig lo0 alias
    /// 127.0.0.3 up`.
    pub fn local_address(mut self, address: &str) -> Self {
        let ip: std::net::IpAddr = address
            .parse()
            .unwrap_or_else(|_| panic!("{address:?} is not an IP address, e.g. 127.0.0.3"));
        // Tried now, so that a system without it fails here with one clear line rather
        // than with a request that never left.
        if let Err(error) = std::net::TcpListener::bind((ip, 0)) {
            panic!(
                "{} cannot send from {address} ({error}): this system does not answer on \
                 that loopback address. On macOS, add it once per boot with: sudo ifconfig \
                 lo0 alias {address} up",
                self.name
            );
        }
        self.http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(ip)
            .build()
            .expect("a reqwest client");
        let line = format!("✎ {} sends from {address}\n", self.name);
        self.shared.lock().unwrap().write(&line, Style::Note);
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

    /// `POST /api/register` with `username` and [`PASSWORD`], whatever the answer.
    pub async fn register(&mut self, username: &str) -> Reply {
        self.post("register", "/api/register", credentials(username, PASSWORD))
            .await
    }

    /// `POST /api/login` with `username` and `password`.
    pub async fn login(&mut self, username: &str, password: &str) -> Reply {
        self.post("log in", "/api/login", credentials(username, password))
            .await
    }

    /// The shortest of three logins (the least disturbed by other work), and the last
    /// answer: for the checks that a failed login takes as long as any other.
    pub async fn fastest_login(
        &mut self,
        username: &str,
        password: &str,
    ) -> (std::time::Duration, Reply) {
        let mut fastest = std::time::Duration::MAX;
        let mut reply = None;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            reply = Some(self.login(username, password).await);
            fastest = fastest.min(start.elapsed());
        }
        (fastest, reply.expect("three logins"))
    }

    /// `GET /api/me`: who the server thinks this client is.
    pub async fn me(&mut self) -> Reply {
        self.get("who am I?", "/api/me").await
    }

    /// `DELETE /api/logout`.
    pub async fn logout(&mut self) -> Reply {
        self.delete("log out", "/api/logout").await
    }

    /// Registers `username` with [`PASSWORD`] and expects a 201: a
    /// shortcut for tests about what comes *after* registering. Returns the new user.
    pub async fn register_ok(&mut self, username: &str) -> Value {
        let reply = self.register(username).await;
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
        self.pause_before(title);
        let url = format!("{}{path}", self.shared.lock().unwrap().base_url);
        let mut request = self.http.request(method.clone(), &url);
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

        let curl = curl_command(&method, &url, &sent_headers, &sent_body);
        self.shared.lock().unwrap().write_exchange(
            &Sent {
                client: &self.name,
                title,
                method: &method,
                path,
                headers: &sent_headers,
                body: &sent_body,
            },
            &reply,
            Some(curl),
        );
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

    /// With `--step` in a live demo: waits for the presenter before the next step.
    fn pause_before(&self, title: &str) {
        let (color, next) = {
            let shared = self.shared.lock().unwrap();
            let next = shared.step + 1;
            match shared.prints(next) {
                Some(live) if live.step => (live.color, next),
                _ => return,
            }
        };
        // A blocking read on the runtime, on purpose and only in a live demo with `--step`:
        // no request is in flight while the presenter talks, and the server's tasks run on
        // the runtime's other worker threads. The transcript's lock is released first.
        if !wait_for_enter(color, next, title) {
            println!("\nThe demo ends here.");
            std::process::exit(0);
        }
    }
}

/// `{"username": …, "password": …}`, the body of register and login.
pub fn credentials(username: &str, password: &str) -> Value {
    json!({ "username": username, "password": password })
}

/// The curl command that sends the same request, with the cookies the client holds now:
/// what `--curl` prints so a class can replay a step by hand.
fn curl_command(method: &Method, url: &str, headers: &[(String, String)], body: &[u8]) -> String {
    let mut command = String::from("curl -i");
    if method != Method::GET {
        command.push_str(&format!(" -X {method}"));
    }
    command.push_str(&format!(" {}", shell_quote(url)));
    for (name, value) in headers {
        command.push_str(&format!(" -H {}", shell_quote(&format!("{name}: {value}"))));
    }
    if !body.is_empty() {
        let body = String::from_utf8_lossy(body);
        command.push_str(&format!(" --data-raw {}", shell_quote(&body)));
    }
    command
}

/// Single quotes for a POSIX shell: `it's` becomes `'it'\''s'`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
