//! End-to-end tests of `cortex yuma run`, running the built binary as a process.
//!
//! A golden scenario prints its expected document on stdout (exit 0). Bad input (malformed
//! JSON, a uid not below n, a vector of the wrong length, an unknown op, a negative or an
//! overflowing number) exits with code 2, prints nothing on stdout and exactly one `error:` line
//! on stderr naming the offending field. A missing file exits with code 1.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../yuma/tests/golden")
        .join(name)
}

fn cortex(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cortex"))
        .args(args)
        .env_remove("CORTEX_LOG")
        .output()
        .expect("the cortex binary runs")
}

fn yuma_run(file: &Path) -> Output {
    cortex(&["yuma".as_ref(), "run".as_ref(), file.as_os_str()])
}

/// A file under the temp dir with a name unique to this process and call, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let k = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("cortex-cli-test-{}-{k}.json", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A valid two-uid scenario; each bad case changes one field of it.
fn base() -> Value {
    json!({
        "n": 2,
        "stake": [1, 0],
        "block_at_registration": [0, 0],
        "last_update": [0, 0],
        "validator_permit": [false, false],
        "block": 1,
        "events": [
            {"op": "set_weights", "block": 1, "uid": 0, "dests": [1], "values": [65535]},
            {"op": "epoch", "block": 2, "emission": 1000}
        ]
    })
}

fn with(field: &str, value: Value) -> String {
    let mut doc = base();
    doc[field] = value;
    doc.to_string()
}

/// Runs a bad document and checks exit code 2, empty stdout and one `error:` line on stderr
/// that contains every string of `names`.
fn assert_bad_input(contents: &str, names: &[&str]) {
    let file = TempFile::new(contents);
    let out = yuma_run(&file.0);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code for {contents}\nstderr: {stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "stdout for {contents}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "stderr for {contents}: {stderr:?}");
    assert!(stderr.ends_with('\n'), "stderr: {stderr:?}");
    let line = lines[0];
    assert!(line.starts_with("error:"), "stderr line: {line}");
    for name in names {
        assert!(line.contains(name), "{line:?} does not name {name:?}");
    }
}

#[test]
fn base_scenario_is_valid() {
    // The bad cases below differ from this document in one field only.
    let file = TempFile::new(&base().to_string());
    let out = yuma_run(&file.0);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["epochs"].as_array().unwrap().len(), 1);
}

#[test]
fn golden_random_1_prints_its_expected_document() {
    let out = yuma_run(&golden("random_1.json"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: Value =
        serde_json::from_str(&std::fs::read_to_string(golden("random_1.expected.json")).unwrap())
            .unwrap();
    assert_eq!(got, want);
}

#[test]
fn pretty_output_is_the_same_document() {
    let plain = yuma_run(&golden("random_1.json"));
    let pretty = cortex(&[
        "yuma".as_ref(),
        "run".as_ref(),
        "--pretty".as_ref(),
        golden("random_1.json").as_os_str(),
    ]);
    assert_eq!(pretty.status.code(), Some(0));
    assert_ne!(plain.stdout, pretty.stdout);
    let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
    let pretty: Value = serde_json::from_slice(&pretty.stdout).unwrap();
    assert_eq!(plain, pretty);
}

#[test]
fn malformed_json_is_bad_input() {
    assert_bad_input("{", &[]);
    assert_bad_input(r#"{"n": 2, "stake": [1, "#, &["stake"]);
    assert_bad_input("not json at all", &[]);
}

#[test]
fn uid_not_below_n_is_bad_input() {
    let events = json!([{"op": "set_stake", "uid": 2, "stake": 1}]);
    assert_bad_input(&with("events", events), &["events[0]", "uid"]);
    let events =
        json!([{"op": "set_weights", "block": 1, "uid": 0, "dests": [0, 7], "values": [1, 2]}]);
    assert_bad_input(&with("events", events), &["events[0].dests[1]"]);
    assert_bad_input(&with("weights", json!({"5": [[0, 1]]})), &["weights"]);
}

#[test]
fn wrong_length_vector_is_bad_input() {
    assert_bad_input(&with("stake", json!([1])), &["stake"]);
    assert_bad_input(&with("last_update", json!([0, 0, 0])), &["last_update"]);
    assert_bad_input(
        &with("validator_permit", json!([false])),
        &["validator_permit"],
    );
}

#[test]
fn unknown_op_is_bad_input() {
    let events = json!([{"op": "epoch", "block": 2, "emission": 1}, {"op": "dance"}]);
    assert_bad_input(&with("events", events), &["events[1]", "op", "dance"]);
}

#[test]
fn negative_number_is_bad_input() {
    assert_bad_input(&with("stake", json!([-1, 0])), &["stake[0]"]);
    let events = json!([{"op": "epoch", "block": 2, "emission": -5}]);
    assert_bad_input(&with("events", events), &["events[0]", "emission"]);
}

#[test]
fn overflowing_number_is_bad_input() {
    let events =
        json!([{"op": "set_weights", "block": 1, "uid": 0, "dests": [1], "values": [70000]}]);
    assert_bad_input(&with("events", events), &["events[0]", "values"]);
    assert_bad_input(&with("n", json!(70000)), &[": n: "]);
    // Stakes that fit u64 but not the epoch's I64F64 total.
    assert_bad_input(&with("stake", json!([u64::MAX, 1])), &["stake"]);
}

#[test]
fn missing_file_exits_with_1() {
    let path = std::env::temp_dir().join(format!(
        "cortex-cli-test-{}-does-not-exist.json",
        std::process::id()
    ));
    assert!(!path.exists());
    let out = yuma_run(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(stderr.starts_with("error:"), "{stderr:?}");
}
