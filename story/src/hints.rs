//! Helping a student read a failure: which step went differently, what was expected, and
//! that a `todo!()` is their next step, not a crash.
//!
//! In exercise mode (an exercise's feature, which turns on the lesson's `starter`), [`assert_story!`](crate::assert_story)
//! never offers to accept the student's transcript: the committed snapshot is the answer.
//! It prints the first difference as a `hint:` line and a diff, writes no `.snap.new`, and
//! fails. Outside exercise mode it is insta's usual snapshot check, for course authors.

use std::cell::RefCell;
use std::sync::Once;

use common::todo;

/// Prints a `todo!()` reached in an exercise once per place, not once per request that
/// reaches it, and says what it means: this part is the student's to write. The lines
/// keep the shape of Rust's own panic message, which `cargo course` reads to name the
/// function. Other panics keep Rust's usual report.
pub(crate) fn explain_todo_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = todo::panic_message(info.payload());
            if !todo::is_todo(message) {
                default(info);
                if IN_STUDENT_TEST.get() {
                    eprintln!("{STUDENT_TEST_FAILED}");
                }
                return;
            }
            let place = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            // Once per place and thread: a test runs on a thread of its own, and only a
            // failed test's output is shown, so each test must say it for itself.
            thread_local! {
                static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
            }
            let first = SEEN.with_borrow_mut(|seen| {
                let first = !seen.contains(&place);
                if first {
                    seen.push(place.clone());
                }
                first
            });
            if !first {
                return;
            }
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("<unnamed>");
            eprintln!(
                "\nthread '{name}' panicked at {place}:\n{message}\n\
                 note: a todo!() in the exercise: that part is yours to write."
            );
        }));
    });
}

/// Compares a story's transcript with the committed snapshot and, where they differ,
/// describes the first difference in a student's terms: which step, what was expected,
/// what came instead. `None` when they agree or there is no snapshot yet.
///
/// Every description starts with "the story": `cargo course` ranks a story's hint after
/// the targeted checks' hints, which name a mistake where a story only shows a symptom.
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    let expected_steps = split_steps(expected);
    let actual_steps = split_steps(actual);
    for (index, expected_step) in expected_steps.iter().enumerate() {
        let Some(actual_step) = actual_steps.get(index) else {
            return Some(format!(
                "the story stopped before {}",
                expected_step
                    .first()
                    .map(|l| step_name(l))
                    .unwrap_or_default()
            ));
        };
        if expected_step == actual_step {
            continue;
        }
        let name = step_name(expected_step.first().map(String::as_str).unwrap_or(""));
        for (line_index, expected_line) in expected_step.iter().enumerate() {
            let actual_line = actual_step.get(line_index);
            if actual_line == Some(expected_line) {
                continue;
            }
            let expected_line = expected_line.trim();
            let missing = !actual_step.iter().any(|l| l.trim() == expected_line);
            let got = actual_line.map(|l| l.trim()).unwrap_or("nothing more");
            let todo = actual_step
                .iter()
                .any(|l| l.contains("Exercise not finished"));
            let mut hint = if missing {
                format!(
                    "the story differs at {name}: expected `{expected_line}`, the response \
                     had `{got}` there instead"
                )
            } else {
                format!(
                    "the story differs at {name}: expected `{expected_line}` here, found `{got}`"
                )
            };
            if todo {
                hint.push_str(" (the server reached a todo!() in the exercise)");
            }
            return Some(hint);
        }
        let extra = actual_step
            .get(expected_step.len())
            .map(|l| l.trim())
            .unwrap_or("");
        return Some(format!(
            "the story differs at {name}: the response has more than expected: `{extra}`"
        ));
    }
    if actual_steps.len() > expected_steps.len() {
        return Some("the story has more steps than expected".to_owned());
    }
    None
}

fn split_steps(transcript: &str) -> Vec<Vec<String>> {
    let mut steps: Vec<Vec<String>> = vec![Vec::new()];
    for line in transcript.lines() {
        if line.starts_with("── ") {
            steps.push(Vec::new());
        }
        steps.last_mut().expect("never empty").push(line.to_owned());
    }
    steps
}

/// `── 3. Alice logs in ───` becomes `step 3, "Alice logs in"`.
fn step_name(heading: &str) -> String {
    let inner = heading
        .trim_start_matches("── ")
        .trim_end_matches(['─', ' ']);
    match inner.split_once(". ") {
        Some((number, title)) => format!("step {number}, \"{title}\""),
        None => "before the first step".to_owned(),
    }
}

/// Reads an insta snapshot file and returns its contents without the header.
pub fn read_snapshot(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.strip_prefix("---\n")?.split_once("\n---\n")?.1;
    Some(body.to_owned())
}

/// Prints the hint for a story that differs from its snapshot (see [`first_difference`]).
pub fn print_hint(snapshot_path: &str, transcript: &str) {
    let Some(expected) = read_snapshot(snapshot_path) else {
        return;
    };
    if let Some(hint) = first_difference(expected.trim_end(), transcript.trim_end()) {
        eprintln!("\nhint: {hint}\n");
    }
}

