//! The session store on its own: timeouts to the second, the purge, and no resurrection.
//! Each test has its own database (a SQLite file, or a PostgreSQL schema with
//! `TEST_DATABASE=postgres`) and a clock it moves by hand. With `--features 06-1-access`
//! these check the warm-up's `lookup` and `revoke` (`exercises/1_access.rs`) without any
//! HTTP in between.

use std::time::Duration;

use common::{Clock, UserStore};
use lesson_06_server_sessions::{LoggedIn, SessionStore, Timeouts};
use sqlx::AnyPool;
use story::hint_assert;
use story::{STORY_START, Story};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const IDLE: Duration = Duration::from_secs(30 * 60);
const ABSOLUTE: Duration = Duration::from_secs(2 * 60 * 60);

struct Setup {
    store: SessionStore,
    pool: AnyPool,
    clock: Clock,
    user_id: i64,
    /// Where the database is: a SQLite file, or a PostgreSQL schema.
    url: String,
    /// Holds the database; it is deleted when the test ends.
    _story: Story,
}

async fn setup() -> Setup {
    let story = Story::recording();
    let url = story.database_url("sessions");
    let pool = common::db::connect(&url).await.unwrap();
    let clock = Clock::manual(OffsetDateTime::from_unix_timestamp(STORY_START).unwrap());
    let timeouts = Timeouts {
        idle: IDLE,
        absolute: ABSOLUTE,
    };
    let store = SessionStore::open(pool.clone(), clock.clone(), timeouts)
        .await
        .unwrap();
    let user = UserStore::new(pool.clone())
        .create("alice", "not a real hash", clock.now())
        .await
        .unwrap();
    Setup {
        store,
        pool,
        clock,
        user_id: user.id,
        url,
        _story: story,
    }
}

/// A time for a hint: `2026-01-01T09:01:30Z`.
fn shown(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}

async fn rows(pool: &AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Runs one of the exercised methods in a task of its own, so that a `todo!()` or an
/// error becomes a hint instead of a bare panic.
async fn exercised<T: Send + 'static>(
    name: &str,
    call: impl Future<Output = Result<T, sqlx::Error>> + Send + 'static,
) -> T {
    match answered(name, call).await {
        Ok(value) => value,
        Err(error) => {
            hint_assert!(false, "`{name}` answered an error: {error}");
            unreachable!()
        }
    }
}

/// Like [`exercised`], with the method's own answer, an error included.
async fn answered<T: Send + 'static>(
    name: &str,
    call: impl Future<Output = Result<T, sqlx::Error>> + Send + 'static,
) -> Result<T, sqlx::Error> {
    match tokio::spawn(call).await {
        Ok(answer) => answer,
        Err(error) => {
            let payload = error.into_panic();
            let message = common::todo::panic_message(payload.as_ref());
            if common::todo::is_todo(message) {
                hint_assert!(
                    false,
                    "`{name}` is not written yet: it reached a todo!() ({message})"
                );
            }
            hint_assert!(false, "`{name}` panicked: {message}");
            unreachable!()
        }
    }
}

/// `store.lookup(token)`: the live session, or `None`.
async fn lookup(store: &SessionStore, token: &str) -> Option<LoggedIn> {
    let (store, token) = (store.clone(), token.to_owned());
    exercised("lookup", async move { store.lookup(&token).await }).await
}

async fn alive(store: &SessionStore, token: &str) -> bool {
    lookup(store, token).await.is_some()
}

/// `store.revoke(user_id, public_id)`: whether a session was ended.
async fn revoke(store: &SessionStore, user_id: i64, public_id: &str) -> bool {
    let (store, public_id) = (store.clone(), public_id.to_owned());
    exercised(
        "revoke",
        async move { store.revoke(user_id, &public_id).await },
    )
    .await
}

