//! Lesson 02's story: two browsers count their visits with a plain cookie, then Alice
//! forges her cookies, and only the plain one is fooled.

use lesson_02_cookies::counters::{PRIVATE_COOKIE, SIGNED_COOKIE};
use story::Story;

pub async fn run(mut story: Story) -> String {
    // A signed cookie is `<signature><count>`: hide the signature, keep the count.
    // A private cookie is random-looking from end to end: hide it all.
    story.redact_signed_cookie(SIGNED_COOKIE, "signature");
    story.redact_cookie(PRIVATE_COOKIE, "encrypted");
    story
        .start_server(lesson_02_cookies::app(&story.config()))
        .await;

    let mut alice = story.client("Alice");
    let mut bob = story.client("Bob");

    // ── a plain cookie
    alice
        .get(
            "Alice's first visit: the server sets a cookie",
            "/api/visits",
        )
        .await;
    alice
        .get("Alice's browser sends the cookie back", "/api/visits")
        .await;
    bob.get(
        "Bob's browser has no cookie yet, so he starts at 1",
        "/api/visits",
    )
    .await;
    alice
        .get(
            "Alice again: each browser keeps its own count",
            "/api/visits",
        )
        .await;

    story.say("Alice opens her browser's developer tools and edits the cookie.");
    alice.set_cookie("visits", "1000");
    alice
        .get("The server believes the forged plain cookie", "/api/visits")
        .await;

    // ── a signed cookie
    alice
        .get(
            "Alice's first visit to the signed counter",
            "/api/visits/signed",
        )
        .await;
    alice
        .get(
            "The count grows, with a new signature",
            "/api/visits/signed",
        )
        .await;

    story.say(
        "Bob copies Alice's signed cookie into his own browser. A signature proves that the \
         server made the value, not who sends it back.",
    );
    let alices_signed = alice.cookie(SIGNED_COOKIE).unwrap_or_default();
    bob.set_cookie(SIGNED_COOKIE, &alices_signed);
    bob.get(
        "Bob's copy is accepted: he counts on from Alice's 2",
        "/api/visits/signed",
    )
    .await;

    story.say("Alice keeps the signature and changes the count after it to 1000.");
    let signature = alices_signed.trim_end_matches(|c: char| c.is_ascii_digit());
    alice.set_cookie(SIGNED_COOKIE, &format!("{signature}1000"));
    alice
        .get(
            "The signature does not match: the server starts over at 1",
            "/api/visits/signed",
        )
        .await;

    // ── a private cookie
    alice
        .get(
            "Alice's first visit to the private counter",
            "/api/visits/private",
        )
        .await;
    alice
        .get(
            "The count grows, and the whole value changes",
            "/api/visits/private",
        )
        .await;

    let sealed = alice.cookie(PRIVATE_COOKIE).unwrap_or_default();
    story.say(&format!(
        "Alice looks at her private cookie: {} characters of base64 (a random nonce, the \
         encrypted count and a tag). Nothing in it reads as 2. She changes one character.",
        decoded_len(&sealed)
    ));
    alice.set_cookie(PRIVATE_COOKIE, &change_one_character(&sealed));
    alice
        .get(
            "The tag does not match: the server starts over at 1",
            "/api/visits/private",
        )
        .await;

    story.finish().await
}

/// The length of a cookie value once its `%XX` escapes are decoded.
fn decoded_len(wire: &str) -> usize {
    wire.len() - 2 * wire.matches('%').count()
}

/// Swaps one letter in the middle of `value` for another, as a hand edit would.
fn change_one_character(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    let middle = chars.len() / 2;
    if let Some(c) = chars[middle..].iter_mut().find(|c| c.is_ascii_alphabetic()) {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

/// The lesson's story, checked against `tests/snapshots/story.snap`: every request, status
/// and body, including every Set-Cookie and what the server made of each forged cookie.
/// With `--features 02-1-signed-counter` this is the check for your `signed_visits`.
#[tokio::test]
async fn matches_its_snapshot() {
    story::assert_story!(run(Story::recording()).await);
}
