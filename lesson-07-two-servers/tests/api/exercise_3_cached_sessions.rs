//! The check of exercise 07-3, "cached sessions": two servers, each answering
//! `GET /api/me` from a cache in its own memory, so that a session ended through one of
//! them lives on in the other.
//!
//! Four checks, one per test:
//! 1. your test FAILS against the flawed servers (the flawed `lookup`, kept here), and
//!    when it passes there, the check says which step of the catch it left out;
//! 2. your test FAILS against servers that know nobody, so that its 401 means something;
//! 3. your test PASSES against servers with your `lookup`;
//! 4. with your `lookup`, a session ended through either server (a logout, or ending it
//!    from the session list) is refused at once by the other, and a live one still works.
//!
//! `cargo test -p lesson-07-two-servers --test api -- exercise_3_cached_sessions::` checks
//! the reference (solutions/); add `--features 07-3-cached-sessions` to check your starter
//! (exercises/).

// The reference, or with `--features 07-3-cached-sessions` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "07-3-cached-sessions")))]
#[path = "../../exercises/3_cached_sessions.rs"]
mod starter;
#[cfg(not(feature = "07-3-cached-sessions"))]
#[path = "../../solutions/3_cached_sessions.rs"]
mod yours;
#[cfg(feature = "07-3-cached-sessions")]
#[path = "../../exercises/3_cached_sessions.rs"]
mod yours;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use common::{Accounts, ApiError, Json};
use lesson_06_server_sessions::{AppState, COOKIE_NAME, LoggedIn, SessionStore, Timeouts, routes};
use serde_json::Value;
use story::hint_assert;
use story::{Client, Story, TestOutcome, test_outcome};

const TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(60 * 60),
};

/// The flaw, as the starter has it: an answer this server found once is trusted.
async fn flawed_lookup(
    cache: &yours::Cache,
    store: &SessionStore,
    token: &str,
) -> Result<Option<LoggedIn>, sqlx::Error> {
    if let Some(known) = cache.get(token) {
        return Ok(Some(known));
    }
    let found = store.lookup(token).await?;
    if let Some(found) = &found {
        cache.put(token, found.clone());
    }
    Ok(found)
}

// ── the check's servers: lesson 06, with /api/me and /api/logout through a cache ──────

#[derive(Clone, Copy, PartialEq)]
enum Lookup {
    Flawed,
    Yours,
    /// Knows nobody: every `GET /api/me` is a 401. A test whose only claim is "a 401 at
    /// the end" passes here, though it proves nothing.
    Nobody,
}

/// What one server keeps: its name, its store, its own cache, which `lookup` it runs, and
/// the trace both servers write.
#[derive(Clone)]
struct Cached {
    name: &'static str,
    store: SessionStore,
    cache: Arc<yours::Cache>,
    lookup: Lookup,
    trace: Arc<Mutex<Trace>>,
}

/// What a test made the servers do: enough to say which step of the catch a test left
/// out, when it passes against the flawed servers.
#[derive(Default)]
struct Trace {
    /// A answered `/api/me` with a user: from then on, A's memory holds that session.
    a_found: bool,
    /// A session was ended through B (a logout, or from the session list).
    ended_on_b: bool,
    /// A session was ended through A, whose own logout also empties its memory.
    ended_on_a: bool,
    /// A answered from its memory for a session the database no longer has.
    a_answered_an_ended_session: bool,
}

impl Trace {
    /// The step a test that passed against the flawed servers left out.
    fn missing_step(&self) -> &'static str {
        if !self.a_found {
            "A never answered /api/me with the user, so A had nothing in its memory to go \
             stale: let A find the session before it ends"
        } else if !self.ended_on_b && self.ended_on_a {
            "the session was ended through A, whose own logout forgets it: end it through B, \
             which A does not hear from"
        } else if !self.ended_on_b {
            "no session was ended through B: end one there (a logout, or from the session \
             list)"
        } else if !self.a_answered_an_ended_session {
            "after the session ended on B, no request brought its cookie back to A: replay \
             the saved copy on A"
        } else {
            "A answered /api/me for the session B had ended, and your test did not fail: \
             expect a 401 there"
        }
    }
}