/// The exercise-mode check of a story: the transcript must equal the committed snapshot.
/// On a difference: a `hint:` line, a word on what the snapshot is, the diff, and a panic.
/// Nothing is written to disk.
pub fn check_exercise_story(snapshot_path: &str, transcript: &str) {
    let Some(expected) = read_snapshot(snapshot_path) else {
        panic!("the committed snapshot {snapshot_path} is missing: restore it from git");
    };
    let (expected, actual) = (expected.trim_end(), transcript.trim_end());
    let Some(hint) = first_difference(expected, actual) else {
        return;
    };
    let file = snapshot_path
        .rsplit_once("/tests/")
        .map_or(snapshot_path, |(_, f)| f);
    eprintln!("\nhint: {hint}");
    eprintln!(
        "\nThe committed snapshot (tests/{file}) is the answer: change your code until the \
         story matches it, never the snapshot.\n\n--- expected (the snapshot)\n+++ yours\n{}",
        unified_diff(expected, actual)
    );
    panic!("the story differs from the committed snapshot; the hint above names the first step");
}

fn unified_diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .to_string()
}

/// Fails a targeted check with a `hint:` line a student can act on, e.g.
/// `hint_assert!(reply.status == 404, "Bob ending Alice's session must be a 404, got {}", reply.status)`.
/// The hint is the panic's message, so it is printed once, under the line that says where
/// the check failed. The runner (`cargo course check`) picks one failed check's hint as the
/// headline (see `course/src/report.rs`).
#[macro_export]
macro_rules! hint_assert {
    ($condition:expr, $($hint:tt)+) => {
        if !$condition {
            panic!("hint: {}", format!($($hint)+));
        }
    };
}

/// Checks a story's transcript against `tests/snapshots/<name>.snap` (`story` when no
/// name is given), wherever in the lesson's tests it is called.
///
/// When a starter is compiled in (any exercise's feature turns on the lesson's feature
/// `starter`) it compares with the committed snapshot and never offers to update it; see
/// the module docs.
#[macro_export]
macro_rules! assert_story {
    ($transcript:expr) => {
        $crate::assert_story!("story", $transcript)
    };
    ($name:literal, $transcript:expr) => {{
        let transcript: String = $transcript;
        let snapshots = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
        let snapshot = format!("{snapshots}/{}.snap", $name);
        #[allow(unexpected_cfgs)]
        let exercise = cfg!(feature = "starter");
        if exercise {
            $crate::check_exercise_story(&snapshot, &transcript);
        } else {
            $crate::print_hint(&snapshot, &transcript);
            $crate::insta::with_settings!({
                snapshot_path => snapshots,
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                $crate::insta::assert_snapshot!($name, transcript);
            });
        }
    }};
}

/// How a student's test went, for the "break it" exercises: their test must fail against
/// the flawed server and pass against the fixed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    Passed,
    Failed,
    /// It reached a `todo!()`: not written yet.
    Todo,
}

/// Runs a test written as an `async fn` in a task of its own, so its panic is caught, and
/// says how it went. A panic of that test is how it fails, not a crash: it is printed
/// with [`STUDENT_TEST_FAILED`] under it, so that `cargo course` does not mistake it for
/// the student's code breaking.
pub async fn test_outcome<F>(test: F) -> TestOutcome
where
    F: Future<Output = ()> + Send + 'static,
{
    explain_todo_panics();
    match tokio::spawn(StudentTest(Box::pin(test))).await {
        Ok(()) => TestOutcome::Passed,
        Err(error) => match error.try_into_panic() {
            Ok(payload) if todo::is_todo(todo::panic_message(payload.as_ref())) => {
                TestOutcome::Todo
            }
            _ => TestOutcome::Failed,
        },
    }
}

/// The line printed under a panic of a test run by [`test_outcome`].
pub const STUDENT_TEST_FAILED: &str = "note: that is a test of yours failing, as a test does";

thread_local! {
    /// Whether this thread is polling a test run by [`test_outcome`] right now.
    static IN_STUDENT_TEST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A test run by [`test_outcome`], marked while it runs.
struct StudentTest<F>(std::pin::Pin<Box<F>>);

impl<F: Future<Output = ()>> Future for StudentTest<F> {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        IN_STUDENT_TEST.set(true);
        // Cleared however the poll ends, a panic included.
        struct Clear;
        impl Drop for Clear {
            fn drop(&mut self) {
                IN_STUDENT_TEST.set(false);
            }
        }
        let _clear = Clear;
        self.0.as_mut().poll(cx)
    }
}

/// Whether a test written as an `async fn` failed (panicked, a `todo!()` included).
pub async fn test_fails<F>(test: F) -> bool
where
    F: Future<Output = ()> + Send + 'static,
{
    test_outcome(test).await != TestOutcome::Passed
}
