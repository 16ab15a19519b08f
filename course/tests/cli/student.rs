//! The student's commands through the library, with the fake checker: the list, `check`,
//! `hint`, `solution`, `open` and the progress file.

use crate::fixture::{FakeChecker, SOLUTION, STARTER, course, read, run, write};
use course::commands::{check, hint, list, list_plain, solution};
use course::open::open;

const PROGRESS: &str = ".course-progress";

#[test]
fn list_plain_is_one_exercise_a_line() {
    let dir = course();
    write(dir.path(), PROGRESS, "done 01-2-count\n");
    let (code, out, err) = run(dir.path(), list_plain);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "01-1-greet\ttodo\tlesson-01-alpha/exercises/1_greet.rs\tlesson-01-alpha/src/greet.rs\n\
         01-2-count\tdone\tlesson-01-alpha/exercises/2_count.rs\tlesson-01-alpha/solutions/2_count.rs\n\
         02-1-wave\ttodo\tlesson-02-beta/exercises/1_wave.rs\tlesson-02-beta/solutions/1_wave.rs\n"
    );
}

#[test]
fn the_list_shows_lessons_states_and_what_to_do_next() {
    let dir = course();
    write(dir.path(), PROGRESS, "done 01-1-greet\n");
    let (code, out, _) = run(dir.path(), list);
    assert_eq!(code, 0);
    assert!(out.contains("lesson-01-alpha\n"), "{out}");
    assert!(!out.contains("lesson-03-empty"), "{out}");
    assert!(
        out.contains("done   01-1-greet  Say hello (warm-up)"),
        "{out}"
    );
    assert!(
        out.contains("next   01-2-count  Count to three (apply)"),
        "{out}"
    );
    assert!(
        out.contains("to do  02-1-wave   Wave back (break-it)"),
        "{out}"
    );
    assert!(
        out.contains("\nProgress: ████████░░░░░░░░░░░░░░░░ 1 of 3 done\n"),
        "{out}"
    );
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("Next: exercise 01-2-count")
            && last.contains("lesson-01-alpha/exercises/2_count.rs:2,"),
        "the starter at its TODO: {last}"
    );
    assert!(last.contains("cargo course check"), "{last}");

    write(
        dir.path(),
        PROGRESS,
        "done 01-1-greet\ndone 01-2-count\ndone 02-1-wave\n",
    );
    let (_, out, _) = run(dir.path(), list);
    assert!(
        out.contains("████████████████████████ 3 of 3 done"),
        "{out}"
    );
    assert!(out.contains("All exercises are done (3 of 3)"), "{out}");
}

