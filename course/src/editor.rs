//! What the student's editor sees. rust-analyzer analyses what cargo would build with no
//! feature on, plus what `cfg(rust_analyzer)` adds. A starter is compiled only with its
//! exercise's feature, so each lesson declares, beside the swap, a module that only
//! rust-analyzer compiles:
//!
//! ```text
//! #[cfg(all(rust_analyzer, not(feature = "03-1-login")))]
//! #[path = "../exercises/1_login.rs"]
//! mod login_starter;
//! ```
//!
//! [`editor_only_files`] finds those modules by reading a lesson's `src/` and `tests/` as
//! text (each `mod NAME;` with a `#[path]`, and the attributes above it), so that `verify`
//! and CI can tell in a moment that every starter has one. The proof that rust-analyzer
//! itself then analyses each starter is the ignored test `tests/cli/editor.rs`, which runs it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::manifest::{Exercise, join_rel};
use crate::report::normalize;

/// The files of `lesson` (relative to the workspace root, normalized) that a module reaches
/// by `#[path]` when rust-analyzer analyses the lesson, and not when cargo builds it
/// without features.
pub fn editor_only_files(root: &Path, lesson: &str) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    for folder in ["src", "tests"] {
        for (rel, source) in rust_files(root, &format!("{lesson}/{folder}")) {
            let folder_of_file = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
            for module in path_modules(&source) {
                let for_editor = module.holds(true) == Some(true);
                let for_cargo = module.holds(false) != Some(false);
                if for_editor && !for_cargo {
                    files.insert(normalize(&format!("{folder_of_file}/{}", module.path)));
                }
            }
        }
    }
    files
}

/// What `verify` says about a starter that no editor-only module reaches.
pub fn unseen_starter(exercise: &Exercise) -> String {
    format!(
        "the editor does not see the starter {}: beside its swap, declare a module that only \
         rust-analyzer compiles: `#[cfg(all(rust_analyzer, not(feature = \"{}\")))] \
         #[path = \"…\"] mod …;` (see the README's \"Exercises\")",
        exercise.starter_rel(),
        exercise.name
    )
}

/// Every `.rs` file under the folder `rel` (relative to `root`, with `/`), with its text.
fn rust_files(root: &Path, rel: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(join_rel(root, rel)) else {
        return files;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}/{name}");
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            files.extend(rust_files(root, &child));
        } else if name.ends_with(".rs")
            && let Ok(source) = std::fs::read_to_string(entry.path())
        {
            files.push((child, source));
        }
    }
    files
}

/// A `mod NAME;` declared with a `#[path]`: the path as written, and every `cfg` it is
/// under (its `#[cfg(...)]` attributes, and the condition of a `#[cfg_attr(..., path)]`).
#[derive(Debug, PartialEq, Eq)]
struct PathModule {
    path: String,
    cfgs: Vec<String>,
}

impl PathModule {
    /// Whether the module reaches its path, with `cfg(rust_analyzer)` set or not, and no
    /// feature on. `None`: a cfg this does not read.
    fn holds(&self, rust_analyzer: bool) -> Option<bool> {
        self.cfgs
            .iter()
            .try_fold(true, |all, cfg| Some(all && evaluate(cfg, rust_analyzer)?))
    }
}

/// The `mod` items of `source` that carry a `#[path]`. Attributes may span lines; comments
/// between them are skipped.
fn path_modules(source: &str) -> Vec<PathModule> {
    let mut modules = Vec::new();
    let mut attributes: Vec<String> = Vec::new();
    let mut lines = source.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line.starts_with("#[") {
            let mut attribute = line.to_string();
            while attribute.matches('[').count() > attribute.matches(']').count() {
                let Some(more) = lines.next() else { break };
                attribute.push(' ');
                attribute.push_str(more);
            }
            attributes.push(attribute);
            continue;
        }
        if line.starts_with("//") {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if line.ends_with(';') && words.contains(&"mod") {
            modules.extend(path_module(&attributes));
        }
        attributes.clear();
    }
    modules
}

