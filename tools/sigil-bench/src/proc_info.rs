//! What Linux's `/proc` says about a process (memory, CPU time) and the machine (CPU model),
//! read with the `procfs` crate.

use crate::record::Record;
use anyhow::Context as _;
use procfs::process::{ClearRefs, Process, Schedstat};
use procfs::{CpuInfo, Current as _, FromRead as _, LoadAverage};

#[derive(clap::Args)]
pub struct RssArgs {
    /// The process to read.
    #[arg(long)]
    pid: u32,
    /// Name of the record printed.
    #[arg(long)]
    name: String,
    /// After reading, reset the peak (VmHWM) to the current RSS, so a later read gives the peak
    /// of what happens in between.
    #[arg(long)]
    reset_peak: bool,
}

pub fn run_rss(args: RssArgs) -> anyhow::Result<()> {
    let memory = memory(args.pid)?;
    Record {
        name: args.name,
        hwm_kib: Some(memory.hwm_kib),
        rss_kib: Some(memory.rss_kib),
        ..Record::default()
    }
    .emit()?;
    if args.reset_peak {
        reset_peak(args.pid)?;
    }
    Ok(())
}

/// Resident memory of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Peak resident set (VmHWM), KiB.
    pub hwm_kib: u64,
    /// Current resident set (VmRSS), KiB.
    pub rss_kib: u64,
}

impl Memory {
    /// The figures of a `/proc/<pid>/status`; `None` for a process without them (a kernel
    /// thread).
    fn of(status: &procfs::process::Status) -> Option<Memory> {
        Some(Memory {
            hwm_kib: status.vmhwm?,
            rss_kib: status.vmrss?,
        })
    }
}

fn process(pid: u32) -> anyhow::Result<Process> {
    let id = i32::try_from(pid).with_context(|| format!("no process {pid}"))?;
    Process::new(id).with_context(|| format!("reading /proc/{pid}"))
}

pub fn memory(pid: u32) -> anyhow::Result<Memory> {
    let status = process(pid)?
        .status()
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    Memory::of(&status).with_context(|| format!("no VmHWM/VmRSS in /proc/{pid}/status"))
}

/// Resets the process's VmHWM to its current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux
/// 4.0+; needs to own the process).
pub fn reset_peak(pid: u32) -> anyhow::Result<()> {
    process(pid)?
        .clear_refs(ClearRefs::PeakRSS)
        .with_context(|| format!("writing /proc/{pid}/clear_refs"))
}

/// CPU time (user + system, all threads, exited ones included) the process has used, seconds.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = process(pid)?
        .stat()
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    Ok(cpu_ticks(&stat) as f64 / procfs::ticks_per_second() as f64)
}

/// utime + stime of a `/proc/<pid>/stat`, in clock ticks.
fn cpu_ticks(stat: &procfs::process::Stat) -> u64 {
    stat.utime + stat.stime
}

/// CPU time of this process, seconds.
pub fn own_cpu_seconds() -> anyhow::Result<f64> {
    cpu_seconds(std::process::id())
}

/// CPU time the calling thread has run, in nanoseconds (`/proc/thread-self/schedstat`, whose
/// first field is the time on a CPU); `None` where that file is missing.
///
/// The kernel adds a running thread's latest stretch to that sum only when it passes through
/// the scheduler, so a plain read lags by up to a tick (4 ms at 250 Hz); yielding first brings
/// it up to date (measured: within 10 µs).
pub fn thread_cpu_ns() -> Option<u64> {
    std::thread::yield_now();
    Schedstat::from_file("/proc/thread-self/schedstat")
        .ok()
        .map(|stat| stat.sum_exec_runtime)
}

/// The CPU model and the number of logical CPUs of a `/proc/cpuinfo`.
fn model_and_cores(info: &CpuInfo) -> (Option<String>, usize) {
    (info.model_name(0).map(str::to_owned), info.num_cores())
}