#[tokio::test]
async fn the_idle_timeout_counts_from_the_last_request_to_the_second() {
    let s = setup().await;
    let token = s.store.create(s.user_id, None).await.unwrap().into_string();
    s.clock.advance(IDLE - Duration::from_secs(1));
    hint_assert!(
        alive(&s.store, &token).await,
        "a session used 29:59 ago (idle timeout 30:00) must still be alive: `lookup` \
         returned None one second before the idle timeout"
    );
    // That request touched it: the idle timeout starts again from here.
    s.clock.advance(IDLE - Duration::from_secs(1));
    hint_assert!(
        alive(&s.store, &token).await,
        "a lookup touches the session, so the idle timeout counts again from it: the \
         session, looked up 29:59 ago, must still be alive. Does `lookup` move \
         last_seen_at to now?"
    );
    s.clock.advance(IDLE);
    hint_assert!(
        !alive(&s.store, &token).await,
        "a session unused for exactly the idle timeout (30:00) must be over: `lookup` \
         must answer None once last_seen_at + idle timeout is not after now"
    );
}

#[tokio::test]
async fn the_absolute_timeout_ends_even_a_busy_session() {
    let s = setup().await;
    let token = s
        .store
        .create(s.user_id, Some("a busy browser"))
        .await
        .unwrap()
        .into_string();
    let step = Duration::from_secs(10 * 60);
    let mut elapsed = Duration::ZERO;
    while elapsed + step < ABSOLUTE {
        s.clock.advance(step);
        elapsed += step;
        hint_assert!(
            alive(&s.store, &token).await,
            "a session used every 10 minutes must be alive {} minutes after login \
             (absolute timeout 2 h): `lookup` returned None",
            elapsed.as_secs() / 60
        );
    }
    s.clock.advance(ABSOLUTE - elapsed - Duration::from_secs(1));
    hint_assert!(
        alive(&s.store, &token).await,
        "one second before the absolute timeout the session must still be alive"
    );
    s.clock.advance(Duration::from_secs(1));
    hint_assert!(
        !alive(&s.store, &token).await,
        "at the absolute timeout (expires_at = now) the session must be over, even used a \
         second ago: `lookup` must answer None once expires_at is not after now"
    );
}

#[tokio::test]
async fn a_lookup_touches_last_seen_at_and_nothing_else() {
    let s = setup().await;
    let token = s
        .store
        .create(s.user_id, Some("Firefox"))
        .await
        .unwrap()
        .into_string();
    let before = lookup(&s.store, &token).await;
    hint_assert!(
        before.is_some(),
        "`lookup` must find a session created a moment ago"
    );
    let before = before.unwrap().session;
    s.clock.advance(Duration::from_secs(90));
    let after = lookup(&s.store, &token).await;
    hint_assert!(
        after.is_some(),
        "`lookup` must find a session used 90 seconds ago"
    );
    let after = after.unwrap();
    hint_assert!(
        after.user.username == "alice",
        "`lookup` must return the session's user, alice, got {}",
        after.user.username
    );
    hint_assert!(
        after.session.last_seen_at == before.last_seen_at + Duration::from_secs(90),
        "90 seconds later, the session `lookup` returns must show the touch: last_seen_at \
         {}, got {}",
        shown(before.last_seen_at + Duration::from_secs(90)),
        shown(after.session.last_seen_at)
    );
    // The touch changes last_seen_at only.
    let unchanged = [
        (
            "created_at",
            shown(before.created_at),
            shown(after.session.created_at),
        ),
        (
            "expires_at",
            shown(before.created_at + ABSOLUTE),
            shown(after.session.expires_at),
        ),
        (
            "the public id",
            before.public_id.clone(),
            after.session.public_id.clone(),
        ),
        (
            "the user agent",
            "Firefox".to_owned(),
            after
                .session
                .user_agent
                .clone()
                .unwrap_or_else(|| "none".to_owned()),
        ),
    ];
    for (what, was, now) in unchanged {
        hint_assert!(
            was == now,
            "the touch changes last_seen_at only, but {what} changed: it was {was}, \
             `lookup` answered {now}"
        );
    }
    let listed = s.store.list(s.user_id).await.unwrap();
    let stored = match listed.as_slice() {
        [one] => format!("last_seen_at {}", shown(one.last_seen_at)),
        many => format!("{} sessions", many.len()),
    };
    hint_assert!(
        listed == vec![after.session.clone()],
        "the touch must be stored in the table, not only in the answer: the table holds \
         {stored}, `lookup` answered last_seen_at {}",
        shown(after.session.last_seen_at)
    );
}

