//! `sigil-bench actions`: Lit Actions, on a devnet of three nodes in this process (threshold 2),
//! beside the engine's floors measured in the same run:
//!
//! - `actions_context_floor`: one run of an empty action in the engine alone (runtime, sandbox
//!   and compiler contexts, prelude, compilation): what every execution pays before its code.
//! - `actions_ethers_floor`: one run of an action that reads `ethers` and signs a message with
//!   a wallet (the bundle's bytecode compiled once beforehand, as on a node).
//! - `actions_{hello,sign,ethers}_c{N}`: `execute_js` latency (the slowest node's: every node
//!   must answer, as in the JS SDK) and runs per second at N clients, for an action that sets a
//!   response, one that signs with a PKP (`signEcdsa`), one that uses ethers.
//! - `actions_handshake_idle` / `actions_handshake_runaway`: handshake latency on a node alone,
//!   then while every action worker of every node runs a busy loop until its timeout.
//! - `actions_rss`: the process's peak resident memory after the loads (three nodes, the chain
//!   and the clients in one process).

use crate::load::closed_loop;
use crate::record::Record;
use alloy_primitives::keccak256;
use serde_json::{json, Map, Value};
use sigil_client::{
    ExecuteJsParams, LitAbility, LitNodeClient, LitResource, ResourceAbilityRequest,
    ResourcePrefix, SessionSigs,
};
use sigil_devnet::{Devnet, DevnetConfig};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    loads: crate::load::Loads,
}

const HELLO: &str = "Lit.Actions.setResponse({response: JSON.stringify({hello: who})});";
const SIGN: &str =
    "(async () => { await Lit.Actions.signEcdsa({toSign: hash, publicKey, sigName: 'sig'}); })();";
const ETHERS: &str = r#"
(async () => {
  const wallet = new ethers.Wallet(key);
  const signature = await wallet.signMessage(who);
  Lit.Actions.setResponse({response: ethers.utils.verifyMessage(who, signature)});
})();
"#;

pub fn run(args: Args) -> anyhow::Result<()> {
    let (length, most) = args.loads.checked()?;
    floors()?;
    crate::server_runtime()?.block_on(async {
        network(&args.loads.clients, most, length).await?;
        runaway_handshakes(length).await
    })?;
    let memory = crate::proc_info::memory(std::process::id())?;
    Record {
        name: "actions_rss".into(),
        hwm_kib: Some(memory.hwm_kib),
        rss_kib: Some(memory.rss_kib),
        ..Record::default()
    }
    .emit()
}

/// The engine alone, one thread, no node.
fn floors() -> anyhow::Result<()> {
    let limits = sigil_actions::Limits::default();
    let run = |code: &str, params: &Map<String, Value>| -> anyhow::Result<()> {
        let action = sigil_actions::Action {
            code,
            js_params: params,
            auth: &json!({}),
            headers: &json!({}),
        };
        sigil_actions::execute(&action, &limits, Rc::new(sigil_actions::NoHost))?;
        Ok(())
    };
    let empty = Map::new();
    let ethers_params = params(json!({"key": format!("0x{}", "11".repeat(32)), "who": "bench"}));
    // The first ethers run compiles the bundle (once per process, as on a node).
    run(ETHERS, &ethers_params)?;
    timed("actions_context_floor", 50, || run("", &empty))?;
    timed("actions_ethers_floor", 10, || run(ETHERS, &ethers_params))
}

fn timed(
    name: &str,
    rounds: usize,
    mut f: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    for _ in 0..rounds {
        f()?;
    }
    Record::timing(
        name,
        started.elapsed().as_nanos() as f64 / rounds as f64,
        rounds as u64,
    )
    .emit()
}

fn params(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

struct Caller {
    client: LitNodeClient,
    sigs: SessionSigs,
    public_key: String,
    counter: AtomicU64,
    tag: usize,
}

async fn caller(devnet: &Devnet, tag: usize) -> anyhow::Result<Caller> {
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::LitAction),
        LitAbility::LitActionExecution,
    )?;
    let (client, sigs, public_key) = crate::pkp_sign::client_with_pkp(devnet, request).await?;
    Ok(Caller {
        client,
        sigs,
        public_key,
        counter: AtomicU64::new(0),
        tag,
    })
}

