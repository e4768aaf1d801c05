//! The framework against a real dev node in this process: a validator on a subnet with
//! commit-reveal on commits, reveals in the chain's reveal epoch and gets its weights on chain
//! (the miner earns incentive); a validator that cannot produce weights is flagged stale in its
//! status and its metrics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cortex_axon::SynapseBody;
use cortex_client::types::{AdminUtilsCall, RuntimeCall, SubtensorCall, SudoCall};
use cortex_client::{Client, NetUid, Sr25519Pair, TxOptions};
use cortex_node::{BlockTime, NodeConfig};
use cortex_subnet::digits::{
    DigitClassify, DigitsMiner, DigitsValidator, Model, ModelKind, SplitMix, data,
};
use cortex_subnet::{MinerConfig, Validator, ValidatorConfig, ValidatorMetrics, ValidatorStatus};

const TAO: u64 = 1_000_000_000;

fn pair(uri: &str) -> Sr25519Pair {
    Sr25519Pair::from_uri(uri).unwrap()
}

fn sudo(c: AdminUtilsCall) -> RuntimeCall {
    RuntimeCall::Sudo(SudoCall::sudo {
        call: Box::new(RuntimeCall::AdminUtils(c)),
    })
}

async fn send(client: &Client, call: RuntimeCall, signer: &Sr25519Pair) {
    let name = call.name();
    client
        .submit_and_watch(call, signer, &TxOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{}.{}: {e}", name.0, name.1));
}

/// A validator whose every answer scores 0: it never has weights to set.
struct Hopeless;

impl Validator for Hopeless {
    type Synapse = DigitClassify;
    type Task = ();
    fn task(&self) -> (DigitClassify, ()) {
        (
            DigitClassify {
                pixels: vec![vec![0; 64]],
                predictions: None,
            },
            (),
        )
    }
    fn score(&self, _: &(), _: &DigitClassify) -> f64 {
        0.0
    }
}

async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_reveal_weights_land_and_a_silent_validator_is_flagged_stale() {
    assert_eq!(DigitClassify::NAME, "DigitClassify");
    let mut cfg = NodeConfig::dev("127.0.0.1:0".parse().unwrap());
    cfg.block_time = Some(BlockTime::Every(Duration::from_millis(100)));
    let node = cortex_node::start(cfg).await.unwrap();
    let url = format!("ws://{}", node.rpc_addr);
    let client = Arc::new(Client::connect(&url).await.unwrap());
    let alice = pair("//Alice");
    let (v1, v2, m1) = (pair("//fw//v1"), pair("//fw//v2"), pair("//fw//m1"));

    // Subnet 1 owned by //Alice with v1 as the owner hotkey; tempo 5, commit-reveal on.
    send(
        &client,
        RuntimeCall::SubtensorModule(SubtensorCall::register_network {
            hotkey: v1.public(),
        }),
        &alice,
    )
    .await;
    let netuid = NetUid(1);
    for c in [
        AdminUtilsCall::sudo_set_tempo { netuid, tempo: 5 },
        AdminUtilsCall::sudo_set_weights_set_rate_limit {
            netuid,
            weights_set_rate_limit: 1,
        },
        AdminUtilsCall::sudo_set_commit_reveal_weights_enabled {
            netuid,
            enabled: true,
        },
        AdminUtilsCall::sudo_set_max_registrations_per_block {
            netuid,
            max_registrations_per_block: 8,
        },
    ] {
        send(&client, sudo(c), &alice).await;
    }
    send(
        &client,
        RuntimeCall::SubtensorModule(SubtensorCall::start_call { netuid }),
        &alice,
    )
    .await;
    for hk in [&v2, &m1] {
        send(
            &client,
            RuntimeCall::SubtensorModule(SubtensorCall::burned_register {
                netuid,
                hotkey: hk.public(),
            }),
            &alice,
        )
        .await;
    }
    send(
        &client,
        RuntimeCall::SubtensorModule(SubtensorCall::add_stake {
            hotkey: v1.public(),
            netuid,
            amount_staked: 100 * TAO,
        }),
        &alice,
    )
    .await;

    // The miner: kNN on the training split, announced on 127.0.0.1 (the dev chain allows it).
    let split = data::split();
    let model = Arc::new(Model::train(ModelKind::Knn, &split.train).unwrap());
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stop = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };
    let miner_client = Arc::new(Client::connect(&url).await.unwrap());
    let miner = tokio::spawn(cortex_subnet::run_miner(
        Arc::new(DigitsMiner::new(model)),
        miner_client,
        m1.clone(),
        listener,
        MinerConfig::new(netuid, IpAddr::V4(Ipv4Addr::LOCALHOST)),
        stop(stop_rx.clone()),
    ));

    // The honest validator, and the hopeless one with a short staleness limit.
    let mut config = ValidatorConfig::new(netuid);
    config.query_timeout = Duration::from_secs(2);
    config.round_interval = Duration::from_millis(100);
    let honest_status = Arc::new(Mutex::new(ValidatorStatus::default()));
    let honest_metrics = ValidatorMetrics::new();
    let honest = tokio::spawn(cortex_subnet::run_validator(
        Arc::new(DigitsValidator::new(
            split.holdout.clone(),
            32,
            SplitMix::new(1),
        )),
        Arc::new(Client::connect(&url).await.unwrap()),
        v1.clone(),
        config.clone(),
        honest_status.clone(),
        honest_metrics.clone(),
        stop(stop_rx.clone()),
    ));
    let mut stale_config = config.clone();
    stale_config.stale_after = Some(8);
    let silent_status = Arc::new(Mutex::new(ValidatorStatus::default()));
    let silent_metrics = ValidatorMetrics::new();
    let silent = tokio::spawn(cortex_subnet::run_validator(
        Arc::new(Hopeless),
        Arc::new(Client::connect(&url).await.unwrap()),
        v2.clone(),
        stale_config,
        silent_status.clone(),
        silent_metrics.clone(),
        stop(stop_rx.clone()),
    ));

    // Commit, then reveal: the weights land, which only a reveal can do with commit-reveal on.
    wait_for(
        "the honest validator's reveal",
        Duration::from_secs(60),
        || honest_status.lock().unwrap().weights_landed >= 1,
    )
    .await;
    let text = honest_metrics.encode();
    assert!(
        text.contains(r#"cortex_validator_weight_submissions_total{kind="commit",result="ok"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"cortex_validator_weight_submissions_total{kind="reveal",result="ok"}"#),
        "{text}"
    );
    assert!(
        !text.contains(r#"kind="set""#),
        "no plain set_weights with commit-reveal on: {text}"
    );
    let m = client.metagraph(netuid).await.unwrap().unwrap();
    let v1_uid = m.hotkeys.iter().position(|h| *h == v1.public()).unwrap();
    assert!(m.last_update[v1_uid].0 > 0, "the reveal set LastUpdate");

    // The miner earns incentive from the revealed weights within a few epochs.
    let m1_uid = m.hotkeys.iter().position(|h| *h == m1.public()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let m = client.metagraph(netuid).await.unwrap().unwrap();
        if m.incentives[m1_uid].0 > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the miner never earned incentive"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The hopeless validator never sets weights and says so: status and metric.
    wait_for("the stale flag", Duration::from_secs(30), || {
        silent_status.lock().unwrap().stale
    })
    .await;
    assert_eq!(silent_status.lock().unwrap().weights_landed, 0);
    let text = silent_metrics.encode();
    assert!(text.contains("cortex_validator_weights_stale 1"), "{text}");
    assert!(!honest_status.lock().unwrap().stale);

    stop_tx.send(true).unwrap();
    miner.await.unwrap().unwrap();
    honest.await.unwrap().unwrap();
    silent.await.unwrap().unwrap();
    node.stop().await.unwrap();
}
