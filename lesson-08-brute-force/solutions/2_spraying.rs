//! Apply 08-2 · Spraying: one address, many names. The reference solution.
//!
//! A second guard, in front of the lesson's, counts failed logins per address whatever
//! the name. The check runs it with 5 free failures per address (see the starter).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lesson_08_brute_force::{Key, LoginAttempts, is_login};

/// The name of an address's own key: one no account can have (usernames are letters,
/// digits, `_`, `-` and `.`), so it never shares a row with a real name's key.
const WHOLE_ADDRESS: &str = "*";

pub async fn guard_address(
    State(attempts): State<LoginAttempts>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if !is_login(&request) {
        return next.run(request).await;
    }
    let key = Key::new(WHOLE_ADDRESS, client.ip());
    if let Err(refused) = attempts.begin(&key).await {
        return refused.into_response();
    }
    let response = next.run(request).await;
    let settled = match response.status() {
        // A wrong guess, whatever the name: it stays counted against the address.
        StatusCode::UNAUTHORIZED => Ok(()),
        // A success is no failure, but it says nothing about the other names this address
        // tried: it must not wipe them. Otherwise Mallory logs in to her own account
        // every few guesses and sprays for ever. Bad input and a busy server are no
        // guess either.
        _ => attempts.refund(&key).await,
    };
    if let Err(error) = settled {
        tracing::warn!(%error, "could not settle a login attempt");
    }
    response
}
