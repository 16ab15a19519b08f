//! The live demo: how a story is printed in front of a class, and the demo's options.
//!
//! ```text
//! cargo run -p lesson-03-login --example demo-03 -- --step --curl
//! ```
//!
//! | option | what it does |
//! |---|---|
//! | `--step` | before each step, shows its title and waits for Enter (`q` + Enter ends the demo) |
//! | `--reveal` | prints the real cookie and token values instead of placeholders |
//! | `--color=always\|never\|auto` | color even through `\| less -R`, never, or only in a terminal |
//! | `--from N` | starts the printout at step N; the steps before it still run, silently |
//! | `--curl` | prints, under each step, a curl command that sends the same request |
//! | `--diagram` | prints only the story's Mermaid sequence diagram, for slides |
//!
//! None of them changes the transcript: the snapshot a test compares is always the
//! redacted one.

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
    /// Print the Mermaid diagram instead of the transcript.
    pub diagram: bool,
    /// Draw the database in the diagram (lesson 06 on): set by the demo, not an option.
    pub database: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self {
            color: std::io::stdout().is_terminal(),
            step: false,
            reveal: false,
            from: 1,
            curl: false,
            diagram: false,
            database: false,
        }
    }
}

const USAGE: &str =
    "usage: demo [--step] [--reveal] [--color=always|never|auto] [--from N] [--curl]

  --step        wait for Enter before each step (q + Enter ends the demo)
  --reveal      print the real cookie and token values, not placeholders
  --color=WHEN  always (also through `less -R`), never, or auto (in a terminal)
  --from N      start printing at step N (the steps before still run)
  --curl        print a curl command under each step, to replay it by hand
  --diagram     print only the story's Mermaid sequence diagram, for slides";

impl LiveOptions {
    /// Reads the demo's command line. A wrong option prints the usage and exits 2.
    pub fn from_args() -> Self {
        match Self::parse(std::env::args().skip(1)) {
            Ok(options) => options,
            Err(error) => {
                eprintln!("error: {error}\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }

    /// The rules of [`LiveOptions::from_args`], over any list of arguments.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut options = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--step" => options.step = true,
                "--reveal" => options.reveal = true,
                "--curl" => options.curl = true,
                // The transcript is not printed (from step "infinity"), only the drawing.
                "--diagram" => {
                    options.diagram = true;
                    options.from = usize::MAX;
                }
                "--help" | "-h" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                "--from" => {
                    let value = args.next().ok_or("--from needs a step number")?;
                    options.from = parse_step(&value)?;
                }
                _ => {
                    if let Some(value) = arg.strip_prefix("--from=") {
                        options.from = parse_step(value)?;
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
        Ok(options)
    }

    pub(crate) fn print(&self, style: Style, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(paint(self.color, style, text).as_bytes());
        let _ = out.flush();
    }
}

fn parse_step(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(step) if step >= 1 => Ok(step),
        _ => Err(format!("--from takes a step number from 1, not {value:?}")),
    }
}

/// With `--step`: shows the next step's title and waits for a line on standard input.
/// Returns `false` when the presenter typed `q`. At the end of input (a pipe that ran
/// dry) the demo plays on, so `yes '' | … --step` and `… --step < /dev/null` both finish.
pub(crate) fn wait_for_enter(color: bool, step: usize, title: &str) -> bool {
    let prompt = format!("▸ next: {step}. {title}   [Enter: play it · q + Enter: end the demo] ");
    print!("{}", paint(color, Style::Note, &prompt));
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    // A terminal echoes the Enter; from a pipe, end the prompt's line ourselves.
    if !std::io::stdin().is_terminal() {
        println!();
    }
    !line.trim().eq_ignore_ascii_case("q")
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
        LiveOptions::parse(args.iter().map(|arg| arg.to_string()))
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
    fn color_codes_only_when_asked() {
        assert_eq!(paint(false, Style::Title, "── 1. x\n"), "── 1. x\n");
        assert_eq!(
            paint(true, Style::Ok, "200 OK\n"),
            "\x1b[32m200 OK\x1b[0m\n"
        );
        assert_eq!(paint(true, Style::Plain, "x"), "x");
    }
}
