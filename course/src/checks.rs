//! Running an exercise's checks. The real [`CargoChecker`] runs the tests the exercise names,
//! in its lesson's test binary, with the exercise's own feature (which compiles its starter
//! and no other); the trait lets the runner's own tests use a fake one.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::manifest::Exercise;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    /// It compiled and a test failed.
    Failed,
    DidNotCompile,
    /// The checks could not even start (no cargo, say); the output says why.
    CouldNotRun,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// Everything the checks printed, stdout and stderr together.
    pub output: String,
}

impl Outcome {
    /// The line a student reads first (see [`crate::report`]): the same for the same code
    /// on every run. `workspace` is where the starter is read, to name its functions.
    pub fn headline(&self, workspace: &Path, exercise: &Exercise) -> Option<String> {
        let source = std::fs::read_to_string(exercise.starter_path(workspace)).unwrap_or_default();
        crate::report::headline(&self.output, exercise, &source)
    }
}

pub trait Checker {
    /// Runs the checks of `exercise` in the workspace at `workspace` (the student's, or
    /// `verify`'s scratch copy).
    fn run(&self, workspace: &Path, exercise: &Exercise) -> Outcome;

    /// The command, for a person waiting for it to finish.
    fn describe(&self, _exercise: &Exercise) -> Option<String> {
        None
    }
}

/// Every lesson has one test binary, `tests/api/main.rs`.
pub const TEST_BINARY: &str = "api";

/// `cargo test -p <lesson> --features <exercise> --test api -- <tests...>`.
pub struct CargoChecker {
    pub cargo: OsString,
    /// `None`: cargo's own choice (CARGO_TARGET_DIR or the workspace's `target/`).
    pub target_dir: Option<PathBuf>,
}

impl CargoChecker {
    /// The cargo that runs us (cargo sets `CARGO`), so a rustup toolchain override holds.
    pub fn from_env() -> CargoChecker {
        CargoChecker {
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            target_dir: None,
        }
    }

    /// For `verify`: its scratch copies build in `<root>/target/course-verify` (unless
    /// CARGO_TARGET_DIR says otherwise), a fixed place, so that the dependencies are
    /// compiled once and later runs are incremental.
    ///
    /// Not the workspace's own `target/`: cargo names a workspace crate's artifacts by its
    /// path *relative to the workspace root*, so the scratch copy's lesson builds would
    /// land on the student's, and a later `cargo course check` could run a test binary
    /// that still points at the (deleted) scratch copy.
    pub fn for_verify(root: &Path) -> CargoChecker {
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
            // Relative to where we were started, not to the scratch copy cargo will run in.
            Some(dir) => std::path::absolute(&dir).unwrap_or_else(|_| PathBuf::from(dir)),
            None => root.join("target").join("course-verify"),
        };
        CargoChecker {
            target_dir: Some(target_dir),
            ..CargoChecker::from_env()
        }
    }

    pub fn args(exercise: &Exercise) -> Vec<String> {
        let mut args = [
            "test",
            "-p",
            &exercise.lesson,
            "--features",
            &exercise.name,
            "--test",
            TEST_BINARY,
            "--",
        ]
        .map(String::from)
        .to_vec();
        args.extend(exercise.tests.iter().cloned());
        args
    }
}

impl Checker for CargoChecker {
    fn run(&self, workspace: &Path, exercise: &Exercise) -> Outcome {
        let mut command = Command::new(&self.cargo);
        command
            .args(CargoChecker::args(exercise))
            .current_dir(workspace)
            .stdin(Stdio::null())
            // Captured output is read, trimmed and searched: no color codes in it, and no
            // backtraces (the headline names the student's function by itself).
            .env("CARGO_TERM_COLOR", "never")
            .env("RUST_BACKTRACE", "0");
        if let Some(dir) = &self.target_dir {
            command.env("CARGO_TARGET_DIR", dir);
        }
        match run_merged(command) {
            Ok((success, mut output)) => {
                let status = if success && tests_run(&output) == 0 {
                    // A filter that matches nothing would pass without checking anything.
                    output.push_str(&format!(
                        "\nhint: no test of {} matched {:?}: the exercise's `tests` in \
                         exercises.toml name none of the lesson's tests\n",
                        exercise.lesson, exercise.tests
                    ));
                    Status::Failed
                } else if success {
                    Status::Passed
                } else if output.contains("could not compile") {
                    Status::DidNotCompile
                } else {
                    Status::Failed
                };
                Outcome { status, output }
            }
            Err(e) => Outcome {
                status: Status::CouldNotRun,
                output: format!("could not run `{}`: {e}", self.cargo.to_string_lossy()),
            },
        }
    }

    fn describe(&self, exercise: &Exercise) -> Option<String> {
        Some(format!("cargo {}", CargoChecker::args(exercise).join(" ")))
    }
}

