//! Hashes of the Substrate wire format, and storage-key hashers.
//!
//! A storage key is `twox128(pallet) ++ twox128(item) ++ hasher(SCALE(key part))…`, with the
//! hasher each storage item declares: `Identity` (the bytes themselves), `Twox64Concat`
//! (xxHash64 with seed 0, 8 bytes little-endian, then the bytes) or `Blake2_128Concat`
//! (BLAKE2b-128, then the bytes). The "concat" hashers keep the key recoverable from the storage
//! key, which is what lets clients iterate a map by prefix.

/// BLAKE2b-256.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(data)
}

/// BLAKE2b-128.
pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    sp_crypto_hashing::blake2_128(data)
}

/// BLAKE2b-64 (an 8-byte BLAKE2b digest, not a truncation): how runtime-API names are
/// identified in `state_getRuntimeVersion`.
pub fn blake2_64(data: &[u8]) -> [u8; 8] {
    sp_crypto_hashing::blake2_64(data)
}

/// BLAKE2b-512.
pub fn blake2_512(data: &[u8]) -> [u8; 64] {
    sp_crypto_hashing::blake2_512(data)
}

/// xxHash64 with seed 0, little-endian.
pub fn twox_64(data: &[u8]) -> [u8; 8] {
    sp_crypto_hashing::twox_64(data)
}

/// Two xxHash64 (seeds 0 and 1), little-endian: Substrate's `twox_128`.
pub fn twox_128(data: &[u8]) -> [u8; 16] {
    sp_crypto_hashing::twox_128(data)
}

/// How a storage item hashes each part of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageHasher {
    /// The encoded key itself (only for keys callers cannot choose freely, like netuids).
    Identity,
    /// `twox_64(key) ++ key`.
    Twox64Concat,
    /// `blake2_128(key) ++ key`.
    Blake2_128Concat,
}

impl StorageHasher {
    /// Appends the hashed form of an encoded key part to `out`.
    pub fn hash_into(self, encoded: &[u8], out: &mut Vec<u8>) {
        match self {
            StorageHasher::Identity => {}
            StorageHasher::Twox64Concat => out.extend_from_slice(&twox_64(encoded)),
            StorageHasher::Blake2_128Concat => out.extend_from_slice(&blake2_128(encoded)),
        }
        out.extend_from_slice(encoded);
    }

    /// Bytes the hasher puts before the encoded key part.
    pub fn prefix_len(self) -> usize {
        match self {
            StorageHasher::Identity => 0,
            StorageHasher::Twox64Concat => 8,
            StorageHasher::Blake2_128Concat => 16,
        }
    }
}

/// `twox_128(pallet) ++ twox_128(item)`: the 32-byte prefix of every key of a storage item.
pub fn storage_prefix(pallet: &str, item: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let (head, tail) = out.split_at_mut(16);
    head.copy_from_slice(&twox_128(pallet.as_bytes()));
    tail.copy_from_slice(&twox_128(item.as_bytes()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_account_prefix_is_substrates() {
        assert_eq!(
            hex::encode(storage_prefix("System", "Account")),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        );
    }

    #[test]
    fn concat_hashers_keep_the_key() {
        let key = 7u16.to_le_bytes();
        let mut out = Vec::new();
        StorageHasher::Twox64Concat.hash_into(&key, &mut out);
        assert_eq!(out.len(), 8 + 2);
        assert_eq!(&out[8..], &key);
        assert_eq!(&out[..8], &twox_64(&key));
        let mut out = Vec::new();
        StorageHasher::Blake2_128Concat.hash_into(&key, &mut out);
        assert_eq!(out.len(), 16 + 2);
        assert_eq!(&out[16..], &key);
        let mut out = Vec::new();
        StorageHasher::Identity.hash_into(&key, &mut out);
        assert_eq!(out, key);
        assert_eq!(StorageHasher::Blake2_128Concat.prefix_len(), 16);
    }

    #[test]
    fn known_digests() {
        // BLAKE2b-256 of the empty string.
        assert_eq!(
            hex::encode(blake2_256(b"")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
        assert_eq!(
            hex::encode(twox_128(b"Sudo")),
            "5c0d1176a568c1f92944340dbfed9e9c"
        );
    }
}
