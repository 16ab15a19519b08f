//! Break it 08-3 · A throttle that locks Alice out. The reference solution.

use std::net::IpAddr;

use lesson_08_brute_force::Key;
use story::{PASSWORD, Story, credentials};

/// The name and the address: an attacker elsewhere fills a count of their own, and
/// Alice's laptop keeps its own.
pub fn throttle_key(username: &str, client: IpAddr) -> Key {
    Key::new(username, client)
}

pub async fn your_test(app: Story) {
    let mut alice = app.client("Alice").local_address("127.0.0.2");
    let mut mallory = app.client("Mallory").local_address("127.0.0.3");
    alice.register_ok("alice").await;

    // Mallory guesses until the server refuses her.
    let mut refused = false;
    for guess in 0..10 {
        let password = format!("guess number {guess}");
        let reply = mallory
            .post("guess", "/api/login", credentials("alice", &password))
            .await;
        assert!(reply.status == 401 || reply.status == 429, "{}", reply.body);
        if reply.status == 429 {
            refused = true;
            break;
        }
    }
    assert!(refused, "the server never slowed Mallory down");

    let reply = alice.login("alice", PASSWORD).await;
    assert_eq!(reply.status, 200, "Alice is locked out: {}", reply.body);
}
