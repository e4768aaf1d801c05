//! Keys and signatures as Substrate and Bittensor use them: sr25519 (schnorrkel, signing
//! context `substrate`) and ed25519, with Substrate's secret URIs (`phrase//hard/soft`).
//!
//! A secret URI is a BIP-39 phrase (or a `0x` 32-byte hex seed) followed by derivation
//! junctions: `//name` derives a hard child, `/name` a soft one, and `///password` sets the
//! BIP-39 password. A URI that starts with `/` uses the well-known development phrase, so
//! `//Alice` is the dev chain's Alice. Junction names are SCALE-encoded (numbers as u64) into a
//! 32-byte chain code, hashed with BLAKE2b-256 when longer.

use crate::account::AccountId32;
use crate::hashing::blake2_256;
use codec::Encode;
use schnorrkel::derive::{ChainCode, Derivation};
use schnorrkel::{ExpansionMode, MiniSecretKey, signing_context};
use zeroize::Zeroizing;

/// The development phrase whose derivations (`//Alice`, `//Bob`, …) fund every dev chain.
pub const DEV_PHRASE: &str =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// The signing context of Substrate's sr25519 signatures.
const SIGNING_CONTEXT: &[u8] = b"substrate";

/// Why a secret URI could not be turned into a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretUriError {
    /// The phrase is not a valid BIP-39 English mnemonic.
    #[error("invalid mnemonic phrase: {0}")]
    InvalidPhrase(String),
    /// A `0x` seed that is not 32 bytes of hex.
    #[error("invalid hex seed: expected 0x followed by 64 hex digits")]
    InvalidSeed,
    /// A soft junction on a seed-only key, or another derivation the scheme cannot do.
    #[error("invalid derivation path: {0}")]
    InvalidPath(String),
    /// 64 bytes that are not an sr25519 secret (key ++ nonce, the key a canonical scalar).
    #[error("invalid sr25519 secret key: the first 32 bytes are not a canonical scalar")]
    InvalidSecretKey,
}

/// The 32-byte mini-secret of a BIP-39 English phrase and its password, as Substrate (and
/// bittensor's `secretSeed`) derive it: PBKDF2-HMAC-SHA512 over the phrase's entropy, salt
/// `"mnemonic" + password`, 2048 rounds, first 32 bytes.
pub fn mini_secret_from_phrase(
    phrase: &str,
    password: &str,
) -> Result<Zeroizing<[u8; 32]>, SecretUriError> {
    let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::English, phrase)
        .map_err(|e| SecretUriError::InvalidPhrase(e.to_string()))?;
    let entropy = Zeroizing::new(mnemonic.to_entropy());
    let mini = substrate_bip39::mini_secret_from_entropy(&entropy, password)
        .map_err(|e| SecretUriError::InvalidPhrase(format!("{e:?}")))?;
    Ok(Zeroizing::new(mini.to_bytes()))
}

/// One step of a derivation path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Junction {
    Hard([u8; 32]),
    Soft([u8; 32]),
}

/// A junction name as a chain code: numbers encode as u64, anything else as a SCALE string;
/// longer than 32 bytes, the BLAKE2b-256 of that encoding.
fn chain_code(name: &str) -> [u8; 32] {
    let encoded = match name.parse::<u64>() {
        Ok(n) => n.encode(),
        Err(_) => name.encode(),
    };
    let mut cc = [0u8; 32];
    if encoded.len() > 32 {
        cc = blake2_256(&encoded);
    } else if let Some(dst) = cc.get_mut(..encoded.len()) {
        dst.copy_from_slice(&encoded);
    }
    cc
}

