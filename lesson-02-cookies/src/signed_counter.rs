//! `GET /api/visits/signed`: the visit counter in a signed cookie. Anyone can read the
//! count in it; nobody without the server's key can change it unnoticed.

use axum::extract::State;
use axum_extra::extract::cookie::{Cookie, SignedCookieJar};
use common::Json;

use crate::AppState;
use crate::counters::{SIGNED_COOKIE, Visits, next_count, visits_cookie};

/// `GET /api/visits/signed`: the count in a signed cookie, readable but tamper-evident.
pub async fn signed_visits(
    State(state): State<AppState>,
    jar: SignedCookieJar,
) -> (SignedCookieJar, Json<Visits>) {
    // `get` checks the signature: a cookie whose value was edited comes back as `None`,
    // and the count starts over, as for a browser that never visited.
    let visits = next_count(jar.get(SIGNED_COOKIE).as_ref().map(Cookie::value));
    // `add` signs: the cookie's value becomes the signature followed by the count.
    let jar = jar.add(visits_cookie(SIGNED_COOKIE, visits, state.secure_cookies));
    (jar, Json(Visits { visits }))
}
