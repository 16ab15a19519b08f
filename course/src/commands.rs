//! The student's commands: the list, `check`, `hint` and `reset`. (`watch` and `verify`
//! have their own modules.) Each returns the exit code, or an error message for `main`.

use std::process::Command;

use crate::checks::{Checker, Status, trim_output};
use crate::manifest::{Course, Exercise};
use crate::progress::{FILE_NAME, Progress};
use crate::report::{ranked_failures, starter_warnings};
use crate::{Ctx, EXIT_FAILED, say};

const NO_EXERCISES: &str = "No exercises yet: no lesson has an exercises/exercises.toml.";

/// `cargo course`: every lesson with its exercises and their state, then what to do next.
pub fn list(ctx: &mut Ctx) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let progress = Progress::load(&ctx.root, ctx.err);
    let style = ctx.style;
    if course.exercises().next().is_none() {
        say!(ctx.out, "{NO_EXERCISES}");
        return Ok(0);
    }
    let next = course
        .next_todo(&progress)
        .map(|exercise| exercise.name.clone());
    let width = course.exercises().map(|e| e.name.len()).max().unwrap_or(0);
    for lesson in &course.lessons {
        say!(ctx.out, "{}", style.bold(&lesson.name));
        for exercise in &lesson.exercises {
            let (mark, state) = if progress.is_done(&exercise.name) {
                (style.green("✓"), style.green("done "))
            } else if next.as_deref() == Some(exercise.name.as_str()) {
                (style.yellow("→"), style.yellow("next "))
            } else {
                (" ".to_string(), "to do".to_string())
            };
            let name = format!("{:<width$}", exercise.name);
            let kind = style.dim(&format!("({})", exercise.kind));
            say!(
                ctx.out,
                "  {mark} {state}  {name}  {} {kind}",
                exercise.title
            );
        }
        say!(ctx.out);
    }
    match course.next_todo(&progress) {
        Some(exercise) => say_next(ctx, exercise),
        None => all_done(ctx, &course),
    }
    Ok(0)
}

/// `cargo course list --plain`: `NAME<TAB>STATE<TAB>STARTER<TAB>SOLUTION`, for scripts.
pub fn list_plain(ctx: &mut Ctx) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let progress = Progress::load(&ctx.root, ctx.err);
    for exercise in course.exercises() {
        let state = if progress.is_done(&exercise.name) {
            "done"
        } else {
            "todo"
        };
        say!(
            ctx.out,
            "{}\t{state}\t{}\t{}",
            exercise.name,
            exercise.starter_rel(),
            exercise.solution_rel()
        );
    }
    Ok(0)
}

fn say_next(ctx: &mut Ctx, exercise: &Exercise) {
    let style = ctx.style;
    say!(
        ctx.out,
        "Next: exercise {} \"{}\". Edit {}, then run {} (or leave {} running).",
        style.bold(&exercise.name),
        exercise.title,
        style.cyan(&exercise.starter_rel()),
        style.cmd("cargo course check"),
        style.cmd("cargo course watch")
    );
}

/// Said when there is no next exercise: all are done, or there are none yet.
pub fn all_done(ctx: &mut Ctx, course: &Course) {
    let count = course.exercises().count();
    if count == 0 {
        say!(ctx.out, "{NO_EXERCISES}");
    } else {
        let done = ctx.style.green("✓");
        say!(
            ctx.out,
            "{done} All exercises are done ({count} of {count}). Well done!"
        );
    }
}

/// Picks the named exercise, or the next one to do. `Ok(None)`: all are done.
fn pick<'c>(
    course: &'c Course,
    progress: &Progress,
    name: Option<&str>,
) -> Result<Option<&'c Exercise>, String> {
    match name {
        Some(name) => course.find(name).map(Some).ok_or_else(|| {
            format!("There is no exercise named `{name}`. `cargo course` lists them.")
        }),
        None => Ok(course.next_todo(progress)),
    }
}

/// `cargo course check [NAME]`.
pub fn check(ctx: &mut Ctx, checker: &dyn Checker, name: Option<&str>) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let progress = Progress::load(&ctx.root, ctx.err);
    let Some(exercise) = pick(&course, &progress, name)? else {
        all_done(ctx, &course);
        return Ok(0);
    };
    let status = check_and_report(ctx, &course, checker, exercise);
    Ok(if status == Status::Passed {
        0
    } else {
        EXIT_FAILED
    })
}

