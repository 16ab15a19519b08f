//! `cargo course reset NAME` puts back exactly one starter, from git's last commit.

use std::path::Path;
use std::process::Command;

use crate::fixture::{STARTER, course, read, run, write};
use course::commands::reset;

const PROGRESS: &str = ".course-progress";

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(root)
        .output()
        .expect("git is installed for the tests");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn reset_restores_only_its_starter_and_its_progress() {
    let dir = course();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "course"]);

    write(
        root,
        "lesson-01-alpha/exercises/1_greet.rs",
        "// my attempt at greet\n",
    );
    write(
        root,
        "lesson-01-alpha/exercises/2_count.rs",
        "// my attempt at count\n",
    );
    write(
        root,
        "lesson-01-alpha/src/greet.rs",
        "// I changed the reference too\n",
    );
    write(
        root,
        PROGRESS,
        "done 01-1-greet\nhints 01-1-greet 2\ndone 02-1-wave\nhints 01-2-count 1\n",
    );

    let (code, out, err) = run(root, |ctx| reset(ctx, "01-1-greet"));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("lesson-01-alpha/exercises/1_greet.rs is back"),
        "{out}"
    );
    assert!(out.contains("01-1-greet is to do again"), "{out}");

    assert_eq!(read(root, "lesson-01-alpha/exercises/1_greet.rs"), STARTER);
    assert_eq!(
        read(root, "lesson-01-alpha/exercises/2_count.rs"),
        "// my attempt at count\n"
    );
    assert_eq!(
        read(root, "lesson-01-alpha/src/greet.rs"),
        "// I changed the reference too\n"
    );
    let progress = read(root, PROGRESS);
    assert!(
        !progress.contains("done 01-1-greet") && !progress.contains("hints 01-1-greet"),
        "{progress}"
    );
    assert!(
        progress.contains("current 01-1-greet\n"),
        "the student is on it again: {progress}"
    );
    assert!(
        progress.contains("done 02-1-wave\n") && progress.contains("hints 01-2-count 1\n"),
        "{progress}"
    );
}

#[test]
fn reset_in_a_subfolder_of_the_repository() {
    // The workspace need not be the repository's top level.
    let top = tempfile::tempdir().unwrap();
    let dir = course();
    let root = top.path().join("course");
    std::fs::rename(dir.path(), &root).unwrap_or_else(|_| copy(dir.path(), &root));
    git(top.path(), &["init", "-q"]);
    git(top.path(), &["add", "."]);
    git(top.path(), &["commit", "-q", "-m", "course"]);
    write(&root, "lesson-02-beta/exercises/1_wave.rs", "// mine\n");
    let (code, _, err) = run(&root, |ctx| reset(ctx, "02-1-wave"));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(read(&root, "lesson-02-beta/exercises/1_wave.rs"), STARTER);
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn reset_refuses_a_file_git_does_not_have() {
    let dir = course();
    let root = dir.path();
    git(root, &["init", "-q"]);
    // Only one lesson is committed: lesson 02's starter is not tracked.
    git(root, &["add", "lesson-01-alpha"]);
    git(root, &["commit", "-q", "-m", "lesson 01 only"]);
    write(root, "lesson-02-beta/exercises/1_wave.rs", "// mine\n");
    write(root, PROGRESS, "done 02-1-wave\n");

    let (code, out, err) = run(root, |ctx| reset(ctx, "02-1-wave"));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(
        read(root, "lesson-02-beta/exercises/1_wave.rs"),
        "// mine\n"
    );
    assert_eq!(read(root, PROGRESS), "done 02-1-wave\n");
}

#[test]
fn reset_outside_any_repository_changes_nothing() {
    let dir = course();
    write(
        dir.path(),
        "lesson-01-alpha/exercises/1_greet.rs",
        "// mine\n",
    );
    let (code, _, err) = run(dir.path(), |ctx| reset(ctx, "01-1-greet"));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        read(dir.path(), "lesson-01-alpha/exercises/1_greet.rs"),
        "// mine\n"
    );
}
