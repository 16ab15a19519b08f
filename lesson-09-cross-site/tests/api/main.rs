//! Lesson 09's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-09-cross-site`.

mod cross_site;
mod lesson_story;
mod password;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_3_logout_link;
