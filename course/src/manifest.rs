//! The exercises, read from each lesson's `exercises/exercises.toml`:
//!
//! ```toml
//! [[exercise]]
//! name = "03-1-login"                # unique; begins with the lesson's number
//! title = "Let Alice in"
//! kind = "warm-up"                   # "warm-up" | "apply" | "break-it"
//! starter = "exercises/1_login.rs"   # relative to the lesson's folder
//! solution = "src/login.rs"
//! tests = ["login::", "lesson_story::"]  # the tests of the lesson's test binary that check
//!                                  # it: modules or names, the most specific first
//! hints = ["first", "second"]
//!
//! [[exercise.wrong]]                 # a plausible wrong answer: the solution, one edit away
//! mistake = "a session for a wrong password"
//! replace = "accounts.check_login(&credentials).await?"   # exactly once in the solution
//! with = "accounts.register(&credentials).await?"
//! headline = "Invalid credentials"   # words the check's headline hint must contain
//!
//! [[exercise.panic]]                 # advice for a panic in the student's code
//! message = "overflow"               # part of the panic's message
//! hint = "Compute it without overflowing: checked_mul, or saturating_mul."
//! ```
//!
//! Each exercise has a Cargo feature of its own name on its lesson's crate, which compiles
//! its starter in place of its solution, and no other exercise's.
//!
//! Parsing is strict about types (a student would otherwise meet a confusing failure later),
//! while the course-wide rules (unique names, files exist, the editor sees each starter,
//! ...) are checked by [`Course::validate`], which `cargo course verify` reports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::progress::Progress;

pub const KINDS: [&str; 3] = ["warm-up", "apply", "break-it"];
const FIELDS: [&str; 9] = [
    "name", "title", "kind", "starter", "solution", "tests", "hints", "wrong", "panic",
];
const WRONG_FIELDS: [&str; 4] = ["mistake", "replace", "with", "headline"];
const PANIC_FIELDS: [&str; 2] = ["message", "hint"];

/// Each exercise keeps at least this many known wrong answers: a check earns trust by
/// refusing them, not only by passing the right one.
pub const MIN_WRONG_ANSWERS: usize = 3;

/// A plausible wrong answer, kept as an edit of the solution so that it follows the
/// solution's refactors: `replace` (found exactly once) becomes `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrongAnswer {
    pub mistake: String,
    pub replace: String,
    pub with: String,
    /// Words the headline of the failed check must contain: the hint that names the mistake.
    pub headline: String,
}

impl WrongAnswer {
    /// The solution with this mistake made, or why the edit does not apply.
    pub fn apply(&self, solution: &str) -> Result<String, String> {
        match solution.matches(self.replace.as_str()).count() {
            1 => Ok(solution.replacen(&self.replace, &self.with, 1)),
            0 => Err("its `replace` text is not in the solution any more".to_string()),
            n => Err(format!(
                "its `replace` text is in the solution {n} times: make it unique"
            )),
        }
    }
}

/// What to tell a student whose code panicked with a message that contains `message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanicHint {
    pub message: String,
    pub hint: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exercise {
    pub name: String,
    pub title: String,
    pub kind: String,
    /// The lesson's folder name, which is also its package name.
    pub lesson: String,
    /// Relative to the lesson's folder, with `/` separators, as written in the manifest.
    pub starter: String,
    pub solution: String,
    pub tests: Vec<String>,
    pub hints: Vec<String>,
    pub wrong: Vec<WrongAnswer>,
    pub panics: Vec<PanicHint>,
}

impl Exercise {
    /// The starter relative to the workspace root, with `/`: what a student is told to edit.
    pub fn starter_rel(&self) -> String {
        format!("{}/{}", self.lesson, self.starter)
    }
    pub fn solution_rel(&self) -> String {
        format!("{}/{}", self.lesson, self.solution)
    }
    pub fn starter_path(&self, root: &Path) -> PathBuf {
        join_rel(root, &self.starter_rel())
    }
    pub fn solution_path(&self, root: &Path) -> PathBuf {
        join_rel(root, &self.solution_rel())
    }
    /// `lesson-03-login/exercises/2_disabled.rs:54`: the starter at its first `TODO` (or
    /// line 1), a place a terminal lets the student click.
    pub fn starter_at(&self, root: &Path) -> String {
        let source = std::fs::read_to_string(self.starter_path(root)).unwrap_or_default();
        format!("{}:{}", self.starter_rel(), first_todo_line(&source))
    }
}

/// The number (from 1) of the first line with a `TODO`, or 1.
pub fn first_todo_line(source: &str) -> usize {
    source
        .lines()
        .position(|line| line.contains("TODO"))
        .map_or(1, |index| index + 1)
}

