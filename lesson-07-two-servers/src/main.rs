//! `cargo run -p lesson-07-two-servers`: servers A and B, on `PORT` and `PORT`+1, both
//! running lesson 06 (sessions in the database) on one database.
//! `cargo run -p lesson-07-two-servers -- sealed`: both running lesson 05 (sealed cookies).
//! `… -- A` or `… -- B` (with or without `sealed`): only that server, in a process of its
//! own; start the other one in a second terminal.
//!
//! In production each server is a process of its own, on a machine of its own, with a
//! load balancer in front. By default both run in this one process, so that one command
//! starts them; they share nothing but what their configs name (the secret, the
//! database), which is exactly what two processes would share.

use common::db::Backend;
use common::serve::{Server, StopSignal, init_tracing};
use common::{Clock, Config};
use lesson_06_server_sessions::Timeouts;
use lesson_07_two_servers::{Server as Which, Sessions, database_app, sealed_app};

#[tokio::main]
async fn main() {
    init_tracing();
    let (mut sessions, mut servers) = (Sessions::Database, Which::BOTH.to_vec());
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "sealed" => sessions = Sessions::Sealed,
            "A" => servers = vec![Which::A],
            "B" => servers = vec![Which::B],
            other => exit_with(&format!(
                "unknown argument {other:?}: expected `sealed` (lesson 05's sealed cookies \
                 instead of lesson 06's sessions in the database), and `A` or `B` to start \
                 only that server"
            )),
        }
    }
    let shared =
        Config::from_env("lesson-07-two-servers").unwrap_or_else(|e| exit_with(&e.to_string()));
    if shared.port == u16::MAX {
        exit_with(
            "PORT=65535 leaves no port for server B, which listens on PORT+1: pick a lower one",
        );
    }
    let timeouts = Timeouts::from_env().unwrap_or_else(|e| exit_with(&e.to_string()));
    if sessions == Sessions::Sealed && shared.cookie_key_is_random {
        tracing::warn!(
            "SESSION_SECRET is not set: A and B share a random key for this run only, so every \
             session ends when they stop. Make a secret with: {}",
            common::settings::NEW_SECRET_COMMAND
        );
    }

    // One after the other: the first to start creates the tables, the second finds them.
    let mut running = Vec::new();
    for which in servers {
        let config = which.config(&shared);
        let routes = match sessions {
            Sessions::Sealed => sealed_app(&config, Clock::system()).await,
            Sessions::Database => database_app(&config, Clock::system(), timeouts).await,
        }
        .unwrap_or_else(|error| exit_with(&error.to_string()));
        let address = config.address();
        let server = Server::start_with(&address, routes, &config.limits)
            .await
            .unwrap_or_else(|error| {
                exit_with(&format!(
                    "server {} cannot listen on {address}: {error} (is another lesson still \
                     running? set PORT to pick other ports)",
                    which.name()
                ))
            });
        running.push((which, server));
    }
    // Ctrl-C stops both servers together, as `common::serve::run` stops one.
    let stop = StopSignal::listen()
        .unwrap_or_else(|error| exit_with(&format!("cannot listen for Ctrl-C: {error}")));
    print_banner(sessions, &shared, &running);
    let servers = running.into_iter().map(|(_, server)| server).collect();
    if let Err(error) = stop.wait_then_stop(servers).await {
        exit_with(&format!("server error: {error}"));
    }
    tracing::info!("stopped");
}

fn print_banner(sessions: Sessions, shared: &Config, running: &[(Which, Server)]) {
    let (kind, try_these): (&str, &[&str]) = match sessions {
        Sessions::Database => ("sessions in the database (lesson 06)", DATABASE_STEPS),
        Sessions::Sealed => ("sealed cookies (lesson 05)", SEALED_STEPS),
    };
    println!("\n  Lesson 07 · Two servers: {kind}\n");
    for (which, server) in running {
        println!("  server {} listening on {}", which.name(), server.url);
    }
    // Never the URL itself for PostgreSQL: it may hold a password.
    let database = match Backend::of_url(&shared.database_url) {
        Some(Backend::Postgres) => "the PostgreSQL server DATABASE_URL names".to_owned(),
        _ => shared.database_url.clone(),
    };
    println!(
        "  {} {database}\n",
        if running.len() == 2 {
            "both using"
        } else {
            "using"
        }
    );
    let [(_, a), (_, b)] = running else {
        println!("  Start the other server in another terminal: the same command with A or B.");
        println!("\n  Stop with Ctrl-C.\n");
        return;
    };
    let (a, b) = (&a.url, &b.url);
    println!(
        "  Try it from another terminal. A load balancer would pick the server; here you do:\n"
    );
    for line in try_these {
        let line = line.replace("{A}", a).replace("{B}", b);
        match line.strip_prefix("# ") {
            Some(note) => println!("      ↳ {note}"),
            None => println!("    {line}"),
        }
    }
    println!("\n  Stop both with Ctrl-C.\n");
}

const DATABASE_STEPS: &[&str] = &[
    r#"curl -i -c alice.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {A}/api/register"#,
    "# on A (a second run gets a 409: use /api/login instead)",
    "curl -i -b alice.txt {B}/api/me",
    "# B knows her: it reads the session from the same database",
    "curl -i -b alice.txt {B}/api/sessions",
    "curl -i -b alice.txt -X DELETE {B}/api/logout",
    "curl -i -b alice.txt {A}/api/me",
    "# ended on B, so refused on A: 401",
];

const SEALED_STEPS: &[&str] = &[
    r#"curl -i -c alice.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {A}/api/register"#,
    "# on A (a second run gets a 409: use /api/login instead)",
    "curl -i -b alice.txt {B}/api/me",
    "# B opens the cookie A sealed: same SESSION_SECRET",
    "# restart with SESSION_SECRET=<a new one> SESSION_PREVIOUS_SECRETS=<the old one>, then ask again: the answer re-seals the cookie",
];

fn exit_with(line: &str) -> ! {
    eprintln!("error: {line}");
    std::process::exit(1)
}
