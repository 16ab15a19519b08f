//! The check of exercise 07-2, "login links": a one-time link, asked for on one server
//! and used on the other, once. Its story is in
//! `tests/snapshots/exercise_2_login_links.snap`.
//!
//! `cargo test -p lesson-07-two-servers --test api -- exercise_2_login_links::` checks the
//! reference (solutions/); add `--features 07-2-login-links` to check your starter
//! (exercises/).

// The reference, or with `--features 07-2-login-links` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "07-2-login-links")))]
#[path = "../../exercises/2_login_links.rs"]
mod starter;
#[cfg(not(feature = "07-2-login-links"))]
#[path = "../../solutions/2_login_links.rs"]
mod yours;
#[cfg(feature = "07-2-login-links")]
#[path = "../../exercises/2_login_links.rs"]
mod yours;

use std::time::Duration;

use common::Accounts;
use lesson_06_server_sessions::{AppState, COOKIE_NAME, SessionStore, Timeouts, routes};
use serde_json::{Value, json};
use story::hint_assert;
use story::{Reply, Story};

const TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(60 * 60),
};

/// Servers "A" and "B": lesson 06 plus your two endpoints, on one database, each with its
/// own connections (as two processes would have). The clients are pointed at A.
async fn servers() -> Story {
    let mut story = Story::recording();
    let config = story.config();
    for name in ["A", "B"] {
        let accounts = Accounts::connect(&config, story.clock())
            .await
            .expect("the check's database");
        let pool = accounts.users.pool().clone();
        let sessions = SessionStore::open(pool.clone(), story.clock(), TIMEOUTS)
            .await
            .expect("the sessions table");
        let links = yours::LoginLinks::open(pool, story.clock())
            .await
            .expect("the login_links table");
        let state = AppState {
            accounts,
            sessions,
            cookie_secure: false,
        };
        let app = routes(state.clone()).merge(yours::routes(state, links));
        story.start_named_server(name, app).await;
    }
    story.redact_cookie(COOKIE_NAME, "token");
    story.redact_json_field("code", "code");
    story.use_server("A");
    story
}

/// Points the clients at `server` and names it in the step's title, as the lesson's story.
fn to(story: &Story, server: &str, title: &str) -> String {
    story.use_server(server);
    format!("on {server}: {title}")
}

/// A reply's status, and its body if it has one, for a hint.
fn answer(reply: &Reply) -> String {
    if reply.body.is_empty() {
        reply.status.to_string()
    } else {
        format!("{} {}", reply.status, reply.body)
    }
}

/// The code of a `POST /api/login-links` answer, with a hint when there is none.
fn code_of(reply: &Reply, step: &str) -> String {
    hint_assert!(
        reply.status == 201,
        "{step}: POST /api/login-links with a live session must answer 201 {{\"code\": …}}, \
         got {}",
        answer(reply)
    );
    reply.json()["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{step}: no code in {}", reply.body))
        .to_owned()
}

async fn story(story: Story) -> String {
    story.say("Alice is logged in on her laptop, on A. She wants her phone logged in too.");
    let alice = json!({ "username": "alice", "password": "correct horse battery" });
    let mut laptop = story.client("Laptop");
    laptop
        .post(&to(&story, "A", "Alice registers"), "/api/register", alice)
        .await;
    let reply = laptop
        .post(
            &to(&story, "A", "The laptop asks for a login link"),
            "/api/login-links",
            json!({}),
        )
        .await;
    let code = reply.json()["code"].as_str().unwrap_or_default().to_owned();
    story.say("The laptop shows the link as a QR code. The phone opens it, and lands on B.");
    let mut phone = story.client("Phone");
    phone
        .post(
            &to(&story, "B", "The phone opens the link"),
            &format!("/api/login-links/{code}"),
            json!({}),
        )
        .await;
    phone
        .get(&to(&story, "B", "The phone asks who she is"), "/api/me")
        .await;
    story.say("Mallory photographed the QR code over Alice's shoulder.");
    let mut mallory = story.client("Mallory");
    mallory
        .post(
            &to(&story, "A", "Mallory opens the same link"),
            &format!("/api/login-links/{code}"),
            json!({}),
        )
        .await;
    let reply = laptop
        .post(
            &to(&story, "A", "The laptop asks for another link"),
            "/api/login-links",
            json!({}),
        )
        .await;
    let code = reply.json()["code"].as_str().unwrap_or_default().to_owned();
    story.advance_clock(Duration::from_secs(10 * 60));
    let mut tablet = story.client("Tablet");
    tablet
        .post(
            &to(&story, "B", "The tablet opens it, 10 minutes later"),
            &format!("/api/login-links/{code}"),
            json!({}),
        )
        .await;
    mallory
        .post(
            &to(&story, "B", "Mallory asks for a link of her own"),
            "/api/login-links",
            json!({}),
        )
        .await;
    story.finish().await
}

#[tokio::test]
async fn the_story() {
    story::assert_story!("exercise_2_login_links", story(servers().await).await);
}

#[tokio::test]
async fn a_link_made_on_a_logs_in_once_on_b_and_never_again() {
    let app = servers().await;
    let mut laptop = app.client("Laptop");
    let alice = laptop.register_ok("alice").await;
    let code = code_of(
        &laptop.post("a link", "/api/login-links", json!({})).await,
        "a link asked for on A",
    );
    app.use_server("B");
    let reply = app
        .client("Phone")
        .post("opens it", &format!("/api/login-links/{code}"), json!({}))
        .await;
    hint_assert!(
        reply.status == 200 && reply.json()["id"] == alice["id"],
        "a link asked for on A and opened on B must log Alice in there, got {}: the link \
         must be in the database both servers share",
        answer(&reply)
    );
    for server in ["B", "A"] {
        app.use_server(server);
        let reply = app
            .client("Mallory")
            .post(
                "opens it again",
                &format!("/api/login-links/{code}"),
                json!({}),
            )
            .await;
        hint_assert!(
            reply.status == 404,
            "a link used once must be refused on {server} the next time (404), got {}: a \
             used link must be gone, so redeem must remove its row",
            answer(&reply)
        );
        reply.assert_error(404, "No such link");
    }
}

