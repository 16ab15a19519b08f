//! A cookie as only the server could make it: for the checks that show what a signature
//! proves (who made a value) and what it does not (that the value makes sense).

use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, SignedCookieJar};
use story::STORY_SECRET;

/// The value of cookie `name` that the server's own signed jar (with the story's key)
/// makes for `value`, as a browser holds it.
pub fn signed_by_the_server(name: &str, value: &str) -> String {
    let key = common::config::key_from_secret(STORY_SECRET).expect("a long enough secret");
    let response = SignedCookieJar::new(key)
        .add(Cookie::new(name.to_owned(), value.to_owned()))
        .into_response();
    let set_cookie = response.headers()[SET_COOKIE].to_str().expect("text");
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}
