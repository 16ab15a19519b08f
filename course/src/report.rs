//! Reading what a check printed: the one headline a student reads first, the other failed
//! checks, and the warnings from the student's own file.
//!
//! The tests of a check run in parallel, so their output arrives in any order. The headline
//! must not depend on that order: the same wrong code gives the same headline on every run.
//! So it is chosen by rule, not by position:
//!
//! 1. a compiler error: the first one, with the file it is in;
//! 2. a panic in the student's file (an overflow, an `unwrap` on `None`), named with its
//!    function and line, and the exercise's hint for that panic if it has one;
//! 3. a `todo!()` still in the student's file: that part is theirs to write;
//! 4. the `hint:` of the failed test that ranks first: a targeted check, which names a
//!    mistake, before a story (whose hints start "the story", see the `story` crate), which
//!    only shows a symptom; then by the order of the exercise's `tests` filters; then by name.

use std::path::{Component, Path, PathBuf};

use crate::manifest::Exercise;

/// What the story harness prints under a panic of a student's own test (its
/// `STUDENT_TEST_FAILED`; the runner does not depend on the harness, so it is repeated).
const STUDENT_TEST_FAILED: &str = "note: that is a test of yours failing, as a test does";

/// One test that failed, with the first `hint:` line it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedTest {
    pub name: String,
    pub hint: Option<String>,
}

/// A panic whose location is the student's starter file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StudentPanic {
    line: u32,
    message: String,
}

/// The headline of a failed check: one line, starting `hint: ` (or, for a compiler error,
/// `error`), or `None` when nothing in the output names a cause.
pub fn headline(output: &str, exercise: &Exercise, starter_source: &str) -> Option<String> {
    if let Some(error) = first_compiler_error(output) {
        return Some(error);
    }
    let starter = exercise.starter_rel();
    let panics = student_panics(output, &starter);
    let where_ = |line: u32| {
        let function = enclosing_function(starter_source, line)
            .map(|name| format!("`{name}` ("))
            .unwrap_or_else(|| "(".to_string());
        format!("{function}{starter}:{line})")
    };
    if let Some(panic) = panics.iter().find(|p| !is_todo(&p.message)) {
        let mut hint = format!(
            "hint: your code panicked in {}: {}.",
            where_(panic.line),
            panic.message.trim_end_matches('.')
        );
        if let Some(advice) = exercise
            .panics
            .iter()
            .find(|known| panic.message.contains(&known.message))
        {
            hint.push(' ');
            hint.push_str(&advice.hint);
        }
        return Some(hint);
    }
    if let Some(todo) = panics.first() {
        return Some(format!(
            "hint: {} is still a `todo!()` ({}): that part is yours to write.",
            where_(todo.line),
            todo.message
        ));
    }
    ranked_failures(output, exercise)
        .into_iter()
        .find_map(|test| test.hint)
}

/// The failed tests in the order a student should read them (see the module docs).
pub fn ranked_failures(output: &str, exercise: &Exercise) -> Vec<FailedTest> {
    let mut failed = failed_tests(output);
    failed.sort_by_key(|test| rank(exercise, test));
    failed
}

fn rank(exercise: &Exercise, test: &FailedTest) -> (bool, bool, usize, String) {
    let story = test
        .hint
        .as_deref()
        .is_some_and(|hint| hint.starts_with("hint: the story "));
    let filter = exercise
        .tests
        .iter()
        .position(|filter| test.name.contains(filter.as_str()))
        .unwrap_or(usize::MAX);
    (test.hint.is_none(), story, filter, test.name.clone())
}

/// libtest prints each failed test's captured output in a block that starts
/// `---- NAME stdout ----`; the first `hint: ` line in it is that test's hint.
pub fn failed_tests(output: &str) -> Vec<FailedTest> {
    let mut failed: Vec<FailedTest> = Vec::new();
    let mut current: Option<usize> = None;
    for line in output.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            failed.push(FailedTest {
                name: name.to_string(),
                hint: None,
            });
            current = Some(failed.len() - 1);
        } else if line.starts_with("failures:") || line.starts_with("test result:") {
            current = None;
        } else if let (Some(index), Some(hint)) = (current, hint_line(line)) {
            failed[index].hint.get_or_insert(hint);
        }
    }
    failed
}

fn hint_line(line: &str) -> Option<String> {
    let line = line.trim();
    line.starts_with("hint: ").then(|| line.to_string())
}

fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented")
}

