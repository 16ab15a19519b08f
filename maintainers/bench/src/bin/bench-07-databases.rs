//! `GET /api/me` on lesson 06's session store: SQLite against PostgreSQL, in one run. Needs
//! a PostgreSQL server named by the `PG*` variables (`pg_virtualenv` starts a throwaway
//! one). See this crate's README.

use std::process::ExitCode;

use bench::{Load, Report, log_in};
use common::serve::Server;
use common::{Clock, Config};
use lesson_06_server_sessions::{Timeouts, app};
use sqlx::{Connection, Executor};
use tokio::runtime::Runtime;

fn main() -> ExitCode {
    let rounds = match std::env::var("BENCH_ROUNDS").map(|v| v.trim().parse::<usize>()) {
        Err(_) => 3,
        Ok(Ok(rounds)) if rounds > 0 => rounds,
        Ok(_) => return fail("BENCH_ROUNDS must be a whole number above 0"),
    };
    let mut figures: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    let mut wrong_answers = false;
    for round in 1..=rounds {
        for (index, database) in ["SQLite", "PostgreSQL"].into_iter().enumerate() {
            let report = match measure(database, round) {
                Ok(report) => report,
                Err(problem) => return fail(&problem),
            };
            println!("round {round}, {database}: {report}");
            wrong_answers |= report.errors > 0;
            let p99_ms = report.p99.as_secs_f64() * 1000.0;
            figures[index].push((report.requests_per_second(), p99_ms));
        }
    }
    let [sqlite, postgres] = figures.map(|runs| {
        let median = |pick: fn(&(f64, f64)) -> f64| {
            let mut values: Vec<f64> = runs.iter().map(pick).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        (median(|run| run.0), median(|run| run.1))
    });
    println!(
        "median of {rounds}: SQLite {:.0} req/s (p99 {:.2} ms), PostgreSQL {:.0} req/s \
         (p99 {:.2} ms): PostgreSQL serves {:.2} times SQLite's requests per second",
        sqlite.0,
        sqlite.1,
        postgres.0,
        postgres.1,
        postgres.0 / sqlite.0
    );
    if wrong_answers {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn fail(problem: &str) -> ExitCode {
    eprintln!("error: {problem}");
    ExitCode::from(2)
}

/// One benchmark of lesson 06 on `database`: a fresh SQLite file, or a fresh schema on
/// the PostgreSQL server of the `PG*` variables (dropped afterwards).
fn measure(database: &str, round: usize) -> Result<Report, String> {
    let server = Runtime::new().expect("a runtime for the server");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let schema = format!("bench_07_{}_{round}", std::process::id());
    let url = if database == "SQLite" {
        format!("sqlite://{}", dir.path().join("bench.db").display())
    } else {
        server.block_on(on_postgres(&format!("CREATE SCHEMA {schema}")))?;
        // No host, user or password here: sqlx reads PGHOST, PGUSER, PGPASSWORD and so on.
        format!("postgres:?options[search_path]={schema}")
    };
    let config = Config::for_tests(url, &common::config::new_secret());
    let (base_url, running) = server.block_on(async {
        let routes = app(&config, Clock::system(), Timeouts::default())
            .await
            .map_err(|error| format!("{database}: {error}"))?;
        let running = Server::start("127.0.0.1:0", routes)
            .await
            .map_err(|error| format!("bind 127.0.0.1:0: {error}"))?;
        Ok::<_, String>((running.url.clone(), running))
    })?;

    let client = Runtime::new().expect("a runtime for the load");
    let outcome = client.block_on(async {
        let mut load = Load::from_env(&base_url, "/api/me")?;
        let (cookies, user) = log_in(&base_url, load.connections).await;
        load.cookies = cookies;
        load.expected_body = Some(user);
        load.run()
            .await
            .map_err(|error| format!("opening the connections: {error}"))
    });
    server.block_on(running.stop());
    if database != "SQLite" {
        server.block_on(on_postgres(&format!("DROP SCHEMA {schema} CASCADE")))?;
    }
    outcome
}

/// Runs one statement on the PostgreSQL server of the `PG*` variables.
async fn on_postgres(sql: &str) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let problem = |error: sqlx::Error| {
        format!(
            "PostgreSQL: {error}. Run this inside pg_virtualenv, or set PGHOST, PGPORT, \
             PGUSER and PGPASSWORD to a server you may create a schema on"
        )
    };
    let mut connection = sqlx::AnyConnection::connect("postgres:")
        .await
        .map_err(problem)?;
    connection
        .execute(sqlx::AssertSqlSafe(sql.to_owned()))
        .await
        .map_err(problem)?;
    connection.close().await.map_err(problem)
}
