//! rust-analyzer itself, on a copy of the real workspace: a type error put into every
//! starter, and into each lesson's own module that a warm-up replaces, must each be
//! reported in its own file. That is what a student sees in the editor with no set-up.
//! Ignored by default: it needs rust-analyzer and takes about a minute (see course/README.md,
//! "Editor support"):
//!
//! ```sh
//! RUST_ANALYZER=/path/to/rust-analyzer cargo test -p course --test cli -- --ignored editor::
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use course::Course;
use course::manifest::join_rel;
use course::verify::Scratch;

/// An error rust-analyzer finds without the standard library (this toolchain has no
/// `rust-src`, so whatever needs `std` resolves badly).
const TYPO: &str = "let _typo: u32 = \"not a number\";";

#[test]
#[ignore = "needs rust-analyzer and about a minute: see course/README.md, \"Editor support\""]
fn rust_analyzer_reports_an_error_in_every_starter_and_warm_up_module() {
    let analyzer = std::env::var_os("RUST_ANALYZER").unwrap_or_else(|| "rust-analyzer".into());
    let runs = Command::new(&analyzer)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        runs,
        "cannot run rust-analyzer ({}): set RUST_ANALYZER to it, or build it with \
         `cargo install ra_ap_rust-analyzer --version 0.0.340 --locked` (needs Rust 1.95)",
        analyzer.to_string_lossy()
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let scratch = Scratch::copy_of(root, &std::env::temp_dir()).unwrap();
    let course = Course::load(&scratch.path).unwrap();
    let mut files: Vec<String> = course.exercises().map(|e| e.starter_rel()).collect();
    files.extend(
        course
            .exercises()
            .filter(|exercise| exercise.solution.starts_with("src/"))
            .map(|exercise| exercise.solution_rel()),
    );
    // Each file with the line (from 0, as rust-analyzer counts) of its error.
    let mut expected: Vec<(String, usize)> = Vec::new();
    for rel in files {
        let path = join_rel(&scratch.path, &rel);
        let source = std::fs::read_to_string(&path).unwrap();
        let with_typo = format!(
            "{}\n\n// Put here by the course's editor test.\nfn _the_editor_sees_this() {{\n    {TYPO}\n}}\n",
            source.trim_end()
        );
        let line = with_typo.lines().position(|l| l.contains(TYPO)).unwrap();
        std::fs::write(&path, with_typo).unwrap();
        expected.push((rel, line));
    }

    let output = Command::new(&analyzer)
        .arg("diagnostics")
        .arg(&scratch.path)
        // Its `cargo check` of build scripts and proc-macros: in the copy, gone with it.
        .env("CARGO_TARGET_DIR", scratch.path.join("target"))
        .output()
        .unwrap();
    let found = diagnostics(&String::from_utf8_lossy(&output.stdout));
    let real_root = std::fs::canonicalize(&scratch.path).unwrap();
    let real = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let is_typo = |diagnostic: &Diagnostic, rel: &str, line: usize| {
        diagnostic.severity == "Error"
            && diagnostic.line == line
            && diagnostic.message.starts_with("expected u32")
            && real(&diagnostic.file) == join_rel(&real_root, rel)
    };

    // Not checked, but worth knowing: the other errors it finds in the lessons (many are
    // the standard library it cannot resolve without `rust-src`).
    let mut others: Vec<String> = found
        .iter()
        .filter(|d| d.severity == "Error")
        .filter(|d| !expected.iter().any(|(rel, line)| is_typo(d, rel, *line)))
        .filter_map(|d| {
            let rel = real(&d.file).strip_prefix(&real_root).ok()?.to_path_buf();
            rel.to_string_lossy()
                .starts_with("lesson-")
                .then(|| format!("  {}:{}: {}", rel.display(), d.line + 1, d.message))
        })
        .collect();
    others.sort();
    others.dedup();
    eprintln!(
        "Besides the errors put in, rust-analyzer reports {} errors in the lessons:\n{}\n",
        others.len(),
        others.join("\n")
    );

    let missing: Vec<String> = expected
        .iter()
        .filter(|(rel, line)| !found.iter().any(|d| is_typo(d, rel, *line)))
        .map(|(rel, line)| format!("  {rel}:{}", line + 1))
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr_tail: Vec<&str> = stderr.lines().rev().take(20).collect();
    assert!(
        missing.is_empty(),
        "rust-analyzer did not report the type error put into:\n{}\n\
         (it reported {} diagnostics; the end of its stderr:\n{})",
        missing.join("\n"),
        found.len(),
        stderr_tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

/// One line of `rust-analyzer diagnostics`:
/// `at crate api, file /w/x.rs: Error RustcHardError("E0308") from LineCol { line: 71, col: 21 }
/// to LineCol { line: 71, col: 35 }: expected u32, found &'static str`.
#[derive(Debug)]
struct Diagnostic {
    file: PathBuf,
    severity: String,
    line: usize,
    message: String,
}

/// The diagnostics in its output (where progress lines are mixed in, without line ends).
fn diagnostics(report: &str) -> Vec<Diagnostic> {
    report
        .split("at crate ")
        .skip(1)
        .filter_map(|chunk| {
            let (_, rest) = chunk.split_once(", file ")?;
            let (file, rest) = rest.split_once(": ")?;
            let (severity, rest) = rest.split_once(' ')?;
            let (_, from) = rest.split_once("from LineCol { line: ")?;
            let line = from.split(',').next()?.trim().parse().ok()?;
            let (_, message) = rest.split_once("}: ")?;
            Some(Diagnostic {
                file: PathBuf::from(file),
                severity: severity.to_string(),
                line,
                message: message.lines().next()?.trim().to_string(),
            })
        })
        .collect()
}

#[test]
fn reads_rust_analyzers_diagnostics() {
    let report = "12/202 5% processing /w/a.rs   at crate api, file /w/a.rs: Error \
                  RustcHardError(\"E0308\") from LineCol { line: 71, col: 21 } to LineCol \
                  { line: 71, col: 35 }: expected u32, found &'static str\n3/202 6% processing";
    let found = diagnostics(report);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].file, PathBuf::from("/w/a.rs"));
    assert_eq!(found[0].severity, "Error");
    assert_eq!(found[0].line, 71);
    assert_eq!(found[0].message, "expected u32, found &'static str");
}