#[test]
fn the_list_shows_where_the_student_left_off() {
    let dir = course();
    // An old progress file, without `current`: the first exercise to do.
    write(dir.path(), PROGRESS, "done 01-1-greet\n");
    run(dir.path(), |ctx| {
        check(ctx, &FakeChecker, Some("02-1-wave"))
    });
    assert!(read(dir.path(), PROGRESS).contains("current 02-1-wave\n"));
    let (_, out, _) = run(dir.path(), list);
    assert!(out.contains("→ next   02-1-wave"), "{out}");
    assert!(out.contains("  to do  01-2-count"), "{out}");
    assert!(out.contains("1 of 3 done"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with(
            "You left off at exercise 02-1-wave \"Wave back\". \
                          Edit lesson-02-beta/exercises/1_wave.rs:2,"
        ),
        "{last}"
    );
}

#[test]
fn a_missing_progress_file_means_nothing_done() {
    let dir = course();
    let (_, out, err) = run(dir.path(), list_plain);
    assert_eq!(err, "");
    assert_eq!(
        out.lines().filter(|line| line.contains("\ttodo\t")).count(),
        3
    );
    assert!(
        !dir.path().join(PROGRESS).exists(),
        "listing writes nothing"
    );
}

#[test]
fn a_damaged_progress_file_is_replaced_with_a_warning() {
    let dir = course();
    write(
        dir.path(),
        PROGRESS,
        "done 01-1-greet\nthis is not progress\nhints 01-1-greet many\n",
    );
    let (code, out, err) = run(dir.path(), list_plain);
    assert_eq!(code, 0);
    assert!(
        err.starts_with("warning: .course-progress was damaged"),
        "{err}"
    );
    assert!(
        out.starts_with("01-1-greet\tdone\t"),
        "what could be read is kept: {out}"
    );
    let replaced = read(dir.path(), PROGRESS);
    assert!(
        replaced.starts_with("# ") && replaced.contains("done 01-1-greet\n"),
        "{replaced}"
    );
    assert!(!replaced.contains("not progress"));
    // Once replaced, it is fine again.
    assert_eq!(run(dir.path(), list_plain).2, "");

    // Binary garbage: a warning, everything to do, no crash.
    std::fs::write(dir.path().join(PROGRESS), [0u8, 159, 146, 150, 255, 10, 7]).unwrap();
    let (code, out, err) = run(dir.path(), list_plain);
    assert_eq!(code, 0);
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(out.matches("\ttodo\t").count(), 3);
    assert!(read(dir.path(), PROGRESS).starts_with("# "));
}

#[test]
fn old_names_are_ignored_and_new_exercises_are_to_do() {
    let dir = course();
    write(
        dir.path(),
        PROGRESS,
        "done 01-9-gone\nhints 01-9-gone 3\ndone 01-1-greet\n",
    );
    let (code, out, err) = run(dir.path(), list_plain);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(!out.contains("01-9-gone"));
    assert!(out.contains("01-1-greet\tdone"));
    assert!(out.contains("01-2-count\ttodo") && out.contains("02-1-wave\ttodo"));
}

#[test]
fn check_fails_with_the_hint_first_and_exits_non_zero() {
    let dir = course();
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Checking exercise 01-1-greet"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("✗ Exercise 01-1-greet is not done yet"),
        "{out}"
    );
    assert_eq!(lines[2], "hint: step 1, \"x\": expected 200, got 401");
    assert_eq!(
        lines[3],
        "where to look: lesson-01-alpha/exercises/1_greet.rs:2"
    );
    assert!(
        out.contains("details:\ntest story ... FAILED"),
        "cargo's noise is trimmed: {out}"
    );
    assert!(!out.contains("Compiling"));
    assert_eq!(
        out.matches("expected 200, got 401").count(),
        1,
        "each hint is printed once: {out}"
    );
    assert!(
        !dir.path().join(PROGRESS).exists(),
        "a failure records nothing"
    );
}

#[test]
fn check_says_plainly_when_it_does_not_compile() {
    let dir = course();
    write(
        dir.path(),
        "lesson-01-alpha/exercises/1_greet.rs",
        "// broken\n",
    );
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 1);
    assert!(
        out.lines().nth(1).unwrap().contains("does not compile yet"),
        "{out}"
    );
    assert!(out.contains("error[E0425]"), "{out}");
}

#[test]
fn check_records_a_pass_and_names_the_next_exercise() {
    let dir = course();
    write(dir.path(), "lesson-01-alpha/exercises/1_greet.rs", SOLUTION);
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 0);
    assert!(
        out.contains("✓ Exercise 01-1-greet passes. Well done! (1 of 3 done)"),
        "{out}"
    );
    assert!(
        out.contains(
            "The reference solution is lesson-01-alpha/src/greet.rs: \
             `cargo course solution 01-1-greet` shows how yours differs."
        ),
        "{out}"
    );
    assert!(out.contains("Next: exercise 01-2-count"), "{out}");
    assert!(read(dir.path(), PROGRESS).contains("done 01-1-greet\n"));

    // A named exercise, out of order.
    write(dir.path(), "lesson-02-beta/exercises/1_wave.rs", SOLUTION);
    let (code, _, _) = run(dir.path(), |ctx| {
        check(ctx, &FakeChecker, Some("02-1-wave"))
    });
    assert_eq!(code, 0);
    let (_, out, _) = run(dir.path(), list_plain);
    assert!(
        out.contains("02-1-wave\tdone") && out.contains("01-2-count\ttodo"),
        "{out}"
    );

    // The default is now the one left; once it passes, all are done.
    write(dir.path(), "lesson-01-alpha/exercises/2_count.rs", SOLUTION);
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 0);
    assert!(
        out.contains("Exercise 01-2-count passes")
            && out.contains("All exercises are done (3 of 3)"),
        "{out}"
    );
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 0);
    assert!(out.contains("All exercises are done (3 of 3)"), "{out}");

    let (code, _, err) = run(dir.path(), |ctx| check(ctx, &FakeChecker, Some("nope")));
    assert_eq!(code, 99);
    assert!(err.contains("no exercise named `nope`"), "{err}");
}

