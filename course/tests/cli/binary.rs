//! The `course` binary itself, on a course of its own given with `--root`: the command
//! line, and the real cargo checker on a tiny lesson crate (a few seconds to build).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::fixture::{course, read, write};

fn course_bin(root: &Path, args: &[&str]) -> Output {
    course_command(root, args).output().unwrap()
}

fn course_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_course"));
    command
        .arg("--root")
        .arg(root)
        .args(args)
        // The tiny lesson builds in its own folder, never in the target folder that the
        // outer `cargo test` is holding.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("NO_COLOR", "1")
        .env_remove("VISUAL")
        .env_remove("EDITOR");
    command
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
        "watch [NAME]",
        "watch --manual",
        "hint",
        "open [NAME]",
        "solution NAME",
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
         [features]\n01-1-add = [\"starter\"]\nstarter = []\n\n\
         [lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = [\"cfg(rust_analyzer)\"] }\n",
    );
    write(
        root,
        "lesson-01-tiny/src/lib.rs",
        &format!(
            "#[cfg(not(feature = \"01-1-add\"))]\nmod add;\n\
             #[cfg(feature = \"01-1-add\")]\n#[path = \"../exercises/1_add.rs\"]\nmod add;\n\
             {}pub use add::{{add, halve}};\n",
            crate::fixture::editor_only("01-1-add", "..", "1_add.rs")
        ),
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
    assert_eq!(
        lines[4],
        "where to look: lesson-01-tiny/exercises/1_add.rs:2"
    );
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

/// The keys, typed through a pipe as the tests of `watch` do by hand:
/// `printf 'h\nq\n' | cargo course watch 01-1-greet`.
#[test]
fn watch_reads_its_keys_from_a_pipe() {
    let dir = course();
    let mut watch = course_command(dir.path(), &["watch", "01-1-greet"])
        // No cargo to run: the check says so, and the keys still work.
        .env("CARGO", dir.path().join("no-cargo-here"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    watch.stdin.take().unwrap().write_all(b"h\nq\n").unwrap();
    let output = watch.wait_with_output().unwrap();
    let out = text(&output.stdout);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("01-1-greet could not be checked"), "{out}");
    assert!(
        out.contains("Hints for exercise 01-1-greet \"Say hello\":\n  1. Say hello first."),
        "{out}"
    );
    assert!(read(dir.path(), ".course-progress").contains("current 01-1-greet\n"));
}

/// A fake cargo for `watch`: it writes its arguments to `calls` (outside the watched
/// folder) and fails like a check with a hint.
#[cfg(unix)]
fn fake_cargo(folder: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = folder.join("cargo");
    std::fs::write(
        &script,
        r#"#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
cat <<'END'
test story ... FAILED

failures:

---- story stdout ----
hint: not yet

failures:
    story

test result: FAILED. 0 passed; 1 failed
END
exit 101
"#,
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The real file watcher: saving the exercise's file checks it again, and saving another
/// exercise's file does not switch to that one. No timing: it waits for the screen, and
/// saves again until the check comes (the watcher may take a moment to start).
#[cfg(unix)]
#[test]
fn watch_checks_again_when_the_file_is_saved() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc::channel;
    use std::time::Duration;

    let dir = course();
    let tools = tempfile::tempdir().unwrap();
    let mut watch = course_command(dir.path(), &["watch", "01-2-count"])
        .env("CARGO", fake_cargo(tools.path()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, screen) = channel();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut seen = Vec::new();
    let mut wait_for_checks = |count: usize, seconds: u64| {
        let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
        while seen
            .iter()
            .filter(|l: &&String| l.starts_with("Watching 01-2-count"))
            .count()
            < count
        {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match screen.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => return false,
            }
        }
        true
    };
    assert!(wait_for_checks(1, 120), "the first check");
    write(
        dir.path(),
        "lesson-01-alpha/exercises/1_greet.rs",
        "// another exercise\n",
    );
    let mut checked_again = false;
    for _ in 0..12 {
        write(
            dir.path(),
            "lesson-01-alpha/exercises/2_count.rs",
            "// saved\n",
        );
        if wait_for_checks(2, 10) {
            checked_again = true;
            break;
        }
    }
    watch.stdin.take().unwrap().write_all(b"q\n").unwrap();
    assert!(watch.wait().unwrap().success());
    assert!(
        checked_again,
        "no second check after saving:\n{}",
        seen.join("\n")
    );
    let calls = read(tools.path(), "calls");
    assert!(calls.lines().count() >= 2, "{calls}");
    assert!(
        calls
            .lines()
            .all(|call| call.contains("--features 01-2-count")),
        "always the exercise named: {calls}"
    );
}

/// `open` with `$VISUAL` before `$EDITOR`, as git chooses.
#[cfg(unix)]
#[test]
fn open_uses_visual_then_editor() {
    let dir = course();
    let editors = tempfile::tempdir().unwrap();
    let visual = crate::student::fake_editor(editors.path(), "vim");
    let opened = course_command(dir.path(), &["open", "02-1-wave"])
        .env("VISUAL", &visual)
        .env("EDITOR", editors.path().join("not-this-one"))
        .output()
        .unwrap();
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    assert_eq!(
        read(editors.path(), "arguments"),
        format!(
            "+2\n{}\n",
            dir.path()
                .join("lesson-02-beta/exercises/1_wave.rs")
                .display()
        )
    );
}
