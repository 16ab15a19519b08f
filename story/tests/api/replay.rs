//! A demo the class can replay: the harness's own demo (`src/bin/tiny-demo.rs`) played
//! with `--live` on a free port, as a presenter plays it, and the curls it prints replayed
//! with the real `curl`, as the class would from other terminals.
//!
//! Its story has a set-up request, a restart and a step two hours later on the story's
//! clock (which moves the live server's clock two hours ahead). A replayed step must get
//! the answer the demo showed: the same status and the same body, once its values are
//! shown as the demo shows them (`<pass #1>`).

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long the demo may take to print what a test waits for: far more than it needs.
const PATIENCE: Duration = Duration::from_secs(60);

/// What a class does: the presenter pauses after a step, and the class replays its curl.
/// Then, after the demo, the class replays the last steps again.
#[test]
fn a_curl_printed_by_a_live_demo_gets_the_answer_the_demo_showed() {
    let curl = Curl::installed();
    let port = free_port();
    let mut demo = Demo::start(&[
        "--live",
        "--step",
        "--curl",
        "--color=never",
        "--port",
        &port,
    ]);
    let mut replayed = 0;
    for next in [
        "▸ next: 2.",
        "▸ next: 3.",
        "▸ next: 4.",
        "▸ next: 5.",
        "Stop with Ctrl-C",
    ] {
        demo.press_enter();
        let printed = demo.wait_for(next);
        let step = steps(&printed).pop().expect("the step just played");
        assert_same_answer(&curl, &step, &port);
        replayed += 1;
    }
    assert_eq!(replayed, 5);

    let printed = demo.wait_for("Stop with Ctrl-C");
    let steps = steps(&printed);
    let labels: Vec<&str> = steps.iter().map(|step| step.label.as_str()).collect();
    assert_eq!(labels, ["0a", "1", "2", "3", "4", "5"], "{printed}");
    assert!(steps[0].curl.contains("/register"), "{printed}");
    assert_eq!(
        steps[4].status, 401,
        "two hours later on the story's clock, the live server's clock is two hours ahead \
         too, and the pass has ended: {printed}"
    );
    // After the demo, the server keeps its clock where the story left it: the steps after
    // the last move of the clock answer as they did.
    for step in &steps[4..] {
        assert_same_answer(&curl, step, &port);
    }
}

/// Replays `step`'s curl and checks it gets the status and body the demo showed.
fn assert_same_answer(curl: &Curl, step: &Step, port: &str) {
    let url = format!("'http://127.0.0.1:{port}/");
    assert!(
        step.curl.contains(&url),
        "step {}: {}",
        step.label,
        step.curl
    );
    let replayed = curl.replay(&step.curl);
    assert_eq!(
        replayed.status, step.status,
        "step {}: {}",
        step.label, step.curl
    );
    assert_eq!(
        replayed.body_as_shown(step),
        step.body,
        "step {}: the replayed body differs from the one the demo showed",
        step.label
    );
}

#[test]
fn a_restart_waits_until_the_pause_is_over_and_keeps_the_address() {
    let curl = Curl::installed();
    let port = free_port();
    let mut demo = Demo::start(&[
        "--live",
        "--step",
        "--curl",
        "--color=never",
        "--port",
        &port,
    ]);
    demo.wait_for("▸ next: 1.");
    demo.press_enter();
    demo.wait_for("▸ next: 2.");
    demo.press_enter();
    // The prompt before step 3 says that the server restarts first, and it has not yet.
    let printed = demo
        .wait_for("▸ next: 3. The pass still works after the restart (first, the server restarts)");
    let step_2 = steps(&printed).remove(2);
    assert_eq!(step_2.label, "2");

    // Paused after step 2: the server that answered it answers its curl.
    let during_the_pause = curl.replay(&step_2.curl);
    assert_eq!(during_the_pause.status, 200);
    assert_eq!(during_the_pause.header("server-run"), Some("1"));

    demo.press_enter();
    let printed = demo.wait_for("▸ next: 4.");
    assert!(printed.contains("↻ The server restarts, on the same address."));
    let after_the_restart = curl.replay(&step_2.curl);
    assert_eq!(after_the_restart.status, 200);
    assert_eq!(after_the_restart.header("server-run"), Some("2"));
    demo.press_enter();
    demo.wait_for("▸ next: 5.");
    demo.press_enter();
    let printed = demo.wait_for("Stop with Ctrl-C");
    assert_eq!(steps(&printed)[4].status, 401, "{printed}");
}

