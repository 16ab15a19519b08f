use common::serve::{Banner, run};
use lesson_02_cookies::app;

#[tokio::main]
async fn main() {
    run(
        "lesson-02-cookies",
        Banner {
            title: "Lesson 02 · Cookies: plain, signed and private",
            try_these: &[
                "curl -i -c jar.txt -b jar.txt {url}/api/visits",
                "# run it twice: the count grows",
                "curl -i -b 'visits=1000' {url}/api/visits",
                "# a forged plain cookie is believed",
                "curl -i -c jar.txt -b jar.txt {url}/api/visits/signed",
                "curl -i -b 'visits_signed=1000' {url}/api/visits/signed",
                "# not signed: starts over at 1",
                "curl -i -c jar.txt -b jar.txt {url}/api/visits/private",
                "cat jar.txt",
                "# what a browser would keep",
                "# the page, in a browser: {url}/ (the three counters side by side)",
            ],
            uses_session_secret: true,
        },
        |config| async move { Ok(app(&config)) },
    )
    .await;
}