/// Runs one exercise's checks and tells the student how it went; a pass is recorded.
/// Shared by `check` and `watch`.
pub fn check_and_report(
    ctx: &mut Ctx,
    course: &Course,
    checker: &dyn Checker,
    exercise: &Exercise,
) -> Status {
    let style = ctx.style;
    say!(
        ctx.out,
        "Checking exercise {} \"{}\"...",
        style.bold(&exercise.name),
        exercise.title
    );
    if let Some(command) = checker.describe(exercise) {
        say!(ctx.out, "{}", style.dim(&command));
    }
    let _ = ctx.out.flush();
    let outcome = checker.run(&ctx.root, exercise);
    if outcome.status == Status::Passed {
        // Read again: `cargo course hint` may have written it while the checks ran.
        let mut progress = Progress::load(&ctx.root, ctx.err);
        progress.mark_done(&exercise.name);
        if let Err(e) = progress.save(&ctx.root) {
            say!(
                ctx.err,
                "warning: cannot save your progress in {FILE_NAME}: {e}"
            );
        }
        say!(
            ctx.out,
            "{} Exercise {} passes. Well done!",
            style.green("✓"),
            style.bold(&exercise.name)
        );
        let warnings = starter_warnings(&outcome.output, &exercise.starter_rel());
        if !warnings.is_empty() {
            say!(
                ctx.out,
                "\nThe compiler still has something to say about your file:\n\n{}\n",
                warnings.join("\n\n")
            );
        }
        match course.next_todo(&progress) {
            Some(next) => say_next(ctx, next),
            None => all_done(ctx, course),
        }
        return Status::Passed;
    }
    let status_line = match outcome.status {
        Status::DidNotCompile => "does not compile yet: the compiler's first error is below.",
        Status::CouldNotRun => "could not be checked:",
        _ => "is not done yet.",
    };
    say!(
        ctx.out,
        "{} Exercise {} {status_line}",
        style.red("✗"),
        style.bold(&exercise.name)
    );
    let headline = outcome.headline(&ctx.root, exercise);
    if let Some(headline) = &headline {
        say!(ctx.out, "{}", style.yellow(headline));
    }
    say!(
        ctx.out,
        "where to look: {}",
        style.cyan(&exercise.starter_rel())
    );
    // Every other failed check once, with its own hint; the details below repeat none.
    let others: Vec<String> = ranked_failures(&outcome.output, exercise)
        .into_iter()
        .filter(|test| test.hint.is_none() || test.hint != headline)
        .map(|test| match test.hint {
            Some(hint) => format!("  - {}: {}", test.name, hint.trim_start_matches("hint: ")),
            None => format!("  - {}", test.name),
        })
        .collect();
    if !others.is_empty() && outcome.status == Status::Failed {
        say!(ctx.out, "\nalso failing:\n{}", others.join("\n"));
    }
    let details = trim_output(&outcome.output);
    if !details.trim().is_empty() {
        say!(ctx.out, "\n{}\n{details}\n", style.dim("details:"));
    }
    say!(
        ctx.out,
        "Fix it, save, and check again. Stuck? {} gives a hint.",
        style.cmd("cargo course hint")
    );
    outcome.status
}

/// `cargo course hint [NAME]`: one more hint per call; the last one, added here, says
/// where the reference solution is.
pub fn hint(ctx: &mut Ctx, name: Option<&str>) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let mut progress = Progress::load(&ctx.root, ctx.err);
    let Some(exercise) = pick(&course, &progress, name)? else {
        all_done(ctx, &course);
        if course.exercises().next().is_some() {
            say!(
                ctx.out,
                "To see an exercise's hints again: `cargo course hint NAME`."
            );
        }
        return Ok(0);
    };
    let style = ctx.style;
    let mut hints = exercise.hints.clone();
    hints.push(format!(
        "The reference solution is in {}. Compare it with yours.",
        exercise.solution_rel()
    ));
    let before = progress.hints_shown(&exercise.name).min(hints.len());
    let shown = (before + 1).min(hints.len());
    if shown != before {
        progress.set_hints_shown(&exercise.name, shown);
        if let Err(e) = progress.save(&ctx.root) {
            say!(
                ctx.err,
                "warning: cannot save your progress in {FILE_NAME}: {e}"
            );
        }
    }
    say!(
        ctx.out,
        "Hints for exercise {} \"{}\":",
        style.bold(&exercise.name),
        exercise.title
    );
    for (number, text) in hints.iter().take(shown).enumerate() {
        say!(
            ctx.out,
            "  {} {text}",
            style.yellow(&format!("{}.", number + 1))
        );
    }
    if before == hints.len() {
        say!(ctx.out, "No more hints: all {} are above.", hints.len());
    } else if shown == hints.len() {
        say!(ctx.out, "That was the last one: there are no more hints.");
    } else {
        let left = hints.len() - shown;
        say!(
            ctx.out,
            "Still stuck? Ask again for the next hint ({left} left): {}",
            style.cmd("cargo course hint")
        );
    }
    Ok(0)
}

/// `cargo course reset NAME`: the starter as in git's last commit, and only that file.
pub fn reset(ctx: &mut Ctx, name: &str) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let exercise = course.find(name).ok_or_else(|| {
        format!("There is no exercise named `{name}`. `cargo course` lists them.")
    })?;
    let rel = exercise.starter_rel();
    // `HEAD:./path` is relative to the current folder, so the root may be anywhere in the
    // repository. The file is only written once git has handed over its committed text.
    let shown = Command::new("git")
        .args(["show", &format!("HEAD:./{rel}")])
        .current_dir(&ctx.root)
        .output();
    let committed = match shown {
        Ok(output) if output.status.success() => output.stdout,
        Ok(_) => {
            say!(
                ctx.err,
                "Cannot reset {name}: git has no committed {rel} to put back (nothing was changed)."
            );
            return Ok(EXIT_FAILED);
        }
        Err(e) => {
            say!(
                ctx.err,
                "Cannot reset {name}: git is needed for it and could not be run ({e}); nothing was changed."
            );
            return Ok(EXIT_FAILED);
        }
    };
    let path = exercise.starter_path(&ctx.root);
    std::fs::write(&path, committed).map_err(|e| format!("cannot write {rel}: {e}"))?;
    let mut progress = Progress::load(&ctx.root, ctx.err);
    progress.forget(name);
    if let Err(e) = progress.save(&ctx.root) {
        say!(
            ctx.err,
            "warning: cannot save your progress in {FILE_NAME}: {e}"
        );
    }
    say!(
        ctx.out,
        "{} {} is back as it was committed. Exercise {name} is to do again, and its hints start over.",
        ctx.style.green("✓"),
        ctx.style.cyan(&rel)
    );
    Ok(0)
}
