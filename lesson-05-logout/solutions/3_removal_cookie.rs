//! Exercise 05-3 · Break it: a logout the browser ignores. The reference: the fixed
//! logout, and a test that fails against the flawed one.
//!
//! The flaw: the removal cookie had no Path. A browser then files it under the request's
//! folder, `/api`, and `session` at `/api` is not the session cookie (`session` at `/`),
//! so the real one stays. The fix repeats the session cookie's Path. (Lesson 03's
//! `Session::clear` builds the same removal for you, which is why the lesson uses it.)

use axum::http::StatusCode;
use axum::http::header::{HeaderName, SET_COOKIE};
use axum_extra::extract::cookie::Cookie;
use story::{Reply, Story};
use time::OffsetDateTime;

/// `DELETE /api/logout`, by hand: 204, and the `session` cookie expired, at its own Path.
pub async fn logout() -> (StatusCode, [(HeaderName, &'static str); 1]) {
    // The same name and the same Path as the cookie the login set: otherwise it is a
    // different cookie, and the browser keeps the session.
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, "session=; Path=/; Max-Age=0")],
    )
}

/// After Alice logs out, her browser must no longer hold her session.
pub async fn your_test(app: Story) {
    let mut alice = app.client("Alice");
    let login = the_one_cookie(&alice.register("alice").await);
    let reply = alice.logout().await;
    assert_eq!(reply.status, 204, "logout: {}", reply.body);
    let removal = the_one_cookie(&reply);
    // What a browser compares: the removal must name the same cookie, at the same Path.
    assert_eq!(
        removal.name(),
        login.name(),
        "the removal names another cookie"
    );
    assert_eq!(
        removal.path(),
        login.path(),
        "the removal is for another Path"
    );
    let expired = removal.max_age().is_some_and(|age| !age.is_positive())
        || removal
            .expires_datetime()
            .is_some_and(|at| at <= OffsetDateTime::now_utc());
    assert!(expired, "the removal is not expired: {removal}");
    // And what this client can see: it no longer sends a session.
    assert_eq!(alice.me().await.status, 401, "still logged in after logout");
}

/// The only `Set-Cookie` of `reply`, parsed.
fn the_one_cookie(reply: &Reply) -> Cookie<'static> {
    let set_cookies = reply.set_cookies();
    assert_eq!(set_cookies.len(), 1, "one Set-Cookie: {set_cookies:?}");
    Cookie::parse(set_cookies[0].to_owned()).expect("a valid Set-Cookie")
}
