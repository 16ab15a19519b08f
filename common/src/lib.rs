//! The plumbing every lesson shares, so that each lesson's own code is only its concept.
//!
//! | module | what it gives a lesson |
//! |---|---|
//! | [`config`] | settings from the environment and `.env`, checked once at start |
//! | [`settings`] | how one setting is read and checked, and the error that says what to change |
//! | [`db`] | one pool for SQLite (the default) or PostgreSQL (feature `postgres`), with migrations applied |
//! | [`users`] | the `User` model and its store |
//! | [`passwords`] | bcrypt off the async runtime, one hash per core, without silent truncation |
//! | [`accounts`] | register and check a login, with input validation and equal work for unknown users |
//! | [`error`] | one JSON error shape, and a `Json` extractor that uses it |
//! | [`limits`] | how many hashes at once, how long a client may take to send a request |
//! | [`clock`] | the time, from the system or from a test, and durations as whole seconds |
//! | [`serve`] | the router layers, serving on an address (with the client's address and timeouts), the start banner, a shutdown that always ends |
//! | [`todo`] | telling a student's `todo!()` from a crash |
//!
//! The story harness that plays a lesson over HTTP, and is the tests' test app, is the
//! `story` crate; the benchmarks are in `maintainers/bench`. No lesson's `cargo run`
//! compiles either.

pub mod accounts;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod limits;
pub mod passwords;
pub mod serve;
pub mod settings;
pub mod todo;
pub mod users;

pub use accounts::{Accounts, Credentials};
pub use clock::Clock;
pub use config::Config;
pub use error::{ApiError, Json};
pub use users::{User, UserStore};
