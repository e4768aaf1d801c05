//! Block headers in Substrate's layout (`parent_hash`, compact `number`, `state_root`,
//! `extrinsics_root`, `digest`), hashed with blake2-256, and their JSON form for the RPC.
//!
//! Clients never recompute hashes, but they decode headers from `chain_getHeader` and the head
//! subscriptions, and subxt decodes SCALE headers of this shape, so the layout is Substrate's.

use codec::{Compact, Decode, Encode};
use cortex_primitives::hashing::blake2_256;
use serde_json::{Value, json};

/// A block header.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Header {
    /// The parent block's hash (zero for genesis).
    pub parent_hash: [u8; 32],
    /// The block number.
    pub number: Compact<u32>,
    /// Root of the state after the block.
    pub state_root: [u8; 32],
    /// Root of the block's extrinsics.
    pub extrinsics_root: [u8; 32],
    /// Digest items (`DigestItem`): the dev chain writes none, a BFT chain its consensus link.
    pub digest: Vec<DigestItem>,
}

/// `sp_runtime::generic::digest::DigestItem` (the runtime's type, in its metadata).
pub use cortex_runtime::types::DigestItem;

impl Header {
    /// The block number.
    pub fn number(&self) -> u32 {
        self.number.0
    }

    /// The block hash: blake2-256 of the SCALE header.
    pub fn hash(&self) -> [u8; 32] {
        blake2_256(&self.encode())
    }

    /// The JSON the RPC returns: hex fields, the number as a hex string.
    pub fn to_json(&self) -> Value {
        json!({
            "parentHash": hex0x(&self.parent_hash),
            "number": format!("0x{:x}", self.number.0),
            "stateRoot": hex0x(&self.state_root),
            "extrinsicsRoot": hex0x(&self.extrinsics_root),
            "digest": { "logs": self.digest.iter().map(|d| hex0x(&d.encode())).collect::<Vec<_>>() },
        })
    }
}

/// The extrinsics root: blake2-256 over the SCALE list of extrinsics (Substrate roots an
/// ordered trie instead; see docs/deviations.md).
pub fn extrinsics_root(extrinsics: &[Vec<u8>]) -> [u8; 32] {
    blake2_256(&extrinsics.encode())
}

/// Lowercase `0x` hex.
pub fn hex0x(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().saturating_mul(2).saturating_add(2));
    s.push_str("0x");
    s.push_str(&hex::encode(bytes));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_and_hash_their_encoding() {
        let h = Header {
            parent_hash: [1; 32],
            number: Compact(300),
            state_root: [2; 32],
            extrinsics_root: [3; 32],
            digest: vec![],
        };
        let bytes = h.encode();
        // 32 + compact(300) = 2 bytes + 32 + 32 + empty vec.
        assert_eq!(bytes.len(), 32 + 2 + 32 + 32 + 1);
        assert_eq!(Header::decode(&mut &bytes[..]).unwrap(), h);
        assert_eq!(h.hash(), blake2_256(&bytes));
        let j = h.to_json();
        assert_eq!(j["number"], "0x12c");
        assert_eq!(j["digest"]["logs"], json!([]));
    }
}
