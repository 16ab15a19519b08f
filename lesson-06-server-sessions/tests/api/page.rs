//! The page at `/`: served as HTML, it asks `/api/me` when it loads and logs every
//! request it makes, in the same frame as lesson 04's page.

use std::time::Duration;

use lesson_06_server_sessions::{Timeouts, app};
use story::spawn_app;

#[tokio::test]
async fn the_page_asks_who_is_logged_in_and_shows_what_it_asked() {
    let timeouts = Timeouts {
        idle: Duration::from_secs(30 * 60),
        absolute: Duration::from_secs(24 * 60 * 60),
    };
    let app = spawn_app(|config, clock| async move { app(&config, clock, timeouts).await }).await;
    let reply = app.client("browser").get("page", "/").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.body.contains(r#"api("GET", "/api/me")"#));
    assert!(reply.body.contains("<h2>What the page asked</h2>"));
    assert!(reply.body.contains(r#"<div id="log"></div>"#));
}