/// Joins a `/`-separated relative path onto `root`, one component at a time, so that the
/// result uses the platform's separator (manifests are written with `/` on every OS).
pub fn join_rel(root: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .fold(root.to_path_buf(), |path, part| path.join(part))
}

#[derive(Clone, Debug)]
pub struct Lesson {
    /// The folder name, e.g. `lesson-03-login`.
    pub name: String,
    pub exercises: Vec<Exercise>,
    /// Keys the runner does not know (typos, most likely), reported by `verify`.
    pub unknown_keys: Vec<String>,
}

impl Lesson {
    pub fn manifest_rel(&self) -> String {
        format!("{}/exercises/exercises.toml", self.name)
    }
    /// `03` for `lesson-03-login`: every exercise name of the lesson begins with `03-`.
    pub fn number(&self) -> &str {
        let rest = self.name.strip_prefix("lesson-").unwrap_or(&self.name);
        rest.split('-').next().unwrap_or(rest)
    }
}

#[derive(Clone, Debug)]
pub struct Course {
    pub root: PathBuf,
    /// Sorted by folder name; exercises keep their manifest's order.
    pub lessons: Vec<Lesson>,
}

impl Course {
    /// Reads every `<root>/lesson-*/exercises/exercises.toml`. A lesson without one has no
    /// exercises (yet) and is left out.
    pub fn load(root: &Path) -> Result<Course, String> {
        let entries = std::fs::read_dir(root)
            .map_err(|e| format!("cannot read the workspace folder {}: {e}", root.display()))?;
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name.starts_with("lesson-"))
            .filter(|name| join_rel(root, &format!("{name}/exercises/exercises.toml")).is_file())
            .collect();
        names.sort();
        let mut lessons = Vec::new();
        for name in names {
            let rel = format!("{name}/exercises/exercises.toml");
            let text = std::fs::read_to_string(join_rel(root, &rel))
                .map_err(|e| format!("cannot read {rel}: {e}"))?;
            let (exercises, unknown_keys) =
                parse_manifest(&name, &text).map_err(|e| format!("{rel}: {e}"))?;
            lessons.push(Lesson {
                name,
                exercises,
                unknown_keys,
            });
        }
        Ok(Course {
            root: root.to_path_buf(),
            lessons,
        })
    }

    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.lessons.iter().flat_map(|lesson| &lesson.exercises)
    }

    pub fn find(&self, name: &str) -> Option<&Exercise> {
        self.exercises().find(|exercise| exercise.name == name)
    }

    /// The first exercise, in course order, not done.
    pub fn next_todo(&self, progress: &Progress) -> Option<&Exercise> {
        self.exercises()
            .find(|exercise| !progress.is_done(&exercise.name))
    }

    /// The first exercise not done after `name`, in course order, going round to the start
    /// once; never `name` itself. `None`: every other exercise is done.
    pub fn next_after(&self, progress: &Progress, name: &str) -> Option<&Exercise> {
        let all: Vec<&Exercise> = self.exercises().collect();
        let at = all.iter().position(|exercise| exercise.name == name);
        let start = at.map_or(0, |at| at + 1);
        all[start..]
            .iter()
            .chain(&all[..start])
            .find(|exercise| exercise.name != name && !progress.is_done(&exercise.name))
            .copied()
    }

    /// Where the student is: the exercise last worked on while it is not done; once it is,
    /// the next one to do after it; with none recorded, the first one to do. The commands
    /// without a name (`check`, `hint`, `watch`, `open`) work on this one.
    pub fn current(&self, progress: &Progress) -> Option<&Exercise> {
        match progress.current().and_then(|name| self.find(name)) {
            Some(current) if !progress.is_done(&current.name) => Some(current),
            Some(current) => self.next_after(progress, &current.name),
            None => self.next_todo(progress),
        }
    }

    /// The exercise `name`, or a message that lists where the names are.
    pub fn named(&self, name: &str) -> Result<&Exercise, String> {
        self.find(name).ok_or_else(|| {
            format!("There is no exercise named `{name}`. `cargo course` lists them.")
        })
    }

    /// The course-wide rules of the manifests, one message per problem found.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for lesson in &self.lessons {
            let manifest = lesson.manifest_rel();
            for key in &lesson.unknown_keys {
                problems.push(format!("{manifest}: unknown key `{key}`"));
            }
            if lesson.exercises.is_empty() {
                problems.push(format!("{manifest}: no [[exercise]] in it"));
            }
            let prefix = format!("{}-", lesson.number());
            let seen_by_editor = crate::editor::editor_only_files(&self.root, &lesson.name);
            for exercise in &lesson.exercises {
                let name = &exercise.name;
                let mut problem =
                    |what: String| problems.push(format!("{manifest}: {name}: {what}"));
                if !seen.insert(name.clone()) {
                    problem("the name is used twice".into());
                }
                if !name.starts_with(&prefix) {
                    problem(format!(
                        "the name must begin with the lesson's number, `{prefix}`"
                    ));
                }
                if !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    problem("the name may use only letters, digits, `-` and `_`".into());
                }
                if !KINDS.contains(&exercise.kind.as_str()) {
                    problem(format!(
                        "unknown kind `{}` (known: {})",
                        exercise.kind,
                        KINDS.join(", ")
                    ));
                }
                for (what, rel) in [
                    ("starter", exercise.starter_rel()),
                    ("solution", exercise.solution_rel()),
                ] {
                    if !join_rel(&self.root, &rel).is_file() {
                        problem(format!("the {what} {rel} does not exist"));
                    }
                }
                if exercise.starter == exercise.solution {
                    problem("the starter and the solution are the same file".into());
                }
                let starter = exercise.starter_rel();
                if join_rel(&self.root, &starter).is_file()
                    && !seen_by_editor.contains(&crate::report::normalize(&starter))
                {
                    problem(crate::editor::unseen_starter(exercise));
                }
                if exercise.hints.is_empty() {
                    problem("it needs at least one hint".into());
                }
                if exercise.tests.is_empty() {
                    problem("it needs at least one test in `tests`".into());
                }
                if exercise.wrong.len() < MIN_WRONG_ANSWERS {
                    problem(format!(
                        "it keeps {} wrong answer(s); it needs at least {MIN_WRONG_ANSWERS} \
                         ([[exercise.wrong]])",
                        exercise.wrong.len()
                    ));
                }
                let solution =
                    std::fs::read_to_string(join_rel(&self.root, &exercise.solution_rel()))
                        .unwrap_or_default();
                for (index, wrong) in exercise.wrong.iter().enumerate() {
                    if let Err(why) = wrong.apply(&solution) {
                        problem(format!(
                            "wrong answer {} ({}): {why}",
                            index + 1,
                            wrong.mistake
                        ));
                    }
                    if wrong.headline.trim().is_empty() {
                        problem(format!(
                            "wrong answer {} ({}): `headline` is empty",
                            index + 1,
                            wrong.mistake
                        ));
                    }
                }
            }
        }
        problems
    }
}