#[test]
fn from_n_prints_the_narration_that_leads_into_step_n() {
    let mut demo = Demo::start(&["--from", "3", "--color=never"]);
    let printed = demo.wait_for("── 5. ");
    assert!(
        printed.starts_with(
            "» The server restarts. It keeps its passes, as a database would.\n\
             ↻ The server restarts, on the same address.\n\
             ── 3. The pass still works after the restart ─"
        ),
        "{printed}"
    );
    assert!(
        !printed.contains("── 2.") && !printed.contains("0a."),
        "{printed}"
    );
}

/// The demo, running in a process of its own, as a presenter starts it.
struct Demo {
    process: Child,
    input: ChildStdin,
    output: Receiver<Vec<u8>>,
    printed: Vec<u8>,
}

impl Demo {
    fn start(args: &[&str]) -> Demo {
        let mut process = Command::new(env!("CARGO_BIN_EXE_tiny-demo"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the tiny demo starts");
        let input = process.stdin.take().expect("its standard input");
        let mut stdout = process.stdout.take().expect("its standard output");
        // A prompt ends without a newline: read what comes, as it comes.
        let (send, output) = channel();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(read @ 1..) = stdout.read(&mut chunk) {
                if send.send(chunk[..read].to_vec()).is_err() {
                    break;
                }
            }
        });
        Demo {
            process,
            input,
            output,
            printed: Vec::new(),
        }
    }

    /// Everything printed so far, once it contains `text`.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let printed = String::from_utf8_lossy(&self.printed).into_owned();
            if printed.contains(text) {
                return printed;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.printed.extend(chunk),
                Err(_) => panic!("the demo never printed {text:?}; it printed:\n{printed}"),
            }
        }
    }

    fn press_enter(&mut self) {
        self.input
            .write_all(b"\n")
            .expect("the demo reads its input");
    }
}

impl Drop for Demo {
    /// A `--live` demo serves until stopped: stop it, whatever the test's outcome.
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A step as the demo printed it.
#[derive(Debug)]
struct Step {
    /// `3`, or `0a` for a set-up request.
    label: String,
    /// The cookies sent, as shown: `pass=<pass #1>`.
    cookies: Option<String>,
    status: u16,
    body: Option<Value>,
    curl: String,
}

/// The steps in a demo's printout (`--color=never`).
fn steps(printed: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut answered = false;
    let mut body = String::new();
    for line in printed.lines() {
        let trimmed = line.trim();
        if let Some(heading) = line.strip_prefix("── ") {
            finish_body(steps.last_mut(), &mut body);
            let label = heading.split_once(". ").map_or("?", |(label, _)| label);
            steps.push(Step {
                label: label.to_owned(),
                cookies: None,
                status: 0,
                body: None,
                curl: String::new(),
            });
            answered = false;
            continue;
        }
        let Some(step) = steps.last_mut() else {
            continue;
        };
        if let Some(curl) = line.strip_prefix("  $ ") {
            // The curl ends the step; what follows leads into the next one.
            step.curl = curl.to_owned();
            answered = false;
        } else if let Some(status) = trimmed.strip_prefix("◀ ") {
            step.status = status[..3].parse().expect("a status code");
            answered = true;
        } else if let Some(cookies) = trimmed.strip_prefix("cookie: ") {
            step.cookies = Some(cookies.to_owned());
        } else if answered && !is_header(trimmed) {
            body.push_str(trimmed);
        }
    }
    finish_body(steps.last_mut(), &mut body);
    steps
}

fn finish_body(step: Option<&mut Step>, body: &mut String) {
    if let Some(step) = step
        && !body.is_empty()
    {
        step.body = Some(serde_json::from_str(body).expect("a JSON body"));
    }
    body.clear();
}

/// `content-type: application/json`: a header line, not a line of the body (whose keys
/// are in quotes).
fn is_header(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
    })
}

