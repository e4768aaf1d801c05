//! Load test of a dev node through its RPC: signed transfers submitted with
//! `author_submitExtrinsic` until every one is final, and the latency of `state_call
//! SubnetInfoRuntimeApi_get_all_dynamic_info`.
//!
//! ```text
//! cargo run --release -p cortex-node --example load -- [TRANSFERS] [CONNECTIONS]
//! ```
//!
//! The node runs in this process (its own threads; the client shares the machine's cores, as a
//! real client on the same box would). Transfers are signed before the clock starts, spread over
//! the six dev accounts (nonces 0, 1, 2 … each), and sent over `cortex-client`'s WebSocket
//! connections, one request at a time on each.
//! Figures go to `docs/benchmarks.md`.

use cortex_client::{Client, ClientError, Rpc, RpcConfig};
use cortex_node::pool::PoolLimits;
use cortex_node::{BlockTime, NodeConfig};
use cortex_primitives::Sr25519Pair;
use cortex_runtime::DEV_ACCOUNTS;
use cortex_runtime::types::MultiAddress;
use cortex_runtime::types::{BalancesCall, RuntimeCall};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let transfers: usize = args.next().map_or(Ok(30_000), |a| a.parse())?;
    let connections: usize = args.next().map_or(Ok(8), |a| a.parse())?;

    let mut config = NodeConfig::dev("127.0.0.1:0".parse()?);
    config.block_time = Some(BlockTime::Every(Duration::from_millis(250)));
    config.pool = PoolLimits {
        ready_count: 200_000,
        future_count: 200_000,
        future_per_sender: 200_000,
        total_bytes: 512 * 1024 * 1024,
    };
    let node = cortex_node::start(config).await?;
    let addr = node.rpc_addr;
    let genesis = node.genesis_hash;

    let senders: Vec<Sr25519Pair> = DEV_ACCOUNTS
        .iter()
        .map(|u| Sr25519Pair::from_uri(u))
        .collect::<Result<_, _>>()?;
    let dest = Sr25519Pair::from_uri("//Two")?.public();
    let signing = Instant::now();
    let mut signed: Vec<Vec<Value>> = vec![Vec::new(); connections];
    for i in 0..transfers {
        let pair = &senders[i % senders.len()];
        let nonce = u32::try_from(i / senders.len())?;
        let xt = UncheckedExtrinsic::sign_sr25519(
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: MultiAddress::Id(dest),
                value: 1_000_000,
            }),
            pair,
            SignedExtra::new(Era::Immortal, nonce),
            &AdditionalSigned::new(Era::Immortal, genesis, genesis),
        );
        // Each sender's nonces go down one connection, in order, so that none waits in the
        // future queue for a predecessor on another connection.
        signed[(i % senders.len()) % connections]
            .push(json!(format!("0x{}", hex::encode(xt.to_bytes()))));
    }
    println!(
        "signed {transfers} transfers in {:.2?} (not timed below)",
        signing.elapsed()
    );

    let url = format!("ws://{addr}");
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        conns.push(Rpc::connect(&url, RpcConfig::default()).await?);
    }
    let start_head = node.shared().head().header.number();
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for (conn, batch) in conns.into_iter().zip(signed) {
        workers.spawn(async move {
            let mut rejected = 0usize;
            for xt in batch {
                let answer: Result<String, ClientError> =
                    conn.request("author_submitExtrinsic", &[xt]).await;
                if answer.is_err() {
                    rejected += 1;
                }
            }
            rejected
        });
    }
    let mut rejected = 0usize;
    while let Some(r) = workers.join_next().await {
        rejected += r?;
    }
    let submitted = started.elapsed();

    let client = Client::connect(&url).await?;
    let accounts: Vec<_> = senders.iter().map(Sr25519Pair::public).collect();
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let mut done = 0u64;
        for a in &accounts {
            done += u64::from(client.account(a).await?.nonce);
        }
        if done as usize >= transfers - rejected || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let finalized = started.elapsed();
    let blocks = node.shared().head().header.number() - start_head;
    println!(
        "{transfers} transfers over {connections} connections: {rejected} rejected; submitted in {submitted:.2?} ({:.0}/s), all final in {finalized:.2?} ({:.0}/s) over {blocks} blocks",
        transfers as f64 / submitted.as_secs_f64(),
        (transfers - rejected) as f64 / finalized.as_secs_f64(),
    );

    // state_call latency of get_all_dynamic_info, sequential, over one connection.
    let rpc = client.rpc();
    let params = [
        json!("SubnetInfoRuntimeApi_get_all_dynamic_info"),
        json!("0x"),
    ];
    let mut times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let t = Instant::now();
        let _: String = rpc.request("state_call", &params).await?;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "state_call SubnetInfoRuntimeApi_get_all_dynamic_info over RPC: p50 {:.0?}, p99 {:.0?}, max {:.0?}",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times[times.len() - 1]
    );
    node.stop().await?;
    Ok(())
}
