//! The story harness's tests, in one test binary: the harness itself, on a small router of
//! its own, and the drawings in the lessons' READMEs, which must match their stories.

mod harness;
mod readme_diagrams;
