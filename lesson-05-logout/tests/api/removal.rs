//! What a browser needs before it deletes the session cookie, in words a student reads:
//! the one place where this lesson's checks judge a removal `Set-Cookie` (the logout of
//! the warm-up, log out everywhere in 05-2, the fixed logout of 05-3).
//!
//! A browser holds the session cookie as `session`, `Path=/`, no Domain (this host only),
//! not Secure on plain http. A `Set-Cookie` replaces it only when it repeats that name,
//! Path and Domain; it deletes it only when it is also already expired. Anything else is
//! another cookie, or the same one kept, and Alice stays logged in.

use axum_extra::extract::cookie::Cookie;
use time::OffsetDateTime;

/// What keeps the `Set-Cookie` headers of a logout from deleting the session cookie in a
/// browser, or `None` when they delete it: exactly one header, naming the session cookie
/// at its Path and Domain, empty and already expired. (Never Secure: the checks serve
/// plain http, where a browser refuses a Secure cookie.)
pub fn what_is_wrong(set_cookies: &[&str]) -> Option<String> {
    let header = match set_cookies {
        [] => {
            return Some(
                "it sent no Set-Cookie at all, so the browser keeps its session cookie".into(),
            );
        }
        [one] => *one,
        several => {
            return Some(format!(
                "it sent {} Set-Cookie headers (`{}`); one, the removal of `session`, is all \
                 a logout sends",
                several.len(),
                several.join("` and `")
            ));
        }
    };
    let shown = shown(header);
    let Ok(removal) = Cookie::parse(header) else {
        return Some(format!(
            "its Set-Cookie `{shown}` is not a cookie a browser can read"
        ));
    };
    if removal.name() != "session" {
        return Some(format!(
            "its removal names the cookie `{}`, and the session cookie is `session`: a \
             browser deletes only the cookie whose name, Path and Domain it repeats",
            removal.name()
        ));
    }
    match removal.path() {
        None => {
            return Some(format!(
                "its removal `{shown}` has no Path: a browser then files it under the \
                 request's folder, /api, and `session` at Path=/api is another cookie than \
                 the session cookie at Path=/, which stays. Repeat the session cookie's \
                 Path=/"
            ));
        }
        Some("/") => {}
        Some(path) => {
            return Some(format!(
                "its removal has Path={path}, and the session cookie Path=/: for a browser \
                 that is another cookie, and the session cookie stays"
            ));
        }
    }
    if let Some(domain) = removal.domain() {
        return Some(format!(
            "its removal has Domain={domain}, and the session cookie none (it belongs to \
             this host only): for a browser that is another cookie, and the session cookie \
             stays"
        ));
    }
    let expired = removal.max_age().is_some_and(|age| !age.is_positive())
        || removal
            .expires_datetime()
            .is_some_and(|at| at <= OffsetDateTime::now_utc());
    if !expired {
        return Some(format!(
            "its removal `{shown}` is not expired: without Max-Age=0 or an Expires in the \
             past, a browser keeps a `session` cookie instead of deleting it"
        ));
    }
    if !removal.value().is_empty() {
        return Some(format!(
            "its removal `{shown}` still carries a value: a removal is empty"
        ));
    }
    if removal.secure() == Some(true) {
        return Some(format!(
            "its removal `{shown}` is marked Secure, and this site is served over plain \
             http (COOKIE_SECURE is off): a browser refuses a Secure cookie from an http \
             page, and the session cookie stays"
        ));
    }
    None
}

/// `header` as a hint shows it: the same on every run, so no date (an `Expires` follows the
/// real clock) and no value (a sealed one differs each time): `session=<a value>; Path=/;
/// Expires=<date>`.
fn shown(header: &str) -> String {
    header
        .split(';')
        .map(str::trim)
        .enumerate()
        .map(|(index, part)| match part.split_once('=') {
            Some((name, value)) if index == 0 && !value.is_empty() => format!("{name}=<a value>"),
            Some((name, _)) if name.eq_ignore_ascii_case("expires") => format!("{name}=<date>"),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
