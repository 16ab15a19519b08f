//! What the READMEs say about the course's shape must stay true as lessons are added. A
//! lesson written as the last one says so in its "What's next", and nobody rereads it when
//! the next lesson arrives. This file fails, naming the file and the line, when:
//!
//! - a lesson's README calls its lesson the last (or final) one while a lesson with a
//!   higher number exists;
//! - the root README's table of lessons has no row for a `lesson-NN-*` folder, or a row
//!   for a lesson folder that is not there.

use std::path::{Path, PathBuf};

/// The workspace folder, which holds the lesson folders and the root README.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A lesson's folder and its number: `lesson-06-server-sessions`, 6.
struct Lesson {
    number: u32,
    folder: String,
}

/// The number in a lesson folder's name: `lesson-06-server-sessions` is 6. `None` for a
/// name that is not `lesson-`, digits, `-` and a name.
fn lesson_number(folder: &str) -> Option<u32> {
    let (digits, name) = folder.strip_prefix("lesson-")?.split_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    digits.parse().ok()
}

/// The workspace's lesson folders, lowest number first.
fn lessons(root: &Path) -> Vec<Lesson> {
    let mut lessons: Vec<Lesson> = std::fs::read_dir(root)
        .expect("the workspace folder can be listed")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let folder = entry.file_name().into_string().ok()?;
            let number = lesson_number(&folder)?;
            entry
                .file_type()
                .ok()?
                .is_dir()
                .then_some(Lesson { number, folder })
        })
        .collect();
    lessons.sort_by_key(|lesson| lesson.number);
    lessons
}

/// Words that call a lesson the last wherever they stand.
const LAST_LESSON: [&str; 3] = ["last lesson", "final lesson", "last of the lessons"];

/// Words that call something the last: a lesson only when the same sentence speaks of a
/// lesson, the workspace or the course ("it gets the last one wrong" is about an endpoint).
const LAST_ONE: [&str; 2] = ["last one", "final one"];
const ABOUT_THE_COURSE: [&str; 3] = ["lesson", "workspace", "course"];

/// The lines of a README (numbered from 1) whose sentences call a lesson the last one, each
/// with that sentence. Code blocks are skipped; a sentence may run over several lines, and
/// is reported at the line where the words start.
fn claims_to_be_last(readme: &str) -> Vec<(usize, String)> {
    let mut claims = Vec::new();
    let mut in_code = false;
    // The paragraph being read: its text, lower case, lines joined by one space, and where
    // each of its lines starts in that text.
    let mut text = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (index, line) in readme.lines().chain([""]).enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
        }
        if in_code || trimmed.starts_with("```") || trimmed.is_empty() {
            claims.extend(claims_in(&text, &starts));
            text.clear();
            starts.clear();
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        starts.push((text.len(), index + 1));
        // Emphasis marks would split the words apart: `*last* lesson`.
        text.extend(
            trimmed
                .chars()
                .filter(|c| !matches!(c, '*' | '_'))
                .flat_map(char::to_lowercase),
        );
    }
    claims
}

/// The claims in one paragraph (see [`claims_to_be_last`]).
fn claims_in(text: &str, starts: &[(usize, usize)]) -> Vec<(usize, String)> {
    let mut claims = Vec::new();
    let phrases = LAST_LESSON.iter().map(|phrase| (phrase, true));
    let phrases = phrases.chain(LAST_ONE.iter().map(|phrase| (phrase, false)));
    for (phrase, always) in phrases {
        for (at, _) in text.match_indices(phrase) {
            let sentence = sentence_around(text, at);
            if always || ABOUT_THE_COURSE.iter().any(|word| sentence.contains(word)) {
                let line = starts
                    .iter()
                    .rev()
                    .find(|(start, _)| *start <= at)
                    .map_or(0, |(_, line)| *line);
                claims.push((line, sentence.to_owned()));
            }
        }
    }
    claims.sort();
    claims.dedup();
    claims
}

/// The sentence of `text` that holds the byte `at`: from after the last `. `, `? ` or `! `
/// before it, to the next one after it.
fn sentence_around(text: &str, at: usize) -> &str {
    let ends = |(_, pair): &(usize, &[u8])| matches!(pair, [b'.' | b'?' | b'!', b' ']);
    let bytes: Vec<(usize, &[u8])> = text.as_bytes().windows(2).enumerate().collect();
    let start = bytes[..at.min(bytes.len())]
        .iter()
        .rev()
        .find(|pair| ends(pair))
        .map_or(0, |(index, _)| index + 2);
    let end = bytes[at.min(bytes.len())..]
        .iter()
        .find(|pair| ends(pair))
        .map_or(text.len(), |(index, _)| index + 1);
    text[start..end].trim()
}

