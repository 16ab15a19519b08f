//! The weak spots of server-side sessions, each tried over real HTTP.
//!
//! Every test starts the lesson on 127.0.0.1 with its own SQLite file and plays a user
//! (or an attacker) step by step. The transcripts are not snapshotted here; the asserts
//! are the check.

use std::collections::HashSet;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::story::{Client, Story};
use lesson_06_server_sessions::{Timeouts, app};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

const TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(24 * 60 * 60),
};

async fn started() -> Story {
    let mut story = Story::recording();
    let routes = app(&story.config(), story.clock(), TIMEOUTS)
        .await
        .expect("the app starts");
    story.start_server(routes).await;
    story
}

/// A second connection to the story's database, to look at what the server stored.
async fn database(story: &Story) -> SqlitePool {
    common::db::connect(&story.config().database_url)
        .await
        .expect("the story's database")
}

async fn session_rows(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn credentials(username: &str) -> Value {
    json!({ "username": username, "password": "correct horse battery" })
}

/// Registers `username` on a new client, which then holds the session cookie.
async fn registered(story: &Story, username: &str) -> Client {
    let mut client = story.client(username);
    let reply = client
        .post("registers", "/api/register", credentials(username))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    client
}

fn token(client: &Client) -> String {
    client
        .cookie("session")
        .expect("the client holds a session cookie")
}

/// A client that sends only `token`, like an attacker replaying a copied cookie.
fn replaying(story: &Story, token: &str) -> Client {
    let mut client = story.client("Replay");
    client.set_cookie("session", token);
    client
}

#[tokio::test]
async fn a_token_planted_before_login_is_dead_after_it() {
    let story = started().await;
    // Mallory logs in herself, then plants her token in Alice's browser (session
    // fixation), hoping Alice logs in on it and she can ride along.
    let mallory = registered(&story, "mallory").await;
    let planted = token(&mallory);
    registered(&story, "alice").await;
    let mut alice = story.client("Alice");
    alice.set_cookie("session", &planted);

    let reply = alice
        .post("Alice logs in", "/api/login", credentials("alice"))
        .await;
    assert_eq!(reply.status, 200);
    assert_ne!(token(&alice), planted, "login always issues a new token");

    let reply = replaying(&story, &planted)
        .get("the planted token", "/api/me")
        .await;
    assert_eq!(
        reply.status, 401,
        "the session the login arrived with was ended"
    );
    assert_eq!(reply.json(), Value::Null);
    let reply = alice.get("Alice is herself", "/api/me").await;
    assert_eq!(reply.json()["username"], "alice");
}

#[tokio::test]
async fn logging_in_again_ends_the_previous_session() {
    let story = started().await;
    let mut alice = registered(&story, "alice").await;
    let first = token(&alice);
    alice
        .post("logs in again", "/api/login", credentials("alice"))
        .await;
    assert_ne!(token(&alice), first);
    let reply = replaying(&story, &first)
        .get("the old token", "/api/me")
        .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn logging_in_as_someone_else_leaves_nothing_of_the_first_user() {
    let story = started().await;
    registered(&story, "bob").await;
    let mut shared_computer = registered(&story, "alice").await;
    let alices = token(&shared_computer);

    let reply = shared_computer
        .post("Bob logs in", "/api/login", credentials("bob"))
        .await;
    assert_eq!(reply.status, 200);
    let reply = shared_computer.get("who is this now", "/api/me").await;
    assert_eq!(reply.json()["username"], "bob");
    let reply = replaying(&story, &alices)
        .get("Alice's old cookie", "/api/me")
        .await;
    assert_eq!(
        reply.status, 401,
        "Alice's session ended when Bob logged in"
    );

    let pool = database(&story).await;
    let alice_rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions JOIN users ON users.id = sessions.user_id WHERE username = 'alice'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(alice_rows, 0);
}

#[tokio::test]
async fn a_failed_login_keeps_the_session_it_arrived_with() {
    let story = started().await;
    let mut alice = registered(&story, "alice").await;
    let before = token(&alice);
    let wrong = json!({ "username": "alice", "password": "not her password" });
    let reply = alice.post("a typo", "/api/login", wrong).await;
    assert_eq!(reply.status, 401);
    assert_eq!(token(&alice), before);
    assert_eq!(alice.get("still Alice", "/api/me").await.status, 200);
}

// Several threads, so the requests really run at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_logout_racing_requests_in_flight_stays_a_logout() {
    let story = started().await;
    registered(&story, "alice").await;
    let pool = database(&story).await;
    for round in 0..30 {
        let mut device = story.client("Alice");
        device
            .post("logs in", "/api/login", credentials("alice"))
            .await;
        let token = token(&device);
        // A second later, each request must *touch* the session (an UPDATE): the
        // moment where an upsert would bring a deleted row back.
        story.clock().advance(Duration::from_secs(1));
        let mut readers: Vec<Client> = (0..4).map(|_| replaying(&story, &token)).collect();
        let mut reads = tokio::task::JoinSet::new();
        for mut reader in readers.drain(..) {
            reads.spawn(async move { reader.get("who am I", "/api/me").await.status });
        }
        let logout = device.delete("logs out", "/api/logout").await;
        assert_eq!(logout.status, 204);
        while let Some(status) = reads.join_next().await {
            let status = status.unwrap();
            assert!(status == 200 || status == 401, "round {round}: {status}");
        }
        let after = replaying(&story, &token)
            .get("after the logout", "/api/me")
            .await;
        assert_eq!(after.status, 401, "round {round}: the session came back");
        assert_eq!(
            session_rows(&pool).await,
            1,
            "round {round}: only the registration's row is left"
        );
    }
}

#[tokio::test]
async fn another_users_session_id_is_not_found() {
    let story = started().await;
    let mut alice = registered(&story, "alice").await;
    let mut bob = registered(&story, "bob").await;
    let alices_id = alice.get("lists", "/api/sessions").await.json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let reply = bob
        .delete(
            "Bob tries Alice's id",
            &format!("/api/sessions/{alices_id}"),
        )
        .await;
    let unknown = bob
        .delete("Bob tries a made-up id", "/api/sessions/no-such-session")
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, r#"{"error":"No such session"}"#);
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.body, reply.body,
        "someone else's session looks like no session"
    );
    assert_eq!(alice.get("Alice is untouched", "/api/me").await.status, 200);

    let mut nobody = story.client("Nobody");
    let reply = nobody
        .delete("without a session", &format!("/api/sessions/{alices_id}"))
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(alice.get("still untouched", "/api/me").await.status, 200);
}

