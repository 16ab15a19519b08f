//! The edges of lesson 01: bad input is a JSON 4xx, never a 500, and the one
//! `current_user` behaves exactly as badly as the lesson says, and no worse.

use common::story::{Method, Payload, Reply, Story};
use serde_json::{Value, json};

async fn server() -> Story {
    let mut story = Story::recording();
    let router = lesson_01_stateless::app(&story.config(), story.clock())
        .await
        .expect("the lesson's app starts");
    story.start_server(router).await;
    story
}

fn credentials(username: &str, password: &str) -> Value {
    json!({ "username": username, "password": password })
}

fn assert_json_error(reply: &Reply, status: u16) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an {{\"error\": ...}} body, got {}", reply.body))
        .to_owned()
}

#[tokio::test]
async fn registering_a_taken_name_is_a_409() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let mut copycat = story.client("Copycat");
    let first = alice
        .post(
            "register",
            "/api/register",
            credentials("alice", "alice-password"),
        )
        .await;
    assert_eq!(first.status, 201);

    for name in ["alice", "ALICE"] {
        let again = copycat
            .post(
                "register again",
                "/api/register",
                credentials(name, "other-password"),
            )
            .await;
        assert_eq!(assert_json_error(&again, 409), "Username already taken");
    }
}

#[tokio::test]
async fn invalid_usernames_and_passwords_are_a_400_that_says_why() {
    let story = server().await;
    let mut client = story.client("client");
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
        assert_eq!(assert_json_error(&reply, 400), message);
    }
}

#[tokio::test]
async fn malformed_bodies_get_a_json_4xx_on_both_endpoints() {
    let story = server().await;
    let mut client = story.client("client");
    for path in ["/api/register", "/api/login"] {
        let broken = client
            .send(
                "broken JSON",
                Method::POST,
                path,
                Payload::raw(Some("application/json"), r#"{"username":"#),
            )
            .await;
        assert_eq!(
            assert_json_error(&broken, 400),
            "The body is not valid JSON"
        );

        let missing = client
            .post("no password", path, json!({ "username": "alice" }))
            .await;
        assert!(assert_json_error(&missing, 422).contains("missing field `password`"));

        let form = client
            .send(
                "a form, not JSON",
                Method::POST,
                path,
                Payload::raw(None, "username=alice"),
            )
            .await;
        assert_json_error(&form, 415);
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let story = server().await;
    let mut alice = story.client("Alice");
    alice
        .post(
            "register",
            "/api/register",
            credentials("alice", "alice-password"),
        )
        .await;

    let wrong_password = alice
        .post(
            "wrong password",
            "/api/login",
            credentials("alice", "not-her-password"),
        )
        .await;
    let unknown_user = alice
        .post(
            "unknown user",
            "/api/login",
            credentials("nobody", "alice-password"),
        )
        .await;
    assert_eq!(
        assert_json_error(&wrong_password, 401),
        "Invalid credentials"
    );
    assert_eq!(wrong_password.body, unknown_user.body);
    assert_eq!(unknown_user.status, 401);
}

#[tokio::test]
async fn before_any_login_me_is_a_401_with_the_body_null() {
    let story = server().await;
    let mut carol = story.client("Carol");
    let reply = carol.get("who am I?", "/api/me").await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, "null");
}

#[tokio::test]
async fn a_failed_login_changes_nothing() {
    let story = server().await;
    let mut alice = story.client("Alice");
    let mut mallory = story.client("Mallory");
    alice
        .post(
            "register",
            "/api/register",
            credentials("alice", "alice-password"),
        )
        .await;
    alice
        .post(
            "register",
            "/api/register",
            credentials("bob", "bob-password"),
        )
        .await;
    alice
        .post(
            "log in",
            "/api/login",
            credentials("alice", "alice-password"),
        )
        .await;

    let guess = mallory
        .post(
            "guess Bob's password",
            "/api/login",
            credentials("bob", "password123"),
        )
        .await;
    assert_eq!(guess.status, 401);
    let me = alice.get("who am I?", "/api/me").await;
    assert_eq!(me.json()["username"], "alice");
}

#[tokio::test]
async fn cookies_are_ignored_whatever_they_hold() {
    let story = server().await;
    let mut carol = story.client("Carol");
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
        let reply = carol.get("who am I?", "/api/me").await;
        assert_eq!(reply.status, 401, "with cookie {name}: {}", reply.body);
        assert_eq!(reply.body, "null");
    }
}

#[tokio::test]
async fn each_server_has_its_own_current_user() {
    // Why `current_user` lives in the router's state and not in a `static`: two servers
    // (here, two tests) each get their own. A `static` would leak Bob into this one.
    let first = server().await;
    let second = server().await;
    let mut bob = first.client("Bob");
    bob.post(
        "register",
        "/api/register",
        credentials("bob", "bob-password"),
    )
    .await;
    bob.post("log in", "/api/login", credentials("bob", "bob-password"))
        .await;

    let mut carol = second.client("Carol");
    let reply = carol.get("who am I, on the other server?", "/api/me").await;
    assert_eq!(reply.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_logins_at_once_are_safe_but_everybody_gets_the_same_user() {
    let story = server().await;
    let mut setup = story.client("setup");
    let names = ["alice", "bob", "carol", "dave"];
    for name in names {
        setup
            .post(
                "register",
                "/api/register",
                credentials(name, "a-good-password"),
            )
            .await;
    }

    // Twenty browsers, five per user, log in at the same time on two threads.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let mut client = story.client(&format!("browser {i}"));
        let name = names[i % names.len()];
        tasks.push(tokio::spawn(async move {
            let reply = client
                .post("log in", "/api/login", credentials(name, "a-good-password"))
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            client
        }));
    }
    let mut clients = Vec::new();
    for task in tasks {
        clients.push(task.await.expect("a login task"));
    }

    // The Mutex did its job: `current_user` is one whole, valid user, never a mix.
    // It is the *same* user for all twenty browsers: thread-safe is not per-user.
    let mut answers = Vec::new();
    for client in &mut clients {
        let reply = client.get("who am I?", "/api/me").await;
        assert_eq!(reply.status, 200);
        answers.push(reply.json());
    }
    assert!(names.contains(&answers[0]["username"].as_str().unwrap()));
    assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "{answers:?}"
    );
}
