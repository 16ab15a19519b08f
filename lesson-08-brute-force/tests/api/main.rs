//! Lesson 08's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-08-brute-force`.

mod lesson_story;
mod throttling;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_spraying;
mod exercise_3_lockout;
