//! A chain on four `cortex node` validators under simplex BFT, as processes on 127.0.0.1, with a
//! full node following them: `cortex chain-spec new`, five nodes started from it, transfers
//! submitted to every node, the full node included (each reaches the leaders by gossip), one
//! validator killed with -9 while the other three keep finalizing (and take more transfers), the
//! killed one restarted on its base path: it backfills what it missed, follows again, and every
//! node has the same block hashes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codec::Decode;
use common::result;
use cortex_primitives::{AccountId32, Sr25519Pair};
use cortex_runtime::types::{AccountInfo, BalancesCall, MultiAddress, RuntimeCall};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const N: usize = 4;

/// Four consecutive free ports (the spec gives validator i the port `base + i - 1`).
fn free_run(len: u16) -> u16 {
    for _ in 0..200 {
        let base = common::free_port();
        if base > 65_000 {
            continue;
        }
        if (0..len).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no run of {len} free ports");
}

struct Validator {
    child: Child,
    rpc: u16,
    base: PathBuf,
    index: usize,
}

impl Validator {
    /// Validator `index` (1..=N), or with `index` > N the full node `index - N`.
    fn start(dir: &Path, index: usize, rpc: u16) -> Validator {
        let base = dir.join(format!("node-{index}"));
        let (key_flag, key, label) = if index <= N {
            (
                "--validator-key",
                format!("validator-{index}.key"),
                format!("validator-{index}"),
            )
        } else {
            let i = index - N;
            (
                "--node-key",
                format!("node-{i}.key"),
                format!("node-{i}, full node"),
            )
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("node-{index}.log")))
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_cortex"))
            .arg("node")
            .arg("--chain")
            .arg(dir.join("chain-spec.json"))
            .arg(key_flag)
            .arg(dir.join(key))
            .arg("--base-path")
            .arg(&base)
            .args(["--rpc-port", &rpc.to_string()])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains("simplex BFT consensus") && line.contains(&label),
            "{line}"
        );
        Validator {
            child,
            rpc,
            base,
            index,
        }
    }

    fn head(&self) -> u32 {
        let h = result(self.rpc, "chain_getHeader", json!([]));
        u32::from_str_radix(h["number"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    }

    fn hash_at(&self, n: u32) -> String {
        result(self.rpc, "chain_getBlockHash", json!([n]))
            .as_str()
            .unwrap()
            .to_string()
    }

    fn kill9(mut self) -> (PathBuf, usize, u16) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        (self.base.clone(), self.index, self.rpc)
    }

    /// SIGTERM; the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Validator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

fn submit_transfer(port: u16, genesis: [u8; 32], from: &Sr25519Pair, to: AccountId32, nonce: u32) {
    let xt = UncheckedExtrinsic::sign_sr25519(
        RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(to),
            value: 1_000,
        }),
        from,
        SignedExtra::new(Era::Immortal, nonce),
        &AdditionalSigned::new(Era::Immortal, genesis, genesis),
    )
    .to_bytes();
    result(
        port,
        "author_submitExtrinsic",
        json!([format!("0x{}", hex::encode(&xt))]),
    );
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn four_validators_finalize_through_a_kill_9_and_agree_on_every_block() {
    let dir = tempfile::tempdir().unwrap();
    let p2p = free_run(N as u16 + 1);
    let out = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args([
            "chain-spec",
            "new",
            "--validators",
            "4",
            "--full-nodes",
            "1",
        ])
        .arg("--p2p-base-port")
        .arg(p2p.to_string())
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut nodes: Vec<Validator> = (1..=N)
        .map(|i| Validator::start(dir.path(), i, common::free_port()))
        .collect();
    let full = Validator::start(dir.path(), N + 1, common::free_port());
    wait_until(
        "every node finalizes 5 blocks",
        Duration::from_secs(60),
        || nodes.iter().chain([&full]).all(|n| n.head() >= 5),
    );

    // Transfers go into every node; the block that includes each comes from whichever
    // validator leads, so gossip must have carried them there.
    let genesis: [u8; 32] = hex::decode(nodes[0].hash_at(0).trim_start_matches("0x"))
        .unwrap()
        .try_into()
        .unwrap();
    let senders: Vec<Sr25519Pair> = ["//Alice", "//Bob", "//Charlie", "//Dave"]
        .iter()
        .map(|u| Sr25519Pair::from_uri(u).unwrap())
        .collect();
    let ferdie = Sr25519Pair::from_uri("//Ferdie").unwrap().public();
    let before = free_balance(nodes[0].rpc, &ferdie);
    for (node, from) in nodes.iter().zip(&senders) {
        for nonce in 0..3 {
            submit_transfer(node.rpc, genesis, from, ferdie, nonce);
        }
    }
    // The full node never leads: its submissions reach the validators by gossip.
    let eve = Sr25519Pair::from_uri("//Eve").unwrap();
    for nonce in 0..3 {
        submit_transfer(full.rpc, genesis, &eve, ferdie, nonce);
    }
    wait_until(
        "the 15 transfers are final on every node",
        Duration::from_secs(30),
        || {
            nodes
                .iter()
                .chain([&full])
                .all(|n| free_balance(n.rpc, &ferdie) == before + 15 * 1_000)
        },
    );

    // kill -9 one validator: three of four are a quorum and keep finalizing.
    let (base, index, rpc) = nodes.pop().unwrap().kill9();
    assert!(base.exists());
    let at_kill = nodes[0].head();
    for nonce in 3..6 {
        submit_transfer(nodes[1].rpc, genesis, &senders[0], ferdie, nonce);
    }
    wait_until(
        "the three finalize 20 more blocks and the new transfers",
        Duration::from_secs(60),
        || {
            nodes.iter().all(|n| n.head() >= at_kill + 20)
                && free_balance(nodes[2].rpc, &ferdie) == before + 18 * 1_000
        },
    );

    // Restarted on its base path: it backfills the blocks it missed and follows again.
    let restarted = Validator::start(dir.path(), index, rpc);
    let target = nodes[0].head() + 10;
    nodes.push(restarted);
    wait_until(
        "the restarted validator catches up",
        Duration::from_secs(60),
        || nodes[3].head() >= target,
    );
    assert_eq!(free_balance(nodes[3].rpc, &ferdie), before + 18 * 1_000);

    // One chain: the same hash at every height on every node, the full node's too.
    nodes.push(full);
    let top = nodes.iter().map(Validator::head).min().unwrap();
    let reference: Vec<String> = (0..=top).map(|n| nodes[0].hash_at(n)).collect();
    for node in &nodes[1..] {
        let hashes = common::hashes(node.rpc, top);
        assert_eq!(hashes, reference, "validator {} differs", node.index);
    }
    // The finalized head is the head (no unfinalized blocks are ever served).
    let fin = result(nodes[0].rpc, "chain_getFinalizedHead", json!([]));
    let fin_header = result(nodes[0].rpc, "chain_getHeader", json!([fin]));
    assert!(fin_header["digest"]["logs"].as_array().unwrap().len() == 1);

    for node in nodes {
        let i = node.index;
        let status = node.terminate();
        assert!(status.success(), "validator {i} exited {status:?}");
    }
    let logs: String = (1..=N + 1)
        .map(|i| std::fs::read_to_string(dir.path().join(format!("node-{i}.log"))).unwrap())
        .collect();
    assert!(!logs.contains("could not be applied"), "{logs}");
}
