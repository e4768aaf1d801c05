//! End-to-end tests of `cortex node` as a process: the startup line, the temporary base path,
//! and crash safety (kill -9 in the middle of a stream of transfers, then a restart on the same
//! `--base-path`: the head is intact, no finalized transfer is lost, production goes on).

// Helpers outside `#[test]` functions: a panic there is a failing test too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codec::Decode;
use common::{NodeProcess, free_port, result};
use cortex_primitives::{AccountId32, Sr25519Pair};
use cortex_runtime::types::AccountInfo;
use cortex_runtime::types::MultiAddress;
use cortex_runtime::types::{BalancesCall, RuntimeCall};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn free_balance(port: u16, who: &AccountId32) -> u64 {
    let key = cortex_runtime::keys::account(who);
    let v = result(
        port,
        "state_getStorage",
        json!([format!("0x{}", hex::encode(key))]),
    );
    let bytes = hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap();
    AccountInfo::decode(&mut &bytes[..]).unwrap().data.free
}

fn transfer(genesis: [u8; 32], from: &Sr25519Pair, to: AccountId32, nonce: u32) -> Vec<u8> {
    UncheckedExtrinsic::sign_sr25519(
        RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(to),
            value: 1_000,
        }),
        from,
        SignedExtra::new(Era::Immortal, nonce),
        &AdditionalSigned::new(Era::Immortal, genesis, genesis),
    )
    .to_bytes()
}

fn genesis(port: u16) -> [u8; 32] {
    let h = result(port, "chain_getBlockHash", json!([0]));
    let bytes = hex::decode(h.as_str().unwrap().trim_start_matches("0x")).unwrap();
    bytes.try_into().unwrap()
}

/// `(number, hash, extrinsic hashes)` of every block from 1 to the finalized head.
fn finalized_blocks(port: u16) -> Vec<(u32, String, Vec<String>)> {
    let fin = result(port, "chain_getFinalizedHead", json!([]));
    let block = result(port, "chain_getBlock", json!([fin]));
    let head = u32::from_str_radix(
        block["block"]["header"]["number"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap();
    (1..=head)
        .map(|n| {
            let hash = result(port, "chain_getBlockHash", json!([n]));
            let b = result(port, "chain_getBlock", json!([hash]));
            let xts = b["block"]["extrinsics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    let bytes = hex::decode(x.as_str().unwrap().trim_start_matches("0x")).unwrap();
                    hex::encode(cortex_primitives::hashing::blake2_256(&bytes))
                })
                .collect();
            (n, hash.as_str().unwrap().to_string(), xts)
        })
        .collect()
}

#[test]
fn kill_9_mid_stream_loses_no_finalized_transfer() {
    let dir = std::env::temp_dir().join(format!("cortex-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let node = NodeProcess::start(Some(&dir), &["--block-time", "50ms"]);
    let genesis_hash = genesis(node.port);
    let alice = Sr25519Pair::from_uri("//Alice").unwrap();
    let bob = Sr25519Pair::from_uri("//Bob").unwrap().public();
    let bob_before = free_balance(node.port, &bob);

    // A stream of transfers; kill the node once some are final and others are in flight.
    let mut submitted = Vec::new();
    let mut nonce = 0u32;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let xt = transfer(genesis_hash, &alice, bob, nonce);
        let hash = hex::encode(cortex_primitives::hashing::blake2_256(&xt));
        result(
            node.port,
            "author_submitExtrinsic",
            json!([format!("0x{}", hex::encode(&xt))]),
        );
        submitted.push(hash);
        nonce += 1;
        if nonce >= 40 && free_balance(node.port, &bob) > bob_before {
            break;
        }
        assert!(Instant::now() < deadline, "transfers were never included");
    }
    let before_crash = finalized_blocks(node.port);
    let final_head = before_crash.last().unwrap().0;
    let final_xts: Vec<String> = before_crash
        .iter()
        .flat_map(|(_, _, x)| x.clone())
        .filter(|h| submitted.contains(h))
        .collect();
    assert!(!final_xts.is_empty());
    node.kill9();

    let node = NodeProcess::start(Some(&dir), &["--block-time", "50ms"]);
    assert_eq!(genesis(node.port), genesis_hash, "same chain after restart");
    let after = finalized_blocks(node.port);
    // Every block announced as final before the crash is still there, unchanged.
    for (n, hash, xts) in &before_crash {
        let (_, h, x) = &after[(*n - 1) as usize];
        assert_eq!((h, x), (hash, xts), "block {n} changed across the crash");
    }
    assert!(after.len() as u32 >= final_head);
    // Bob got exactly the transfers the chain holds, each once.
    let included: Vec<&String> = after
        .iter()
        .flat_map(|(_, _, x)| x)
        .filter(|h| submitted.contains(h))
        .collect();
    for h in &final_xts {
        assert!(included.contains(&h), "finalized transfer {h} was lost");
    }
    assert_eq!(
        free_balance(node.port, &bob),
        bob_before + 1_000 * included.len() as u64
    );
    // Production goes on, and the next nonce follows the surviving transfers.
    let head = node.head();
    let next: u32 = result(
        node.port,
        "account_nextIndex",
        json!([alice.public().to_ss58(42)]),
    )
    .as_u64()
    .unwrap() as u32;
    assert_eq!(next as usize, included.len());
    let deadline = Instant::now() + Duration::from_secs(10);
    while node.head() <= head {
        assert!(Instant::now() < deadline, "no block after restart");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(node.terminate().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dev_node_prints_one_line_and_removes_its_temporary_base_path() {
    let node = NodeProcess::start(None, &["--instant"]);
    let line = node.startup_line.clone();
    assert!(
        line.starts_with("cortex node: chain Bittensor (dev), genesis 0x"),
        "{line}"
    );
    assert!(
        line.contains(&format!("ws://127.0.0.1:{}", node.port)),
        "{line}"
    );
    let base = line
        .trim_end()
        .rsplit("base path ")
        .next()
        .unwrap()
        .to_string();
    assert!(Path::new(&base).exists());
    // Instant mode: no transaction, no block.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(node.head(), 0);
    assert!(node.terminate().success());
    assert!(!Path::new(&base).exists(), "{base} was not removed");
}

/// `GET /metrics` over plain HTTP.
fn metrics(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn a_second_node_on_a_taken_port_says_so_and_metrics_are_served() {
    let prometheus = free_port();
    let node = NodeProcess::start(None, &["--prometheus-port", &prometheus.to_string()]);
    assert!(
        node.startup_line
            .contains(&format!("metrics http://127.0.0.1:{prometheus}/metrics"))
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while node.head() < 2 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(50));
    }
    result(node.port, "system_chain", json!([]));
    let text = metrics(prometheus);
    for metric in [
        "cortex_block_height ",
        "cortex_finalized_height ",
        "cortex_pool_ready ",
        "cortex_rpc_calls_total{method=\"system_chain\"} 1",
        "cortex_rpc_seconds_bucket{",
        "cortex_block_step_seconds_count ",
    ] {
        assert!(text.contains(metric), "{metric} missing from:\n{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(["node", "--dev", "--rpc-port", &node.port.to_string()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot listen for RPC"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(["node"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    drop(node);
}
