//! MevShield (pallet 30): encrypted transactions, so that nobody sees what a transaction does
//! before it is in a block (`spec/wire.md` §8.3).
//!
//! A user reads `NextKey` (the block author's ML-KEM-768 encapsulation key), signs the
//! transaction it wants (at its nonce + 1), encrypts the signed bytes to the key and submits
//! them inside `submit_encrypted`, signed at its nonce: the carrier pays its fee and uses its
//! nonce as any signed call does, and announces itself with `EncryptedSubmitted`. The author
//! (the node, which alone holds the decapsulation key) decrypts the carrier once it is in a
//! block and puts the inner transaction, unchanged, into a following block.
//!
//! The runtime never decrypts: it stores the key the block carries (`announce_next_key`, the
//! author's inherent) and records what the author reports about a carrier it could not turn
//! into a transaction (`mark_decryption_failed`, `mark_decrypted_rejected`, author-only too).
//! All three are unsigned calls the runtime accepts only as the author's inherents; signed,
//! they are refused at validation and fail with `BadOrigin` if dispatched from a wrapper.
//!
//! The ciphertext is `key_hash[16] | kem_len: u16 LE | kem_ct | nonce[24] | aead_ct`, with
//! `key_hash = twox128(key)`, `kem_ct` the ML-KEM-768 ciphertext, and `aead_ct` the signed
//! extrinsic under XChaCha20-Poly1305 keyed by the 32-byte shared secret (empty AAD).

use crate::commitments::BoundedBytes;
use crate::storage::Storage;
use crate::support::{Deposit, DispatchClass, DispatchError, Origin, Pays, Weight, rw};
use crate::{pallet_calls, storage_value};
use codec::Encode;
use cortex_primitives::AccountId32;
use cortex_primitives::hashing::{blake2_256, twox_128};

/// MevShield's pallet index.
pub const PALLET_INDEX: u8 = 30;
/// The length of an ML-KEM-768 encapsulation key.
pub const ENC_KEY_LEN: usize = 1184;
/// The longest ciphertext `submit_encrypted` takes (subtensor's `ConstU32<8192>`).
pub const MAX_CIPHERTEXT_LEN: usize = 8192;
/// The longest reason `mark_decryption_failed` carries (subtensor's `ConstU32<256>`).
pub const MAX_REASON_LEN: usize = 256;
/// The length of the key hash that starts a ciphertext.
pub const KEY_HASH_LEN: usize = 16;
/// The length of the XChaCha20-Poly1305 nonce.
pub const NONCE_LEN: usize = 24;

/// `ShieldEncKey`: an ML-KEM-768 encapsulation key (a `BoundedVec<u8, 1184>`).
pub type ShieldEncKey = BoundedBytes<ENC_KEY_LEN>;
/// `submit_encrypted`'s ciphertext (a `BoundedVec<u8, 8192>`).
pub type Ciphertext = BoundedBytes<MAX_CIPHERTEXT_LEN>;
/// A decryption failure's reason, as text (a `BoundedVec<u8, 256>`).
pub type Reason = BoundedBytes<MAX_REASON_LEN>;

storage_value!(/// The key of the current block's author (what carriers in this block were encrypted
    /// to, one rotation ago).
    optional "MevShield", CurrentKey: ShieldEncKey = ShieldEncKey::default());
storage_value!(/// The key staged between `NextKey` and `CurrentKey`.
    optional "MevShield", PendingKey: ShieldEncKey = ShieldEncKey::default());
storage_value!(/// The key users encrypt to.
    optional "MevShield", NextKey: ShieldEncKey = ShieldEncKey::default());

/// `frame_support::dispatch::PostDispatchInfo`: the weight a call actually used, and whether it
/// paid.
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub struct PostDispatchInfo {
    /// The weight used, when it differs from the declared one.
    pub actual_weight: Option<Weight>,
    /// Whether a fee was paid.
    pub pays_fee: Pays,
}

/// `sp_runtime::DispatchErrorWithPostInfo`: why a call failed, with its post-dispatch info.
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub struct DispatchErrorWithPostInfo {
    /// The post-dispatch info.
    pub post_info: PostDispatchInfo,
    /// The error.
    pub error: DispatchError,
}

