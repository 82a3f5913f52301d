//! `sigil-bench report`: BENCHMARKS.md from the records of one run, and the `RATIO` lines.
//!
//! Sigil's records (`sigil-bench local|encryption-sign|decrypt|rss`) and the JS SDK's
//! (`js-bench.js`) come in separate files and use the same names for the same operation.

use crate::measure::median;
use crate::proc_info;
use crate::record::{parse_lines, Record};
use anyhow::Context as _;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Sigil's records (JSON lines).
    #[arg(long)]
    sigil: PathBuf,
    /// The JS SDK's records (JSON lines).
    #[arg(long)]
    js: PathBuf,
    /// Where to write the Markdown.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: PathBuf,
    /// `quick` or `full`, as the script ran.
    #[arg(long, default_value = "full")]
    mode: String,
    /// /proc/loadavg's three figures when the run began.
    #[arg(long)]
    load_at_start: Option<String>,
    /// /proc/loadavg's three figures when the measurements ended [default: now].
    #[arg(long)]
    load_at_end: Option<String>,
    /// When the run was made (RFC 3339) [default: now].
    #[arg(long)]
    date: Option<String>,
    /// The JS runtime (`node --version`).
    #[arg(long)]
    js_runtime: Option<String>,
    /// Seconds the whole run took (shown in the machine section).
    #[arg(long)]
    run_seconds: Option<u64>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let read = |path: &PathBuf| -> anyhow::Result<Figures> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let (records, skipped) = parse_lines(&text);
        if skipped > 0 {
            eprintln!(
                "{}: {skipped} line(s) that are not records skipped",
                path.display()
            );
        }
        Ok(Figures::new(records))
    };
    let sigil = read(&args.sigil)?;
    let js = read(&args.js)?;
    let (cpu, cores) = proc_info::machine();
    let context = RunContext {
        cpu,
        cores,
        date: args.date.unwrap_or_else(|| {
            time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        }),
        mode: args.mode,
        load_at_start: args.load_at_start,
        load_at_end: args.load_at_end.or_else(proc_info::load_average),
        js_runtime: args.js_runtime,
        run_seconds: args.run_seconds,
    };
    let ratios = headline_ratios(&sigil, &js, cores);
    let markdown = render(&sigil, &js, &ratios, &context);
    std::fs::write(&args.out, markdown)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("wrote {}", args.out.display());
    for line in ratio_lines(&ratios) {
        println!("{line}");
    }
    anyhow::ensure!(
        ratios.iter().all(|r| r.value.is_some()),
        "some headline figures are missing (RATIO ... n/a above)"
    );
    Ok(())
}

/// The records of one side, by name (a later record of the same name wins).
pub struct Figures(HashMap<String, Record>);