/// Answers `GET /api/me` and `DELETE /api/logout` itself, through the cache; every other
/// request goes on to lesson 06's routes. Notes in the trace where sessions end, and what
/// the flawed A answers.
async fn through_cache(
    State(server): State<Cached>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let jar = CookieJar::from_headers(request.headers());
    let token = jar.get(COOKIE_NAME).map(|cookie| cookie.value().to_owned());
    if method == Method::DELETE && (path == "/api/logout" || path.starts_with("/api/sessions")) {
        let mut trace = server.trace.lock().unwrap();
        match server.name {
            "A" => trace.ended_on_a = true,
            _ => trace.ended_on_b = true,
        }
    }
    match (method, path.as_str(), token) {
        (Method::GET, "/api/me", token) => {
            let found = match token {
                None => None,
                Some(_) if server.lookup == Lookup::Nobody => None,
                Some(token) if server.lookup == Lookup::Flawed => {
                    let remembered = server.cache.get(&token).is_some();
                    let found = flawed_lookup(&server.cache, &server.store, &token).await?;
                    if server.name == "A"
                        && let Some(found) = &found
                    {
                        // Still in the database? The list shows live sessions, and reading
                        // it touches none.
                        let live = server.store.list(found.user.id).await?;
                        let ended = !live
                            .iter()
                            .any(|session| session.public_id == found.session.public_id);
                        let mut trace = server.trace.lock().unwrap();
                        trace.a_found = true;
                        trace.a_answered_an_ended_session |= remembered && ended;
                    }
                    found
                }
                Some(token) => yours::lookup(&server.cache, &server.store, &token).await?,
            };
            Ok(match found {
                Some(LoggedIn { user, .. }) => Json(user).into_response(),
                None => (StatusCode::UNAUTHORIZED, Json(Value::Null)).into_response(),
            })
        }
        (Method::DELETE, "/api/logout", token) => {
            if let Some(token) = token {
                server.cache.forget(&token);
                server.store.delete(&token).await?;
            }
            let removed = jar.remove(Cookie::build(COOKIE_NAME).path("/"));
            Ok((StatusCode::NO_CONTENT, removed).into_response())
        }
        _ => Ok(next.run(request).await),
    }
}

/// Servers "A" and "B": lesson 06 on one database, each with a cache of its own (as two
/// processes would have), and the clients pointed at A.
async fn servers(lookup: Lookup) -> Story {
    traced_servers(lookup).await.0
}

/// [`servers`], and the trace of what they were asked to do.
async fn traced_servers(lookup: Lookup) -> (Story, Arc<Mutex<Trace>>) {
    let mut story = Story::recording();
    let config = story.config();
    let trace = Arc::new(Mutex::new(Trace::default()));
    for name in ["A", "B"] {
        let accounts = Accounts::connect(&config, story.clock())
            .await
            .expect("the check's database");
        let pool = accounts.users.pool().clone();
        let store = SessionStore::open(pool, story.clock(), TIMEOUTS)
            .await
            .expect("the sessions table");
        let cached = Cached {
            name,
            store: store.clone(),
            cache: Arc::new(yours::Cache::default()),
            lookup,
            trace: trace.clone(),
        };
        let state = AppState {
            accounts,
            sessions: store,
            cookie_secure: false,
        };
        let app = routes(state).layer(from_fn_with_state(cached, through_cache));
        story.start_named_server(name, app).await;
    }
    story.use_server("A");
    (story, trace)
}

// ── the three checks ──────────────────────────────────────────────────────────────────

/// Fails with a hint when your test stopped at its `todo!()`.
fn written(outcome: TestOutcome) {
    hint_assert!(
        outcome != TestOutcome::Todo,
        "`your_test` is not written yet (it reached its todo!()). Step 1: write the test \
         that ends a session through B and replays its cookie on A"
    );
}