/// Runs `command` with stdout and stderr going into one pipe, so that compiler messages
/// (stderr) and test output (stdout) stay in the order they were printed.
fn run_merged(mut command: Command) -> std::io::Result<(bool, String)> {
    let (mut reader, writer) = std::io::pipe()?;
    command.stdout(writer.try_clone()?).stderr(writer);
    let mut child = command.spawn()?;
    // The command holds our copies of the pipe's write end: drop them, or the read below
    // would wait forever for an end of file.
    drop(command);
    let mut bytes = Vec::new();
    let read = reader.read_to_end(&mut bytes);
    let status = child.wait()?;
    read?;
    Ok((
        status.success(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

/// How many tests ran, from libtest's `test result:` lines.
pub fn tests_run(output: &str) -> usize {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test result: "))
        .map(|result| {
            let count = |what: &str| {
                result
                    .split(';')
                    .find_map(|part| part.trim().strip_suffix(what))
                    .and_then(|n| n.trim().rsplit(' ').next()?.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            count(" passed") + count(" failed")
        })
        .sum()
}

/// The output worth showing a student: without cargo's progress lines (`Compiling`,
/// `Running`, ...), passing tests and empty runs; with compiler errors and the failures.
/// When it did not compile, warnings are left out too, so the first error is on top.
pub fn trim_output(output: &str) -> String {
    const CARGO_STATUS: [&str; 12] = [
        "Compiling",
        "Running",
        "Finished",
        "Blocking",
        "Locking",
        "Updating",
        "Downloading",
        "Downloaded",
        "Checking",
        "Fresh",
        "Adding",
        "Doc-tests",
    ];
    let output = crate::report::normalize_paths(&strip_ansi(output));
    let drop_warnings = output.contains("could not compile");
    let mut kept: Vec<&str> = Vec::new();
    let mut in_warning = false;
    let mut in_backtrace = false;
    for line in output.lines() {
        let trimmed = line.trim();
        if in_warning {
            in_warning = !trimmed.is_empty();
            continue;
        }
        // With RUST_BACKTRACE set, each panic brings a backtrace of the test harness: it
        // says nothing about the exercise, and it would push the failure off the screen.
        if trimmed == "stack backtrace:" {
            in_backtrace = true;
            continue;
        }
        if in_backtrace {
            let frame = trimmed.is_empty()
                || trimmed.starts_with("at ")
                || trimmed
                    .split(':')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok());
            let omitted = trimmed.starts_with("note: Some details are omitted");
            in_backtrace = frame;
            if frame || omitted {
                continue;
            }
        }
        if drop_warnings && (line.starts_with("warning:") || line.starts_with("warning[")) {
            // A compiler diagnostic runs until the next empty line.
            in_warning = true;
            continue;
        }
        // Said once by the runner, or noise: hints (the headline and the list above the
        // details), and the backtrace advice.
        if trimmed.starts_with("hint: ") || trimmed.starts_with("note: run with `RUST_BACKTRACE") {
            continue;
        }
        let first_word = trimmed.split(' ').next().unwrap_or("");
        // cargo right-aligns its status words, so they always start with a space.
        let cargo_status = line.starts_with(' ') && CARGO_STATUS.contains(&first_word);
        let quiet_test = (trimmed.starts_with("running ") && trimmed.ends_with(" tests"))
            || (trimmed.starts_with("running ") && trimmed.ends_with(" test"))
            || (trimmed.starts_with("test ") && trimmed.ends_with(" ... ok"))
            || trimmed.starts_with("test result: ok.");
        if cargo_status || quiet_test {
            continue;
        }
        // One empty line at most between the kept parts.
        if trimmed.is_empty() && kept.last().is_none_or(|last| last.trim().is_empty()) {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|last| last.trim().is_empty()) {
        kept.pop();
    }
    kept.join("\n")
}

/// Removes ANSI escape sequences (colors), in case a tool colored its output anyway.
fn strip_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters, then one final character in '@'..='~'.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "   Compiling lesson-03-login v0.1.0 (/w/lesson-03-login)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 3.2s
     Running tests/check_story.rs (target/debug/deps/check_story-abc)

running 1 test
test story ... FAILED

failures:

---- story stdout ----
thread 'story' (77) panicked at tests/check_story.rs:4:5:
hint: step 2, \"Alice logs in\": expected 200, got 401
stack backtrace:
   0: __rustc::rust_begin_unwind
             at /rustc/5980/library/std/src/panicking.rs:689:5
   1: check::adds::{{closure}}
             at ./tests/check.rs:2:10
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.

failures:
    story

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out

     Running tests/login.rs (target/debug/deps/login-abc)

running 2 tests
test a ... ok
test b ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out

error: 1 target failed:
    `--test check_story`
";

    #[test]
    fn keeps_failures_and_drops_noise() {
        let trimmed = trim_output(FAILED);
        assert!(trimmed.starts_with("test story ... FAILED"), "{trimmed}");
        assert!(
            !trimmed.contains("hint: step 2"),
            "hints are said once, above the details"
        );
        assert!(trimmed.contains("test result: FAILED"));
        assert!(trimmed.contains("`--test check_story`"));
        assert!(!trimmed.contains("Compiling"));
        assert!(!trimmed.contains("Running"));
        assert!(!trimmed.contains("test a ... ok"));
        assert!(!trimmed.contains("\n\n\n"));
        assert!(
            !trimmed.contains("backtrace") && !trimmed.contains("rust_begin_unwind"),
            "{trimmed}"
        );
        assert!(!trimmed.contains("Some details are omitted"), "{trimmed}");
        assert_eq!(tests_run(FAILED), 3);
    }

    #[test]
    fn compiler_errors_without_warnings() {
        let output = "   Compiling x v0.1.0\nwarning: unused variable: `a`\n --> src/a.rs:1:1\n  |\n\n\
                      error[E0425]: cannot find value `b`\n --> src/a.rs:2:1\n\n\
                      error: could not compile `x` (lib) due to 1 previous error; 1 warning emitted\n";
        let trimmed = trim_output(output);
        assert!(trimmed.starts_with("error[E0425]"), "{trimmed}");
        assert!(!trimmed.contains("unused variable"));
    }

    #[test]
    fn strips_colors() {
        assert_eq!(strip_ansi("\x1b[1m\x1b[31merror\x1b[0m: x"), "error: x");
    }
}
