//! The runner's tests, in one test binary. They use a small course of their own in a
//! temporary folder (`fixture`) and a fake checker, never the real lessons; `binary` also
//! runs the real cargo checker on a tiny lesson crate. `editor` (ignored: it needs
//! rust-analyzer, and a minute) runs rust-analyzer on a copy of the real workspace.

mod binary;
mod editor;
mod fixture;
mod reset;
mod student;
mod verify;
mod watch;
