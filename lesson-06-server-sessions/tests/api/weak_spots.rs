//! The weak spots of server-side sessions, each tried over real HTTP.
//!
//! Every test starts the lesson on 127.0.0.1 with its own database (a SQLite file, or a
//! PostgreSQL schema with `TEST_DATABASE=postgres`) and plays a user
//! (or an attacker) step by step. The transcripts are not snapshotted here; the asserts
//! are the check. With `--features 06-1-access` they check the warm-up too
//! (`exercises/1_access.rs`): nearly every request here asks `lookup` who is calling.

use std::collections::HashSet;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lesson_06_server_sessions::{Timeouts, app};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use story::hint_assert;
use story::{Client, Method, PASSWORD, Payload, Reply, Story, spawn_app};

const TIMEOUTS: Timeouts = Timeouts {
    idle: Duration::from_secs(30 * 60),
    absolute: Duration::from_secs(24 * 60 * 60),
};

async fn started() -> Story {
    spawn_app(|config, clock| async move { app(&config, clock, TIMEOUTS).await }).await
}

/// A second connection to the test app's database, to look at what the server stored.
async fn database(app: &Story) -> AnyPool {
    common::db::connect(&app.config().database_url)
        .await
        .expect("the test app's database")
}

async fn session_rows(pool: &AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Registers `username` on a new client, which then holds the session cookie.
async fn registered(app: &Story, username: &str) -> Client {
    let mut client = app.client(username);
    client.register_ok(username).await;
    client
}

fn token(client: &Client) -> String {
    client
        .cookie("session")
        .expect("the client holds a session cookie")
}

/// A client that sends only `token`, like an attacker replaying a copied cookie.
fn replaying(app: &Story, token: &str) -> Client {
    let mut client = app.client("Replay");
    client.set_cookie("session", token);
    client
}

/// A reply's status, and its body if it has one, for a hint.
fn answer(reply: &Reply) -> String {
    if reply.body.is_empty() {
        reply.status.to_string()
    } else {
        format!("{} {}", reply.status, reply.body)
    }
}

/// A cookie value for a hint: as it is when short, else its start and its length.
fn shown(value: &str) -> String {
    match value.chars().count() {
        0 => "that is empty".to_owned(),
        1..=50 => format!("`{value}`"),
        long => {
            let start: String = value.chars().take(20).collect();
            format!("`{start}…` ({long} characters)")
        }
    }
}

/// `GET /api/me`'s status for `client`, with a hint for a 500.
async fn me_status(client: &mut Client, what: &str) -> u16 {
    let reply = client.me().await;
    hint_assert!(
        reply.status != 500,
        "{what}: /api/me answered 500 ({}). `lookup` must answer Ok(None) or Ok(Some(..)), \
         never fail, for any cookie",
        reply.body
    );
    reply.status
}

/// The public id of the first session in `client`'s list.
async fn first_session_id(client: &mut Client) -> String {
    let reply = client.get("lists", "/api/sessions").await;
    hint_assert!(
        reply.status == 200,
        "a client that just registered lists its sessions: expected 200, got {}. \
         `lookup` must find the session its cookie names",
        answer(&reply)
    );
    reply.json()[0]["id"]
        .as_str()
        .expect("a session list entry has an id")
        .to_owned()
}

#[tokio::test]
async fn a_token_planted_before_login_is_dead_after_it() {
    let app = started().await;
    // Mallory logs in herself, then plants her token in Alice's browser (session
    // fixation), hoping Alice logs in on it and she can ride along.
    let mallory = registered(&app, "mallory").await;
    let planted = token(&mallory);
    registered(&app, "alice").await;
    let mut alice = app.client("Alice");
    alice.set_cookie("session", &planted);

    let reply = alice.login("alice", PASSWORD).await;
    assert_eq!(reply.status, 200);
    assert_ne!(token(&alice), planted, "login always issues a new token");

    let reply = replaying(&app, &planted).me().await;
    hint_assert!(
        reply.status == 401,
        "the token planted before Alice's login was ended by it, so /api/me with it must \
         be a 401, got {}. `lookup` must answer None for a token with no row",
        answer(&reply)
    );
    hint_assert!(
        reply.json() == Value::Null,
        "/api/me without a live session answers `null`, got {}",
        reply.body
    );
    let reply = alice.me().await;
    hint_assert!(
        reply.json()["username"] == "alice",
        "after logging in, Alice's /api/me must be Alice, got {}",
        answer(&reply)
    );
}

#[tokio::test]
async fn logging_in_again_ends_the_previous_session() {
    let app = started().await;
    let mut alice = registered(&app, "alice").await;
    let first = token(&alice);
    alice.login("alice", PASSWORD).await;
    assert_ne!(token(&alice), first);
    let status = me_status(&mut replaying(&app, &first), "the token before a new login").await;
    hint_assert!(
        status == 401,
        "a new login ended the previous session: its token must get a 401 from /api/me, \
         got {status}"
    );
}

#[tokio::test]
async fn logging_in_as_someone_else_leaves_nothing_of_the_first_user() {
    let app = started().await;
    registered(&app, "bob").await;
    let mut shared_computer = registered(&app, "alice").await;
    let alices = token(&shared_computer);

    let reply = shared_computer.login("bob", PASSWORD).await;
    assert_eq!(reply.status, 200);
    let reply = shared_computer.me().await;
    hint_assert!(
        reply.json()["username"] == "bob",
        "after Bob logs in on Alice's browser, /api/me must be Bob, got {}. `lookup` \
         must return the user of the session the cookie names",
        answer(&reply)
    );
    let status = me_status(&mut replaying(&app, &alices), "Alice's old cookie").await;
    hint_assert!(
        status == 401,
        "Alice's session ended when Bob logged in on her browser: her old cookie must get \
         a 401, got {status}"
    );

    let pool = database(&app).await;
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
    let app = started().await;
    let mut alice = registered(&app, "alice").await;
    let before = token(&alice);
    let reply = alice.login("alice", "not her password").await;
    reply.assert_error(401, "Invalid credentials");
    assert_eq!(token(&alice), before);
    let status = me_status(&mut alice, "Alice after a failed login").await;
    hint_assert!(
        status == 200,
        "a failed login changes nothing: Alice's session still works, so /api/me must be \
         a 200, got {status}"
    );
}

// Several threads, so the requests really run at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_logout_racing_requests_in_flight_stays_a_logout() {
    let app = started().await;
    registered(&app, "alice").await;
    let pool = database(&app).await;
    for round in 0..30 {
        let mut device = app.client("Alice");
        device.login("alice", PASSWORD).await;
        let token = token(&device);
        // A second later, each request must *touch* the session (an UPDATE): the
        // moment where an upsert would bring a deleted row back.
        app.clock().advance(Duration::from_secs(1));
        let mut readers: Vec<Client> = (0..4).map(|_| replaying(&app, &token)).collect();
        let mut reads = tokio::task::JoinSet::new();
        for mut reader in readers.drain(..) {
            reads.spawn(async move { reader.me().await.status });
        }
        let logout = device.logout().await;
        assert_eq!(logout.status, 204);
        while let Some(status) = reads.join_next().await {
            let status = status.unwrap();
            hint_assert!(
                status == 200 || status == 401,
                "round {round}: /api/me racing a logout must answer 200 (before it) or 401 \
                 (after it), got {status}. A session deleted between `lookup`'s read and its \
                 touch is simply no session: Ok(None), not an error"
            );
        }
        let after = me_status(&mut replaying(&app, &token), "after a logout").await;
        hint_assert!(
            after == 401,
            "round {round}: after the logout the token still works, got {after}: the \
             session came back. The touch must change only a row that is still there, \
             never write a missing one back"
        );
        let rows = session_rows(&pool).await;
        hint_assert!(
            rows == 1,
            "round {round}: after the logout the table should hold only the registration's \
             session, found {rows} rows: a lookup wrote a deleted session back"
        );
    }
}