#[test]
fn no_readme_calls_its_lesson_the_last_while_a_later_one_exists() {
    let root = workspace();
    let lessons = lessons(&root);
    assert!(
        lessons.len() >= 2,
        "found {} lesson folders (lesson-NN-*) in {}: has the layout changed?",
        lessons.len(),
        root.display()
    );
    let mut problems = Vec::new();
    for (lesson, later) in lessons.iter().zip(&lessons[1..]) {
        let path = format!("{}/README.md", lesson.folder);
        let readme = std::fs::read_to_string(root.join(&path))
            .unwrap_or_else(|error| panic!("{path} cannot be read: {error}"));
        for (line, sentence) in claims_to_be_last(&readme) {
            problems.push(format!(
                "{path}:{line} calls its lesson the last, but lesson {:02} ({}) comes \
                 after it: \"{sentence}\" (if it means the lesson before, say \"the \
                 previous lesson\")",
                later.number, later.folder
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "a README is out of date:\n- {}",
        problems.join("\n- ")
    );
}

/// The row of the root README's lessons table for each lesson folder it links to, as
/// `(line, folder)`: the table is the one under the heading `## The lessons`.
fn lesson_rows(readme: &str) -> Option<Vec<(usize, String)>> {
    let mut lines = readme.lines().enumerate();
    lines.find(|(_, line)| line.trim() == "## The lessons")?;
    let mut rows = Vec::new();
    for (index, line) in lines.take_while(|(_, line)| !line.starts_with("## ")) {
        if !line.trim_start().starts_with('|') {
            continue;
        }
        for (at, _) in line.match_indices("](") {
            let target = &line[at + 2..];
            let folder = target
                .split(['/', ')', '#'])
                .next()
                .unwrap_or_default()
                .trim_start_matches("./");
            if lesson_number(folder).is_some() {
                rows.push((index + 1, folder.to_owned()));
            }
        }
    }
    Some(rows)
}

#[test]
fn the_root_readmes_table_has_a_row_for_every_lesson() {
    let root = workspace();
    let lessons = lessons(&root);
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the root README.md");
    let rows = lesson_rows(&readme)
        .expect("README.md has a heading `## The lessons` with the table of lessons under it");
    let mut problems = Vec::new();
    for lesson in &lessons {
        if !rows.iter().any(|(_, folder)| *folder == lesson.folder) {
            problems.push(format!(
                "README.md's table under \"## The lessons\" has no row for {}",
                lesson.folder
            ));
        }
    }
    for (line, folder) in &rows {
        if !lessons.iter().any(|lesson| lesson.folder == *folder) {
            problems.push(format!(
                "README.md:{line} links to {folder}/, which is not a lesson folder"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "README.md's lessons table is out of date:\n- {}",
        problems.join("\n- ")
    );
}

#[test]
fn the_checks_of_this_file_can_fail() {
    let readme = "\
# Lesson 06

This server has three endpoints, and it
gets the last one wrong on purpose.

The last one replays the laptop's cookie after its logout: 401.

```text
This is the last lesson, inside a transcript.
```

## What's next

This is the last
lesson in this workspace. You now have the full picture.

Nothing comes after: this lesson is the *final* one of the course.
";
    let lines: Vec<usize> = claims_to_be_last(readme)
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    assert_eq!(lines, [14, 17], "{:?}", claims_to_be_last(readme));
    assert_eq!(
        claims_to_be_last(readme)[0].1,
        "this is the last lesson in this workspace."
    );

    assert_eq!(lesson_number("lesson-06-server-sessions"), Some(6));
    for not_a_lesson in [
        "lessons",
        "lesson-06",
        "lesson--x",
        "lesson-+6-x",
        "lesson-x6-y",
    ] {
        assert_eq!(lesson_number(not_a_lesson), None, "{not_a_lesson}");
    }

    let table = "\
## The lessons

| lesson | what |
|---|---|
| [01 · stateless](lesson-01-stateless/) | one variable |
| [07 · gone](lesson-07-gone/README.md) | a row left behind |

## Start here
| [99 · below](lesson-99-below/) | another table |
";
    assert_eq!(
        lesson_rows(table),
        Some(vec![
            (5, "lesson-01-stateless".to_owned()),
            (6, "lesson-07-gone".to_owned()),
        ])
    );
    assert_eq!(lesson_rows("# No table here"), None);
}
