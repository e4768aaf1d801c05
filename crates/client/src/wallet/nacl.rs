//! bittensor-wallet's `$NACL` keyfile encryption (wire.md §6).
//!
//! An encrypted keyfile is `b"$NACL"`, a random 24-byte nonce, then the keyfile JSON sealed with
//! NaCl's `crypto_secretbox` (XSalsa20-Poly1305, the 16-byte tag before the ciphertext). The
//! 32-byte key is libsodium's `crypto_pwhash` with `ALG_ARGON2I13` at the `SENSITIVE` limits:
//! Argon2i version 0x13, 8 passes, 512 MiB, one lane, over the password and a fixed salt. The
//! salt being fixed is bittensor's choice; keeping it is what lets both programs open each
//! other's files.

use argon2::{Algorithm, Argon2, Params, Version};
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// The first bytes of every `$NACL` keyfile.
pub(crate) const NACL_PREFIX: &[u8] = b"$NACL";

/// The fixed Argon2 salt of bittensor's keyfiles.
const SALT: [u8; 16] = [
    0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
];

/// libsodium's `crypto_pwhash_OPSLIMIT_SENSITIVE`: Argon2's passes.
const OPSLIMIT_SENSITIVE: u32 = 8;

/// libsodium's `crypto_pwhash_MEMLIMIT_SENSITIVE` (512 MiB), in Argon2's KiB blocks.
const MEMLIMIT_SENSITIVE_KIB: u32 = 512 * 1024;

/// XSalsa20's nonce length.
const NONCE_LEN: usize = 24;

/// Poly1305's tag length: the smallest sealed box holds just the tag.
const TAG_LEN: usize = 16;

/// Why a `$NACL` body could not be opened or sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NaclError {
    /// The tag does not verify: the password is wrong (or the file was altered).
    WrongPassword,
    /// Too short to hold a nonce and a tag, or not `$NACL` at all.
    Malformed(&'static str),
    /// Argon2 refused its parameters or could not run (e.g. out of memory).
    Kdf(String),
    /// The operating system's random source failed.
    Random(String),
}

/// Whether `data` is a `$NACL` keyfile.
pub(crate) fn is_nacl(data: &[u8]) -> bool {
    data.starts_with(NACL_PREFIX)
}

/// The secretbox key of `password`, as libsodium's `crypto_pwhash` (argon2i13, SENSITIVE).
fn derive_key(password: &[u8]) -> Result<Zeroizing<[u8; 32]>, NaclError> {
    let params = Params::new(MEMLIMIT_SENSITIVE_KIB, OPSLIMIT_SENSITIVE, 1, Some(32))
        .map_err(|e| NaclError::Kdf(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, &SALT, key.as_mut())
        .map_err(|e| NaclError::Kdf(e.to_string()))?;
    Ok(key)
}

/// Seals `plaintext` (the keyfile JSON) under `password`: `$NACL` ++ nonce ++ secretbox.
pub(crate) fn encrypt(plaintext: &[u8], password: &[u8]) -> Result<Vec<u8>, NaclError> {
    let key = derive_key(password)?;
    let mut nonce = [0u8; NONCE_LEN];
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|e| NaclError::Random(e.to_string()))?;
    let cipher = XSalsa20Poly1305::new(Key::from_slice(key.as_ref()));
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plaintext)
        .map_err(|_| NaclError::Malformed("the keyfile is too large to seal"))?;
    let mut out = Vec::with_capacity(NACL_PREFIX.len() + NONCE_LEN + sealed.len());
    out.extend_from_slice(NACL_PREFIX);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a `$NACL` keyfile with `password`; the plaintext is wiped when dropped.
pub(crate) fn decrypt(data: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, NaclError> {
    let body = data
        .strip_prefix(NACL_PREFIX)
        .ok_or(NaclError::Malformed("it does not start with $NACL"))?;
    if body.len() < NONCE_LEN + TAG_LEN {
        return Err(NaclError::Malformed(
            "it is too short to hold a nonce and an authentication tag",
        ));
    }
    let (nonce, sealed) = body.split_at(NONCE_LEN);
    let key = derive_key(password)?;
    let cipher = XSalsa20Poly1305::new(Key::from_slice(key.as_ref()));
    cipher
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map(Zeroizing::new)
        .map_err(|_| NaclError::WrongPassword)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each call below runs the full 512 MiB Argon2i: one seal and two opens in total (the
    // wallet's tests check a wrong password).
    #[test]
    fn sealed_keyfiles_open_with_their_password_only() {
        let sealed = encrypt(b"{\"a\":1}", b"correct horse").unwrap();
        assert!(is_nacl(&sealed));
        assert_eq!(sealed.len(), 5 + 24 + 16 + 7);
        assert_eq!(
            decrypt(&sealed, b"correct horse").unwrap().as_slice(),
            b"{\"a\":1}"
        );
        // A flipped ciphertext bit fails the tag like a wrong password.
        let mut bent = sealed.clone();
        if let Some(last) = bent.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            decrypt(&bent, b"correct horse").unwrap_err(),
            NaclError::WrongPassword
        );
    }

    #[test]
    fn malformed_bodies_are_refused_before_the_kdf() {
        assert!(matches!(
            decrypt(b"$NACL0123", b"pw"),
            Err(NaclError::Malformed(_))
        ));
        assert!(matches!(
            decrypt(b"{\"json\":true}", b"pw"),
            Err(NaclError::Malformed(_))
        ));
        assert!(!is_nacl(b"{}"));
    }
}