#[test]
fn hints_come_one_more_at_a_time_and_end_with_the_solution() {
    let dir = course();
    let ask = || run(dir.path(), |ctx| hint(ctx, None)).1;

    let first = ask();
    assert!(
        first.starts_with("Hints for exercise 01-1-greet \"Say hello\":"),
        "{first}"
    );
    assert!(first.contains("1. Say hello first."));
    assert!(!first.contains("2."));
    assert!(first.contains("2 left"), "{first}");
    assert!(read(dir.path(), PROGRESS).contains("hints 01-1-greet 1\n"));

    let second = ask();
    assert!(second.contains("1. Say hello first.") && second.contains("2. Use println!."));
    assert!(!second.contains("3."));

    let third = ask();
    assert!(
        third.contains("3. The reference solution is in lesson-01-alpha/src/greet.rs"),
        "{third}"
    );
    assert!(third.to_lowercase().contains("no more hints"), "{third}");

    let fourth = ask();
    assert!(fourth.contains("3. The reference solution"), "{fourth}");
    assert!(fourth.contains("No more hints"), "{fourth}");
    assert!(read(dir.path(), PROGRESS).contains("hints 01-1-greet 3\n"));

    // Another exercise keeps its own count.
    let other = run(dir.path(), |ctx| hint(ctx, Some("02-1-wave"))).1;
    assert!(
        other.contains("1. Wave.") && !other.contains("2."),
        "{other}"
    );
}

#[test]
fn check_and_hint_follow_the_exercise_last_worked_on() {
    let dir = course();
    let (code, _, _) = run(dir.path(), |ctx| hint(ctx, Some("02-1-wave")));
    assert_eq!(code, 0);
    assert!(read(dir.path(), PROGRESS).contains("current 02-1-wave\n"));

    // Without a name: the exercise named last, not the first one to do.
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 1);
    assert!(out.starts_with("Checking exercise 02-1-wave"), "{out}");
    let out = run(dir.path(), |ctx| hint(ctx, None)).1;
    assert!(out.starts_with("Hints for exercise 02-1-wave"), "{out}");

    // Once it passes, the next one to do after it, going round to the start.
    write(dir.path(), "lesson-02-beta/exercises/1_wave.rs", SOLUTION);
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 0);
    assert!(out.contains("Exercise 02-1-wave passes"), "{out}");
    assert!(out.contains("Next: exercise 01-1-greet"), "{out}");
    let (_, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert!(out.starts_with("Checking exercise 01-1-greet"), "{out}");

    // A name that no longer exists is no harm.
    write(dir.path(), PROGRESS, "current 09-9-gone\ndone 01-1-greet\n");
    let (_, out, err) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(err, "");
    assert!(out.starts_with("Checking exercise 01-2-count"), "{out}");
}

#[test]
fn also_failing_lists_the_other_checks_one_line_each() {
    let dir = course();
    let long = "a very long hint ".repeat(20);
    write(
        dir.path(),
        "lesson-01-alpha/exercises/1_greet.rs",
        &format!("// hint: the first check\n// also: a second check\n// also: {long}\n"),
    );
    let (code, out, _) = run(dir.path(), |ctx| check(ctx, &FakeChecker, None));
    assert_eq!(code, 1);
    assert_eq!(out.lines().nth(2), Some("hint: the first check"), "{out}");
    let also: Vec<&str> = out
        .split("also failing:\n")
        .nth(1)
        .expect("an `also failing:` list")
        .lines()
        .take_while(|line| line.starts_with("  - "))
        .collect();
    assert_eq!(also.len(), 2, "{out}");
    assert_eq!(also[0], "  - also_1: a second check");
    assert!(
        also[1].starts_with("  - also_2: a very long hint a very long hint")
            && also[1].ends_with('…'),
        "{}",
        also[1]
    );
    assert!(
        also[1].chars().count() <= 200 + "  - also_2: ".len(),
        "{}",
        also[1]
    );
}

