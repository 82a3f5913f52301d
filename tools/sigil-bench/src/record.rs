//! One measurement, as one JSON line: `{"name", "meanNs", "iterations", ...}`, the shape
//! `interop/js/bench/js-bench.js` prints, with optional fields for loads and memory.

use serde::{Deserialize, Serialize};
use std::io::Write;

/// One named figure. Timings are nanoseconds per operation; loads add latency percentiles and
/// throughput; memory records carry KiB.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub name: String,
    /// Mean time per operation (for a load: mean latency of one request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_ns: Option<f64>,
    /// CPU time of the measuring thread per operation (in-process timings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ns: Option<f64>,
    /// Operations timed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_ns: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ns: Option<f64>,
    /// Completed operations per second of wall time (all clients together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_second: Option<f64>,
    /// Concurrent clients (or connections) of a load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<u32>,
    /// CPU time the measured process spent, divided by the wall time: the cores it used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores_used: Option<f64>,
    /// Peak resident memory (VmHWM), KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hwm_kib: Option<u64>,
    /// Resident memory when read (VmRSS), KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss_kib: Option<u64>,
    /// Chain reads (`eth_call`) the nodes made per operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_calls: Option<f64>,
}

impl Record {
    /// A timing: `mean_ns` per operation over `iterations`.
    pub fn timing(name: impl Into<String>, mean_ns: f64, iterations: u64) -> Record {
        Record {
            name: name.into(),
            mean_ns: Some(mean_ns),
            iterations: Some(iterations),
            ..Record::default()
        }
    }

    /// A timing with the thread CPU time per operation too.
    pub fn timing_with_cpu(
        name: impl Into<String>,
        mean_ns: f64,
        cpu_ns: Option<f64>,
        iterations: u64,
    ) -> Record {
        Record {
            cpu_ns,
            ..Record::timing(name, mean_ns, iterations)
        }
    }

    /// Prints the record as one JSON line on stdout (flushed, so a script reading the pipe sees
    /// it at once).
    pub fn emit(&self) -> anyhow::Result<()> {
        let line = serde_json::to_string(self)?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")?;
        out.flush()?;
        Ok(())
    }
}

/// Reads JSON lines; blank lines and lines that are not records (a stray log line) are skipped
/// and counted.
pub fn parse_lines(text: &str) -> (Vec<Record>, usize) {
    let mut records = Vec::new();
    let mut skipped = 0;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match serde_json::from_str::<Record>(line) {
            Ok(record) => records.push(record),
            Err(_) => skipped += 1,
        }
    }
    (records, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_bench_lines_parse_as_records() {
        let (records, skipped) = parse_lines(
            "{\"name\":\"session_sigs_3\",\"meanNs\":109371563.25,\"iterations\":4}\n\nnot json\n",
        );
        assert_eq!(skipped, 1);
        assert_eq!(
            records,
            vec![Record::timing("session_sigs_3", 109_371_563.25, 4)]
        );
    }

    #[test]
    fn absent_fields_are_left_out_of_the_line() {
        let line = serde_json::to_string(&Record::timing("x", 1.5, 2)).unwrap_or_default();
        assert_eq!(line, r#"{"name":"x","meanNs":1.5,"iterations":2}"#);
        let load = Record {
            name: "decrypt_sigil_c8".into(),
            p99_ns: Some(3.0),
            clients: Some(8),
            ..Record::default()
        };
        let line = serde_json::to_string(&load).unwrap_or_default();
        assert_eq!(
            line,
            r#"{"name":"decrypt_sigil_c8","p99Ns":3.0,"clients":8}"#
        );
    }
}