/// Panics located in the starter, in line order. A student's own assertions (a break-it
/// exercise's test fails by asserting) and the checks' hints are not panics of their code.
fn student_panics(output: &str, starter: &str) -> Vec<StudentPanic> {
    let mut panics = Vec::new();
    let mut lines = output.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(at) = line.split(" panicked at ").nth(1) else {
            continue;
        };
        // `path:line:column:`
        let mut parts = at.trim_end_matches(':').rsplitn(3, ':');
        let (_column, line_number, path) = (parts.next(), parts.next(), parts.next());
        let (Some(line_number), Some(path)) = (line_number.and_then(|n| n.parse().ok()), path)
        else {
            continue;
        };
        if normalize(path) != Path::new(starter) {
            continue;
        }
        let message = lines
            .peek()
            .map(|m| m.trim().to_string())
            .unwrap_or_default();
        // The student's own test failing (a break-it exercise's test, run by the check
        // against a flawed server) is how a test works, not a crash: the story harness
        // marks it (`story::STUDENT_TEST_FAILED`) a few lines down.
        let own_test_failing = lines
            .clone()
            .take(8)
            .take_while(|line| !line.contains(" panicked at "))
            .any(|line| line.trim() == STUDENT_TEST_FAILED);
        if message.starts_with("hint: ") || message.starts_with("assertion") || own_test_failing {
            continue;
        }
        panics.push(StudentPanic {
            line: line_number,
            message,
        });
    }
    panics.sort_by(|a, b| (a.line, &a.message).cmp(&(b.line, &b.message)));
    panics.dedup();
    panics
}

