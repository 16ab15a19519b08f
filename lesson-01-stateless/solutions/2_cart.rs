//! Exercise 01-2 · A shopping cart kept in one variable: the reference solution.
//!
//! The same mistake as the lesson's `current_user`, in a new place: one cart for the whole
//! server, so every visitor fills, reads and empties the same one.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::{ApiError, Json};
use serde::{Deserialize, Serialize};

/// The longest item the cart takes, in characters (not bytes), after trimming.
pub const MAX_ITEM_CHARS: usize = 40;

/// The cart: ONE list of items for the whole server, like lesson 01's `current_user`.
pub type Cart = Arc<Mutex<Vec<String>>>;

/// The body of `POST /api/cart`: `{"item": "tea"}`.
#[derive(Deserialize)]
pub struct NewItem {
    pub item: String,
}

/// Every answer of the cart: `{"items": [...]}`, oldest first.
#[derive(Serialize)]
pub struct Items {
    pub items: Vec<String>,
}

/// The cart's routes, with a new, empty cart. Merged into the lesson's router.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/cart",
            get(show_cart).post(add_item).delete(empty_cart),
        )
        .with_state(Cart::default())
}

/// `GET /api/cart`: 200 with the items.
pub async fn show_cart(State(cart): State<Cart>) -> Json<Items> {
    let items = cart
        .lock()
        .expect("no request panics holding the lock")
        .clone();
    Json(Items { items })
}

/// `POST /api/cart`: adds one item and answers 200 with the whole cart; a 400 that says
/// why, and nothing added, for an item that is blank or too long.
pub async fn add_item(
    State(cart): State<Cart>,
    Json(new): Json<NewItem>,
) -> Result<Json<Items>, ApiError> {
    let item = new.item.trim();
    if item.is_empty() || item.chars().count() > MAX_ITEM_CHARS {
        return Err(ApiError::bad_request(format!(
            "Item must be 1 to {MAX_ITEM_CHARS} characters long"
        )));
    }
    let mut items = cart.lock().expect("no request panics holding the lock");
    items.push(item.to_owned());
    Ok(Json(Items {
        items: items.clone(),
    }))
}

/// `DELETE /api/cart`: empties the cart and answers 200 with it, empty.
pub async fn empty_cart(State(cart): State<Cart>) -> Json<Items> {
    cart.lock()
        .expect("no request panics holding the lock")
        .clear();
    Json(Items { items: Vec::new() })
}
