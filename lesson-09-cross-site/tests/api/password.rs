//! `POST /api/password` over real HTTP: the current password asked for and throttled,
//! the new one checked, every old session ended, this browser given a new one, and the
//! change and the ending done in one transaction.
//!
//! These tests are the check of apply 09-2 (`cargo course check 09-2-password`).

use common::passwords::Passwords;
use story::{Client, PASSWORD, Reply, Story, hint_assert};

use crate::lesson_story::{NEW_PASSWORD, password_change};

/// The lesson's server, and a handle on its password hashing, to count bcrypt runs.
async fn server() -> (Story, Passwords) {
    let story = Story::recording();
    let url = story.database_url("story");
    server_at(story, &url).await
}

async fn change(client: &mut Client, current: &str, new: &str) -> Reply {
    client
        .post(
            "change the password",
            "/api/password",
            password_change(current, new),
        )
        .await
}

fn is_the_generic_401(reply: &Reply) -> bool {
    reply.status == 401
        && reply.json() == serde_json::json!({ "error": "Invalid credentials" })
        && reply.set_cookies().is_empty()
}

#[tokio::test]
async fn the_change_ends_every_session_and_gives_this_browser_a_new_one() {
    let (app, _) = server().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let mut phone = app.client("Phone");
    assert_eq!(phone.login("alice", PASSWORD).await.status, 200);
    let old_cookies = laptop.cookies();

    let reply = change(&mut laptop, PASSWORD, NEW_PASSWORD).await;
    hint_assert!(
        reply.status == 200 && reply.json()["username"] == "alice",
        "the right current password and a good new one: 200 with the user, got {} {}",
        reply.status,
        reply.body
    );
    hint_assert!(
        laptop.cookies() != old_cookies && !laptop.cookies().is_empty(),
        "after the change this browser must get a new session token (the old one ended \
         with every other): the answer set no new session cookie"
    );
    let me = laptop.me().await;
    hint_assert!(
        me.status == 200,
        "with its new cookie the laptop must still be logged in, got {}",
        me.status
    );
    let phone_me = phone.me().await;
    hint_assert!(
        phone_me.status == 401,
        "the phone's session must end with the old password: /api/me must be 401, got {}",
        phone_me.status
    );
    let mut copy = app.client("Old cookie");
    copy.restore_cookies(&old_cookies);
    let copy_me = copy.me().await;
    hint_assert!(
        copy_me.status == 401,
        "the laptop's old cookie must open nothing any more: the session this browser came \
         with ends too, got {}",
        copy_me.status
    );
    let old = app.client("Phone").login("alice", PASSWORD).await;
    let new = app.client("Phone").login("alice", NEW_PASSWORD).await;
    hint_assert!(
        old.status == 401 && new.status == 200,
        "after the change, the old password must fail (got {}) and the new one log in (got {})",
        old.status,
        new.status
    );
}

