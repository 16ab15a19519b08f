//! A story's clients: each one a browser (or curl, or an attacker) with a cookie jar.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use axum_extra::extract::cookie::Cookie;
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::live::{Style, ask, end_the_demo};
use crate::reply::Reply;
use crate::stage::Stage;
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
    /// Headers sent with every request, after `User-Agent` (see [`Client::header`]).
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) shared: Arc<Mutex<Transcript>>,
    /// The story's servers: a demo's restarts wait for this client's next step.
    pub(crate) stage: Arc<Mutex<Stage>>,
    /// The address this client sends from, if not the usual one (see
    /// [`Client::local_address`]).
    pub(crate) local_address: Option<IpAddr>,
    /// Whether connections are kept between requests: in a test yes; in a demo no,
    /// since a server restarts there on the same address, and a kept connection would
    /// lead to the one that stopped.
    pub(crate) reuse_connections: bool,
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

    /// Sends header `name: value` on every request, as a browser adds `Origin` and
    /// `Sec-Fetch-Site` by itself (lesson 09). Shown in the transcript.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
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
        self.http = http_client(Some(ip), self.reuse_connections);
        self.local_address = Some(ip);
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
        let shown = self.before_step(title);
        Stage::play_held(&self.stage, shown).await;
        let request = self.prepare(method, path, payload);
        let reply = self.fetch(&request).await;
        for set_cookie in reply.set_cookies() {
            self.store_cookie(set_cookie);
        }
        self.shared.lock().unwrap().write_exchange(
            &request.sent(&self.name, title, path),
            &reply,
            request.curl(),
        );
        reply
    }

    /// Sends a set-up request: one that prepares the server for the story, such as the
    /// account that "Alice has already", and is no step of it. It is not written in the
    /// transcript, and whatever cookie it is given is not kept (it prepares the server,
    /// not this browser). A demo prints it before the step it prepares, numbered `0a`,
    /// `0b`... (before step 1), with its curl, so that a class can replay the story from
    /// the start against a fresh server. It must succeed (a 2xx): a story whose set-up
    /// failed would only mislead, so it stops here, saying why.
    ///
    /// ```ignore
    /// alice.set_up("Alice registers", Method::POST, "/api/register", credentials("alice", PASSWORD)).await;
    /// ```
    pub async fn set_up(
        &mut self,
        title: &str,
        method: Method,
        path: &str,
        payload: impl Into<Payload>,
    ) -> Reply {
        let shown = {
            let shared = self.shared.lock().unwrap();
            shared.prints(shared.step + 1).is_some()
        };
        Stage::play_held(&self.stage, shown).await;
        let request = self.prepare(method, path, payload.into());
        let reply = self.fetch(&request).await;
        assert!(
            (200..300).contains(&reply.status),
            "the set-up request {title:?} ({} {path}) got {}: {}",
            request.method,
            reply.status,
            reply.body
        );
        self.shared.lock().unwrap().write_set_up(
            &request.sent(&self.name, title, path),
            &reply,
            request.curl(),
        );
        reply
    }

    /// The request as it will be sent: this client's headers and cookies, and the body.
    fn prepare(&self, method: Method, path: &str, payload: Payload) -> Request {
        let url = format!("{}{path}", self.shared.lock().unwrap().base_url);
        let mut headers = Vec::new();
        if let Some(user_agent) = &self.user_agent {
            headers.push(("user-agent".to_owned(), user_agent.clone()));
        }
        headers.extend(self.headers.iter().cloned());
        if let Some(cookie) = self.cookie_header() {
            headers.push(("cookie".to_owned(), cookie));
        }
        let body = match payload {
            Payload::None => Vec::new(),
            Payload::Json(value) => {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
                serde_json::to_vec(&value).expect("JSON serializes")
            }
            Payload::Raw { content_type, body } => {
                if let Some(content_type) = content_type {
                    headers.push(("content-type".to_owned(), content_type));
                }
                body
            }
        };
        Request {
            method,
            url,
            headers,
            body,
            local_address: self.local_address,
        }
    }

    /// Sends `request` and reads the whole answer. No answer at all is a status-less
    /// reply, so that a story can show it.
    async fn fetch(&self, request: &Request) -> Reply {
        let mut builder = self.http.request(request.method.clone(), &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        match builder.send().await {
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
            Err(error) => Reply {
                status: 0,
                headers: Vec::new(),
                body: format!("(no response: {error})"),
            },
        }
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

    /// Before a step: with `--step` in a demo, waits for the presenter. Returns whether the
    /// demo prints this step.
    fn before_step(&self, title: &str) -> bool {
        let (live, number) = {
            let shared = self.shared.lock().unwrap();
            let number = shared.step + 1;
            (shared.prints(number).cloned(), number)
        };
        let shown = live.is_some();
        if let Some(live) = live.filter(|live| live.step) {
            let mut prompt = format!("▸ next: {number}. {title}");
            if let Some(held) = self.stage.lock().unwrap().held_summary() {
                prompt.push_str(&format!(" (first, {held})"));
            }
            prompt.push_str("   [Enter: play it · q + Enter: end the demo] ");
            if ask(live.color, &prompt) == "q" {
                end_the_demo();
            }
        }
        shown
    }
}

/// A request as it will be sent, and as the transcript and the curl show it.
struct Request {
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Where it is sent from, if not the usual address: the curl sends from there too.
    local_address: Option<IpAddr>,
}

impl Request {
    fn sent<'a>(&'a self, client: &'a str, title: &'a str, path: &'a str) -> Sent<'a> {
        Sent {
            client,
            title,
            method: &self.method,
            path,
            headers: &self.headers,
            body: &self.body,
        }
    }

    /// The curl command that sends the same request, with the cookies the client holds
    /// now: what `--curl` prints so a class can replay a step by hand.
    fn curl(&self) -> String {
        let mut command = String::from("curl -i");
        if let Some(address) = self.local_address {
            command.push_str(&format!(" --interface {address}"));
        }
        if self.method != Method::GET {
            command.push_str(&format!(" -X {}", self.method));
        }
        command.push_str(&format!(" {}", shell_quote(&self.url)));
        for (name, value) in &self.headers {
            command.push_str(&format!(" -H {}", shell_quote(&format!("{name}: {value}"))));
        }
        if !self.body.is_empty() {
            let body = String::from_utf8_lossy(&self.body);
            command.push_str(&format!(" --data-raw {}", shell_quote(&body)));
        }
        command
    }
}

/// A client that follows no redirect (a story shows each one), sends from `local` if set,
/// and keeps its connections open between requests only if `reuse_connections`.
pub(crate) fn http_client(local: Option<IpAddr>, reuse_connections: bool) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(local);
    if !reuse_connections {
        builder = builder.pool_max_idle_per_host(0);
    }
    builder.build().expect("a reqwest client")
}

/// `{"username": …, "password": …}`, the body of register and login.
pub fn credentials(username: &str, password: &str) -> Value {
    json!({ "username": username, "password": password })
}

/// Single quotes for a POSIX shell: `it's` becomes `'it'\''s'`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
