//! Extrinsic format v4, as subtensor's clients build it (`spec/wire.md` §4): the wire layout,
//! mortal eras, subtensor's signed-extension data and the exact bytes a signer signs.
//!
//! A signed extrinsic is `Compact(len) ++ 0x84 ++ MultiAddress ++ MultiSignature ++ extra ++
//! call`, where `extra` is what the 13 signed extensions put in the body (only `CheckMortality`,
//! `CheckNonce`, `ChargeTransactionPayment` and `CheckMetadataHash` have bytes). The signed
//! payload appends the "additional signed" data the chain supplies: spec and transaction
//! versions, the genesis hash, the era's birth-block hash and the metadata hash (`None`). A
//! payload longer than 256 bytes is signed through its blake2-256 hash.
//!
//! Decoding never panics and refuses anything not exactly one extrinsic; the checks that need
//! the chain (hashes, nonces, balances) are the node's, with [`CheckContext`] giving it the
//! one place where signature and era are verified.

use crate::call::{CallDecodeError, RuntimeCall};
use crate::executive::InvalidTransaction;
use crate::support::MultiAddress;
use codec::{Compact, Decode, Encode};
use cortex_primitives::hashing::blake2_256;
use cortex_primitives::{AccountId32, Sr25519Pair, ed25519_verify, sr25519_verify};

/// The version byte of a signed v4 extrinsic (bit 7 set).
pub const SIGNED_V4: u8 = 0x84;
/// The version byte of a bare (unsigned) v4 extrinsic, e.g. the timestamp inherent.
pub const BARE_V4: u8 = 0x04;
/// Payloads longer than this are signed through their blake2-256 hash.
pub const MAX_RAW_PAYLOAD: usize = 256;
/// Largest extrinsic accepted, in bytes (Substrate's 5 MiB block-length limit, Normal class).
pub const MAX_EXTRINSIC_LEN: usize = 3_932_160;

/// A transaction's lifetime: immortal, or valid for `period` blocks from its birth block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    /// Valid forever (signed against the genesis hash).
    Immortal,
    /// Valid from the birth block (`phase` mod `period`) for `period` blocks.
    Mortal {
        /// A power of two in `4..=65536`.
        period: u64,
        /// The birth block's position in the period.
        phase: u64,
    },
}

impl Era {
    /// The era a client builds for `period` blocks from block `current`: the period rounded
    /// up to a power of two in `4..=65536`, the phase quantized as Substrate does.
    pub fn mortal(period: u64, current: u64) -> Era {
        let period = period
            .checked_next_power_of_two()
            .unwrap_or(1 << 16)
            .clamp(4, 1 << 16);
        let phase = current.checked_rem(period).unwrap_or(0);
        let quantize = (period >> 12).max(1);
        let phase = phase
            .checked_div(quantize)
            .unwrap_or(0)
            .saturating_mul(quantize);
        Era::Mortal { period, phase }
    }

    /// The first block the transaction is valid in, for a chain at block `current`.
    pub fn birth(self, current: u64) -> u64 {
        match self {
            Era::Immortal => 0,
            Era::Mortal { period, phase } => current
                .max(phase)
                .saturating_sub(phase)
                .checked_div(period)
                .unwrap_or(0)
                .saturating_mul(period)
                .saturating_add(phase),
        }
    }

    /// The first block the transaction is no longer valid in.
    pub fn death(self, current: u64) -> u64 {
        match self {
            Era::Immortal => u64::MAX,
            Era::Mortal { period, .. } => self.birth(current).saturating_add(period),
        }
    }

    /// The period, or `None` when immortal.
    pub fn period(self) -> Option<u64> {
        match self {
            Era::Immortal => None,
            Era::Mortal { period, .. } => Some(period),
        }
    }
}

