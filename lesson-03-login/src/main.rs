use common::Clock;
use common::serve::Banner;
use lesson_03_login::app;

#[tokio::main]
async fn main() {
    common::serve::run(
        "lesson-03-login",
        Banner {
            title: "Lesson 03 · Logging in",
            try_these: &[
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/register"#,
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/login"#,
                "curl -i -b cookies.txt {url}/api/session",
                "# -b sends the saved cookie back, as a browser does by itself: the server opens it and finds your user id. Without -b: null",
                r#"curl -i -H 'Content-Type: application/json' -d '{"username":"alice","password":"wrong horse"}' {url}/api/login"#,
                r#"curl -i -H 'Content-Type: application/json' -d '{"username":"nobody","password":"wrong horse"}' {url}/api/login"#,
                "# the page, in a browser: {url}/",
            ],
            uses_session_secret: true,
        },
        |config| async move { app(&config, Clock::system()).await.map_err(|e| e.to_string()) },
    )
    .await;
}
