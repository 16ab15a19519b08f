use common::Clock;
use common::serve::{Banner, run};
use lesson_01_stateless::app;

#[tokio::main]
async fn main() {
    run(
        "lesson-01-stateless",
        Banner {
            title: "Lesson 01 · A login kept in one variable (broken on purpose)",
            try_these: &[
                r#"curl -i -X POST {url}/api/register -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}'"#,
                r#"curl -i -X POST {url}/api/register -H 'Content-Type: application/json' -d '{"username":"bob","password":"battery staple"}'"#,
                r#"curl -i -X POST {url}/api/login -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}'"#,
                r#"curl -i -X POST {url}/api/login -H 'Content-Type: application/json' -d '{"username":"bob","password":"battery staple"}'"#,
                "curl -i {url}/api/me",
                "# whoever asks, the answer is whoever logged in last",
                "# the page, in a browser: {url}/ (in two windows: log in as alice in one, bob in the other, reload the first)",
            ],
            uses_session_secret: false,
        },
        |config| async move { app(&config, Clock::system()).await.map_err(|e| e.to_string()) },
    )
    .await;
}
