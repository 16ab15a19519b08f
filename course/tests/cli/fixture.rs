//! A small course of its own for the runner's tests (never the real lessons), and a fake
//! checker: an exercise passes when its starter contains the line `// done`.

use std::fs;
use std::path::Path;

use course::{Checker, Ctx, Exercise, Outcome, Status, Style};
use tempfile::TempDir;

pub const STARTER: &str = "// The fixture's exercise.\n// TODO: write it\n";
pub const SOLUTION: &str = "// done\n";

/// lesson-01-alpha: 01-1-greet, 01-2-count; lesson-02-beta: 02-1-wave;
/// lesson-03-empty has no exercises folder and is not listed. Each starter has a module
/// that only the editor compiles, as the real lessons do (see `course::editor`).
pub fn course() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "Cargo.toml", "[workspace]\nmembers = []\n");
    write(
        root,
        "lesson-01-alpha/exercises/exercises.toml",
        r#"
[[exercise]]
name = "01-1-greet"
title = "Say hello"
kind = "warm-up"
starter = "exercises/1_greet.rs"
solution = "src/greet.rs"
tests = ["story"]
hints = ["Say hello first.", "Use println!."]

[[exercise.wrong]]
mistake = "greet 1"
replace = "// done"
with = "// hint: forgot the greeting"
headline = "forgot the greeting"

[[exercise.wrong]]
mistake = "greet 2"
replace = "// done"
with = "// hint: greeted the wrong person"
headline = "greeted the wrong person"

[[exercise.wrong]]
mistake = "greet 3"
replace = "// done"
with = "// hint: greeted twice"
headline = "greeted twice"

[[exercise.panic]]
message = "overflow"
hint = "Count without overflowing."

[[exercise]]
name = "01-2-count"
title = "Count to three"
kind = "apply"
starter = "exercises/2_count.rs"
solution = "solutions/2_count.rs"
tests = ["count"]
hints = ["One, two, three."]

[[exercise.wrong]]
mistake = "count 1"
replace = "// done"
with = "// hint: forgot the greeting"
headline = "forgot the greeting"

[[exercise.wrong]]
mistake = "count 2"
replace = "// done"
with = "// hint: greeted the wrong person"
headline = "greeted the wrong person"

[[exercise.wrong]]
mistake = "count 3"
replace = "// done"
with = "// hint: greeted twice"
headline = "greeted twice"
"#,
    );
    write(root, "lesson-01-alpha/exercises/1_greet.rs", STARTER);
    write(root, "lesson-01-alpha/src/greet.rs", SOLUTION);
    write(root, "lesson-01-alpha/exercises/2_count.rs", STARTER);
    write(root, "lesson-01-alpha/solutions/2_count.rs", SOLUTION);
    write(
        root,
        "lesson-02-beta/exercises/exercises.toml",
        r#"
[[exercise]]
name = "02-1-wave"
title = "Wave back"
kind = "break-it"
starter = "exercises/1_wave.rs"
solution = "solutions/1_wave.rs"
tests = ["wave", "story"]
hints = ["Wave."]

[[exercise.wrong]]
mistake = "wave 1"
replace = "// done"
with = "// hint: forgot the greeting"
headline = "forgot the greeting"

[[exercise.wrong]]
mistake = "wave 2"
replace = "// done"
with = "// hint: greeted the wrong person"
headline = "greeted the wrong person"

[[exercise.wrong]]
mistake = "wave 3"
replace = "// done"
with = "// hint: greeted twice"
headline = "greeted twice"
"#,
    );
    write(root, "lesson-02-beta/exercises/1_wave.rs", STARTER);
    write(root, "lesson-02-beta/solutions/1_wave.rs", SOLUTION);
    write(
        root,
        "lesson-01-alpha/src/lib.rs",
        &format!(
            "{}\n{}",
            swap("01-1-greet", "greet", "1_greet.rs"),
            editor_only("01-1-greet", "..", "1_greet.rs")
        ),
    );
    write(
        root,
        "lesson-01-alpha/tests/api/count.rs",
        &editor_only("01-2-count", "../..", "2_count.rs"),
    );
    write(
        root,
        "lesson-02-beta/tests/api/wave.rs",
        &editor_only("02-1-wave", "../..", "1_wave.rs"),
    );
    write(root, "lesson-03-empty/src/lib.rs", "");
    dir
}

