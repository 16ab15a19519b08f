//! Exercise 05-2 · Log out everywhere, with the session still sealed in the cookie.
//!
//! The lesson's story ends on its flaw: a copy of Alice's cookie, saved before she logged
//! out, still works until the expiry sealed inside it. A plain logout cannot help, since
//! the server keeps nothing per *session*. It can keep something small per *user*,
//! though: a session generation, a number that starts at 0.
//!
//! - Every sealed cookie carries the generation its user had when it was issued.
//! - The server accepts a cookie only while that is still the user's generation.
//! - "Log out everywhere" raises the user's generation by one: every cookie issued before
//!   (on each device, and every saved copy) stops working at once. The next login is
//!   sealed with the new generation and works.
//!
//! This file is a small server of its own, on lesson 03's state and accounts:
//!
//! | route | |
//! |---|---|
//! | `POST /api/login` | lesson 03's login, with the user's generation sealed in |
//! | `GET /api/me` | lesson 04's "who am I?", which also checks the generation |
//! | `POST /api/logout-everywhere` | ends every session of the user, this one included |
//!
//! The generation lives in a table of its own, `session_generations`, in the same SQLite
//! database; [`app`] creates it. Four `TODO`s below, in the order a request meets them.
//! Check your work with `cargo course check 05-2-logout-everywhere`.

// While the `todo!()`s stand, the compiler would warn that the lines after them never run
// and that some arguments and methods are unused. This keeps it quiet meanwhile; delete it
// when you are done.
#![allow(
    dead_code,
    unreachable_code,
    unused_variables,
    clippy::diverging_sub_expression
)]

use axum::Router;
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, PrivateCookieJar, SameSite};
use common::{Accounts, ApiError, Credentials, Json, User};
use lesson_03_login::SessionSettings;
use lesson_03_login::session::COOKIE_NAME;
use lesson_05_logout::{AppState, Session};
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;

/// The server: creates the generations table, then serves the three routes.
pub async fn app(state: AppState) -> Result<Router, sqlx::Error> {
    Generations::from_ref(&state).create_table().await?;
    Ok(Router::new()
        .route("/api/login", post(login))
        .route("/api/me", get(me))
        .route("/api/logout-everywhere", post(logout_everywhere))
        .with_state(state))
}

/// What this server seals into the `session` cookie: lesson 03's two fields, and the
/// generation the cookie was issued under.
#[derive(Serialize, Deserialize)]
struct Sealed {
    user_id: i64,
    /// Unix seconds, as in lesson 03.
    expires_at: i64,
    generation: i64,
}

/// The `session_generations` table: each user's current generation. A user without a
/// row is at generation 0.
#[derive(Clone)]
pub struct Generations {
    pool: AnyPool,
}

// Lets a handler take `State<Generations>`: the table is in the accounts' database.
impl FromRef<AppState> for Generations {
    fn from_ref(state: &AppState) -> Self {
        Generations {
            pool: state.accounts.users.pool().clone(),
        }
    }
}

impl Generations {
    async fn create_table(&self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS session_generations (
                 user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                 generation INTEGER NOT NULL
             )",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user's current generation: 0 until their first "log out everywhere".
    pub async fn current(&self, user_id: i64) -> Result<i64, sqlx::Error> {
        let generation: Option<i64> =
            sqlx::query_scalar("SELECT generation FROM session_generations WHERE user_id = ?")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(generation.unwrap_or(0))
    }

    /// Raises the user's generation by one.
    pub async fn bump(&self, user_id: i64) -> Result<(), sqlx::Error> {
        // TODO 3: Move this user one generation on, in one SQL statement. Mind the user
        //         who has no row yet (generation 0): afterwards they are at 1. And the
        //         user who has one: the second time, 1 must become 2, and so on.
        //         Why one statement rather than "read it, then write it + 1"?
        todo!("05-2, TODO 3: raise the user's generation by one")
    }
}

/// The `session` cookie holding `sealed`, with lesson 03's attributes.
fn seal(settings: &SessionSettings, sealed: &Sealed) -> PrivateCookieJar {
    let payload = serde_json::to_string(sealed).expect("three numbers serialize");
    let max_age = sealed.expires_at - settings.clock.unix_now();
    let cookie = Cookie::build((COOKIE_NAME, payload))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.secure)
        .path("/")
        .max_age(time::Duration::seconds(max_age));
    PrivateCookieJar::new(settings.key.clone()).add(cookie)
}

