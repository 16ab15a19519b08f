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
    let greet: String = [
        "ok 01-1-greet",
        "   starter fails: hint: step 1, \"x\": expected 200, got 401",
        "   refused wrong answer \"greet 1\": hint: forgot the greeting",
        "   refused wrong answer \"greet 2\": hint: greeted the wrong person",
        "   refused wrong answer \"greet 3\": hint: greeted twice",
        "   solution passes",
    ]
    .map(|line| format!("{line}\n"))
    .concat();
    assert!(out.starts_with(&greet), "{out}");
    assert!(
        out.contains("ok 01-2-count\n") && out.contains("ok 02-1-wave\n"),
        "{out}"
    );
    assert!(out.ends_with("verify: 3 passed, 0 failed\n"), "{out}");
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
        out.contains("FAIL 01-2-count\n ! the starter already passes its checks"),
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
        out.contains("FAIL 01-1-greet\n ! the starter does not compile\n        error[E0425]"),
        "{out}"
    );
    assert!(
        out.contains("FAIL 02-1-wave\n ! the starter fails without a headline hint"),
        "{out}"
    );
    assert!(
        out.contains("        assertion failed"),
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
    assert!(out.contains(" ! the solution fails its checks"), "{out}");
}

/// The point of keeping wrong answers: each must be refused, for the right reason, and an
/// edit that no longer applies is a failure, never a pass.
#[test]
fn a_wrong_answer_that_passes_is_unnamed_or_is_stale_fails_verify() {
    let dir = course();
    let manifest = "lesson-01-alpha/exercises/exercises.toml";
    let text = crate::fixture::read(dir.path(), manifest)
        // Passes: the check cannot tell it from the solution.
        .replacen(
            "with = \"// hint: forgot the greeting\"",
            "with = \"// done\\n// also this\"",
            1,
        )
        // Fails, but with a headline that does not name the mistake.
        .replacen(
            "headline = \"greeted the wrong person\"",
            "headline = \"nobody\"",
            1,
        )
        // No longer applies to the solution.
        .replacen(
            "replace = \"// done\"\nwith = \"// hint: greeted twice\"",
            "replace = \"// gone\"\nwith = \"// hint: greeted twice\"",
            1,
        );
    write(dir.path(), manifest, &text);
    // The third wrong answer's broken edit is reported by the manifest check as well.
    let (code, out, _) = verify_all(dir.path(), &["01-1-greet"]);
    assert_eq!(code, 1, "{out}");
    for problem in [
        " ! wrong answer \"greet 1\" PASSES the checks",
        " ! wrong answer \"greet 2\" fails, but its headline does not contain \"nobody\": hint: greeted the wrong person",
        " ! wrong answer \"greet 3\": its `replace` text is not in the solution any more",
    ] {
        assert!(out.contains(problem), "{problem}\n{out}");
    }
    // A wrong answer that does not compile proves nothing.
    let text = crate::fixture::read(dir.path(), manifest).replacen(
        "// done\\n// also this",
        "// broken",
        1,
    );
    write(dir.path(), manifest, &text);
    let (_, out, _) = verify_all(dir.path(), &["01-1-greet"]);
    assert!(
        out.contains(" ! wrong answer \"greet 1\" does not compile, so it proves nothing"),
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
    let text = text[..text.find("[[exercise.wrong]]").unwrap()].to_string();
    write(dir.path(), manifest, &format!("{text}tests_ = 1\n"));
    let (code, out, _) = verify_all(dir.path(), &[]);
    assert_eq!(code, 1);
    for problem in [
        "01-1-greet: the name is used twice",
        "01-1-greet: the name must begin with the lesson's number, `02-`",
        "unknown kind `break-in`",
        "the solution lesson-02-beta/solutions/missing.rs does not exist",
        "it needs at least one hint",
        "it keeps 0 wrong answer(s); it needs at least 3",
        "unknown key `tests_`",
    ] {
        assert!(
            out.contains(&format!("FAIL {manifest}: ")) && out.contains(problem),
            "{problem}: {out}"
        );
    }
}

/// Each exercise is verified alone, with its own starter and the other exercises'
/// starters untouched: as `cargo course check NAME` would, with one feature per exercise.
#[test]
fn verify_named_exercises_checks_only_those() {
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
        verify(ctx, &FakeChecker, &only(&["01-2-count"]), scratch.path())
    });
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok 01-2-count\n   starter fails"), "{out}");
    assert!(
        out.ends_with("verify: 1 passed, 0 failed\n") && !out.contains("01-1-greet"),
        "only the named exercise: {out}"
    );
    assert_eq!(snapshot(dir.path()), before);

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

/// Every starter needs a module that only the editor compiles, or rust-analyzer would not
/// analyse the file the student edits (see `course::editor`).
#[test]
fn a_starter_the_editor_does_not_see_fails_verify() {
    let dir = course();
    let unseen = [
        // No such module at all.
        "",
        // Only the swap, which rust-analyzer (no feature on) does not compile.
        "#[cfg(feature = \"01-2-count\")]\n#[path = \"../../exercises/2_count.rs\"]\nmod yours;\n",
        // A module the editor does not compile either.
        "#[cfg(not(rust_analyzer))]\n#[path = \"../../exercises/2_count.rs\"]\nmod starter;\n",
        // The right cfg, the wrong file.
        &crate::fixture::editor_only("01-2-count", "../..", "1_greet.rs"),
    ];
    for module in unseen {
        write(dir.path(), "lesson-01-alpha/tests/api/count.rs", module);
        let (code, out, _) = verify_all(dir.path(), &["01-2-count"]);
        assert_eq!(code, 1, "{module}\n{out}");
        assert!(
            out.contains(
                "FAIL lesson-01-alpha/exercises/exercises.toml: 01-2-count: the editor does not \
                 see the starter lesson-01-alpha/exercises/2_count.rs"
            ),
            "{module}\n{out}"
        );
    }
    // Anywhere in the lesson's tests, and as `cfg_attr` too.
    write(dir.path(), "lesson-01-alpha/tests/api/count.rs", "");
    write(
        dir.path(),
        "lesson-01-alpha/tests/api/deeper/editor.rs",
        "#[cfg_attr(rust_analyzer, path = \"../../../exercises/2_count.rs\")]\nmod count;\n",
    );
    let (code, out, _) = verify_all(dir.path(), &["01-2-count"]);
    assert_eq!(code, 0, "{out}");
}
