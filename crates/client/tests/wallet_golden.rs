//! Golden vectors: a wallet written by the real bittensor-wallet 4.1.0 (see
//! tests/data/wallets/README.md) opens in cortex-client with the same addresses and secrets, and
//! cortex writes the same keyfile JSON for the same keys.
//!
//! One decryption only (Argon2i at 512 MiB takes about a second).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cortex_client::wallet::{FixedPassword, NoPassword, Secret, Wallet, verify_message};
use cortex_primitives::AccountId32;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/wallets")
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(data().join("expected.json")).unwrap()).unwrap()
}

fn json_of(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[test]
fn bittensors_encrypted_coldkey_opens_with_the_same_key() {
    let want = expected();
    let wallet = Wallet::new(&data(), "golden");
    assert!(wallet.coldkey_encrypted().unwrap());
    assert_eq!(
        wallet.coldkey_pub().unwrap().to_string(),
        want["coldkey"]["coldkeypub_ss58"]
    );
    let password = want["coldkey"]["password"].as_str().unwrap();
    let pair = wallet.coldkey(&FixedPassword::new(password)).unwrap();
    assert_eq!(pair.public().to_string(), want["coldkey"]["ss58"]);
    assert_eq!(
        hex0x(pair.secret_bytes().as_ref()),
        want["coldkey"]["private_key"]
    );
    // bittensor's signature verifies, and ours verifies the same way.
    let message = want["message"].as_str().unwrap().as_bytes();
    let signature: [u8; 64] = hex::decode(
        want["coldkey_signature"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
    )
    .unwrap()
    .try_into()
    .unwrap();
    assert!(verify_message(&signature, message, &pair.public()));
    assert!(verify_message(&pair.sign(message), message, &pair.public()));
    assert!(!verify_message(
        &signature,
        b"another message",
        &pair.public()
    ));
}

#[test]
fn bittensors_plaintext_hotkeys_open_with_the_same_keys() {
    let want = expected();
    let wallet = Wallet::new(&data(), "golden");
    assert_eq!(wallet.hotkeys().unwrap(), ["default", "miner"]);
    for name in ["default", "miner"] {
        let pair = wallet.hotkey(name, &NoPassword).unwrap();
        assert_eq!(
            pair.public().to_string(),
            want["hotkeys"][name]["ss58"],
            "{name}"
        );
        assert_eq!(
            hex0x(pair.secret_bytes().as_ref()),
            want["hotkeys"][name]["private_key"],
            "{name}"
        );
        assert_eq!(wallet.hotkey_pub(name).unwrap(), pair.public(), "{name}");
    }
}

#[test]
fn cortex_writes_the_json_bittensor_writes() {
    let want = expected();
    let golden = Wallet::new(&data(), "golden");
    let root = tempfile::tempdir().unwrap();
    let ours = Wallet::new(root.path(), "golden");
    // The same keys, from the same mnemonics and URI, written in plaintext.
    let cold = Secret::mnemonic(want["coldkey"]["mnemonic"].as_str().unwrap()).unwrap();
    let default = Secret::uri(want["hotkeys"]["default"]["uri"].as_str().unwrap()).unwrap();
    let miner = Secret::mnemonic(want["hotkeys"]["miner"]["mnemonic"].as_str().unwrap()).unwrap();
    ours.create_coldkey(&cold, None, false).unwrap();
    ours.create_hotkey("default", &default, None, false)
        .unwrap();
    ours.create_hotkey("miner", &miner, None, false).unwrap();

    // Field for field (order aside) the same documents as bittensor's.
    for (a, b) in [
        (golden.coldkeypub_path(), ours.coldkeypub_path()),
        (golden.hotkey_path("default"), ours.hotkey_path("default")),
        (
            golden.hotkeypub_path("default"),
            ours.hotkeypub_path("default"),
        ),
        (golden.hotkey_path("miner"), ours.hotkey_path("miner")),
        (golden.hotkeypub_path("miner"), ours.hotkeypub_path("miner")),
    ] {
        assert_eq!(json_of(&a), json_of(&b), "{}", a.display());
    }
    // The coldkey's plaintext carries what bittensor's encrypted one does.
    let coldkey = json_of(&ours.coldkey_path());
    assert_eq!(coldkey["privateKey"], want["coldkey"]["private_key"]);
    assert_eq!(coldkey["secretSeed"], want["coldkey"]["secret_seed"]);
    assert_eq!(coldkey["secretPhrase"], want["coldkey"]["mnemonic"]);
    assert_eq!(coldkey["ss58Address"], want["coldkey"]["ss58"]);
    let account: AccountId32 = want["coldkey"]["ss58"].as_str().unwrap().parse().unwrap();
    assert_eq!(coldkey["publicKey"], hex0x(account.as_bytes()));
    assert_eq!(coldkey["accountId"], coldkey["publicKey"]);
    assert_eq!(coldkey["cryptoType"], 1);
}
