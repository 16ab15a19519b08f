//! `cargo course watch [NAME]`: checks one exercise again each time a file is saved: the
//! exercise named, else the one the student is on (see [`Course::current`]). Saving another
//! exercise's starter neither checks this one nor switches to it.
//!
//! Keys are read a line at a time, a key then Enter: `h` hint, `n` next exercise, `l` list,
//! `s` yours beside the reference (after a pass), `r` check again, `q` quit; an exercise's
//! name switches to it. Keys without Enter would need the terminal in raw mode: a terminal
//! crate (and its build time) or unsafe code for each OS, to save one key press. Lines also
//! come the same way through a pipe, which is how the tests type.
//!
//! `--manual` checks on Enter instead of on saves, for file systems whose change events
//! never arrive (WSL2 on a Windows folder, network drives).
//!
//! Everything the loop reacts to comes as an [`Event`] through one channel (lines from a
//! thread that reads standard input, saves from `notify`), so the tests drive [`run`] with
//! events of their own, with no timing involved.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::checks::{Checker, Status};
use crate::commands::{all_done, check_and_report, list, record_current, show_hint, show_solution};
use crate::manifest::{Course, join_rel};
use crate::progress::{FILE_NAME, Progress};
use crate::{Ctx, say};

/// Saves come in bursts (an editor writes, renames, touches): wait until it is quiet.
const DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A line typed by the student, without its end of line.
    Line(String),
    /// Standard input is closed: no more lines will come.
    EndOfInput,
    /// Files were saved: their paths relative to the workspace root.
    Saved(Vec<PathBuf>),
}

/// `cargo course watch [NAME] [--manual]`, on the keyboard and the file system.
pub fn watch(
    ctx: &mut Ctx,
    checker: &dyn Checker,
    name: Option<&str>,
    manual: bool,
) -> Result<u8, String> {
    if let Some(name) = name {
        Course::load(&ctx.root)?.named(name)?;
    }
    let (sender, receiver) = channel();
    spawn_stdin_reader(sender.clone());
    // Kept alive until we return: dropping the watcher stops the events.
    let _watcher = if manual {
        drop(sender);
        None
    } else {
        Some(watch_files(&ctx.root, sender)?)
    };
    run(ctx, checker, name, manual, receiver)
}

