//! The live demo: how a story is printed in front of a class, and the demo's options.
//!
//! ```text
//! cargo run -p lesson-03-login --example demo-03 -- --step --curl
//! cargo run -p lesson-05-logout --example demo-05 -- --live --step --curl
//! ```
//!
//! | option | what it does |
//! |---|---|
//! | `--step` | before each step, shows its title and waits for Enter (`q` + Enter ends the demo) |
//! | `--reveal` | prints the real cookie and token values instead of placeholders |
//! | `--color=always\|never\|auto` | color even through `\| less -R`, never, or only in a terminal |
//! | `--from N` | starts the printout at step N, with the narration that leads into it; the steps before it still run, silently |
//! | `--curl` | prints, under each step, a curl command that sends the same request |
//! | `--live` | serves the story on a fixed address (`HOST`, port 3000 or `--port N`), on the real clock, and keeps serving after the last step until Ctrl-C |
//! | `--diagram [PART]` | prints only the story's Mermaid sequence diagram (one part, or all), for slides |
//!
//! None of them changes the transcript a test compares. A demo prints more than the
//! transcript (the story's set-up requests, its restarts; with `--live`, the steps that
//! need the story's clock), and with `--live` its server runs differently, but a test
//! never plays a story that way.
//!
//! ## `--live`: a demo the class can replay
//!
//! Without it, the story's server listens on a free port and runs on the story's own
//! clock (2026-01-01), so a printed cookie is valid only there, and only while the demo
//! runs. With it:
//! - the server listens on `HOST` (default `127.0.0.1`; `0.0.0.0` lets the class's
//!   laptops in) and port 3000 (`PORT`, or `--port N`); a second server (lesson 07's B)
//!   takes the next port. A restart keeps the address, so every curl printed keeps
//!   working, from any terminal;
//! - the clock is the real one, so the cookies printed are valid against this server
//!   now, and against `cargo run` of the lesson with the demo's secret
//!   ([`STORY_SECRET`](crate::STORY_SECRET)) as `SESSION_SECRET`. When the story moves its
//!   clock ("15 minutes later"), the server's clock jumps ahead by as much, at once, and
//!   stays ahead: each step shows what the story shows, and a curl replayed afterwards
//!   is judged on the same clock;
//! - after the last step the server keeps serving until Ctrl-C.
//!
//! In every demo (not in tests), a restart the story asks for waits until the next step
//! is played: while the demo is paused, the server that answered the last step still
//! answers its curl. And a story's set-up requests ([`Client::set_up`](crate::Client::set_up))
//! are printed before the step they prepare, numbered `0a`, `0b`, ... so that the step
//! numbers stay those of the transcript.

use std::io::{BufRead, IsTerminal, Write};

/// How a live demo prints. Made from the command line by [`LiveOptions::from_args`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveOptions {
    pub color: bool,
    pub step: bool,
    pub reveal: bool,
    /// The first step printed (1 prints them all).
    pub from: usize,
    pub curl: bool,
    /// `--live`: where the story's server listens. `None` is a free port on 127.0.0.1.
    pub live: Option<LiveServer>,
    /// Print the Mermaid diagram instead of the transcript.
    pub diagram: bool,
    /// With `diagram`: only this part (from 1), not all of them.
    pub diagram_part: Option<usize>,
    /// Draw the database in the diagram (lesson 06 on): set by the demo, not an option.
    pub database: bool,
}

/// Where a `--live` demo's first server listens (the next ones take the next ports).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveServer {
    /// `HOST`, as a lesson reads it: `127.0.0.1` unless set.
    pub host: String,
    /// `--port N`, else `PORT`, else 3000: the port a lesson's `cargo run` takes.
    pub port: u16,
}

impl LiveServer {
    /// The address server number `index` (0 for the first started) binds.
    pub(crate) fn address(&self, index: usize) -> String {
        let port = usize::from(self.port) + index;
        let port = u16::try_from(port).unwrap_or_else(|_| {
            exit_with(&format!(
                "port {port} does not exist: pick a lower one with --port N"
            ))
        });
        // An IPv6 address takes brackets before its port.
        if self.host.contains(':') {
            format!("[{}]:{port}", self.host)
        } else {
            format!("{}:{port}", self.host)
        }
    }
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self {
            color: std::io::stdout().is_terminal(),
            step: false,
            reveal: false,
            from: 1,
            curl: false,
            live: None,
            diagram: false,
            diagram_part: None,
            database: false,
        }
    }
}