impl Encode for Era {
    fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
        match *self {
            Era::Immortal => dest.push_byte(0),
            Era::Mortal { period, phase } => {
                let quantize = (period >> 12).max(1);
                let low = u64::from(period.trailing_zeros())
                    .saturating_sub(1)
                    .clamp(1, 15);
                let high = phase.checked_div(quantize).unwrap_or(0) << 4;
                let encoded = u16::try_from(low | high).unwrap_or(u16::MAX);
                dest.write(&encoded.to_le_bytes());
            }
        }
    }
}

impl Decode for Era {
    fn decode<I: codec::Input>(input: &mut I) -> Result<Era, codec::Error> {
        let first = input.read_byte()?;
        if first == 0 {
            return Ok(Era::Immortal);
        }
        let encoded = u64::from(first) | (u64::from(input.read_byte()?) << 8);
        let period = 2u64 << (encoded % 16);
        let quantize = (period >> 12).max(1);
        let phase = (encoded >> 4).saturating_mul(quantize);
        if period >= 4 && phase < period {
            Ok(Era::Mortal { period, phase })
        } else {
            Err("invalid mortal era: phase outside its period".into())
        }
    }
}

/// `sp_runtime::MultiSignature`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum MultiSignature {
    /// An ed25519 signature.
    #[codec(index = 0)]
    Ed25519([u8; 64]),
    /// An sr25519 signature (schnorrkel, context `substrate`): what the clients send.
    #[codec(index = 1)]
    Sr25519([u8; 64]),
    /// An ECDSA signature (accepted on the wire, never valid here: see docs/deviations.md).
    #[codec(index = 2)]
    Ecdsa([u8; 65]),
}

/// The bytes the signed extensions put into the extrinsic body, in metadata order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedExtra {
    /// `CheckMortality`.
    pub era: Era,
    /// `CheckNonce`.
    #[codec(compact)]
    pub nonce: u32,
    /// `ChargeTransactionPayment`.
    #[codec(compact)]
    pub tip: u64,
    /// `CheckMetadataHash` mode: 0 disabled (what clients send), 1 enabled.
    pub metadata_hash_mode: u8,
}

/// The "additional signed" data the chain supplies to the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdditionalSigned {
    /// `CheckSpecVersion`.
    pub spec_version: u32,
    /// `CheckTxVersion`.
    pub transaction_version: u32,
    /// `CheckGenesis`.
    pub genesis_hash: [u8; 32],
    /// `CheckMortality`: the hash of the era's birth block (the genesis hash when immortal).
    pub birth_hash: [u8; 32],
}

impl SignedExtra {
    /// What bittensor's clients send: the era and nonce, no tip, the metadata hash disabled.
    pub fn new(era: Era, nonce: u32) -> SignedExtra {
        SignedExtra {
            era,
            nonce,
            tip: 0,
            metadata_hash_mode: 0,
        }
    }
}

impl AdditionalSigned {
    /// This runtime's versions and a chain's genesis hash; `birth_hash` is used for a mortal
    /// era, the genesis hash for an immortal one.
    pub fn new(era: Era, genesis_hash: [u8; 32], birth_hash: [u8; 32]) -> AdditionalSigned {
        AdditionalSigned {
            spec_version: crate::version::SPEC_VERSION,
            transaction_version: crate::version::TRANSACTION_VERSION,
            genesis_hash,
            birth_hash: match era {
                Era::Immortal => genesis_hash,
                Era::Mortal { .. } => birth_hash,
            },
        }
    }
}

/// The signer part of a signed extrinsic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Who signed.
    pub address: MultiAddress,
    /// The signature over the payload.
    pub signature: MultiSignature,
    /// The extensions' data.
    pub extra: SignedExtra,
}

/// A decoded extrinsic: a bare call (inherent) or a signed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncheckedExtrinsic {
    /// `None` for a bare extrinsic.
    pub signature: Option<Signature>,
    /// The call.
    pub call: RuntimeCall,
    /// The call's bytes as received (what was signed).
    pub call_bytes: Vec<u8>,
}

