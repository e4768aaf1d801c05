//! The wallet's unit tests: round trips, refusals that touch nothing, damaged files.
//!
//! Only `encrypted_coldkeys_round_trip_and_a_wrong_password_changes_nothing` runs the real
//! Argon2i (three times, about a second each); the other tests use plaintext keys.

use super::*;
use std::collections::BTreeMap;

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const DEV_ROOT: &str = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV";

/// Every file under `dir`: its relative path, bytes and (unix) mode.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let mode = mode_of(&path);
            if path.is_dir() {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    (Vec::new(), mode),
                );
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), (bytes, mode));
            }
        }
    }
    out
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> u32 {
    0
}

fn uri(u: &str) -> Secret {
    Secret::uri(u).unwrap()
}

#[test]
fn plaintext_wallets_round_trip_with_bittensors_layout() {
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "alice");
    assert!(!wallet.exists());
    let cold = uri("//Alice");
    let hot = uri("//Bob");
    let accounts = wallet
        .create_keys(
            &[
                NewKey {
                    slot: KeySlot::Coldkey,
                    secret: &cold,
                    password: None,
                },
                NewKey {
                    slot: KeySlot::Hotkey("default"),
                    secret: &hot,
                    password: None,
                },
            ],
            false,
        )
        .unwrap();
    assert_eq!(accounts[0].to_string(), ALICE);
    assert_eq!(accounts[1].to_string(), BOB);
    assert!(wallet.exists());

    let files = snapshot(root.path());
    let names: Vec<_> = files
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "alice",
            "alice/coldkey",
            "alice/coldkeypub.txt",
            "alice/hotkeys",
            "alice/hotkeys/default",
            "alice/hotkeys/defaultpub.txt"
        ]
    );
    if cfg!(unix) {
        for (path, (_, mode)) in &files {
            let want = if path.ends_with("alice") || path.ends_with("hotkeys") {
                0o700
            } else {
                0o600
            };
            assert_eq!(*mode, want, "{}", path.display());
        }
    }

    assert_eq!(wallet.coldkey_pub().unwrap().to_string(), ALICE);
    assert_eq!(wallet.hotkey_pub("default").unwrap().to_string(), BOB);
    assert_eq!(
        wallet.coldkey(&NoPassword).unwrap().public().to_string(),
        ALICE
    );
    assert_eq!(
        wallet
            .hotkey("default", &NoPassword)
            .unwrap()
            .public()
            .to_string(),
        BOB
    );
    assert_eq!(wallet.hotkeys().unwrap(), ["default"]);
    assert!(!wallet.coldkey_encrypted().unwrap());

    // A URI key keeps only its raw secret (bittensor's `create_from_uri`): no phrase, no seed.
    let coldkey: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wallet.coldkey_path()).unwrap()).unwrap();
    assert!(coldkey.get("secretPhrase").is_none() && coldkey.get("secretSeed").is_none());
    assert_eq!(coldkey["privateKey"].as_str().unwrap().len(), 2 + 128);

    // The hotkey's own file answers when its public file is gone.
    std::fs::remove_file(wallet.hotkeypub_path("default")).unwrap();
    assert_eq!(wallet.hotkey_pub("default").unwrap().to_string(), BOB);
    // And a hotkey with only its public file is listed (and cannot sign).
    let other = uri("//Charlie");
    wallet.create_hotkey("spare", &other, None, false).unwrap();
    std::fs::remove_file(wallet.hotkey_path("spare")).unwrap();
    assert_eq!(wallet.hotkeys().unwrap(), ["default", "spare"]);
    assert!(matches!(
        wallet.hotkey("spare", &NoPassword),
        Err(WalletError::NotFound { .. })
    ));
}

#[test]
fn mnemonic_keys_keep_their_phrase_and_seed() {
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "w");
    // Spacing and case are normalized; the key is the phrase's root key.
    let messy = format!("  {}  ", cortex_primitives::DEV_PHRASE.to_uppercase());
    let secret = Secret::mnemonic(&messy).unwrap();
    let account = wallet.create_coldkey(&secret, None, false).unwrap();
    assert_eq!(account.to_string(), DEV_ROOT);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wallet.coldkey_path()).unwrap()).unwrap();
    assert_eq!(json["secretPhrase"], cortex_primitives::DEV_PHRASE);
    assert_eq!(
        json["secretSeed"],
        "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
    );
    assert_eq!(json["cryptoType"], 1);
    let public: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wallet.coldkeypub_path()).unwrap()).unwrap();
    assert_eq!(public["ss58Address"], DEV_ROOT);
    assert!(public.get("privateKey").is_none());

    assert!(matches!(
        Secret::mnemonic("bottom drive obey"),
        Err(WalletError::InvalidInput(_))
    ));
    assert!(matches!(
        Secret::uri("not a phrase//x"),
        Err(WalletError::InvalidInput(_))
    ));
}

