//! The keyfile JSON of bittensor-wallet 4.x (wire.md §6): what a key file holds, how it is read
//! back into a key, and how a new key is written.
//!
//! Facts checked against bittensor-wallet 4.1.0:
//! - every field is optional and an absent field is left out (older Python wallets wrote `null`,
//!   which reads as absent);
//! - a key made from a mnemonic carries `secretPhrase` and `secretSeed` (the 32-byte mini-secret);
//!   a key made from a URI (`//Alice`, `phrase//hard`) carries neither, only `privateKey`;
//! - `privateKey` is sp-core's 64-byte sr25519 secret, or the 32-byte seed of an ed25519 key;
//! - public files (`coldkeypub.txt`, `Hpub.txt`) hold `accountId`, `publicKey`, `ss58Address` and
//!   `cryptoType` only;
//! - the JSON is compact, with no key order to respect.
//!
//! Reading follows bittensor's order (`secretPhrase`, then `secretSeed`, then `privateKey`), and
//! additionally checks that the secret gives the public key the file states, so a damaged or
//! hand-edited file never signs as a different account than the one it shows.

use cortex_primitives::{AccountId32, BITTENSOR_SS58_PREFIX, Sr25519Pair};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// `cryptoType` of an ed25519 key.
pub const CRYPTO_ED25519: u8 = 0;
/// `cryptoType` of an sr25519 key (the default when the field is absent).
pub const CRYPTO_SR25519: u8 = 1;

/// A keyfile's JSON fields, all optional. Secrets are wiped when the value is dropped.
#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyfileJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_phrase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_seed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ss58_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto_type: Option<u8>,
}