/// The watch loop: checks the exercise, then answers each event, until `q`, the end of
/// the course, or the end of the events.
pub fn run(
    ctx: &mut Ctx,
    checker: &dyn Checker,
    name: Option<&str>,
    manual: bool,
    events: Receiver<Event>,
) -> Result<u8, String> {
    let mut course = Course::load(&ctx.root)?;
    let mut progress = Progress::load(&ctx.root, ctx.err);
    let mut current = match name {
        Some(name) => {
            course.named(name)?;
            record_current(ctx, &mut progress, name);
            name.to_string()
        }
        None => match course.current(&progress) {
            Some(exercise) => exercise.name.clone(),
            None => {
                all_done(ctx, &course);
                return Ok(0);
            }
        },
    };
    let mut inbox = Inbox {
        events,
        pending: VecDeque::new(),
    };
    let mut check_now = true;
    let mut passed = false;
    loop {
        if check_now {
            check_now = false;
            // Read again each time: the manifests or the progress may have changed.
            course = Course::load(&ctx.root)?;
            let exercise = course.named(&current)?;
            say!(ctx.out);
            passed = check_and_report(ctx, &course, checker, exercise) == Status::Passed;
            let progress = Progress::load(&ctx.root, ctx.err);
            if passed && course.next_todo(&progress).is_none() {
                return Ok(0); // the report said it: the course is done
            }
            inbox.after_check();
            prompt(ctx, &course, &current, passed, manual);
            continue;
        }
        let Some(event) = inbox.next() else {
            return Ok(0);
        };
        let line = match event {
            Event::Saved(paths) => {
                if !manual && checks_again(&course, &current, &paths) {
                    inbox.settle();
                    check_now = true;
                }
                continue;
            }
            Event::EndOfInput if manual => return Ok(0),
            Event::EndOfInput => continue,
            Event::Line(line) => line.trim().to_string(),
        };
        let exercise = course.named(&current)?;
        match line.to_lowercase().as_str() {
            "q" | "quit" | "exit" => return Ok(0),
            "r" => check_now = true,
            "" if !passed => check_now = true,
            "" | "n" => {
                let mut progress = Progress::load(&ctx.root, ctx.err);
                match course.next_after(&progress, &current) {
                    Some(next) => {
                        current = next.name.clone();
                        record_current(ctx, &mut progress, &current);
                        check_now = true;
                    }
                    None if progress.is_done(&current) => {
                        say!(
                            ctx.out,
                            "{} That was the last exercise: the course is done!",
                            ctx.style.green("✓")
                        );
                        return Ok(0);
                    }
                    None => {
                        say!(ctx.out, "{current} is the only exercise left to do.");
                        prompt(ctx, &course, &current, passed, manual);
                    }
                }
            }
            "h" => {
                show_hint(ctx, exercise, "h + Enter");
                prompt(ctx, &course, &current, passed, manual);
            }
            "s" => {
                show_solution(ctx, exercise);
                prompt(ctx, &course, &current, passed, manual);
            }
            "l" => {
                list(ctx)?;
                say!(
                    ctx.out,
                    "{}",
                    ctx.style
                        .dim("To watch another exercise, type its name, then Enter.")
                );
                prompt(ctx, &course, &current, passed, manual);
            }
            _ => match course.find(&line) {
                Some(other) => {
                    current = other.name.clone();
                    let mut progress = Progress::load(&ctx.root, ctx.err);
                    record_current(ctx, &mut progress, &current);
                    check_now = true;
                }
                None => {
                    say!(ctx.out, "`{line}` is neither a key nor an exercise's name.");
                    prompt(ctx, &course, &current, passed, manual);
                }
            },
        }
    }
}

/// What the keys do now, in one line.
fn prompt(ctx: &mut Ctx, course: &Course, current: &str, passed: bool, manual: bool) {
    let progress = Progress::load(&ctx.root, ctx.err);
    let text = if passed {
        let next = course
            .next_after(&progress, current)
            .map_or(String::new(), |next| format!(" ({})", next.name));
        format!(
            "n or Enter: the next exercise{next}. Other keys, then Enter: s yours against the \
             reference, h hint, l list, r check again, q quit."
        )
    } else if manual {
        format!(
            "Watching {current}: Enter checks it again. Keys, then Enter: h hint, \
             n next exercise, l list, q quit."
        )
    } else {
        format!(
            "Watching {current}: each save checks it again. Keys, then Enter: h hint, \
             n next exercise, l list, r check again, q quit."
        )
    };
    say!(ctx.out, "{}", ctx.style.dim(&text));
}

/// Whether saving `paths` (relative to the root) checks `current` again: any file does,
/// except another exercise's starter (the student is on `current`, not on that one).
fn checks_again(course: &Course, current: &str, paths: &[PathBuf]) -> bool {
    let other_starters: Vec<PathBuf> = course
        .exercises()
        .filter(|exercise| exercise.name != current)
        .map(|exercise| join_rel(Path::new(""), &exercise.starter_rel()))
        .collect();
    paths.iter().any(|path| !other_starters.contains(path))
}

/// The events, with those taken early and kept for later.
struct Inbox {
    events: Receiver<Event>,
    pending: VecDeque<Event>,
}

impl Inbox {
    /// The next event, waiting for it. `None`: no more will come.
    fn next(&mut self) -> Option<Event> {
        self.pending.pop_front().or_else(|| self.events.recv().ok())
    }

    /// After a check: what came while it ran is kept in order, except Enter on its own,
    /// which was pressed for the screen before (a second check, or skipping past a pass).
    fn after_check(&mut self) {
        self.pending.extend(self.events.try_iter());
        self.pending
            .retain(|event| !matches!(event, Event::Line(line) if line.trim().is_empty()));
    }

