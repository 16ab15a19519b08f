//! The warm-up on its own (src/servers.rs, or exercises/1_servers.rs with `--features
//! 07-1-servers`): what the two servers' configs share, and what a rotation changes.

use axum_extra::extract::cookie::Key;
use common::Config;
use common::config::key_from_secret;
use lesson_07_two_servers::{Server, rotated};
use story::STORY_SECRET;
use story::hint_assert;

/// A deployment's config as `.env` would give it: port 3000, a secret, a retired one.
fn deployment() -> Config {
    let mut config = Config::for_tests("sqlite://data/shared.db".into(), STORY_SECRET);
    config.port = 3000;
    config.previous_cookie_keys = vec![key_from_secret(&"r".repeat(64)).unwrap()];
    config
}

/// Runs a function of the warm-up, so that a `todo!()` becomes a hint.
fn warm_up<T>(name: &str, make: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(make)).unwrap_or_else(|panic| {
        if common::todo::is_todo(common::todo::panic_message(panic.as_ref())) {
            eprintln!("\nhint: `{name}` is not written yet: exercises/1_servers.rs");
        }
        std::panic::resume_unwind(panic)
    })
}

fn master(key: &Key) -> Vec<u8> {
    key.master().to_vec()
}

#[test]
fn a_listens_on_port_and_b_on_the_next_one() {
    let shared = deployment();
    let (a, b) = warm_up("Server::config", || {
        (Server::A.config(&shared), Server::B.config(&shared))
    });
    hint_assert!(
        a.port == 3000 && b.port == 3001,
        "with PORT=3000, A must listen on 3000 and B on 3001 (two processes on one machine \
         need two ports), got A on {} and B on {}",
        a.port,
        b.port
    );
    hint_assert!(
        a.host == shared.host && b.host == shared.host,
        "both servers listen on the deployment's HOST"
    );

    let mut any_port = deployment();
    any_port.port = 0;
    let b = warm_up("Server::config", || Server::B.config(&any_port));
    hint_assert!(
        b.port == 0,
        "PORT=0 means \"any free port\" (the tests use it): B's must stay 0, got {}",
        b.port
    );
}

#[test]
fn both_servers_share_the_secrets_and_the_database() {
    let shared = deployment();
    for server in Server::BOTH {
        let config = warm_up("Server::config", || server.config(&shared));
        let name = server.name();
        hint_assert!(
            master(&config.cookie_key) == master(&shared.cookie_key),
            "server {name} must seal with the deployment's SESSION_SECRET: with another key, \
             a cookie sealed on one server is no cookie on the other (the story's part 2)"
        );
        hint_assert!(
            config.previous_cookie_keys.len() == 1
                && master(&config.previous_cookie_keys[0])
                    == master(&shared.previous_cookie_keys[0]),
            "server {name} must keep the deployment's retired keys (SESSION_PREVIOUS_SECRETS): \
             without them, a rotation logs out everyone who lands on it"
        );
        hint_assert!(
            config.database_url == shared.database_url,
            "server {name} must use the deployment's database `{}`, got `{}`: a session or a \
             user written by one server must be there for the other",
            shared.database_url,
            config.database_url
        );
        hint_assert!(
            config.session_max_age == shared.session_max_age
                && config.cookie_secure == shared.cookie_secure
                && config.bcrypt_cost == shared.bcrypt_cost,
            "server {name} must keep the deployment's other settings as they are"
        );
    }
}

#[test]
fn a_rotation_seals_with_the_new_key_and_still_opens_with_the_old_ones() {
    let shared = deployment();
    let new_key = key_from_secret(&"n".repeat(64)).unwrap();
    let after = warm_up("rotated", || rotated(&shared, new_key.clone()));
    hint_assert!(
        master(&after.cookie_key) == master(&new_key),
        "after a rotation, new cookies must be sealed with the new key"
    );
    let retired: Vec<Vec<u8>> = after.previous_cookie_keys.iter().map(master).collect();
    let (old, retired_before) = (
        master(&shared.cookie_key),
        master(&shared.previous_cookie_keys[0]),
    );
    hint_assert!(
        retired.contains(&old),
        "after a rotation, the key being replaced must join the retired keys: every cookie \
         in use was sealed with it, and without it none of them opens any more"
    );
    hint_assert!(
        retired.contains(&retired_before),
        "after a rotation, the keys retired before must stay among the retired keys, after \
         the old one: cookies they sealed may still be in use"
    );
    hint_assert!(
        retired == [old, retired_before],
        "after a rotation, the retired keys must be the old key first, then the keys that \
         were retired before, each once ({} keys here, 2 expected): the old key is the one \
         most cookies in use were sealed with",
        retired.len()
    );
    hint_assert!(
        after.database_url == shared.database_url && after.port == shared.port,
        "a rotation changes the keys and nothing else"
    );
}