#[tokio::test]
async fn a_deleted_session_is_not_brought_back_by_a_lookup() {
    let s = setup().await;
    let token = s.store.create(s.user_id, None).await.unwrap().into_string();
    s.store.delete(&token).await.unwrap();
    s.clock.advance(Duration::from_secs(5));
    hint_assert!(
        lookup(&s.store, &token).await.is_none(),
        "`lookup` must answer None for a token whose session was deleted (a logout)"
    );
    let rows = rows(&s.pool).await;
    hint_assert!(
        rows == 0,
        "a lookup of a deleted session must never write it back, found {rows} rows: the \
         touch must change a row that exists, never insert one"
    );
}

/// What an INSERT into `sessions` fails with once [`ended_after_every_read`] is in place.
const WRITTEN_BACK: &str = "an INSERT wrote a session row";

/// From now on, `sessions` behaves as if a logout deleted each row right after a SELECT
/// found it: an UPDATE changes no row (it says so in `rows_affected()`), and an INSERT,
/// which would write an ended session back, fails. Triggers on the test's own database;
/// on PostgreSQL, trigger functions.
async fn ended_after_every_read(s: &Setup) {
    let statements: &[&'static str] = if s.url.starts_with("sqlite:") {
        &[
            // RAISE(IGNORE) skips the row: "not changed", exactly like a deleted one.
            "CREATE TRIGGER ended_meanwhile BEFORE UPDATE ON sessions
             BEGIN SELECT RAISE(IGNORE); END",
            "CREATE TRIGGER no_insert BEFORE INSERT ON sessions
             BEGIN SELECT RAISE(ABORT, 'an INSERT wrote a session row'); END",
        ]
    } else {
        &[
            // A BEFORE trigger that returns NULL skips the row.
            "CREATE FUNCTION ended_meanwhile() RETURNS trigger AS $$
             BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER ended_meanwhile BEFORE UPDATE ON sessions
             FOR EACH ROW EXECUTE FUNCTION ended_meanwhile()",
            "CREATE FUNCTION no_insert() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'an INSERT wrote a session row'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER no_insert BEFORE INSERT ON sessions
             FOR EACH ROW EXECUTE FUNCTION no_insert()",
        ]
    };
    for statement in statements {
        sqlx::query(*statement).execute(&s.pool).await.unwrap();
    }
}

#[tokio::test]
async fn a_session_ended_between_the_read_and_the_touch_is_no_session() {
    let s = setup().await;
    let token = s.store.create(s.user_id, None).await.unwrap().into_string();
    // A second later, so that the lookup must touch the session.
    s.clock.advance(Duration::from_secs(1));
    // Alice logs out in another tab at the worst moment: after the lookup's SELECT found
    // her session, before its touch.
    ended_after_every_read(&s).await;

    let store = s.store.clone();
    let answer = answered("lookup", async move { store.lookup(&token).await }).await;
    match answer {
        Ok(found) => hint_assert!(
            found.is_none(),
            "a logout deleted the session between `lookup`'s SELECT and its touch (the \
             touch's UPDATE changed no row), yet `lookup` answered the session as alive. \
             The UPDATE says how many rows it changed: `rows_affected()` of 0 means the \
             session ended meanwhile, and the answer is Ok(None)"
        ),
        Err(error) => {
            hint_assert!(
                !error.to_string().contains(WRITTEN_BACK),
                "the touch wrote the session with an INSERT (an upsert, or INSERT OR \
                 REPLACE). Had a logout deleted the row a moment before, that would write \
                 the ended session back to life. Touch with an UPDATE: it changes only a \
                 row that is still there"
            );
            hint_assert!(false, "`lookup` answered an error: {error}");
        }
    }
}

