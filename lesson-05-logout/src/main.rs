use common::Clock;
use common::serve::Banner;
use lesson_05_logout::app;

#[tokio::main]
async fn main() {
    common::serve::run(
        "lesson-05-logout",
        Banner {
            title: "Lesson 05 · Logging out",
            try_these: &[
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/register"#,
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/login"#,
                "cp cookies.txt saved-cookies.txt",
                "curl -i -b cookies.txt -c cookies.txt -X DELETE {url}/api/logout",
                "curl -i -b cookies.txt {url}/api/me",
                "curl -i -b saved-cookies.txt {url}/api/me",
                "# the saved copy still works; or open {url} in a browser: log in, reload, log out",
            ],
            uses_session_secret: true,
        },
        |config| async move { app(&config, Clock::system()).await.map_err(|e| e.to_string()) },
    )
    .await;
}