/// Splits `phrase//hard/soft///password` into its parts.
fn parse_uri(uri: &str) -> (String, Vec<Junction>, Option<String>) {
    let (head, password) = match uri.split_once("///") {
        Some((h, p)) => (h, Some(p.to_string())),
        None => (uri, None),
    };
    let path_start = head.find('/').unwrap_or(head.len());
    let (phrase, path) = head.split_at(path_start);
    let phrase = if phrase.trim().is_empty() {
        DEV_PHRASE.to_string()
    } else {
        phrase.trim().to_string()
    };
    let mut junctions = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let hard = rest.starts_with("//");
        rest = rest.trim_start_matches('/');
        let end = rest.find('/').unwrap_or(rest.len());
        let (name, tail) = rest.split_at(end);
        let cc = chain_code(name);
        junctions.push(if hard {
            Junction::Hard(cc)
        } else {
            Junction::Soft(cc)
        });
        rest = tail;
    }
    (phrase, junctions, password)
}

/// An sr25519 key pair.
#[derive(Clone)]
pub struct Sr25519Pair(schnorrkel::Keypair);

impl core::fmt::Debug for Sr25519Pair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Sr25519Pair({})", self.public())
    }
}

impl Sr25519Pair {
    /// The pair of a secret URI (`//Alice`, `phrase//hard/soft`, `0x…seed//hard`).
    pub fn from_uri(uri: &str) -> Result<Sr25519Pair, SecretUriError> {
        let (phrase, junctions, password) = parse_uri(uri);
        let phrase = Zeroizing::new(phrase);
        let password = Zeroizing::new(password.unwrap_or_default());
        let seed = if let Some(hex) = phrase.strip_prefix("0x") {
            let mut seed = Zeroizing::new([0u8; 32]);
            if hex.len() != 64 {
                return Err(SecretUriError::InvalidSeed);
            }
            for (i, byte) in seed.iter_mut().enumerate() {
                let digits = hex.get(i.saturating_mul(2)..i.saturating_mul(2).saturating_add(2));
                *byte = digits
                    .and_then(|d| u8::from_str_radix(d, 16).ok())
                    .ok_or(SecretUriError::InvalidSeed)?;
            }
            seed
        } else {
            mini_secret_from_phrase(&phrase, &password)?
        };
        let mut pair = Sr25519Pair::from_seed(&seed)?.0;
        for junction in junctions {
            pair = match junction {
                Junction::Hard(cc) => pair
                    .secret
                    .hard_derive_mini_secret_key(Some(ChainCode(cc)), b"")
                    .0
                    .expand_to_keypair(ExpansionMode::Ed25519),
                Junction::Soft(cc) => pair.derived_key_simple(ChainCode(cc), []).0,
            };
        }
        Ok(Sr25519Pair(pair))
    }

    /// The pair of a BIP-39 English phrase with an optional BIP-39 password (no derivation
    /// path: the phrase's root key, as bittensor's `Keypair.create_from_mnemonic`).
    pub fn from_phrase(
        phrase: &str,
        password: Option<&str>,
    ) -> Result<Sr25519Pair, SecretUriError> {
        let seed = mini_secret_from_phrase(phrase, password.unwrap_or(""))?;
        Sr25519Pair::from_seed(&seed)
    }

    /// The pair of a 32-byte mini-secret ("seed"), expanded in Ed25519 mode as Substrate does.
    pub fn from_seed(seed: &[u8; 32]) -> Result<Sr25519Pair, SecretUriError> {
        // schnorrkel checks only the length, so a 32-byte array is always accepted.
        let mini = MiniSecretKey::from_bytes(seed).map_err(|_| SecretUriError::InvalidSeed)?;
        Ok(Sr25519Pair(mini.expand_to_keypair(ExpansionMode::Ed25519)))
    }

    /// The pair of sp-core's 64-byte raw secret (the scalar key ++ the nonce), the
    /// `privateKey` of a bittensor keyfile.
    pub fn from_secret_bytes(secret: &[u8; 64]) -> Result<Sr25519Pair, SecretUriError> {
        let key = schnorrkel::SecretKey::from_bytes(secret)
            .map_err(|_| SecretUriError::InvalidSecretKey)?;
        Ok(Sr25519Pair(key.to_keypair()))
    }

