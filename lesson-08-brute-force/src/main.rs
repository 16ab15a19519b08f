use common::Clock;
use common::serve::Banner;
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::{Policy, app};

#[tokio::main]
async fn main() {
    common::serve::run(
        "lesson-08-brute-force",
        Banner {
            title: "Lesson 08 · Logins under attack",
            try_these: &[
                r#"curl -i -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/register"#,
                r#"curl -i -H 'Content-Type: application/json' -d '{"username":"alice","password":"a wrong guess"}' {url}/api/login"#,
                "# a wrong guess: 401. Send it four times in a row: the fourth answer is 429, with a Retry-After header",
                r#"curl -i -H 'Content-Type: application/json' -d '{"username":"nobody","password":"a wrong guess"}' {url}/api/login"#,
                "# an unknown name is counted exactly the same way",
                r#"curl -i --interface 127.0.0.2 -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/login"#,
                "# the same name from another address (Linux; on macOS first: sudo ifconfig lo0 alias 127.0.0.2 up) has a count of its own: 200",
            ],
            uses_session_secret: false,
        },
        |config| async move {
            // Lesson 06's timeouts, read as lesson 06 reads them.
            let timeouts = Timeouts::from_env().map_err(|error| error.to_string())?;
            app(&config, Clock::system(), timeouts, Policy::default())
                .await
                .map_err(|error| error.to_string())
        },
    )
    .await;
}