#[tokio::test]
async fn an_hour_old_link_is_refused() {
    let app = servers().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let code = code_of(
        &laptop.post("a link", "/api/login-links", json!({})).await,
        "a link",
    );
    app.clock().advance(Duration::from_secs(60 * 60));
    let reply = app
        .client("Tablet")
        .post(
            "an hour later",
            &format!("/api/login-links/{code}"),
            json!({}),
        )
        .await;
    hint_assert!(
        reply.status == 404,
        "a link used an hour after it was made must be refused (404), got {}: a link keeps \
         the end of its life (now + LINK_SECONDS, in seconds, by the store's clock), and \
         redeem finds it only while now is before that end",
        answer(&reply)
    );
}

#[tokio::test]
async fn one_link_sent_to_both_servers_at_once_logs_in_once() {
    let app = servers().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let urls: Vec<String> = ["A", "B"]
        .iter()
        .map(|server| {
            app.use_server(server);
            app.url()
        })
        .collect();
    for round in 1..=10 {
        app.use_server("A");
        let reply = laptop
            .post("asks for a link", "/api/login-links", json!({}))
            .await;
        let code = code_of(&reply, "a link for the race");
        // Twenty phones at once, half of them reaching A, half B: plain requests, each
        // to its own server, since the story's clients all follow one server at a time.
        let mut tries = tokio::task::JoinSet::new();
        for i in 0..20 {
            let url = format!("{}/api/login-links/{code}", urls[i % 2]);
            tries.spawn(async move {
                let response = reqwest::Client::new()
                    .post(url)
                    .send()
                    .await
                    .expect("the server answers");
                response.status().as_u16()
            });
        }
        let mut statuses = Vec::new();
        while let Some(status) = tries.join_next().await {
            statuses.push(status.expect("a request task"));
        }
        let logged_in = statuses.iter().filter(|&&status| status == 200).count();
        let refused = statuses.iter().filter(|&&status| status == 404).count();
        let others: Vec<String> = statuses
            .iter()
            .filter(|&&status| status != 200 && status != 404)
            .map(u16::to_string)
            .collect();
        hint_assert!(
            others.is_empty(),
            "round {round}: one link sent 20 times at once, to A and B alike, must be \
             answered 200 once and 404 for the others, got {}",
            others.join(", ")
        );
        hint_assert!(
            logged_in > 0,
            "round {round}: one link sent 20 times at once, to A and B alike, must log in \
             once, and all {refused} requests were refused"
        );
        hint_assert!(
            logged_in == 1,
            "one link sent 20 times at once, to A and B alike, logged in more than once: it \
             must log in exactly once (one 200, nineteen 404). Finding the link and using it \
             up must be one statement: with two, several requests find it before any of them \
             removes it"
        );
    }
}

#[tokio::test]
async fn a_link_is_good_for_ten_minutes_to_the_second() {
    let app = servers().await;
    let mut laptop = app.client("Laptop");
    let alice = laptop.register_ok("alice").await;
    let first = code_of(
        &laptop.post("link 1", "/api/login-links", json!({})).await,
        "the first link",
    );
    let second = code_of(
        &laptop.post("link 2", "/api/login-links", json!({})).await,
        "the second link",
    );
    hint_assert!(first != second, "each link must have a code of its own");
    app.clock().advance(Duration::from_secs(10 * 60 - 1));
    app.use_server("B");
    let mut phone = app.client("Phone");
    let reply = phone
        .post(
            "9:59 later",
            &format!("/api/login-links/{first}"),
            json!({}),
        )
        .await;
    hint_assert!(
        reply.status == 200 && reply.json()["id"] == alice["id"],
        "a link used 9 minutes 59 seconds after it was made must log Alice in, got {}",
        answer(&reply)
    );
    hint_assert!(
        phone.cookie(COOKIE_NAME).is_some() && phone.me().await.json()["username"] == "alice",
        "after using a link, the phone must hold a session of Alice's"
    );
    app.clock().advance(Duration::from_secs(1));
    let reply = app
        .client("Tablet")
        .post(
            "10:00 later",
            &format!("/api/login-links/{second}"),
            json!({}),
        )
        .await;
    hint_assert!(
        reply.status == 404,
        "a link used 10 minutes after it was made must be refused (404), got {}: it is \
         good while now is before its end, not at it",
        answer(&reply)
    );
    reply.assert_error(404, "No such link");
}

#[tokio::test]
async fn the_table_keeps_no_code_and_a_made_up_code_is_refused() {
    let app = servers().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let code = code_of(
        &laptop.post("a link", "/api/login-links", json!({})).await,
        "a link",
    );
    hint_assert!(
        !app.database_holds("story", code.as_bytes()).await,
        "the database holds the link's code as it is: a copy of the table would open it. \
         Keep its hash instead (the helper in your file)"
    );
    for bogus in ["nothing-like-a-code", "x"] {
        let reply = app
            .client("Mallory")
            .post("guesses", &format!("/api/login-links/{bogus}"), json!({}))
            .await;
        hint_assert!(
            reply.status == 404,
            "a code that was never made must be refused with 404, got {}",
            answer(&reply)
        );
    }
    let reply = app
        .client("Nobody")
        .post("asks", "/api/login-links", json!({}))
        .await;
    reply.assert_error(401, "Not logged in");
    let _: Value = laptop.me().await.json();
}
