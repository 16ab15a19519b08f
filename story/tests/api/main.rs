//! The story harness's tests, in one test binary: the harness itself, on a small router of
//! its own; the drawings in the lessons' READMEs, which must match their stories; and a
//! `--live` demo whose printed curls are replayed.

mod harness;
mod readme_diagrams;
mod replay;
