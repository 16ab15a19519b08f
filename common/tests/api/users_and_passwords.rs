//! The user store and password rules, against a real SQLite file.

use common::accounts::{self, Credentials, INVALID_CREDENTIALS};
use common::passwords::Passwords;
use common::users::CreateUserError;
use common::{Accounts, Clock, Config, UserStore};

async fn accounts() -> (Accounts, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let config = Config::for_tests(url, story::STORY_SECRET);
    (
        Accounts::connect(&config, Clock::system()).await.unwrap(),
        dir,
    )
}

fn credentials(username: &str, password: &str) -> Credentials {
    Credentials {
        username: username.into(),
        password: password.into(),
    }
}

#[tokio::test]
async fn a_duplicate_username_is_a_typed_error_whatever_its_case() {
    let (accounts, _dir) = accounts().await;
    let store: &UserStore = &accounts.users;
    let now = accounts.clock.now();
    let alice = store.create("alice", "hash", now).await.unwrap();
    assert_eq!(alice.username, "alice");
    assert_eq!(
        store.create("alice", "hash", now).await.unwrap_err(),
        CreateUserError::UsernameTaken
    );
    assert_eq!(
        store.create("ALICE", "hash", now).await.unwrap_err(),
        CreateUserError::UsernameTaken
    );
    let error = accounts
        .register(&credentials("Alice", "long enough"))
        .await
        .unwrap_err();
    assert_eq!(error.status, 409);
    assert_eq!(error.message, "Username already taken");
}

