//! Lesson 01's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-01-stateless`.

mod lesson_story;
mod unhappy_paths;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_cart;
mod exercise_3_user_agent;
