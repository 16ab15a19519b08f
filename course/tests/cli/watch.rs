//! `cargo course watch`, driven through its loop with events of our own: a student who types
//! a key each time the screen asks for one (each prompt), and saves files. No test waits
//! for the file system or depends on timing.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};

use course::watch::{Event, run};
use course::{Checker, Ctx, Exercise, Outcome, Style};

use crate::fixture::{FakeChecker, SOLUTION, course, read, write};

const PROGRESS: &str = ".course-progress";
const GREET: &str = "lesson-01-alpha/exercises/1_greet.rs";
const COUNT: &str = "lesson-01-alpha/exercises/2_count.rs";

/// The fake checker, keeping the name of each exercise it checked.
#[derive(Default)]
struct Recorder {
    checked: RefCell<Vec<String>>,
}

impl Checker for Recorder {
    fn run(&self, workspace: &Path, exercise: &Exercise) -> Outcome {
        self.checked.borrow_mut().push(exercise.name.clone());
        FakeChecker.run(workspace, exercise)
    }
}

/// The screen: it keeps what the runner writes, and each time a prompt (a line that ends
/// with "q quit.") is written, the student answers with the next batch of events.
struct Student {
    screen: Vec<u8>,
    answers: VecDeque<Vec<Event>>,
    prompts_answered: usize,
    keyboard: Option<Sender<Event>>,
}

