//! `cortex localnet` end to end, as a process: 4 miners with models of different quality and 2
//! validators on fast blocks. After a few tempos the miners' incentive must rank as their
//! held-out scores and every validator must earn dividends; a miner whose axon stops must lose
//! its incentive while the others keep their order. Bounded: the run is 50 s of network time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

/// Waits for `child` to exit within `limit`; kills it and fails the test otherwise.
fn wait_exit(
    child: &mut std::process::Child,
    limit: Duration,
    what: &str,
) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("cortex localnet did not stop within {limit:?} {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn ranks_match(pairs: &[(f64, f64)]) -> bool {
    // Sorting by held-out score must sort incentive the same way, strictly.
    let mut v = pairs.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.windows(2).all(|w| w[0].1 > w[1].1)
}

#[test]
fn incentive_follows_model_quality_and_a_stopped_miner_fades() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args([
            "localnet",
            "--miners",
            "4",
            "--validators",
            "2",
            "--tempo",
            "10",
            "--duration",
            "50",
            "--stop-miner",
            "2:32",
            "--no-tui",
            "--rpc-port",
            "0",
            "--summary",
        ])
        .arg(&summary)
        .spawn()
        .unwrap();
    // Bounded: well past --duration, the process is killed and the test fails.
    let status = wait_exit(&mut child, Duration::from_secs(150), "of its start");
    assert!(status.success(), "cortex localnet failed: {status}");
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&s).unwrap());
    assert_eq!(s["netuid"], 1);
    assert!(s["blocks"].as_u64().unwrap() > 100, "{s}");
    let miners = s["miners"].as_array().unwrap();
    assert_eq!(miners.len(), 4);
    let f = |m: &serde_json::Value, k: &str| m[k].as_f64().unwrap();
    for m in miners {
        assert!(m["uid"].is_u64() && m["model"].is_string(), "{m}");
        assert!(
            m["emission_rao"].as_u64().unwrap() > 0,
            "every miner earned before the stop: {m}"
        );
    }

    // When the miner was stopped (after about eight tempos): all four in held-out order.
    let at_stop: Vec<(f64, f64)> = miners
        .iter()
        .map(|m| (f(m, "holdout_score"), f(m, "incentive_at_stop")))
        .collect();
    assert!(
        ranks_match(&at_stop),
        "incentive at the stop vs held-out: {at_stop:?}"
    );

    // At the end: the stopped miner has lost most of its incentive; the others keep their order.
    let stopped: Vec<&serde_json::Value> = miners.iter().filter(|m| m["stopped"] == true).collect();
    assert_eq!(stopped.len(), 1);
    let gone = stopped[0];
    assert!(
        f(gone, "incentive") < 0.5 * f(gone, "incentive_at_stop"),
        "the stopped miner's incentive did not decay: {gone}"
    );
    let live: Vec<(f64, f64)> = miners
        .iter()
        .filter(|m| m["stopped"] == false)
        .map(|m| (f(m, "holdout_score"), f(m, "incentive")))
        .collect();
    assert!(
        ranks_match(&live),
        "live miners' incentive vs held-out: {live:?}"
    );

    let validators = s["validators"].as_array().unwrap();
    assert_eq!(validators.len(), 2);
    for v in validators {
        assert!(f(v, "dividends") > 0.0, "a validator earns dividends: {v}");
        assert!(v["stake_rao"].as_u64().unwrap() > 0, "{v}");
        assert!(v["weights_landed"].as_u64().unwrap() >= 3, "{v}");
        assert_eq!(v["stale"], false, "{v}");
    }
}

#[test]
fn ctrl_c_stops_the_network_and_leaves_nothing_behind() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args([
            "localnet",
            "--miners",
            "1",
            "--validators",
            "1",
            "--no-tui",
            "--rpc-port",
            "0",
            "--summary",
        ])
        .arg(&summary)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("localnet: dev node at ws://") {
            port = Some(rest.trim().to_string());
        }
        if line.contains("running 1 miners") {
            break;
        }
    }
    let addr = port.expect("localnet printed its node's address");
    assert!(
        std::net::TcpStream::connect(&addr).is_ok(),
        "the node serves on {addr}"
    );
    // Keep draining stdout so the process never blocks on a full pipe.
    let drain = std::thread::spawn(move || for _ in lines {});
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = wait_exit(&mut child, Duration::from_secs(20), "of Ctrl-C");
    drain.join().unwrap();
    assert!(status.success(), "Ctrl-C is a clean stop: {status}");
    assert!(summary.exists(), "the summary is written on Ctrl-C too");
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "nothing listens on {addr} after the stop"
    );
}
