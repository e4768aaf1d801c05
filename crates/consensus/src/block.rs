//! The block consensus agrees on: a parent, a height, the proposer's timestamp and an opaque
//! body the application defines (for Cortex: the extrinsics and the header they produce).
//!
//! Consensus votes on the block's digest, SHA-256 over all four, so a digest commits to the
//! whole content: two proposals at the same height with different bodies have different
//! digests, and the body a validator receives is checked against the digest it voted for.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error as CodecError, FixedSize, Read, ReadExt, Write};
use commonware_consensus::Heightable;
use commonware_consensus::types::Height;
use commonware_cryptography::sha256::Digest;
use commonware_cryptography::{Digestible, Hasher, Sha256};

/// The largest body a block may carry (bounds decoding of what peers send).
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// A block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The parent's digest.
    pub parent: Digest,
    /// Its height (genesis is 0).
    pub height: u64,
    /// The proposer's clock, milliseconds since the Unix epoch; strictly above the parent's.
    pub timestamp_ms: u64,
    /// What the application put in it.
    pub body: Vec<u8>,
}

impl Block {
    /// The genesis block of a chain identified by `chain_id` (e.g. the genesis state's hash):
    /// chains with different genesis states never share a block.
    pub fn genesis(chain_id: &[u8]) -> Block {
        Block {
            parent: Sha256::hash(&[b"cortex-genesis", chain_id]),
            height: 0,
            timestamp_ms: 0,
            body: chain_id.to_vec(),
        }
    }
}

impl Block {
    /// The block's digest (what consensus votes on): the same as [`Digestible::digest`], for
    /// callers that do not import commonware's traits.
    pub fn digest(&self) -> Digest {
        <Self as Digestible>::digest(self)
    }
}

impl Write for Block {
    fn write(&self, buf: &mut impl BufMut) {
        self.parent.write(buf);
        self.height.write(buf);
        self.timestamp_ms.write(buf);
        // Length-prefixed: u32 is enough under MAX_BODY_BYTES.
        u32::try_from(self.body.len())
            .unwrap_or(u32::MAX)
            .write(buf);
        buf.put_slice(&self.body);
    }
}

impl Read for Block {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let parent = Digest::read(buf)?;
        let height = u64::read(buf)?;
        let timestamp_ms = u64::read(buf)?;
        let len = usize::try_from(u32::read(buf)?)
            .map_err(|_| CodecError::Invalid("Block", "body length"))?;
        if len > MAX_BODY_BYTES {
            return Err(CodecError::Invalid("Block", "body too large"));
        }
        if buf.remaining() < len {
            return Err(CodecError::EndOfBuffer);
        }
        let mut body = vec![0u8; len];
        buf.copy_to_slice(&mut body);
        Ok(Block {
            parent,
            height,
            timestamp_ms,
            body,
        })
    }
}

impl EncodeSize for Block {
    fn encode_size(&self) -> usize {
        Digest::SIZE + u64::SIZE + u64::SIZE + u32::SIZE + self.body.len()
    }
}

impl Digestible for Block {
    type Digest = Digest;
    fn digest(&self) -> Digest {
        let body = Sha256::hash(&[&self.body]);
        Sha256::hash(&[
            self.parent.as_ref(),
            &self.height.to_be_bytes(),
            &self.timestamp_ms.to_be_bytes(),
            body.as_ref(),
        ])
    }
}

impl Heightable for Block {
    fn height(&self) -> Height {
        Height::new(self.height)
    }
}

impl commonware_consensus::Block for Block {
    fn parent(&self) -> Digest {
        self.parent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{DecodeExt, Encode};

    #[test]
    fn blocks_round_trip_and_digests_cover_every_field() {
        let g = Block::genesis(b"chain");
        let b = Block {
            parent: g.digest(),
            height: 1,
            timestamp_ms: 5,
            body: vec![1, 2, 3],
        };
        let bytes = b.encode();
        assert_eq!(bytes.len(), b.encode_size());
        assert_eq!(Block::decode(bytes).unwrap(), b);
        let mut other = b.clone();
        other.body = vec![1, 2, 4];
        assert_ne!(other.digest(), b.digest());
        other = b.clone();
        other.timestamp_ms = 6;
        assert_ne!(other.digest(), b.digest());
        assert_ne!(Block::genesis(b"other").digest(), g.digest());
    }

    #[test]
    fn truncated_or_oversized_bodies_are_refused() {
        let b = Block {
            parent: Block::genesis(b"c").digest(),
            height: 1,
            timestamp_ms: 1,
            body: vec![7; 10],
        };
        let bytes = b.encode();
        assert!(Block::decode(bytes.slice(..bytes.len() - 1)).is_err());
        let mut huge = Vec::new();
        b.parent.write(&mut huge);
        1u64.write(&mut huge);
        1u64.write(&mut huge);
        u32::MAX.write(&mut huge);
        assert!(Block::decode(bytes::Bytes::from(huge)).is_err());
    }
}