#[test]
fn encrypted_coldkeys_round_trip_and_a_wrong_password_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "enc");
    let secret = uri("//Alice");
    // KDF 1: sealing.
    wallet
        .create_coldkey(&secret, Some("hunter22"), false)
        .unwrap();
    assert!(wallet.coldkey_encrypted().unwrap());
    let before = snapshot(root.path());
    // The public file needs no password.
    assert_eq!(wallet.coldkey_pub().unwrap().to_string(), ALICE);
    // No password source: refused before any KDF.
    let err = wallet.coldkey(&NoPassword).unwrap_err();
    assert!(
        matches!(err, WalletError::PasswordUnavailable { .. }),
        "{err}"
    );
    // KDF 2: the wrong password.
    let err = wallet.coldkey(&FixedPassword::new("hunter23")).unwrap_err();
    assert!(matches!(err, WalletError::WrongPassword { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("the password is wrong"), "{message}");
    assert!(message.contains(&wallet.coldkey_path().display().to_string()));
    assert_eq!(
        snapshot(root.path()),
        before,
        "a failed unlock changed a file"
    );
    // KDF 3: the right one.
    let pair = wallet.coldkey(&FixedPassword::new("hunter22")).unwrap();
    assert_eq!(pair.public().to_string(), ALICE);
    assert_eq!(snapshot(root.path()), before);
    // An empty password is refused rather than silently "encrypting".
    assert!(matches!(
        wallet.create_coldkey(&secret, Some(""), true),
        Err(WalletError::InvalidInput(_))
    ));
}

#[test]
fn an_existing_wallet_is_refused_without_overwrite_and_nothing_is_touched() {
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "w");
    let alice = uri("//Alice");
    let bob = uri("//Bob");
    wallet.create_hotkey("h", &alice, None, false).unwrap();
    let before = snapshot(root.path());
    // Coldkey + hotkey in one call: the coldkey slot is free, the hotkey's is not, so neither
    // is written (no coldkey appears).
    let err = wallet
        .create_keys(
            &[
                NewKey {
                    slot: KeySlot::Coldkey,
                    secret: &bob,
                    password: None,
                },
                NewKey {
                    slot: KeySlot::Hotkey("h"),
                    secret: &bob,
                    password: None,
                },
            ],
            false,
        )
        .unwrap_err();
    let WalletError::AlreadyExists { path } = &err else {
        panic!("{err}");
    };
    assert_eq!(path, &wallet.hotkey_path("h"));
    assert!(err.to_string().contains("--overwrite"));
    assert_eq!(snapshot(root.path()), before);
    assert!(!wallet.coldkey_path().exists());
    // A public file alone also blocks.
    std::fs::remove_file(wallet.hotkey_path("h")).unwrap();
    let before = snapshot(root.path());
    assert!(matches!(
        wallet.create_hotkey("h", &bob, None, false),
        Err(WalletError::AlreadyExists { .. })
    ));
    assert_eq!(snapshot(root.path()), before);
    // With overwrite, both files are replaced.
    wallet.create_hotkey("h", &bob, None, true).unwrap();
    assert_eq!(wallet.hotkey_pub("h").unwrap().to_string(), BOB);
    assert_eq!(
        wallet
            .hotkey("h", &NoPassword)
            .unwrap()
            .public()
            .to_string(),
        BOB
    );
    // The same slot twice is refused.
    assert!(matches!(
        wallet.create_keys(
            &[
                NewKey {
                    slot: KeySlot::Hotkey("x"),
                    secret: &bob,
                    password: None
                },
                NewKey {
                    slot: KeySlot::Hotkey("x"),
                    secret: &bob,
                    password: None
                },
            ],
            true
        ),
        Err(WalletError::InvalidInput(_))
    ));
}

#[test]
fn a_failed_write_leaves_no_wallet_behind() {
    let root = tempfile::tempdir().unwrap();
    // The hotkeys "directory" is a file, so the hotkey cannot be written.
    let wallet = Wallet::new(root.path(), "w");
    std::fs::create_dir(wallet.path()).unwrap();
    std::fs::write(wallet.hotkeys_dir(), b"in the way").unwrap();
    let before = snapshot(root.path());
    let cold = uri("//Alice");
    let err = wallet
        .create_keys(
            &[
                NewKey {
                    slot: KeySlot::Coldkey,
                    secret: &cold,
                    password: None,
                },
                NewKey {
                    slot: KeySlot::Hotkey("h"),
                    secret: &cold,
                    password: None,
                },
            ],
            false,
        )
        .unwrap_err();
    assert!(matches!(err, WalletError::Io { .. }), "{err}");
    // No coldkey, no temporary file: exactly as before.
    assert_eq!(snapshot(root.path()), before);
}