#[test]
fn solution_shows_yours_against_the_reference_after_a_pass() {
    let dir = course();
    let (code, out, _) = run(dir.path(), |ctx| solution(ctx, "01-1-greet"));
    assert_eq!(code, 1);
    assert!(
        out.starts_with("Exercise 01-1-greet is not done yet"),
        "no answer before a pass: {out}"
    );
    assert!(!out.contains("// done"), "{out}");

    write(
        dir.path(),
        "lesson-01-alpha/exercises/1_greet.rs",
        "// done\n// and my own note\n",
    );
    assert_eq!(run(dir.path(), |ctx| check(ctx, &FakeChecker, None)).0, 0);
    let (code, out, _) = run(dir.path(), |ctx| solution(ctx, "01-1-greet"));
    assert_eq!(code, 0);
    assert!(
        out.ends_with(
            "--- yours: lesson-01-alpha/exercises/1_greet.rs\n\
             +++ reference: lesson-01-alpha/src/greet.rs\n\
             @@ -1,2 +1,1 @@\n // done\n-// and my own note\n"
        ),
        "{out}"
    );

    write(dir.path(), "lesson-01-alpha/exercises/1_greet.rs", SOLUTION);
    let (_, out, _) = run(dir.path(), |ctx| solution(ctx, "01-1-greet"));
    assert!(out.contains("is the same as the reference"), "{out}");
}

#[test]
fn open_without_an_editor_says_how_and_records_the_exercise() {
    let dir = course();
    let (code, out, _) = run(dir.path(), |ctx| open(ctx, Some("01-2-count"), None));
    assert_eq!(code, 0);
    assert!(
        out.contains("lesson-01-alpha/exercises/2_count.rs:2")
            && out.contains("`code -g lesson-01-alpha/exercises/2_count.rs:2`"),
        "{out}"
    );
    assert!(out.contains("No editor is set"), "{out}");
    assert!(read(dir.path(), PROGRESS).contains("current 01-2-count\n"));
    assert_eq!(
        read(dir.path(), "lesson-01-alpha/exercises/2_count.rs"),
        STARTER
    );
}

/// A fake editor: a script that writes the arguments it was given, one a line.
#[cfg(unix)]
pub fn fake_editor(folder: &std::path::Path, name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = folder.join(name);
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/arguments\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[cfg(unix)]
#[test]
fn open_starts_the_editor_at_the_todo() {
    let dir = course();
    let editors = tempfile::tempdir().unwrap();
    let starter = dir.path().join("lesson-01-alpha/exercises/2_count.rs");
    for (name, expected) in [
        ("vim", format!("+2\n{}\n", starter.display())),
        ("code", format!("-g\n{}:2\n", starter.display())),
        ("my-editor", format!("{}\n", starter.display())),
    ] {
        let editor = fake_editor(editors.path(), name);
        let editor = editor.to_str().unwrap();
        let (code, out, err) = run(dir.path(), |ctx| {
            open(ctx, Some("01-2-count"), Some(editor))
        });
        assert_eq!((code, err.as_str()), (0, ""), "{name}: {out}");
        assert_eq!(read(editors.path(), "arguments"), expected, "{name}");
    }
    // Without a name: the exercise last worked on.
    let editor = fake_editor(editors.path(), "nano");
    run(dir.path(), |ctx| {
        open(ctx, None, Some(editor.to_str().unwrap()))
    });
    assert!(read(editors.path(), "arguments").ends_with("2_count.rs\n"));
}
