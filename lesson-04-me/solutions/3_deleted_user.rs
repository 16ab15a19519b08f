//! Break it 04-3 · Logged in as nobody: the reference solution.

use axum::extract::State;
use axum::http::StatusCode;
use common::{Accounts, ApiError, Json, User, UserStore};
use lesson_03_login::Session;
use story::Story;

/// `GET /api/me`. Fixed: the status follows the database, not the cookie alone.
pub async fn me(
    State(accounts): State<Accounts>,
    session: Session,
) -> Result<(StatusCode, Json<Option<User>>), ApiError> {
    let user = match session.user_id() {
        Some(id) => accounts.users.find_by_id(id).await?,
        None => None,
    };
    let status = match user {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNAUTHORIZED,
    };
    Ok((status, Json(user)))
}

/// Alice's cookie outlives her account; `/api/me` must say "nobody" all the same.
pub async fn your_test(app: Story, users: UserStore) {
    let mut alice = app.client("Alice");
    let user = alice.register_ok("alice").await;
    assert_eq!(alice.me().await.status, 200, "alice is logged in");

    let id = user["id"].as_i64().expect("the user has an id");
    assert!(users.delete(id).await.expect("the database answers"));
    let reply = alice.me().await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (401, "null"),
        "a deleted account's cookie must be nobody"
    );
}
