//! Timing loops and statistics.
//!
//! Operations compared with each other (verify against its floor) are timed in interleaved
//! rounds: each round runs every operation for a slice of its budget, and an operation's figure
//! is the median of its round means. A burst of load from another process on the machine then
//! spoils one round of each operation alike, instead of all of one operation's time.

use crate::proc_info::thread_cpu_ns;
use hdrhistogram::Histogram;
use std::time::{Duration, Instant};

/// One operation to time; it must fail loudly (an `Err`) rather than measure a refusal.
pub struct Op<'a> {
    pub name: String,
    pub run: Box<dyn FnMut() -> anyhow::Result<()> + 'a>,
}

impl<'a> Op<'a> {
    pub fn new(name: impl Into<String>, run: impl FnMut() -> anyhow::Result<()> + 'a) -> Self {
        Op {
            name: name.into(),
            run: Box::new(run),
        }
    }
}

/// What [`interleaved`] measured for one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub name: String,
    /// Median of the round means, nanoseconds of wall time per operation.
    pub mean_ns: f64,
    /// Median of the round means, nanoseconds of this thread's CPU time per operation (immune
    /// to the time the thread waited for a core while other processes ran); `None` where the
    /// thread's CPU time cannot be read.
    pub cpu_ns: Option<f64>,
    pub iterations: u64,
}

