//! The node's notion of "now", injectable so tests of expiry and rate windows are deterministic.

use parking_lot::Mutex;
use time::OffsetDateTime;

/// Where a node reads the current time from.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    /// A clock stopped at `now`.
    pub fn new(now: OffsetDateTime) -> ManualClock {
        ManualClock {
            now: Mutex::new(now),
        }
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: OffsetDateTime) {
        *self.now.lock() = now;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: time::Duration) {
        let mut now = self.now.lock();
        *now = now.saturating_add(by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock()
    }
}

/// Unix seconds of `at`, clamped at 0 for times before 1970.
pub(crate) fn unix_secs(at: OffsetDateTime) -> u64 {
    u64::try_from(at.unix_timestamp()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(time::Duration::seconds(5));
        assert_eq!(unix_secs(clock.now()), 86_405);
    }
}
