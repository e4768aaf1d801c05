//! Golden vectors: every scenario in `tests/golden/` must reproduce its expected file exactly.
//!
//! The scenarios come from the project's shared test vectors (three of them replay subtensor's
//! own tests `test_bonds`, `test_yuma_3_kappa_moves_first` and `test_yuma_3_one_epoch_switch`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cortex_yuma::{Expected, Scenario};
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
}

fn scenarios() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".json") && !name.ends_with(".expected.json")
        })
        .collect();
    out.sort();
    out
}

fn first_difference(got: &Expected, want: &Expected) -> String {
    for (k, (g, w)) in got.epochs.iter().zip(&want.epochs).enumerate() {
        let g = serde_json::to_value(g).unwrap();
        let w = serde_json::to_value(w).unwrap();
        for (field, wv) in w.as_object().unwrap() {
            if g.get(field) != Some(wv) {
                return format!("epoch {k} field {field}:\n got  {}\n want {wv}", g[field]);
            }
        }
    }
    format!(
        "epoch count: got {}, want {}",
        got.epochs.len(),
        want.epochs.len()
    )
}

#[test]
fn every_golden_scenario_matches_exactly() {
    let files = scenarios();
    assert!(files.len() >= 7, "golden scenarios missing: {files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let scenario = Scenario::from_json(&text).unwrap();
        let got = scenario.run();
        let expected_path = file.with_extension("expected.json");
        let want: Expected =
            serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        if got != want {
            failures.push(format!(
                "{}: {}",
                file.display(),
                first_difference(&got, &want)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
