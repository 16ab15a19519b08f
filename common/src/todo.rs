//! Recognising a `todo!()`: in an exercise, it is the student's next step, not a crash.
//! The server's panic handler and the story harness both ask here, so the text that
//! `todo!()` panics with is matched in one place.

use std::any::Any;

/// The message a panic carries, if it is text.
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("")
}

/// Whether a panic message is a `todo!()`'s: `not yet implemented`, maybe with a note.
pub fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented")
}
