//! The check of exercise 01-2: a shopping cart kept in one variable for the whole server.
//! The story (`tests/snapshots/exercise_2_cart.snap`) plays the bug out; the other tests
//! check the edges. `cargo course check 01-2-cart` runs it against your
//! `exercises/2_cart.rs`; `cargo test` runs it against the reference in `solutions/`.

// The reference, or with `--features 01-2-cart` your starter: only this exercise's
// (see README, "Exercises"). rust-analyzer, which sets `cfg(rust_analyzer)`, sees both.
#[cfg(all(rust_analyzer, not(feature = "01-2-cart")))]
#[path = "../../exercises/2_cart.rs"]
mod starter;
#[cfg(not(feature = "01-2-cart"))]
#[path = "../../solutions/2_cart.rs"]
mod yours;
#[cfg(feature = "01-2-cart")]
#[path = "../../exercises/2_cart.rs"]
mod yours;

use serde_json::json;
use story::hint_assert;
use story::{Client, Method, Payload, Reply, Story, spawn_app};

const TOO_LONG: &str = "Item must be 1 to 40 characters long";

/// The lesson's server with your cart added.
async fn app() -> Story {
    spawn_app(|config, clock| async move {
        let lesson = lesson_01_stateless::app(&config, clock).await?;
        Ok::<_, sqlx::Error>(lesson.merge(yours::routes()))
    })
    .await
}

async fn add(client: &mut Client, item: &str) -> Reply {
    client
        .post("add an item", "/api/cart", json!({ "item": item }))
        .await
}

