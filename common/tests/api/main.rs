//! `common`'s tests over real HTTP, in one test binary: each serves a router on
//! 127.0.0.1 (port 0) and talks to it with the story harness or raw TCP.

mod bounded_hashing;
mod json_errors;
mod request_log;
mod shutdown;
mod slow_clients;
mod users_and_passwords;
