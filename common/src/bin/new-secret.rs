//! Prints a new random `SESSION_SECRET` line for `.env`:
//!
//! ```text
//! cargo run -p common --bin new-secret
//! ```
//!
//! 48 bytes from the operating system's random generator, as 64 base64url characters.
//! A command of our own rather than `openssl rand`, so it works the same on every system.

fn main() {
    println!("SESSION_SECRET={}", common::config::new_secret());
}
