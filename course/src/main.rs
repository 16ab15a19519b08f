//! `cargo course`: the alias in `.cargo/config.toml` runs this binary. Everything lives in
//! the library (`src/lib.rs`), so that the tests can drive the same code.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The workspace root is this crate's parent folder, fixed when it is built: so
    // `cargo course` works from any folder of the workspace. `--root DIR` overrides it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the course crate lives inside the workspace");
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    ExitCode::from(course::run(args, root))
}