impl Figures {
    /// Records of the same name (the same timing run in several processes) are merged: the
    /// median of their times, the sum of their iterations; other fields from the last one.
    pub fn new(records: Vec<Record>) -> Figures {
        let mut by_name: HashMap<String, Vec<Record>> = HashMap::new();
        for record in records {
            by_name.entry(record.name.clone()).or_default().push(record);
        }
        Figures(
            by_name
                .into_iter()
                .filter_map(|(name, runs)| Some((name, merge(runs)?)))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&Record> {
        self.0.get(name)
    }

    fn mean(&self, name: &str) -> Option<f64> {
        self.get(name)
            .and_then(|r| r.mean_ns)
            .filter(|v| v.is_finite() && *v > 0.0)
    }

    /// What an operation costs: the measuring thread's CPU time per operation when recorded
    /// (so time spent waiting for a core held by another process is not counted), else the
    /// wall time.
    fn cost(&self, name: &str) -> Option<f64> {
        self.get(name)
            .and_then(|r| r.cpu_ns)
            .filter(|v| v.is_finite() && *v > 0.0)
            .or_else(|| self.mean(name))
    }

    fn per_second(&self, name: &str) -> Option<f64> {
        self.get(name)
            .and_then(|r| r.per_second)
            .filter(|v| v.is_finite() && *v > 0.0)
    }
}

fn merge(runs: Vec<Record>) -> Option<Record> {
    let median_of = |field: fn(&Record) -> Option<f64>| {
        let mut values: Vec<f64> = runs.iter().filter_map(field).collect();
        median(&mut values)
    };
    let mean_ns = median_of(|r| r.mean_ns);
    let cpu_ns = median_of(|r| r.cpu_ns);
    let iterations = runs
        .iter()
        .filter_map(|r| r.iterations)
        .reduce(|a, b| a + b);
    let last = runs.into_iter().last()?;
    Some(Record {
        mean_ns,
        cpu_ns,
        iterations,
        ..last
    })
}

pub struct RunContext {
    pub cpu: String,
    pub cores: usize,
    pub date: String,
    pub mode: String,
    pub load_at_start: Option<String>,
    pub load_at_end: Option<String>,
    pub js_runtime: Option<String>,
    pub run_seconds: Option<u64>,
}

/// A headline figure: its `RATIO` name, value, and the target it is held to.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratio {
    pub name: &'static str,
    pub value: Option<f64>,
    pub target: Target,
    pub meaning: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
    None,
}

impl Target {
    fn met(self, value: f64) -> Option<bool> {
        match self {
            Target::AtLeast(bound) => Some(value >= bound),
            Target::AtMost(bound) => Some(value <= bound),
            Target::None => None,
        }
    }

