//! The author's side of the MEV shield (`spec/wire.md` §8.3): the node's ML-KEM-768 key pair,
//! drawn from the OS at start, whose encapsulation key the author publishes in
//! `MevShield.NextKey` (through the runtime's key inherent), and the decryption of carriers.
//!
//! A carrier's ciphertext is `key_hash[16] | kem_len: u16 LE | kem_ct | nonce[24] | aead_ct`:
//! `key_hash` is twox128 of the encapsulation key it was made for, `kem_ct` encapsulates a
//! 32-byte shared secret, and `aead_ct` is the signed inner extrinsic under XChaCha20-Poly1305
//! with that secret as the key and no associated data. [`encrypt`] builds exactly what btcli's
//! `encrypt_mlkem768(key, extrinsic, include_key_hash=True)` builds (tests and tools use it);
//! [`ShieldKeys::decrypt`] undoes it, refusing a ciphertext made for another key before any
//! decapsulation.
//!
//! The key pair lives only in memory: a restarted node has a new key, announces it, and
//! carriers encrypted to the old one fail with `DecryptionFailed` (stale key).

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use cortex_runtime::CheckContext;
use cortex_runtime::types::{SHIELD_ENC_KEY_LEN, ShieldedCiphertext, shield_key_hash};
use cortex_store::Store;
use ml_kem::kem::{Decapsulate, Encapsulate};
use ml_kem::{EncodedSizeUser, KemCore, MlKem768};
use rand_core::{OsRng, RngCore};

type DecapsulationKey = <MlKem768 as KemCore>::DecapsulationKey;
type EncapsulationKey = <MlKem768 as KemCore>::EncapsulationKey;

/// Why a carrier could not be decrypted; the text is the reason `DecryptionFailed` carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// The header (key hash, KEM length, KEM ciphertext, nonce) is cut short.
    #[error("malformed ciphertext: the header is truncated")]
    Malformed,
    /// The key hash names a key this author does not hold (stale or unknown).
    #[error("the ciphertext is for an unknown or stale key; encrypt to MevShield.NextKey")]
    UnknownKey,
    /// The KEM ciphertext is not 1088 bytes.
    #[error("the ML-KEM-768 ciphertext has the wrong length")]
    BadKemCiphertext,
    /// The AEAD part does not authenticate (truncated, altered, or another secret).
    #[error("XChaCha20-Poly1305 decryption failed: the payload is truncated or altered")]
    Aead,
}

/// Why [`encrypt`] could not encrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncryptError {
    /// The key is not a 1184-byte ML-KEM-768 encapsulation key.
    #[error("not an ML-KEM-768 encapsulation key (expected 1184 bytes)")]
    BadKey,
    /// The cipher refused (never for keys of the right length).
    #[error("encryption failed")]
    Cipher,
}

/// The author's ML-KEM-768 key pair.
pub struct ShieldKeys {
    decapsulation: DecapsulationKey,
    encapsulation: Vec<u8>,
    key_hash: [u8; 16],
}

impl std::fmt::Debug for ShieldKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the decapsulation key.
        f.debug_struct("ShieldKeys")
            .field("key_hash", &crate::header::hex0x(&self.key_hash))
            .finish()
    }
}

impl ShieldKeys {
    /// A fresh key pair from the OS's random source.
    pub fn generate() -> ShieldKeys {
        let (decapsulation, encapsulation) = MlKem768::generate(&mut OsRng);
        let encapsulation = encapsulation.as_bytes().to_vec();
        let key_hash = shield_key_hash(&encapsulation);
        ShieldKeys {
            decapsulation,
            encapsulation,
            key_hash,
        }
    }

    /// The encapsulation key (1184 bytes), what `MevShield.NextKey` publishes.
    pub fn encapsulation_key(&self) -> &[u8] {
        &self.encapsulation
    }

    /// Decrypts a carrier's ciphertext into the inner extrinsic's bytes.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let parts = ShieldedCiphertext::parse(ciphertext).ok_or(DecryptError::Malformed)?;
        if parts.key_hash != self.key_hash {
            return Err(DecryptError::UnknownKey);
        }
        let kem_ct = ml_kem::Ciphertext::<MlKem768>::try_from(parts.kem_ct)
            .map_err(|_| DecryptError::BadKemCiphertext)?;
        // ML-KEM rejects implicitly: a wrong ciphertext yields a wrong secret, which the AEAD
        // tag then refuses.
        let secret = self
            .decapsulation
            .decapsulate(&kem_ct)
            .map_err(|()| DecryptError::BadKemCiphertext)?;
        let aead = XChaCha20Poly1305::new_from_slice(secret.as_slice())
            .map_err(|_| DecryptError::BadKemCiphertext)?;
        aead.decrypt(XNonce::from_slice(&parts.nonce), parts.aead_ct)
            .map_err(|_| DecryptError::Aead)
    }
}

