//! The one background loop the chain view and the embedded chain share.

use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Runs `tick` every `period` (at least 10 ms; a late tick delays the next rather than
/// bunching) on the current tokio runtime, for as long as `target` is alive: the loop holds
/// only a weak reference, so a forgotten loop keeps nothing (a database file, a connection)
/// open.
pub(crate) fn spawn_periodic<T, F, Fut>(
    target: Weak<T>,
    period: Duration,
    tick: F,
) -> tokio::task::JoinHandle<()>
where
    T: Send + Sync + 'static,
    F: Fn(Arc<T>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let period = period.max(Duration::from_millis(10));
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(target) = target.upgrade() else {
                break;
            };
            tick(target).await;
        }
    })
}
