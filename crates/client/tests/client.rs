//! The client against a real dev node (in this process): reads, a transfer awaited to its block,
//! a failed call named by pallet and error, nonces for many transactions in flight, and a pool
//! refusal that forgets the nonce.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cortex_client::types::{BalancesCall, MultiAddress, RuntimeCall, SubtensorCall};
use cortex_client::{Client, ClientError, NetUid, Sr25519Pair, TxOptions};
use cortex_node::{BlockTime, Node, NodeConfig};
use std::time::Duration;

const TAO: u64 = 1_000_000_000;

async fn dev_node(block_ms: u64) -> Node {
    let mut cfg = NodeConfig::dev("127.0.0.1:0".parse().unwrap());
    cfg.block_time = Some(BlockTime::Every(Duration::from_millis(block_ms)));
    cortex_node::start(cfg).await.unwrap()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_lands_and_a_failed_call_is_named() {
    let node = dev_node(50).await;
    let client = Client::connect(&format!("ws://{}", node.rpc_addr))
        .await
        .unwrap();
    let (alice, bob) = (pair("//Alice"), pair("//Bob"));
    let id = client.identity().await.unwrap();
    assert_eq!(id.genesis_hash, node.genesis_hash);

    let before = client.free_balance(&bob.public()).await.unwrap();
    let included = client
        .submit_and_watch(transfer(&bob, 5 * TAO), &alice, &TxOptions::default())
        .await
        .unwrap();
    assert!(included.block_number > 0);
    assert!(included.fee_rao > 0, "a transfer pays a fee");
    assert_eq!(
        client.free_balance(&bob.public()).await.unwrap(),
        before + 5 * TAO
    );

    // Staking into a subnet that does not exist fails in its block; the error is named.
    let call = RuntimeCall::SubtensorModule(SubtensorCall::add_stake {
        hotkey: bob.public(),
        netuid: NetUid(77),
        amount_staked: TAO,
    });
    let err = client
        .submit_and_watch(call, &alice, &TxOptions::default())
        .await
        .unwrap_err();
    let ClientError::Chain(chain) = &err else {
        panic!("expected a chain error, got {err}");
    };
    assert_eq!(chain.pallet, "SubtensorModule");
    assert_eq!(chain.name, "SubnetNotExists");
    assert!(!chain.docs.is_empty(), "{chain}");

    // A subnet that does not exist is refused before anything is signed.
    let err = client.require_subnet(NetUid(77)).await.unwrap_err();
    assert!(
        err.to_string().contains("subnet 77 does not exist"),
        "{err}"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_transactions_in_flight_use_consecutive_nonces() {
    let node = dev_node(100).await;
    let client = std::sync::Arc::new(
        Client::connect(&format!("ws://{}", node.rpc_addr))
            .await
            .unwrap(),
    );
    let (alice, charlie) = (pair("//Alice"), pair("//Charlie"));
    let before = client.free_balance(&charlie.public()).await.unwrap();
    let options = TxOptions::default();
    let mut signed = Vec::new();
    for _ in 0..50 {
        signed.push(
            client
                .sign(transfer(&charlie, TAO), &alice, &options)
                .await
                .unwrap(),
        );
    }
    let nonces: Vec<u32> = signed.iter().map(|t| t.nonce).collect();
    assert_eq!(nonces, (nonces[0]..nonces[0] + 50).collect::<Vec<_>>());
    let mut tasks = tokio::task::JoinSet::new();
    for tx in signed {
        let client = client.clone();
        tasks.spawn(async move { client.watch_signed(&tx, &TxOptions::default()).await });
    }
    while let Some(outcome) = tasks.join_next().await {
        outcome.unwrap().unwrap();
    }
    assert_eq!(
        client.free_balance(&charlie.public()).await.unwrap(),
        before + 50 * TAO
    );

    // A transfer of more than the balance is refused by the pool (it cannot pay the fee after
    // it) or fails in its block; either way a later transaction still gets a usable nonce.
    let poor = pair("//Nobody");
    let err = client
        .submit_and_watch(transfer(&charlie, TAO), &poor, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Rpc { code: 1010, .. }),
        "an unfunded signer is refused by the pool: {err}"
    );
    client
        .submit_and_watch(transfer(&charlie, TAO), &alice, &options)
        .await
        .unwrap();
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalized_heads_come_one_by_one() {
    let node = dev_node(30).await;
    let client = Client::connect(&format!("ws://{}", node.rpc_addr))
        .await
        .unwrap();
    let mut heads = client.finalized_heads();
    let first = heads.next().await.unwrap();
    for i in 1..=5 {
        let next = heads.next().await.unwrap();
        assert_eq!(next.number, first.number + i, "no block skipped");
        assert_eq!(
            Some(next.hash),
            client.block_hash(next.number).await.unwrap()
        );
    }
    node.stop().await.unwrap();
}