fn path_module(attributes: &[String]) -> Option<PathModule> {
    let mut path = None;
    let mut cfgs = Vec::new();
    for attribute in attributes {
        let inner = attribute.strip_prefix("#[")?.strip_suffix(']')?.trim();
        if let Some(value) = key_value(inner, "path") {
            path = Some(value);
        } else if let Some(cfg) = call(inner, "cfg") {
            cfgs.push(cfg.to_string());
        } else if let Some(arguments) = call(inner, "cfg_attr") {
            let mut parts = split_top_level(arguments).into_iter();
            let condition = parts.next()?;
            if let Some(value) = parts.find_map(|part| key_value(part, "path")) {
                path = Some(value);
                cfgs.push(condition.to_string());
            }
        }
    }
    Some(PathModule { path: path?, cfgs })
}

/// `key = "value"` → `value`.
fn key_value(text: &str, key: &str) -> Option<String> {
    let value = text
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    Some(value.strip_prefix('"')?.strip_suffix('"')?.to_string())
}

/// `name(arguments)` → `arguments`.
fn call<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.strip_prefix(name)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
}

/// Splits at the commas that are not inside parentheses or quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0, false, 0);
    for (at, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// A `cfg` predicate's value with `rust_analyzer` set or not and no feature on; every other
/// option (`test`, `unix`, ...) counts as unset. `None`: not a predicate.
fn evaluate(predicate: &str, rust_analyzer: bool) -> Option<bool> {
    let predicate = predicate.trim();
    if let Some(arguments) = call(predicate, "all") {
        return split_top_level(arguments)
            .into_iter()
            .try_fold(true, |all, part| {
                Some(evaluate(part, rust_analyzer)? && all)
            });
    }
    if let Some(arguments) = call(predicate, "any") {
        return split_top_level(arguments)
            .into_iter()
            .try_fold(false, |any, part| {
                Some(evaluate(part, rust_analyzer)? || any)
            });
    }
    if let Some(argument) = call(predicate, "not") {
        return evaluate(argument, rust_analyzer).map(|value| !value);
    }
    if let Some((key, value)) = predicate.split_once('=') {
        let plain = |text: &str| text.chars().all(|c| c.is_alphanumeric() || c == '_');
        let quoted = value.trim().starts_with('"') && value.trim().ends_with('"');
        return (plain(key.trim()) && quoted).then_some(false);
    }
    let name_only =
        !predicate.is_empty() && predicate.chars().all(|c| c.is_alphanumeric() || c == '_');
    name_only.then_some(predicate == "rust_analyzer" && rust_analyzer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfgs_as_rust_analyzer_and_cargo_see_them() {
        let editor_only = r#"all(rust_analyzer, not(feature = "03-1-login"))"#;
        assert_eq!(evaluate(editor_only, true), Some(true));
        assert_eq!(evaluate(editor_only, false), Some(false));
        assert_eq!(evaluate("not(rust_analyzer)", true), Some(false));
        assert_eq!(evaluate(r#"feature = "03-1-login""#, true), Some(false));
        assert_eq!(
            evaluate(r#"all(rust_analyzer, feature = "x")"#, true),
            Some(false),
            "rust-analyzer turns no feature on"
        );
        assert_eq!(evaluate("any(test, rust_analyzer)", true), Some(true));
        assert_eq!(evaluate("all(rust_analyzer, nonsense(", true), None);
    }

    #[test]
    fn modules_with_a_path_and_their_cfgs() {
        let source = r#"
pub mod handlers;
// `--features 03-1-login` compiles your warm-up in this module's place.
#[cfg(not(feature = "03-1-login"))]
pub mod login;
#[cfg(feature = "03-1-login")]
#[path = "../exercises/1_login.rs"]
pub mod login;
#[cfg(all(rust_analyzer, not(feature = "03-1-login")))]
#[path = "../exercises/1_login.rs"]
mod login_starter;
#[cfg_attr(
    rust_analyzer,
    path = "../exercises/2_other.rs"
)]
mod other;
#[path = "../exercises/3_always.rs"]
mod always;
"#;
        let modules = path_modules(source);
        let holds: Vec<(&str, Option<bool>, Option<bool>)> = modules
            .iter()
            .map(|m| (m.path.as_str(), m.holds(true), m.holds(false)))
            .collect();
        assert_eq!(
            holds,
            [
                ("../exercises/1_login.rs", Some(false), Some(false)),
                ("../exercises/1_login.rs", Some(true), Some(false)),
                ("../exercises/2_other.rs", Some(true), Some(false)),
                ("../exercises/3_always.rs", Some(true), Some(true)),
            ]
        );
    }
}
