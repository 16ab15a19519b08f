//! The check of exercise 06-2, "log out my other devices": `DELETE /api/sessions/others`
//! ends every session of the user except the one asking, and nobody else's. Its story is
//! in `tests/snapshots/exercise_2_log_out_others.snap`.
//!
//! `cargo test -p lesson-06-server-sessions --test api -- exercise_2_log_out_others::`
//! checks the reference (solutions/); add `--features 06-2-log-out-others` to check your
//! starter (exercises/).

// The reference, or with `--features 06-2-log-out-others` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "06-2-log-out-others")))]
#[path = "../../exercises/2_log_out_others.rs"]
mod starter;
#[cfg(not(feature = "06-2-log-out-others"))]
#[path = "../../solutions/2_log_out_others.rs"]
mod yours;
#[cfg(feature = "06-2-log-out-others")]
#[path = "../../exercises/2_log_out_others.rs"]
mod yours;

use std::time::Duration;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::Response;
use axum::routing::delete;
use common::Accounts;
use lesson_06_server_sessions::{AppState, COOKIE_NAME, SessionStore, Timeouts, routes};
use serde_json::json;
use story::hint_assert;
use story::{Client, PASSWORD, Reply, Story, spawn_app};

const OTHERS: &str = "/api/sessions/others";

const TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(60 * 60),
};

/// The lesson's routes, plus yours at `DELETE /api/sessions/others`.
async fn server() -> Story {
    let mut app = spawn_app(|config, clock| async move {
        let accounts = Accounts::connect(&config, clock.clone()).await?;
        let pool = accounts.users.pool().clone();
        let sessions = SessionStore::open(pool, clock, TIMEOUTS).await?;
        let state = AppState {
            accounts,
            sessions,
            cookie_secure: config.cookie_secure,
        };
        let others = Router::new()
            .route(OTHERS, delete(yours::log_out_others))
            // Like every answer of the lesson's API: never kept in a cache.
            .layer(axum::middleware::map_response(no_store))
            .with_state(state.clone());
        Ok::<_, sqlx::Error>(routes(state).merge(others))
    })
    .await;
    app.redact_cookie(COOKIE_NAME, "token");
    app.redact_json_field("id", "session id");
    app
}

async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A reply's status, and its body if it has one, for a hint.
fn answer(reply: &Reply) -> String {
    if reply.body.is_empty() {
        reply.status.to_string()
    } else {
        format!("{} {}", reply.status, reply.body)
    }
}

/// The names of the cookies a reply sets, for a hint: `session`.
fn cookie_names(reply: &Reply) -> String {
    let names: Vec<&str> = reply
        .set_cookies()
        .iter()
        .map(|line| line.split('=').next().unwrap_or_default())
        .collect();
    names.join(" and ")
}

/// A client named `name` whose browser calls itself `agent`, logged in as `username`.
async fn logged_in(app: &Story, name: &str, agent: &str, username: &str) -> Client {
    let mut client = app.client(name).user_agent(agent);
    let reply = client.login(username, PASSWORD).await;
    assert_eq!(reply.status, 200, "{name} logs in: {}", reply.body);
    client
}

async fn me_status(client: &mut Client) -> u16 {
    client.me().await.status
}

/// `DELETE /api/sessions/others` from `client`: the number of sessions it says it ended.
async fn log_out_others(client: &mut Client, title: &str) -> u64 {
    let reply = client.delete(title, OTHERS).await;
    hint_assert!(
        reply.status == 200,
        "{title}: DELETE {OTHERS} with a live session must answer 200, got {}",
        answer(&reply)
    );
    hint_assert!(
        reply.set_cookies().is_empty(),
        "{title}: this browser stays logged in, so the answer must leave its cookie alone: \
         no Set-Cookie, got one for {}",
        cookie_names(&reply)
    );
    let ended = reply.json()["ended"].as_u64();
    hint_assert!(
        ended.is_some() && reply.json() == json!({ "ended": ended }),
        "{title}: the answer must be exactly {{\"ended\": N}}, a number, got {}",
        reply.body
    );
    ended.unwrap_or_default()
}

