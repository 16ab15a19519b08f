//! Exercise 01-2 · A shopping cart kept in one variable.
//!
//! The shop next to the lesson's login wants a cart, and its first version makes the
//! lesson's mistake again: ONE cart for the whole server, kept in the router's state like
//! `current_user`. Write its three handlers. The check's story
//! (`tests/snapshots/exercise_2_cart.snap`) shows what they must answer, bug included:
//! Bob, on his own computer, finds Alice's tea in "his" cart, and when he empties it,
//! Alice's is empty too.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/cart` | 200 `{"items": [...]}`, oldest first |
//! | `POST /api/cart` `{"item": "tea"}` | 200 with the whole cart, the new item last |
//! | `DELETE /api/cart` | 200 with the cart, now empty |
//!
//! An item is stored without the spaces around it, and must then be 1 to
//! [`MAX_ITEM_CHARS`] characters long (characters, not bytes: `é` is one). Otherwise the
//! answer is 400 `{"error": "Item must be 1 to 40 characters long"}` and the cart stays
//! as it was.
//!
//! Check your work with `cargo course check 01-2-cart`.

// While the `todo!()`s stand, the compiler would warn that the arguments, the limit and
// the item's field are unused. This keeps it quiet meanwhile; delete it when you are done.
#![allow(unused_variables, dead_code)]

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
    // TODO 1: Answer with a copy of what the cart holds. The cart is shared by every
    //         request, on several threads: get at it the way `me` gets at `current_user`
    //         (src/handlers.rs), and let go of it before you answer.
    //         Think: which visitor's cart is this?
    todo!("01-2, TODO 1: answer with the cart")
}

/// `POST /api/cart`: adds one item and answers 200 with the whole cart; a 400 that says
/// why, and nothing added, for an item that is blank or too long.
pub async fn add_item(
    State(cart): State<Cart>,
    Json(new): Json<NewItem>,
) -> Result<Json<Items>, ApiError> {
    // TODO 2: Check the item first (the rules are at the top of this file). A bad one is
    //         a 400 in the JSON error shape every endpoint uses (common/src/error.rs has
    //         a constructor for it), and it must reach the cart never.
    //         Think: why count characters, and not the length of the string?
    //
    // TODO 3: Add the item at the end and answer with the whole cart, as it is right
    //         after your change: read it while you still hold it, so that no other
    //         request's item slips in between.
    todo!("01-2, TODO 2 and 3: check the item, add it, answer with the cart")
}

/// `DELETE /api/cart`: empties the cart and answers 200 with it, empty.
pub async fn empty_cart(State(cart): State<Cart>) -> Json<Items> {
    // TODO 4: Empty the cart and answer with it.
    //         Think: Bob empties "his" cart. Whose else is gone, and what would the
    //         server need from each request to keep the two apart?
    todo!("01-2, TODO 4: empty the cart")
}
