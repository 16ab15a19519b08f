use common::Clock;
use common::serve::Banner;
use lesson_06_server_sessions::{Timeouts, app};

#[tokio::main]
async fn main() {
    common::serve::run(
        "lesson-06-server-sessions",
        Banner {
            title: "Lesson 06 · Revocable server-side sessions",
            try_these: &[
                r#"curl -i -A laptop -c laptop.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/register"#,
                r#"curl -i -A laptop -b laptop.txt -c laptop.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/login"#,
                "# register once (later runs get a 409); the login replaces the laptop's session with a new one. -A names the device: the session list shows it as user_agent",
                r#"curl -i -A phone -c phone.txt -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse"}' {url}/api/login"#,
                "# a second device",
                "curl -i -b phone.txt {url}/api/sessions",
                r#"# both sessions, "laptop" and "phone", with current: true on the phone's"#,
                "curl -i -b laptop.txt -X DELETE {url}/api/logout",
                "curl -i -b laptop.txt {url}/api/me",
                "# the laptop's saved token, replayed after logout: 401",
            ],
            uses_session_secret: false,
        },
        |config| async move {
            // The two timeouts are this lesson's own settings, read next to common's.
            let timeouts = Timeouts::from_env().map_err(|error| error.to_string())?;
            app(&config, Clock::system(), timeouts)
                .await
                .map_err(|error| error.to_string())
        },
    )
    .await;
}