#[tokio::test]
async fn story() {
    let app = server().await;
    app.say("Alice is logged in on three devices, Bob on one.");
    let mut laptop = app.client("Laptop").user_agent("Firefox on Alice's laptop");
    laptop
        .post(
            "Alice registers on her laptop",
            "/api/register",
            json!({ "username": "alice", "password": PASSWORD }),
        )
        .await;
    let mut phone = app.client("Phone").user_agent("Safari on Alice's phone");
    phone
        .post(
            "Alice logs in on her phone",
            "/api/login",
            json!({ "username": "alice", "password": PASSWORD }),
        )
        .await;
    let mut library = app.client("Library").user_agent("Edge at the city library");
    library
        .post(
            "Alice logs in at the library",
            "/api/login",
            json!({ "username": "alice", "password": PASSWORD }),
        )
        .await;
    let mut bob = app.client("Bob").user_agent("Chrome on Bob's computer");
    bob.post(
        "Bob registers on his computer",
        "/api/register",
        json!({ "username": "bob", "password": PASSWORD }),
    )
    .await;

    phone
        .get("The phone lists Alice's sessions", "/api/sessions")
        .await;
    app.say("From her phone, Alice logs out of all her other devices.");
    phone
        .delete("The phone logs the other devices out", OTHERS)
        .await;
    phone
        .get("The phone lists Alice's sessions again", "/api/sessions")
        .await;
    laptop.get("The laptop asks who it is", "/api/me").await;
    library
        .get("The library computer asks who it is", "/api/me")
        .await;
    bob.get("Bob asks who he is", "/api/me").await;
    phone
        .delete("The phone asks again: nothing left to end", OTHERS)
        .await;
    let mut stranger = app.client("Stranger");
    stranger
        .delete("Someone with no session tries it", OTHERS)
        .await;
    story::assert_story!("exercise_2_log_out_others", app.finish().await);
}

#[tokio::test]
async fn every_other_session_of_the_user_ends_and_this_one_stays() {
    let app = server().await;
    let mut laptop = app.client("Laptop").user_agent("laptop");
    laptop.register_ok("alice").await;
    let mut phone = logged_in(&app, "Phone", "phone", "alice").await;
    let mut library = logged_in(&app, "Library", "library", "alice").await;
    let mut bob = app.client("Bob");
    bob.register_ok("bob").await;
    let phone_token = phone.cookie(COOKIE_NAME);

    let reply = phone.delete("logs the others out", OTHERS).await;
    hint_assert!(
        reply.status == 200,
        "DELETE {OTHERS} with a live session must answer 200, got {}",
        answer(&reply)
    );
    hint_assert!(
        reply.json() == json!({ "ended": 2 }),
        "Alice has three sessions and asks from one of them: the answer must be \
         {{\"ended\": 2}}, got {}",
        reply.body
    );
    hint_assert!(
        reply.set_cookies().is_empty(),
        "the phone stays logged in, so the answer must not touch its cookie: no \
         Set-Cookie, got one for {}",
        cookie_names(&reply)
    );
    hint_assert!(
        phone.cookie(COOKIE_NAME) == phone_token,
        "the phone must keep the same session cookie"
    );
    let status = me_status(&mut phone).await;
    hint_assert!(
        status == 200,
        "the session that asked must stay alive: the phone's /api/me must be a 200, got \
         {status}. Did you end every session of the user, this one included?"
    );
    for (device, client) in [("laptop", &mut laptop), ("library", &mut library)] {
        let status = me_status(client).await;
        hint_assert!(
            status == 401,
            "Alice's {device} session must have ended: its /api/me must be a 401, got \
             {status}"
        );
    }
    let status = me_status(&mut bob).await;
    hint_assert!(
        status == 200,
        "Bob's session is not Alice's to end: his /api/me must still be a 200, got \
         {status}. Did you end the other sessions of *every* user?"
    );
    let listed = phone.get("lists", "/api/sessions").await.json();
    let agents: Vec<&str> = listed
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|s| s["user_agent"].as_str())
                .collect()
        })
        .unwrap_or_default();
    hint_assert!(
        agents == ["phone"],
        "afterwards Alice's session list must hold the phone alone, got {listed}"
    );
}

#[tokio::test]
async fn alone_there_is_nothing_to_end() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let ended = log_out_others(&mut alice, "alone").await;
    hint_assert!(
        ended == 0,
        "a user with one session has no other to end: {{\"ended\": 0}}, got {ended}"
    );
    let ended = log_out_others(&mut alice, "alone, again").await;
    hint_assert!(ended == 0, "asked twice, still 0, got {ended}");
    let status = me_status(&mut alice).await;
    hint_assert!(
        status == 200,
        "with nothing else to end, the session that asked must stay alive, got {status}"
    );
}

