//! What Linux's `/proc` says about a process (memory, CPU time) and the machine (CPU model).

use super::record::Record;
use anyhow::Context as _;
use std::path::PathBuf;

/// `/proc/<pid>/stat` counts CPU time in clock ticks of `USER_HZ`, which Linux fixes at 100 on
/// every architecture it exports to user space.
const USER_HZ: f64 = 100.0;

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

pub fn memory(pid: u32) -> anyhow::Result<Memory> {
    let path = proc_path(pid, "status");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse_status(&text).with_context(|| format!("no VmHWM/VmRSS in {}", path.display()))
}

/// Resets the process's VmHWM to its current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux
/// 4.0+; needs to own the process).
pub fn reset_peak(pid: u32) -> anyhow::Result<()> {
    let path = proc_path(pid, "clear_refs");
    std::fs::write(&path, "5").with_context(|| format!("writing {}", path.display()))
}

/// CPU time (user + system, all threads, exited ones included) the process has used, seconds.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let path = proc_path(pid, "stat");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let ticks =
        parse_stat_cpu_ticks(&text).with_context(|| format!("unreadable {}", path.display()))?;
    Ok(ticks as f64 / USER_HZ)
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
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn proc_path(pid: u32, file: &str) -> PathBuf {
    PathBuf::from(format!("/proc/{pid}/{file}"))
}

pub fn parse_status(text: &str) -> Option<Memory> {
    let field = |name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        line.get(name.len()..)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some(Memory {
        hwm_kib: field("VmHWM:")?,
        rss_kib: field("VmRSS:")?,
    })
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line. The command name (field 2)
/// may hold spaces and parentheses, so fields are counted after its last `)`.
pub fn parse_stat_cpu_ticks(text: &str) -> Option<u64> {
    let after_name = text.get(text.rfind(')')? + 1..)?;
    let mut fields = after_name.split_whitespace();
    // Field 3 (state) is the first after the name; utime is field 14, so 11 more on.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The CPU model and the number of logical CPUs in `/proc/cpuinfo` text.
pub fn parse_cpuinfo(text: &str) -> (Option<String>, usize) {
    let model = text
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned());
    let cores = text.lines().filter(|l| l.starts_with("processor")).count();
    (model, cores)
}

/// The machine: CPU model and logical CPUs from `/proc/cpuinfo` (the cores Rust sees if that
/// file is unreadable).
pub fn machine() -> (String, usize) {
    let text = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let (model, cores) = parse_cpuinfo(&text);
    let cores = if cores == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        cores
    };
    (model.unwrap_or_else(|| "unknown CPU".into()), cores)
}

/// `/proc/loadavg`'s 1, 5 and 15 minute load averages.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    (fields.len() == 3).then(|| fields.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_gives_peak_and_current_rss() {
        let text = "Name:\tsigil\nVmPeak:\t  900000 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n";
        assert_eq!(
            parse_status(text),
            Some(Memory {
                hwm_kib: 23456,
                rss_kib: 20000
            })
        );
        assert_eq!(parse_status("Name:\tkthread\n"), None);
    }

    #[test]
    fn stat_cpu_ticks_are_counted_after_the_command_name() {
        // A name with a space and a parenthesis; utime 250, stime 50.
        let text =
            "4242 (sigil (x) y) S 1 4242 4242 0 -1 4194560 1 0 0 0 250 50 0 0 20 0 9 0 1 1 1";
        assert_eq!(parse_stat_cpu_ticks(text), Some(300));
        assert_eq!(parse_stat_cpu_ticks("4242 (sigil) S 1"), None);
    }

    #[test]
    fn cpuinfo_gives_model_and_logical_cpus() {
        let text =
            "processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
        assert_eq!(parse_cpuinfo(text), (Some("AMD EPYC".into()), 2));
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
