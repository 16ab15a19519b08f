//! `cargo course open [NAME]`: the exercise's starter in the student's editor, at its first
//! `TODO`. The editor is `$VISUAL`, else `$EDITOR`, as git and most tools choose it.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::manifest::{Course, first_todo_line};
use crate::progress::Progress;
use crate::{Ctx, EXIT_FAILED, say};

/// The editor the environment names: `$VISUAL`, else `$EDITOR`, if not empty.
pub fn editor_from_env() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(std::env::var_os)
        .map(|value| value.to_string_lossy().trim().to_string())
        .find(|value| !value.is_empty())
}

/// Opens the starter of `name` (or of the current exercise) with `editor`; without one,
/// says how to open it.
pub fn open(ctx: &mut Ctx, name: Option<&str>, editor: Option<&str>) -> Result<u8, String> {
    let course = Course::load(&ctx.root)?;
    let mut progress = Progress::load(&ctx.root, ctx.err);
    let exercise = match name {
        Some(name) => {
            let exercise = course.named(name)?;
            crate::commands::record_current(ctx, &mut progress, name);
            exercise
        }
        None => match course.current(&progress) {
            Some(exercise) => exercise,
            None => {
                crate::commands::all_done(ctx, &course);
                return Ok(0);
            }
        },
    };
    let path = exercise.starter_path(&ctx.root);
    let source = std::fs::read_to_string(&path).unwrap_or_default();
    let line = first_todo_line(&source);
    let at = format!("{}:{line}", exercise.starter_rel());
    let Some(editor) = editor else {
        say!(
            ctx.out,
            "Exercise {} is in {}. No editor is set ($VISUAL or $EDITOR), so open it yourself \
             (VS Code: {}), or set EDITOR and run this again.",
            ctx.style.bold(&exercise.name),
            ctx.style.cyan(&at),
            ctx.style.cmd(&format!("code -g {at}"))
        );
        return Ok(0);
    };
    let (program, args) = editor_command(editor, &path, line);
    say!(
        ctx.out,
        "Opening {} with {}...",
        ctx.style.cyan(&at),
        program.to_string_lossy()
    );
    let _ = ctx.out.flush();
    let status = Command::new(&program)
        .args(&args)
        .current_dir(&ctx.root)
        .status();
    match status {
        Ok(status) if status.success() => Ok(0),
        Ok(status) => {
            say!(ctx.err, "{editor} stopped with {status}; the file is {at}.");
            Ok(EXIT_FAILED)
        }
        Err(e) => {
            say!(
                ctx.err,
                "Cannot start the editor `{editor}` ({e}); open {at} yourself."
            );
            Ok(EXIT_FAILED)
        }
    }
}

/// The program and its arguments that open `path` at `line`. The editor may carry its own
/// arguments (`code --wait`), unless the whole value is the path of a program (which may
/// have spaces in it, as on Windows). Editors that take a line get it their way.
pub fn editor_command(editor: &str, path: &Path, line: usize) -> (OsString, Vec<OsString>) {
    let (program, mut args): (OsString, Vec<OsString>) = if Path::new(editor).is_file() {
        (editor.into(), Vec::new())
    } else {
        let mut words = editor.split_whitespace().map(OsString::from);
        (words.next().unwrap_or_default(), words.collect())
    };
    let name = Path::new(&program)
        .file_stem()
        .map(|stem| stem.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut at_line = path.as_os_str().to_owned();
    at_line.push(format!(":{line}"));
    match name.as_str() {
        "vi" | "vim" | "nvim" | "gvim" | "nano" | "emacs" | "emacsclient" | "kak" | "micro" => {
            args.push(format!("+{line}").into());
            args.push(path.into());
        }
        "code" | "code-insiders" | "codium" => {
            args.push("-g".into());
            args.push(at_line);
        }
        "hx" | "helix" | "subl" | "zed" => args.push(at_line),
        _ => args.push(path.into()),
    }
    (program, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(editor: &str) -> Vec<String> {
        let (program, args) = editor_command(editor, Path::new("/w/ex.rs"), 12);
        std::iter::once(program)
            .chain(args)
            .map(|word| word.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn each_editor_gets_the_line_its_way() {
        assert_eq!(words("vim"), ["vim", "+12", "/w/ex.rs"]);
        assert_eq!(words("/usr/bin/nano"), ["/usr/bin/nano", "+12", "/w/ex.rs"]);
        assert_eq!(words("emacs -nw"), ["emacs", "-nw", "+12", "/w/ex.rs"]);
        assert_eq!(
            words("code --wait"),
            ["code", "--wait", "-g", "/w/ex.rs:12"]
        );
        assert_eq!(words("hx"), ["hx", "/w/ex.rs:12"]);
        assert_eq!(words("notepad.exe"), ["notepad.exe", "/w/ex.rs"]);
    }
}