#[tokio::test]
async fn without_a_live_session_it_is_a_401() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let saved = alice.cookies();
    alice.logout().await;

    let mut nobody = app.client("Nobody");
    let mut garbage = app.client("Garbage");
    garbage.set_cookie(COOKIE_NAME, "not-a-token");
    let mut ended = app.client("Ended");
    ended.restore_cookies(&saved);
    for (who, client) in [
        ("no cookie", &mut nobody),
        ("a garbage cookie", &mut garbage),
        ("the cookie of a session that was logged out", &mut ended),
    ] {
        let reply = client.delete("without a session", OTHERS).await;
        hint_assert!(
            reply.status == 401,
            "DELETE {OTHERS} with {who} must be a 401, got {}",
            answer(&reply)
        );
        hint_assert!(
            reply.json() == json!({ "error": "Not logged in" }),
            "a 401 says {{\"error\": \"Not logged in\"}}, like the lesson's other \
             endpoints, got {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn only_the_asking_users_sessions_end() {
    let app = server().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;
    let mut bob_laptop = app.client("Bob's laptop");
    bob_laptop.register_ok("bob").await;
    let mut bob_phone = logged_in(&app, "Bob's phone", "phone", "bob").await;

    let ended = log_out_others(&mut alice, "Alice, whose only session is this one").await;
    for (device, client) in [("laptop", &mut bob_laptop), ("phone", &mut bob_phone)] {
        let status = me_status(client).await;
        hint_assert!(
            status == 200,
            "Alice logging out her other devices must leave Bob's {device} logged in, \
             got {status}: the sessions to end are those of the user who asks, and no \
             one else's. Did you end the other sessions of *every* user?"
        );
    }
    let status = me_status(&mut alice).await;
    hint_assert!(
        status == 200,
        "the session that asked must stay alive: Alice's /api/me must be a 200, got \
         {status}. Did you end every session of the user, this one included?"
    );
    hint_assert!(
        ended == 0,
        "Alice has no other session, so nothing of hers ends: {{\"ended\": 0}}, got \
         {ended}. Are you counting Bob's sessions too?"
    );
}

#[tokio::test]
async fn this_device_is_its_session_not_the_newest_or_the_oldest() {
    let app = server().await;
    let mut laptop = app.client("Laptop").user_agent("laptop");
    laptop.register_ok("alice").await;
    let mut phone = logged_in(&app, "Phone", "phone", "alice").await;
    let mut library = logged_in(&app, "Library", "library", "alice").await;

    // The phone is neither Alice's first session nor her last.
    let ended = log_out_others(&mut phone, "the phone logs the others out").await;
    let phone_status = me_status(&mut phone).await;
    let laptop_status = me_status(&mut laptop).await;
    let library_status = me_status(&mut library).await;
    let instead = match (laptop_status, library_status) {
        (200, 401) => "the laptop's session, Alice's oldest, was kept in its place",
        (401, 200) => "the library's session, Alice's newest, was kept in its place",
        (200, 200) => "the laptop and the library stay logged in",
        _ => "every session of hers ended, this one included",
    };
    hint_assert!(
        phone_status == 200,
        "the phone asked, so the phone's session must stay alive, but its /api/me is now \
         {phone_status}: {instead}. This device is the session its cookie leads to, \
         neither the oldest nor the newest: keep the session whose public id is this \
         request's, and end the others"
    );
    for (device, status) in [("laptop", laptop_status), ("library", library_status)] {
        hint_assert!(
            status == 401,
            "the phone logged Alice's other devices out, so her {device} session must have \
             ended: its /api/me must be a 401, got {status}"
        );
    }
    hint_assert!(
        ended == 2,
        "the phone ended Alice's two other sessions: the answer must be {{\"ended\": 2}}, \
         got {ended}"
    );
}

#[tokio::test]
async fn this_device_is_its_session_not_its_user_agent() {
    const FIREFOX: &str = "Firefox on Alice's laptop";
    let app = server().await;
    // Two windows of one browser on Alice's laptop, each logged in on its own (a private
    // window, say): two sessions that send the same User-Agent. And her phone.
    let mut window = app.client("Window").user_agent(FIREFOX);
    window.register_ok("alice").await;
    let mut phone = logged_in(&app, "Phone", "Safari on Alice's phone", "alice").await;
    let mut private = logged_in(&app, "Private window", FIREFOX, "alice").await;

    let ended = log_out_others(&mut private, "the private window logs the others out").await;
    let status = me_status(&mut window).await;
    hint_assert!(
        status == 401,
        "the private window logged Alice's other sessions out, and the other window of the \
         same browser is one of them: its /api/me must be a 401, got {status}. The two send \
         the same User-Agent, yet they are two sessions. A User-Agent names a kind of \
         browser (and a client writes whatever it likes there), not a session: tell this \
         device apart by the public id of the session its cookie leads to"
    );
    let status = me_status(&mut phone).await;
    hint_assert!(
        status == 401,
        "the phone's session must have ended too: its /api/me must be a 401, got {status}"
    );
    let status = me_status(&mut private).await;
    hint_assert!(
        status == 200,
        "the private window asked, so its session must stay alive: its /api/me must be a \
         200, got {status}"
    );
    hint_assert!(
        ended == 2,
        "two of Alice's sessions ended: the answer must be {{\"ended\": 2}}, got {ended}"
    );
}