/// Times every op for about `budget` in total, in `rounds` interleaved rounds (each op is run
/// once untimed first). Each round runs an op at least once.
pub fn interleaved(
    ops: &mut [Op<'_>],
    budget: Duration,
    rounds: u32,
) -> anyhow::Result<Vec<Timing>> {
    let rounds = rounds.max(1);
    let slice = budget / rounds;
    let mut means: Vec<Vec<f64>> = vec![Vec::new(); ops.len()];
    let mut cpu_means: Vec<Vec<f64>> = vec![Vec::new(); ops.len()];
    let mut iterations = vec![0u64; ops.len()];
    for op in ops.iter_mut() {
        (op.run)().map_err(|e| e.context(format!("{} (warm-up)", op.name)))?;
    }
    for _ in 0..rounds {
        for (index, op) in ops.iter_mut().enumerate() {
            let slice = time_slice(slice, &mut op.run).map_err(|e| e.context(op.name.clone()))?;
            let (mean, count) = (slice.mean_ns, slice.count);
            if let Some(m) = means.get_mut(index) {
                m.push(mean);
            }
            if let (Some(m), Some(cpu)) = (cpu_means.get_mut(index), slice.cpu_ns) {
                m.push(cpu);
            }
            if let Some(i) = iterations.get_mut(index) {
                *i += count;
            }
        }
    }
    Ok(ops
        .iter()
        .zip(means.into_iter().zip(cpu_means))
        .zip(iterations)
        .map(
            |((op, (mut round_means, mut cpu_round_means)), iterations)| Timing {
                name: op.name.clone(),
                mean_ns: median(&mut round_means).unwrap_or(f64::NAN),
                cpu_ns: median(&mut cpu_round_means),
                iterations,
            },
        )
        .collect())
}

/// What one timed slice gave.
pub struct Slice {
    pub mean_ns: f64,
    pub cpu_ns: Option<f64>,
    pub count: u64,
}

/// A running slice: start times of wall clock and thread CPU.
pub struct SliceClock {
    wall: Instant,
    cpu: Option<u64>,
}

impl SliceClock {
    pub fn start() -> SliceClock {
        // CPU first, so the (slow) /proc read is not inside the wall time.
        let cpu = thread_cpu_ns();
        SliceClock {
            wall: Instant::now(),
            cpu,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.wall.elapsed()
    }

    /// The means per operation after `count` operations.
    pub fn finish(&self, count: u64) -> Slice {
        let wall = self.wall.elapsed();
        let cpu = thread_cpu_ns()
            .zip(self.cpu)
            .map(|(end, start)| end.saturating_sub(start) as f64 / count.max(1) as f64);
        Slice {
            mean_ns: wall.as_nanos() as f64 / count.max(1) as f64,
            cpu_ns: cpu,
            count,
        }
    }
}

/// Runs `op` until `slice` has passed (at least once).
fn time_slice(
    slice: Duration,
    op: &mut dyn FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Slice> {
    let clock = SliceClock::start();
    let mut count = 0u64;
    loop {
        op()?;
        count += 1;
        if clock.elapsed() >= slice {
            return Ok(clock.finish(count));
        }
    }
}

/// The median (mean of the two middle values for an even count); `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => values.get(n / 2).copied(),
        _ => Some((values.get(n / 2 - 1)? + values.get(n / 2)?) / 2.0),
    }
}

/// Latencies of completed requests, nanoseconds: an HDR histogram for the percentiles and the
/// exact sum for the mean.
pub struct Latencies {
    histogram: Histogram<u64>,
    total_ns: u128,
}

impl Latencies {
    /// Three significant figures: a percentile is the nearest-rank value to within 0.1%
    /// (exact below 2048 ns).
    const SIGNIFICANT_FIGURES: u8 = 3;

    pub fn new() -> anyhow::Result<Latencies> {
        Ok(Latencies {
            histogram: Histogram::new(Self::SIGNIFICANT_FIGURES)?,
            total_ns: 0,
        })
    }

    pub fn record(&mut self, ns: u64) -> anyhow::Result<()> {
        self.histogram.record(ns)?;
        self.total_ns += u128::from(ns);
        Ok(())
    }

    /// Adds `other`'s latencies to these.
    pub fn merge(&mut self, other: &Latencies) -> anyhow::Result<()> {
        self.histogram.add(&other.histogram)?;
        self.total_ns += other.total_ns;
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// The exact mean; 0 when empty.
    pub fn mean_ns(&self) -> f64 {
        self.total_ns as f64 / self.count().max(1) as f64
    }

    /// The nearest-rank percentile `p` (0 < p <= 100); `None` when empty.
    pub fn percentile(&self, p: f64) -> Option<u64> {
        (!self.histogram.is_empty()).then(|| self.histogram.value_at_quantile(p / 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    fn latencies(values: impl IntoIterator<Item = u64>) -> anyhow::Result<Latencies> {
        let mut latencies = Latencies::new()?;
        for value in values {
            latencies.record(value)?;
        }
        Ok(latencies)
    }

    #[test]
    fn percentiles_use_the_nearest_rank() -> anyhow::Result<()> {
        let hundred = latencies(1..=100)?;
        assert_eq!(hundred.percentile(50.0), Some(50));
        assert_eq!(hundred.percentile(99.0), Some(99));
        assert_eq!(hundred.percentile(100.0), Some(100));
        assert_eq!(latencies([7])?.percentile(99.0), Some(7));
        assert_eq!(latencies([])?.percentile(50.0), None);
        Ok(())
    }

    #[test]
    fn large_latencies_keep_three_significant_figures_and_an_exact_mean() -> anyhow::Result<()> {
        let mut merged = latencies([1_000_000, 3_000_000])?;
        merged.merge(&latencies([250_000_000])?)?;
        assert_eq!(merged.count(), 3);
        assert_eq!(merged.mean_ns(), 254_000_000.0 / 3.0);
        let p99 = merged.percentile(99.0).unwrap_or(0) as f64;
        assert!((p99 / 250e6 - 1.0).abs() < 1e-3, "{p99}");
        let p50 = merged.percentile(50.0).unwrap_or(0) as f64;
        assert!((p50 / 3e6 - 1.0).abs() < 1e-3, "{p50}");
        Ok(())
    }

    #[test]
    fn interleaved_runs_every_op_in_every_round_and_stops_on_failure() {
        let mut a_runs = 0u64;
        let mut b_runs = 0u64;
        {
            let mut ops = [
                Op::new("a", || {
                    a_runs += 1;
                    Ok(())
                }),
                Op::new("b", || {
                    b_runs += 1;
                    Ok(())
                }),
            ];
            let timings = interleaved(&mut ops, Duration::from_millis(4), 4).unwrap_or_default();
            assert_eq!(timings.len(), 2);
            assert!(timings.iter().all(|t| t.iterations >= 4 && t.mean_ns > 0.0));
            assert!(timings
                .iter()
                .all(|t| t.cpu_ns.is_some_and(|cpu| cpu >= 0.0)));
        }
        assert!(a_runs >= 5 && b_runs >= 5, "warm-up plus one per round");

        let mut ops = [Op::new("refused", || anyhow::bail!("no"))];
        let error = interleaved(&mut ops, Duration::from_millis(1), 1)
            .err()
            .map(|e| format!("{e:#}"));
        assert_eq!(error.as_deref(), Some("refused (warm-up): no"));
    }
}
