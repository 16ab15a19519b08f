//! Where "now" comes from.
//!
//! Sessions expire, and a test that waits seven days for that is no test. Every piece of
//! code that asks for the time asks a [`Clock`]: the server uses the system clock, while
//! a story or a test holds a manual one and moves it forward with [`Clock::advance`]. A
//! live demo, whose server must answer curls typed in by a class, runs on the system
//! clock moved forward by the story ([`Clock::ahead_of_system`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

/// A source of the current time. Cloning shares the same clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    source: Source,
}

// A std Mutex is right in both: it is held for a single read or add, never across an
// `.await`.
#[derive(Clone, Debug, Default)]
enum Source {
    #[default]
    System,
    /// A time a test controls.
    Manual(Arc<Mutex<OffsetDateTime>>),
    /// The system's time plus how far [`Clock::advance`] moved it.
    Ahead(Arc<Mutex<Duration>>),
}

impl Clock {
    /// The real clock.
    pub fn system() -> Self {
        Self {
            source: Source::System,
        }
    }

    /// A clock that stands still at `start` until a test calls [`Clock::advance`].
    pub fn manual(start: OffsetDateTime) -> Self {
        Self {
            source: Source::Manual(Arc::new(Mutex::new(start))),
        }
    }

    /// The real clock, which [`Clock::advance`] moves forward: "15 minutes later" in a live
    /// demo happens at once, and the server stays that far ahead, so a curl replayed
    /// afterwards gets the answer the demo showed.
    pub fn ahead_of_system() -> Self {
        Self {
            source: Source::Ahead(Arc::new(Mutex::new(Duration::ZERO))),
        }
    }

    /// The current time, to the second: cookies and the database both count whole seconds.
    pub fn now(&self) -> OffsetDateTime {
        let now = match &self.source {
            Source::System => OffsetDateTime::now_utc(),
            Source::Manual(time) => *time.lock().expect("clock lock poisoned"),
            Source::Ahead(ahead) => {
                OffsetDateTime::now_utc() + *ahead.lock().expect("clock lock poisoned")
            }
        };
        now.replace_nanosecond(0).expect("0 is a valid nanosecond")
    }

    /// Seconds since 1970, the form sealed inside cookies and kept in the tables.
    pub fn unix_now(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves a manual clock, or one ahead of the system's, forward. The system clock itself
    /// cannot be moved: that is a mistake, so it panics.
    pub fn advance(&self, by: Duration) {
        match &self.source {
            Source::System => {
                panic!("only a manual clock, or one ahead of the system's, can be moved")
            }
            Source::Manual(time) => *time.lock().expect("clock lock poisoned") += by,
            Source::Ahead(ahead) => *ahead.lock().expect("clock lock poisoned") += by,
        }
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
    fn a_clock_ahead_of_the_system_moves_only_when_told_and_stays_ahead() {
        let clock = Clock::ahead_of_system();
        let system = Clock::system();
        assert!((clock.unix_now() - system.unix_now()).abs() <= 1);
        clock.clone().advance(Duration::from_secs(15 * 60));
        let ahead = clock.unix_now() - system.unix_now();
        assert!((899..=901).contains(&ahead), "{ahead}");
    }

    #[test]
    fn a_duration_in_whole_seconds_rounds_down_and_never_wraps() {
        assert_eq!(seconds(Duration::from_millis(1999)), 1);
        assert_eq!(seconds(Duration::from_secs(30 * 60)), 1800);
        assert_eq!(seconds(Duration::MAX), i64::MAX);
    }
}
