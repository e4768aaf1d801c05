//! `cortex chain-spec new` as a process: the spec names every authority with its p2p address,
//! each key file is private to its owner, and an existing spec is never overwritten.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

#[test]
fn a_spec_for_four_validators_with_private_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("net");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_cortex"))
            .args([
                "chain-spec",
                "new",
                "--validators",
                "4",
                "--p2p-base-port",
                "40100",
                "--json",
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(doc["tolerated_faults"], 1);
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("chain-spec.json")).unwrap())
            .unwrap();
    let authorities = spec["authorities"].as_array().unwrap();
    assert_eq!(authorities.len(), 4);
    for (i, a) in authorities.iter().enumerate() {
        assert_eq!(a["p2p_address"], format!("127.0.0.1:{}", 40100 + i));
        assert_eq!(a["public_key"].as_str().unwrap().len(), 64);
        let key = out.join(format!("validator-{}.key", i + 1));
        let k: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
        assert_eq!(k["public_key"], a["public_key"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(
                std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
    let again = run();
    assert!(!again.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(
        doc["error"].as_str().unwrap().contains("already exists"),
        "{doc}"
    );
}