impl Write for Student {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.screen.extend_from_slice(bytes);
        let prompts = String::from_utf8_lossy(&self.screen)
            .matches("q quit.\n")
            .count();
        while self.prompts_answered < prompts {
            self.prompts_answered += 1;
            match (self.answers.pop_front(), &self.keyboard) {
                (Some(batch), Some(keyboard)) => {
                    for event in batch {
                        keyboard.send(event).unwrap();
                    }
                }
                // Nothing left to type: the events end, and so does the loop.
                _ => self.keyboard = None,
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn key(text: &str) -> Vec<Event> {
    vec![Event::Line(text.to_string())]
}

fn saved(rel: &str) -> Event {
    Event::Saved(vec![PathBuf::from(rel)])
}

/// Runs `watch [name]` on `root` with the student's answers: (exit code, screen, the
/// exercises checked in order).
fn watch(
    root: &Path,
    name: Option<&str>,
    manual: bool,
    answers: Vec<Vec<Event>>,
) -> (u8, String, Vec<String>) {
    let (keyboard, events) = channel();
    let mut student = Student {
        screen: Vec::new(),
        answers: answers.into(),
        prompts_answered: 0,
        keyboard: Some(keyboard),
    };
    let mut err = Vec::new();
    let checker = Recorder::default();
    let result = {
        let mut ctx = Ctx {
            root: root.to_path_buf(),
            style: Style::plain(),
            out: &mut student,
            err: &mut err,
        };
        run(&mut ctx, &checker, name, manual, events)
    };
    let screen = String::from_utf8(student.screen).unwrap();
    let code = result.unwrap_or_else(|e| panic!("{e}\n{screen}"));
    assert_eq!(String::from_utf8(err).unwrap(), "", "{screen}");
    (code, screen, checker.checked.into_inner())
}

#[test]
fn watch_name_checks_it_again_when_its_file_is_saved() {
    let dir = course();
    let (code, screen, checked) = watch(
        dir.path(),
        Some("01-2-count"),
        false,
        vec![vec![saved(COUNT)], key("q")],
    );
    assert_eq!(code, 0);
    assert_eq!(checked, ["01-2-count", "01-2-count"], "{screen}");
    assert!(
        screen.contains("Watching 01-2-count: each save checks it again."),
        "{screen}"
    );
    assert!(read(dir.path(), PROGRESS).contains("current 01-2-count\n"));
}

#[test]
fn saving_another_exercises_file_neither_checks_nor_switches() {
    let dir = course();
    let (_, screen, checked) = watch(
        dir.path(),
        Some("01-2-count"),
        false,
        // Had the first save counted, the quit would come after a second check.
        vec![vec![saved(GREET), Event::Line("q".into())]],
    );
    assert_eq!(checked, ["01-2-count"], "{screen}");

    // Any other file counts: a lesson's own code, the manifest.
    let (_, screen, checked) = watch(
        dir.path(),
        Some("01-2-count"),
        false,
        vec![vec![saved("lesson-01-alpha/src/lib.rs")], key("q")],
    );
    assert_eq!(checked, ["01-2-count", "01-2-count"], "{screen}");
}

#[test]
fn watch_without_a_name_stays_on_the_exercise_last_worked_on() {
    let dir = course();
    write(dir.path(), PROGRESS, "current 02-1-wave\n");
    let (_, _, checked) = watch(dir.path(), None, false, vec![key("q")]);
    assert_eq!(checked, ["02-1-wave"]);

    // A progress file from before `current`: the first exercise to do.
    write(dir.path(), PROGRESS, "done 01-1-greet\n");
    let (_, _, checked) = watch(dir.path(), None, false, vec![key("q")]);
    assert_eq!(checked, ["01-2-count"]);
}

#[test]
fn keys_hint_list_next_and_quit() {
    let dir = course();
    let (code, screen, checked) = watch(
        dir.path(),
        None,
        false,
        vec![key("h"), key("h"), key("l"), key("n"), key("q")],
    );
    assert_eq!(code, 0);
    assert_eq!(checked, ["01-1-greet", "01-2-count"], "{screen}");
    assert!(
        screen.contains(
            "  1. Say hello first.\nStill stuck? Ask again for the next hint (2 left): h + Enter"
        ),
        "{screen}"
    );
    assert!(screen.contains("  2. Use println!."), "{screen}");
    assert!(
        screen.contains("Progress: ░░░░░░░░░░░░░░░░░░░░░░░░ 0 of 3 done"),
        "`l` lists: {screen}"
    );
    assert!(
        screen.contains("Checking exercise 01-2-count"),
        "`n` goes on: {screen}"
    );
    let progress = read(dir.path(), PROGRESS);
    assert!(
        progress.contains("current 01-2-count\n") && progress.contains("hints 01-1-greet 2\n"),
        "{progress}"
    );
}

#[test]
fn enter_checks_again_and_after_a_pass_goes_on() {
    let dir = course();
    write(dir.path(), GREET, SOLUTION);
    let (code, screen, checked) = watch(
        dir.path(),
        None,
        false,
        vec![key(""), key(""), key("r"), key("q")],
    );
    assert_eq!(code, 0);
    assert_eq!(
        checked,
        ["01-1-greet", "01-2-count", "01-2-count", "01-2-count"],
        "{screen}"
    );
    assert!(
        screen.contains("n or Enter: the next exercise (01-2-count)."),
        "{screen}"
    );
}

#[test]
fn s_shows_the_reference_after_a_pass() {
    let dir = course();
    write(dir.path(), GREET, "// done\n// mine\n");
    let (_, screen, _) = watch(dir.path(), None, false, vec![key("s"), key("q")]);
    assert!(
        screen.contains("--- yours: lesson-01-alpha/exercises/1_greet.rs\n+++ reference: lesson-01-alpha/src/greet.rs\n"),
        "{screen}"
    );
    assert!(screen.contains("-// mine\n"), "{screen}");
}

#[test]
fn an_exercises_name_switches_to_it_and_unknown_keys_are_explained() {
    let dir = course();
    let (_, screen, checked) = watch(
        dir.path(),
        None,
        false,
        vec![key("x"), key("02-1-wave"), key("q")],
    );
    assert_eq!(checked, ["01-1-greet", "02-1-wave"], "{screen}");
    assert!(
        screen.contains("`x` is neither a key nor an exercise's name."),
        "{screen}"
    );
    assert!(read(dir.path(), PROGRESS).contains("current 02-1-wave\n"));
}

#[test]
fn next_when_nothing_else_is_left_and_the_last_pass() {
    let dir = course();
    write(dir.path(), PROGRESS, "done 01-2-count\ndone 02-1-wave\n");
    let (_, screen, checked) = watch(dir.path(), None, false, vec![key("n"), key("q")]);
    assert_eq!(checked, ["01-1-greet"]);
    assert!(
        screen.contains("01-1-greet is the only exercise left to do."),
        "{screen}"
    );

    // The last one passes: the course is done, and watch ends by itself.
    write(dir.path(), GREET, SOLUTION);
    let (code, screen, checked) = watch(dir.path(), None, false, vec![]);
    assert_eq!((code, checked.len()), (0, 1));
    assert!(
        screen.contains("All exercises are done (3 of 3)"),
        "{screen}"
    );
}

#[test]
fn manual_checks_on_enter_only_and_ends_with_its_input() {
    let dir = course();
    let (code, screen, checked) = watch(
        dir.path(),
        Some("01-1-greet"),
        true,
        vec![
            vec![saved(GREET), Event::Line(String::new())],
            vec![Event::EndOfInput],
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(checked, ["01-1-greet", "01-1-greet"], "{screen}");
    assert!(
        screen.contains("Watching 01-1-greet: Enter checks it again."),
        "{screen}"
    );
}

#[test]
fn a_name_that_does_not_exist_is_an_error() {
    let dir = course();
    let (_, events) = channel();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut ctx = Ctx {
        root: dir.path().to_path_buf(),
        style: Style::plain(),
        out: &mut out,
        err: &mut err,
    };
    let error = run(&mut ctx, &FakeChecker, Some("nope"), false, events).unwrap_err();
    assert!(error.contains("no exercise named `nope`"), "{error}");
}