#[tokio::test]
async fn another_users_session_id_is_not_found() {
    let app = started().await;
    let mut alice = registered(&app, "alice").await;
    let mut bob = registered(&app, "bob").await;
    let alices_id = first_session_id(&mut alice).await;

    let reply = bob
        .delete(
            "Bob tries Alice's id",
            &format!("/api/sessions/{alices_id}"),
        )
        .await;
    let unknown = bob
        .delete("Bob tries a made-up id", "/api/sessions/no-such-session")
        .await;
    hint_assert!(
        reply.status == 404,
        "Bob ending Alice's session by its id must be a 404, got {}. `revoke` must \
         delete only a session that belongs to the user asking, and say false otherwise",
        answer(&reply)
    );
    reply.assert_error(404, "No such session");
    hint_assert!(
        unknown.status == 404,
        "an id that does not exist must be a 404, got {}: `revoke` deleted nothing, so \
         it must say false",
        answer(&unknown)
    );
    assert_eq!(
        unknown.body, reply.body,
        "someone else's session looks like no session"
    );
    let status = me_status(&mut alice, "Alice after Bob's try").await;
    hint_assert!(
        status == 200,
        "Bob's DELETE with Alice's id must leave Alice logged in, but her /api/me is now \
         {status}: `revoke` ended a session that is not Bob's"
    );

    let mut nobody = app.client("Nobody");
    let reply = nobody
        .delete("without a session", &format!("/api/sessions/{alices_id}"))
        .await;
    hint_assert!(
        reply.status == 401,
        "ending a session without being logged in must be a 401, got {}",
        answer(&reply)
    );
    let status = me_status(&mut alice, "Alice after a DELETE with no cookie").await;
    hint_assert!(
        status == 200,
        "a DELETE without a session must leave Alice logged in, got {status}"
    );
}

