//! `cargo course verify` with the fake checker: it catches each kind of broken exercise,
//! passes a good set, and never touches the original tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::fixture::{FakeChecker, SOLUTION, course, run, write};
use course::verify::verify;

/// Every file under `root` with its content: to prove verify changed nothing.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn verify_all(root: &Path, names: &[&str]) -> (u8, String, tempfile::TempDir) {
    let scratch = tempfile::tempdir().unwrap();
    let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    let (code, out, _) = run(root, |ctx| {
        verify(ctx, &FakeChecker, &names, scratch.path())
    });
    (code, out, scratch)
}

#[test]
fn a_good_set_passes_and_nothing_is_touched() {
    let dir = course();
    write(dir.path(), ".course-progress", "done 01-1-greet\n");
    let before = snapshot(dir.path());
    let (code, out, scratch) = verify_all(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "ok 01-1-greet: starter fails (hint: step 1, \"x\": expected 200, got 401); solution passes\n\
         ok 01-2-count: starter fails (hint: step 1, \"x\": expected 200, got 401); solution passes\n\
         ok 02-1-wave: starter fails (hint: step 1, \"x\": expected 200, got 401); solution passes\n\
         verify: 3 passed, 0 failed\n"
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "the student's files are untouched"
    );
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "the scratch copy is removed"
    );
}

#[test]
fn a_starter_that_already_passes_fails_verify() {
    let dir = course();
    write(dir.path(), "lesson-01-alpha/exercises/2_count.rs", SOLUTION);
    let (code, out, _) = verify_all(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL 01-2-count: the starter already passes its checks"),
        "{out}"
    );
    assert!(
        out.contains("ok 01-1-greet") && out.contains("ok 02-1-wave"),
        "{out}"
    );
    assert!(out.ends_with("verify: 2 passed, 1 failed\n"), "{out}");
}

#[test]
fn a_starter_that_does_not_compile_or_has_no_hint_fails_verify() {
    let dir = course();
    write(
        dir.path(),
        "lesson-01-alpha/exercises/1_greet.rs",
        "// broken\n",
    );
    write(
        dir.path(),
        "lesson-02-beta/exercises/1_wave.rs",
        "// no hint\n",
    );
    let (code, out, _) = verify_all(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL 01-1-greet: the starter does not compile\n    error[E0425]"),
        "{out}"
    );
    assert!(
        out.contains("FAIL 02-1-wave: the starter fails without a line starting `hint: `"),
        "{out}"
    );
    assert!(
        out.contains("    assertion failed"),
        "the output's tail is shown: {out}"
    );
    assert!(out.ends_with("verify: 1 passed, 2 failed\n"), "{out}");
}

#[test]
fn a_reference_that_fails_fails_verify() {
    let dir = course();
    write(
        dir.path(),
        "lesson-02-beta/solutions/1_wave.rs",
        "// not quite\n",
    );
    let (code, out, _) = verify_all(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL 02-1-wave: the solution fails its checks"),
        "{out}"
    );
}

#[test]
fn manifests_are_validated() {
    let dir = course();
    let manifest = "lesson-02-beta/exercises/exercises.toml";
    let text = crate::fixture::read(dir.path(), manifest)
        .replace("02-1-wave", "01-1-greet")
        .replace("break-it", "break-in")
        .replace("hints = [\"Wave.\"]", "hints = []")
        .replace("solutions/1_wave.rs", "solutions/missing.rs");
    write(dir.path(), manifest, &format!("{text}tests_ = 1\n"));
    let (code, out, _) = verify_all(dir.path(), &[]);
    assert_eq!(code, 1);
    for problem in [
        "01-1-greet: the name is used twice",
        "01-1-greet: the name must begin with the lesson's number, `02-`",
        "unknown kind `break-in`",
        "the solution lesson-02-beta/solutions/missing.rs does not exist",
        "it needs at least one hint",
        "unknown key `tests_`",
    ] {
        assert!(
            out.contains(&format!("FAIL {manifest}: ")) && out.contains(problem),
            "{problem}: {out}"
        );
    }
}

/// Like a lesson built with `--features exercise`, where every starter of the lesson is
/// compiled: 01-2-count builds only once 01-1-greet's starter has been filled in.
struct LessonChecker;

impl course::Checker for LessonChecker {
    fn run(&self, workspace: &Path, exercise: &course::Exercise) -> course::Outcome {
        let greet = std::fs::read_to_string(workspace.join("lesson-01-alpha/exercises/1_greet.rs"))
            .unwrap();
        if exercise.name == "01-2-count" && !greet.contains("// done") {
            return course::Outcome {
                status: course::Status::DidNotCompile,
                output: "error: 1_greet.rs is still a starter\nerror: could not compile".into(),
            };
        }
        FakeChecker.run(workspace, exercise)
    }
}

#[test]
fn verify_named_exercises_puts_earlier_solutions_in_place() {
    let dir = course();
    let before = snapshot(dir.path());
    let scratch = tempfile::tempdir().unwrap();
    let only = |names: &[&str]| {
        names
            .iter()
            .map(|name| name.to_string())
            .collect::<Vec<_>>()
    };
    let (code, out, _) = run(dir.path(), |ctx| {
        verify(ctx, &LessonChecker, &only(&["01-2-count"]), scratch.path())
    });
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok 01-2-count: starter fails"), "{out}");
    assert!(
        out.ends_with("verify: 1 passed, 0 failed\n"),
        "only the named exercise: {out}"
    );
    assert_eq!(snapshot(dir.path()), before);

    // Without 01-1-greet's solution, the same checker fails it: the test above is not vacuous.
    write(dir.path(), "lesson-01-alpha/src/greet.rs", "// not done\n");
    let (_, out, _) = run(dir.path(), |ctx| {
        verify(ctx, &LessonChecker, &only(&["01-2-count"]), scratch.path())
    });
    assert!(
        out.starts_with(
            "FAIL 01-2-count: the starter does not compile; the solution does not compile"
        ),
        "{out}"
    );

    let (code, out, _) = run(dir.path(), |ctx| {
        verify(
            ctx,
            &FakeChecker,
            &only(&["02-1-wave", "nope"]),
            scratch.path(),
        )
    });
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL nope: there is no exercise of that name"),
        "{out}"
    );
    assert!(
        out.contains("ok 02-1-wave") && !out.contains("01-1-greet"),
        "{out}"
    );
}