/// Encrypts `plaintext` to the ML-KEM-768 encapsulation key `enc_key`, with the key hash in
/// front, as btcli does for a shielded transaction.
pub fn encrypt(enc_key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, EncryptError> {
    if enc_key.len() != SHIELD_ENC_KEY_LEN {
        return Err(EncryptError::BadKey);
    }
    let encoded =
        ml_kem::Encoded::<EncapsulationKey>::try_from(enc_key).map_err(|_| EncryptError::BadKey)?;
    let ek = EncapsulationKey::from_bytes(&encoded);
    let (kem_ct, secret) = ek
        .encapsulate(&mut OsRng)
        .map_err(|()| EncryptError::Cipher)?;
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let aead =
        XChaCha20Poly1305::new_from_slice(secret.as_slice()).map_err(|_| EncryptError::Cipher)?;
    let sealed = aead
        .encrypt(XNonce::from_slice(&nonce), plaintext)
        .map_err(|_| EncryptError::Cipher)?;
    let kem_len = u16::try_from(kem_ct.len()).map_err(|_| EncryptError::Cipher)?;
    let mut out = Vec::with_capacity(16 + 2 + kem_ct.len() + 24 + sealed.len());
    out.extend_from_slice(&shield_key_hash(enc_key));
    out.extend_from_slice(&kem_len.to_le_bytes());
    out.extend_from_slice(&kem_ct);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The chain as the author checks a decrypted extrinsic's signature: the block after `head`,
/// with birth-block hashes from the database (as the RPC's check does for submissions).
pub(crate) struct ChainCheckContext<'a> {
    pub(crate) store: &'a Store,
    pub(crate) genesis_hash: [u8; 32],
    pub(crate) head: u32,
}

impl CheckContext for ChainCheckContext<'_> {
    fn current_block(&self) -> u64 {
        u64::from(self.head).saturating_add(1)
    }

    fn genesis_hash(&self) -> [u8; 32] {
        self.genesis_hash
    }

    fn block_hash(&self, number: u64) -> Option<[u8; 32]> {
        let number = u32::try_from(number).ok()?;
        if number > self.head
            || self.head.saturating_add(1).saturating_sub(number) > cortex_runtime::BLOCK_HASH_COUNT
        {
            return None;
        }
        crate::check::read_header(self.store, number)
            .ok()
            .flatten()
            .map(|(_, hash)| hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypt_then_decrypt_round_trips_with_the_layout_btcli_builds() {
        let keys = ShieldKeys::generate();
        let key = keys.encapsulation_key();
        assert_eq!(key.len(), 1184);
        let msg = b"a signed extrinsic".to_vec();
        let ct = encrypt(key, &msg).unwrap();
        // key hash, kem_len = 1088 LE, kem_ct, nonce, payload + 16-byte tag
        assert_eq!(&ct[..16], &shield_key_hash(key));
        assert_eq!(&ct[16..18], &1088u16.to_le_bytes());
        assert_eq!(ct.len(), 16 + 2 + 1088 + 24 + msg.len() + 16);
        assert_eq!(keys.decrypt(&ct).unwrap(), msg);
    }

    #[test]
    fn another_key_a_cut_or_an_altered_ciphertext_fail_to_decrypt() {
        let keys = ShieldKeys::generate();
        let other = ShieldKeys::generate();
        let msg = vec![5u8; 100];
        let ct = encrypt(other.encapsulation_key(), &msg).unwrap();
        assert_eq!(keys.decrypt(&ct), Err(DecryptError::UnknownKey));
        let ct = encrypt(keys.encapsulation_key(), &msg).unwrap();
        assert_eq!(keys.decrypt(&ct[..ct.len() - 1]), Err(DecryptError::Aead));
        assert_eq!(keys.decrypt(&ct[..1000]), Err(DecryptError::Malformed));
        let mut altered = ct.clone();
        altered[500] ^= 1;
        assert_eq!(keys.decrypt(&altered), Err(DecryptError::Aead));
        // Same key hash, but a KEM ciphertext of the wrong length.
        let mut short = ct[..16].to_vec();
        short.extend_from_slice(&4u16.to_le_bytes());
        short.extend_from_slice(&[0; 4 + 24 + 32]);
        assert_eq!(keys.decrypt(&short), Err(DecryptError::BadKemCiphertext));
        assert_eq!(encrypt(&[0; 32], &msg), Err(EncryptError::BadKey));
    }
}