/// Why bytes are not an extrinsic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtrinsicDecodeError {
    /// The length prefix is missing or does not match the bytes.
    #[error(
        "the extrinsic's length prefix says {declared} bytes but {actual} follow; send the whole SCALE-encoded extrinsic, length prefix included"
    )]
    Length {
        /// What the prefix says.
        declared: usize,
        /// What follows it.
        actual: usize,
    },
    /// Larger than the chain accepts.
    #[error("the extrinsic is {0} bytes, over the {MAX_EXTRINSIC_LEN}-byte limit")]
    TooLarge(usize),
    /// Not format v4.
    #[error(
        "unsupported extrinsic version byte {0:#04x}: only format v4 (0x84 signed, 0x04 bare) is supported"
    )]
    Version(u8),
    /// The address, signature or extensions do not decode.
    #[error("malformed signature part: {0}")]
    Signature(String),
    /// The call does not decode.
    #[error(transparent)]
    Call(#[from] CallDecodeError),
}

impl UncheckedExtrinsic {
    /// Decodes one whole extrinsic, length prefix included.
    pub fn decode_bytes(bytes: &[u8]) -> Result<UncheckedExtrinsic, ExtrinsicDecodeError> {
        if bytes.len() > MAX_EXTRINSIC_LEN.saturating_add(5) {
            return Err(ExtrinsicDecodeError::TooLarge(bytes.len()));
        }
        let mut input = bytes;
        let declared = Compact::<u32>::decode(&mut input)
            .map_err(|_| ExtrinsicDecodeError::Length {
                declared: 0,
                actual: bytes.len(),
            })?
            .0 as usize;
        if declared != input.len() {
            return Err(ExtrinsicDecodeError::Length {
                declared,
                actual: input.len(),
            });
        }
        Self::decode_body(input)
    }

    /// Decodes an extrinsic body (without the length prefix).
    pub fn decode_body(body: &[u8]) -> Result<UncheckedExtrinsic, ExtrinsicDecodeError> {
        let mut input = body;
        let version = u8::decode(&mut input).map_err(|_| ExtrinsicDecodeError::Length {
            declared: 0,
            actual: 0,
        })?;
        let signature = match version {
            SIGNED_V4 => {
                let sig = |e: codec::Error| ExtrinsicDecodeError::Signature(e.to_string());
                let address = MultiAddress::decode(&mut input).map_err(sig)?;
                let signature = MultiSignature::decode(&mut input).map_err(sig)?;
                let extra = SignedExtra::decode(&mut input).map_err(sig)?;
                Some(Signature {
                    address,
                    signature,
                    extra,
                })
            }
            BARE_V4 => None,
            other => return Err(ExtrinsicDecodeError::Version(other)),
        };
        let call = RuntimeCall::decode_bytes(input)?;
        Ok(UncheckedExtrinsic {
            signature,
            call,
            call_bytes: input.to_vec(),
        })
    }

    /// A bare extrinsic (an inherent) carrying `call`.
    pub fn bare(call: RuntimeCall) -> UncheckedExtrinsic {
        let call_bytes = call.encode();
        UncheckedExtrinsic {
            signature: None,
            call,
            call_bytes,
        }
    }

    /// Signs `call` as a client does: sr25519 over the v4 payload.
    pub fn sign_sr25519(
        call: RuntimeCall,
        pair: &Sr25519Pair,
        extra: SignedExtra,
        additional: &AdditionalSigned,
    ) -> UncheckedExtrinsic {
        let call_bytes = call.encode();
        let payload = signing_payload(&call_bytes, &extra, additional);
        let signature = MultiSignature::Sr25519(pair.sign(&payload));
        UncheckedExtrinsic {
            signature: Some(Signature {
                address: MultiAddress::Id(pair.public()),
                signature,
                extra,
            }),
            call,
            call_bytes,
        }
    }