async fn call(caller: &Caller, which: &str) -> anyhow::Result<()> {
    let n = caller.counter.fetch_add(1, Ordering::Relaxed);
    let run = match which {
        "hello" => ExecuteJsParams::code(HELLO).with_js_params(params(json!({"who": n}))),
        "sign" => ExecuteJsParams::code(SIGN).with_js_params(params(json!({
            "hash": keccak256(format!("bench {} {n}", caller.tag)).to_vec(),
            "publicKey": caller.public_key,
        }))),
        _ => ExecuteJsParams::code(ETHERS).with_js_params(params(json!({
            "key": format!("0x{}", hex::encode(keccak256(format!("key {}", caller.tag)))),
            "who": format!("bench {n}"),
        }))),
    };
    caller.client.execute_js(&run, &caller.sigs).await?;
    Ok(())
}

async fn network(clients: &[usize], most: usize, length: Duration) -> anyhow::Result<()> {
    let devnet = Devnet::start(DevnetConfig {
        free_allowance: u64::MAX / 4,
        triple_pool_size: 8,
        ..DevnetConfig::default()
    })
    .await?;
    let mut callers = Vec::with_capacity(most);
    for tag in 0..most {
        callers.push(Arc::new(caller(&devnet, tag).await?));
    }
    for which in ["hello", "sign", "ethers"] {
        for &count in clients {
            let workers: Vec<_> = callers.iter().take(count).cloned().collect();
            let result = closed_loop(workers, length, move |caller| async move {
                call(&caller, which).await
            })
            .await?;
            result
                .record(format!("actions_{which}_c{count}"), count)
                .emit()?;
        }
    }
    devnet.shutdown().await;
    Ok(())
}

/// Handshakes to one node, one after another for `length`: idle, then while busy loops hold
/// every action worker of every node.
async fn runaway_handshakes(length: Duration) -> anyhow::Result<()> {
    let timeout_ms = u64::try_from(length.as_millis())
        .unwrap_or(u64::MAX)
        .max(1000)
        + 2000;
    let devnet = Devnet::start(DevnetConfig {
        free_allowance: u64::MAX / 4,
        actions: sigil_node::ActionsConfig {
            timeout_ms,
            ..sigil_node::ActionsConfig::default()
        },
        ..DevnetConfig::default()
    })
    .await?;
    let caller = Arc::new(caller(&devnet, 0).await?);
    let url = devnet.node_urls()[0].clone();
    // The process's CPU time over the wall time of each measurement: the cores the nodes kept
    // busy (about all of them while the runaways run, which is the point).
    let handshakes = |name: &'static str| {
        let url = url.clone();
        async move {
            let http = reqwest::Client::new();
            let worker = Arc::new((http, url));
            let cpu_before = crate::proc_info::own_cpu_seconds()?;
            let started = Instant::now();
            let result = closed_loop(vec![worker], length, |worker| async move {
                let (http, url) = &*worker;
                http.post(format!("{url}/web/handshake/"))
                    .header("X-Request-Id", "lit_bench")
                    .json(&json!({"clientPublicKey": "bench", "challenge": "ab".repeat(32)}))
                    .send()
                    .await?
                    .error_for_status()?;
                Ok(())
            })
            .await?;
            let cores = (crate::proc_info::own_cpu_seconds()? - cpu_before)
                / started.elapsed().as_secs_f64();
            Record {
                cores_used: Some(cores),
                ..result.record(name.into(), 1)
            }
            .emit()
        }
    };
    handshakes("actions_handshake_idle").await?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let runaways: Vec<_> = (0..cores * 2)
        .map(|i| {
            let caller = Arc::clone(&caller);
            tokio::spawn(async move {
                let code = format!("let i = {i}; while (true) {{ i++; }}");
                let _ = caller
                    .client
                    .execute_js(&ExecuteJsParams::code(code), &caller.sigs)
                    .await;
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    handshakes("actions_handshake_runaway").await?;
    for runaway in runaways {
        runaway.abort();
    }
    devnet.shutdown().await;
    Ok(())
}