const USAGE: &str =
    "usage: demo [--step] [--reveal] [--color=always|never|auto] [--from N] [--curl]
            [--live [--port N]] [--diagram [PART]]

  --step          wait for Enter before each step (q + Enter ends the demo)
  --reveal        print the real cookie and token values, not placeholders
  --color=WHEN    always (also through `less -R`), never, or auto (in a terminal)
  --from N        start printing at step N, with the narration that leads into it
                  (the steps before still run)
  --curl          print a curl command under each step, to replay it by hand
  --live          serve the story on HOST (default 127.0.0.1; 0.0.0.0 lets other
                  machines in) and port 3000, on the real clock (which the story's
                  moves of its clock move ahead), and keep serving after the last
                  step until Ctrl-C: every curl printed works, from any terminal,
                  during the demo and after it
  --port N        with --live: the port (default: PORT, or 3000)
  --diagram       print only the story's Mermaid sequence diagram, one block per part
  --diagram PART  print only that part (1, 2, ...), one slide's worth";

impl LiveOptions {
    /// Reads the demo's command line, and `HOST` and `PORT` for `--live`. A wrong option
    /// prints the usage and exits 2.
    pub fn from_args() -> Self {
        match Self::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
            Ok(options) => options,
            Err(error) => {
                eprintln!("error: {error}\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }

    /// The rules of [`LiveOptions::from_args`], over any list of arguments and any
    /// environment (`env` looks a variable up).
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let mut options = Self::default();
        let mut live = false;
        let mut port = None;
        let mut args = args.into_iter().peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--step" => options.step = true,
                "--reveal" => options.reveal = true,
                "--curl" => options.curl = true,
                "--live" => live = true,
                // The transcript is not printed (from step "infinity"), only the drawing.
                "--diagram" => {
                    options.diagram = true;
                    options.from = usize::MAX;
                    // A part number may follow; another option may not be one.
                    if let Some(part) = args.next_if(|next| !next.starts_with('-')) {
                        options.diagram_part = Some(parse_number("--diagram", &part)?);
                    }
                }
                "--help" | "-h" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                "--from" => {
                    let value = args.next().ok_or("--from needs a step number")?;
                    options.from = parse_number("--from", &value)?;
                }
                "--port" => {
                    let value = args.next().ok_or("--port needs a port number")?;
                    port = Some(parse_port("--port", &value)?);
                }
                _ => {
                    if let Some(value) = arg.strip_prefix("--from=") {
                        options.from = parse_number("--from", value)?;
                    } else if let Some(value) = arg.strip_prefix("--port=") {
                        port = Some(parse_port("--port", value)?);
                    } else if let Some(part) = arg.strip_prefix("--diagram=") {
                        options.diagram = true;
                        options.from = usize::MAX;
                        options.diagram_part = Some(parse_number("--diagram", part)?);
                    } else if let Some(when) = arg.strip_prefix("--color=") {
                        options.color = match when {
                            "always" => true,
                            "never" => false,
                            "auto" => std::io::stdout().is_terminal(),
                            _ => {
                                return Err(format!(
                                    "--color takes always, never or auto, not {when:?}"
                                ));
                            }
                        };
                    } else {
                        return Err(format!("unknown option {arg:?}"));
                    }
                }
            }
        }
        if port.is_some() && !live {
            return Err("--port is the port of --live: add --live".to_owned());
        }
        if live && options.diagram {
            return Err(
                "--diagram prints only the drawing, and serves nothing: drop --live".to_owned(),
            );
        }
        if live {
            let port = match (port, env("PORT")) {
                (Some(port), _) => port,
                (None, Some(value)) => parse_port("PORT", &value)?,
                (None, None) => 3000,
            };
            let host = env("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
            options.live = Some(LiveServer { host, port });
        }
        Ok(options)
    }

    pub(crate) fn print(&self, style: Style, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(paint(self.color, style, text).as_bytes());
        let _ = out.flush();
    }
}

fn parse_number(option: &str, value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(number) if number >= 1 => Ok(number),
        _ => Err(format!("{option} takes a number from 1, not {value:?}")),
    }
}

fn parse_port(name: &str, value: &str) -> Result<u16, String> {
    value
        .parse::<u16>()
        .map_err(|_| format!("{name} takes a port number, 0 to 65535, not {value:?}"))
}

/// Ends the demo with one line: for what the presenter must fix (a port in use).
pub(crate) fn exit_with(line: &str) -> ! {
    eprintln!("error: {line}");
    std::process::exit(1)
}

/// With `--step`: shows `prompt` (the next step and the keys) and waits for a line on
/// standard input; returns it, trimmed and in lowercase (`""` for a bare Enter). At the
/// end of input (a pipe that ran dry) that is `""` too, so `yes '' | … --step` and
/// `… --step < /dev/null` both play to the end.
pub(crate) fn ask(color: bool, prompt: &str) -> String {
    print!("{}", paint(color, Style::Note, prompt));
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    // A terminal echoes the Enter; from a pipe, end the prompt's line ourselves.
    if !std::io::stdin().is_terminal() {
        println!();
    }
    line.trim().to_lowercase()
}

