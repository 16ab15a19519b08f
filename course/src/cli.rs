//! The command line, parsed by hand: a handful of words and two flags do not need a parser
//! crate (and its build time).

use std::path::PathBuf;

use crate::style::Style;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    List { plain: bool },
    Check(Option<String>),
    Watch { name: Option<String>, manual: bool },
    Hint(Option<String>),
    Open(Option<String>),
    Solution(String),
    Reset(String),
    Verify(Vec<String>),
    Help,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    /// `--root DIR`: another workspace than the one this binary was built in (for tests).
    pub root: Option<PathBuf>,
    pub command: Command,
}

pub fn parse(args: Vec<String>) -> Result<Args, String> {
    let mut root = None;
    let mut words = Vec::new();
    let mut flags = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--root" {
            root = Some(PathBuf::from(
                args.next().ok_or("`--root` needs a folder after it.")?,
            ));
        } else if let Some(dir) = arg.strip_prefix("--root=") {
            root = Some(PathBuf::from(dir));
        } else if arg == "-h" || arg == "--help" {
            return Ok(Args {
                root,
                command: Command::Help,
            });
        } else if arg.starts_with('-') {
            flags.push(arg);
        } else {
            words.push(arg);
        }
    }
    let (command, names) = match words.split_first() {
        None => ("list", &[][..]),
        Some((command, names)) => (command.as_str(), names),
    };
    // Each command accepts only its own flag, so a typo is caught instead of ignored.
    let flag = |allowed: &str| -> Result<bool, String> {
        match flags.as_slice() {
            [] => Ok(false),
            [flag] if flag == allowed => Ok(true),
            [flag, ..] => Err(format!("`cargo course {command}` does not know `{flag}`.")),
        }
    };
    let at_most_one = |names: &[String]| -> Result<Option<String>, String> {
        match names {
            [] => Ok(None),
            [name] => Ok(Some(name.clone())),
            _ => Err(format!(
                "`cargo course {command}` takes at most one exercise name."
            )),
        }
    };
    let command = match command {
        "list" if names.is_empty() => Command::List {
            plain: flag("--plain")?,
        },
        "check" => {
            flag("")?;
            Command::Check(at_most_one(names)?)
        }
        "watch" => Command::Watch {
            manual: flag("--manual")?,
            name: at_most_one(names)?,
        },
        "hint" => {
            flag("")?;
            Command::Hint(at_most_one(names)?)
        }
        "open" => {
            flag("")?;
            Command::Open(at_most_one(names)?)
        }
        "solution" => {
            flag("")?;
            match at_most_one(names)? {
                Some(name) => Command::Solution(name),
                None => return Err("`cargo course solution` needs the exercise's name, e.g. `cargo course solution 03-1-login`.".into()),
            }
        }
        "reset" => {
            flag("")?;
            match at_most_one(names)? {
                Some(name) => Command::Reset(name),
                None => return Err("`cargo course reset` needs the exercise's name, e.g. `cargo course reset 03-1-login`.".into()),
            }
        }
        "verify" => {
            flag("")?;
            Command::Verify(names.to_vec())
        }
        "help" => Command::Help,
        "list" => {
            return Err(format!("`cargo course {command}` takes no exercise name."));
        }
        other => return Err(format!("There is no command `{other}`.")),
    };
    Ok(Args { root, command })
}

