//! `GET /` and `GET /welcome`: a small page that shows the auto-login pattern in a real
//! browser.
//!
//! Plain HTML and JavaScript, compiled into the binary with `include_str!`: nothing to
//! build, nothing to ship beside the server. The same file is both pages: `/` with the
//! forms, and `/welcome`, where a successful login or registration leads. Moving there
//! loads a new page that knows nothing of the login, so it asks `/api/me`, as every page
//! does on load. Open it with the developer tools' Network tab open to watch `/api/me`
//! on every load, and the Application (or Storage) tab to see the `session` cookie:
//! there, but not readable from the page's JavaScript (HttpOnly).

use axum::response::Html;

/// The page. `<body data-logout="off">` hides the logout button: lesson 05, which has the
/// endpoint behind it, serves the page with `data-logout="on"`.
pub const PAGE: &str = include_str!("page.html");

pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}