    fn describe(self) -> String {
        match self {
            Target::AtLeast(bound) => format!(">= {bound}"),
            Target::AtMost(bound) => format!("<= {bound}"),
            Target::None => "none".into(),
        }
    }
}

/// The throughput one node could reach if every request cost only its cryptography on each core
/// it used: one BLS share signature and one ed25519 `verify_strict` (a warm session). Returns
/// (requests per second, cores used: measured, else all cores; whether measured).
fn encryption_sign_floor(sigil: &Figures, cores: usize) -> Option<(f64, f64, bool)> {
    let per_request = encryption_sign_floor_cost(sigil)?;
    let measured = sigil
        .get("encryption_sign")
        .and_then(|r| r.cores_used)
        .filter(|c| c.is_finite() && *c > 0.0);
    let cores_used = measured.unwrap_or(cores as f64);
    Some((
        cores_used * 1e9 / per_request,
        cores_used,
        measured.is_some(),
    ))
}

/// CPU nanoseconds of the floor of one `/web/encryption/sign/` request.
fn encryption_sign_floor_cost(sigil: &Figures) -> Option<f64> {
    Some(sigil.cost("bls_share_sign")? + sigil.cost("floor_ed25519_verify_strict")?)
}

pub fn headline_ratios(sigil: &Figures, js: &Figures, cores: usize) -> Vec<Ratio> {
    vec![
        Ratio {
            name: "session_sigs_100_js_over_sigil",
            value: ratio(js.mean("session_sigs_100"), sigil.mean("session_sigs_100")),
            target: Target::AtLeast(50.0),
            meaning: "JS getSessionSigs time / Sigil get_session_sigs time, 100 nodes",
        },
        Ratio {
            name: "verify_cold_sigil_over_floor",
            value: ratio(sigil.cost("verify_cold"), sigil.cost("floor_verify")),
            target: Target::AtMost(1.25),
            meaning: "cold verify / (ed25519 verify_strict + libsecp256k1 recover + JSON + SIWE \
                      parse)",
        },
        Ratio {
            name: "verify_warm_sigil_over_ed25519",
            value: ratio(
                sigil.cost("verify_warm"),
                sigil.cost("floor_ed25519_verify_strict"),
            ),
            target: Target::AtMost(1.3),
            meaning: "warm verify (outer signature and template from the cache) / one ed25519 \
                      verify_strict",
        },
        Ratio {
            name: "encryption_sign_sigil_over_floor",
            value: ratio(
                sigil.per_second("encryption_sign"),
                encryption_sign_floor(sigil, cores).map(|(floor, _, _)| floor),
            ),
            target: Target::AtLeast(0.7),
            meaning: "requests per second served / (cores the node used / (one BLS share-sign + \
                      one ed25519 verify_strict))",
        },
        Ratio {
            name: "decrypt_js_over_sigil_1",
            value: decrypt_ratio(sigil, js, 1),
            target: Target::None,
            meaning: "Sigil decrypts per second / the JS SDK's, 1 client",
        },
        Ratio {
            name: "decrypt_js_over_sigil_8",
            value: decrypt_ratio(sigil, js, 8),
            target: Target::None,
            meaning: "Sigil decrypts per second / the JS SDK's, 8 concurrent clients",
        },
        Ratio {
            name: "decrypt_js_over_sigil_32",
            value: decrypt_ratio(sigil, js, 32),
            target: Target::AtLeast(15.0),
            meaning: "Sigil decrypts per second / the JS SDK's, 32 concurrent clients \
                      (= JS time per decrypt / Sigil's)",
        },
    ]
}

/// Sigil's decrypt throughput over the JS SDK's with `clients` concurrent clients.
fn decrypt_ratio(sigil: &Figures, js: &Figures, clients: u32) -> Option<f64> {
    let name = format!("decrypt_c{clients}");
    ratio(sigil.per_second(&name), js.per_second(&name))
}

pub fn ratio_lines(ratios: &[Ratio]) -> Vec<String> {
    ratios
        .iter()
        .map(|r| match r.value {
            Some(value) => format!("RATIO {} {}", r.name, format_ratio_value(value)),
            None => format!("RATIO {} n/a", r.name),
        })
        .collect()
}

fn format_ratio_value(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

pub fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn format_x(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".into(), |r| format!("{}x", format_ratio_value(r)))
}

fn time_cell(ns: Option<f64>) -> String {
    ns.map_or_else(|| "—".into(), format_ns)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

struct Row {
    operation: String,
    sigil: String,
    js: String,
    js_over_sigil: String,
    floor: String,
    sigil_over_floor: String,
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// A row of in-process timings: wall times in the cells; Sigil/floor divides CPU times (see
/// [`Figures::cost`]), with the wall-time ratio beside it when the two differ.
fn timing_row(operation: String, sigil: &Figures, js: &Figures, names: [Option<&str>; 3]) -> Row {
    let [sigil_name, js_name, floor_name] = names;
    let wall = |figures: &Figures, name: Option<&str>| name.and_then(|n| figures.mean(n));
    let cost = |name: Option<&str>| name.and_then(|n| sigil.cost(n));
    let (sigil_wall, floor_wall) = (wall(sigil, sigil_name), wall(sigil, floor_name));
    let js_wall = wall(js, js_name);
    let by_cost = ratio(cost(sigil_name), cost(floor_name));
    let by_wall = ratio(sigil_wall, floor_wall);
    let sigil_over_floor = match (by_cost, by_wall) {
        (Some(c), Some(w)) if (c - w).abs() > 0.02 * c => {
            format!("{} (wall {})", format_x(Some(c)), format_x(Some(w)))
        }
        (c, _) => format_x(c),
    };
    Row {
        operation,
        sigil: time_cell(sigil_wall),
        js: time_cell(js_wall),
        js_over_sigil: format_x(ratio(js_wall, sigil_wall)),
        floor: time_cell(floor_wall),
        sigil_over_floor,
    }
}

fn load_cell(record: Option<&Record>) -> String {
    let Some(record) = record else {
        return "—".into();
    };
    let mut cell = record
        .per_second
        .map_or_else(|| "—".into(), |r| format!("{r:.0}/s"));
    if let (Some(p50), Some(p99)) = (record.p50_ns, record.p99_ns) {
        let _ = write!(cell, " (p50 {}, p99 {})", format_ns(p50), format_ns(p99));
    }
    cell
}

fn rows(sigil: &Figures, js: &Figures, cores: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    for nodes in [3, 10, 100] {
        let (client, auth, floor) = (
            format!("session_sigs_{nodes}"),
            format!("session_sigs_auth_{nodes}"),
            format!("floor_session_sigs_{nodes}"),
        );
        rows.push(timing_row(
            format!(
                "Session sigs, {nodes} nodes: `get_session_sigs` / `getSessionSigs`, no network"
            ),
            sigil,
            js,
            [Some(&client), Some(&client), Some(&floor)],
        ));
        rows.push(timing_row(
            format!("Session sigs, {nodes} nodes: `sigil-auth` alone (no client)"),
            sigil,
            js,
            [Some(&auth), None, Some(&floor)],
        ));
    }
    rows.push(timing_row(
        "Verify a session sig, cold (new wallet sig each time); JS: client-side `siwe` verify + tweetnacl verify".into(),
        sigil,
        js,
        [Some("verify_cold"), Some("verify_client"), Some("floor_verify")],
    ));
    rows.push(timing_row(
        "Verify a session sig, warm (capability cached); floor: one ed25519 `verify_strict`".into(),
        sigil,
        js,
        [
            Some("verify_warm"),
            None,
            Some("floor_ed25519_verify_strict"),
        ],
    ));
    for (name, label) in [
        (
            "floor_ed25519_verify_strict",
            "Floor part: ed25519 `verify_strict`",
        ),
        (
            "floor_secp256k1_recover",
            "Floor part: secp256k1 recover (EIP-191, libsecp256k1)",
        ),
        (
            "floor_template_json_parse",
            "Floor part: session template JSON parse",
        ),
        ("floor_siwe_parse", "Floor part: SIWE parse"),
        (
            "ed25519_key_decode",
            "Not in the floor: ed25519 public key decode, paid by every verify",
        ),
        ("bls_share_sign", "Floor: one BLS share signature (blst)"),
    ] {
        rows.push(timing_row(
            label.into(),
            sigil,
            js,
            [None, None, Some(name)],
        ));
    }

    let encryption_sign = sigil.get("encryption_sign");
    let floor = encryption_sign_floor(sigil, cores);
    let served = sigil.per_second("encryption_sign");
    rows.push(Row {
        operation: format!(
            "`/web/encryption/sign/` on one node, {} connections{}",
            encryption_sign
                .and_then(|r| r.clients)
                .map_or_else(|| "?".into(), |c| c.to_string()),
            match floor {
                Some((_, cores_used, true)) => format!("; node used {cores_used:.2} cores"),
                Some((_, cores_used, false)) =>
                    format!("; node CPU not measured, {cores_used} cores assumed"),
                None => String::new(),
            }
        ),
        sigil: load_cell(encryption_sign),
        js: "—".into(),
        js_over_sigil: "—".into(),
        floor: match (floor, encryption_sign_floor_cost(sigil)) {
            (Some((f, _, true)), Some(per_request)) => format!(
                "{f:.0}/s on the cores used; {:.0}/s on all {cores}",
                cores as f64 * 1e9 / per_request
            ),
            (Some((f, _, _)), _) => format!("{f:.0}/s"),
            _ => "—".into(),
        },
        sigil_over_floor: match (served, floor, encryption_sign_floor_cost(sigil)) {
            (Some(served), Some((f, _, true)), Some(per_request)) => format!(
                "{:.0}% of floor ({:.0}% of all cores' floor)",
                served / f * 100.0,
                served * per_request / 1e9 / cores as f64 * 100.0
            ),
            (Some(served), Some((f, _, _)), _) => format!("{:.0}% of floor", served / f * 100.0),
            _ => "—".into(),
        },
    });
    for clients in [1, 8, 32] {
        let name = format!("decrypt_c{clients}");
        let ratio = match (sigil.per_second(&name), js.per_second(&name)) {
            (Some(s), Some(j)) => Some(s / j),
            _ => None,
        };
        rows.push(Row {
            operation: format!("Decrypt end to end, 3-node devnet, {clients} concurrent client(s): throughput (latency)"),
            sigil: load_cell(sigil.get(&name)),
            js: load_cell(js.get(&name)),
            js_over_sigil: format_x(ratio),
            floor: "—".into(),
            sigil_over_floor: "—".into(),
        });
    }
    for (name, label) in [
        ("rss_node_idle", "Node RSS, idle (peak, VmHWM)"),
        (
            "rss_node_c32",
            "Node RSS, peak under the 32-client decrypt load (VmHWM)",
        ),
    ] {
        rows.push(Row {
            operation: label.into(),
            sigil: sigil
                .get(name)
                .and_then(|r| r.hwm_kib)
                .map_or_else(|| "—".into(), mib),
            js: "—".into(),
            js_over_sigil: "—".into(),
            floor: "—".into(),
            sigil_over_floor: "—".into(),
        });
    }
    rows
}

pub fn render(sigil: &Figures, js: &Figures, ratios: &[Ratio], context: &RunContext) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Benchmarks: Sigil, the Lit JS SDK v7 and the cryptographic floor\n"
    );
    let _ = writeln!(
        md,
        "Written by `scripts/bench-compare{}` from one run: every figure below was measured in that \
         run, on this machine, Sigil and the JS SDK side by side. Times are per operation (median \
         of 5 interleaved rounds for Sigil's in-process timings, mean over the budget for the JS \
         SDK's; the verification group runs in several processes and each figure is the median \
         over them, as the same timing moves by up to 10% from one process to the next); loads are closed loops, each client sending its next request when the last one \
         is answered. Sigil/floor, and the verify and `/web/encryption/sign/` headline ratios, \
         divide CPU times (the measuring thread's per operation, from \
         /proc/thread-self/schedstat; the node process's from /proc/<pid>/stat), so time \
         another process held a core is charged to neither side; the wall-clock ratio is shown \
         beside it when the two differ by more than 2%.\n",
        if context.mode == "quick" { " --quick" } else { "" }
    );
    let _ = writeln!(md, "## Machine\n");
    let _ = writeln!(
        md,
        "- CPU: {} ({} logical cores)",
        context.cpu, context.cores
    );
    let _ = writeln!(md, "- Date: {}", context.date);
    let _ = writeln!(md, "- Mode: {}", context.mode);
    if let Some(js_runtime) = &context.js_runtime {
        let _ = writeln!(
            md,
            "- JS runtime: Node.js {js_runtime}, `@lit-protocol/*` 7.4.0"
        );
    }
    let _ = writeln!(
        md,
        "- Load average (1/5/15 min): {} at start, {} at end",
        context.load_at_start.as_deref().unwrap_or("?"),
        context.load_at_end.as_deref().unwrap_or("?")
    );
    if let Some(seconds) = context.run_seconds {
        let _ = writeln!(md, "- Whole run: {seconds} s, release build");
    }

    let _ = writeln!(md, "\n## Results\n");
    let _ = writeln!(
        md,
        "| Operation | Sigil | JS SDK | JS/Sigil | Floor | Sigil/floor |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for row in rows(sigil, js, context.cores) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            row.operation, row.sigil, row.js, row.js_over_sigil, row.floor, row.sigil_over_floor
        );
    }

    let _ = writeln!(md, "\n## Targets\n");
    let _ = writeln!(md, "| Figure | Value | Target | Met |");
    let _ = writeln!(md, "|---|---|---|---|");
    for ratio in ratios {
        let value = ratio.value.map_or_else(|| "n/a".into(), format_ratio_value);
        let met = match ratio.value.and_then(|v| ratio.target.met(v)) {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let _ = writeln!(
            md,
            "| `{}`: {} | {} | {} | {} |",
            ratio.name,
            ratio.meaning,
            value,
            ratio.target.describe(),
            met
        );
    }
    for (name, label, limit_mib) in [
        ("rss_node_idle", "Node RSS idle (VmHWM)", 32u64),
        ("rss_node_c32", "Node RSS at 32 clients (VmHWM)", 96),
    ] {
        let hwm = sigil.get(name).and_then(|r| r.hwm_kib);
        let met = match hwm {
            Some(kib) if kib < limit_mib * 1024 => "yes",
            Some(_) => "**no**",
            None => "—",
        };
        let _ = writeln!(
            md,
            "| {label} | {} | < {limit_mib} MiB | {met} |",
            hwm.map_or_else(|| "n/a".into(), mib)
        );
    }

    let _ = writeln!(md, "\n## How it was measured\n");
    let _ = writeln!(
        md,
        "- **Session sigs**: the JS SDK's `getSessionSigs` with the seed guide's `authNeededCallback` \
           (`createSiweMessage` + `generateAuthSig`), its connection state set by hand as \
           `jsref/vectors.js` does; Sigil's `LitNodeClient::get_session_sigs` with the same \
           callback, connected beforehand to stub nodes that answer the handshake, so nothing \
           leaves the process while timing. Same wallet key, session key and nonce. The floor is \
           one EIP-191 secp256k1 signature plus one ed25519 signature per node.\n\
         - **Verify**: `sigil_auth::verify_session_sig` with a capability cache, as a node calls it. \
           Cold cycles through 512 distinct wallet sigs with a 256-entry cache, so every request \
           misses; warm repeats one session sig, whose outer ed25519 signature and parsed template \
           the cache keeps after the first request (a sha256 of the sig's bytes finds them), so a \
           warm request pays the per-request checks only. The floor runs, on the same inputs, one ed25519 \
           `verify_strict` (key already decoded), one secp256k1 public-key recovery (libsecp256k1), the session \
           template's JSON parse and the SIWE parse. The JS SDK column is what it does to \
           validate a session client-side (`siwe` `verify` + tweetnacl `verify`).\n\
         - **`/web/encryption/sign/`**: `sigil-bench encryption-sign` keeps N keep-alive \
           connections busy on one node process with a full JS-SDK-shaped request (session sig \
           verified warm, conditions hashed and evaluated, the use committed to redb, one share \
           signed). The floor is the CPU the node process actually used (from /proc, so the load \
           generator's share of the cores is not counted against the node) divided by the \
           cryptography of one request: one BLS share signature (blst) and one ed25519 \
           `verify_strict` (a node without the session cache pays that verify on every request; \
           with it, a repeated session sig skips it, so the ratio may exceed what the floor \
           alone allows).\n\
         - **Decrypt**: a 3-node, threshold-2 network: the embedded chain (`sigil-bench chain`) and \
           three `sigil node` processes dealt by `sigil devnet`. Each client has its own wallet, \
           `LitNodeClient`, ciphertext and session sigs, made before timing; the Sigil load \
           generator (`sigil-bench decrypt`, one multi-threaded process) and the JS SDK \
           (`decryptToString` in one Node.js process) run in turn against the same nodes, on the \
           same machine as the nodes.\n\
         - **Memory**: VmHWM of node 0's process from /proc, idle before any load, and reset \
           just before the 32-client Sigil run and read after it.\n"
    );

    let _ = writeln!(md, "## RATIO lines\n");
    let _ = writeln!(md, "```");
    for line in ratio_lines(ratios) {
        let _ = writeln!(md, "{line}");
    }
    let _ = writeln!(md, "```");
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(name: &str, mean_ns: f64) -> Record {
        Record::timing(name, mean_ns, 10)
    }

    fn sample() -> (Figures, Figures) {
        let sigil = Figures::new(vec![
            timing("session_sigs_100", 2_000_000.0),
            timing("verify_cold", 110_000.0),
            timing("floor_verify", 100_000.0),
            timing("verify_warm", 50_000.0),
            timing("floor_ed25519_verify_strict", 40_000.0),
            timing("bls_share_sign", 960_000.0),
            Record {
                name: "encryption_sign".into(),
                per_second: Some(1500.0),
                cores_used: Some(1.6),
                clients: Some(16),
                ..Record::default()
            },
            Record {
                name: "decrypt_c32".into(),
                per_second: Some(600.0),
                p50_ns: Some(5e7),
                p99_ns: Some(9e7),
                ..Record::default()
            },
            Record {
                name: "rss_node_idle".into(),
                hwm_kib: Some(20 * 1024),
                ..Record::default()
            },
        ]);
        let js = Figures::new(vec![
            timing("session_sigs_100", 1_600_000_000.0),
            Record {
                name: "decrypt_c32".into(),
                per_second: Some(60.0),
                ..Record::default()
            },
        ]);
        (sigil, js)
    }

    #[test]
    fn ratio_lines_have_the_issue_names_in_order() {
        let (sigil, js) = sample();
        let lines = ratio_lines(&headline_ratios(&sigil, &js, 2));
        assert_eq!(
            lines,
            vec![
                "RATIO session_sigs_100_js_over_sigil 800",
                "RATIO verify_cold_sigil_over_floor 1.100",
                "RATIO verify_warm_sigil_over_ed25519 1.250",
                // 1.6 cores / (0.96 ms + 0.04 ms) = 1600/s against 1500/s served.
                "RATIO encryption_sign_sigil_over_floor 0.938",
                "RATIO decrypt_js_over_sigil_1 n/a",
                "RATIO decrypt_js_over_sigil_8 n/a",
                "RATIO decrypt_js_over_sigil_32 10.0",
            ]
        );
    }

    #[test]
    fn timings_repeated_in_several_processes_are_merged_by_median() {
        let runs = Figures::new(vec![
            Record::timing_with_cpu("verify_warm", 60.0, Some(59.0), 10),
            Record::timing_with_cpu("verify_warm", 50.0, Some(49.0), 10),
            Record::timing_with_cpu("verify_warm", 56.0, Some(55.0), 10),
        ]);
        let merged = runs.get("verify_warm");
        assert_eq!(merged.and_then(|r| r.mean_ns), Some(56.0));
        assert_eq!(merged.and_then(|r| r.cpu_ns), Some(55.0));
        assert_eq!(merged.and_then(|r| r.iterations), Some(30));
    }

    #[test]
    fn missing_figures_give_n_a_not_a_number() {
        let empty = Figures::new(vec![]);
        let lines = ratio_lines(&headline_ratios(&empty, &empty, 2));
        assert_eq!(lines.len(), 7);
        assert!(lines.iter().all(|l| l.ends_with(" n/a")), "{lines:?}");
    }

    #[test]
    fn the_markdown_has_the_table_machine_targets_and_ratios() {
        let (sigil, js) = sample();
        let ratios = headline_ratios(&sigil, &js, 2);
        let context = RunContext {
            cpu: "AMD EPYC".into(),
            cores: 2,
            date: "2026-01-01T00:00:00Z".into(),
            mode: "quick".into(),
            load_at_start: Some("0.10 0.20 0.30".into()),
            load_at_end: None,
            js_runtime: Some("v20.20.2".into()),
            run_seconds: Some(120),
        };
        let md = render(&sigil, &js, &ratios, &context);
        assert!(md.contains("| Operation | Sigil | JS SDK | JS/Sigil | Floor | Sigil/floor |"));
        assert!(md.contains("- CPU: AMD EPYC (2 logical cores)"));
        assert!(md.contains("`scripts/bench-compare --quick`"));
        assert!(md.contains("| 2.00 ms | 1.60 s | 800x |"), "{md}");
        assert!(md.contains("1500/s"), "{md}");
        assert!(md.contains("94% of floor"), "{md}");
        assert!(
            md.contains("| Node RSS idle (VmHWM) | 20.0 MiB | < 32 MiB | yes |"),
            "{md}"
        );
        assert!(md.contains("RATIO decrypt_js_over_sigil_32 10.0\n```"));
    }

    #[test]
    fn durations_are_shown_in_a_readable_unit() {
        assert_eq!(format_ns(850.0), "850 ns");
        assert_eq!(format_ns(42_300.0), "42.3 µs");
        assert_eq!(format_ns(1_610_000_000.0), "1.61 s");
    }
}