#[tokio::test]
async fn ending_your_current_session_by_id_also_clears_the_cookie() {
    let app = started().await;
    let mut alice = registered(&app, "alice").await;
    let id = first_session_id(&mut alice).await;
    let reply = alice
        .delete("ends this session", &format!("/api/sessions/{id}"))
        .await;
    hint_assert!(
        reply.status == 204,
        "Alice ending her own session by its id must be a 204, got {}. `revoke` must \
         delete the user's own session and say true",
        answer(&reply)
    );
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
    let app = started().await;
    let mut laptop = registered(&app, "alice").await;
    let mut phone = app.client("Phone");
    phone.login("alice", PASSWORD).await;
    let mut bob = registered(&app, "bob").await;

    let reply = phone.delete("logs out everywhere", "/api/sessions").await;
    hint_assert!(
        reply.status == 204,
        "logging out everywhere with a live session must be a 204, got {}",
        answer(&reply)
    );
    assert_eq!(phone.cookie("session"), None, "the cookie is removed");
    let status = me_status(&mut laptop, "the laptop after logging out everywhere").await;
    hint_assert!(
        status == 401,
        "after logging out everywhere, the laptop's /api/me must be a 401, got {status}"
    );
    let status = me_status(&mut bob, "Bob after Alice logs out everywhere").await;
    hint_assert!(
        status == 200,
        "Alice logging out everywhere must leave Bob logged in, got {status}"
    );
}

#[tokio::test]
async fn the_database_never_holds_a_token() {
    let app = started().await;
    let mut tokens = Vec::new();
    for name in ["alice", "bob", "carol"] {
        let mut client = registered(&app, name).await;
        client.login(name, PASSWORD).await;
        tokens.push(token(&client));
    }

    // Everything the database holds: SQLite's file (and its WAL log beside it), or every
    // row of the story's PostgreSQL schema.
    for token in &tokens {
        let raw = URL_SAFE_NO_PAD.decode(token).unwrap();
        assert!(
            !app.database_holds("story", token.as_bytes()).await,
            "the token as sent is stored"
        );
        assert!(
            !app.database_holds("story", &raw).await,
            "the token's bytes are stored"
        );
        // The search itself works: the hash of each token is in there.
        assert!(
            app.database_holds("story", &Sha256::digest(&raw)).await,
            "the hash should be stored"
        );
    }
}

// Several threads, so the requests really run at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_logins_get_a_hundred_different_tokens() {
    let app = started().await;
    registered(&app, "alice").await;
    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let mut client = app.client("Alice");
        logins.spawn(async move {
            let reply = client.login("alice", PASSWORD).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            token(&client)
        });
    }
    let mut tokens = HashSet::new();
    while let Some(token) = logins.join_next().await {
        tokens.insert(token.unwrap());
    }
    assert_eq!(tokens.len(), 100);
    let pool = database(&app).await;
    assert_eq!(
        session_rows(&pool).await,
        101,
        "100 logins and the registration"
    );
}

#[tokio::test]
async fn garbage_cookies_are_no_session_and_are_never_echoed() {
    let app = started().await;
    let mut alice = registered(&app, "alice").await;
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
        let mut client = app.client("Mallory");
        client.set_cookie("session", value);
        for (method, path, status) in [
            (Method::GET, "/api/me", 401),
            (Method::GET, "/api/sessions", 401),
            (Method::DELETE, "/api/sessions", 401),
            (Method::DELETE, "/api/sessions/whatever", 401),
            (Method::DELETE, "/api/logout", 204),
        ] {
            let reply = client
                .send("garbage", method.clone(), path, Payload::None)
                .await;
            hint_assert!(
                reply.status == status,
                "{method} {path} with the cookie {} must answer {status}, got {}. \
                 A cookie that is not a live token is no session: `lookup` answers Ok(None), \
                 never an error",
                shown(value),
                answer(&reply)
            );
            if value.len() >= 6 {
                let everything = format!("{:?}{}", reply.headers, reply.body);
                assert!(!everything.contains(value.as_str()), "{value:?} was echoed");
            }
            client.set_cookie("session", value);
        }
    }
    let status = me_status(&mut alice, "Alice after the garbage").await;
    hint_assert!(
        status == 200,
        "garbage cookies must not affect Alice: her /api/me must be a 200, got {status}"
    );
}

#[tokio::test]
async fn a_deleted_user_has_no_session() {
    let app = started().await;
    let mut alice = registered(&app, "alice").await;
    let pool = database(&app).await;
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
    let status = me_status(&mut alice, "a deleted user's cookie").await;
    hint_assert!(
        status == 401,
        "a deleted user's cookie must get a 401 from /api/me, got {status}"
    );
}

#[tokio::test]
async fn the_cookie_is_http_only_same_site_and_secure_when_configured() {
    let app = spawn_app(|mut config, clock| async move {
        config.cookie_secure = true;
        app(&config, clock, TIMEOUTS).await
    })
    .await;
    let mut client = app.client("Alice");
    let reply = client.register("alice").await;
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
