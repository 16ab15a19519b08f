//! The story harness's tests, in one test binary: the harness itself, on a small router of
//! its own; the drawings in the lessons' READMEs, which must match their stories; a
//! `--live` demo whose printed curls are replayed; and SECURITY.md, whose tests must exist.

mod harness;
mod readme_diagrams;
mod readme_lessons;
mod replay;
mod security_map;
