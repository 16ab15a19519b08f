//! Lesson 05's tests, in one test binary: the story against its snapshot, the lesson's
//! own tests, and the checks of its exercises. Run them with `cargo test -p lesson-05-logout`.

mod lesson_story;
mod logout;

// What a browser needs to delete the session cookie: for `logout` and the checks below.
mod removal;

// The checks of the exercises (`cargo course check NAME`), each with its reference unless
// its own feature swaps in the starter.
mod exercise_2_logout_everywhere;
mod exercise_3_removal_cookie;