    /// sp-core's 64-byte raw secret (scalar key ++ nonce): what `from_secret_bytes` reads back
    /// and bittensor stores as `privateKey`. Wiped from memory when dropped.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 64]> {
        Zeroizing::new(self.0.secret.to_bytes())
    }

    /// The public key as an account.
    pub fn public(&self) -> AccountId32 {
        AccountId32(self.0.public.to_bytes())
    }

    /// Signs `message` with the `substrate` context.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0
            .sign(signing_context(SIGNING_CONTEXT).bytes(message))
            .to_bytes()
    }
}

/// An sr25519 public key decoded once, for verifiers that check many signatures of one key
/// (decoding a key is a point decompression, a good part of a verification's cost).
#[derive(Clone, Debug)]
pub struct Sr25519Public(schnorrkel::PublicKey);

impl Sr25519Public {
    /// The key of `account`, if its bytes are a valid sr25519 point.
    pub fn from_account(account: &AccountId32) -> Option<Sr25519Public> {
        schnorrkel::PublicKey::from_bytes(account.as_bytes())
            .ok()
            .map(Sr25519Public)
    }

    /// Whether `signature` is this key's signature of `message` (context `substrate`).
    pub fn verify(&self, signature: &[u8; 64], message: &[u8]) -> bool {
        let Ok(sig) = schnorrkel::Signature::from_bytes(signature) else {
            return false;
        };
        self.0
            .verify(signing_context(SIGNING_CONTEXT).bytes(message), &sig)
            .is_ok()
    }
}

/// Whether `signature` is `public`'s sr25519 signature of `message` (context `substrate`).
pub fn sr25519_verify(signature: &[u8; 64], message: &[u8], public: &AccountId32) -> bool {
    let (Ok(sig), Ok(key)) = (
        schnorrkel::Signature::from_bytes(signature),
        schnorrkel::PublicKey::from_bytes(public.as_bytes()),
    ) else {
        return false;
    };
    key.verify(signing_context(SIGNING_CONTEXT).bytes(message), &sig)
        .is_ok()
}

