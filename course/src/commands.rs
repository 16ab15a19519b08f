//! The student's commands: the list, `check`, `hint`, `solution` and `reset`. (`watch`,
//! `open` and `verify` have their own modules.) Each returns the exit code, or an error
//! message for `main`.

use std::process::Command;

use crate::checks::{Checker, Status, trim_output};
use crate::manifest::{Course, Exercise};
use crate::progress::{FILE_NAME, Progress};
use crate::report::{ranked_failures, starter_warnings};
use crate::style::Style;
use crate::{Ctx, EXIT_FAILED, say};

const NO_EXERCISES: &str = "No exercises yet: no lesson has an exercises/exercises.toml.";

/// `cargo course`: every lesson with its exercises and their state, how far the student
/// is, and where they left off.
pub fn list(ctx: &mut Ctx) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let progress = Progress::load(&ctx.root, ctx.err);
    let style = ctx.style;
    if course.exercises().next().is_none() {
        say!(ctx.out, "{NO_EXERCISES}");
        return Ok(0);
    }
    let current = course.current(&progress);
    let width = course.exercises().map(|e| e.name.len()).max().unwrap_or(0);
    for lesson in &course.lessons {
        say!(ctx.out, "{}", style.bold(&lesson.name));
        for exercise in &lesson.exercises {
            let (mark, state) = if progress.is_done(&exercise.name) {
                (style.green("✓"), style.green("done "))
            } else if current.is_some_and(|current| current.name == exercise.name) {
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
    say!(ctx.out, "{}", progress_bar(&course, &progress, style));
    match current {
        Some(exercise) if progress.current() == Some(exercise.name.as_str()) => {
            say_where(ctx, "You left off at", exercise);
        }
        Some(exercise) => say_next(ctx, exercise),
        None => all_done(ctx, &course),
    }
    Ok(0)
}

/// `Progress: ████████░░░░░░░░░░░░░░░░ 7 of 24 done`.
pub fn progress_bar(course: &Course, progress: &Progress, style: Style) -> String {
    const WIDTH: usize = 24;
    let total = course.exercises().count();
    let done = course
        .exercises()
        .filter(|exercise| progress.is_done(&exercise.name))
        .count();
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    format!(
        "Progress: {}{} {done} of {total} done",
        style.green(&"█".repeat(filled)),
        style.dim(&"░".repeat(WIDTH - filled))
    )
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
    say_where(ctx, "Next:", exercise);
}

/// `Next: exercise 03-2-disabled "…". Edit lesson-03-login/exercises/2_disabled.rs:54, then…`
fn say_where(ctx: &mut Ctx, what: &str, exercise: &Exercise) {
    let style = ctx.style;
    say!(
        ctx.out,
        "{what} exercise {} \"{}\". Edit {}, then run {} (or leave {} running).",
        style.bold(&exercise.name),
        exercise.title,
        style.cyan(&exercise.starter_at(&ctx.root)),
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

/// Records `name` as the exercise the student is on (a warning if it cannot be saved).
pub fn record_current(ctx: &mut Ctx, progress: &mut Progress, name: &str) {
    if progress.current() == Some(name) {
        return;
    }
    progress.set_current(name);
    save(ctx, progress);
}

fn save(ctx: &mut Ctx, progress: &Progress) {
    if let Err(e) = progress.save(&ctx.root) {
        say!(
            ctx.err,
            "warning: cannot save your progress in {FILE_NAME}: {e}"
        );
    }
}

/// The named exercise, recorded as the one the student is on; or, without a name, the
/// current one (see [`Course::current`]). `Ok(None)`: all are done.
fn pick<'c>(
    ctx: &mut Ctx,
    course: &'c Course,
    progress: &mut Progress,
    name: Option<&str>,
) -> Result<Option<&'c Exercise>, String> {
    match name {
        Some(name) => {
            let exercise = course.named(name)?;
            record_current(ctx, progress, name);
            Ok(Some(exercise))
        }
        None => Ok(course.current(progress)),
    }
}

/// `cargo course check [NAME]`.
pub fn check(ctx: &mut Ctx, checker: &dyn Checker, name: Option<&str>) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let mut progress = Progress::load(&ctx.root, ctx.err);
    let Some(exercise) = pick(ctx, &course, &mut progress, name)? else {
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
        save(ctx, &progress);
        let done = course
            .exercises()
            .filter(|exercise| progress.is_done(&exercise.name))
            .count();
        say!(
            ctx.out,
            "{} Exercise {} passes. Well done! ({done} of {} done)",
            style.green("✓"),
            style.bold(&exercise.name),
            course.exercises().count()
        );
        say!(
            ctx.out,
            "The reference solution is {}: {} shows how yours differs.",
            style.cyan(&exercise.solution_rel()),
            style.cmd(&format!("cargo course solution {}", exercise.name))
        );
        let warnings = starter_warnings(&outcome.output, &exercise.starter_rel());
        if !warnings.is_empty() {
            say!(
                ctx.out,
                "\nThe compiler still has something to say about your file:\n\n{}\n",
                warnings.join("\n\n")
            );
        }
        match course.next_after(&progress, &exercise.name) {
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
        style.cyan(&exercise.starter_at(&ctx.root))
    );
    // Every other failed check once, with its own hint; the details below repeat none.
    let others: Vec<String> = ranked_failures(&outcome.output, exercise)
        .into_iter()
        .filter(|test| test.hint.is_none() || test.hint != headline)
        .map(|test| match test.hint {
            Some(hint) => format!(
                "  - {}: {}",
                test.name,
                one_line(hint.trim_start_matches("hint: "), ALSO_FAILING_WIDTH)
            ),
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

/// A hint longer than this is cut, in the "also failing" list only (the headline keeps
/// all of its hint).
const ALSO_FAILING_WIDTH: usize = 200;

/// The first line of `text`, cut to `width` characters with an ellipsis.
pub fn one_line(text: &str, width: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    let more_lines = text.lines().nth(1).is_some();
    if line.chars().count() <= width && !more_lines {
        return line.to_string();
    }
    let kept: String = line.chars().take(width.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// `cargo course hint [NAME]`: one more hint per call; the last one, added here, says
/// where the reference solution is.
pub fn hint(ctx: &mut Ctx, name: Option<&str>) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let mut progress = Progress::load(&ctx.root, ctx.err);
    let Some(exercise) = pick(ctx, &course, &mut progress, name)? else {
        all_done(ctx, &course);
        if course.exercises().next().is_some() {
            say!(
                ctx.out,
                "To see an exercise's hints again: `cargo course hint NAME`."
            );
        }
        return Ok(0);
    };
    let again = ctx.style.cmd("cargo course hint");
    show_hint(ctx, exercise, &again);
    Ok(0)
}

/// Shows one more of the exercise's hints than before (all of them once they are all
/// out). `again` is how to ask for the next one.
pub fn show_hint(ctx: &mut Ctx, exercise: &Exercise, again: &str) {
    let mut progress = Progress::load(&ctx.root, ctx.err);
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
        save(ctx, &progress);
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
            "Still stuck? Ask again for the next hint ({left} left): {again}"
        );
    }
}

/// `cargo course solution NAME`: once the exercise passes, the student's answer against
/// the reference, as a unified diff.
pub fn solution(ctx: &mut Ctx, name: &str) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let exercise = course.named(name)?;
    Ok(show_solution(ctx, exercise))
}

/// The diff of the student's starter against the reference, or why not yet. Returns the
/// exit code.
pub fn show_solution(ctx: &mut Ctx, exercise: &Exercise) -> u8 {
    let style = ctx.style;
    let progress = Progress::load(&ctx.root, ctx.err);
    let (yours, reference) = (exercise.starter_rel(), exercise.solution_rel());
    if !progress.is_done(&exercise.name) {
        say!(
            ctx.out,
            "Exercise {} is not done yet: its reference is shown once your answer passes ({}). \
             Stuck? {} gives one hint at a time.",
            style.bold(&exercise.name),
            style.cmd(&format!("cargo course check {}", exercise.name)),
            style.cmd(&format!("cargo course hint {}", exercise.name))
        );
        return EXIT_FAILED;
    }
    let read = |rel: &str| std::fs::read_to_string(crate::manifest::join_rel(&ctx.root, rel));
    let (Ok(mine), Ok(theirs)) = (read(&yours), read(&reference)) else {
        say!(
            ctx.err,
            "Cannot read {yours} or {reference} to compare them."
        );
        return EXIT_FAILED;
    };
    let diff = crate::diff::unified(
        &mine,
        &theirs,
        &format!("yours: {yours}"),
        &format!("reference: {reference}"),
        style,
    );
    match diff {
        None => say!(
            ctx.out,
            "{} Your {yours} is the same as the reference, {reference}.",
            style.green("✓")
        ),
        Some(diff) => {
            say!(
                ctx.out,
                "Exercise {}: yours ({}) against the reference ({}); \
                 lines only in yours start with -, lines only in the reference with +.\n",
                style.bold(&exercise.name),
                style.cyan(&yours),
                style.cyan(&reference)
            );
            let _ = ctx.out.write_all(diff.as_bytes());
        }
    }
    0
}

/// `cargo course reset NAME`: the starter as in git's last commit, and only that file.
pub fn reset(ctx: &mut Ctx, name: &str) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let exercise = course.named(name)?;
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
    progress.set_current(name);
    save(ctx, &progress);
    say!(
        ctx.out,
        "{} {} is back as it was committed. Exercise {name} is to do again, and its hints start over.",
        ctx.style.green("✓"),
        ctx.style.cyan(&rel)
    );
    Ok(0)
}
