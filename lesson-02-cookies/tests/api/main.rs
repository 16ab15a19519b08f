//! Lesson 02's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-02-cookies`.

mod lesson_story;
mod signing;
mod unhappy_paths;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_expiring_pass;
mod exercise_3_forged_cookie;
