//! What a student has done, in `.course-progress` at the workspace root (ignored by git):
//!
//! ```text
//! # cargo course: your progress (exercises done, hints shown, the one you are on). Delete this file to start over.
//! current 03-2-disabled
//! done 03-1-login
//! hints 03-2-disabled 2
//! ```
//!
//! `current` is the exercise last worked on: named to `check`, `watch`, `hint`, `open` or
//! `reset`, or moved to in `watch`. The commands without a name follow it (see
//! [`crate::Course::current`]). A file without it (from before it existed) is fine.
//!
//! Plain text so a student can read it (and an instructor can fix it by hand). It never
//! stops the course: a missing file means nothing done yet; a damaged one is replaced with
//! what could still be read, with a warning; names of exercises that no longer exist are
//! kept but ignored, and new exercises are simply not in it (so: to do).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::say;

pub const FILE_NAME: &str = ".course-progress";
const HEADER: &str = "# cargo course: your progress (exercises done, hints shown, the one you are on). \
     Delete this file to start over.";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    current: Option<String>,
    done: BTreeSet<String>,
    hints: BTreeMap<String, usize>,
}

impl Progress {
    pub fn path(root: &Path) -> PathBuf {
        root.join(FILE_NAME)
    }

    /// Reads the progress file. Problems are warnings on `warn`, never errors: the worst case
    /// is starting over, which is better than a course that will not start.
    pub fn load(root: &Path, warn: &mut dyn Write) -> Progress {
        let path = Progress::path(root);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Progress::default(),
            Err(e) => {
                say!(
                    warn,
                    "warning: cannot read {FILE_NAME} ({e}); counting nothing as done."
                );
                return Progress::default();
            }
        };
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        let (progress, bad_lines) = Progress::parse(&String::from_utf8_lossy(&bytes));
        if bad_lines > 0 || !utf8 {
            say!(
                warn,
                "warning: {FILE_NAME} was damaged ({bad_lines} line(s) could not be read); \
                 it has been replaced, keeping the {} exercise(s) done that could be read.",
                progress.done.len()
            );
            if let Err(e) = progress.save(root) {
                say!(warn, "warning: cannot write {FILE_NAME}: {e}");
            }
        }
        progress
    }

    /// Parses the file's text; returns the progress and how many lines made no sense.
    pub fn parse(text: &str) -> (Progress, usize) {
        let mut progress = Progress::default();
        let mut bad_lines = 0;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["current", name] if plausible(name) => {
                    progress.current = Some(name.to_string());
                }
                ["done", name] if plausible(name) => {
                    progress.done.insert(name.to_string());
                }
                ["hints", name, count] if plausible(name) => match count.parse() {
                    Ok(count) => {
                        progress.hints.insert(name.to_string(), count);
                    }
                    Err(_) => bad_lines += 1,
                },
                _ => bad_lines += 1,
            }
        }
        (progress, bad_lines)
    }

    pub fn render(&self) -> String {
        let mut text = format!("{HEADER}\n");
        if let Some(name) = &self.current {
            text.push_str(&format!("current {name}\n"));
        }
        for name in &self.done {
            text.push_str(&format!("done {name}\n"));
        }
        for (name, count) in &self.hints {
            text.push_str(&format!("hints {name} {count}\n"));
        }
        text
    }

    /// Writes a temporary file next to the real one and renames it over, so that an
    /// interrupted write (Ctrl-C during `watch`) never leaves half a file.
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        let path = Progress::path(root);
        let temp = root.join(format!("{FILE_NAME}.tmp-{}", std::process::id()));
        std::fs::write(&temp, self.render())?;
        std::fs::rename(&temp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }

    /// The exercise last worked on, as recorded (it may be done, or no longer exist).
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    pub fn set_current(&mut self, name: &str) {
        self.current = Some(name.to_string());
    }

    pub fn is_done(&self, name: &str) -> bool {
        self.done.contains(name)
    }

    pub fn mark_done(&mut self, name: &str) {
        self.done.insert(name.to_string());
    }

    pub fn hints_shown(&self, name: &str) -> usize {
        self.hints.get(name).copied().unwrap_or(0)
    }

    pub fn set_hints_shown(&mut self, name: &str, count: usize) {
        self.hints.insert(name.to_string(), count);
    }

    /// Forgets everything about one exercise (for `reset`): to do again, hints from the start.
    pub fn forget(&mut self, name: &str) {
        self.done.remove(name);
        self.hints.remove(name);
    }
}

/// Exercise names are one word of printable characters; anything else is damage.
fn plausible(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut progress = Progress::default();
        progress.mark_done("03-1-login");
        progress.set_hints_shown("03-2-lockout", 2);
        progress.set_current("03-2-lockout");
        let text = progress.render();
        assert!(text.starts_with("# "));
        assert!(text.contains("current 03-2-lockout\n"));
        assert!(text.contains("done 03-1-login\n"));
        assert!(text.contains("hints 03-2-lockout 2\n"));
        assert_eq!(Progress::parse(&text), (progress, 0));
    }

    #[test]
    fn counts_bad_lines() {
        let (progress, bad) =
            Progress::parse("done a\nfinished b\nhints a x\nhints a 1\n\u{fffd}\n");
        assert!(progress.is_done("a"));
        assert_eq!(progress.hints_shown("a"), 1);
        assert_eq!(bad, 3);
        assert_eq!(
            progress.current(),
            None,
            "a file from before `current` is fine"
        );
    }
}
