//! Ctrl-C, as a person presses it: SIGINT to the real `lesson-07-two-servers` process,
//! both servers running, with clients that hold connections open. One Ctrl-C stops it
//! within the shutdown grace, whatever the clients hold; a second one stops it at once.
//! (Unix only: signals are sent with the `kill` command.)

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::serve::SHUTDOWN_GRACE;
use story::{STORY_SECRET, Story};

/// Seconds of slack for a busy machine: starting a process, delivering a signal.
const MARGIN: Duration = Duration::from_secs(5);

/// The two servers in one process, killed if a test ends before they do.
struct Servers {
    child: Child,
    /// Server A's address, `127.0.0.1:43121`.
    address: String,
    /// The lines of the process's log (its stderr), as they come.
    log: Receiver<String>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Servers {
    /// Starts both servers on free ports, with a minute for any client to send a head or
    /// a body: so a request held open is still in flight when the grace ends.
    fn start(story: &Story) -> Servers {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lesson-07-two-servers"))
            .env("PORT", "0")
            .env("DATABASE_URL", story.database_url("ctrl-c"))
            .env("SESSION_SECRET", STORY_SECRET)
            .env("BCRYPT_COST", "4")
            .env("HEADER_TIMEOUT", "60")
            .env("BODY_TIMEOUT", "60")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the lesson's binary starts");
        let log = lines_of(child.stderr.take().expect("its log"));
        let banner = lines_of(child.stdout.take().expect("its banner"));
        let address = loop {
            let line = banner
                .recv_timeout(Duration::from_secs(60))
                .expect("the banner says where A listens");
            if let Some((_, url)) = line.split_once("server A listening on ") {
                break url.trim().trim_start_matches("http://").to_owned();
            }
        };
        Servers {
            child,
            address,
            log,
        }
    }

    /// Presses Ctrl-C.
    fn interrupt(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.expect("the kill command runs").success());
    }

    /// Waits until the process ends, at most `limit` after `pressed`, and says how and
    /// how long after `pressed`.
    fn exit_within(&mut self, pressed: Instant, limit: Duration) -> (ExitStatus, Duration) {
        while pressed.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, pressed.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("still running {limit:?} after Ctrl-C");
    }

    /// Waits for a log line that contains `text` (60 s at most).
    fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Ok(line) = self.log.recv_timeout(deadline - Instant::now()) {
            if line.contains(text) {
                return;
            }
        }
        panic!("no log line with {text:?}");
    }

    fn connect(&self) -> TcpStream {
        TcpStream::connect(&self.address).expect("connect to A")
    }
}

/// The lines a pipe carries, read on a thread of their own.
fn lines_of(pipe: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (send, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    lines
}

/// A login whose body never comes: in flight until the body timeout, a minute away.
fn a_login_that_never_ends(servers: &Servers) -> TcpStream {
    let mut client = servers.connect();
    client
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"username\":",
        )
        .unwrap();
    client
}

#[test]
fn one_ctrl_c_stops_the_servers_within_the_grace_whatever_the_clients_hold() {
    let story = Story::recording(); // holds the database, and deletes it at the end
    let mut servers = Servers::start(&story);
    let _silent = servers.connect();
    let mut half = servers.connect();
    half.write_all(b"GET /api/me HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let _in_flight = a_login_that_never_ends(&servers);
    std::thread::sleep(Duration::from_millis(200)); // the server reads what they sent

    let pressed = Instant::now();
    servers.interrupt();
    let (status, took) = servers.exit_within(pressed, SHUTDOWN_GRACE + MARGIN + MARGIN);
    assert!(status.success(), "a clean stop: {status}");
    assert!(
        took >= SHUTDOWN_GRACE,
        "the login in flight had its grace; the process ended after {took:?}"
    );
    assert!(took < SHUTDOWN_GRACE + MARGIN, "stopped after {took:?}");
}

#[test]
fn a_second_ctrl_c_stops_the_servers_at_once() {
    let story = Story::recording();
    let mut servers = Servers::start(&story);
    let _in_flight = a_login_that_never_ends(&servers);
    std::thread::sleep(Duration::from_millis(200));

    servers.interrupt();
    servers.wait_for_log("Ctrl-C again");
    let pressed = Instant::now();
    servers.interrupt();
    let (status, took) = servers.exit_within(pressed, SHUTDOWN_GRACE + MARGIN);
    assert_eq!(
        status.code(),
        Some(130),
        "ended by the second Ctrl-C, not by the grace ({took:?}): {status}"
    );
}
