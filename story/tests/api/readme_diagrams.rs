//! Every lesson README shows its story as a diagram, and the diagram is the one the story
//! draws now (`story::diagram`). A story that changes without its picture fails
//! here, with the command that redraws it:
//!
//! ```text
//! UPDATE_README_DIAGRAMS=1 cargo test -p story readme_diagrams
//! ```
//!
//! It rewrites only the marked sections: a README marks each drawing with
//! `<!-- diagram of tests/snapshots/NAME.snap… -->` and `<!-- end of diagram -->`;
//! ", with the database" in the first marker draws the database.

use std::path::{Path, PathBuf};

use story::diagram::{
    Diagram, MAX_ARROWS, MAX_LINE, README_BEGIN, README_END, README_UPDATE, readme_section,
};
use story::read_snapshot;

fn lessons() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut lessons: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("the workspace folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("lesson-"))
        })
        .collect();
    lessons.sort();
    lessons
}

/// The README with every diagram section redrawn from its snapshot.
fn redrawn(lesson: &Path, readme: &str) -> String {
    let mut out = String::new();
    let mut rest = readme;
    while let Some(start) = rest.find(README_BEGIN) {
        out.push_str(&rest[..start]);
        let section = &rest[start..];
        let end = section
            .find(README_END)
            .unwrap_or_else(|| panic!("{}: a diagram without its end marker", lesson.display()));
        let marker = section.lines().next().unwrap_or_default();
        let name = marker[README_BEGIN.len()..]
            .split(".snap")
            .next()
            .unwrap_or_default();
        let database = marker.contains(", with the database");
        let snapshot = lesson.join(format!("tests/snapshots/{name}.snap"));
        let transcript = read_snapshot(&snapshot.display().to_string())
            .unwrap_or_else(|| panic!("{}: no snapshot {}", lesson.display(), snapshot.display()));
        out.push_str(&readme_section(name, database, &transcript));
        rest = &section[end + README_END.len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_lesson_readme_shows_its_story_as_drawn_now() {
    let update = std::env::var_os("UPDATE_README_DIAGRAMS").is_some();
    let mut stale = Vec::new();
    for lesson in lessons() {
        let path = lesson.join("README.md");
        let readme = std::fs::read_to_string(&path).expect("every lesson has a README");
        assert!(
            readme.contains(README_BEGIN),
            "{} has no diagram of its story: add the two markers (see this file's docs)",
            path.display()
        );
        let now = redrawn(&lesson, &readme);
        if now != readme {
            if update {
                std::fs::write(&path, now).expect("the README is writable");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "these READMEs' diagrams no longer match their stories: {stale:?}. Redraw them with \
         `{README_UPDATE}`, then read the change"
    );
}

#[test]
fn every_part_of_every_story_fits_a_slide() {
    let mut drawn = 0;
    for lesson in lessons() {
        let snapshot = lesson.join("tests/snapshots/story.snap");
        let Some(transcript) = read_snapshot(&snapshot.display().to_string()) else {
            continue;
        };
        for diagram in [Diagram::default(), Diagram::with_database()] {
            for (index, part) in diagram.render(&transcript).iter().enumerate() {
                let place = format!("{} part {}", lesson.display(), index + 1);
                let arrows = part.lines().filter(|line| line.contains(">>")).count();
                assert!(arrows <= MAX_ARROWS, "{place}: {arrows} arrows\n{part}");
                for line in part.lines() {
                    assert!(
                        line.chars().count() <= MAX_LINE,
                        "{place}: a long line: {line}"
                    );
                }
                drawn += 1;
            }
        }
    }
    assert!(drawn > 0, "no lesson's story.snap was found to draw");
}