/// Parses one manifest into its exercises, plus the keys it did not know.
pub fn parse_manifest(lesson: &str, text: &str) -> Result<(Vec<Exercise>, Vec<String>), String> {
    let document = DeTable::parse(text).map_err(|mut e| {
        e.set_input(Some(text));
        e.to_string().trim_end().to_string()
    })?;
    let mut exercises = Vec::new();
    let mut unknown = Vec::new();
    for (key, value) in document.get_ref() {
        let key = key.get_ref().as_ref();
        if key != "exercise" {
            unknown.push(key.to_string());
            continue;
        }
        let DeValue::Array(tables) = value.get_ref() else {
            return Err("`exercise` must be a list of tables: write each as [[exercise]]".into());
        };
        for (index, table) in tables.iter().enumerate() {
            let DeValue::Table(table) = table.get_ref() else {
                return Err(
                    "`exercise` must be a list of tables: write each as [[exercise]]".into(),
                );
            };
            let at = format!("exercise {}", index + 1);
            for (key, _) in table {
                if !FIELDS.contains(&key.get_ref().as_ref()) {
                    unknown.push(format!("{}` in `{at}", key.get_ref()));
                }
            }
            let wrong = tables_of(table, "wrong", &at, &WRONG_FIELDS, &mut unknown)?
                .iter()
                .map(|(wrong, at)| {
                    Ok(WrongAnswer {
                        mistake: string(wrong, "mistake", at)?,
                        replace: raw_string(wrong, "replace", at)?,
                        with: raw_string(wrong, "with", at)?,
                        headline: string(wrong, "headline", at)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let panics = tables_of(table, "panic", &at, &PANIC_FIELDS, &mut unknown)?
                .iter()
                .map(|(panic, at)| {
                    Ok(PanicHint {
                        message: string(panic, "message", at)?,
                        hint: string(panic, "hint", at)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            exercises.push(Exercise {
                name: string(table, "name", &at)?,
                title: string(table, "title", &at)?,
                kind: string(table, "kind", &at)?,
                lesson: lesson.to_string(),
                starter: path(table, "starter", &at)?,
                solution: path(table, "solution", &at)?,
                tests: strings(table, "tests", &at)?,
                hints: strings(table, "hints", &at)?,
                wrong,
                panics,
            });
        }
    }
    Ok((exercises, unknown))
}

fn field<'a>(table: &'a DeTable<'a>, key: &str, at: &str) -> Result<&'a DeValue<'a>, String> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, value)| value.get_ref())
        .ok_or_else(|| format!("{at} has no `{key}`"))
}

fn string(table: &DeTable, key: &str, at: &str) -> Result<String, String> {
    raw_string(table, key, at).map(|s| s.trim().to_string())
}

/// A string exactly as written: code in an edit keeps its spaces and line ends.
fn raw_string(table: &DeTable, key: &str, at: &str) -> Result<String, String> {
    match field(table, key, at)? {
        DeValue::String(s) => Ok(s.to_string()),
        _ => Err(format!("{at}: `{key}` must be a string")),
    }
}

/// The tables of an optional array of tables (`[[exercise.wrong]]`), each with its place
/// for messages; keys outside `fields` are reported as unknown.
fn tables_of<'a>(
    table: &'a DeTable<'a>,
    key: &str,
    at: &str,
    fields: &[&str],
    unknown: &mut Vec<String>,
) -> Result<Vec<(&'a DeTable<'a>, String)>, String> {
    let Some(value) = table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
    else {
        return Ok(Vec::new());
    };
    let not_tables =
        || format!("{at}: `{key}` must be a list of tables: write each as [[exercise.{key}]]");
    let DeValue::Array(items) = value.get_ref() else {
        return Err(not_tables());
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let DeValue::Table(inner) = item.get_ref() else {
                return Err(not_tables());
            };
            let place = format!("{at}, {key} {}", index + 1);
            for (name, _) in inner {
                if !fields.contains(&name.get_ref().as_ref()) {
                    unknown.push(format!("{}` in `{place}", name.get_ref()));
                }
            }
            Ok((inner, place))
        })
        .collect()
}

/// A path as written in the manifest, normalized to `/` without a leading `./`.
fn path(table: &DeTable, key: &str, at: &str) -> Result<String, String> {
    let raw = string(table, key, at)?.replace('\\', "/");
    Ok(raw.trim_start_matches("./").to_string())
}

fn strings(table: &DeTable, key: &str, at: &str) -> Result<Vec<String>, String> {
    let not_strings = || format!("{at}: `{key}` must be a list of strings");
    match field(table, key, at)? {
        DeValue::Array(items) => items
            .iter()
            .map(|item| {
                item.get_ref()
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(not_strings)
            })
            .collect(),
        _ => Err(not_strings()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[exercise]]
name = "03-1-login"
title = "Let Alice in"
kind = "warm-up"
starter = "./exercises/1_login.rs"
solution = "src/login.rs"
tests = ["check_story", "login"]
hints = ["first", "second"]
"#;

    #[test]
    fn reads_an_exercise() {
        let (exercises, unknown) = parse_manifest("lesson-03-login", GOOD).unwrap();
        assert!(unknown.is_empty());
        let exercise = &exercises[0];
        assert_eq!(exercise.name, "03-1-login");
        assert_eq!(
            exercise.starter_rel(),
            "lesson-03-login/exercises/1_login.rs"
        );
        assert_eq!(exercise.tests, ["check_story", "login"]);
        assert_eq!(exercise.hints.len(), 2);
    }

    #[test]
    fn explains_what_is_wrong() {
        let missing = GOOD.replace("title = \"Let Alice in\"\n", "");
        assert!(
            parse_manifest("l", &missing)
                .unwrap_err()
                .contains("has no `title`")
        );
        let wrong_type = GOOD.replace("tests = [\"check_story\", \"login\"]", "tests = \"x\"");
        assert!(
            parse_manifest("l", &wrong_type)
                .unwrap_err()
                .contains("list of strings")
        );
        assert!(
            parse_manifest("l", "[[exercise]\n")
                .unwrap_err()
                .contains("line 1")
        );
        let typo = GOOD.replace("hints =", "hint =");
        assert!(parse_manifest("l", &typo).is_err());
        let extra = format!("{GOOD}tset = 1\n");
        assert_eq!(parse_manifest("l", &extra).unwrap().1.len(), 1);
    }

    #[test]
    fn lesson_number() {
        let lesson = Lesson {
            name: "lesson-03-login".into(),
            exercises: vec![],
            unknown_keys: vec![],
        };
        assert_eq!(lesson.number(), "03");
    }
}