/// Whether `signature` is `public`'s ed25519 signature of `message`.
pub fn ed25519_verify(signature: &[u8; 64], message: &[u8], public: &AccountId32) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public.as_bytes()) else {
        return false;
    };
    let sig = ed25519_dalek::Signature::from_bytes(signature);
    key.verify_strict(message, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_accounts_derive_to_their_well_known_keys() {
        let expected = [
            (
                "//Alice",
                "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
            ),
            ("//Bob", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"),
            (
                "//Charlie",
                "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
            ),
            ("//Dave", "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"),
            ("//Eve", "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw"),
            (
                "//Ferdie",
                "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL",
            ),
        ];
        for (uri, address) in expected {
            let pair = Sr25519Pair::from_uri(uri).unwrap();
            assert_eq!(pair.public().to_string(), address, "{uri}");
        }
        // The explicit phrase gives the same key as the bare URI.
        let explicit = Sr25519Pair::from_uri(&format!("{DEV_PHRASE}//Alice")).unwrap();
        assert_eq!(
            explicit.public(),
            Sr25519Pair::from_uri("//Alice").unwrap().public()
        );
        // The root of the dev phrase.
        assert_eq!(
            Sr25519Pair::from_uri(DEV_PHRASE)
                .unwrap()
                .public()
                .to_string(),
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
    }

    #[test]
    fn signatures_verify_and_forgeries_do_not() {
        let alice = Sr25519Pair::from_uri("//Alice").unwrap();
        let bob = Sr25519Pair::from_uri("//Bob").unwrap();
        let sig = alice.sign(b"transfer 1 TAO");
        assert!(sr25519_verify(&sig, b"transfer 1 TAO", &alice.public()));
        assert!(!sr25519_verify(&sig, b"transfer 2 TAO", &alice.public()));
        assert!(!sr25519_verify(&sig, b"transfer 1 TAO", &bob.public()));
        let mut bent = sig;
        bent[3] ^= 1;
        assert!(!sr25519_verify(&bent, b"transfer 1 TAO", &alice.public()));
        assert!(!sr25519_verify(&[0u8; 64], b"x", &alice.public()));
        assert!(!ed25519_verify(&sig, b"transfer 1 TAO", &alice.public()));
    }

    #[test]
    fn ed25519_signatures_verify() {
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
        let public = AccountId32(key.verifying_key().to_bytes());
        let sig = key.sign(b"hello").to_bytes();
        assert!(ed25519_verify(&sig, b"hello", &public));
        assert!(!ed25519_verify(&sig, b"hellp", &public));
    }

    #[test]
    fn bad_uris_get_clear_errors() {
        assert!(matches!(
            Sr25519Pair::from_uri("not a real phrase at all//Alice"),
            Err(SecretUriError::InvalidPhrase(_))
        ));
        assert_eq!(
            Sr25519Pair::from_uri("0x1234").unwrap_err(),
            SecretUriError::InvalidSeed
        );
        let seed = format!("0x{}", "11".repeat(32));
        assert!(Sr25519Pair::from_uri(&format!("{seed}//Alice")).is_ok());
    }

    #[test]
    fn raw_secrets_and_seeds_match_bittensor_wallet() {
        // privateKey and secretSeed as bittensor-wallet 4.1.0 writes them (its keyfile JSON).
        let alice = Sr25519Pair::from_uri("//Alice").unwrap();
        assert_eq!(
            hex::encode(*alice.secret_bytes()),
            "33a6f3093f158a7109f679410bef1a0c54168145e0cecb4df006c1c2fffb1f09\
             925a225d97aa00682d6a59b95b18780c10d7032336e88f3442b42361f4a66011"
        );
        let seed = mini_secret_from_phrase(DEV_PHRASE, "").unwrap();
        assert_eq!(
            hex::encode(*seed),
            "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
        );
        let root = Sr25519Pair::from_phrase(DEV_PHRASE, None).unwrap();
        assert_eq!(
            hex::encode(*root.secret_bytes()),
            "05d65584630d16cd4af6d0bec10f34bb504a5dcb62dba2122d49f5a663763d0a\
             fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34"
        );
        assert_eq!(
            Sr25519Pair::from_seed(&seed).unwrap().public(),
            root.public()
        );
        // The raw secret reads back to the same pair, and signs as it.
        let back = Sr25519Pair::from_secret_bytes(&alice.secret_bytes()).unwrap();
        assert_eq!(back.public(), alice.public());
        assert!(sr25519_verify(&back.sign(b"m"), b"m", &alice.public()));
        // A non-canonical scalar is refused, not accepted as some other key.
        assert_eq!(
            Sr25519Pair::from_secret_bytes(&[0xff; 64]).unwrap_err(),
            SecretUriError::InvalidSecretKey
        );
        // A phrase with a BIP-39 password is another key, the same as the URI's `///password`.
        let with_password = Sr25519Pair::from_phrase(DEV_PHRASE, Some("pw")).unwrap();
        assert_ne!(with_password.public(), root.public());
        assert_eq!(
            with_password.public(),
            Sr25519Pair::from_uri(&format!("{DEV_PHRASE}///pw"))
                .unwrap()
                .public()
        );
        assert!(Sr25519Pair::from_phrase("", None).is_err());
    }

    #[test]
    fn junction_names_encode_like_substrate() {
        // A number is a u64; a string is SCALE (compact length, bytes).
        assert_eq!(&chain_code("1")[..8], &1u64.to_le_bytes());
        assert_eq!(
            &chain_code("Alice")[..6],
            &[20, b'A', b'l', b'i', b'c', b'e']
        );
        let long = "x".repeat(40);
        assert_eq!(chain_code(&long), blake2_256(&long.encode()));
    }
}