pallet_calls! {
    /// `MevShield` calls, with subtensor's indices for the first two. The two reports are
    /// Cortex's (subtensor's current pallet has no failure events; its earlier one reported with
    /// `mark_decryption_failed`), at indices subtensor does not use.
    pub enum MevShieldCall {
        /// The author's inherent: rotates `CurrentKey ← PendingKey ← NextKey ← enc_key`.
        announce_next_key = 0 { enc_key: Option<ShieldEncKey> },
        /// An encrypted signed extrinsic, for the author to decrypt and include.
        submit_encrypted = 1 { ciphertext: Ciphertext },
        /// The author's report: the carrier `id` could not be decrypted.
        mark_decryption_failed = 100 { id: [u8; 32], reason: Reason },
        /// The author's report: the carrier `id` decrypted to a transaction the chain refused.
        mark_decrypted_rejected = 101 { id: [u8; 32], reason: DispatchErrorWithPostInfo },
    }
}

impl MevShieldCall {
    /// The report that carrier `id` could not be decrypted, for `reason` (cut to 256 bytes).
    pub fn decryption_failed(id: [u8; 32], reason: &str) -> MevShieldCall {
        let mut bytes = reason.as_bytes().to_vec();
        bytes.truncate(MAX_REASON_LEN);
        MevShieldCall::mark_decryption_failed {
            id,
            reason: BoundedBytes::new(bytes).unwrap_or_default(),
        }
    }

    /// The report that carrier `id` decrypted to a transaction refused with `error`.
    pub fn decrypted_rejected(id: [u8; 32], error: DispatchError) -> MevShieldCall {
        MevShieldCall::mark_decrypted_rejected {
            id,
            reason: DispatchErrorWithPostInfo {
                post_info: PostDispatchInfo {
                    actual_weight: None,
                    pays_fee: Pays::No,
                },
                error,
            },
        }
    }

    /// Whether only the block author may include the call (as an unsigned inherent).
    pub fn is_author_only(&self) -> bool {
        !matches!(self, MevShieldCall::submit_encrypted { .. })
    }
}

/// MevShield's events, with the indices and fields of subtensor's pallet that had them.
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub enum MevShieldEvent {
    /// A carrier was accepted: its id (blake2-256 of `(who, ciphertext)`) and signer.
    #[codec(index = 0)]
    EncryptedSubmitted {
        /// The submission id.
        id: [u8; 32],
        /// The carrier's signer.
        who: AccountId32,
    },
    /// The carrier decrypted to a transaction the chain refused.
    #[codec(index = 2)]
    DecryptedRejected {
        /// The submission id.
        id: [u8; 32],
        /// Why.
        reason: DispatchErrorWithPostInfo,
    },
    /// The carrier could not be decrypted (unknown or stale key, bad ciphertext).
    #[codec(index = 3)]
    DecryptionFailed {
        /// The submission id.
        id: [u8; 32],
        /// Why, as text.
        reason: Reason,
    },
}

/// MevShield's errors, in subtensor's order.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, scale_info::TypeInfo)]
pub enum MevShieldError {
    /// The announced key is not 1184 bytes long.
    BadEncKeyLen,
}

/// Why a signed MevShield call is refused before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// An author-only call, signed.
    AuthorOnly,
    /// A ciphertext whose header does not parse (subtensor's `FailedShieldedTxParsing`).
    Unparseable,
}

/// Subtensor's custom transaction error for a ciphertext that does not parse.
pub const FAILED_SHIELDED_TX_PARSING: u8 = 23;

/// A ciphertext's parts, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShieldedCiphertext<'a> {
    /// twox128 of the key it was encrypted to.
    pub key_hash: [u8; KEY_HASH_LEN],
    /// The ML-KEM-768 ciphertext.
    pub kem_ct: &'a [u8],
    /// The XChaCha20-Poly1305 nonce.
    pub nonce: [u8; NONCE_LEN],
    /// The AEAD ciphertext (the signed extrinsic, with its 16-byte tag).
    pub aead_ct: &'a [u8],
}

