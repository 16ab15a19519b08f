//! The `course` binary itself, on a course of its own given with `--root`: the command
//! line, and the real cargo checker on a tiny lesson crate (a few seconds to build).

use std::path::Path;
use std::process::{Command, Output};

use crate::fixture::{course, read, write};

fn course_bin(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(root)
        .args(args)
        // The tiny lesson builds in its own folder, never in the target folder that the
        // outer `cargo test` is holding.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_command_line() {
    let dir = course();
    let plain = course_bin(dir.path(), &["list", "--plain"]);
    assert!(plain.status.success());
    assert_eq!(
        text(&plain.stdout)
            .lines()
            .next()
            .unwrap()
            .split('\t')
            .collect::<Vec<_>>(),
        [
            "01-1-greet",
            "todo",
            "lesson-01-alpha/exercises/1_greet.rs",
            "lesson-01-alpha/src/greet.rs"
        ]
    );

    let help = course_bin(dir.path(), &["--help"]);
    assert!(help.status.success());
    for command in [
        "cargo course check",
        "watch --manual",
        "hint",
        "reset NAME",
        "list --plain",
        "verify",
    ] {
        assert!(text(&help.stdout).contains(command), "{command}");
    }
    assert!(!text(&help.stdout).contains('\x1b'), "no colors when piped");

    let hint = course_bin(dir.path(), &["hint"]);
    assert!(text(&hint.stdout).contains("1. Say hello first."));

    let wrong = course_bin(dir.path(), &["chek"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("cargo course help"));
}

/// A lesson crate the way the real ones are laid out, small enough to build in a second:
/// a feature per exercise that swaps the starter in, one test binary `tests/api`.
fn tiny_lesson(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"lesson-01-tiny\"]\n",
    );
    write(
        root,
        "lesson-01-tiny/Cargo.toml",
        "[package]\nname = \"lesson-01-tiny\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [features]\n01-1-add = [\"starter\"]\nstarter = []\n",
    );
    write(
        root,
        "lesson-01-tiny/src/lib.rs",
        "#[cfg(not(feature = \"01-1-add\"))]\nmod add;\n\
         #[cfg(feature = \"01-1-add\")]\n#[path = \"../exercises/1_add.rs\"]\nmod add;\n\
         pub use add::{add, halve};\n",
    );
    write(
        root,
        "lesson-01-tiny/src/add.rs",
        "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\n\
         pub fn halve(a: i32) -> i32 {\n    a / 2\n}\n",
    );
    write(
        root,
        "lesson-01-tiny/exercises/1_add.rs",
        "pub fn add(a: i32, b: i32) -> i32 {\n    // TODO: add them\n    let _ = (a, b);\n    0\n}\n\n\
         pub fn halve(a: i32) -> i32 {\n    a / 2\n}\n",
    );
    write(
        root,
        "lesson-01-tiny/tests/api/main.rs",
        "mod check;\nmod other;\n",
    );
    write(
        root,
        "lesson-01-tiny/tests/api/check.rs",
        "#[test]\nfn adds() {\n    let got = lesson_01_tiny::add(2, 3);\n    \
         assert!(got == 5, \"hint: step 1, \\\"2 + 3\\\": expected 5, got {got}\");\n}\n\n\
         #[test]\nfn halves() {\n    let zero = 0;\n    \
         assert!(lesson_01_tiny::halve(4) / (2 - zero) == 1, \"hint: halving 4 must give 2\");\n}\n",
    );
    write(
        root,
        "lesson-01-tiny/tests/api/other.rs",
        "#[test]\nfn not_part_of_the_check() {\n    panic!(\"hint: never shown\");\n}\n",
    );
    write(
        root,
        "lesson-01-tiny/exercises/exercises.toml",
        "[[exercise]]\nname = \"01-1-add\"\ntitle = \"Add two numbers\"\nkind = \"warm-up\"\n\
         starter = \"exercises/1_add.rs\"\nsolution = \"src/add.rs\"\ntests = [\"check::\"]\n\
         hints = [\"Use +.\"]\n\n\
         [[exercise.wrong]]\nmistake = \"subtracts\"\nreplace = \"a + b\"\nwith = \"a - b\"\nheadline = \"expected 5\"\n\n\
         [[exercise.wrong]]\nmistake = \"overflows\"\nreplace = \"a + b\"\nwith = \"(a + b) * i32::MAX\"\nheadline = \"panicked in `add`\"\n\n\
         [[exercise.wrong]]\nmistake = \"halves wrong\"\nreplace = \"a / 2\"\nwith = \"a / 4\"\nheadline = \"halving 4\"\n",
    );
}

#[test]
fn the_real_checker_on_a_tiny_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    tiny_lesson(root);

    let failed = course_bin(root, &["check"]);
    let out = text(&failed.stdout);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{out}{}",
        text(&failed.stderr)
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].contains("cargo test -p lesson-01-tiny --features 01-1-add --test api -- check::"),
        "{out}"
    );
    assert!(lines[2].contains("01-1-add is not done yet"), "{out}");
    assert_eq!(lines[3], "hint: step 1, \"2 + 3\": expected 5, got 0");
    assert_eq!(lines[4], "where to look: lesson-01-tiny/exercises/1_add.rs");
    assert!(out.contains("test check::adds ... FAILED"), "{out}");
    assert!(
        !out.contains("never shown"),
        "only the exercise's tests run: {out}"
    );
    assert!(
        !out.contains("Compiling") && !out.contains("Running"),
        "{out}"
    );

    // Verify, on the untouched starter: it fails with a hint, the solution passes.
    let verified = course_bin(root, &["verify"]);
    let out = text(&verified.stdout);
    assert!(verified.status.success(), "{out}");
    assert_eq!(
        out,
        "ok 01-1-add\n   \
         starter fails: hint: step 1, \"2 + 3\": expected 5, got 0\n   \
         refused wrong answer \"subtracts\": hint: step 1, \"2 + 3\": expected 5, got -1\n   \
         refused wrong answer \"overflows\": hint: your code panicked in `add` \
         (lesson-01-tiny/exercises/1_add.rs:2): attempt to multiply with overflow.\n   \
         refused wrong answer \"halves wrong\": hint: halving 4 must give 2\n   \
         solution passes\nverify: 1 passed, 0 failed\n"
    );
    assert!(
        read(root, "lesson-01-tiny/exercises/1_add.rs").contains("TODO"),
        "verify left the starter alone"
    );

    write(
        root,
        "lesson-01-tiny/exercises/1_add.rs",
        "pub fn add(a: i32, b: i32) -> i32 {\n    a +\n}\n",
    );
    let broken = course_bin(root, &["check"]);
    let out = text(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1));
    assert!(out.contains("01-1-add does not compile yet"), "{out}");
    assert!(
        out.contains("error: expected expression")
            && out.contains("lesson-01-tiny/exercises/1_add.rs:3"),
        "the first error, in the student's file: {out}"
    );

    write(
        root,
        "lesson-01-tiny/exercises/1_add.rs",
        &read(root, "lesson-01-tiny/src/add.rs"),
    );
    let passed = course_bin(root, &["check"]);
    let out = text(&passed.stdout);
    assert!(passed.status.success(), "{out}");
    assert!(
        out.contains("01-1-add passes") && out.contains("All exercises are done (1 of 1)"),
        "{out}"
    );
    assert!(read(root, ".course-progress").contains("done 01-1-add\n"));
}
