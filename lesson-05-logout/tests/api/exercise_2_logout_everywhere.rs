//! The check of exercise 05-2, "log out everywhere": sealed cookies carry the user's
//! session generation, and raising it makes every older cookie worthless, a saved copy
//! included. Its story is in `tests/snapshots/exercise_2_logout_everywhere.snap`.
//!
//! `cargo test -p lesson-05-logout --test api -- exercise_2_logout_everywhere::` checks
//! the reference (solutions/); add `--features 05-2-logout-everywhere` to check your
//! starter (exercises/).

// The reference, or with `--features 05-2-logout-everywhere` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "05-2-logout-everywhere")))]
#[path = "../../exercises/2_logout_everywhere.rs"]
mod starter;
#[cfg(not(feature = "05-2-logout-everywhere"))]
#[path = "../../solutions/2_logout_everywhere.rs"]
mod yours;
#[cfg(feature = "05-2-logout-everywhere")]
#[path = "../../exercises/2_logout_everywhere.rs"]
mod yours;

use common::{Accounts, Credentials};
use lesson_03_login::session::COOKIE_NAME;
use lesson_05_logout::AppState;
use serde_json::json;
use sqlx::AnyPool;
use story::hint_assert;
use story::{Client, Method, PASSWORD, Payload, Reply, Story, credentials, spawn_app};

use crate::removal;

const EVERYWHERE: &str = "/api/logout-everywhere";

/// Your server, with Alice and Bob registered straight in the database: this server has
/// no register route, only logins.
async fn server() -> Story {
    let mut app = spawn_app(|config, clock| async move {
        let state = AppState::connect(&config, clock).await?;
        add_users(&state.accounts, &["alice", "bob"]).await;
        yours::app(state).await
    })
    .await;
    app.redact_cookie(COOKIE_NAME, "sealed");
    app
}

async fn add_users(accounts: &Accounts, usernames: &[&str]) {
    for username in usernames {
        let credentials = Credentials {
            username: (*username).to_owned(),
            password: PASSWORD.to_owned(),
        };
        accounts
            .register(&credentials)
            .await
            .expect("a new user with a valid name and password");
    }
}

/// The `session_generations` table, read straight from the server's database: the check
/// counts how far each log out everywhere raised a generation. (A generation is sealed
/// inside the cookies, so no answer of the server shows it.)
struct Table(AnyPool);

impl Table {
    async fn open(app: &Story) -> Table {
        let accounts = Accounts::connect(&app.config(), app.clock())
            .await
            .expect("the check's database");
        Table(accounts.users.pool().clone())
    }

    /// `username`'s generation: 0 while the user has no row.
    async fn generation(&self, username: &str) -> i64 {
        let generation: Option<i64> = sqlx::query_scalar(
            "SELECT generations.generation FROM session_generations AS generations
             JOIN users ON users.id = generations.user_id WHERE users.username = ?",
        )
        .bind(username)
        .fetch_optional(&self.0)
        .await
        .expect("the session_generations table, as the exercise creates it");
        generation.unwrap_or(0)
    }
}

async fn log_in(client: &mut Client, title: &str, username: &str) {
    let reply = client
        .post(title, "/api/login", credentials(username, PASSWORD))
        .await;
    hint_assert!(
        reply.status == 200,
        "{title}: logging in as {username} must be a 200, got {} {}",
        reply.status,
        reply.body
    );
}

async fn logout_everywhere(client: &mut Client, title: &str) -> Reply {
    client
        .send(title, Method::POST, EVERYWHERE, Payload::None)
        .await
}

fn expect_me(reply: &Reply, expected: Option<&str>, when: &str) {
    match expected {
        Some(username) => hint_assert!(
            reply.status == 200 && reply.json()["username"] == username,
            "{when}: /api/me must be a 200 for {username}, got {} {}",
            reply.status,
            reply.body
        ),
        None => hint_assert!(
            reply.status == 401,
            "{when}: /api/me must be a 401 (nobody), got {} {}",
            reply.status,
            reply.body
        ),
    }
}