    /// Waits until no save has come for [`DEBOUNCE`]; anything else is kept for later.
    fn settle(&mut self) {
        loop {
            let event = match self.pending.pop_front() {
                Some(event) => event,
                None => match self.events.recv_timeout(DEBOUNCE) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
                },
            };
            if !matches!(event, Event::Saved(_)) {
                self.pending.push_front(event);
                return;
            }
        }
    }
}

fn spawn_stdin_reader(sender: Sender<Event>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if sender.send(Event::Line(line)).is_err() {
                return;
            }
        }
        let _ = sender.send(Event::EndOfInput);
    });
}

/// Watches the root itself (for `Cargo.toml` and the like) and each of its folders except
/// the ignored ones: watching `target/` recursively would mean thousands of watches.
fn watch_files(root: &Path, sender: Sender<Event>) -> Result<notify::RecommendedWatcher, String> {
    let events_root = root.to_path_buf();
    // Some systems (macOS) report the real path of a file, not the one we watched.
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let saved = match event.kind {
            EventKind::Access(notify::event::AccessKind::Close(
                notify::event::AccessMode::Write,
            )) => true,
            EventKind::Access(_) | EventKind::Modify(notify::event::ModifyKind::Metadata(_)) => {
                false
            }
            _ => true,
        };
        let paths: Vec<PathBuf> = event
            .paths
            .iter()
            .filter_map(|path| {
                path.strip_prefix(&events_root)
                    .or_else(|_| path.strip_prefix(&real_root))
                    .ok()
            })
            .filter(|rel| !is_ignored(Path::new(""), rel))
            .map(Path::to_path_buf)
            .collect();
        if saved && !paths.is_empty() {
            let _ = sender.send(Event::Saved(paths));
        }
    })
    .map_err(|e| {
        format!("cannot watch for saved files ({e}); try `cargo course watch --manual`")
    })?;
    let cannot = |e: notify::Error| {
        format!(
            "cannot watch {} ({e}); try `cargo course watch --manual`",
            root.display()
        )
    };
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(cannot)?;
    let entries =
        std::fs::read_dir(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) && !is_ignored(root, &path) {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(cannot)?;
        }
    }
    Ok(watcher)
}

/// Files whose changes are not the student's saves: build output, git, the lessons'
/// databases, our progress file, snapshots that insta writes when a check fails (which
/// would otherwise start the next check, forever), and editors' backup and swap files.
pub fn is_ignored(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut components = rel.components();
    if let Some(Component::Normal(first)) = components.next()
        && ["target", ".git", "data"]
            .iter()
            .any(|ignored| first == *ignored)
    {
        return true;
    }
    if rel
        .components()
        .any(|c| c.as_os_str() == "target" || c.as_os_str() == ".git")
    {
        return true;
    }
    let name = rel
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    name.starts_with(FILE_NAME)
        || name.ends_with(".snap.new")
        || name.ends_with(".pending-snap")
        || name.ends_with('~')
        || name.starts_with(".#")
        || [".swp", ".swx", ".swo", ".tmp"]
            .iter()
            .any(|end| name.ends_with(end))
        || name == "4913" // vim's "can I write here?" probe file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_what_is_not_a_save() {
        let root = Path::new("/w");
        for ignored in [
            "/w/target/debug/x",
            "/w/.git/index",
            "/w/data/lesson-03-login.db",
            "/w/.course-progress",
            "/w/.course-progress.tmp-42",
            "/w/lesson-03-login/tests/snapshots/story.snap.new",
            "/w/lesson-03-login/exercises/.1_login.rs.swp",
            "/w/lesson-03-login/exercises/1_login.rs~",
        ] {
            assert!(is_ignored(root, Path::new(ignored)), "{ignored}");
        }
        for saved in [
            "/w/lesson-03-login/exercises/1_login.rs",
            "/w/Cargo.toml",
            "/w/common/src/data.rs",
        ] {
            assert!(!is_ignored(root, Path::new(saved)), "{saved}");
        }
    }
}
