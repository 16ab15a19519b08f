//! Lesson 07's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-07-two-servers`.

#[cfg(unix)]
mod ctrl_c;
mod lesson_story;
mod servers;
mod two_processes;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_login_links;
mod exercise_3_cached_sessions;
