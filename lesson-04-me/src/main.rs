use common::Clock;
use common::serve::Banner;
use lesson_04_me::app;

#[tokio::main]
async fn main() {
    common::serve::run(
        "lesson-04-me",
        Banner {
            title: "Lesson 04 · Who am I? (/api/me)",
            try_these: &[
                "curl -i {url}/api/me",
                "# or open {url} in a browser, with the developer tools' Network tab open",
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/register"#,
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/login"#,
                "curl -i -b cookies.txt {url}/api/me",
            ],
            uses_session_secret: true,
        },
        |config| async move { app(&config, Clock::system()).await.map_err(|e| e.to_string()) },
    )
    .await;
}
