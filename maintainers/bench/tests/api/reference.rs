//! The SQL references answer what the lessons answer, for the same user, from the lesson's
//! own database: a benchmark compares the lesson with the same read and nothing else.

use bench::{Seed, log_in, reference};
use common::serve::Server;
use common::{Clock, Config};
use tempfile::TempDir;

/// A lesson's router served on 127.0.0.1 with a fresh SQLite file, and the benchmark user
/// logged in twice: what `bench_me` gives a reference to start from.
async fn serve(
    app: impl AsyncFnOnce(&Config) -> Result<axum::Router, sqlx::Error>,
) -> (Server, Seed, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::for_tests(database_url.clone(), &common::config::new_secret());
    let routes = app(&config).await.unwrap();
    let server = Server::start("127.0.0.1:0", routes).await.unwrap();
    let (cookies, user) = log_in(&server.url, 2).await;
    let seed = Seed {
        database_url,
        user,
        cookies,
    };
    (server, seed, dir)
}

/// `GET /api/me` with `cookie` (none if empty): the status and the body.
async fn me(url: &str, cookie: &str) -> (u16, String) {
    let mut request = reqwest::Client::new().get(format!("{url}/api/me"));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn nobody() -> (u16, String) {
    (401, "null".to_owned())
}

#[tokio::test]
async fn lesson_04s_reference_answers_the_user_named_by_a_uid_cookie() {
    let (lesson, seed, _dir) =
        serve(async |config| lesson_04_me::app(config, Clock::system()).await).await;
    let (user, sealed) = (seed.user.clone(), seed.cookies.clone());
    let reference = reference::user_by_id(seed).await.unwrap();

    assert_eq!(reference.cookies, ["uid=1", "uid=1"], "one per connection");
    assert_eq!(me(&lesson.url, &sealed[0]).await, (200, user.clone()));
    assert_eq!(me(&reference.url, "uid=1").await, (200, user));
    assert_eq!(me(&reference.url, "uid=2").await, nobody(), "no such user");
    assert_eq!(me(&reference.url, "").await, nobody(), "no cookie");
}

#[tokio::test]
async fn lesson_06s_reference_answers_the_session_of_the_token_until_it_ends() {
    let (lesson, seed, _dir) = serve(async |config| {
        let timeouts = lesson_06_server_sessions::Timeouts::default();
        lesson_06_server_sessions::app(config, Clock::system(), timeouts).await
    })
    .await;
    let (user, sessions) = (seed.user.clone(), seed.cookies.clone());
    let reference = reference::session_by_token(seed).await.unwrap();

    assert_eq!(reference.cookies, sessions, "the lesson's own cookies");
    for session in &sessions {
        assert_eq!(me(&lesson.url, session).await, (200, user.clone()));
        assert_eq!(me(&reference.url, session).await, (200, user.clone()));
    }
    let unknown = format!("session={}", "A".repeat(43));
    assert_eq!(
        me(&reference.url, &unknown).await,
        nobody(),
        "no such session"
    );
    assert_eq!(
        me(&reference.url, "session=x").await,
        nobody(),
        "not a token"
    );

    // The lesson ends the first session: the reference reads the same table.
    let logout = reqwest::Client::new()
        .delete(format!("{}/api/logout", lesson.url))
        .header("cookie", &sessions[0])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_eq!(me(&reference.url, &sessions[0]).await, nobody());
    assert_eq!(me(&reference.url, &sessions[1]).await, (200, user));
}

#[tokio::test]
async fn the_bare_server_answers_the_user_from_memory() {
    let seed = Seed {
        database_url: String::new(),
        user: r#"{"id":7}"#.to_owned(),
        cookies: vec!["session=a".to_owned()],
    };
    let reference = reference::from_memory(seed).await.unwrap();

    assert_eq!(reference.cookies, ["session=a"]);
    assert_eq!(
        me(&reference.url, "").await,
        (200, r#"{"id":7}"#.to_owned())
    );
}
