//! `cargo course verify`: for course authors and CI. In a scratch copy of the workspace
//! (the student's files are never touched), each exercise, in order, must
//! 1. with its starter as it is: compile, fail its checks, and print a `hint: ` line;
//! 2. with the solution copied over the starter: pass.
//!
//! The solution stays in place for the lesson's later exercises, as a student's own work
//! would. The manifests are validated too.

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
    for lesson in &course.lessons {
        let Some(last) = lesson.exercises.iter().rposition(&selected) else {
            continue;
        };
        for exercise in &lesson.exercises[..=last] {
            if !selected(exercise) {
                // An earlier exercise: done, as a student would have it.
                if let Err(e) = put_solution(&scratch.path, exercise) {
                    say!(ctx.out, "FAIL {}: {e}", exercise.name);
                    failed += 1;
                }
                continue;
            }
            say!(
                ctx.err,
                "verify: checking {} (starter, then solution)...",
                exercise.name
            );
            let (problems, tails) = verify_one(checker, &scratch.path, exercise);
            if problems.is_empty() {
                passed += 1;
            } else {
                failed += 1;
            }
            report(ctx, exercise, &problems, &tails);
        }
    }
    drop(scratch);
    say!(ctx.out, "verify: {passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { EXIT_FAILED })
}

/// Both steps for one exercise: what went wrong (empty: all good) and the outputs' tails.
fn verify_one(
    checker: &dyn Checker,
    workspace: &Path,
    exercise: &Exercise,
) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut tails = Vec::new();
    let starter = checker.run(workspace, exercise);
    let hint = starter
        .hint()
        .map(|hint| hint.trim_start_matches("hint: ").to_string());
    match (starter.status, &hint) {
        (Status::Failed, Some(_)) => {}
        (Status::Passed, _) => problems.push("the starter already passes its checks".to_string()),
        (Status::DidNotCompile, _) => problems.push("the starter does not compile".to_string()),
        (Status::CouldNotRun, _) => problems.push("the starter's checks could not run".to_string()),
        (Status::Failed, None) => {
            problems.push("the starter fails without a line starting `hint: `".to_string())
        }
    }
    if !problems.is_empty() {
        tails.push(tail(&starter));
    }
    match put_solution(workspace, exercise) {
        Err(e) => problems.push(e),
        Ok(()) => {
            let solution = checker.run(workspace, exercise);
            if solution.status != Status::Passed {
                problems.push(match solution.status {
                    Status::DidNotCompile => "the solution does not compile".to_string(),
                    _ => "the solution fails its checks".to_string(),
                });
                tails.push(tail(&solution));
            }
        }
    }
    if problems.is_empty() {
        let hint = hint.unwrap_or_default();
        let short: String = hint.chars().take(100).collect();
        let more = if short.len() < hint.len() { "..." } else { "" };
        tails.push(format!(
            "starter fails (hint: {short}{more}); solution passes"
        ));
    }
    (problems, tails)
}

fn report(ctx: &mut Ctx, exercise: &Exercise, problems: &[String], tails: &[String]) {
    if problems.is_empty() {
        say!(
            ctx.out,
            "{} {}: {}",
            ctx.style.green("ok"),
            exercise.name,
            tails.join("")
        );
        return;
    }
    say!(
        ctx.out,
        "{} {}: {}",
        ctx.style.red("FAIL"),
        exercise.name,
        problems.join("; ")
    );
    for tail in tails {
        for line in tail.lines() {
            say!(ctx.out, "    {line}");
        }
    }
}

/// The last lines of a check's output, enough to see what went wrong.
fn tail(outcome: &Outcome) -> String {
    let trimmed = trim_output(&outcome.output);
    let lines: Vec<&str> = trimmed.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn put_solution(workspace: &Path, exercise: &Exercise) -> Result<(), String> {
    std::fs::copy(
        exercise.solution_path(workspace),
        exercise.starter_path(workspace),
    )
    .map(|_| ())
    .map_err(|e| {
        format!(
            "cannot copy the solution {} over the starter: {e}",
            exercise.solution_rel()
        )
    })
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