    /// The full encoding, length prefix included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(self.call_bytes.len().saturating_add(110));
        match &self.signature {
            Some(s) => {
                body.push(SIGNED_V4);
                s.address.encode_to(&mut body);
                s.signature.encode_to(&mut body);
                s.extra.encode_to(&mut body);
            }
            None => body.push(BARE_V4),
        }
        body.extend_from_slice(&self.call_bytes);
        let mut out = Compact(u32::try_from(body.len()).unwrap_or(u32::MAX)).encode();
        out.extend_from_slice(&body);
        out
    }
}

/// The extrinsic hash clients look for in blocks: blake2-256 of the whole encoding.
pub fn extrinsic_hash(bytes: &[u8]) -> [u8; 32] {
    blake2_256(bytes)
}

/// The bytes a signer signs: `call ++ extra ++ additional signed`, hashed when over 256 bytes.
pub fn signing_payload(
    call_bytes: &[u8],
    extra: &SignedExtra,
    additional: &AdditionalSigned,
) -> Vec<u8> {
    let mut payload = Vec::with_capacity(call_bytes.len().saturating_add(120));
    payload.extend_from_slice(call_bytes);
    extra.encode_to(&mut payload);
    additional.spec_version.encode_to(&mut payload);
    additional.transaction_version.encode_to(&mut payload);
    payload.extend_from_slice(&additional.genesis_hash);
    payload.extend_from_slice(&additional.birth_hash);
    // CheckMetadataHash's additional data: `None` while the mode is Disabled.
    payload.push(0);
    if payload.len() > MAX_RAW_PAYLOAD {
        blake2_256(&payload).to_vec()
    } else {
        payload
    }
}

/// Why an extrinsic cannot be checked against the chain: Substrate's
/// `TransactionValidityError`, either invalid or unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransactionValidityError {
    /// The transaction is invalid.
    #[error(transparent)]
    Invalid(#[from] InvalidTransaction),
    /// Validity cannot be decided (here: a metadata hash was asked for).
    #[error("could not lookup information required to validate the transaction")]
    CannotLookup,
}

/// What the chain supplies to check a signature: versions, genesis, the current block and the
/// hashes of recent blocks.
pub trait CheckContext {
    /// The number of the block the transaction would go into.
    fn current_block(&self) -> u64;
    /// The genesis hash.
    fn genesis_hash(&self) -> [u8; 32];
    /// The hash of block `number`, if it is recent enough to be a birth block.
    fn block_hash(&self, number: u64) -> Option<[u8; 32]>;
}

/// A signed extrinsic whose signature, era and versions check out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedSigned {
    /// The signer.
    pub who: AccountId32,
    /// Its nonce.
    pub nonce: u32,
    /// The tip.
    pub tip: u64,
    /// The last block the transaction is valid in plus one (`u64::MAX` when immortal).
    pub death: u64,
}