/// A warm-up's swap: the lesson's module, or with the exercise's feature its starter.
fn swap(exercise: &str, module: &str, starter: &str) -> String {
    format!(
        "#[cfg(not(feature = \"{exercise}\"))]\nmod {module};\n\
         #[cfg(feature = \"{exercise}\")]\n#[path = \"../exercises/{starter}\"]\nmod {module};\n"
    )
}

/// The module that only rust-analyzer compiles, from a file `up` folders below the lesson.
pub fn editor_only(exercise: &str, up: &str, starter: &str) -> String {
    format!(
        "#[cfg(all(rust_analyzer, not(feature = \"{exercise}\")))]\n\
         #[path = \"{up}/exercises/{starter}\"]\nmod starter;\n"
    )
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap()
}

/// Passes when the starter has a line `// done`; `// broken` does not compile;
/// `// no hint` fails without a hint; `// hint: TEXT` fails with that hint; anything else
/// fails with a hint, like a story. Each line `// also: TEXT` fails one more check, `also_N`,
/// with that hint. Failures are written the way libtest writes them.
pub struct FakeChecker;

/// libtest's report of one failed test, `name`, that printed `body`.
pub fn failed(name: &str, body: &str) -> String {
    format!(
        "running 1 test\ntest {name} ... FAILED\n\nfailures:\n\n---- {name} stdout ----\n{body}\n\n\
         failures:\n    {name}\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored\n"
    )
}

impl Checker for FakeChecker {
    fn run(&self, workspace: &Path, exercise: &Exercise) -> Outcome {
        let starter = fs::read_to_string(exercise.starter_path(workspace)).unwrap_or_default();
        let has = |line: &str| starter.lines().any(|l| l.trim() == line);
        let hint = starter
            .lines()
            .find_map(|line| line.trim().strip_prefix("// hint: "));
        let (status, output) = if has("// done") {
            (
                Status::Passed,
                "test story ... ok\ntest result: ok. 1 passed; 0 failed".to_string(),
            )
        } else if has("// broken") {
            (
                Status::DidNotCompile,
                "error[E0425]: cannot find value `x`\nerror: could not compile `fake`".to_string(),
            )
        } else if has("// no hint") {
            (Status::Failed, failed("story", "assertion failed"))
        } else if let Some(hint) = hint {
            let mut output = failed("story", &format!("hint: {hint}"));
            let also = starter
                .lines()
                .filter_map(|line| line.trim().strip_prefix("// also: "));
            for (index, hint) in also.enumerate() {
                output.push_str(&failed(
                    &format!("also_{}", index + 1),
                    &format!("hint: {hint}"),
                ));
            }
            (Status::Failed, output)
        } else {
            (
                Status::Failed,
                format!(
                    "   Compiling fake v0.1.0\n\n{}",
                    failed("story", "hint: step 1, \"x\": expected 200, got 401")
                ),
            )
        };
        Outcome { status, output }
    }
}

/// Runs one library command on `root` with plain output: (exit code, stdout, stderr).
pub fn run(
    root: &Path,
    command: impl FnOnce(&mut Ctx) -> Result<u8, String>,
) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let result = {
        let mut ctx = Ctx {
            root: root.to_path_buf(),
            style: Style::plain(),
            out: &mut out,
            err: &mut err,
        };
        command(&mut ctx)
    };
    let mut err = String::from_utf8(err).unwrap();
    // An error message is what `main` would print on stderr; 99 marks it apart from exit codes.
    let code = result.unwrap_or_else(|message| {
        err.push_str(&message);
        99
    });
    (code, String::from_utf8(out).unwrap(), err)
}