#[tokio::test]
async fn fifty_concurrent_registrations_of_one_name_give_exactly_one_user() {
    let (accounts, _dir) = accounts().await;
    let attempts = (0..50).map(|_| {
        let accounts = accounts.clone();
        tokio::spawn(async move {
            accounts
                .register(&credentials("popular", "password123"))
                .await
        })
    });
    let mut created = 0;
    let mut taken = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => created += 1,
            Err(error) if error.status == 409 => taken += 1,
            Err(error) => panic!("unexpected error: {error:?}"),
        }
    }
    assert_eq!((created, taken), (1, 49));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(accounts.users.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn passwords_up_to_72_bytes_are_accepted_and_longer_ones_refused_not_truncated() {
    let (accounts, _dir) = accounts().await;
    for (name, bytes) in [("seventy-one", 71), ("seventy-two", 72)] {
        let password = "p".repeat(bytes);
        accounts
            .register(&credentials(name, &password))
            .await
            .unwrap();
        accounts
            .check_login(&credentials(name, &password))
            .await
            .unwrap();
    }

    let error = accounts
        .register(&credentials("seventy-three", &"p".repeat(73)))
        .await
        .unwrap_err();
    assert_eq!(error.status, 400);
    assert!(
        error.message.contains("at most 72 bytes"),
        "{}",
        error.message
    );

    // 24 characters but 96 bytes: counted in bytes, as bcrypt reads them.
    let emoji = "🔑".repeat(24);
    assert_eq!(emoji.chars().count(), 24);
    let error = accounts
        .register(&credentials("emoji", &emoji))
        .await
        .unwrap_err();
    assert_eq!(error.status, 400);
    assert!(
        error.message.contains("this one is 96"),
        "{}",
        error.message
    );

    // Had the 72-byte password been truncated, a longer one with the same start would log
    // in. It must not: it is refused before bcrypt sees it.
    let longer = format!("{}extra", "p".repeat(72));
    let error = accounts
        .check_login(&credentials("seventy-two", &longer))
        .await
        .unwrap_err();
    assert_eq!(error.status, 400);
}

#[tokio::test]
async fn the_hasher_itself_refuses_to_truncate() {
    let passwords = Passwords::new(4);
    assert!(passwords.hash(&"x".repeat(73)).await.is_err());
    let hash = passwords.hash(&"x".repeat(72)).await.unwrap();
    assert!(hash.starts_with("$2b$04$"), "bcrypt at the configured cost");
    assert!(
        passwords
            .verify(&"x".repeat(72), Some(&hash))
            .await
            .unwrap()
    );
    assert!(
        !passwords
            .verify(&"x".repeat(71), Some(&hash))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn an_unknown_user_is_checked_against_a_dummy_hash_and_never_matches() {
    let passwords = Passwords::new(4);
    // The dummy path runs bcrypt and answers false, even for the dummy's own password.
    assert!(
        !passwords
            .verify("not the password of any user", None)
            .await
            .unwrap()
    );
    assert!(!passwords.verify("anything at all", None).await.unwrap());

    let (accounts, _dir) = accounts().await;
    accounts
        .register(&credentials("bob", "bob's password"))
        .await
        .unwrap();
    let unknown = accounts
        .check_login(&credentials("nobody", "bob's password"))
        .await
        .unwrap_err();
    let wrong = accounts
        .check_login(&credentials("bob", "not bob's password"))
        .await
        .unwrap_err();
    assert_eq!(unknown, wrong, "one answer for both failures");
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.message, INVALID_CREDENTIALS);
}

#[test]
fn usernames_and_passwords_are_validated_with_reasons() {
    for good in ["bob", "alice_1", "mary-jane", "j.doe", &"a".repeat(32)] {
        assert!(accounts::validate_username(good).is_ok(), "{good}");
    }
    let cases = [
        ("al", "3 to 32 characters"),
        (&"a".repeat(33), "3 to 32 characters"),
        ("al ice", "found ' '"),
        ("ålice", "found 'å'"),
    ];
    for (bad, reason) in cases {
        let error = accounts::validate_username(bad).unwrap_err();
        assert_eq!(error.status, 400);
        assert!(error.message.contains(reason), "{bad}: {}", error.message);
    }
    let error = accounts::validate_password("short").unwrap_err();
    assert_eq!(error.message, "Password must be at least 8 characters long");
    assert!(
        accounts::validate_password("éééééééé").is_ok(),
        "8 characters, 16 bytes"
    );
}

#[tokio::test]
async fn the_dummy_hash_is_made_before_the_first_login() {
    // Made lazily, the first unknown name would pay for two bcrypt runs (making the dummy,
    // then checking against it), and that one slow answer would say "no such user".
    let fresh = Passwords::new(4);
    assert!(!fresh.is_prepared(), "a bare Passwords makes it on demand");
    let (accounts, _dir) = accounts().await;
    assert!(
        accounts.passwords.is_prepared(),
        "Accounts::connect makes the dummy hash before the server listens"
    );
}

#[tokio::test]
async fn finding_a_user_by_id_sees_each_write_the_moment_it_is_committed() {
    let (accounts, _dir) = accounts().await;
    let store = &accounts.users;
    let alice = store
        .create("alice", "hash", accounts.clock.now())
        .await
        .unwrap();
    let found = store.find_by_id(alice.id).await.unwrap();
    assert_eq!(found.as_ref(), Some(&alice));

    sqlx::query("UPDATE users SET username = 'alicia' WHERE id = $1")
        .bind(alice.id)
        .execute(store.pool())
        .await
        .unwrap();
    let found = store.find_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(found.username, "alicia", "no stale copy of the row");

    assert!(store.delete(alice.id).await.unwrap());
    let found = store.find_by_id(alice.id).await.unwrap();
    assert_eq!(
        found, None,
        "a deleted user is gone for the very next request"
    );
}

#[tokio::test]
async fn a_row_the_store_cannot_read_is_an_error_not_a_panic() {
    let (accounts, _dir) = accounts().await;
    let store = &accounts.users;
    let bob = store
        .create("bob", "hash", accounts.clock.now())
        .await
        .unwrap();
    sqlx::query("UPDATE users SET created_at = 'last Tuesday' WHERE id = $1")
        .bind(bob.id)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(store.find_by_id(bob.id).await.is_err());
}