/// Checks the signature part of `xt` (decoded from `len` bytes) against the chain: metadata-hash
/// mode, era (birth block known, not expired) and the signature over the v4 payload. Returns
/// `None` for a bare extrinsic, which only the block author may include.
pub fn check_signature(
    xt: &UncheckedExtrinsic,
    ctx: &impl CheckContext,
) -> Result<Option<CheckedSigned>, TransactionValidityError> {
    let Some(sig) = &xt.signature else {
        return Ok(None);
    };
    let who = match sig.address {
        MultiAddress::Id(a) => a,
        MultiAddress::Address32(b) => AccountId32(b),
        _ => return Err(InvalidTransaction::BadSigner.into()),
    };
    if sig.extra.metadata_hash_mode != 0 {
        return Err(TransactionValidityError::CannotLookup);
    }
    let current = ctx.current_block();
    let era = sig.extra.era;
    let verify = |birth_hash: [u8; 32]| {
        let additional = AdditionalSigned {
            spec_version: crate::version::SPEC_VERSION,
            transaction_version: crate::version::TRANSACTION_VERSION,
            genesis_hash: ctx.genesis_hash(),
            birth_hash,
        };
        let payload = signing_payload(&xt.call_bytes, &sig.extra, &additional);
        match &sig.signature {
            MultiSignature::Sr25519(s) => sr25519_verify(s, &payload, &who),
            MultiSignature::Ed25519(s) => ed25519_verify(s, &payload, &who),
            MultiSignature::Ecdsa(_) => false,
        }
    };
    let birth = era.birth(current);
    let birth_hash = match era {
        Era::Immortal => Some(ctx.genesis_hash()),
        Era::Mortal { .. } => ctx.block_hash(birth),
    };
    let Some(birth_hash) = birth_hash else {
        return Err(InvalidTransaction::AncientBirthBlock.into());
    };
    if verify(birth_hash) {
        return Ok(Some(CheckedSigned {
            who,
            nonce: sig.extra.nonce,
            tip: sig.extra.tip,
            death: era.death(current),
        }));
    }
    // A mortal transaction signed in an earlier cycle of its period has expired: tell the
    // sender it is outdated rather than that its signature is bad.
    if let Era::Mortal { period, .. } = era {
        let mut earlier = birth;
        for _ in 0..4 {
            let Some(prev) = earlier.checked_sub(period) else {
                break;
            };
            earlier = prev;
            match ctx.block_hash(earlier) {
                Some(h) if verify(h) => return Err(InvalidTransaction::Stale.into()),
                Some(_) => {}
                None => break,
            }
        }
    }
    Err(InvalidTransaction::BadProof.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::BalancesCall;
    use crate::support::MultiAddress;
    use proptest::prelude::*;

    struct Chain {
        current: u64,
    }

    impl CheckContext for Chain {
        fn current_block(&self) -> u64 {
            self.current
        }
        fn genesis_hash(&self) -> [u8; 32] {
            [7; 32]
        }
        fn block_hash(&self, number: u64) -> Option<[u8; 32]> {
            (number <= self.current && number + 2400 >= self.current)
                .then(|| blake2_256(&number.to_le_bytes()))
        }
    }

    fn transfer() -> RuntimeCall {
        RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(AccountId32([2; 32])),
            value: 1_000_000_000,
        })
    }

    fn signed(era: Era, at: &Chain) -> UncheckedExtrinsic {
        let alice = Sr25519Pair::from_uri("//Alice").unwrap();
        let birth = era.birth(at.current);
        let birth_hash = match era {
            Era::Immortal => at.genesis_hash(),
            Era::Mortal { .. } => at.block_hash(birth).unwrap(),
        };
        UncheckedExtrinsic::sign_sr25519(
            transfer(),
            &alice,
            SignedExtra {
                era,
                nonce: 5,
                tip: 0,
                metadata_hash_mode: 0,
            },
            &AdditionalSigned {
                spec_version: crate::version::SPEC_VERSION,
                transaction_version: crate::version::TRANSACTION_VERSION,
                genesis_hash: at.genesis_hash(),
                birth_hash,
            },
        )
    }

    #[test]
    fn era_encodings_match_substrate() {
        // Substrate's own vectors: period 64 at block 42 → phase 42, bytes [0xa5, 0x02].
        let era = Era::mortal(64, 42);
        assert_eq!(
            era,
            Era::Mortal {
                period: 64,
                phase: 42
            }
        );
        assert_eq!(era.encode(), vec![0xa5, 0x02]);
        assert_eq!(Era::decode(&mut &[0xa5u8, 0x02][..]).unwrap(), era);
        assert_eq!(era.birth(42), 42);
        assert_eq!(era.birth(105), 42);
        assert_eq!(era.death(105), 106);
        // Large periods quantize the phase: 32768 at block 20000 → phase 20000.
        let big = Era::mortal(32768, 20_000);
        assert_eq!(
            big,
            Era::Mortal {
                period: 32768,
                phase: 20_000
            }
        );
        assert_eq!(big.encode(), vec![0x4e, 0x9c]);
        assert_eq!(Era::Immortal.encode(), vec![0]);
        // A client asking for 16 blocks (btcli's default) gets exactly 16.
        assert_eq!(Era::mortal(16, 100).period(), Some(16));
    }

    #[test]
    fn signed_extrinsics_round_trip_and_verify() {
        let chain = Chain { current: 1000 };
        for era in [Era::Immortal, Era::mortal(64, 990)] {
            let xt = signed(era, &chain);
            let bytes = xt.to_bytes();
            // 143 bytes: a two-byte compact length, then the version.
            assert_eq!(bytes[2], SIGNED_V4);
            let back = UncheckedExtrinsic::decode_bytes(&bytes).unwrap();
            assert_eq!(back, xt);
            let checked = check_signature(&back, &chain).unwrap().unwrap();
            assert_eq!(checked.nonce, 5);
            assert_eq!(
                checked.who,
                Sr25519Pair::from_uri("//Alice").unwrap().public()
            );
        }
    }

    #[test]
    fn bad_signatures_wrong_genesis_and_expired_eras_are_told_apart() {
        let chain = Chain { current: 1000 };
        let mut xt = signed(Era::Immortal, &chain);
        if let Some(Signature {
            signature: MultiSignature::Sr25519(s),
            ..
        }) = &mut xt.signature
        {
            s[0] ^= 1;
        }
        assert_eq!(
            check_signature(&xt, &chain),
            Err(InvalidTransaction::BadProof.into())
        );
        // Signed for another chain: the genesis hash differs, so the signature cannot match.
        struct Other;
        impl CheckContext for Other {
            fn current_block(&self) -> u64 {
                1000
            }
            fn genesis_hash(&self) -> [u8; 32] {
                [8; 32]
            }
            fn block_hash(&self, n: u64) -> Option<[u8; 32]> {
                Chain { current: 1000 }.block_hash(n)
            }
        }
        let xt = signed(Era::Immortal, &chain);
        assert_eq!(
            check_signature(&xt, &Other),
            Err(InvalidTransaction::BadProof.into())
        );
        // Mortal for 16 blocks from block 1000, checked at block 1020: outdated.
        let xt = signed(Era::mortal(16, 1000), &chain);
        assert_eq!(
            check_signature(&xt, &Chain { current: 1020 }),
            Err(InvalidTransaction::Stale.into())
        );
        // Still valid at 1015.
        assert!(check_signature(&xt, &Chain { current: 1015 }).is_ok());
        // Metadata-hash mode 1 cannot be checked.
        let mut xt = signed(Era::Immortal, &chain);
        if let Some(s) = &mut xt.signature {
            s.extra.metadata_hash_mode = 1;
        }
        assert_eq!(
            check_signature(&xt, &chain),
            Err(TransactionValidityError::CannotLookup)
        );
    }

    #[test]
    fn ed25519_signatures_verify_too() {
        let chain = Chain { current: 10 };
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let who = AccountId32(key.verifying_key().to_bytes());
        let extra = SignedExtra {
            era: Era::Immortal,
            nonce: 0,
            tip: 0,
            metadata_hash_mode: 0,
        };
        let additional = AdditionalSigned {
            spec_version: crate::version::SPEC_VERSION,
            transaction_version: crate::version::TRANSACTION_VERSION,
            genesis_hash: chain.genesis_hash(),
            birth_hash: chain.genesis_hash(),
        };
        let call = transfer();
        let payload = signing_payload(&call.encode(), &extra, &additional);
        let signature = ed25519_dalek::Signer::sign(&key, &payload).to_bytes();
        let mut xt = UncheckedExtrinsic {
            signature: Some(Signature {
                address: MultiAddress::Id(who),
                signature: MultiSignature::Ed25519(signature),
                extra,
            }),
            call_bytes: call.encode(),
            call,
        };
        let back = UncheckedExtrinsic::decode_bytes(&xt.to_bytes()).unwrap();
        assert_eq!(check_signature(&back, &chain).unwrap().unwrap().who, who);
        // The same signature claimed as sr25519 does not verify.
        if let Some(s) = &mut xt.signature {
            s.signature = MultiSignature::Sr25519(signature);
        }
        assert_eq!(
            check_signature(&xt, &chain),
            Err(InvalidTransaction::BadProof.into())
        );
    }

    #[test]
    fn long_payloads_are_signed_through_their_hash() {
        let additional = AdditionalSigned {
            spec_version: 1,
            transaction_version: 1,
            genesis_hash: [0; 32],
            birth_hash: [0; 32],
        };
        let extra = SignedExtra {
            era: Era::Immortal,
            nonce: 0,
            tip: 0,
            metadata_hash_mode: 0,
        };
        // 100 call bytes + 4 extra + 4 + 4 + 32 + 32 + 1 additional.
        assert_eq!(signing_payload(&[1; 100], &extra, &additional).len(), 177);
        assert_eq!(signing_payload(&[1; 200], &extra, &additional).len(), 32);
    }

    #[test]
    fn malformed_bytes_get_clear_errors() {
        let chain = Chain { current: 10 };
        let bytes = signed(Era::Immortal, &chain).to_bytes();
        assert!(matches!(
            UncheckedExtrinsic::decode_bytes(&bytes[..bytes.len() - 1]),
            Err(ExtrinsicDecodeError::Length { .. })
        ));
        let mut v5 = bytes.clone();
        v5[2] = 0x85;
        assert_eq!(
            UncheckedExtrinsic::decode_bytes(&v5),
            Err(ExtrinsicDecodeError::Version(0x85))
        );
        // The timestamp inherent as clients see it: 0x04 0x02 0x00 compact(ms).
        let bare =
            UncheckedExtrinsic::bare(RuntimeCall::Timestamp(crate::call::TimestampCall::set {
                now: 1_700_000_000_000,
            }));
        let b = bare.to_bytes();
        assert_eq!(&b[1..4], &[0x04, 0x02, 0x00]);
        assert_eq!(UncheckedExtrinsic::decode_bytes(&b).unwrap(), bare);
        assert_eq!(check_signature(&bare, &chain), Ok(None));
    }

    proptest! {
        #[test]
        fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            for xt in [UncheckedExtrinsic::decode_bytes(&bytes), UncheckedExtrinsic::decode_body(&bytes)]
                .into_iter()
                .flatten()
            {
                // What decodes re-encodes to bytes that decode to the same extrinsic.
                prop_assert_eq!(UncheckedExtrinsic::decode_bytes(&xt.to_bytes()), Ok(xt));
            }
        }

        #[test]
        fn mutated_extrinsics_never_panic(pos in 0usize..200, byte in any::<u8>()) {
            let chain = Chain { current: 50 };
            let mut bytes = signed(Era::mortal(32, 45), &chain).to_bytes();
            let i = pos % bytes.len();
            bytes[i] = byte;
            if let Ok(xt) = UncheckedExtrinsic::decode_bytes(&bytes) {
                let _ = check_signature(&xt, &chain);
                prop_assert_eq!(UncheckedExtrinsic::decode_bytes(&xt.to_bytes()), Ok(xt));
            }
        }

        #[test]
        fn eras_round_trip(period in 4u64..70_000, current in 0u64..10_000_000) {
            let era = Era::mortal(period, current);
            prop_assert_eq!(Era::decode(&mut &era.encode()[..]).unwrap(), era);
            let birth = era.birth(current);
            prop_assert!(birth <= current);
            prop_assert!(era.death(current) > current);
        }
    }
}