/// The machine: CPU model and logical CPUs from `/proc/cpuinfo` (the cores Rust sees if that
/// file is unreadable).
pub fn machine() -> (String, usize) {
    let (model, cores) = CpuInfo::current()
        .map(|info| model_and_cores(&info))
        .unwrap_or((None, 0));
    let cores = if cores == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        cores
    };
    (model.unwrap_or_else(|| "unknown CPU".into()), cores)
}

/// `/proc/loadavg`'s 1, 5 and 15 minute load averages, as the kernel writes them (two
/// decimals).
pub fn load_average() -> Option<String> {
    let load = LoadAverage::current().ok()?;
    Some(format!(
        "{:.2} {:.2} {:.2}",
        load.one, load.five, load.fifteen
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use procfs::process::{Stat, Status};

    #[test]
    fn status_gives_peak_and_current_rss() -> anyhow::Result<()> {
        let status = |text: &str| Status::from_read(text.as_bytes()).map(|s| Memory::of(&s));
        // A real status (the parser wants its every mandatory field) with known figures.
        let real = std::fs::read_to_string("/proc/self/status")?;
        let edited = |line: &str| match line.split(':').next() {
            Some("VmHWM") => "VmHWM:\t   23456 kB".to_owned(),
            Some("VmRSS") => "VmRSS:\t   20000 kB".to_owned(),
            _ => line.to_owned(),
        };
        let text: String = real.lines().map(edited).map(|l| l + "\n").collect();
        assert_eq!(
            status(&text).ok().flatten(),
            Some(Memory {
                hwm_kib: 23456,
                rss_kib: 20000
            })
        );
        // A kernel thread's status has no Vm* lines.
        let kernel_thread: String = real
            .lines()
            .filter(|l| !l.starts_with("Vm"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(status(&kernel_thread).ok().flatten(), None);
        Ok(())
    }

    #[test]
    fn stat_cpu_ticks_are_counted_after_the_command_name() {
        // A name with a space and a parenthesis; utime 250, stime 50.
        let text = "4242 (sigil (x) y) S 1 4242 4242 0 -1 4194560 1 0 0 0 250 50 0 0 20 0 9 0 1 1 \
                    1 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        let stat = Stat::from_read(text.as_bytes()).map(|s| cpu_ticks(&s));
        assert_eq!(stat.ok(), Some(300));
        assert!(Stat::from_read("4242 (sigil) S 1".as_bytes()).is_err());
    }

    #[test]
    fn cpuinfo_gives_model_and_logical_cpus() {
        let text =
            "processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
        let info = CpuInfo::from_read(text.as_bytes()).map(|info| model_and_cores(&info));
        assert_eq!(info.ok(), Some((Some("AMD EPYC".into()), 2)));
    }

    #[test]
    fn load_average_has_the_three_figures() {
        let load = load_average().unwrap_or_default();
        assert_eq!(load.split(' ').count(), 3, "{load:?}");
        assert!(
            load.split(' ').all(|f| f.parse::<f64>().is_ok()),
            "{load:?}"
        );
    }

    #[test]
    fn this_process_is_readable() -> anyhow::Result<()> {
        let mine = memory(std::process::id())?;
        assert!(mine.hwm_kib >= mine.rss_kib && mine.rss_kib > 0);
        assert!(own_cpu_seconds()? >= 0.0);
        // Up to date to well under a 4 ms scheduler tick: a 2 ms spin reads as its wall time
        // (a stale read is off by a millisecond or more). Five tries, so one run without
        // preemption is enough on a busy machine.
        let errors: Vec<i128> = (0..5)
            .map(|_| {
                let before = thread_cpu_ns().unwrap_or(0);
                let spin = std::time::Instant::now();
                while spin.elapsed() < std::time::Duration::from_millis(2) {
                    std::hint::black_box(spin.elapsed());
                }
                let wall = spin.elapsed().as_nanos() as i128;
                let spent = thread_cpu_ns().unwrap_or(0).saturating_sub(before);
                i128::from(spent) - wall
            })
            .collect();
        assert!(
            errors.iter().any(|e| e.abs() < 500_000),
            "CPU minus wall time of 2 ms spins, ns: {errors:?}"
        );
        Ok(())
    }
}