#[tokio::test]
async fn story() {
    let app = server().await;
    app.say(
        "Alice and Bob have accounts already. This server seals each user's session \
         generation into the cookie; everybody starts at generation 0.",
    );
    let mut laptop = app.client("Laptop");
    let mut phone = app.client("Phone");
    let mut bob = app.client("Bob");
    laptop
        .post(
            "Alice logs in on her laptop",
            "/api/login",
            credentials("alice", PASSWORD),
        )
        .await;
    phone
        .post(
            "Alice logs in on her phone",
            "/api/login",
            credentials("alice", PASSWORD),
        )
        .await;
    app.say("Alice saves a copy of her phone's cookie, as in the lesson's story.");
    let saved_copy = phone.cookies();
    bob.post("Bob logs in", "/api/login", credentials("bob", PASSWORD))
        .await;

    app.say(
        "A plain logout only clears the browser it is sent from, and the lesson showed a \
         saved copy outliving it. Alice logs out everywhere instead, from her phone.",
    );
    logout_everywhere(&mut phone, "Alice logs out everywhere").await;
    laptop
        .get(
            "The laptop, still holding its cookie, is logged out too",
            "/api/me",
        )
        .await;
    app.say(
        "The copy is still sealed with the server's key and days before its expiry, \
         but it carries generation 0, and Alice is at generation 1 now.",
    );
    phone.restore_cookies(&saved_copy);
    phone
        .get(
            "Unlike after a plain logout, the saved copy is refused",
            "/api/me",
        )
        .await;
    bob.get("Bob did nothing and is still logged in", "/api/me")
        .await;
    laptop
        .post(
            "Alice logs in again on her laptop",
            "/api/login",
            credentials("alice", PASSWORD),
        )
        .await;
    laptop
        .get("The new cookie carries generation 1, and works", "/api/me")
        .await;
    story::assert_story!("exercise_2_logout_everywhere", app.finish().await);
}

#[tokio::test]
async fn a_second_logout_everywhere_ends_the_sessions_started_since_the_first() {
    let app = server().await;
    let table = Table::open(&app).await;
    let mut alice = app.client("Alice");
    for round in 1..=3 {
        log_in(&mut alice, "log in", "alice").await;
        let copy = alice.cookies();
        let when = match round {
            1 => "right after logging in".to_owned(),
            _ => format!(
                "right after logging in again, after log out everywhere #{} (a new login \
                 must seal the generation the user has now)",
                round - 1
            ),
        };
        expect_me(&alice.me().await, Some("alice"), &when);
        let reply = logout_everywhere(&mut alice, "log out everywhere").await;
        hint_assert!(
            reply.status == 204,
            "log out everywhere #{round} must be a 204, got {} {}",
            reply.status,
            reply.body
        );
        let generation = table.generation("alice").await;
        hint_assert!(
            generation == round,
            "{}",
            match generation {
                0 => format!(
                    "log out everywhere #{round} left Alice at generation 0, with no row in \
                     session_generations: a user without a row is at 0, and raising her must \
                     give her a row at 1 (an UPDATE alone finds no row to change)"
                ),
                stuck if stuck == round - 1 => format!(
                    "log out everywhere #{round} left Alice at generation {stuck}: the \
                     generation must go up every time, not only the first ({stuck} must \
                     become {round})"
                ),
                other => format!(
                    "after log out everywhere #{round}, Alice's generation must be {round}, \
                     got {other}: each one raises it by exactly one"
                ),
            }
        );
        alice.restore_cookies(&copy);
        expect_me(
            &alice.me().await,
            None,
            &format!(
                "a copy sealed with generation {}, saved just before log out everywhere \
                 #{round} raised Alice to {round} (accept a cookie only while its sealed \
                 generation is the user's current one)",
                round - 1
            ),
        );
    }
}

/// Twenty tabs of one browser, all holding Alice's current cookie, send log out
/// everywhere at the same instant. Each one answered 204 raised her generation by one; a
/// tab whose request came after a raise holds a cookie of an older generation, and gets
/// the 401. Requests meet in the database only now and then, so there are 20 rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_out_everywhere_sent_twenty_times_at_once_raises_the_generation_once_per_204() {
    let app = server().await;
    let table = Table::open(&app).await;
    let mut alice = app.client("Alice");
    for _ in 1..=20 {
        log_in(&mut alice, "log in", "alice").await;
        let cookie = alice.cookies();
        let before = table.generation("alice").await;
        let requests: Vec<_> = (0..20)
            .map(|tab| {
                let mut tab = app.client(&format!("Tab {tab}"));
                tab.restore_cookies(&cookie);
                tokio::spawn(async move {
                    logout_everywhere(&mut tab, "log out everywhere")
                        .await
                        .status
                })
            })
            .collect();
        let mut ended = 0;
        for request in requests {
            let status = request.await.expect("a request task");
            hint_assert!(
                status == 204 || status == 401,
                "log out everywhere sent 20 times at once must answer 204 (it ended the \
                 sessions) or 401 (the cookie was already from an older generation), got {status}"
            );
            if status == 204 {
                ended += 1;
            }
        }
        let raised = table.generation("alice").await - before;
        hint_assert!(
            raised == ended,
            "20 log out everywhere requests sent at once raised Alice's generation by fewer \
             than the requests it answered 204: each must raise it by one. Reading the \
             generation and then writing it + 1 lets requests at the same instant read the \
             same number and write the same result: raise it in one statement"
        );
    }
}

