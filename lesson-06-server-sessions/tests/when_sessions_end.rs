//! The session store on its own: timeouts to the second, the purge, and no resurrection.
//! Each test has its own SQLite file and a clock it moves by hand.

use std::time::Duration;

use common::story::STORY_START;
use common::{Clock, UserStore};
use lesson_06_server_sessions::{SessionStore, Timeouts};
use sqlx::SqlitePool;
use time::OffsetDateTime;

const IDLE: Duration = Duration::from_secs(30 * 60);
const ABSOLUTE: Duration = Duration::from_secs(2 * 60 * 60);

struct Setup {
    store: SessionStore,
    pool: SqlitePool,
    clock: Clock,
    user_id: i64,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sessions.db").display());
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
        _dir: dir,
    }
}

async fn rows(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn alive(store: &SessionStore, token: &str) -> bool {
    store.lookup(token).await.unwrap().is_some()
}

#[tokio::test]
async fn the_idle_timeout_counts_from_the_last_request_to_the_second() {
    let s = setup().await;
    let token = s.store.create(s.user_id, None).await.unwrap().into_string();
    s.clock.advance(IDLE - Duration::from_secs(1));
    assert!(
        alive(&s.store, &token).await,
        "one second before the idle timeout"
    );
    // That request touched it: the idle timeout starts again from here.
    s.clock.advance(IDLE - Duration::from_secs(1));
    assert!(alive(&s.store, &token).await);
    s.clock.advance(IDLE);
    assert!(
        !alive(&s.store, &token).await,
        "exactly the idle timeout after the last request"
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
        assert!(alive(&s.store, &token).await, "alive after {elapsed:?}");
    }
    s.clock.advance(ABSOLUTE - elapsed - Duration::from_secs(1));
    assert!(
        alive(&s.store, &token).await,
        "one second before the absolute timeout"
    );
    s.clock.advance(Duration::from_secs(1));
    assert!(
        !alive(&s.store, &token).await,
        "at the absolute timeout, used a second ago"
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
    let before = s.store.lookup(&token).await.unwrap().unwrap().session;
    s.clock.advance(Duration::from_secs(90));
    let after = s.store.lookup(&token).await.unwrap().unwrap();
    assert_eq!(after.user.username, "alice");
    assert_eq!(
        after.session.last_seen_at,
        before.last_seen_at + Duration::from_secs(90)
    );
    assert_eq!(after.session.created_at, before.created_at);
    assert_eq!(after.session.expires_at, before.created_at + ABSOLUTE);
    assert_eq!(after.session.public_id, before.public_id);
    assert_eq!(after.session.user_agent.as_deref(), Some("Firefox"));
    let listed = s.store.list(s.user_id).await.unwrap();
    assert_eq!(listed, vec![after.session], "the touch was stored");
}

#[tokio::test]
async fn a_deleted_session_is_not_brought_back_by_a_lookup() {
    let s = setup().await;
    let token = s.store.create(s.user_id, None).await.unwrap().into_string();
    s.store.delete(&token).await.unwrap();
    s.clock.advance(Duration::from_secs(5));
    assert!(s.store.lookup(&token).await.unwrap().is_none());
    assert_eq!(rows(&s.pool).await, 0, "a lookup never inserts");
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
        assert!(alive(&s.store, &busy).await);
    }
    let fresh = s
        .store
        .create(s.user_id, Some("fresh"))
        .await
        .unwrap()
        .into_string();
    assert_eq!(
        rows(&s.pool).await,
        3,
        "lookups ignore the idle row but do not delete it"
    );

    assert_eq!(s.store.purge_expired().await.unwrap(), 1, "the idle one");
    assert!(!alive(&s.store, &idle).await);
    assert!(alive(&s.store, &busy).await);

    s.clock.advance(Duration::from_secs(20 * 60)); // busy is now past its absolute timeout
    assert!(alive(&s.store, &fresh).await);
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
    let id = s
        .store
        .lookup(&token)
        .await
        .unwrap()
        .unwrap()
        .session
        .public_id;
    let bob = UserStore::new(s.pool.clone())
        .create("bob", "x", s.clock.now())
        .await
        .unwrap();
    assert!(!s.store.revoke(bob.id, &id).await.unwrap(), "not Bob's");
    assert!(alive(&s.store, &token).await);
    assert!(s.store.revoke(s.user_id, &id).await.unwrap());
    assert!(!alive(&s.store, &token).await);
    assert!(
        !s.store.revoke(s.user_id, &id).await.unwrap(),
        "already gone"
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
    let agent = s
        .store
        .lookup(&token)
        .await
        .unwrap()
        .unwrap()
        .session
        .user_agent
        .unwrap();
    assert_eq!(agent.chars().count(), 200);
}