#[tokio::test]
async fn a_wrong_current_password_is_one_bcrypt_run_and_the_logins_answer() {
    let (app, passwords) = server().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let before = passwords.stats().started;
    let reply = change(&mut laptop, "correct hose", NEW_PASSWORD).await;
    let runs = passwords.stats().started - before;
    hint_assert!(
        is_the_generic_401(&reply),
        "a wrong current password must get the login's one answer: 401 \
         {{\"error\": \"Invalid credentials\"}} and no cookie, got {} {}",
        reply.status,
        reply.body
    );
    hint_assert!(
        runs == 1,
        "checking the current password must cost one bcrypt run, like a login; it cost {runs}"
    );
    let me = laptop.me().await;
    hint_assert!(
        me.status == 200,
        "a refused change ends nothing: the laptop must still be logged in, got {}",
        me.status
    );
    let login = app.client("Check").login("alice", PASSWORD).await;
    hint_assert!(
        login.status == 200,
        "a refused change changes nothing: the old password must still log in, got {}",
        login.status
    );
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_like_logins() {
    let (app, _) = server().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let mut thief = app.client("Thief");
    thief.restore_cookies(&laptop.cookies());
    let mut answers = Vec::new();
    for guess in ["password123", "letmein", "iloveyou", "sunshine"] {
        answers.push(change(&mut thief, guess, "the thief's choice").await.status);
    }
    hint_assert!(
        answers == [401, 401, 401, 429],
        "four wrong current passwords in a row, from one address: lesson 08 lets three \
         through and makes the fourth wait (401, 401, 401, 429). Got {answers:?}. A wrong \
         current password is a failed login of this user from this address"
    );
    let login = app.client("Thief").login("alice", "qwerty123").await;
    hint_assert!(
        login.status == 429,
        "the guesses at the current password and the guesses at the login are one count: \
         the next login of alice from the same address must wait too (429), got {}",
        login.status
    );
}

#[tokio::test]
async fn the_new_password_follows_the_rules_of_registration_and_costs_no_guess() {
    let (app, passwords) = server().await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let before = passwords.stats().started;
    for (new, why) in [
        ("short", "under 8 characters"),
        (&"é".repeat(40)[..], "over 72 bytes"),
    ] {
        let reply = change(&mut laptop, "a wrong guess", new).await;
        hint_assert!(
            reply.status == 400,
            "a new password {why} must be refused as registration refuses it (400), before \
             the current password is even looked at; got {} {}",
            reply.status,
            reply.body
        );
    }
    hint_assert!(
        passwords.stats().started == before,
        "a request with a new password that breaks the rules must cost no bcrypt run: \
         check the new password first"
    );
    let answers: Vec<u16> = {
        let mut answers = Vec::new();
        for guess in ["password123", "letmein", "iloveyou"] {
            answers.push(change(&mut laptop, guess, NEW_PASSWORD).await.status);
        }
        answers
    };
    hint_assert!(
        answers == [401, 401, 401],
        "refused new passwords must not count as guesses of the current one: three wrong \
         guesses after them must still be 401 each, got {answers:?}"
    );
}

#[tokio::test]
async fn without_a_session_there_is_nothing_to_change() {
    let (app, passwords) = server().await;
    app.client("Alice").register_ok("alice").await;
    let mut stranger = app.client("Stranger");
    let before = passwords.stats().started;
    let reply = change(&mut stranger, PASSWORD, NEW_PASSWORD).await;
    hint_assert!(
        reply.status == 401 && passwords.stats().started == before,
        "no session: 401 at once, without checking any password, got {} {}",
        reply.status,
        reply.body
    );
}

/// A check that ends in an error of the server's (here, a users table that cannot be
/// read) gave no verdict on the password: like lesson 08's guard, the change gives the
/// attempt back, so it costs the user no guess.
#[tokio::test]
async fn a_check_that_fails_on_our_side_costs_no_guess() {
    let story = Story::recording();
    let url = story.database_url("story");
    let (app, _) = server_at(story, &url).await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    let pool = common::db::connect(&url).await.unwrap();
    // One connection for both changes, so that both see the same schema.
    let mut connection = pool.acquire().await.unwrap();
    let rename = |from: &str, to: &str| format!("ALTER TABLE users RENAME COLUMN {from} TO {to}");
    sqlx::query(sqlx::AssertSqlSafe(rename("password_hash", "hidden_hash")))
        .execute(&mut *connection)
        .await
        .unwrap();
    let broken = change(&mut laptop, "a wrong guess", NEW_PASSWORD).await;
    assert_eq!(broken.status, 500, "{}", broken.body);
    sqlx::query(sqlx::AssertSqlSafe(rename("hidden_hash", "password_hash")))
        .execute(&mut *connection)
        .await
        .unwrap();
    let mut answers = Vec::new();
    for guess in ["password123", "letmein", "iloveyou"] {
        answers.push(change(&mut laptop, guess, NEW_PASSWORD).await.status);
    }
    hint_assert!(
        answers == [401, 401, 401],
        "a check that failed on the server's side (a 500) gave no verdict on the password, \
         so it must not count as a guess: three wrong guesses after it must each be a 401, \
         got {answers:?}. Give the attempt back when the check fails, as lesson 08's guard does"
    );
}

/// A database that refuses to delete sessions, by a trigger (on SQLite, or a trigger
/// function on PostgreSQL): the change must then leave the password as it was.
#[tokio::test]
async fn the_new_hash_and_the_ended_sessions_are_one_transaction() {
    let story = Story::recording();
    let url = story.database_url("atomic");
    let (app, _) = server_at(story, &url).await;
    let mut laptop = app.client("Laptop");
    laptop.register_ok("alice").await;
    if url.starts_with("sqlite:") {
        let pool = common::db::connect(&url).await.unwrap();
        sqlx::query(
            "CREATE TRIGGER keep_sessions BEFORE DELETE ON sessions
             BEGIN SELECT RAISE(ABORT, 'sessions may not end'); END",
        )
        .execute(&pool)
        .await
        .unwrap();
    } else {
        let pool = common::db::connect(&url).await.unwrap();
        sqlx::query(
            "CREATE FUNCTION keep_sessions() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'sessions may not end'; END $$ LANGUAGE plpgsql",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "CREATE TRIGGER keep_sessions BEFORE DELETE ON sessions
             FOR EACH ROW EXECUTE FUNCTION keep_sessions()",
        )
        .execute(&pool)
        .await
        .unwrap();
    }
    let reply = change(&mut laptop, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(reply.status, 500, "the database refused: {}", reply.body);
    let old = app.client("Check").login("alice", PASSWORD).await;
    hint_assert!(
        old.status == 200,
        "the sessions could not be ended, so the new password must not be stored either: \
         the old password must still log in, got {}. Store the hash and end the sessions in \
         one transaction",
        old.status
    );
}

/// The lesson's server on the database at `url`, and a handle on its password hashing.
async fn server_at(mut story: Story, url: &str) -> (Story, Passwords) {
    let config = common::Config::for_tests(url.to_owned(), story::STORY_SECRET);
    let state = lesson_09_cross_site::state(
        &config,
        story.clock(),
        lesson_06_server_sessions::Timeouts::default(),
        lesson_08_brute_force::Policy::default(),
    )
    .await
    .expect("the lesson's state");
    let passwords = state.lesson_06.accounts.passwords.clone();
    story
        .start_server(lesson_09_cross_site::routes(state))
        .await;
    (story, passwords)
}
