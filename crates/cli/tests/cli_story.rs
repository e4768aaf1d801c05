//! A subnet's whole life through `cortex` alone, against a `cortex node --dev` process, each
//! step checked through `--json`: wallets imported, a subnet created and started, a validator
//! and two miners registered, stake added at a limit price, an axon served, weights set once
//! the permit and the rate limit allow, and after two tempos a metagraph whose incentive
//! follows the weights; then stake removed, a transfer, the subnet list. Bad input along the
//! way gets a clear message, a non-zero exit, and changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::NodeProcess;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `cortex ARGS --json` against the node and wallets; returns (success, document, stderr).
fn cortex(port: u16, wallets: &Path, args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(args)
        .arg("--json")
        .env("CORTEX_URL", format!("ws://127.0.0.1:{port}"))
        .env("CORTEX_WALLET_PATH", wallets)
        .env_remove("CORTEX_PASSWORD")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let doc: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "`cortex {}` printed no single JSON document ({e}): {stdout:?}",
            args.join(" ")
        )
    });
    (
        out.status.success(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `cortex ARGS --json` that must succeed.
fn ok(port: u16, wallets: &Path, args: &[&str]) -> Value {
    let (success, doc, stderr) = cortex(port, wallets, args);
    assert!(
        success,
        "`cortex {}` failed: {doc} {stderr}",
        args.join(" ")
    );
    assert!(doc.get("error").is_none_or(Value::is_null), "{doc}");
    doc
}

/// `cortex ARGS --json` that must fail with a message containing every one of `expect`.
fn fails(port: u16, wallets: &Path, args: &[&str], expect: &[&str]) -> String {
    let (success, doc, stderr) = cortex(port, wallets, args);
    assert!(
        !success,
        "`cortex {}` should have failed: {doc}",
        args.join(" ")
    );
    let message = doc["error"].as_str().unwrap_or_default().to_string();
    for e in expect {
        assert!(
            message.contains(e),
            "`cortex {}`: {message:?} lacks {e:?}",
            args.join(" ")
        );
    }
    assert!(
        stderr.contains(&message),
        "the error is on stderr too: {stderr}"
    );
    message
}

fn free(port: u16, wallets: &Path, name: &str) -> u64 {
    ok(port, wallets, &["balance", "--name", name])["free_rao"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_subnet_s_life_through_cortex() {
    let node = NodeProcess::start(None, &[]);
    let port = node.port;
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();

    // Wallets: Alice owns the subnet and runs the validator, Bob runs two miners.
    ok(
        port,
        w,
        &[
            "wallet",
            "import",
            "--name",
            "alice",
            "--uri",
            "//Alice",
            "--no-password",
            "--hotkey",
            "owner",
            "--hotkey-uri",
            "//Alice//owner",
        ],
    );
    ok(
        port,
        w,
        &[
            "wallet",
            "import",
            "--name",
            "alice",
            "--hotkey",
            "v",
            "--hotkey-uri",
            "//Alice//v",
        ],
    );
    ok(
        port,
        w,
        &[
            "wallet",
            "import",
            "--name",
            "bob",
            "--uri",
            "//Bob",
            "--no-password",
            "--hotkey",
            "m1",
            "--hotkey-uri",
            "//Bob//m1",
        ],
    );
    ok(
        port,
        w,
        &[
            "wallet",
            "import",
            "--name",
            "bob",
            "--hotkey",
            "m2",
            "--hotkey-uri",
            "//Bob//m2",
        ],
    );
    ok(
        port,
        w,
        &[
            "wallet",
            "import",
            "--name",
            "nobody",
            "--uri",
            "//Nobody",
            "--no-password",
        ],
    );

    // A node that is down is named, with how to start one.
    let (success, doc, _) = cortex(1, w, &["subnet", "list"]);
    assert!(!success);
    let down = doc["error"].as_str().unwrap();
    assert!(
        down.contains("ws://127.0.0.1:1") && down.contains("cortex node --dev"),
        "{down}"
    );

    // Create and start the subnet.
    let created = ok(
        port,
        w,
        &["subnet", "create", "--name", "alice", "--hotkey", "owner"],
    );
    let netuid = created["netuid"].as_u64().unwrap();
    assert!(netuid >= 1);
    assert!(
        created["extrinsic_hash"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    let n = netuid.to_string();
    ok(
        port,
        w,
        &["subnet", "start", "--name", "alice", "--netuid", &n],
    );

    // Registration: an unknown netuid, a burn above --max-burn, then the real ones.
    fails(
        port,
        w,
        &[
            "register", "--name", "alice", "--hotkey", "v", "--netuid", "99",
        ],
        &["subnet 99 does not exist"],
    );
    let before = free(port, w, "alice");
    fails(
        port,
        w,
        &[
            "register",
            "--name",
            "alice",
            "--hotkey",
            "v",
            "--netuid",
            &n,
            "--max-burn",
            "0.000000001",
        ],
        &["exceeds --max-burn"],
    );
    assert_eq!(
        free(port, w, "alice"),
        before,
        "a refused registration costs nothing"
    );
    fails(
        port,
        w,
        &[
            "register", "--name", "nobody", "--hotkey", "v", "--netuid", &n,
        ],
        &["wallet"],
    );
    let v = ok(
        port,
        w,
        &[
            "register", "--name", "alice", "--hotkey", "v", "--netuid", &n,
        ],
    );
    let m1 = ok(
        port,
        w,
        &[
            "register", "--name", "bob", "--hotkey", "m1", "--netuid", &n,
        ],
    );
    let m2 = ok(
        port,
        w,
        &[
            "register", "--name", "bob", "--hotkey", "m2", "--netuid", &n,
        ],
    );
    let (v_uid, m1_uid, m2_uid) = (
        v["uid"].as_u64().unwrap(),
        m1["uid"].as_u64().unwrap(),
        m2["uid"].as_u64().unwrap(),
    );
    assert_eq!(
        [v_uid, m1_uid, m2_uid]
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3
    );

    // Stake at a limit price; a limit the pool cannot meet is refused and stakes nothing.
    let staked = ok(
        port,
        w,
        &[
            "stake",
            "add",
            "--name",
            "alice",
            "--hotkey",
            "v",
            "--netuid",
            &n,
            "--amount",
            "5",
            "--limit-price",
            "2",
        ],
    );
    assert!(staked["alpha_rao"].as_u64().unwrap() > 0);
    assert_eq!(staked["limit_price_rao"], 2_000_000_000u64);
    let stake_of_v = |port| -> u64 {
        ok(port, w, &["stake", "list", "--name", "alice"])["stakes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["hotkey"] == v_hotkey(w) && s["netuid"] == netuid)
            .map(|s| s["stake_rao"].as_u64().unwrap())
            .sum()
    };
    let stake_before = stake_of_v(port);
    fails(
        port,
        w,
        &[
            "stake",
            "add",
            "--name",
            "alice",
            "--hotkey",
            "v",
            "--netuid",
            &n,
            "--amount",
            "500",
            "--limit-price",
            "1",
        ],
        &["the price would pass your limit"],
    );
    assert_eq!(
        stake_of_v(port),
        stake_before,
        "a refused stake stakes nothing"
    );
    let v_ss58 = v_hotkey(w).as_str().unwrap().to_string();
    fails(
        port,
        w,
        &[
            "stake", "add", "--name", "nobody", "--hotkey", &v_ss58, "--netuid", &n, "--amount",
            "1",
        ],
        &["exceeds the balance", "fund it"],
    );

    // Serve the miner's axon; a hotkey that is not registered is refused.
    ok(
        port,
        w,
        &[
            "axon", "serve", "--name", "bob", "--hotkey", "m1", "--netuid", &n, "--ip", "10.0.0.7",
            "--port", "8091",
        ],
    );
    fails(
        port,
        w,
        &[
            "axon", "serve", "--name", "alice", "--hotkey", "owner", "--netuid", "99", "--ip",
            "10.0.0.8", "--port", "1",
        ],
        &["subnet 99"],
    );
    // A hotkey with no uid on the subnet: serving and setting weights are refused by name.
    ok(
        port,
        w,
        &[
            "wallet",
            "import",
            "--name",
            "alice",
            "--hotkey",
            "spare",
            "--hotkey-uri",
            "//Alice//spare",
        ],
    );
    fails(
        port,
        w,
        &[
            "axon", "serve", "--name", "alice", "--hotkey", "spare", "--netuid", &n, "--ip",
            "10.0.0.8", "--port", "1",
        ],
        &["is not registered on subnet", "cortex register"],
    );
    fails(
        port,
        w,
        &[
            "weights",
            "set",
            "--name",
            "alice",
            "--hotkey",
            "spare",
            "--netuid",
            &n,
            "--uids",
            "1",
            "--weights",
            "1",
        ],
        &["is not registered on subnet", "cortex register"],
    );

    // Weights: rate limit down to 5 blocks (root's setting, through sudo: Alice is sudo).
    let set = ok(
        port,
        w,
        &[
            "subnet",
            "set",
            "--name",
            "alice",
            "--netuid",
            &n,
            "--param",
            "weights_rate_limit",
            "--value",
            "5",
        ],
    );
    assert_eq!(set["sudo"], true);
    let (u1, u2) = (m1_uid.to_string(), m2_uid.to_string());
    let uids = format!("{u1},{u2}");
    fails(
        port,
        w,
        &[
            "weights",
            "set",
            "--name",
            "alice",
            "--hotkey",
            "v",
            "--netuid",
            &n,
            "--uids",
            &uids,
            "--weights",
            "1",
        ],
        &["--uids has 2 entries but --weights has 1"],
    );
    let weights_args = [
        "weights",
        "set",
        "--name",
        "alice",
        "--hotkey",
        "v",
        "--netuid",
        &n,
        "--uids",
        &uids,
        "--weights",
        "0.75,0.25",
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    let set = loop {
        let (success, doc, _) = cortex(port, w, &weights_args);
        if success {
            break doc;
        }
        let e = doc["error"].as_str().unwrap_or_default().to_string();
        assert!(
            e.contains("rate limit")
                || e.contains("NeuronNoValidatorPermit")
                || e.contains("Permit"),
            "unexpected refusal: {e}"
        );
        assert!(Instant::now() < deadline, "weights never allowed: {e}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(set["uid"], v_uid);
    // Right after, the rate limit refuses with the blocks to go.
    fails(
        port,
        w,
        &weights_args,
        &["weights rate limit:", "blocks to go"],
    );

    // Two tempos later the metagraph shows incentive following the weights.
    let tempo = ok(port, w, &["subnet", "show", "--netuid", &n])["tempo"]
        .as_u64()
        .unwrap();
    let start = ok(port, w, &["metagraph", "--netuid", &n])["block"]
        .as_u64()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let meta = loop {
        let meta = ok(port, w, &["metagraph", "--netuid", &n]);
        if meta["block"].as_u64().unwrap() >= start + 2 * (tempo + 1) {
            break meta;
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(300));
    };
    let neuron = |uid: u64| {
        meta["neurons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["uid"] == uid)
            .unwrap()
            .clone()
    };
    let (i1, i2) = (
        neuron(m1_uid)["incentive"].as_f64().unwrap(),
        neuron(m2_uid)["incentive"].as_f64().unwrap(),
    );
    assert!(
        i1 > i2 && i2 > 0.0,
        "incentive follows the weights: {i1} vs {i2}"
    );
    assert!(
        (i1 / i2 - 3.0).abs() < 0.1,
        "0.75 : 0.25 → 3 : 1, got {i1} : {i2}"
    );
    assert!(
        neuron(v_uid)["dividends"].as_f64().unwrap() > 0.0,
        "the validator earns dividends"
    );
    assert_eq!(neuron(m1_uid)["ip"], "10.0.0.7");
    assert_eq!(neuron(m1_uid)["port"], 8091);
    for key in [
        "hotkey",
        "coldkey",
        "stake_rao",
        "trust",
        "consensus",
        "validator_permit",
        "last_update",
    ] {
        assert!(
            neuron(v_uid).get(key).is_some(),
            "metagraph neurons have {key}"
        );
    }

    // Remove some stake, transfer, list the subnets.
    let removed = ok(
        port,
        w,
        &[
            "stake",
            "remove",
            "--name",
            "alice",
            "--hotkey",
            "v",
            "--netuid",
            &n,
            "--amount",
            "1",
            "--tolerance",
            "0.5",
        ],
    );
    assert!(removed["tao_rao"].as_u64().unwrap() > 0);
    fails(
        port,
        w,
        &[
            "stake", "remove", "--name", "alice", "--hotkey", "v", "--netuid", &n, "--amount",
            "100000",
        ],
        &["exceeds the", "cortex stake list"],
    );
    let bob_before = free(port, w, "bob");
    let bob = ok(port, w, &["wallet", "show", "--name", "bob"])["coldkey_ss58"]
        .as_str()
        .unwrap()
        .to_string();
    let sent = ok(
        port,
        w,
        &[
            "transfer", "--name", "alice", "--dest", &bob, "--amount", "1.5",
        ],
    );
    assert_eq!(sent["amount_rao"], 1_500_000_000u64);
    assert_eq!(free(port, w, "bob"), bob_before + 1_500_000_000);
    fails(
        port,
        w,
        &[
            "transfer", "--name", "nobody", "--dest", &bob, "--amount", "1",
        ],
        &["exceeds the balance"],
    );
    let list = ok(port, w, &["subnet", "list"]);
    assert!(
        list["subnets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["netuid"] == netuid)
    );

    // The reference subnet's neurons as processes, with these wallets: m2 mines with kNN on
    // 127.0.0.1 (the dev chain accepts loopback axons), Alice's v validates; the validator's
    // metrics show answers scored and weights landing; Ctrl-C stops both cleanly.
    let axon_port = free_port();
    let metrics_port = free_port();
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cortex"))
            .args(args)
            .env("CORTEX_URL", format!("ws://127.0.0.1:{port}"))
            .env("CORTEX_WALLET_PATH", w)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let (ap, mp) = (axon_port.to_string(), metrics_port.to_string());
    let mut miner = spawn(&[
        "miner",
        "--name",
        "bob",
        "--hotkey",
        "m2",
        "--netuid",
        &n,
        "--ip",
        "127.0.0.1",
        "--port",
        &ap,
        "--external-ip",
        "127.0.0.1",
    ]);
    let mut validator = spawn(&[
        "validator",
        "--name",
        "alice",
        "--hotkey",
        "v",
        "--netuid",
        &n,
        "--timeout",
        "2",
        "--round-interval",
        "0.3",
        "--metrics-port",
        &mp,
    ]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = http_get(metrics_port, "/metrics").unwrap_or_default();
        let scored = text.contains("cortex_validator_answers_scored_total")
            && !text.contains("cortex_validator_answers_scored_total 0");
        let landed = text.contains(r#"result="ok""#);
        if scored && landed {
            break;
        }
        assert!(miner.try_wait().unwrap().is_none(), "cortex miner exited");
        assert!(
            validator.try_wait().unwrap().is_none(),
            "cortex validator exited"
        );
        assert!(
            Instant::now() < deadline,
            "no scored answer and landed weights in 60 s: {text}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let meta = ok(port, w, &["metagraph", "--netuid", &n]);
    let m2 = meta["neurons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["uid"] == m2_uid)
        .unwrap();
    assert_eq!(m2["ip"], "127.0.0.1");
    assert_eq!(m2["port"], axon_port);
    for child in [&mut miner, &mut validator] {
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "no clean stop within 15 s of Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(status.success(), "Ctrl-C is a clean stop: {status}");
    }
    drop(node);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.0 GET on 127.0.0.1 (the validator's metrics), body only.
fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split_once("\r\n\r\n").map(|(_, body)| body.to_string())
}

/// Alice's validator hotkey address, from the wallet.
fn v_hotkey(w: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(["wallet", "show", "--name", "alice", "--json"])
        .env("CORTEX_WALLET_PATH", w)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["hotkeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "v")
        .map(|h| h["ss58"].clone())
        .unwrap()
}