/// The `curl` program.
struct Curl;

impl Curl {
    fn installed() -> Curl {
        match Command::new("curl").arg("--version").output() {
            Ok(output) if output.status.success() => Curl,
            _ => panic!(
                "this test replays the demo's curls with the real curl, and none was found: \
                 install it (Debian, Ubuntu: apt-get install -y curl)"
            ),
        }
    }

    /// Runs a printed curl command, split into words as a POSIX shell splits it.
    fn replay(&self, command: &str) -> Replayed {
        let words = shell_words(command);
        assert_eq!(words.first().map(String::as_str), Some("curl"), "{command}");
        let output = Command::new("curl")
            .args(&words[1..])
            .args(["--silent", "--show-error", "--max-time", "10"])
            .output()
            .expect("curl runs");
        assert!(
            output.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let answer = String::from_utf8(output.stdout).expect("a text answer");
        let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
        let mut lines = head.lines();
        let status = lines.next().and_then(|line| line.split(' ').nth(1));
        Replayed {
            status: status.and_then(|code| code.parse().ok()).expect("a status"),
            headers: lines
                .filter_map(|line| line.split_once(": "))
                .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
                .collect(),
            body: body.to_owned(),
            cookies_sent: words
                .windows(2)
                .find(|pair| pair[0] == "-H" && pair[1].starts_with("cookie: "))
                .map(|pair| pair[1]["cookie: ".len()..].to_owned()),
        }
    }
}

/// What a replayed curl got.
struct Replayed {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// The cookies the command sent, as they are: `pass=Fq3…`.
    cookies_sent: Option<String>,
}

impl Replayed {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body with each cookie value the command sent shown as the demo showed it in
    /// `step`: `Fq3…` becomes `<pass #1>`.
    fn body_as_shown(&self, step: &Step) -> Option<Value> {
        let mut body = self.body.clone();
        if let (Some(sent), Some(shown)) = (&self.cookies_sent, &step.cookies) {
            for (raw, shown) in sent.split("; ").zip(shown.split("; ")) {
                let raw = raw.split_once('=').map_or("", |(_, value)| value);
                let shown = shown.split_once('=').map_or("", |(_, value)| value);
                if !raw.is_empty() {
                    body = body.replace(raw, shown);
                }
            }
        }
        (!body.is_empty()).then(|| serde_json::from_str(&body).expect("a JSON body"))
    }
}

/// `curl -i 'http://…' -H 'a: b'` as the words a POSIX shell passes on: the demo prints
/// words and single-quoted strings, with `'\''` for a quote inside one.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => words.extend(word.take()),
            '\'' => {
                let word = word.get_or_insert_with(String::new);
                for quoted in chars.by_ref() {
                    if quoted == '\'' {
                        break;
                    }
                    word.push(quoted);
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

fn free_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener
        .local_addr()
        .expect("its address")
        .port()
        .to_string()
}

#[test]
fn a_printed_command_splits_into_the_words_a_shell_would_pass() {
    assert_eq!(
        shell_words(r#"curl -i -X POST 'http://x/a' -H 'it'\''s: ok' --data-raw '{"a":1}'"#),
        [
            "curl",
            "-i",
            "-X",
            "POST",
            "http://x/a",
            "-H",
            "it's: ok",
            "--data-raw",
            "{\"a\":1}"
        ]
    );
}
