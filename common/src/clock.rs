//! Where "now" comes from.
//!
//! Sessions expire, and a test that waits seven days for that is no test. Every piece of
//! code that asks for the time asks a [`Clock`]: the server uses the system clock, while
//! a story or a test holds a manual one and moves it forward with [`Clock::advance`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

/// A source of the current time. Cloning shares the same clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// `None` reads the system clock; `Some` is a time a test controls.
    // A std Mutex is right here: it is held for a single read or add, never across an `.await`.
    manual: Option<Arc<Mutex<OffsetDateTime>>>,
}

impl Clock {
    /// The real clock.
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock that stands still at `start` until a test calls [`Clock::advance`].
    pub fn manual(start: OffsetDateTime) -> Self {
        Self {
            manual: Some(Arc::new(Mutex::new(start))),
        }
    }

    /// The current time, to the second: cookies and the database both count whole seconds.
    pub fn now(&self) -> OffsetDateTime {
        let now = match &self.manual {
            Some(time) => *time.lock().expect("clock lock poisoned"),
            None => OffsetDateTime::now_utc(),
        };
        now.replace_nanosecond(0).expect("0 is a valid nanosecond")
    }

    /// Seconds since 1970, the form sealed inside cookies and kept in the tables.
    pub fn unix_now(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves a manual clock forward. On the system clock this is a mistake, so it panics.
    pub fn advance(&self, by: Duration) {
        let time = self
            .manual
            .as_ref()
            .expect("only a manual clock can be moved");
        *time.lock().expect("clock lock poisoned") += by;
    }
}

/// A duration in whole seconds, the unit of every time the lessons keep in a table: what
/// `now + timeout` is written with. Past `i64::MAX` seconds it stays there, never wraps.
pub fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start = OffsetDateTime::from_unix_timestamp(1_767_258_000).unwrap();
        let clock = Clock::manual(start);
        let shared = clock.clone();
        assert_eq!(clock.unix_now(), 1_767_258_000);
        shared.advance(Duration::from_secs(3600));
        assert_eq!(clock.unix_now(), 1_767_258_000 + 3600);
    }

    #[test]
    fn a_duration_in_whole_seconds_rounds_down_and_never_wraps() {
        assert_eq!(seconds(Duration::from_millis(1999)), 1);
        assert_eq!(seconds(Duration::from_secs(30 * 60)), 1800);
        assert_eq!(seconds(Duration::MAX), i64::MAX);
    }
}
