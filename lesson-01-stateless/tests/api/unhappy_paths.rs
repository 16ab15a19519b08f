//! The edges of lesson 01: bad input is a JSON 4xx, never a 500, and the one
//! `current_user` behaves exactly as badly as the lesson says, and no worse.
//! With `--features 01-1-login` these run against your `login` (warm-up 01-1).

use serde_json::json;
use story::hint_assert;
use story::{Client, Method, PASSWORD, Payload, Reply, Story, credentials, spawn_app};

async fn app() -> Story {
    spawn_app(|config, clock| async move { lesson_01_stateless::app(&config, clock).await }).await
}

/// A login that must succeed, as `username`.
#[track_caller]
fn expect_logged_in(reply: &Reply, username: &str) {
    hint_assert!(
        reply.status == 200 && reply.json()["username"] == username,
        "POST /api/login as {username} with the right password must answer 200 with the user, \
         got {} {}",
        reply.status,
        reply.body
    );
}

/// A login that must fail with the one generic 401.
#[track_caller]
fn expect_refused(reply: &Reply, what: &str) {
    let why = if reply.status == 200 {
        "the password must be checked, not only the name (check_login does both)"
    } else {
        "hand on the error of check_login unchanged: one answer, whatever was wrong"
    };
    hint_assert!(
        reply.status == 401 && reply.json() == json!({ "error": "Invalid credentials" }),
        "{what} must be refused with 401 {{\"error\": \"Invalid credentials\"}}, got {} {}: \
         {why}",
        reply.status,
        reply.body
    );
    reply.assert_error(401, "Invalid credentials");
}

/// Asks `/api/me` as `client` and checks that the server says `username`.
async fn expect_me(client: &mut Client, username: &str, situation: &str) {
    let reply = client.me().await;
    let name = client.name().to_owned();
    hint_assert!(
        reply.status == 200 && reply.json()["username"] == username,
        "{situation}, so /api/me must answer 200 with {username} for {name}, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn the_last_login_is_everybodys_current_user() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let mut bob = app.client("Bob");
    alice.register_ok("alice").await;
    alice.register_ok("bob").await;

    expect_logged_in(&alice.login("alice", PASSWORD).await, "alice");
    expect_me(
        &mut alice,
        "alice",
        "Alice logged in: the login must remember her in current_user, which /api/me reads",
    )
    .await;

    expect_logged_in(&bob.login("bob", PASSWORD).await, "bob");
    for client in [&mut bob, &mut alice] {
        expect_me(
            client,
            "bob",
            "Bob logged in after Alice: a login replaces whoever is in current_user, for \
             every browser (the lesson's bug, on purpose)",
        )
        .await;
    }
}

#[tokio::test]
async fn registering_a_taken_name_is_a_409() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let mut copycat = app.client("Copycat");
    alice.register_ok("alice").await;
    for name in ["alice", "ALICE"] {
        let again = copycat.register(name).await;
        again.assert_error(409, "Username already taken");
    }
}

#[tokio::test]
async fn invalid_usernames_and_passwords_are_a_400_that_says_why() {
    let app = app().await;
    let mut client = app.client("client");
    let cases = [
        (
            credentials("al", "long-enough"),
            "Username must be 3 to 32 characters long",
        ),
        (
            credentials("alice", "short"),
            "Password must be at least 8 characters long",
        ),
    ];
    for (body, message) in cases {
        let reply = client.post("register", "/api/register", body).await;
        reply.assert_error(400, message);
    }
}

