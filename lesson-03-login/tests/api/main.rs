//! Lesson 03's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-03-login`.

mod first_request;
mod lesson_story;
mod login;
mod rotation;
mod session;
// Counting bcrypt checks, for the equal-work checks.
mod work;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_disabled;
mod exercise_3_same_answer;