#[tokio::test]
async fn the_purge_deletes_exactly_the_expired_rows() {
    let s = setup().await;
    let idle = s
        .store
        .create(s.user_id, Some("idle"))
        .await
        .unwrap()
        .into_string();
    let busy = s
        .store
        .create(s.user_id, Some("busy"))
        .await
        .unwrap()
        .into_string();
    // Busy is used every 20 minutes; idle never again.
    for _ in 0..5 {
        s.clock.advance(Duration::from_secs(20 * 60));
        hint_assert!(
            alive(&s.store, &busy).await,
            "a session used every 20 minutes (idle timeout 30) must stay alive"
        );
    }
    let fresh = s
        .store
        .create(s.user_id, Some("fresh"))
        .await
        .unwrap()
        .into_string();
    let count = rows(&s.pool).await;
    hint_assert!(
        count == 3,
        "lookups ignore an idle row but never delete it (the purge does): expected 3 rows, \
         found {count}"
    );

    assert_eq!(s.store.purge_expired().await.unwrap(), 1, "the idle one");
    hint_assert!(
        !alive(&s.store, &idle).await,
        "a session idle for 100 minutes must be over"
    );
    hint_assert!(
        alive(&s.store, &busy).await,
        "the busy session, used 0 minutes ago and 100 minutes after login (absolute 2 h), \
         must be alive"
    );

    s.clock.advance(Duration::from_secs(20 * 60)); // busy is now past its absolute timeout
    hint_assert!(
        alive(&s.store, &fresh).await,
        "a session made 20 minutes ago must be alive"
    );
    assert_eq!(s.store.purge_expired().await.unwrap(), 1, "the busy one");
    assert_eq!(rows(&s.pool).await, 1);
    assert_eq!(
        s.store.purge_expired().await.unwrap(),
        0,
        "nothing left to purge"
    );
}

#[tokio::test]
async fn the_background_task_purges_on_its_own() {
    let s = setup().await;
    s.store.create(s.user_id, None).await.unwrap();
    s.clock.advance(IDLE);
    let task = s.store.spawn_purger(Duration::from_millis(20));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while rows(&s.pool).await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the purge task never ran"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    task.abort();
}

#[tokio::test]
async fn revoking_needs_the_owner() {
    let s = setup().await;
    let token = s.store.create(s.user_id, None).await.unwrap().into_string();
    let found = lookup(&s.store, &token).await;
    hint_assert!(
        found.is_some(),
        "`lookup` must find a session created a moment ago"
    );
    let id = found.unwrap().session.public_id;
    let bob = UserStore::new(s.pool.clone())
        .create("bob", "x", s.clock.now())
        .await
        .unwrap();
    let ended_by_bob = revoke(&s.store, bob.id, &id).await;
    hint_assert!(
        alive(&s.store, &token).await,
        "Bob revoking Alice's session must leave it alive, but it is gone: `revoke` may \
         end a session only for the user it belongs to, and must check the owner in the \
         same question that deletes"
    );
    hint_assert!(
        !ended_by_bob,
        "Bob revoking Alice's session deleted nothing, so `revoke` must say false: the \
         answer is whether the DELETE deleted a row"
    );
    hint_assert!(
        revoke(&s.store, s.user_id, &id).await,
        "Alice revoking her own session must say true"
    );
    hint_assert!(
        !alive(&s.store, &token).await,
        "after Alice revokes her session, its token must lead nowhere"
    );
    hint_assert!(
        !revoke(&s.store, s.user_id, &id).await,
        "revoking a session that is already gone must say false"
    );
}

#[tokio::test]
async fn long_user_agents_are_cut() {
    let s = setup().await;
    let long = "é".repeat(1000);
    let token = s
        .store
        .create(s.user_id, Some(&long))
        .await
        .unwrap()
        .into_string();
    let found = lookup(&s.store, &token).await;
    hint_assert!(
        found.is_some(),
        "`lookup` must find a session created a moment ago"
    );
    let agent = found.unwrap().session.user_agent.unwrap_or_default();
    hint_assert!(
        agent.chars().count() == 200,
        "the stored user agent is cut to 200 characters, and `lookup` returns it as \
         stored: got {} characters",
        agent.chars().count()
    );
}
