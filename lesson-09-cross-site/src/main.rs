use common::Clock;
use common::serve::Banner;
use lesson_06_server_sessions::Timeouts;
use lesson_08_brute_force::Policy;
use lesson_09_cross_site::app;

#[tokio::main]
async fn main() {
    common::serve::run(
        "lesson-09-cross-site",
        Banner {
            title: "Lesson 09 · Requests from another site",
            try_these: &[
                r#"curl -i -c cookies.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/register"#,
                r#"curl -i -b cookies.txt -H 'Origin: http://127.0.0.2:8000' -H 'Content-Type: application/json' -d '{"current_password":"correct horse","new_password":"battery staple"}' {url}/api/password"#,
                "# what a page on another site makes a browser send: 403, and nothing changes",
                r#"curl -i -b cookies.txt -c cookies.txt -H 'Content-Type: application/json' -d '{"current_password":"correct horse","new_password":"battery staple"}' {url}/api/password"#,
                "# curl sends no Origin: it is no browser, so no other site made it. 200, a new cookie, every other session ended",
                r#"curl -i -b cookies.txt -d 'current_password=battery+staple&new_password=x' {url}/api/password"#,
                "# a form's body: 415, whoever sends it",
                "# the page, in a browser: {url}/",
            ],
            uses_session_secret: false,
        },
        |config| async move {
            // Lesson 06's timeouts and lesson 08's policy, read as those lessons read them.
            let timeouts = Timeouts::from_env().map_err(|error| error.to_string())?;
            app(&config, Clock::system(), timeouts, Policy::default())
                .await
                .map_err(|error| error.to_string())
        },
    )
    .await;
}