#[tokio::test]
async fn malformed_bodies_get_a_json_4xx_on_both_endpoints() {
    let app = app().await;
    let mut client = app.client("client");
    for path in ["/api/register", "/api/login"] {
        let broken = client
            .send(
                "broken JSON",
                Method::POST,
                path,
                Payload::raw(Some("application/json"), r#"{"username":"#),
            )
            .await;
        broken.assert_error(400, "The body is not valid JSON");

        let missing = client
            .post("no password", path, json!({ "username": "alice" }))
            .await;
        assert!(
            missing
                .error_message(422)
                .contains("missing field `password`")
        );

        let form = client
            .send(
                "a form, not JSON",
                Method::POST,
                path,
                Payload::raw(None, "username=alice"),
            )
            .await;
        form.error_message(415);
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let app = app().await;
    let mut alice = app.client("Alice");
    alice.register_ok("alice").await;

    let wrong_password = alice.login("alice", "not-her-password").await;
    let unknown_user = alice.login("nobody", PASSWORD).await;
    expect_refused(&wrong_password, "A login with a wrong password");
    expect_refused(&unknown_user, "A login as a user who does not exist");
    assert_eq!(wrong_password.body, unknown_user.body);
}

#[tokio::test]
async fn before_any_login_me_is_a_401_with_the_body_null() {
    let app = app().await;
    let mut carol = app.client("Carol");
    let reply = carol.me().await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, "null");
}

#[tokio::test]
async fn a_failed_login_changes_nothing() {
    let app = app().await;
    let mut alice = app.client("Alice");
    let mut mallory = app.client("Mallory");
    alice.register_ok("alice").await;
    alice.register_ok("bob").await;
    expect_logged_in(&alice.login("alice", PASSWORD).await, "alice");

    let guess = mallory.login("bob", "password123").await;
    expect_refused(&guess, "Mallory's guess at Bob's password");
    let me = alice.me().await;
    hint_assert!(
        me.json()["username"] == "alice",
        "After Mallory's failed login, /api/me must still be alice (a failed login changes \
         nothing), got {} {}",
        me.status,
        me.body
    );
}

#[tokio::test]
async fn cookies_are_ignored_whatever_they_hold() {
    let app = app().await;
    let mut carol = app.client("Carol");
    // This server never sets a cookie, so no cookie, forged, garbled or huge, can make it
    // answer anything but "nobody" before a login, and never a 500.
    let oversized = "x".repeat(8 * 1024);
    for (name, value) in [
        ("user", "alice"),
        ("current_user", "{\"id\":1}"),
        ("session", "%%%not-even-percent-encoding"),
        ("big", oversized.as_str()),
    ] {
        carol.set_cookie(name, value);
        let reply = carol.me().await;
        assert_eq!(reply.status, 401, "with cookie {name}: {}", reply.body);
        assert_eq!(reply.body, "null");
    }
}

#[tokio::test]
async fn each_server_has_its_own_current_user() {
    // Why `current_user` lives in the router's state and not in a `static`: two servers
    // (here, two tests) each get their own. A `static` would leak Bob into this one.
    let first = app().await;
    let second = app().await;
    let mut bob = first.client("Bob");
    bob.register_ok("bob").await;
    expect_logged_in(&bob.login("bob", PASSWORD).await, "bob");

    let mut carol = second.client("Carol");
    let reply = carol.me().await;
    hint_assert!(
        reply.status == 401,
        "Bob logged in on another server, yet this one says {} {}: keep the user in the \
         `current_user` of the state your handler is given, not in a `static`",
        reply.status,
        reply.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_logins_at_once_are_safe_but_everybody_gets_the_same_user() {
    let app = app().await;
    let mut setup = app.client("setup");
    let names = ["alice", "bob", "carol", "dave"];
    for name in names {
        setup.register_ok(name).await;
    }

    // Twenty browsers, five per user, log in at the same time on two threads.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let mut client = app.client(&format!("browser {i}"));
        let name = names[i % names.len()];
        tasks.push(tokio::spawn(async move {
            let reply = client.login(name, PASSWORD).await;
            (client, name, reply)
        }));
    }
    let mut clients = Vec::new();
    for task in tasks {
        let (client, name, reply) = task.await.expect("a login task");
        expect_logged_in(&reply, name);
        clients.push(client);
    }

    // The Mutex did its job: `current_user` is one whole, valid user, never a mix.
    // It is the *same* user for all twenty browsers: thread-safe is not per-user.
    let mut answers = Vec::new();
    for client in &mut clients {
        let reply = client.me().await;
        hint_assert!(
            reply.status == 200,
            "After twenty logins, every /api/me must be 200, got {} {}",
            reply.status,
            reply.body
        );
        answers.push(reply.json());
    }
    assert!(names.contains(&answers[0]["username"].as_str().unwrap()));
    let told: Vec<&str> = answers
        .iter()
        .map(|answer| answer["username"].as_str().unwrap_or("nobody"))
        .collect();
    hint_assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "After twenty logins at once, all twenty browsers must be told the same user (the \
         one current_user), got {}",
        told.join(", ")
    );
}