/// Checks a 200 `{"items": [...]}` answer to `request`, with exactly `items`.
#[track_caller]
fn expect_items(reply: &Reply, request: &str, items: &[&str]) {
    let expected = json!({ "items": items });
    hint_assert!(
        reply.status == 200 && reply.json() == expected,
        "{request} must answer 200 {expected}, got {} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn story() {
    let mut story = Story::recording();
    let lesson = lesson_01_stateless::app(&story.config(), story.clock())
        .await
        .expect("the lesson's app starts");
    story.start_server(lesson.merge(yours::routes())).await;

    // Three clients, as if on three computers; none of them holds anything of its own.
    let mut alice = story.client("Alice");
    let mut bob = story.client("Bob");
    let mut carol = story.client("Carol");

    alice
        .get("Alice looks at her cart: empty", "/api/cart")
        .await;
    alice
        .post("Alice adds tea", "/api/cart", json!({ "item": "tea" }))
        .await;

    story.say("Bob opens the shop on his own computer, for the first time.");
    bob.get("BUG: Bob's cart already holds Alice's tea", "/api/cart")
        .await;
    bob.post(
        "Bob adds a kettle",
        "/api/cart",
        json!({ "item": "kettle" }),
    )
    .await;
    alice
        .get("BUG: Alice finds Bob's kettle in her cart", "/api/cart")
        .await;

    carol
        .post(
            "Carol adds an item with no name: refused, nothing changes",
            "/api/cart",
            json!({ "item": "   " }),
        )
        .await;

    bob.delete("Bob empties his cart", "/api/cart").await;
    alice
        .get(
            "BUG: Alice's tea is gone too: Bob emptied the one cart",
            "/api/cart",
        )
        .await;

    story.say(
        "No request above says whose cart it is about: the server has one cart, and \
         every visitor fills, reads and empties that one.",
    );
    story::assert_story!("exercise_2_cart", story.finish().await);
}

#[tokio::test]
async fn items_come_back_in_the_order_they_were_added() {
    let app = app().await;
    let mut alice = app.client("Alice");
    expect_items(&alice.get("cart", "/api/cart").await, "GET /api/cart", &[]);
    expect_items(
        &add(&mut alice, "tea").await,
        "Adding \"tea\" to an empty cart",
        &["tea"],
    );
    expect_items(
        &add(&mut alice, "kettle").await,
        "Adding \"kettle\" after \"tea\" (the answer is the whole cart, oldest first, the \
         new item last)",
        &["tea", "kettle"],
    );
    expect_items(
        &add(&mut alice, "tea").await,
        "Adding \"tea\" a second time (a cart may hold the same thing twice)",
        &["tea", "kettle", "tea"],
    );
    expect_items(
        &alice.get("cart", "/api/cart").await,
        "GET /api/cart after three adds",
        &["tea", "kettle", "tea"],
    );
}

#[tokio::test]
async fn an_item_is_trimmed_and_must_be_1_to_40_characters() {
    let app = app().await;
    let mut alice = app.client("Alice");
    expect_items(
        &add(&mut alice, "  green tea \n").await,
        "Adding \"  green tea \\n\" (an item is stored without the spaces around it: trim it)",
        &["green tea"],
    );
    let forty = "x".repeat(40);
    let forty_accents = "é".repeat(40); // 40 characters, 80 bytes
    expect_items(
        &add(&mut alice, &forty).await,
        "Adding an item of exactly 40 characters (1 to 40 are allowed)",
        &["green tea", &forty],
    );
    expect_items(
        &add(&mut alice, &forty_accents).await,
        "Adding \"é\" 40 times (40 characters but 80 bytes: count characters, not bytes)",
        &["green tea", &forty, &forty_accents],
    );

    let forty_one = "x".repeat(41);
    let bad_items = [
        ("", "an empty item"),
        ("   ", "an item of three spaces"),
        ("\t\n", "an item of a tab and a new line"),
        (forty_one.as_str(), "an item of 41 characters"),
    ];
    for (bad, what) in bad_items {
        let reply = add(&mut alice, bad).await;
        hint_assert!(
            reply.status == 400 && reply.json() == json!({ "error": TOO_LONG }),
            "Adding {what} must be refused with 400 {{\"error\": \"{TOO_LONG}\"}}, got {} {}",
            reply.status,
            reply.body
        );
        reply.assert_error(400, TOO_LONG);
    }
    expect_items(
        &alice.get("cart", "/api/cart").await,
        "GET /api/cart after four refused items (a refused item changes nothing)",
        &["green tea", &forty, &forty_accents],
    );
}

#[tokio::test]
async fn emptying_answers_an_empty_cart() {
    let app = app().await;
    let mut alice = app.client("Alice");
    add(&mut alice, "tea").await;
    add(&mut alice, "kettle").await;
    expect_items(
        &alice.delete("empty", "/api/cart").await,
        "DELETE /api/cart (the answer is the cart once emptied)",
        &[],
    );
    expect_items(
        &alice.get("cart", "/api/cart").await,
        "GET /api/cart after DELETE",
        &[],
    );
    expect_items(
        &alice.delete("empty", "/api/cart").await,
        "DELETE /api/cart on an empty cart",
        &[],
    );
}

#[tokio::test]
async fn each_server_has_its_own_cart() {
    // Two servers (here, two tests) each get their own cart. A `static` would not.
    let first = app().await;
    let second = app().await;
    let mut alice = first.client("Alice");
    add(&mut alice, "tea").await;
    let mut bob = second.client("Bob");
    expect_items(
        &bob.get("cart", "/api/cart").await,
        "GET /api/cart on a new server, after Alice added tea on another one (keep the \
         items in the cart your handler is given, not in a `static`)",
        &[],
    );
}

#[tokio::test]
async fn malformed_bodies_get_a_json_4xx() {
    let app = app().await;
    let mut client = app.client("client");
    let broken = client
        .send(
            "broken JSON",
            Method::POST,
            "/api/cart",
            Payload::raw(Some("application/json"), r#"{"item":"#),
        )
        .await;
    broken.assert_error(400, "The body is not valid JSON");
    let missing = client
        .post("no item", "/api/cart", json!({ "name": "tea" }))
        .await;
    assert!(missing.error_message(422).contains("missing field `item`"));
    let number = client
        .post("a number", "/api/cart", json!({ "item": 42 }))
        .await;
    number.error_message(422);
    expect_items(
        &client.get("cart", "/api/cart").await,
        "GET /api/cart after three malformed requests",
        &[],
    );
}
