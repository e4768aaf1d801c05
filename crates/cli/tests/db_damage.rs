//! Damaged databases are refused: a node's database (a chain with a transfer in it) is copied
//! and each copy damaged one way — emptied, a zeroed middle, a flipped byte in an account's
//! balance, a flipped byte in a block's extrinsics. `cortex node` must refuse to start on each
//! with a message that names the damage and says how to recover, and `cortex node check-db`
//! must find it; the intact copy passes both.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use cortex_primitives::Sr25519Pair;
use cortex_runtime::types::MultiAddress;
use cortex_runtime::types::{BalancesCall, RuntimeCall};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn db_of(base: &Path) -> PathBuf {
    base.join("chains/dev/db/cortex.redb")
}

fn copy_base(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(db_of(to).parent().unwrap()).unwrap();
    std::fs::copy(db_of(from), db_of(to)).unwrap();
}

/// Flips one bit in every occurrence of `needle` in the file; returns how many it found.
fn flip_everywhere(file: &Path, needle: &[u8]) -> usize {
    let mut bytes = std::fs::read(file).unwrap();
    let mut found = 0;
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        if bytes[i..i + needle.len()] == *needle {
            bytes[i + needle.len() / 2] ^= 0x01;
            found += 1;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    std::fs::write(file, bytes).unwrap();
    found
}

/// `cortex node` on `base`: it must exit by itself, unsuccessfully, within 20 s.
fn start_refused(base: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(["node", "--dev", "--rpc-port", &free_port().to_string()])
        .arg("--base-path")
        .arg(base)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the node started on the damaged database {}",
                base.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success(), "{err}");
    err
}

fn check_db(base: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(["node", "check-db", "--base-path"])
        .arg(base)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn damaged_databases_are_refused_with_a_clear_message() {
    let root = std::env::temp_dir().join(format!("cortex-damage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let good = root.join("good");

    // A chain with a transfer from Alice to Bob in it.
    let node = NodeProcess::start(Some(&good), &["--block-time", "50ms"]);
    let genesis: [u8; 32] = hex::decode(
        &result(node.port, "chain_getBlockHash", json!([0]))
            .as_str()
            .unwrap()[2..],
    )
    .unwrap()
    .try_into()
    .unwrap();
    let alice = Sr25519Pair::from_uri("//Alice").unwrap();
    let bob = Sr25519Pair::from_uri("//Bob").unwrap().public();
    let xt = UncheckedExtrinsic::sign_sr25519(
        RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(bob),
            value: 123_456_789,
        }),
        &alice,
        SignedExtra::new(Era::Immortal, 0),
        &AdditionalSigned::new(Era::Immortal, genesis, genesis),
    )
    .to_bytes();
    let bob_key = format!("0x{}", hex::encode(cortex_runtime::keys::account(&bob)));
    let before = result(node.port, "state_getStorage", json!([bob_key]));
    result(
        node.port,
        "author_submitExtrinsic",
        json!([format!("0x{}", hex::encode(&xt))]),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let bob_value = loop {
        let now = result(node.port, "state_getStorage", json!([bob_key]));
        if now != before {
            break hex::decode(&now.as_str().unwrap()[2..]).unwrap();
        }
        assert!(Instant::now() < deadline, "the transfer was not included");
        std::thread::sleep(Duration::from_millis(50));
    };
    let head = node.head();
    while node.head() < head + 5 {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(node.terminate().success());

    let (ok, text) = check_db(&good);
    assert!(ok, "{text}");
    assert!(text.contains("is sound"), "{text}");

    // Emptied: a lost chain, not a new one.
    let empty = root.join("empty");
    copy_base(&good, &empty);
    std::fs::File::create(db_of(&empty)).unwrap();
    let err = start_refused(&empty);
    assert!(err.contains("exists but is empty"), "{err}");
    assert!(err.contains("Restore the file from a backup"), "{err}");
    assert_eq!(std::fs::metadata(db_of(&empty)).unwrap().len(), 0);
    let (ok, text) = check_db(&empty);
    assert!(!ok && text.contains("is empty"), "{text}");

    // A zeroed middle: the middle 64 KiB of the file, and (since that may be free space, which
    // is no damage) every 4 KiB page that holds Bob's account.
    let zeroed = root.join("zeroed");
    copy_base(&good, &zeroed);
    let mut bytes = std::fs::read(db_of(&zeroed)).unwrap();
    // Find Bob's pages before zeroing anything: the middle 64 KiB may hold every copy of his
    // account, and a search after the zeroing would then find none.
    let pages: Vec<usize> = bytes
        .windows(bob_value.len())
        .enumerate()
        .filter(|(_, w)| *w == bob_value.as_slice())
        .map(|(i, _)| i / 4096 * 4096)
        .collect();
    assert!(
        !pages.is_empty(),
        "the database holds no copy of Bob's account"
    );
    let mid = bytes.len() / 2;
    let end = (mid + 64 * 1024).min(bytes.len());
    bytes[mid..end].fill(0);
    for page in pages {
        let end = (page + 4096).min(bytes.len());
        bytes[page..end].fill(0);
    }
    std::fs::write(db_of(&zeroed), bytes).unwrap();
    let err = start_refused(&zeroed);
    assert!(err.contains("is damaged"), "{err}");
    assert!(err.contains("restore it from a backup"), "{err}");
    assert!(!check_db(&zeroed).0);

    // A flipped bit in Bob's balance, wherever the file holds it.
    let balance = root.join("balance");
    copy_base(&good, &balance);
    assert!(flip_everywhere(&db_of(&balance), &bob_value) > 0);
    let err = start_refused(&balance);
    assert!(err.contains("is damaged"), "{err}");
    let (ok, text) = check_db(&balance);
    assert!(!ok && text.contains("is damaged"), "{text}");

    // A flipped bit in the transfer, in the block that holds it.
    let extrinsic = root.join("extrinsic");
    copy_base(&good, &extrinsic);
    assert!(flip_everywhere(&db_of(&extrinsic), &xt) > 0);
    let err = start_refused(&extrinsic);
    assert!(err.contains("is damaged"), "{err}");
    let (ok, text) = check_db(&extrinsic);
    assert!(!ok && text.contains("is damaged"), "{text}");

    println!("damage: every damaged copy was refused; the last message:\n{err}");
    let _ = std::fs::remove_dir_all(&root);
}
