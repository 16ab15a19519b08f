//! The course runner behind `cargo course`: it lists the exercises of every lesson, checks
//! them (once, or on each save), shows hints one at a time, opens a starter in the editor,
//! shows the reference after a pass, puts a starter back and verifies the whole set.
//!
//! The exercises are described by each lesson's `exercises/exercises.toml` (see
//! [`manifest`]); what a student has done lives in `.course-progress` (see [`progress`]).
//! Checks go through the [`checks::Checker`] trait, so the runner's own tests use a fake
//! checker instead of compiling real lessons.

use std::io::Write;
use std::path::{Path, PathBuf};

pub mod checks;
pub mod cli;
pub mod commands;
pub mod diff;
pub mod editor;
pub mod manifest;
pub mod open;
pub mod progress;
pub mod report;
pub mod style;
pub mod verify;
pub mod watch;

pub use checks::{CargoChecker, Checker, Outcome, Status};
pub use manifest::{Course, Exercise};
pub use progress::Progress;
pub use style::Style;

/// Writes one line of output. A closed pipe (`cargo course list --plain | head`) is not
/// worth a panic, so write errors are ignored.
#[macro_export]
macro_rules! say {
    ($w:expr) => {{
        #[allow(unused_imports)]
        use ::std::io::Write as _;
        let _ = writeln!($w);
    }};
    ($w:expr, $($arg:tt)*) => {{
        #[allow(unused_imports)]
        use ::std::io::Write as _;
        let _ = writeln!($w, $($arg)*);
    }};
}

/// Exit codes: 0 all good, 1 a check (or verify, or reset) failed, 2 the command line was wrong.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Where the commands write, and for which workspace. The tests give it byte buffers.
pub struct Ctx<'a> {
    pub root: PathBuf,
    pub style: Style,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// Runs one `cargo course` command line (without the program name) and returns the exit code.
pub fn run(args: Vec<String>, default_root: &Path) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let args = match cli::parse(args) {
        Ok(args) => args,
        Err(message) => {
            say!(stderr, "{message}");
            say!(stderr, "Run `cargo course help` to see the commands.");
            return EXIT_USAGE;
        }
    };
    let mut ctx = Ctx {
        root: args.root.unwrap_or_else(|| default_root.to_path_buf()),
        style: Style::detect(),
        out: &mut stdout,
        err: &mut stderr,
    };
    let result = match args.command {
        cli::Command::Help => {
            say!(ctx.out, "{}", cli::help(ctx.style));
            Ok(0)
        }
        cli::Command::List { plain: false } => commands::list(&mut ctx),
        cli::Command::List { plain: true } => commands::list_plain(&mut ctx),
        cli::Command::Check(name) => {
            commands::check(&mut ctx, &CargoChecker::from_env(), name.as_deref())
        }
        cli::Command::Watch { name, manual } => {
            watch::watch(&mut ctx, &CargoChecker::from_env(), name.as_deref(), manual)
        }
        cli::Command::Hint(name) => commands::hint(&mut ctx, name.as_deref()),
        cli::Command::Open(name) => open::open(
            &mut ctx,
            name.as_deref(),
            open::editor_from_env().as_deref(),
        ),
        cli::Command::Solution(name) => commands::solution(&mut ctx, &name),
        cli::Command::Reset(name) => commands::reset(&mut ctx, &name),
        cli::Command::Verify(names) => {
            let checker = CargoChecker::for_verify(&ctx.root);
            verify::verify(&mut ctx, &checker, &names, &std::env::temp_dir())
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let error = ctx.style.red("error:");
            say!(ctx.err, "{error} {message}");
            EXIT_FAILED
        }
    }
}
