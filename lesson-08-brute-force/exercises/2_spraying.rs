//! Apply 08-2 · Spraying: one address, many names.
//!
//! The lesson counts failures per *name and address*. Mallory has read the lesson too.
//! Instead of many passwords for one name, she tries one common password for many
//! names: `123456` for alice, for bob, for carol… Each name's count reaches one, none is
//! ever slowed, and with a list of a thousand names she gets a thousand guesses a
//! minute. This is *password spraying*, and it works because some people do use
//! `123456`.
//!
//! Your guard goes in front of the lesson's: it counts the failed logins of an address,
//! whatever the name, and slows the address down once it has too many. The check runs it
//! with its own [`Policy`](lesson_08_brute_force::Policy): 5 free failures per address,
//! then 1 s, 2 s, 4 s… (A real server would allow more: an office, a school or a mobile
//! network puts many honest people behind one address.)
//!
//! Check your work with `cargo course check 08-2-spraying`.

// While the `todo!()` stands, the compiler would warn that the parameters are unused.
// This keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables, unused_imports)]

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lesson_08_brute_force::{Key, LoginAttempts, is_login};

/// The guard, in front of every route of the lesson (`attempts` is a `LoginAttempts` of
/// its own, on the same table, with the per-address policy).
pub async fn guard_address(
    State(attempts): State<LoginAttempts>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    // TODO: Only logins are your business: every other request passes untouched.
    //
    //       For a login, count it against the client's address as a whole: one key per
    //       address, whatever the name in the body (you need not read the body at all).
    //       Refuse it before it is checked if the address must wait, exactly as the
    //       lesson's guard refuses a name (src/lib.rs, `guard`); let it through and
    //       settle the count with the answer otherwise.
    //
    //       Think about it: the lesson's guard wipes a name's count when its login
    //       succeeds. Should a success wipe the count of an *address*? Mallory has an
    //       account of her own. What could she do with that, and what should a success
    //       do to this count instead? Which answers are no guess at all?
    todo!("08-2: count failed logins per address, whatever the name")
}