/// `lesson-03-login/tests/api/../../exercises/2_disabled.rs` as
/// `lesson-03-login/exercises/2_disabled.rs`: how rustc names a file reached by `#[path]`,
/// made readable.
pub fn normalize(path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in Path::new(path).components() {
        match component {
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Rewrites every path in `output` that goes through `..` to its plain form.
pub fn normalize_paths(output: &str) -> String {
    output
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if !trimmed.contains("/../") {
                return word.to_string();
            }
            // `path:12:5:` keeps its line and column.
            let (path, rest) = match trimmed.find(".rs") {
                Some(end) => trimmed.split_at(end + 3),
                None => (trimmed, ""),
            };
            let plain = normalize(path).to_string_lossy().replace('\\', "/");
            format!("{plain}{rest}{}", &word[trimmed.len()..])
        })
        .collect()
}

/// The name of the `fn` that contains line `line` (1-based) of `source`: the nearest
/// `fn NAME` at or above it. Good enough for a headline; never used to decide anything.
pub fn enclosing_function(source: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let last = (line as usize).min(lines.len());
    lines[..last].iter().rev().find_map(|text| {
        let after = text.split("fn ").nth(1)?;
        let before = text.split("fn ").next().unwrap_or("");
        // `fn` as a word, not inside a comment or another word.
        if before.contains("//") || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// `error[E0308]: mismatched types (lesson-03-login/exercises/2_disabled.rs:12:5)`: the
/// compiler's first error and where it is.
fn first_compiler_error(output: &str) -> Option<String> {
    if !output.contains("could not compile") {
        return None;
    }
    let mut lines = output.lines();
    while let Some(line) = lines.next() {
        let is_error = line.starts_with("error[") || line.starts_with("error: ");
        if !is_error || line.starts_with("error: could not compile") {
            continue;
        }
        let place = lines
            .clone()
            .take(3)
            .find_map(|l| l.trim().strip_prefix("--> "))
            .map(|place| format!(" ({})", normalize_paths(place)))
            .unwrap_or_default();
        return Some(format!("{line}{place}"));
    }
    None
}

/// The compiler's warnings about the starter file, each with its lines, for a passing
/// check: a pass should still show what the compiler thinks of the student's code.
pub fn starter_warnings(output: &str, starter: &str) -> Vec<String> {
    let output = normalize_paths(output);
    let mut warnings = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in output.lines() {
        if line.starts_with("warning: ") || line.starts_with("warning[") {
            if let Some(block) = current.take() {
                warnings.push(block);
            }
            current = Some(vec![line]);
        } else if let Some(block) = current.as_mut() {
            if line.trim().is_empty() {
                warnings.push(current.take().expect("a block"));
            } else {
                block.push(line);
            }
        }
    }
    warnings.extend(current);
    warnings
        .into_iter()
        .filter(|block| {
            block.iter().any(|line| {
                line.trim()
                    .strip_prefix("--> ")
                    .is_some_and(|place| place.starts_with(starter))
            })
        })
        .map(|block| block.join("\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::PanicHint;

    fn exercise() -> Exercise {
        Exercise {
            name: "03-2-disabled".into(),
            title: "t".into(),
            kind: "apply".into(),
            lesson: "lesson-03-login".into(),
            starter: "exercises/2_disabled.rs".into(),
            solution: "solutions/2_disabled.rs".into(),
            tests: vec![
                "exercise_2_disabled::targeted".into(),
                "exercise_2_disabled::".into(),
            ],
            hints: vec!["h".into()],
            wrong: vec![],
            panics: vec![PanicHint {
                message: "overflow".into(),
                hint: "Multiply without overflowing.".into(),
            }],
        }
    }

    const SOURCE: &str = "use x;\n\npub async fn login(a: u32) -> u32 {\n    a * 2\n}\n\nfn delay() {\n    todo!()\n}\n";

    fn block(name: &str, body: &str) -> String {
        format!("---- {name} stdout ----\n{body}\n\n")
    }

    #[test]
    fn the_headline_does_not_depend_on_the_order_the_tests_finished_in() {
        let story = block(
            "exercise_2_disabled::a_story",
            "hint: the story differs at step 3, \"Carol logs in\": expected `401`",
        );
        let targeted = block(
            "exercise_2_disabled::targeted::typed_name",
            "thread 'x' (9) panicked at lesson-03-login/tests/api/exercise_2_disabled.rs:80:5:\nhint: decide on the account that was found",
        );
        let other = block(
            "exercise_2_disabled::targeted::a_time",
            "hint: a wrong password must still get the one 401",
        );
        let orders = [
            format!("failures:\n\n{story}{targeted}{other}failures:\n"),
            format!("failures:\n\n{other}{story}{targeted}failures:\n"),
            format!("failures:\n\n{targeted}{other}{story}failures:\n"),
        ];
        for output in &orders {
            assert_eq!(
                headline(output, &exercise(), SOURCE).as_deref(),
                Some("hint: a wrong password must still get the one 401"),
                "{output}"
            );
        }
    }

    #[test]
    fn a_panic_in_the_students_file_comes_first_with_its_function_and_advice() {
        let output = format!(
            "failures:\n\n{}",
            block(
                "exercise_2_disabled::targeted::a",
                "thread 'a' (3) panicked at lesson-03-login/tests/api/../../exercises/2_disabled.rs:4:5:\nattempt to multiply with overflow\nhint: never printed"
            )
        );
        assert_eq!(
            headline(&output, &exercise(), SOURCE).unwrap(),
            "hint: your code panicked in `login` (lesson-03-login/exercises/2_disabled.rs:4): \
             attempt to multiply with overflow. Multiply without overflowing."
        );
    }

    #[test]
    fn a_todo_is_named_and_assertions_in_the_students_own_test_are_not_panics() {
        let output = "thread 't' (3) panicked at lesson-03-login/src/../exercises/2_disabled.rs:4:5:\n\
                      assertion `left == right` failed\n\
                      thread 't' (4) panicked at lesson-03-login/src/../exercises/2_disabled.rs:8:5:\n\
                      not yet implemented: 03-2: log in\n";
        assert_eq!(
            headline(output, &exercise(), SOURCE).unwrap(),
            "hint: `delay` (lesson-03-login/exercises/2_disabled.rs:8) is still a `todo!()` \
             (not yet implemented: 03-2: log in): that part is yours to write."
        );
    }

    #[test]
    fn the_students_own_test_failing_is_not_a_crash() {
        let output = "thread 't' (3) panicked at lesson-03-login/tests/api/../../exercises/2_disabled.rs:4:5:\n\
                      the removal has no Path\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                      note: that is a test of yours failing, as a test does\n\n\
                      ---- exercise_2_disabled::targeted::a stdout ----\n\
                      hint: 2 of 3: has `Path=/api`\n\n";
        assert_eq!(
            headline(output, &exercise(), SOURCE).as_deref(),
            Some("hint: 2 of 3: has `Path=/api`")
        );
    }

    #[test]
    fn a_compiler_error_names_the_students_file() {
        let output = "warning: unused variable\n  --> a.rs:1:1\n\nerror[E0308]: mismatched types\n  --> lesson-03-login/tests/api/../../exercises/2_disabled.rs:12:5\n   |\n\nerror: could not compile `lesson-03-login` (test \"api\")\n";
        assert_eq!(
            headline(output, &exercise(), SOURCE).unwrap(),
            "error[E0308]: mismatched types (lesson-03-login/exercises/2_disabled.rs:12:5)"
        );
    }

    #[test]
    fn functions_and_paths_are_found() {
        assert_eq!(enclosing_function(SOURCE, 4).as_deref(), Some("login"));
        assert_eq!(enclosing_function(SOURCE, 8).as_deref(), Some("delay"));
        assert_eq!(enclosing_function(SOURCE, 1), None);
        assert_eq!(
            normalize_paths("at a/tests/api/../../exercises/x.rs:3:4: boom"),
            "at a/exercises/x.rs:3:4: boom"
        );
    }

    #[test]
    fn only_warnings_about_the_starter_are_kept() {
        let output = "warning: unused import: `x`\n --> lesson-03-login/tests/api/../../exercises/2_disabled.rs:3:5\n  |\n\nwarning: unused variable: `y`\n --> lesson-03-login/src/lib.rs:9:9\n\n";
        let warnings = starter_warnings(output, "lesson-03-login/exercises/2_disabled.rs");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("unused import"), "{warnings:?}");
        assert!(warnings[0].contains("lesson-03-login/exercises/2_disabled.rs:3:5"));
    }
}