pub fn help(style: Style) -> String {
    let rows = [
        (
            "cargo course",
            "the exercises, your progress, and where you left off",
        ),
        (
            "cargo course check [NAME]",
            "check an exercise (without NAME: the one you are on)",
        ),
        (
            "cargo course watch [NAME]",
            "check it again each time you save a file (without NAME:",
        ),
        ("", "the one you are on); keys below"),
        (
            "cargo course watch --manual",
            "check each time you press Enter, for folders where",
        ),
        ("", "saves are not noticed (WSL2, network drives)"),
        (
            "cargo course hint [NAME]",
            "one more hint each time you ask; the last one says",
        ),
        ("", "where the reference solution is"),
        (
            "cargo course open [NAME]",
            "open the exercise's file in $VISUAL or $EDITOR, at its TODO",
        ),
        (
            "cargo course solution NAME",
            "after a pass: yours against the reference solution",
        ),
        (
            "cargo course reset NAME",
            "put the exercise's file back as it is in git's last commit;",
        ),
        ("", "the exercise is to do again"),
        (
            "cargo course list --plain",
            "one exercise a line: NAME, STATE, STARTER, SOLUTION (tabs)",
        ),
        (
            "cargo course verify [NAME...]",
            "for course authors and CI: each starter fails with a hint,",
        ),
        (
            "",
            "each solution passes (in a copy; your files are not touched)",
        ),
        ("cargo course help", "this text"),
    ];
    let mut text = format!(
        "{}\n\n",
        style.bold("cargo course: the exercises of this course, checked for you")
    );
    for (command, what) in rows {
        text.push_str(&format!(
            "  {}  {what}\n",
            style.cyan(&format!("{command:<30}"))
        ));
    }
    text.push_str(
        "\nNAME is an exercise's name, like 03-1-login (`cargo course` lists them). The\n\
         commands without a NAME work on the exercise you are on: the one you last named,\n\
         until it passes; then the next one to do.\n\
         \n\
         In watch, type a key, then Enter: h hint, n next exercise, l list, r check again,\n\
         s yours against the reference (after a pass), q quit; or an exercise's name to\n\
         watch that one. Saving another exercise's file does not check this one.\n\
         \n\
         Your progress is kept in .course-progress: delete that file to start over.",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &[&str]) -> Result<Args, String> {
        parse(words.iter().map(|word| word.to_string()).collect())
    }

    #[test]
    fn commands_and_flags() {
        let command = |words: &[&str]| parse_words(words).unwrap().command;
        assert_eq!(command(&[]), Command::List { plain: false });
        assert_eq!(command(&["list", "--plain"]), Command::List { plain: true });
        assert_eq!(command(&["check"]), Command::Check(None));
        assert_eq!(
            command(&["check", "03-1-login"]),
            Command::Check(Some("03-1-login".into()))
        );
        assert_eq!(
            command(&["watch", "--manual"]),
            Command::Watch {
                name: None,
                manual: true
            }
        );
        assert_eq!(
            command(&["watch", "08-3-lockout"]),
            Command::Watch {
                name: Some("08-3-lockout".into()),
                manual: false
            }
        );
        assert_eq!(command(&["open"]), Command::Open(None));
        assert_eq!(
            command(&["solution", "03-1-login"]),
            Command::Solution("03-1-login".into())
        );
        assert_eq!(
            command(&["reset", "03-1-login"]),
            Command::Reset("03-1-login".into())
        );
        assert_eq!(
            command(&["verify", "a", "b"]),
            Command::Verify(vec!["a".into(), "b".into()])
        );
        assert_eq!(command(&["hint", "--help"]), Command::Help);
        let args = parse_words(&["--root", "/tmp/x", "hint"]).unwrap();
        assert_eq!(args.root, Some(PathBuf::from("/tmp/x")));
        assert_eq!(args.command, Command::Hint(None));
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(
            parse_words(&["reset"])
                .unwrap_err()
                .contains("needs the exercise's name")
        );
        assert!(
            parse_words(&["solution"])
                .unwrap_err()
                .contains("needs the exercise's name")
        );
        assert!(
            parse_words(&["watch", "a", "b"])
                .unwrap_err()
                .contains("at most one")
        );
        assert!(
            parse_words(&["check", "--plain"])
                .unwrap_err()
                .contains("--plain")
        );
        assert!(
            parse_words(&["hint", "a", "b"])
                .unwrap_err()
                .contains("at most one")
        );
        assert!(
            parse_words(&["frobnicate"])
                .unwrap_err()
                .contains("frobnicate")
        );
        assert!(parse_words(&["--root"]).is_err());
    }
}
