//! A call's time budget. What counts against a plugin's time limit is the time the call
//! runs on its own account; time spent waiting on the host — for the user to answer an
//! approval, or for a process the plugin asked to run (which has its own timeout) — does
//! not. A user who takes five minutes to approve a command does not time the tool out.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Waits in progress and waited so far.
#[derive(Debug, Default)]
struct Waits {
    /// Finished waits, summed.
    total: Duration,
    /// When the current waits began (the first of nested ones), if any.
    since: Option<Instant>,
    /// How many waits are in progress.
    open: u32,
}

/// The budget of one call; shared between its store (which pauses it around host waits
/// and consults it at epoch deadlines) and the task enforcing the outer timeout.
#[derive(Debug)]
pub struct CallClock {
    started: Instant,
    limit: Duration,
    waits: Mutex<Waits>,
}

impl CallClock {
    /// A budget of `limit`, starting now.
    pub fn new(limit: Duration) -> Arc<Self> {
        Arc::new(CallClock {
            started: Instant::now(),
            limit,
            waits: Mutex::new(Waits::default()),
        })
    }

    /// Stops the clock until the returned guard drops.
    pub fn pause(self: &Arc<Self>) -> PauseGuard {
        let mut waits = self.lock();
        if waits.open == 0 {
            waits.since = Some(Instant::now());
        }
        waits.open += 1;
        PauseGuard {
            clock: self.clone(),
        }
    }

    /// Whether a host wait is in progress.
    pub fn is_paused(&self) -> bool {
        self.lock().open > 0
    }

    /// Time used so far: elapsed minus waits (finished and in progress).
    pub fn used(&self) -> Duration {
        let now = Instant::now();
        let waits = self.lock();
        let current = waits.since.map_or(Duration::ZERO, |s| now - s);
        (now - self.started).saturating_sub(waits.total + current)
    }

    /// What is left of the budget, or `None` once it is spent.
    pub fn remaining(&self) -> Option<Duration> {
        self.limit.checked_sub(self.used()).filter(|d| !d.is_zero())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waits> {
        // A poisoned lock only means a panic elsewhere; the numbers are still usable.
        self.waits.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Restarts the clock when dropped (see [`CallClock::pause`]).
pub struct PauseGuard {
    clock: Arc<CallClock>,
}

impl Drop for PauseGuard {
    fn drop(&mut self) {
        let mut waits = self.clock.lock();
        waits.open = waits.open.saturating_sub(1);
        if waits.open == 0
            && let Some(since) = waits.since.take()
        {
            waits.total += since.elapsed();
        }
    }
}

/// The call ran out of budget (plus `grace`) before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfTime;

/// Runs `call` until it finishes or its clock shows more than the budget plus `grace`
/// used. This is the outer timeout, for time the epoch deadline cannot see (a host call
/// that does not return); it never fires during a host wait, which the clock excludes.
pub async fn within_budget<F: Future>(
    clock: &CallClock,
    grace: Duration,
    call: F,
) -> Result<F::Output, OutOfTime> {
    tokio::pin!(call);
    loop {
        // Time left before the outer limit, as the clock stands now; while paused, look
        // again after a full budget (the pause may end at any time).
        let left = if clock.is_paused() {
            clock.limit + grace
        } else {
            (clock.limit + grace).saturating_sub(clock.used())
        };
        if left.is_zero() {
            return Err(OutOfTime);
        }
        tokio::select! {
            out = &mut call => return Ok(out),
            _ = tokio::time::sleep(left) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_time_is_not_used_time() {
        let clock = CallClock::new(Duration::from_millis(200));
        std::thread::sleep(Duration::from_millis(20));
        {
            let _outer = clock.pause();
            let _nested = clock.pause();
            std::thread::sleep(Duration::from_millis(300));
            assert!(clock.is_paused());
            assert!(clock.remaining().is_some(), "{:?}", clock.used());
        }
        assert!(!clock.is_paused());
        let used = clock.used();
        assert!(used >= Duration::from_millis(20), "{used:?}");
        assert!(used < Duration::from_millis(200), "{used:?}");
    }

    #[test]
    fn the_budget_runs_out() {
        let clock = CallClock::new(Duration::from_millis(10));
        std::thread::sleep(Duration::from_millis(15));
        assert_eq!(clock.remaining(), None);
    }

    #[tokio::test]
    async fn the_outer_limit_waits_out_pauses_and_stops_running_calls() {
        let clock = CallClock::new(Duration::from_millis(50));
        let paused = {
            let clock = clock.clone();
            async move {
                let _pause = clock.pause();
                tokio::time::sleep(Duration::from_millis(200)).await;
                "answered"
            }
        };
        let grace = Duration::from_millis(10);
        assert_eq!(within_budget(&clock, grace, paused).await, Ok("answered"));
        let clock = CallClock::new(Duration::from_millis(50));
        let spinning = tokio::time::sleep(Duration::from_secs(5));
        assert_eq!(within_budget(&clock, grace, spinning).await, Err(OutOfTime));
    }
}
