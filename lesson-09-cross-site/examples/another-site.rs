//! Mallory's page, served on another site, for a class to press its buttons in a browser:
//!
//! ```text
//! cargo run -p lesson-09-cross-site                              # the lesson, http://127.0.0.1:3000
//! cargo run -p lesson-09-cross-site --example another-site      # Mallory's page, http://localhost:3001
//! ```
//!
//! Log in on the lesson's page, then open Mallory's page in the same browser. To a
//! browser `localhost` and `127.0.0.1` are two sites, though both are this machine.
//!
//! With `-- --weak get|form|no-same-site|same-site-none`, it also serves one of the
//! deliberately weak servers of `src/weak.rs` on http://127.0.0.1:3002, and Mallory's page
//! targets that one instead: log in there, then press the buttons.

use common::serve::Server;
use common::{Clock, Config};
use lesson_09_cross_site::weak::{self, ANOTHER_SITE, Weakness};

#[tokio::main]
async fn main() {
    common::serve::init_tracing();
    let weakness = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => None,
        [flag, name] if flag == "--weak" => Some(match name.as_str() {
            "get" => Weakness::StateChangeOnGet,
            "form" => Weakness::FormPost,
            "no-same-site" => Weakness::FormPostNoSameSite,
            "same-site-none" => Weakness::FormPostSameSiteNone,
            other => exit(&format!(
                "--weak takes get, form, no-same-site or same-site-none, not {other:?}"
            )),
        }),
        _ => exit("usage: another-site [--weak get|form|no-same-site|same-site-none]"),
    };
    let mut servers = Vec::new();
    let target = match weakness {
        None => "http://127.0.0.1:3000".to_owned(),
        Some(weakness) => {
            let config =
                Config::from_env("lesson-09-weak").unwrap_or_else(|e| exit(&e.to_string()));
            let state = lesson_09_cross_site::state(
                &config,
                Clock::system(),
                lesson_06_server_sessions::Timeouts::default(),
                lesson_08_brute_force::Policy::default(),
            )
            .await
            .unwrap_or_else(|e| exit(&e.to_string()));
            let server = Server::start("127.0.0.1:3002", weak::routes(state, weakness))
                .await
                .unwrap_or_else(|e| exit(&format!("cannot listen on 127.0.0.1:3002: {e}")));
            println!("\n  A weak server ({weakness:?}): {}/", server.url);
            let url = server.url.clone();
            servers.push(server);
            url
        }
    };
    let page = ANOTHER_SITE.replace("{target}", &target);
    let routes = axum::Router::new().route(
        "/",
        axum::routing::get(move || async move { axum::response::Html(page) }),
    );
    let mallory = Server::start("127.0.0.1:3001", routes)
        .await
        .unwrap_or_else(|e| exit(&format!("cannot listen on 127.0.0.1:3001: {e}")));
    println!(
        "  Mallory's page: http://localhost:3001/  (another site than {target})\n  Stop with Ctrl-C.\n"
    );
    let _ = tokio::signal::ctrl_c().await;
    mallory.stop().await;
    for server in servers {
        server.stop().await;
    }
}

fn exit(line: &str) -> ! {
    eprintln!("error: {line}");
    std::process::exit(1)
}