/// Public fields only: a keyfile's secrets never reach a log or a panic message.
impl std::fmt::Debug for KeyfileJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyfileJson")
            .field("ss58_address", &self.ss58_address)
            .field("crypto_type", &self.crypto_type)
            .field("has_secret", &self.private_key.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for KeyfileJson {
    fn drop(&mut self) {
        self.private_key.zeroize();
        self.secret_phrase.zeroize();
        self.secret_seed.zeroize();
    }
}

/// What a key file turned out to hold (its Debug shows public keys only).
#[derive(Debug)]
pub(crate) enum KeyMaterial {
    /// An sr25519 key that can sign (boxed: the secret is far larger than a public key).
    Sr25519(Box<Sr25519Pair>),
    /// Only a public key (a public file, an ed25519 key, or a file with no secret).
    Public {
        /// The account.
        account: AccountId32,
        /// Its `cryptoType`.
        crypto_type: u8,
    },
}

impl KeyMaterial {
    /// The key's account.
    pub(crate) fn account(&self) -> AccountId32 {
        match self {
            KeyMaterial::Sr25519(pair) => pair.public(),
            KeyMaterial::Public { account, .. } => *account,
        }
    }
}

/// `0x` + hex of `bytes`.
fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The bytes of a `0x`-hex field (the `0x` optional, as bittensor accepts), exactly `N` long.
fn parse_hex<const N: usize>(field: &str, value: &str) -> Result<Zeroizing<[u8; N]>, String> {
    let digits = value.strip_prefix("0x").unwrap_or(value);
    let mut out = Zeroizing::new([0u8; N]);
    hex::decode_to_slice(digits, out.as_mut())
        .map_err(|_| format!("{field} is not 0x followed by {} hex digits", N * 2))?;
    Ok(out)
}

impl KeyfileJson {
    /// The JSON of `pair`'s full keyfile. `phrase` (a validated mnemonic) adds `secretPhrase` and
    /// `secretSeed` (`seed`), as bittensor does for keys made from a mnemonic.
    pub(crate) fn private(
        pair: &Sr25519Pair,
        phrase: Option<(&str, &[u8; 32])>,
    ) -> Zeroizing<Vec<u8>> {
        let public = pair.public();
        let json = KeyfileJson {
            account_id: Some(hex0x(public.as_bytes())),
            public_key: Some(hex0x(public.as_bytes())),
            private_key: Some(hex0x(pair.secret_bytes().as_ref())),
            secret_phrase: phrase.map(|(p, _)| p.to_string()),
            secret_seed: phrase.map(|(_, seed)| hex0x(seed)),
            ss58_address: Some(public.to_ss58(BITTENSOR_SS58_PREFIX)),
            crypto_type: Some(CRYPTO_SR25519),
        };
        json.to_bytes()
    }

    /// The JSON of a public file (`coldkeypub.txt`, `Hpub.txt`) for an sr25519 account.
    pub(crate) fn public(account: &AccountId32) -> Vec<u8> {
        let json = KeyfileJson {
            account_id: Some(hex0x(account.as_bytes())),
            public_key: Some(hex0x(account.as_bytes())),
            ss58_address: Some(account.to_ss58(BITTENSOR_SS58_PREFIX)),
            crypto_type: Some(CRYPTO_SR25519),
            private_key: None,
            secret_phrase: None,
            secret_seed: None,
        };
        json.to_bytes().to_vec()
    }

    /// Compact JSON; serializing a struct of strings and an integer cannot fail, and an empty
    /// object stands in if it somehow did (it reads back as Corrupt, never as a wrong key).
    fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec()))
    }

    /// Parses a plaintext keyfile. The error says what is wrong, for `WalletError::Corrupt`.
    pub(crate) fn parse(data: &[u8]) -> Result<KeyfileJson, String> {
        if !data.trim_ascii_start().starts_with(b"{") {
            return Err("it is neither a $NACL keyfile nor keyfile JSON".into());
        }
        serde_json::from_slice(data).map_err(|e| format!("its JSON does not parse ({e})"))
    }

    /// The public key the file states (`publicKey`, `accountId`, `ss58Address`), after checking
    /// that the fields present agree.
    fn stated_account(&self) -> Result<Option<AccountId32>, String> {
        let mut found: Option<(AccountId32, &str)> = None;
        let mut note = |account: AccountId32, field: &'static str| match found {
            Some((seen, first)) if seen != account => Err(format!(
                "{field} and {first} name different accounts ({account} and {seen})"
            )),
            Some(_) => Ok(()),
            None => {
                found = Some((account, field));
                Ok(())
            }
        };
        if let Some(value) = &self.public_key {
            note(
                AccountId32(*parse_hex::<32>("publicKey", value)?),
                "publicKey",
            )?;
        }
        if let Some(value) = &self.account_id {
            note(
                AccountId32(*parse_hex::<32>("accountId", value)?),
                "accountId",
            )?;
        }
        if let Some(value) = &self.ss58_address {
            let (account, _) = AccountId32::from_ss58(value)
                .map_err(|e| format!("ss58Address {value:?} is not an SS58 address ({e})"))?;
            note(account, "ss58Address")?;
        }
        Ok(found.map(|(account, _)| account))
    }

    /// The key the file holds, read in bittensor's order, checked against its public fields.
    pub(crate) fn material(&self) -> Result<KeyMaterial, String> {
        let crypto_type = self.crypto_type.unwrap_or(CRYPTO_SR25519);
        let stated = self.stated_account()?;
        if crypto_type != CRYPTO_SR25519 {
            if crypto_type != CRYPTO_ED25519 {
                return Err(format!(
                    "cryptoType {crypto_type} is unknown (1 is sr25519, 0 is ed25519)"
                ));
            }
            let account = stated.ok_or("it is an ed25519 key with no public key field")?;
            return Ok(KeyMaterial::Public {
                account,
                crypto_type,
            });
        }
        let pair = if let Some(phrase) = &self.secret_phrase {
            Sr25519Pair::from_phrase(phrase, None)
                .map_err(|e| format!("secretPhrase is not a valid mnemonic ({e})"))?
        } else if let Some(seed) = &self.secret_seed {
            let seed = parse_hex::<32>("secretSeed", seed)?;
            Sr25519Pair::from_seed(&seed).map_err(|e| format!("secretSeed: {e}"))?
        } else if let Some(secret) = &self.private_key {
            let secret = parse_hex::<64>("privateKey", secret)?;
            Sr25519Pair::from_secret_bytes(&secret).map_err(|e| format!("privateKey: {e}"))?
        } else {
            let account = stated.ok_or(
                "it holds no key at all (none of secretPhrase, secretSeed, privateKey, \
                 publicKey, accountId, ss58Address)",
            )?;
            return Ok(KeyMaterial::Public {
                account,
                crypto_type,
            });
        };
        if let Some(account) = stated
            && account != pair.public()
        {
            return Err(format!(
                "its secret is the key of {} but it says it is {account}",
                pair.public()
            ));
        }
        Ok(KeyMaterial::Sr25519(Box::new(pair)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cortex_primitives::DEV_PHRASE;

    fn material(json: &str) -> Result<KeyMaterial, String> {
        KeyfileJson::parse(json.as_bytes())?.material()
    }

    #[test]
    fn keys_written_read_back_the_same() {
        let alice = Sr25519Pair::from_uri("//Alice").unwrap();
        let json = KeyfileJson::private(&alice, None);
        let text = std::str::from_utf8(&json).unwrap();
        // A URI key has no phrase or seed: the fields are absent, not null.
        assert!(
            !text.contains("secretPhrase") && !text.contains("null"),
            "{text}"
        );
        assert!(text.contains("\"cryptoType\":1"), "{text}");
        let KeyMaterial::Sr25519(back) = material(text).unwrap() else {
            panic!("not a signing key");
        };
        assert_eq!(back.public(), alice.public());

        let root = Sr25519Pair::from_phrase(DEV_PHRASE, None).unwrap();
        let seed = cortex_primitives::mini_secret_from_phrase(DEV_PHRASE, "").unwrap();
        let json = KeyfileJson::private(&root, Some((DEV_PHRASE, &seed)));
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["secretPhrase"], DEV_PHRASE);
        assert_eq!(
            value["secretSeed"],
            "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
        );
        assert_eq!(
            value["ss58Address"],
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );

        let public = KeyfileJson::public(&alice.public());
        let value: serde_json::Value = serde_json::from_slice(&public).unwrap();
        let mut keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["accountId", "cryptoType", "publicKey", "ss58Address"]
        );
        let read = material(std::str::from_utf8(&public).unwrap()).unwrap();
        assert!(matches!(
            read,
            KeyMaterial::Public {
                crypto_type: CRYPTO_SR25519,
                ..
            }
        ));
        assert_eq!(read.account(), alice.public());
    }

    #[test]
    fn nulls_read_as_absent_and_the_secret_order_is_bittensors() {
        // Old Python wallets wrote null for missing fields.
        let secret = hex::encode(*Sr25519Pair::from_uri("//Alice").unwrap().secret_bytes());
        let json = format!(
            r#"{{"secretPhrase":null,"secretSeed":null,"privateKey":"0x{secret}","accountId":null,"publicKey":null,"ss58Address":null,"cryptoType":1}}"#
        );
        assert_eq!(
            material(&json).unwrap().account().to_string(),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        // The phrase wins over the seed and the private key (the file then is inconsistent
        // only if it states a public key, which this one does not).
        let json = format!(r#"{{"secretPhrase":"{DEV_PHRASE}","privateKey":"0x{secret}"}}"#);
        assert_eq!(
            material(&json).unwrap().account().to_string(),
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
        // Only an address: a public key.
        let only = r#"{"ss58Address":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}"#;
        assert!(matches!(
            material(only).unwrap(),
            KeyMaterial::Public { .. }
        ));
    }

    #[test]
    fn damaged_files_say_what_is_wrong() {
        let alice = Sr25519Pair::from_uri("//Alice").unwrap();
        let secret = hex::encode(*alice.secret_bytes());
        let bob = Sr25519Pair::from_uri("//Bob").unwrap().public();
        let mismatched = format!(
            r#"{{"privateKey":"0x{secret}","publicKey":"0x{}"}}"#,
            hex::encode(bob.as_bytes())
        );
        assert!(material(&mismatched).unwrap_err().contains("but it says"));
        let split = format!(
            r#"{{"publicKey":"0x{}","ss58Address":"{}"}}"#,
            hex::encode(bob.as_bytes()),
            alice.public()
        );
        assert!(material(&split).unwrap_err().contains("different accounts"));
        assert!(
            material(r#"{"privateKey":"0x1234"}"#)
                .unwrap_err()
                .contains("privateKey")
        );
        assert!(
            material(r#"{"secretPhrase":"not a phrase"}"#)
                .unwrap_err()
                .contains("mnemonic")
        );
        assert!(
            material(r#"{"cryptoType":7,"privateKey":"0x00"}"#)
                .unwrap_err()
                .contains("cryptoType 7")
        );
        assert!(material("{}").unwrap_err().contains("no key at all"));
        assert!(
            KeyfileJson::parse(b"\x00\x01garbage")
                .unwrap_err()
                .contains("neither")
        );
        assert!(
            KeyfileJson::parse(b"{\"privateKey\":")
                .unwrap_err()
                .contains("does not parse")
        );
        assert!(KeyfileJson::parse(b"{\"cryptoType\":\"one\"}").is_err());
    }

    #[test]
    fn ed25519_keys_give_their_address_only() {
        // bittensor-wallet 4.1.0's keyfile of `Keypair.create_from_uri("//Alice", crypto_type=0)`.
        let json = r#"{"publicKey":"0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee","accountId":"0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee","cryptoType":0,"privateKey":"0xabf8e5bdbe30c65656c0a3cbd181ff8a56294a69dfedd27982aace4a76909115","ss58Address":"5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"}"#;
        let KeyMaterial::Public {
            account,
            crypto_type,
        } = material(json).unwrap()
        else {
            panic!("an ed25519 key cannot be an sr25519 signer");
        };
        assert_eq!(
            account.to_string(),
            "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"
        );
        assert_eq!(crypto_type, CRYPTO_ED25519);
    }
}
