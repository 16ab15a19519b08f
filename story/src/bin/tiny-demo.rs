//! The harness's own demo: a tiny app and its story, played with a lesson's demo options
//! (see `story::live`), to try them without a lesson:
//!
//! ```text
//! cargo run -p story --bin tiny-demo -- --live --step --curl
//! ```
//!
//! The story has what makes a demo hard to replay: an account made beforehand (a set-up
//! request), a server restart, and a step two hours later on the story's clock. The replay
//! test (`tests/api/replay.rs`) plays it as a presenter would and replays its curls.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use common::{Clock, Json};
use serde_json::{Value, json};
use story::{Method, Story};

/// How long a pass is valid.
const PASS_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// What the server keeps. Shared by every start of the server, as a database file is: a
/// restart keeps the names and the passes.
#[derive(Clone, Default)]
struct Kept {
    names: Arc<Mutex<Vec<String>>>,
    /// A pass's value to whose it is and until when (Unix seconds).
    passes: Arc<Mutex<BTreeMap<String, (String, i64)>>>,
}

#[derive(Clone)]
struct Tiny {
    kept: Kept,
    clock: Clock,
    /// Which start of the server this is, sent in a `server-run` header (which the
    /// transcript does not show): the replay test tells the runs apart by it.
    run: u32,
}

impl Tiny {
    fn answer(&self, status: StatusCode, body: Value) -> Response {
        let run = self.run.to_string();
        (status, [("server-run", run)], Json(body)).into_response()
    }
}

fn name_in(body: &Value) -> String {
    body["name"].as_str().unwrap_or_default().to_owned()
}

async fn register(State(tiny): State<Tiny>, Json(body): Json<Value>) -> Response {
    let name = name_in(&body);
    let mut names = tiny.kept.names.lock().unwrap();
    if name.is_empty() || names.contains(&name) {
        return tiny.answer(StatusCode::CONFLICT, json!({ "error": "name taken" }));
    }
    names.push(name.clone());
    tiny.answer(StatusCode::CREATED, json!({ "registered": name }))
}

async fn login(State(tiny): State<Tiny>, jar: CookieJar, Json(body): Json<Value>) -> Response {
    let name = name_in(&body);
    if !tiny.kept.names.lock().unwrap().contains(&name) {
        return tiny.answer(StatusCode::UNAUTHORIZED, json!({ "error": "no such name" }));
    }
    let pass = common::config::new_secret();
    let until = tiny.clock.unix_now() + common::clock::seconds(PASS_LIFETIME);
    tiny.kept
        .passes
        .lock()
        .unwrap()
        .insert(pass.clone(), (name.clone(), until));
    let cookie = Cookie::build(("pass", pass)).http_only(true).path("/");
    let answer = tiny.answer(StatusCode::OK, json!({ "hello": name }));
    (jar.add(cookie), answer).into_response()
}

async fn me(State(tiny): State<Tiny>, jar: CookieJar) -> Response {
    let pass = jar.get("pass").map(|cookie| cookie.value().to_owned());
    let found = pass
        .as_ref()
        .and_then(|pass| tiny.kept.passes.lock().unwrap().get(pass).cloned());
    match found {
        Some((name, until)) if tiny.clock.unix_now() < until => {
            tiny.answer(StatusCode::OK, json!({ "you": name, "pass": pass }))
        }
        Some(_) => tiny.answer(StatusCode::UNAUTHORIZED, json!({ "error": "pass expired" })),
        None => tiny.answer(StatusCode::UNAUTHORIZED, json!({ "error": "no pass" })),
    }
}

fn app(kept: &Kept, clock: Clock, run: u32) -> Router {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/me", get(me))
        .with_state(Tiny {
            kept: kept.clone(),
            clock,
            run,
        })
}

async fn tiny_story(mut story: Story) -> String {
    story.redact_cookie("pass", "pass");
    let kept = Kept::default();
    story.start_server(app(&kept, story.clock(), 1)).await;
    let ada = json!({ "name": "ada" });

    story.say("Ada has an account already.");
    let mut browser = story.client("Ada");
    browser
        .set_up("Ada registers", Method::POST, "/register", ada.clone())
        .await;
    browser.post("Ada logs in", "/login", ada.clone()).await;
    browser.get("Ada's browser shows her pass", "/me").await;

    story.say("The server restarts. It keeps its passes, as a database would.");
    story.start_server(app(&kept, story.clock(), 2)).await;
    browser
        .get("The pass still works after the restart", "/me")
        .await;

    story.advance_clock(2 * PASS_LIFETIME);
    browser
        .get("Two hours later the pass has expired", "/me")
        .await;
    browser.post("Ada logs in again", "/login", ada).await;
    story.finish().await
}

#[tokio::main]
async fn main() {
    tiny_story(Story::live()).await;
}