#[test]
fn missing_and_damaged_files_say_what_and_where() {
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "nobody");
    let err = wallet.coldkey_pub().unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, WalletError::NotFound { .. }));
    assert!(
        message.contains(&wallet.coldkeypub_path().display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("cortex wallet create --name nobody"),
        "{message}"
    );
    let err = wallet.coldkey(&NoPassword).unwrap_err();
    assert!(
        err.to_string()
            .contains("cortex wallet create --name nobody")
    );
    let err = wallet.hotkey("h", &NoPassword).unwrap_err();
    assert!(
        err.to_string()
            .contains("cortex wallet new-hotkey --name nobody --hotkey h")
    );
    assert!(matches!(
        wallet.hotkeys(),
        Err(WalletError::NotFound { .. })
    ));
    assert!(matches!(
        wallet.summary(),
        Err(WalletError::NotFound { .. })
    ));

    let wallet = Wallet::new(root.path(), "bent");
    wallet.create_coldkey(&uri("//Alice"), None, false).unwrap();
    let cases: [(&[u8], &str); 5] = [
        (b"$NACL\x01\x02", "too short"),
        (b"{\"privateKey\": 12", "does not parse"),
        (b"\xff\xfe binary", "neither"),
        (b"{\"privateKey\":\"0xzz\"}", "privateKey"),
        (b"{}", "no key at all"),
    ];
    for (bytes, why) in cases {
        std::fs::write(wallet.coldkey_path(), bytes).unwrap();
        let err = wallet.coldkey(&FixedPassword::new("pw")).unwrap_err();
        assert!(matches!(err, WalletError::Corrupt { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(why), "{message}");
        assert!(message.contains("coldkey is corrupt"), "{message}");
    }
    std::fs::write(wallet.coldkey_path(), b"$ANSIBLE_VAULT;1.1;AES256\n3033").unwrap();
    assert!(matches!(
        wallet.coldkey(&NoPassword),
        Err(WalletError::Unsupported { .. })
    ));
    // A damaged public file is reported in the summary, not as a failure of the listing.
    std::fs::write(wallet.coldkeypub_path(), b"{").unwrap();
    let listed = list_wallets(root.path()).unwrap();
    assert_eq!(listed.len(), 1, "only 'bent' is a directory");
    assert!(matches!(
        listed[0].coldkey,
        Err(WalletError::Corrupt { .. })
    ));
}

#[test]
fn ed25519_keyfiles_give_an_address_but_do_not_sign() {
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "ed");
    std::fs::create_dir_all(wallet.hotkeys_dir()).unwrap();
    // bittensor-wallet 4.1.0's keyfile of `Keypair.create_from_uri("//Alice", crypto_type=0)`.
    std::fs::write(
        wallet.hotkey_path("h"),
        r#"{"publicKey":"0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee","accountId":"0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee","cryptoType":0,"privateKey":"0xabf8e5bdbe30c65656c0a3cbd181ff8a56294a69dfedd27982aace4a76909115","ss58Address":"5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"}"#,
    )
    .unwrap();
    assert_eq!(
        wallet.hotkey_pub("h").unwrap().to_string(),
        "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"
    );
    let err = wallet.hotkey("h", &NoPassword).unwrap_err();
    assert!(matches!(err, WalletError::Unsupported { .. }));
    assert!(err.to_string().contains("ed25519"), "{err}");
}

#[test]
fn listing_shows_every_wallet_and_hotkey() {
    let root = tempfile::tempdir().unwrap();
    assert!(
        list_wallets(&root.path().join("absent"))
            .unwrap()
            .is_empty()
    );
    let a = Wallet::new(root.path(), "a");
    a.create_coldkey(&uri("//Alice"), None, false).unwrap();
    a.create_hotkey("h2", &uri("//Alice//2"), None, false)
        .unwrap();
    a.create_hotkey("h1", &uri("//Alice//1"), None, false)
        .unwrap();
    let b = Wallet::new(root.path(), "b");
    b.create_hotkey("only", &uri("//Bob"), None, false).unwrap();
    std::fs::create_dir(root.path().join(".hidden")).unwrap();
    std::fs::write(root.path().join("stray-file"), b"x").unwrap();
    let listed = list_wallets(root.path()).unwrap();
    let names: Vec<_> = listed.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(listed[0].coldkey.as_ref().unwrap().to_string(), ALICE);
    assert_eq!(listed[0].coldkey_encrypted, Some(false));
    let hotkeys: Vec<_> = listed[0].hotkeys.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(hotkeys, ["h1", "h2"]);
    assert_eq!(
        listed[0].hotkeys[0].account.as_ref().unwrap(),
        &Sr25519Pair::from_uri("//Alice//1").unwrap().public()
    );
    // A wallet with hotkeys but no coldkey: listed, its coldkey reported missing.
    assert!(matches!(
        listed[1].coldkey,
        Err(WalletError::NotFound { .. })
    ));
    assert_eq!(listed[1].coldkey_encrypted, None);
    assert_eq!(listed[1].hotkeys.len(), 1);
}

#[test]
fn unusable_names_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let secret = uri("//Alice");
    for name in ["", "..", "a/b", ".hidden", "x\0y"] {
        let wallet = Wallet::new(root.path(), name);
        assert!(
            matches!(
                wallet.create_coldkey(&secret, None, false),
                Err(WalletError::InvalidInput(_))
            ),
            "{name:?}"
        );
    }
    let wallet = Wallet::new(root.path(), "ok");
    for hotkey in ["../up", "defaultpub.txt", ""] {
        assert!(
            matches!(
                wallet.create_hotkey(hotkey, &secret, None, false),
                Err(WalletError::InvalidInput(_))
            ),
            "{hotkey:?}"
        );
    }
    assert!(
        snapshot(root.path()).is_empty(),
        "a refused name wrote something"
    );
}