#[tokio::test]
async fn logout_everywhere_answers_204_and_clears_this_browsers_cookie() {
    let app = server().await;
    let mut alice = app.client("Alice");
    log_in(&mut alice, "log in", "alice").await;
    let reply = logout_everywhere(&mut alice, "log out everywhere").await;
    hint_assert!(
        reply.status == 204 && reply.body.is_empty(),
        "log out everywhere must answer 204 No Content with no body, got {} {}",
        reply.status,
        reply.body
    );
    let set_cookies = reply.set_cookies();
    let wrong = removal::what_is_wrong(&set_cookies);
    hint_assert!(
        wrong.is_none(),
        "log out everywhere must also remove this browser's cookie, as a plain logout \
         does, but {}",
        wrong.unwrap_or_default()
    );
    hint_assert!(
        set_cookies[0].starts_with("session=; Path=/; Max-Age=0"),
        "log out everywhere must remove this browser's cookie as a plain logout does \
         (`session=; Path=/; Max-Age=0; ...`), got `{}`",
        set_cookies[0]
    );
}

#[tokio::test]
async fn only_a_current_session_may_log_out_everywhere() {
    let app = server().await;
    let expect_401 = |reply: Reply, who: &str| {
        hint_assert!(
            reply.status == 401 && reply.json() == json!({ "error": "Not logged in" }),
            "{who} must get 401 {{\"error\": \"Not logged in\"}} from log out everywhere, \
             got {} {}",
            reply.status,
            reply.body
        );
        hint_assert!(
            reply.set_cookies().is_empty(),
            "{who}: a refused log out everywhere sets no cookie, got `{}`",
            reply.set_cookies().join("` and `")
        );
    };
    let mut nobody = app.client("Nobody");
    expect_401(
        logout_everywhere(&mut nobody, "log out everywhere").await,
        "a client without a cookie",
    );

    let mut alice = app.client("Alice");
    log_in(&mut alice, "log in", "alice").await;
    let old_copy = alice.cookies();
    logout_everywhere(&mut alice, "log out everywhere").await;
    log_in(&mut alice, "log in again", "alice").await;
    let mut thief = app.client("Thief");
    thief.restore_cookies(&old_copy);
    expect_401(
        logout_everywhere(&mut thief, "log out everywhere").await,
        "a copy from an older generation",
    );
    expect_me(
        &alice.me().await,
        Some("alice"),
        "Alice's new session, after a thief with an old copy tried log out everywhere",
    );
}

#[tokio::test]
async fn the_generation_is_per_user_and_the_rest_still_holds() {
    let app = server().await;
    let mut alice = app.client("Alice");
    let mut bob = app.client("Bob");
    log_in(&mut alice, "log in", "alice").await;
    log_in(&mut bob, "log in", "bob").await;
    for _ in 0..3 {
        logout_everywhere(&mut bob, "Bob logs out everywhere").await;
        log_in(&mut bob, "Bob logs in again", "bob").await;
    }
    expect_me(
        &alice.me().await,
        Some("alice"),
        "Alice, after Bob logged out everywhere three times",
    );
    expect_me(&bob.me().await, Some("bob"), "Bob's newest session");

    let reply = alice.login("alice", "wrong password").await;
    hint_assert!(
        reply.status == 401 && reply.set_cookies().is_empty(),
        "a wrong password is still lesson 03's 401 with no cookie, got {} {}",
        reply.status,
        reply.body
    );
    alice.set_cookie(COOKIE_NAME, "forged");
    expect_me(&alice.me().await, None, "a cookie that is not ours");
}

#[tokio::test]
async fn a_cookie_past_its_sealed_expiry_is_still_refused() {
    let app = server().await;
    let mut alice = app.client("Alice");
    log_in(&mut alice, "log in", "alice").await;
    app.advance_clock(std::time::Duration::from_secs(7 * 24 * 60 * 60));
    expect_me(&alice.me().await, None, "7 days after logging in");
}
