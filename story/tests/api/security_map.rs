//! `SECURITY.md` maps each requirement of the standard to the test that shows it. A test
//! renamed or deleted would leave the map pointing at nothing, and a reader trusting it.
//! This file reads the map and fails, naming each broken reference, unless:
//!
//! - every `FOLDER/PATH.rs::NAME` is a file of the workspace with a test `fn NAME(` in it
//!   (`#[test]` or `#[tokio::test]` just above);
//! - every `` `….snap` step N `` (or `steps N–M`) names a file whose story has that step;
//! - every other path it names (a README) exists;
//! - every row marked **covered** names at least one test or story step.

use std::path::{Path, PathBuf};

/// The workspace folder, where `SECURITY.md` lives.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The runs of `text` that could be a path or a test's name, each with where it ends.
fn words(text: &str) -> Vec<(&str, usize)> {
    let is_part = |c: char| c.is_ascii_alphanumeric() || "-_./:".contains(c);
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (start, is_part(c)) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                // A sentence may end right after a reference.
                let word = text[from..at].trim_end_matches(['.', ':']);
                words.push((word, from + word.len()));
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// A test the map names: `lesson-06-server-sessions/tests/api/weak_spots.rs::NAME`.
fn test_reference(word: &str) -> Option<(&str, &str)> {
    let (path, name) = word.split_once(".rs::")?;
    let file = &word[..path.len() + ".rs".len()];
    Some((file, name.rsplit("::").next().unwrap_or(name)))
}

/// The story steps named right after a snapshot's path: "` step 4", "` steps 5–7" or
/// "` steps 3, 5".
fn steps_after(rest: &str) -> Vec<u32> {
    let rest = rest.trim_start_matches('`').trim_start();
    let Some(numbers) = rest
        .strip_prefix("steps ")
        .or_else(|| rest.strip_prefix("step "))
    else {
        return Vec::new();
    };
    let numbers: String = numbers
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '–' | ',' | ' '))
        .collect();
    let mut steps = Vec::new();
    for part in numbers.split(',') {
        let mut ends = part
            .split('–')
            .filter_map(|end| end.trim().parse::<u32>().ok());
        if let Some(first) = ends.next() {
            steps.extend(first..=ends.next().unwrap_or(first));
        }
    }
    steps
}

/// Whether `source` has `fn NAME(` under a test attribute.
fn has_test(source: &str, name: &str) -> bool {
    let signature = format!("fn {name}(");
    let lines: Vec<&str> = source.lines().collect();
    lines.iter().enumerate().any(|(at, line)| {
        line.contains(&signature)
            && lines[..at]
                .iter()
                .rev()
                .map(|line| line.trim())
                .take_while(|line| line.starts_with("#[") || line.starts_with("//"))
                .any(|line| line.starts_with("#[") && line.contains("test"))
    })
}

/// Whether the story in `snapshot` has a step `number`.
fn has_step(snapshot: &str, number: u32) -> bool {
    let heading = format!("── {number}. ");
    snapshot.lines().any(|line| line.starts_with(&heading))
}

/// What is wrong with the references of `text` (one line of the map), one message each,
/// and how many references it holds.
fn check(text: &str, root: &Path) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut references = 0;
    for (word, end) in words(text) {
        if let Some((file, name)) = test_reference(word) {
            references += 1;
            match std::fs::read_to_string(root.join(file)) {
                Ok(source) if has_test(&source, name) => {}
                Ok(_) => problems.push(format!("{file} has no test `fn {name}(`")),
                Err(_) => problems.push(format!("{file} does not exist (named for {name})")),
            }
        } else if word.ends_with(".snap") {
            let Ok(snapshot) = std::fs::read_to_string(root.join(word)) else {
                problems.push(format!("{word} does not exist"));
                continue;
            };
            for step in steps_after(&text[end..]) {
                references += 1;
                if !has_step(&snapshot, step) {
                    problems.push(format!("{word} has no step {step}"));
                }
            }
        } else if word.ends_with(".md") && word.contains('/') && !root.join(word).exists() {
            problems.push(format!("{word} does not exist"));
        }
    }
    (problems, references)
}

#[test]
fn every_test_and_story_step_the_security_map_names_exists() {
    let root = workspace();
    let map = std::fs::read_to_string(root.join("SECURITY.md"))
        .expect("SECURITY.md, at the workspace's root");
    let mut problems = Vec::new();
    let mut references = 0;
    for line in map.lines() {
        let (found, count) = check(line, &root);
        problems.extend(found);
        references += count;
        let id = line.split('|').nth(1).unwrap_or_default().trim();
        if line.starts_with('|') && line.contains("**covered**") && count == 0 {
            problems.push(format!(
                "row {id} says covered but names no test or story step"
            ));
        }
    }
    assert!(
        references > 0,
        "SECURITY.md names no test at all: has the form of its references changed?"
    );
    assert!(
        problems.is_empty(),
        "SECURITY.md points at what is not there:\n- {}",
        problems.join("\n- ")
    );
}

#[test]
fn the_checks_of_this_file_can_fail() {
    let root = workspace();
    let broken = "| 9.9.9 | **covered** | `lesson-06-server-sessions/tests/api/weak_spots.rs::no_such_test`, \
                  `lesson-06-server-sessions/tests/snapshots/story.snap` step 999, \
                  `common/tests/api/nowhere.rs::a_test`.";
    let (problems, references) = check(broken, &root);
    assert_eq!(references, 3, "{problems:?}");
    assert_eq!(problems.len(), 3, "{problems:?}");
    // A helper is not a test, even with the right name.
    let helper = "`lesson-06-server-sessions/tests/api/weak_spots.rs::started`";
    assert_eq!(check(helper, &root).0.len(), 1);
    let good = "`lesson-06-server-sessions/tests/api/weak_spots.rs::logging_in_again_ends_the_previous_session`, \
                `lesson-06-server-sessions/tests/snapshots/story.snap` steps 5–7.";
    assert_eq!(check(good, &root), (Vec::new(), 4));
}
