//! The simulated clock orders move on.
//!
//! BT takes days to complete a provide; a demo wants seconds and a test wants full control. So
//! order progress is planned in simulated time and the clock decides how simulated time relates to
//! real time: `Real` (1:1), `Fast` (one simulated day per real second) or `Stepped` (only moves
//! when the test calls `advance`/`step`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

/// How simulated time relates to real time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// Simulated time is real time: a provide takes days, as at BT.
    Real,
    /// One simulated day per real second: a whole provide completes in a few seconds.
    #[default]
    Fast,
    /// Time stands still until the caller advances it (tests).
    Stepped,
}

/// Simulated seconds per real second under [`Clock::Fast`].
pub const FAST_SPEED: u32 = 86_400;

pub(crate) struct SimClock {
    mode: Clock,
    start_sim: DateTime<Utc>,
    start_real: Instant,
    stepped_now: Mutex<DateTime<Utc>>,
}

impl SimClock {
    pub(crate) fn new(mode: Clock, start: DateTime<Utc>) -> Self {
        Self {
            mode,
            start_sim: start,
            start_real: Instant::now(),
            stepped_now: Mutex::new(start),
        }
    }

    pub(crate) fn mode(&self) -> Clock {
        self.mode
    }

    /// The simulated now, to the millisecond (BT's event times carry milliseconds).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let t = match self.mode {
            Clock::Real => self.start_sim + real_delta(self.start_real.elapsed()),
            Clock::Fast => self.start_sim + real_delta(self.start_real.elapsed() * FAST_SPEED),
            Clock::Stepped => *lock(&self.stepped_now),
        };
        truncate_millis(t)
    }

    /// The time credentials expire against. The fast clock compresses order progress, not token
    /// lifetimes (a client caches its token in real time), so only the stepped clock, which a
    /// test drives on purpose, moves token expiry.
    pub(crate) fn credential_now(&self) -> DateTime<Utc> {
        match self.mode {
            Clock::Stepped => self.now(),
            _ => self.start_sim + real_delta(self.start_real.elapsed()),
        }
    }

    /// How long to sleep in real time until simulated time reaches `t` (`None` when stepped).
    pub(crate) fn real_wait_until(&self, t: DateTime<Utc>) -> Option<Duration> {
        let ahead = (t - self.now()).to_std().unwrap_or(Duration::ZERO);
        match self.mode {
            Clock::Real => Some(ahead),
            Clock::Fast => Some(ahead / FAST_SPEED),
            Clock::Stepped => None,
        }
    }

    /// Moves the stepped clock forward (never backwards).
    pub(crate) fn set(&self, t: DateTime<Utc>) {
        let mut now = lock(&self.stepped_now);
        if t > *now {
            *now = t;
        }
    }
}

fn real_delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

fn truncate_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    let ms = t.timestamp_millis();
    DateTime::from_timestamp_millis(ms).unwrap_or(t)
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: the simulator's state
/// stays usable (every mutation is a single assignment or push).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