/// Ends the demo where the presenter typed `q`.
pub(crate) fn end_the_demo() -> ! {
    println!("\nThe demo ends here.");
    std::process::exit(0)
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Style {
    Title,
    Request,
    Ok,
    Error,
    Note,
    Plain,
}

/// ANSI colors. A title gets a blank line above it in color mode, to separate the steps.
fn paint(color: bool, style: Style, text: &str) -> String {
    let code = match style {
        Style::Title => "1;36",
        Style::Request => "1",
        Style::Ok => "32",
        Style::Error => "31",
        Style::Note => "33",
        Style::Plain => return text.to_owned(),
    };
    if !color {
        return text.to_owned();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    let newline = if text.ends_with('\n') { "\n" } else { "" };
    let gap = if matches!(style, Style::Title) {
        "\n"
    } else {
        ""
    };
    format!("{gap}\x1b[{code}m{body}\x1b[0m{newline}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<LiveOptions, String> {
        parse_with(args, &[])
    }

    fn parse_with(args: &[&str], env: &[(&str, &str)]) -> Result<LiveOptions, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        LiveOptions::parse(args.iter().map(|arg| arg.to_string()), |name| {
            env.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    #[test]
    fn the_demo_options_parse_and_wrong_ones_are_named() {
        let options = parse(&[
            "--step",
            "--reveal",
            "--color=always",
            "--from",
            "3",
            "--curl",
        ])
        .unwrap();
        assert!(options.step && options.reveal && options.color && options.curl);
        assert_eq!(options.from, 3);
        assert_eq!(options.live, None);
        assert_eq!(parse(&["--from=2"]).unwrap().from, 2);
        assert!(!parse(&["--color=never"]).unwrap().color);
        assert_eq!(parse(&[]).unwrap().from, 1);
        assert!(parse(&["--from", "0"]).unwrap_err().contains("from 1"));
        assert!(parse(&["--from"]).is_err());
        assert!(
            parse(&["--colour=always"])
                .unwrap_err()
                .contains("--colour")
        );
        assert!(parse(&["--color=sometimes"]).is_err());
    }

    #[test]
    fn live_serves_on_host_and_port_like_a_lesson() {
        let live = |args: &[&str], env: &[(&str, &str)]| parse_with(args, env).unwrap().live;
        let at = |host: &str, port| {
            Some(LiveServer {
                host: host.to_owned(),
                port,
            })
        };
        assert_eq!(live(&["--live"], &[]), at("127.0.0.1", 3000));
        assert_eq!(
            live(&["--live"], &[("PORT", "4000")]),
            at("127.0.0.1", 4000)
        );
        assert_eq!(
            live(
                &["--live", "--port", "5000"],
                &[("PORT", "4000"), ("HOST", "0.0.0.0")]
            ),
            at("0.0.0.0", 5000)
        );
        assert_eq!(live(&["--port=5001", "--live"], &[]), at("127.0.0.1", 5001));
        assert!(
            parse(&["--port", "5000"])
                .unwrap_err()
                .contains("add --live")
        );
        assert!(
            parse(&["--live", "--port", "http"])
                .unwrap_err()
                .contains("\"http\"")
        );
        assert!(
            parse_with(&["--live"], &[("PORT", "x")])
                .unwrap_err()
                .contains("PORT")
        );
        assert!(
            parse(&["--live", "--diagram"])
                .unwrap_err()
                .contains("drop --live")
        );
        let second = at("::1", 3000).unwrap().address(1);
        assert_eq!(second, "[::1]:3001");
    }

    #[test]
    fn the_diagram_takes_an_optional_part() {
        let all = parse(&["--diagram", "--color=never"]).unwrap();
        assert!(all.diagram && all.diagram_part.is_none());
        assert_eq!(parse(&["--diagram", "2"]).unwrap().diagram_part, Some(2));
        assert_eq!(parse(&["--diagram=3"]).unwrap().diagram_part, Some(3));
        assert!(parse(&["--diagram", "0"]).is_err());
        assert!(parse(&["--diagram", "two"]).is_err());
    }

    #[test]
    fn color_codes_only_when_asked() {
        assert_eq!(paint(false, Style::Title, "── 1. x\n"), "── 1. x\n");
        assert_eq!(
            paint(true, Style::Ok, "200 OK\n"),
            "\x1b[32m200 OK\x1b[0m\n"
        );
        assert_eq!(paint(true, Style::Plain, "x"), "x");
    }
}