#[tokio::test]
async fn ending_your_current_session_by_id_also_clears_the_cookie() {
    let story = started().await;
    let mut alice = registered(&story, "alice").await;
    let id = alice.get("lists", "/api/sessions").await.json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = alice
        .delete("ends this session", &format!("/api/sessions/{id}"))
        .await;
    assert_eq!(reply.status, 204);
    assert!(
        reply
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("session=;")),
        "{:?}",
        reply.headers
    );
    assert_eq!(alice.cookie("session"), None);
}

#[tokio::test]
async fn logging_out_everywhere_ends_this_session_too_and_nobody_elses() {
    let story = started().await;
    let mut laptop = registered(&story, "alice").await;
    let mut phone = story.client("Phone");
    phone
        .post("logs in", "/api/login", credentials("alice"))
        .await;
    let mut bob = registered(&story, "bob").await;

    let reply = phone.delete("logs out everywhere", "/api/sessions").await;
    assert_eq!(reply.status, 204);
    assert_eq!(phone.cookie("session"), None, "the cookie is removed");
    assert_eq!(laptop.get("the laptop", "/api/me").await.status, 401);
    assert_eq!(bob.get("Bob", "/api/me").await.status, 200);
}

#[tokio::test]
async fn the_database_never_holds_a_token() {
    let story = started().await;
    let mut tokens = Vec::new();
    for name in ["alice", "bob", "carol"] {
        let mut client = registered(&story, name).await;
        client
            .post("logs in again", "/api/login", credentials(name))
            .await;
        tokens.push(token(&client));
    }

    // Everything SQLite wrote: the file and, in WAL mode, the log beside it.
    let path = story
        .config()
        .database_url
        .trim_start_matches("sqlite://")
        .to_owned();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(file) = std::fs::read(format!("{path}{suffix}")) {
            bytes.extend(file);
        }
    }
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|window| window == needle);
    for token in &tokens {
        let raw = URL_SAFE_NO_PAD.decode(token).unwrap();
        assert!(!contains(token.as_bytes()), "the token as sent is stored");
        assert!(!contains(&raw), "the token's bytes are stored");
        // The search itself works: the hash of each token is in there.
        assert!(contains(&Sha256::digest(&raw)), "the hash should be stored");
    }
}

