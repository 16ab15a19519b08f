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
//! database; [`app`] creates it.
//!
//! This is the reference solution; the starter is `exercises/2_logout_everywhere.rs`.

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
        // One statement: a user without a row gets one at 1, a user with one goes up by
        // one. Reading first and writing `+ 1` after would let two requests at once both
        // write the same number.
        sqlx::query(
            "INSERT INTO session_generations (user_id, generation) VALUES (?, 1)
             ON CONFLICT (user_id) DO UPDATE SET generation = generation + 1",
        )
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
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
        // The generation as it stands now: the cookie works until the next bump.
        generation: generations.current(user.id).await?,
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
        // Genuine and not expired is all lesson 03 asks, and why a saved copy works
        // there. Here the cookie must also carry the user's current generation: an older
        // one is nobody, exactly like no cookie.
        let current = Generations::from_ref(state).current(sealed.user_id).await?;
        Ok(LoggedIn(
            (sealed.generation == current).then_some(sealed.user_id),
        ))
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
    // Only a current session may do this: an old copy is nobody here too, so a thief
    // holding one cannot keep logging Alice out.
    let user_id = user_id.ok_or_else(|| ApiError::unauthorized("Not logged in"))?;
    generations.bump(user_id).await?;
    // Every other device is refused from now on; this browser also drops its cookie.
    Ok((StatusCode::NO_CONTENT, session.clear()))
}
