//! End-to-end tests of `cortex sim`, running the built binary as a process.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cortex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(args)
        .env_remove("CORTEX_LOG")
        .output()
        .expect("the cortex binary runs")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/sim")
        .join(name)
}

fn json(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn copier_prints_g_and_is_reproducible() {
    let args = [
        "sim",
        "copier",
        "--epochs",
        "30",
        "--reveal-tempos",
        "2",
        "--seed",
        "4",
        "--json",
    ];
    let a = cortex(&args);
    let doc = json(&a);
    assert!(doc["G"].as_f64().unwrap() > 0.5);
    assert!(doc["nakamoto_stake"].as_u64().unwrap() >= 1);
    let b = cortex(&args);
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
}

#[test]
fn cabal_prints_the_four_shares() {
    let doc = json(&cortex(&[
        "sim",
        "cabal",
        "--cabal-stake",
        "0.2",
        "--kappa",
        "0.5",
        "--epochs",
        "12",
        "--seed",
        "1",
        "--json",
    ]));
    for key in [
        "cabal_incentive_share",
        "fair_incentive_share",
        "cabal_total_share",
        "honest_play_total_share",
    ] {
        assert!(doc[key].is_f64(), "{key} in {doc}");
    }
}

#[test]
fn run_prints_records_and_summary() {
    let file = example("cabal.json");
    let doc = json(&cortex(&["sim", "run", file.to_str().unwrap(), "--json"]));
    assert_eq!(doc["epochs"].as_array().unwrap().len(), 40);
    assert!(doc["summary"]["cabal"]["cabal_total_share"].is_f64());
}

#[test]
fn bad_input_exits_2_with_the_field() {
    let out = cortex(&["sim", "copier", "--copier-stake", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: --copier-stake"), "{err}");
    assert!(out.stdout.is_empty());

    let dir = std::env::temp_dir().join(format!("cortex-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"epochs": 3, "validators": [{"name": "v", "count": 1, "stake": 1,
            "behaviour": {"kind": "honest", "noise": -2}}], "miners": [{"name": "m", "count": 2}]}"#,
    )
    .unwrap();
    let out = cortex(&["sim", "run", bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("validators[0].behaviour.noise"), "{err}");
    assert_eq!(err.lines().count(), 1);

    let missing = dir.join("missing.json");
    let out = cortex(&["sim", "run", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_quick_writes_markdown_and_figures() {
    let dir = std::env::temp_dir().join(format!("cortex-sim-report-{}", std::process::id()));
    let out = cortex(&["sim", "report", "--out", dir.to_str().unwrap(), "--quick"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("## 4. Consensus guarantees"));
    for fig in ["copier.svg", "cabal.svg", "consensus_map.svg", "sybil.svg"] {
        let svg = std::fs::read_to_string(dir.join("report-figures").join(fig)).unwrap();
        assert!(svg.starts_with("<svg"), "{fig}");
        assert!(md.contains(&format!("report-figures/{fig}")));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