// Several threads, so the requests really run at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_logins_get_a_hundred_different_tokens() {
    let story = started().await;
    registered(&story, "alice").await;
    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let mut client = story.client("Alice");
        logins.spawn(async move {
            let reply = client
                .post("logs in", "/api/login", credentials("alice"))
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            token(&client)
        });
    }
    let mut tokens = HashSet::new();
    while let Some(token) = logins.join_next().await {
        tokens.insert(token.unwrap());
    }
    assert_eq!(tokens.len(), 100);
    let pool = database(&story).await;
    assert_eq!(
        session_rows(&pool).await,
        101,
        "100 logins and the registration"
    );
}

#[tokio::test]
async fn garbage_cookies_are_no_session_and_are_never_echoed() {
    let story = started().await;
    let mut alice = registered(&story, "alice").await;
    let real = token(&alice);
    let mut flipped = real.clone().into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let garbage = [
        "".to_owned(),
        "x".to_owned(),
        "null".to_owned(),
        "!".repeat(43),
        format!("{real}="),
        real[..42].to_owned(),
        flipped,
        URL_SAFE_NO_PAD.encode([0u8; 32]),
        "%ZZ%00%FF".to_owned(),
        "é".repeat(30),
        "A".repeat(4000),
        "\"quoted-value\"".to_owned(),
    ];
    for value in &garbage {
        let mut client = story.client("Mallory");
        client.set_cookie("session", value);
        for (method, path, status) in [
            ("GET", "/api/me", 401),
            ("GET", "/api/sessions", 401),
            ("DELETE", "/api/sessions", 401),
            ("DELETE", "/api/sessions/whatever", 401),
            ("DELETE", "/api/logout", 204),
        ] {
            let method = common::story::Method::from_bytes(method.as_bytes()).unwrap();
            let reply = client
                .send(
                    "garbage",
                    method.clone(),
                    path,
                    common::story::Payload::None,
                )
                .await;
            assert_eq!(
                reply.status, status,
                "{method} {path} with {value:?}: {}",
                reply.body
            );
            if value.len() >= 6 {
                let everything = format!("{:?}{}", reply.headers, reply.body);
                assert!(!everything.contains(value.as_str()), "{value:?} was echoed");
            }
            client.set_cookie("session", value);
        }
    }
    assert_eq!(
        alice.get("Alice is unaffected", "/api/me").await.status,
        200
    );
}

#[tokio::test]
async fn a_deleted_user_has_no_session() {
    let story = started().await;
    let mut alice = registered(&story, "alice").await;
    let pool = database(&story).await;
    let users = common::UserStore::new(pool.clone());
    let id = users
        .find_by_username("alice")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    assert!(users.delete(id).await.unwrap());
    assert_eq!(
        session_rows(&pool).await,
        0,
        "ON DELETE CASCADE took the sessions along"
    );
    assert_eq!(alice.get("who am I", "/api/me").await.status, 401);
}

#[tokio::test]
async fn the_cookie_is_http_only_same_site_and_secure_when_configured() {
    let mut story = Story::recording();
    let mut config = story.config();
    config.cookie_secure = true;
    story
        .start_server(app(&config, story.clock(), TIMEOUTS).await.unwrap())
        .await;
    let mut client = story.client("Alice");
    let reply = client
        .post("registers", "/api/register", credentials("alice"))
        .await;
    let cookie = reply.set_cookies()[0].to_owned();
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Secure",
        "Max-Age=86400",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}
