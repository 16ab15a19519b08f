//! Lesson 06's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-06-server-sessions`.

mod lesson_story;
mod page;
mod weak_spots;
mod when_sessions_end;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_log_out_others;
mod exercise_3_raw_tokens;