/// `POST /api/login`: lesson 03's login. 200 with the user and a sealed cookie, or the
/// one 401 `{"error": "Invalid credentials"}`.
async fn login(
    State(accounts): State<Accounts>,
    State(settings): State<SessionSettings>,
    State(generations): State<Generations>,
    Json(credentials): Json<Credentials>,
) -> Result<(PrivateCookieJar, Json<User>), ApiError> {
    let user = accounts.check_login(&credentials).await?;
    let max_age = i64::try_from(settings.max_age.as_secs()).unwrap_or(i64::MAX);
    let sealed = Sealed {
        user_id: user.id,
        expires_at: settings.clock.unix_now().saturating_add(max_age),
        // TODO 1: Which generation does this new cookie belong to? It must keep working
        //         until the user next logs out everywhere, even if they did so before.
        generation: todo!("05-2, TODO 1: the generation to seal into the cookie"),
    };
    Ok((seal(&settings, &sealed), Json(user)))
}

/// Who is logged in, generation checked: `None` for no cookie, a cookie that is not ours
/// or was changed, one past its expiry, and one from an older generation.
struct LoggedIn(Option<i64>);

impl FromRequestParts<AppState> for LoggedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let settings = &state.sessions;
        // Only cookies that decrypt and authenticate with our key make it into the jar.
        let jar = PrivateCookieJar::from_headers(&parts.headers, settings.key.clone());
        let now = settings.clock.unix_now();
        let Some(sealed) = jar
            .get(COOKIE_NAME)
            .and_then(|cookie| serde_json::from_str::<Sealed>(cookie.value()).ok())
            .filter(|sealed| sealed.expires_at > now)
        else {
            return Ok(LoggedIn(None));
        };
        // TODO 2: So far the cookie is genuine and not expired, which is all lesson 03
        //         asks, and why a saved copy works there. Accept it only if it was issued
        //         under the user's generation as it stands now, in the table. Anything
        //         else is nobody, exactly like no cookie: no error, just `None`.
        todo!("05-2, TODO 2: check the cookie's generation")
    }
}

/// `GET /api/me`: 200 with the user, or 401 with `null` (as lesson 04).
async fn me(
    State(accounts): State<Accounts>,
    LoggedIn(user_id): LoggedIn,
) -> Result<(StatusCode, Json<Option<User>>), ApiError> {
    let user = match user_id {
        Some(id) => accounts.users.find_by_id(id).await?,
        None => None,
    };
    let status = match user {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNAUTHORIZED,
    };
    Ok((status, Json(user)))
}

/// `POST /api/logout-everywhere`: 204, and this browser forgets its cookie too. Nobody
/// logged in (or a cookie from an older generation): 401 `{"error": "Not logged in"}`.
async fn logout_everywhere(
    State(generations): State<Generations>,
    LoggedIn(user_id): LoggedIn,
    session: Session,
) -> Result<(StatusCode, PrivateCookieJar), ApiError> {
    // TODO 4: Only a logged-in user (with a cookie that passes TODO 2's check) may do
    //         this; anyone else gets the 401 above. Then end every session of that user
    //         at once, and answer as a plain logout does (the warm-up), so that this
    //         browser drops its cookie as well.
    //         Think about it: could a thief holding an old copy use this route to annoy
    //         Alice? What stops them?
    todo!("05-2, TODO 4: log the user out everywhere")
}
