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
//! the six dev accounts (nonces 0, 1, 2 … each), and sent over keep-alive HTTP connections.
//! Figures go to `docs/benchmarks.md`.

use cortex_node::pool::PoolLimits;
use cortex_node::{BlockTime, NodeConfig};
use cortex_primitives::{AccountId32, Sr25519Pair};
use cortex_runtime::DEV_ACCOUNTS;
use cortex_runtime::types::AccountInfo;
use cortex_runtime::types::MultiAddress;
use cortex_runtime::types::{BalancesCall, RuntimeCall};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A keep-alive HTTP/1.1 JSON-RPC connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    fn call(&mut self, method: &str, params: &str) -> std::io::Result<String> {
        let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
        write!(
            self.writer,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            body
        )?;
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0u8; len];
        self.reader.read_exact(&mut buf)?;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
}

fn nonce_of(conn: &mut Conn, who: &AccountId32) -> u32 {
    let key = hex::encode(cortex_runtime::keys::account(who));
    let r = conn
        .call("state_getStorage", &format!(r#"["0x{key}"]"#))
        .unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&r).unwrap_or_default();
    let Some(hex_value) = v["result"].as_str() else {
        return 0;
    };
    let bytes = hex::decode(hex_value.trim_start_matches("0x")).unwrap_or_default();
    <AccountInfo as codec::Decode>::decode(&mut bytes.as_slice())
        .map(|a| a.nonce)
        .unwrap_or(0)
}

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
    let mut signed: Vec<Vec<String>> = vec![Vec::new(); connections];
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
            .push(format!(r#"["0x{}"]"#, hex::encode(xt.to_bytes())));
    }
    println!(
        "signed {transfers} transfers in {:.2?} (not timed below)",
        signing.elapsed()
    );

    let start_head = node.shared().head().header.number();
    let started = Instant::now();
    let handles: Vec<_> = signed
        .into_iter()
        .map(|batch| {
            std::thread::spawn(move || -> usize {
                let Ok(mut conn) = Conn::open(addr) else {
                    return 0;
                };
                let mut rejected = 0;
                for params in batch {
                    match conn.call("author_submitExtrinsic", &params) {
                        Ok(r) if r.contains("\"error\"") => rejected += 1,
                        Ok(_) => {}
                        Err(_) => rejected += 1,
                    }
                }
                rejected
            })
        })
        .collect();
    let rejected: usize = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    let submitted = started.elapsed();

    let mut conn = Conn::open(addr)?;
    let accounts: Vec<AccountId32> = senders.iter().map(Sr25519Pair::public).collect();
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let done: u64 = accounts
            .iter()
            .map(|a| u64::from(nonce_of(&mut conn, a)))
            .sum();
        if done as usize >= transfers - rejected || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let finalized = started.elapsed();
    let blocks = node.shared().head().header.number() - start_head;
    println!(
        "{transfers} transfers over {connections} connections: {rejected} rejected; submitted in {submitted:.2?} ({:.0}/s), all final in {finalized:.2?} ({:.0}/s) over {blocks} blocks",
        transfers as f64 / submitted.as_secs_f64(),
        (transfers - rejected) as f64 / finalized.as_secs_f64(),
    );

    // state_call latency of get_all_dynamic_info, sequential, over one connection.
    let mut times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let t = Instant::now();
        conn.call(
            "state_call",
            r#"["SubnetInfoRuntimeApi_get_all_dynamic_info","0x"]"#,
        )?;
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
