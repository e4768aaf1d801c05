//! The SDK's watch of a transaction across a node that goes away, against `cortex node` as a
//! process with a block a second: the node is killed (SIGKILL: its pool is lost) after the
//! transfer reached the pool and before a block included it. Restarted on the same base path and
//! port, the watch ([`Client::watch_signed`]) reconnects, submits the same bytes again and returns
//! the inclusion, and the balance moved exactly once. When the node does not come back, the watch
//! ends within its timeout with an error that names the node's URL. Neither may hang: each watch
//! runs under a deadline that fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{NodeProcess, rpc};
use cortex_client::types::{BalancesCall, MultiAddress, RuntimeCall};
use cortex_client::{Client, ClientError, RpcConfig, SignedTx, Sr25519Pair, TxOptions, Wait};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const TAO: u64 = 1_000_000_000;
const BLOCKS: [&str; 2] = ["--block-time", "1s"];

/// Short request timeouts; reconnection for long enough to outlast a restart.
fn config() -> RpcConfig {
    RpcConfig {
        request_timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(1),
        reconnect_for: Duration::from_secs(20),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn pair(uri: &str) -> Sr25519Pair {
    Sr25519Pair::from_uri(uri).unwrap()
}

fn transfer(dest: &Sr25519Pair, value: u64) -> RuntimeCall {
    RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: MultiAddress::Id(dest.public()),
        value,
    })
}

/// Signs a transfer to //Bob just after a block (so the next one is about a second away),
/// starts its watch, and returns once the node's pool holds it.
fn watch_until_pending(
    rt: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    node: &NodeProcess,
    options: TxOptions,
) -> (
    SignedTx,
    tokio::task::JoinHandle<Result<cortex_client::Included, ClientError>>,
) {
    let head = node.head();
    let deadline = Instant::now() + Duration::from_secs(5);
    while node.head() == head {
        assert!(Instant::now() < deadline, "no block after #{head}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let tx = rt
        .block_on(client.sign(transfer(&pair("//Bob"), TAO), &pair("//Alice"), &options))
        .unwrap();
    let watch = rt.spawn({
        let (client, tx) = (client.clone(), tx.clone());
        async move { client.watch_signed(&tx, &options).await }
    });
    let wanted = json!(format!("0x{}", hex::encode(&tx.bytes)));
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let pending = rpc(node.port, "author_pendingExtrinsics", json!([])).unwrap();
        if pending.as_array().unwrap().contains(&wanted) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the transfer never reached the pool"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    (tx, watch)
}

#[test]
fn a_watch_survives_a_restart_between_submission_and_block() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProcess::start(Some(dir.path()), &BLOCKS);
    let (port, url) = (node.port, node.url());
    let rt = runtime();
    let client = Arc::new(rt.block_on(Client::connect_with(&url, config())).unwrap());
    let bob = pair("//Bob").public();
    let before = rt.block_on(client.free_balance(&bob)).unwrap();
    let options = TxOptions {
        wait: Wait::InBlock,
        mortal_for: Some(64),
        timeout: Duration::from_secs(15),
    };

    let (tx, watch) = watch_until_pending(&rt, &client, &node, options);
    let started = Instant::now();
    node.kill9();
    let node = NodeProcess::start_on(port, Some(dir.path()), &BLOCKS);
    // The restarted node's head is the last block before the kill; its next block is a second
    // away, so the watch cannot have seen the transfer in a block before the kill.
    let restart_head = node.head();
    let outcome = rt
        .block_on(async {
            tokio::time::timeout(options.timeout + Duration::from_secs(2), watch).await
        })
        .expect("the watch hung past its timeout")
        .unwrap();
    let included = outcome.unwrap_or_else(|e| panic!("the watch across the restart: {e}"));
    assert_eq!(included.hash, tx.hash);
    assert!(
        included.block_number > restart_head,
        "included in #{} before the kill (head #{restart_head})",
        included.block_number
    );
    assert!(
        started.elapsed() < options.timeout,
        "{:?}",
        started.elapsed()
    );

    // Exactly once: the balance, Alice's nonce, and one block holding it.
    assert_eq!(
        rt.block_on(client.free_balance(&bob)).unwrap(),
        before + TAO
    );
    let alice = pair("//Alice").public();
    assert_eq!(rt.block_on(client.account(&alice)).unwrap().nonce, 1);
    let head = node.head();
    let mut holders = 0;
    for n in 1..=head {
        let hash = rt.block_on(client.block_hash(n)).unwrap().unwrap();
        let list = rt.block_on(client.block_extrinsics(hash)).unwrap();
        holders += list.iter().filter(|x| **x == tx.bytes).count();
    }
    assert_eq!(holders, 1, "the transfer is in {holders} blocks");
    assert!(node.terminate().success());
}

#[test]
fn a_watch_ends_with_the_url_when_the_node_does_not_come_back() {
    let node = NodeProcess::start(None, &BLOCKS);
    let url = node.url();
    let rt = runtime();
    let client = Arc::new(rt.block_on(Client::connect_with(&url, config())).unwrap());
    let options = TxOptions {
        wait: Wait::InBlock,
        mortal_for: Some(64),
        timeout: Duration::from_secs(4),
    };
    let (tx, watch) = watch_until_pending(&rt, &client, &node, options);
    let started = Instant::now();
    node.kill9();
    let outcome = rt
        .block_on(async {
            tokio::time::timeout(options.timeout + Duration::from_secs(2), watch).await
        })
        .expect("the watch hung past its timeout")
        .unwrap();
    let took = started.elapsed();
    let err = outcome.expect_err("no node, yet the watch succeeded");
    assert!(
        matches!(err, ClientError::Disconnected { .. }),
        "expected a lost connection, got {err}"
    );
    let text = err.to_string();
    assert!(text.contains(&url), "{text}");
    assert!(
        text.contains(&format!("0x{}", hex::encode(tx.hash))),
        "{text}"
    );
    assert!(
        took <= options.timeout + Duration::from_millis(500),
        "{took:?}"
    );
}
