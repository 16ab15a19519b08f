//! `cargo course watch`: checks the current exercise again each time a file is saved.
//! After a pass it waits for Enter before moving on, so the student can read the result
//! (and the next exercise's name) before its first check scrolls it away.
//!
//! `--manual` checks on Enter instead of on saves, for file systems whose change events
//! never arrive (WSL2 on a Windows folder, network drives). `q` + Enter quits either way.

use std::io::BufRead;
use std::path::{Component, Path};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::checks::{Checker, Status};
use crate::commands::check_and_report;
use crate::manifest::Course;
use crate::progress::{FILE_NAME, Progress};
use crate::{Ctx, say};

/// Saves come in bursts (an editor writes, renames, touches): wait until it is quiet.
const DEBOUNCE: Duration = Duration::from_millis(300);

enum Message {
    /// A line typed by the student (without its end of line).
    Line(String),
    /// Standard input is closed: no more lines will come.
    EndOfInput,
    Changed,
}

pub fn watch(ctx: &mut Ctx, checker: &dyn Checker, manual: bool) -> Result<u8, String> {
    let (sender, receiver) = channel();
    spawn_stdin_reader(sender.clone());
    // Kept alive until we return: dropping the watcher stops the events.
    let _watcher = if manual {
        None
    } else {
        Some(watch_files(&ctx.root, sender)?)
    };

    let course = Course::load(&ctx.root)?;
    let progress = Progress::load(&ctx.root, ctx.err);
    let Some(first) = course.next_todo(&progress) else {
        crate::commands::all_done(ctx, &course);
        return Ok(0);
    };
    let mut current = first.name.clone();
    let how = if manual {
        "press Enter to check it again"
    } else {
        "each save checks it again"
    };
    say!(
        ctx.out,
        "{}",
        ctx.style.dim(&format!("Watching: {how}; q + Enter quits."))
    );

    let mut check_now = true;
    let mut passed = false;
    loop {
        if check_now {
            check_now = false;
            // Read again each time: the manifests or the progress may have changed.
            let course = Course::load(&ctx.root)?;
            let progress = Progress::load(&ctx.root, ctx.err);
            let Some(exercise) = course
                .find(&current)
                .or_else(|| course.next_todo(&progress))
            else {
                return Ok(0);
            };
            current = exercise.name.clone();
            say!(ctx.out);
            passed = check_and_report(ctx, &course, checker, exercise) == Status::Passed;
            if passed
                && course
                    .next_todo(&Progress::load(&ctx.root, ctx.err))
                    .is_none()
            {
                return Ok(0); // the report said it: the course is done
            }
            if passed {
                say!(
                    ctx.out,
                    "{}",
                    ctx.style
                        .dim("Press Enter to go on to the next exercise, q + Enter to quit.")
                );
            } else {
                say!(
                    ctx.out,
                    "{}",
                    ctx.style.dim(&format!("Watching: {how}; q + Enter quits."))
                );
            }
            // What arrived during the check: a save made meanwhile means checking again;
            // Enter pressed meanwhile is dropped (it was meant for an older screen).
            while let Ok(message) = receiver.try_recv() {
                match message {
                    Message::Line(line) if is_quit(&line) => return Ok(0),
                    Message::Changed if !passed => check_now = true,
                    _ => {}
                }
            }
            continue;
        }
        match receiver.recv() {
            Ok(Message::Line(line)) if is_quit(&line) => return Ok(0),
            Ok(Message::Line(_)) if passed => {
                let course = Course::load(&ctx.root)?;
                let progress = Progress::load(&ctx.root, ctx.err);
                match course.next_todo(&progress) {
                    Some(next) => current = next.name.clone(),
                    None => {
                        say!(
                            ctx.out,
                            "{} That was the last exercise: the course is done!",
                            ctx.style.green("✓")
                        );
                        return Ok(0);
                    }
                }
                check_now = true;
            }
            Ok(Message::Line(_)) => check_now = true,
            Ok(Message::EndOfInput) if manual => return Ok(0),
            Ok(Message::EndOfInput) => {}
            Ok(Message::Changed) if !passed => {
                if quit_while_settling(&receiver) {
                    return Ok(0);
                }
                check_now = true;
            }
            Ok(Message::Changed) => {}
            Err(_) => return Ok(0),
        }
    }
}

/// Waits until no change has come for [`DEBOUNCE`]; true if `q` was typed meanwhile.
fn quit_while_settling(receiver: &Receiver<Message>) -> bool {
    loop {
        match receiver.recv_timeout(DEBOUNCE) {
            Ok(Message::Line(line)) if is_quit(&line) => return true,
            Ok(Message::Changed) => continue,
            Ok(_) | Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                return false;
            }
        }
    }
}

fn is_quit(line: &str) -> bool {
    matches!(line.trim(), "q" | "Q" | "quit" | "exit")
}

fn spawn_stdin_reader(sender: Sender<Message>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if sender.send(Message::Line(line)).is_err() {
                return;
            }
        }
        let _ = sender.send(Message::EndOfInput);
    });
}

/// Watches the root itself (for `Cargo.toml` and the like) and each of its folders except
/// the ignored ones: watching `target/` recursively would mean thousands of watches.
fn watch_files(root: &Path, sender: Sender<Message>) -> Result<notify::RecommendedWatcher, String> {
    let events_root = root.to_path_buf();
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
        if saved
            && event
                .paths
                .iter()
                .any(|path| !is_ignored(&events_root, path))
        {
            let _ = sender.send(Message::Changed);
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