impl<'a> ShieldedCiphertext<'a> {
    /// Splits `bytes` into its parts; `None` if the header is cut short (the AEAD part may be
    /// anything, even empty: only decryption can tell).
    pub fn parse(bytes: &'a [u8]) -> Option<ShieldedCiphertext<'a>> {
        let (key_hash, rest) = bytes.split_first_chunk::<KEY_HASH_LEN>()?;
        let (kem_len, rest) = rest.split_first_chunk::<2>()?;
        let kem_len = usize::from(u16::from_le_bytes(*kem_len));
        let kem_ct = rest.get(..kem_len)?;
        let rest = rest.get(kem_len..)?;
        let (nonce, aead_ct) = rest.split_first_chunk::<NONCE_LEN>()?;
        Some(ShieldedCiphertext {
            key_hash: *key_hash,
            kem_ct,
            nonce: *nonce,
            aead_ct,
        })
    }
}

/// The key hash a ciphertext encrypted to `key` starts with.
pub fn key_hash(key: &[u8]) -> [u8; KEY_HASH_LEN] {
    twox_128(key)
}

/// A carrier's id: blake2-256 of SCALE `(who, ciphertext)`, as subtensor's `hash_of`.
pub fn submission_id(who: &AccountId32, ciphertext: &Ciphertext) -> [u8; 32] {
    blake2_256(&(who, ciphertext).encode())
}

/// The weight, class and fee mode of a MevShield call. The author's calls are inherents:
/// mandatory and free.
pub fn info(call: &MevShieldCall) -> (Weight, DispatchClass, Pays) {
    match call {
        MevShieldCall::announce_next_key { .. } => {
            (rw(3, 3, 20_000_000), DispatchClass::Mandatory, Pays::No)
        }
        MevShieldCall::submit_encrypted { .. } => {
            (rw(1, 1, 13_980_000), DispatchClass::Normal, Pays::Yes)
        }
        MevShieldCall::mark_decryption_failed { .. }
        | MevShieldCall::mark_decrypted_rejected { .. } => {
            (rw(1, 1, 13_260_000), DispatchClass::Mandatory, Pays::No)
        }
    }
}

/// The checks a signed MevShield call passes before it pays (the pool's and the block's): the
/// author's calls are not for users, and a carrier's header must parse.
pub fn check_signed(call: &MevShieldCall) -> Result<(), Refusal> {
    match call {
        MevShieldCall::submit_encrypted { ciphertext } => {
            ShieldedCiphertext::parse(ciphertext.as_slice())
                .map(|_| ())
                .ok_or(Refusal::Unparseable)
        }
        _ => Err(Refusal::AuthorOnly),
    }
}

/// The author's key inherent for a block whose author holds `key`: `None` once all three keys
/// are `key` (Cortex announces only until the rotation has settled, not every block), or if
/// `key` is not an encapsulation key.
pub fn inherent(s: &Storage, key: &[u8]) -> Option<MevShieldCall> {
    if key.len() != ENC_KEY_LEN {
        return None;
    }
    let is_key = |k: Option<ShieldEncKey>| k.is_some_and(|k| k.as_slice() == key);
    if is_key(CurrentKey::try_get(s)) && is_key(PendingKey::try_get(s)) && is_key(NextKey::try_get(s))
    {
        return None;
    }
    Some(MevShieldCall::announce_next_key {
        enc_key: BoundedBytes::new(key.to_vec()),
    })
}

/// Runs a MevShield call as `origin`.
pub fn dispatch(
    s: &mut Storage,
    origin: &Origin,
    call: &MevShieldCall,
    events: &mut impl Deposit<MevShieldEvent>,
) -> Result<(), DispatchError> {
    match call {
        MevShieldCall::announce_next_key { enc_key } => {
            origin.none()?;
            if enc_key.as_ref().is_some_and(|k| k.len() != ENC_KEY_LEN) {
                return Err(DispatchError::module(PALLET_INDEX, 0));
            }
            rotate(s, enc_key.as_ref());
            Ok(())
        }
        MevShieldCall::submit_encrypted { ciphertext } => {
            let who = origin.signed()?;
            let id = submission_id(&who, ciphertext);
            events.deposit(MevShieldEvent::EncryptedSubmitted { id, who });
            Ok(())
        }
        MevShieldCall::mark_decryption_failed { id, reason } => {
            origin.none()?;
            events.deposit(MevShieldEvent::DecryptionFailed {
                id: *id,
                reason: reason.clone(),
            });
            Ok(())
        }
        MevShieldCall::mark_decrypted_rejected { id, reason } => {
            origin.none()?;
            events.deposit(MevShieldEvent::DecryptedRejected {
                id: *id,
                reason: reason.clone(),
            });
            Ok(())
        }
    }
}

/// `CurrentKey ← PendingKey`, `PendingKey ← NextKey`, `NextKey ← key` (subtensor's rotation
/// with a single author, whose next-next block is its own).
fn rotate(s: &mut Storage, key: Option<&ShieldEncKey>) {
    match PendingKey::try_get(s) {
        Some(k) => CurrentKey::put(s, &k),
        None => CurrentKey::kill(s),
    }
    match NextKey::try_get(s) {
        Some(k) => PendingKey::put(s, &k),
        None => PendingKey::kill(s),
    }
    match key {
        Some(k) => NextKey::put(s, k),
        None => NextKey::kill(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Vec<u8> {
        vec![byte; ENC_KEY_LEN]
    }

    fn ciphertext(kem_len: u16, aead: usize) -> Vec<u8> {
        let mut b = vec![7u8; KEY_HASH_LEN];
        b.extend_from_slice(&kem_len.to_le_bytes());
        b.extend(std::iter::repeat_n(1u8, usize::from(kem_len)));
        b.extend_from_slice(&[2u8; NONCE_LEN]);
        b.extend(std::iter::repeat_n(3u8, aead));
        b
    }

    #[test]
    fn ciphertext_parts_split_at_subtensors_offsets() {
        let b = ciphertext(1088, 40);
        let p = ShieldedCiphertext::parse(&b).unwrap();
        assert_eq!(p.key_hash, [7; 16]);
        assert_eq!(p.kem_ct.len(), 1088);
        assert!(p.kem_ct.iter().all(|&x| x == 1));
        assert_eq!(p.nonce, [2; 24]);
        assert_eq!(p.aead_ct, &[3u8; 40][..]);
        // An empty AEAD part parses (decryption refuses it); a header cut short does not.
        assert!(ShieldedCiphertext::parse(&ciphertext(1088, 0)).is_some());
        let cut = ciphertext(1088, 0);
        assert!(ShieldedCiphertext::parse(&cut[..cut.len() - 1]).is_none());
        assert!(ShieldedCiphertext::parse(&b[..17]).is_none());
        assert!(ShieldedCiphertext::parse(&[]).is_none());
    }

    #[test]
    fn the_key_rotates_through_pending_to_current() {
        let mut s = Storage::default();
        let mut ev: Vec<MevShieldEvent> = Vec::new();
        let a = key(1);
        let call = inherent(&s, &a).unwrap();
        dispatch(&mut s, &Origin::None, &call, &mut ev).unwrap();
        assert_eq!(NextKey::try_get(&s).unwrap().as_slice(), &a[..]);
        assert!(PendingKey::try_get(&s).is_none());
        assert!(CurrentKey::try_get(&s).is_none());
        for _ in 0..2 {
            let call = inherent(&s, &a).unwrap();
            dispatch(&mut s, &Origin::None, &call, &mut ev).unwrap();
        }
        assert_eq!(CurrentKey::try_get(&s).unwrap().as_slice(), &a[..]);
        assert_eq!(PendingKey::try_get(&s).unwrap().as_slice(), &a[..]);
        // Settled: no more inherents until the author's key changes.
        assert_eq!(inherent(&s, &a), None);
        let b = key(2);
        let call = inherent(&s, &b).unwrap();
        dispatch(&mut s, &Origin::None, &call, &mut ev).unwrap();
        assert_eq!(NextKey::try_get(&s).unwrap().as_slice(), &b[..]);
        assert_eq!(PendingKey::try_get(&s).unwrap().as_slice(), &a[..]);
        assert!(ev.is_empty());
        // Not a key: no inherent.
        assert_eq!(inherent(&s, &[0u8; 32]), None);
    }

    #[test]
    fn author_calls_need_the_unsigned_origin_and_a_full_length_key() {
        let mut s = Storage::default();
        let mut ev: Vec<MevShieldEvent> = Vec::new();
        let who = Origin::Signed(AccountId32([1; 32]));
        let announce = MevShieldCall::announce_next_key {
            enc_key: BoundedBytes::new(key(1)),
        };
        assert_eq!(
            dispatch(&mut s, &who, &announce, &mut ev),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(
            dispatch(&mut s, &Origin::Root, &announce, &mut ev),
            Err(DispatchError::BadOrigin)
        );
        for call in [
            MevShieldCall::decryption_failed([9; 32], "x"),
            MevShieldCall::decrypted_rejected([9; 32], DispatchError::BadOrigin),
        ] {
            assert_eq!(
                dispatch(&mut s, &who, &call, &mut ev),
                Err(DispatchError::BadOrigin)
            );
            assert_eq!(check_signed(&call), Err(Refusal::AuthorOnly));
            assert!(call.is_author_only());
        }
        assert_eq!(check_signed(&announce), Err(Refusal::AuthorOnly));
        let short = MevShieldCall::announce_next_key {
            enc_key: BoundedBytes::new(vec![1; 32]),
        };
        assert_eq!(
            dispatch(&mut s, &Origin::None, &short, &mut ev),
            Err(DispatchError::module(PALLET_INDEX, 0))
        );
        assert!(ev.is_empty());
        assert!(NextKey::try_get(&s).is_none());
    }

    #[test]
    fn submit_encrypted_announces_its_id_and_reports_carry_it() {
        let mut s = Storage::default();
        let mut ev: Vec<MevShieldEvent> = Vec::new();
        let alice = AccountId32([1; 32]);
        let ct = BoundedBytes::new(ciphertext(4, 16)).unwrap();
        let call = MevShieldCall::submit_encrypted {
            ciphertext: ct.clone(),
        };
        assert_eq!(check_signed(&call), Ok(()));
        assert!(!call.is_author_only());
        dispatch(&mut s, &Origin::Signed(alice), &call, &mut ev).unwrap();
        let id = submission_id(&alice, &ct);
        let mut pre = alice.encode();
        pre.extend(ct.encode());
        assert_eq!(id, blake2_256(&pre));
        assert_eq!(
            ev,
            vec![MevShieldEvent::EncryptedSubmitted { id, who: alice }]
        );
        assert_eq!(
            dispatch(&mut s, &Origin::None, &call, &mut ev),
            Err(DispatchError::BadOrigin)
        );
        let long = "y".repeat(300);
        let report = MevShieldCall::decryption_failed(id, &long);
        dispatch(&mut s, &Origin::None, &report, &mut ev).unwrap();
        let MevShieldEvent::DecryptionFailed { reason, .. } = &ev[1] else {
            panic!("{:?}", ev[1]);
        };
        assert_eq!(reason.len(), MAX_REASON_LEN);
        let bad = MevShieldCall::submit_encrypted {
            ciphertext: BoundedBytes::new(vec![0; 20]).unwrap(),
        };
        assert_eq!(check_signed(&bad), Err(Refusal::Unparseable));
        // The storage is untouched by carriers and reports.
        assert!(s.committed().is_empty());
    }

    #[test]
    fn event_and_call_bytes() {
        let e = MevShieldEvent::DecryptionFailed {
            id: [5; 32],
            reason: BoundedBytes::new(b"ab".to_vec()).unwrap(),
        };
        let b = e.encode();
        assert_eq!(b[0], 3);
        assert_eq!(&b[33..], &[8, b'a', b'b']);
        let r = MevShieldCall::decrypted_rejected([5; 32], DispatchError::module(7, 1));
        // call 101, id, post_info {None, Pays::No}, Module{7, [1,0,0,0]}
        let b = r.encode();
        assert_eq!(b[0], 101);
        assert_eq!(&b[33..], &[0, 1, 3, 7, 1, 0, 0, 0]);
        let c = MevShieldCall::submit_encrypted {
            ciphertext: BoundedBytes::new(vec![1, 2]).unwrap(),
        };
        assert_eq!(c.encode(), vec![1, 8, 1, 2]);
    }
}
