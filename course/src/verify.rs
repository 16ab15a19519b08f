//! `cargo course verify`: for course authors and CI. In a scratch copy of the workspace
//! (the student's files are never touched), each exercise, on its own, must
//! 1. with its starter as it is: compile, fail its checks, and give a headline hint;
//! 2. with each of its known wrong answers (the solution, one edit away) in the starter's
//!    place: compile, fail, and give a headline that contains the words that name that
//!    mistake. A wrong answer whose edit no longer applies, or that does not compile, is a
//!    failure of verify: it never counts as refused;
//! 3. with the solution in the starter's place: pass.
//!
//! The starter is put back after each exercise. Since each exercise's feature compiles its
//! own starter and no other, the order does not matter. The manifests are validated too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::checks::{Checker, Outcome, Status, trim_output};
use crate::manifest::{Course, Exercise};
use crate::progress::FILE_NAME;
use crate::{Ctx, EXIT_FAILED, say};

/// Verifies the exercises named in `only` (all when empty), in a scratch copy made under
/// `scratch_parent`.
pub fn verify(
    ctx: &mut Ctx,
    checker: &dyn Checker,
    only: &[String],
    scratch_parent: &Path,
) -> Result<u8, String> {
    let mut passed = 0;
    let mut failed = 0;
    let course = match Course::load(&ctx.root) {
        Ok(course) => course,
        Err(e) => {
            say!(ctx.out, "FAIL {e}");
            say!(ctx.out, "verify: 0 passed, 1 failed");
            return Ok(EXIT_FAILED);
        }
    };
    for name in only {
        if course.find(name).is_none() {
            say!(ctx.out, "FAIL {name}: there is no exercise of that name");
            failed += 1;
        }
    }
    let selected = |exercise: &Exercise| only.is_empty() || only.contains(&exercise.name);
    // The manifests of the lessons being verified (duplicate names are course-wide).
    let lessons: BTreeSet<&str> = course
        .exercises()
        .filter(|exercise| selected(exercise))
        .map(|exercise| exercise.lesson.as_str())
        .collect();
    for problem in course.validate() {
        if only.is_empty()
            || lessons
                .iter()
                .any(|lesson| problem.starts_with(&format!("{lesson}/")))
        {
            say!(ctx.out, "FAIL {problem}");
            failed += 1;
        }
    }

    let scratch = Scratch::copy_of(&ctx.root, scratch_parent)
        .map_err(|e| format!("cannot make a scratch copy of the workspace: {e}"))?;
    for exercise in course.exercises().filter(|exercise| selected(exercise)) {
        say!(
            ctx.err,
            "verify: checking {} (starter, {} wrong answers, solution)...",
            exercise.name,
            exercise.wrong.len()
        );
        let lines = verify_one(checker, &scratch.path, exercise);
        if lines.iter().all(|line| line.ok) {
            passed += 1;
        } else {
            failed += 1;
        }
        report(ctx, exercise, &lines);
    }
    drop(scratch);
    say!(ctx.out, "verify: {passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { EXIT_FAILED })
}

/// One thing verify tried, and how it went.
struct Line {
    ok: bool,
    text: String,
    /// The end of the check's output, when it went wrong.
    tail: Option<String>,
}

/// The three steps for one exercise, one [`Line`] each (one per wrong answer).
fn verify_one(checker: &dyn Checker, workspace: &Path, exercise: &Exercise) -> Vec<Line> {
    let starter_path = exercise.starter_path(workspace);
    let starter = match std::fs::read_to_string(&starter_path) {
        Ok(text) => text,
        Err(e) => return vec![failure(format!("cannot read the starter: {e}"), None)],
    };
    let solution = match std::fs::read_to_string(exercise.solution_path(workspace)) {
        Ok(text) => text,
        Err(e) => return vec![failure(format!("cannot read the solution: {e}"), None)],
    };
    let mut lines = Vec::new();

    let outcome = checker.run(workspace, exercise);
    let headline = outcome.headline(workspace, exercise);
    lines.push(match (outcome.status, &headline) {
        (Status::Failed, Some(headline)) => success(format!("starter fails: {headline}")),
        (Status::Failed, None) => failure(
            "the starter fails without a headline hint".into(),
            Some(&outcome),
        ),
        (Status::Passed, _) => failure(
            "the starter already passes its checks".into(),
            Some(&outcome),
        ),
        (Status::DidNotCompile, _) => {
            failure("the starter does not compile".into(), Some(&outcome))
        }
        (Status::CouldNotRun, _) => {
            failure("the starter's checks could not run".into(), Some(&outcome))
        }
    });

    for wrong in &exercise.wrong {
        let what = format!("wrong answer \"{}\"", wrong.mistake);
        let text = match wrong.apply(&solution) {
            Ok(text) => text,
            Err(why) => {
                lines.push(failure(format!("{what}: {why}"), None));
                continue;
            }
        };
        if let Err(e) = std::fs::write(&starter_path, text) {
            lines.push(failure(format!("{what}: cannot write it: {e}"), None));
            continue;
        }
        let outcome = checker.run(workspace, exercise);
        let headline = outcome.headline(workspace, exercise).unwrap_or_default();
        let named = headline
            .to_lowercase()
            .contains(&wrong.headline.to_lowercase());
        lines.push(match outcome.status {
            Status::Failed if named => success(format!("refused {what}: {headline}")),
            Status::Failed => failure(
                format!(
                    "{what} fails, but its headline does not contain \"{}\": {}",
                    wrong.headline,
                    if headline.is_empty() {
                        "(no headline)"
                    } else {
                        &headline
                    }
                ),
                Some(&outcome),
            ),
            Status::Passed => failure(format!("{what} PASSES the checks"), Some(&outcome)),
            Status::DidNotCompile => failure(
                format!("{what} does not compile, so it proves nothing: {headline}"),
                Some(&outcome),
            ),
            Status::CouldNotRun => {
                failure(format!("{what}: the checks could not run"), Some(&outcome))
            }
        });
    }

    let outcome = match std::fs::write(&starter_path, &solution) {
        Ok(()) => checker.run(workspace, exercise),
        Err(e) => {
            lines.push(failure(
                format!("cannot put the solution in place: {e}"),
                None,
            ));
            return lines;
        }
    };
    lines.push(match outcome.status {
        Status::Passed => success("solution passes".into()),
        Status::DidNotCompile => failure("the solution does not compile".into(), Some(&outcome)),
        _ => failure("the solution fails its checks".into(), Some(&outcome)),
    });
    if let Err(e) = std::fs::write(&starter_path, starter) {
        lines.push(failure(format!("cannot put the starter back: {e}"), None));
    }
    lines
}

fn success(text: String) -> Line {
    Line {
        ok: true,
        text,
        tail: None,
    }
}

fn failure(text: String, outcome: Option<&Outcome>) -> Line {
    Line {
        ok: false,
        text,
        tail: outcome.map(tail),
    }
}

fn report(ctx: &mut Ctx, exercise: &Exercise, lines: &[Line]) {
    let ok = lines.iter().all(|line| line.ok);
    let mark = if ok {
        ctx.style.green("ok")
    } else {
        ctx.style.red("FAIL")
    };
    say!(ctx.out, "{mark} {}", exercise.name);
    for line in lines {
        let bullet = if line.ok { "   " } else { " ! " };
        say!(ctx.out, "{bullet}{}", line.text);
        for tail in line.tail.iter().flat_map(|tail| tail.lines()) {
            say!(ctx.out, "        {tail}");
        }
    }
}

/// The last lines of a check's output, enough to see what went wrong.
fn tail(outcome: &Outcome) -> String {
    let trimmed = trim_output(&outcome.output);
    let lines: Vec<&str> = trimmed.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A copy of the workspace in a fresh temporary folder, removed when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn copy_of(root: &Path, parent: &Path) -> std::io::Result<Scratch> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = parent.join(format!("course-verify-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(parent)?;
        std::fs::create_dir(&path)?;
        let scratch = Scratch { path };
        copy_dir(root, &scratch.path, true)?;
        Ok(scratch)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Copies a folder, leaving out what is not source: build output (`target/`), git's data,
/// the lessons' databases (`data/`) and the student's progress.
fn copy_dir(from: &Path, to: &Path, top: bool) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        let skipped = name_str == "target"
            || name_str == ".git"
            || (top && (name_str == "data" || name_str.starts_with(FILE_NAME)));
        if skipped {
            continue;
        }
        let source = entry.path();
        let target = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            std::fs::create_dir(&target)?;
            copy_dir(&source, &target, false)?;
        } else if kind.is_file() || source.is_file() {
            // (A symbolic link to a file is copied as the file; links to folders are left
            // out, which also keeps a link loop from copying forever.)
            std::fs::copy(&source, &target)?;
        }
    }
    Ok(())
}