#[test]
fn fresh_mnemonics_have_the_asked_length_and_differ() {
    for words in [12, 15, 18, 21, 24] {
        let phrase = generate_mnemonic(words).unwrap();
        assert_eq!(phrase.split(' ').count(), words);
        assert!(Secret::mnemonic(&phrase).is_ok());
    }
    assert_ne!(
        *generate_mnemonic(12).unwrap(),
        *generate_mnemonic(12).unwrap()
    );
    assert!(matches!(
        generate_mnemonic(13),
        Err(WalletError::InvalidInput(_))
    ));
}

#[test]
fn messages_sign_raw_and_verify_raw_or_wrapped() {
    let alice = Sr25519Pair::from_uri("//Alice").unwrap();
    let bob = Sr25519Pair::from_uri("//Bob").unwrap().public();
    let message = message_bytes("hello").unwrap();
    let raw = alice.sign(&message);
    assert!(verify_message(&raw, b"hello", &alice.public()));
    assert!(!verify_message(&raw, b"hellO", &alice.public()));
    assert!(!verify_message(&raw, b"hello", &bob));
    let wrapped = alice.sign(b"<Bytes>hello</Bytes>");
    assert!(verify_message(&wrapped, b"hello", &alice.public()));
    // bittensor reads a 0x string as hex.
    assert_eq!(message_bytes("0x68656c6c6f").unwrap(), b"hello");
    assert_eq!(message_bytes("0x").unwrap(), b"");
    assert!(matches!(
        message_bytes("0xzz"),
        Err(WalletError::InvalidInput(_))
    ));
    assert_eq!(message_bytes("0X68").unwrap(), b"0X68");
}

#[test]
fn encrypted_hotkeys_open_with_their_password() {
    // Two Argon2i runs: sealing and opening.
    let root = tempfile::tempdir().unwrap();
    let wallet = Wallet::new(root.path(), "w");
    wallet
        .create_hotkey("locked", &uri("//Bob"), Some("hot-pw"), false)
        .unwrap();
    // The public file answers without a password; the keyfile needs one.
    assert_eq!(wallet.hotkey_pub("locked").unwrap().to_string(), BOB);
    assert!(matches!(
        wallet.hotkey("locked", &NoPassword),
        Err(WalletError::PasswordUnavailable { .. })
    ));
    // Without its public file, an encrypted hotkey's address needs the password too.
    let public = std::fs::read(wallet.hotkeypub_path("locked")).unwrap();
    std::fs::remove_file(wallet.hotkeypub_path("locked")).unwrap();
    let err = wallet.hotkey_pub("locked").unwrap_err();
    assert!(
        matches!(err, WalletError::PasswordUnavailable { .. }),
        "{err}"
    );
    std::fs::write(wallet.hotkeypub_path("locked"), public).unwrap();
    let pair = wallet
        .hotkey("locked", &FixedPassword::new("hot-pw"))
        .unwrap();
    assert_eq!(pair.public().to_string(), BOB);
}