#[tokio::test]
async fn your_test_fails_against_the_flawed_servers() {
    let (app, trace) = traced_servers(Lookup::Flawed).await;
    let outcome = test_outcome(yours::your_test(app)).await;
    written(outcome);
    let missing = trace.lock().unwrap().missing_step();
    hint_assert!(
        outcome == TestOutcome::Failed,
        "your test PASSES against the flawed servers, where A answers from its memory a \
         token it has seen before. It must fail there, but {missing}"
    );
}

#[tokio::test]
async fn your_test_fails_against_servers_that_know_nobody() {
    let outcome = test_outcome(yours::your_test(servers(Lookup::Nobody).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Failed,
        "your test PASSES against servers that know nobody at all (every /api/me is a 401, \
         even for a live session): check that A knew Alice before her session ended, so \
         that the 401 afterwards means the end reached A"
    );
}

#[tokio::test]
async fn your_test_passes_against_your_fixed_servers() {
    let outcome = test_outcome(yours::your_test(servers(Lookup::Yours).await)).await;
    written(outcome);
    hint_assert!(
        outcome == TestOutcome::Passed,
        "your test FAILS against the servers with your `lookup` (its panic is printed \
         above). If you have not fixed `lookup` yet, that is step 2. If you have, your test \
         fails for another reason: a test must pass against servers without the flaw"
    );
}

/// `GET /api/me` on `server`: the status, and the username if there is one.
async fn me_on(app: &Story, server: &str, client: &mut Client) -> (u16, Value) {
    app.use_server(server);
    let reply = client.me().await;
    (reply.status, reply.json()["username"].clone())
}

#[tokio::test]
async fn with_your_lookup_an_end_on_one_server_is_an_end_on_both() {
    let app = servers(Lookup::Yours).await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let (status, name) = me_on(&app, "A", &mut alice).await;
    hint_assert!(
        status == 200 && name == "alice",
        "with your `lookup`, a live session must still be found: /api/me on A after \
         registering must be Alice, got {status} {name}"
    );
    let (status, _) = me_on(&app, "B", &mut alice).await;
    hint_assert!(
        status == 200,
        "with your `lookup`, B must find a session A started, got {status}"
    );

    // Ended through B by a logout: A refuses the saved cookie at once.
    let copy = alice.cookies();
    app.use_server("B");
    alice.logout().await;
    let mut replay = app.client("Replay");
    replay.restore_cookies(&copy);
    for _ in 0..2 {
        let (status, _) = me_on(&app, "A", &mut replay).await;
        hint_assert!(
            status == 401,
            "with your `lookup`, a session logged out on B must be refused on A at once, \
             got {status}: A must not answer from what it remembers"
        );
    }

    // Ended from the session list on A: B refuses it at once, and the list's own
    // session goes on working on both.
    let mut laptop = app.client("Laptop");
    let mut phone = app.client("Phone");
    app.use_server("B");
    laptop.login("alice", story::PASSWORD).await;
    phone.login("alice", story::PASSWORD).await;
    assert_eq!(me_on(&app, "B", &mut laptop).await.0, 200);
    app.use_server("A");
    let list = phone.get("lists", "/api/sessions").await.json();
    let laptops = list
        .as_array()
        .and_then(|list| list.iter().find(|entry| entry["current"] == false))
        .and_then(|entry| entry["id"].as_str())
        .expect("the laptop's session in the list")
        .to_owned();
    phone
        .delete("ends the laptop's", &format!("/api/sessions/{laptops}"))
        .await;
    let (status, _) = me_on(&app, "B", &mut laptop).await;
    hint_assert!(
        status == 401,
        "with your `lookup`, a session ended from the list on A must be refused on B at \
         once, got {status}"
    );
    for server in ["A", "B"] {
        let (status, _) = me_on(&app, server, &mut phone).await;
        hint_assert!(
            status == 200,
            "the phone's own session must still work on {server}, got {status}"
        );
    }
}
