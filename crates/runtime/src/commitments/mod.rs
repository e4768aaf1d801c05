//! The `Commitments` pallet (runtime index 18): a neuron publishes a few small fields of data
//! (raw bytes, hashes, a bonds-reset flag, timelocked ciphertext) for a subnet it is registered
//! on, within a per-epoch space budget.
//!
//! Layouts, indices and checks are subtensor's `pallets/commitments`: the `Data` type has its own
//! variant numbering (the first byte of a `Raw` value is its length plus one), `Registration`
//! decodes short input as if zero-padded, storage items keep subtensor's names and hashers, and a
//! failed call reports `Module { index: 18, error }`.
//!
//! Not reproduced: the drand reveal of timelocked fields (`on_initialize` decrypting
//! `TimelockEncrypted` fields once their round's pulse is known). Cortex has no drand pallet, so
//! timelocked fields are accepted, stored and indexed as subtensor does but never revealed, and
//! `RevealedCommitments` is declared for readers but never written. Deposits are subtensor's
//! (zero per commitment and per field), so nothing is reserved.

use crate::storage::Storage;
use crate::support::{BlockContext, DispatchClass, DispatchError, Origin, Pays, Weight, rw};
use crate::{storage_double_map, storage_value};
use codec::{Compact, Decode, Encode, Input, Output};
use cortex_primitives::{AccountId32, NetUid};
use std::collections::BTreeSet;

/// The pallet's index in the runtime.
pub const PALLET_INDEX: u8 = 18;
/// Most fields one commitment may carry (subtensor's `MaxCommitFields`).
pub const MAX_FIELDS: u32 = 3;
/// Longest `Data::Raw` value, in bytes.
pub const MAX_RAW_BYTES: usize = 128;
/// Longest `Data::BigRaw` value, in bytes.
pub const MAX_BIGRAW_BYTES: usize = 512;
/// Longest timelocked ciphertext, in bytes.
pub const MAX_TIMELOCK_BYTES: usize = 1024;
/// The space budget per `(netuid, account)` and epoch when `MaxSpace` is not set.
pub const DEFAULT_MAX_SPACE: u32 = 3100;
/// The space every commitment counts for at least, however small.
pub const MIN_USED_SPACE: u64 = 100;
/// Deposit held for a commitment (subtensor's `CommitmentInitialDeposit`: free).
pub const INITIAL_DEPOSIT: u64 = 0;
/// Deposit held per field (subtensor's `CommitmentFieldDeposit`: free).
pub const FIELD_DEPOSIT: u64 = 0;

const RAW_TAG_MAX: u8 = 129;
const BLAKE_TWO_256: u8 = 130;
const SHA_256: u8 = 131;
const KECCAK_256: u8 = 132;
const SHA_THREE_256: u8 = 133;
const TIMELOCK_ENCRYPTED: u8 = 134;
const RESET_BONDS_FLAG: u8 = 135;
const BIG_RAW: u8 = 136;

/// Bytes of at most `MAX` length, SCALE-encoded as a `Vec<u8>` (compact length, then the
/// bytes); decoding refuses a longer length before reading anything (like `BoundedVec`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct BoundedBytes<const MAX: usize>(Vec<u8>);

impl<const MAX: usize> BoundedBytes<MAX> {
    /// The bytes, if there are at most `MAX` of them.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() <= MAX).then_some(BoundedBytes(bytes))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads exactly `len` bytes (`len <= MAX`, checked by the callers).
    fn read_exact<I: Input>(input: &mut I, len: usize) -> Result<Self, codec::Error> {
        if len > MAX {
            return Err("byte string longer than its bound".into());
        }
        let mut bytes = vec![0u8; len];
        input.read(&mut bytes)?;
        Ok(BoundedBytes(bytes))
    }
}

impl<const MAX: usize> Encode for BoundedBytes<MAX> {
    fn size_hint(&self) -> usize {
        self.0.size_hint()
    }

    fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
        self.0.encode_to(dest);
    }
}

impl<const MAX: usize> Decode for BoundedBytes<MAX> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let len = Compact::<u32>::decode(input)?.0;
        let len = usize::try_from(len).map_err(|_| codec::Error::from("length overflows"))?;
        Self::read_exact(input, len)
    }
}

/// One field of a commitment, with subtensor's hand-made encoding: the first byte is `0` for
/// `None`, `1 + n` for `n` raw bytes (`n <= 128`, the bytes follow without a length prefix; the
/// metadata lists these as `Raw0` … `Raw128`), `130`–`133` for the four 32-byte hashes, `134`
/// for a timelocked ciphertext (`Vec<u8>` then the drand round as `u64`), `135` for the
/// bonds-reset flag and `136` for up to 512 raw bytes (`Vec<u8>`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Data {
    /// Nothing.
    #[default]
    None,
    /// Up to 128 bytes.
    Raw(BoundedBytes<MAX_RAW_BYTES>),
    /// A BLAKE2-256 hash.
    BlakeTwo256([u8; 32]),
    /// A SHA2-256 hash.
    Sha256([u8; 32]),
    /// A Keccak-256 hash.
    Keccak256([u8; 32]),
    /// A SHA3-256 hash.
    ShaThree256([u8; 32]),
    /// A ciphertext to reveal at drand round `reveal_round` (never revealed by Cortex).
    TimelockEncrypted {
        /// The ciphertext, up to 1024 bytes.
        encrypted: BoundedBytes<MAX_TIMELOCK_BYTES>,
        /// The drand round whose signature decrypts it.
        reveal_round: u64,
    },
    /// Asks for the signer's bonds on the subnet to be reset (where the subnet allows it).
    ResetBondsFlag,
    /// Up to 512 bytes.
    BigRaw(BoundedBytes<MAX_BIGRAW_BYTES>),
}

impl Data {
    /// How much of the per-epoch space budget the field uses: its payload's length.
    pub fn len_for_rate_limit(&self) -> u64 {
        let len = match self {
            Data::None | Data::ResetBondsFlag => 0,
            Data::Raw(b) => b.len(),
            Data::BlakeTwo256(h) | Data::Sha256(h) | Data::Keccak256(h) | Data::ShaThree256(h) => {
                h.len()
            }
            Data::TimelockEncrypted { encrypted, .. } => encrypted.len(),
            Data::BigRaw(b) => b.len(),
        };
        u64::try_from(len).unwrap_or(u64::MAX)
    }
}

impl Encode for Data {
    fn size_hint(&self) -> usize {
        let payload = match self {
            Data::None | Data::ResetBondsFlag => 0,
            Data::Raw(b) => b.len(),
            Data::BlakeTwo256(_) | Data::Sha256(_) | Data::Keccak256(_) | Data::ShaThree256(_) => {
                32
            }
            Data::TimelockEncrypted { encrypted, .. } => encrypted.size_hint().saturating_add(8),
            Data::BigRaw(b) => b.size_hint(),
        };
        payload.saturating_add(1)
    }

    fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
        match self {
            Data::None => dest.push_byte(0),
            Data::Raw(b) => {
                // The bound keeps the length at most 128, so the tag is at most 129.
                let tag = u8::try_from(b.len())
                    .map(|n| n.saturating_add(1))
                    .unwrap_or(RAW_TAG_MAX);
                dest.push_byte(tag);
                dest.write(b.as_slice());
            }
            Data::BlakeTwo256(h) => hash_to(dest, BLAKE_TWO_256, h),
            Data::Sha256(h) => hash_to(dest, SHA_256, h),
            Data::Keccak256(h) => hash_to(dest, KECCAK_256, h),
            Data::ShaThree256(h) => hash_to(dest, SHA_THREE_256, h),
            Data::TimelockEncrypted {
                encrypted,
                reveal_round,
            } => {
                dest.push_byte(TIMELOCK_ENCRYPTED);
                encrypted.encode_to(dest);
                reveal_round.encode_to(dest);
            }
            Data::ResetBondsFlag => dest.push_byte(RESET_BONDS_FLAG),
            Data::BigRaw(b) => {
                dest.push_byte(BIG_RAW);
                b.encode_to(dest);
            }
        }
    }
}

fn hash_to<T: Output + ?Sized>(dest: &mut T, tag: u8, hash: &[u8; 32]) {
    dest.push_byte(tag);
    dest.write(hash);
}

impl codec::EncodeLike for Data {}

impl Decode for Data {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let tag = input.read_byte()?;
        Ok(match tag {
            0 => Data::None,
            1..=RAW_TAG_MAX => {
                let len = usize::from(tag.saturating_sub(1));
                Data::Raw(BoundedBytes::read_exact(input, len)?)
            }
            BLAKE_TWO_256 => Data::BlakeTwo256(<[u8; 32]>::decode(input)?),
            SHA_256 => Data::Sha256(<[u8; 32]>::decode(input)?),
            KECCAK_256 => Data::Keccak256(<[u8; 32]>::decode(input)?),
            SHA_THREE_256 => Data::ShaThree256(<[u8; 32]>::decode(input)?),
            TIMELOCK_ENCRYPTED => {
                let encrypted = BoundedBytes::decode(input)?;
                let reveal_round = u64::decode(input)?;
                Data::TimelockEncrypted {
                    encrypted,
                    reveal_round,
                }
            }
            RESET_BONDS_FLAG => Data::ResetBondsFlag,
            BIG_RAW => Data::BigRaw(BoundedBytes::decode(input)?),
            _ => return Err("invalid leading byte of Data".into()),
        })
    }
}

/// Described to the metadata as subtensor's `BoundedVec<u8, _>`: a composite wrapping `Vec<u8>`,
/// which is exactly how it encodes.
impl<const MAX: usize> scale_info::TypeInfo for BoundedBytes<MAX> {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::new(
                "BoundedVec",
                "bounded_collections::bounded_vec",
            ))
            .type_params(vec![scale_info::TypeParameter::new(
                "T",
                Some(scale_info::meta_type::<u8>()),
            )])
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.ty::<Vec<u8>>().type_name("Vec<T>")),
            )
    }
}

/// Adds `Raw{n}` (index `n + 1`, carrying `[u8; n]`) for each listed `n`.
macro_rules! raw_data_variants {
    ($variants:expr; $($n:literal => $index:literal,)*) => {
        $variants
            $(.variant(concat!("Raw", stringify!($n)), |v| {
                v.index($index)
                    .fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<[u8; $n]>()))
            }))*
    };
}

/// `Data` is hand-encoded (see its `Encode`), so its metadata is hand-written to match, as
/// subtensor's `pallet_commitments::types::Data` lists it: `None` 0, `Raw0`…`Raw128` 1…129 (the
/// bytes without a length prefix), the four hashes 130…133, `TimelockEncrypted` 134,
/// `ResetBondsFlag` 135, `BigRaw` 136.
impl scale_info::TypeInfo for Data {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        use scale_info::build::{Fields, Variants};
        let hash = |v: scale_info::build::VariantBuilder<scale_info::form::MetaForm>, index: u8| {
            v.index(index)
                .fields(Fields::unnamed().field(|f| f.ty::<[u8; 32]>()))
        };
        let variants = Variants::new().variant_unit("None", 0);
        let variants = raw_data_variants!(variants; 0 => 1, 1 => 2, 2 => 3, 3 => 4, 4 => 5, 5 => 6, 6 => 7, 7 => 8, 8 => 9, 9 => 10, 10 => 11, 11 => 12, 12 => 13, 13 => 14, 14 => 15, 15 => 16, 16 => 17, 17 => 18, 18 => 19, 19 => 20, 20 => 21, 21 => 22, 22 => 23, 23 => 24, 24 => 25, 25 => 26, 26 => 27, 27 => 28, 28 => 29, 29 => 30, 30 => 31, 31 => 32, 32 => 33, 33 => 34, 34 => 35, 35 => 36, 36 => 37, 37 => 38, 38 => 39, 39 => 40, 40 => 41, 41 => 42, 42 => 43, 43 => 44, 44 => 45, 45 => 46, 46 => 47, 47 => 48, 48 => 49, 49 => 50, 50 => 51, 51 => 52, 52 => 53, 53 => 54, 54 => 55, 55 => 56, 56 => 57, 57 => 58, 58 => 59, 59 => 60, 60 => 61, 61 => 62, 62 => 63, 63 => 64, 64 => 65, 65 => 66, 66 => 67, 67 => 68, 68 => 69, 69 => 70, 70 => 71, 71 => 72, 72 => 73, 73 => 74, 74 => 75, 75 => 76, 76 => 77, 77 => 78, 78 => 79, 79 => 80, 80 => 81, 81 => 82, 82 => 83, 83 => 84, 84 => 85, 85 => 86, 86 => 87, 87 => 88, 88 => 89, 89 => 90, 90 => 91, 91 => 92, 92 => 93, 93 => 94, 94 => 95, 95 => 96, 96 => 97, 97 => 98, 98 => 99, 99 => 100, 100 => 101, 101 => 102, 102 => 103, 103 => 104, 104 => 105, 105 => 106, 106 => 107, 107 => 108, 108 => 109, 109 => 110, 110 => 111, 111 => 112, 112 => 113, 113 => 114, 114 => 115, 115 => 116, 116 => 117, 117 => 118, 118 => 119, 119 => 120, 120 => 121, 121 => 122, 122 => 123, 123 => 124, 124 => 125, 125 => 126, 126 => 127, 127 => 128, 128 => 129,);
        let variants = variants
            .variant("BlakeTwo256", |v| hash(v, BLAKE_TWO_256))
            .variant("Sha256", |v| hash(v, SHA_256))
            .variant("Keccak256", |v| hash(v, KECCAK_256))
            .variant("ShaThree256", |v| hash(v, SHA_THREE_256))
            .variant("TimelockEncrypted", |v| {
                v.index(TIMELOCK_ENCRYPTED).fields(
                    Fields::named()
                        .field(|f| f.ty::<BoundedBytes<MAX_TIMELOCK_BYTES>>().name("encrypted"))
                        .field(|f| f.ty::<u64>().name("reveal_round")),
                )
            })
            .variant_unit("ResetBondsFlag", RESET_BONDS_FLAG)
            .variant("BigRaw", |v| {
                v.index(BIG_RAW)
                    .fields(Fields::unnamed().field(|f| f.ty::<BoundedBytes<MAX_BIGRAW_BYTES>>()))
            });
        scale_info::Type::builder()
            .path(scale_info::Path::new("Data", "pallet_commitments::types"))
            .variant(variants)
    }
}

/// A commitment's fields (`CommitmentInfo<MaxFields>`): encoded as a `Vec<Data>`; decoding
/// refuses more than [`MAX_FIELDS`] (so a call carrying more does not decode, as in subtensor).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, scale_info::TypeInfo)]
pub struct CommitmentInfo {
    /// The fields.
    pub fields: Vec<Data>,
}

impl Decode for CommitmentInfo {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let len = Compact::<u32>::decode(input)?.0;
        if len > MAX_FIELDS {
            return Err("more commitment fields than MaxFields".into());
        }
        let mut fields = Vec::new();
        for _ in 0..len {
            fields.push(Data::decode(input)?);
        }
        Ok(CommitmentInfo { fields })
    }
}

/// `CommitmentOf`'s value: the deposit held (rao), the block of the last commitment and its
/// fields. Decoding pads short input with zeros, as subtensor's (for values written before
/// fields were added).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, scale_info::TypeInfo)]
pub struct Registration {
    /// Deposit held for the commitment, in rao.
    pub deposit: u64,
    /// The block it was set at.
    pub block: u32,
    /// The fields.
    pub info: CommitmentInfo,
}

impl Decode for Registration {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let mut padded = ZeroPadded(input);
        let deposit = u64::decode(&mut padded)?;
        let block = u32::decode(&mut padded)?;
        let info = CommitmentInfo::decode(&mut padded)?;
        Ok(Registration {
            deposit,
            block,
            info,
        })
    }
}

/// An input that reads as zeros past its end (Substrate's `AppendZerosInput`).
struct ZeroPadded<'a, I>(&'a mut I);

impl<I: Input> Input for ZeroPadded<'_, I> {
    fn remaining_len(&mut self) -> Result<Option<usize>, codec::Error> {
        Ok(None)
    }

    fn read(&mut self, into: &mut [u8]) -> Result<(), codec::Error> {
        let filled = match self.0.remaining_len()? {
            Some(n) => {
                let readable = n.min(into.len());
                if let Some(head) = into.get_mut(..readable) {
                    self.0.read(head)?;
                }
                readable
            }
            None => {
                let mut read = 0usize;
                for b in into.iter_mut() {
                    match self.0.read_byte() {
                        Ok(v) => *b = v,
                        Err(_) => break,
                    }
                    read = read.saturating_add(1);
                }
                read
            }
        };
        if let Some(tail) = into.get_mut(filled..) {
            tail.fill(0);
        }
        Ok(())
    }
}

/// How much of the space budget an account used on a subnet, and in which epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct UsageTracker {
    /// The subnet's epoch index when the space was used.
    pub last_epoch: u64,
    /// Space used in that epoch.
    pub used_space: u64,
}

storage_value!(/// Every `(netuid, account)` whose commitment has a timelocked field.
    "Commitments", TimelockedIndex: BTreeSet<(NetUid, AccountId32)> = BTreeSet::new());
storage_double_map!(/// Each account's commitment on a subnet. Optional: read with `try_get`.
    optional "Commitments", CommitmentOf: Identity(NetUid), Twox64Concat(AccountId32) => Registration = Registration::default());
storage_double_map!(/// The block of each account's last commitment on a subnet. Optional.
    optional "Commitments", LastCommitment: Identity(NetUid), Twox64Concat(AccountId32) => u32 = 0);
storage_double_map!(/// The block each account last asked for a bonds reset on a subnet. Optional.
    optional "Commitments", LastBondsReset: Identity(NetUid), Twox64Concat(AccountId32) => u32 = 0);
storage_double_map!(/// Revealed timelocked fields with their reveal blocks (never written by Cortex: no drand).
    optional "Commitments", RevealedCommitments: Identity(NetUid), Twox64Concat(AccountId32) => Vec<(Vec<u8>, u64)> = Vec::new());
storage_double_map!(/// Space each account used on a subnet in its current epoch. Optional.
    optional "Commitments", UsedSpaceOf: Identity(NetUid), Twox64Concat(AccountId32) => UsageTracker = UsageTracker::default());
storage_value!(/// The space budget per account, subnet and epoch.
    "Commitments", MaxSpace: u32 = DEFAULT_MAX_SPACE);

/// `Commitments` calls (`pallets/commitments/src/lib.rs`).
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum CommitmentsCall {
    /// Sets the signer's commitment on `netuid` (the signer must be a hotkey registered there).
    #[codec(index = 0)]
    set_commitment {
        /// The subnet.
        netuid: NetUid,
        /// The commitment's fields.
        info: CommitmentInfo,
    },
    /// Root only: sets `MaxSpace`, the space each account may use per subnet and epoch.
    #[codec(index = 2)]
    set_max_space {
        /// The new budget.
        new_limit: u32,
    },
}

impl CommitmentsCall {
    /// The call's name.
    pub fn name(&self) -> &'static str {
        match self {
            CommitmentsCall::set_commitment { .. } => "set_commitment",
            CommitmentsCall::set_max_space { .. } => "set_max_space",
        }
    }
}

/// `Commitments` events, at subtensor's indices.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum CommitmentsEvent {
    /// A commitment was set.
    #[codec(index = 0)]
    Commitment {
        /// The subnet.
        netuid: NetUid,
        /// The committing hotkey.
        who: AccountId32,
    },
    /// A commitment with a timelocked field was set.
    #[codec(index = 1)]
    TimelockCommitment {
        /// The subnet.
        netuid: NetUid,
        /// The committing hotkey.
        who: AccountId32,
        /// The drand round of its first timelocked field.
        reveal_round: u64,
    },
    /// A timelocked field was revealed (never emitted by Cortex: no drand).
    #[codec(index = 2)]
    CommitmentRevealed {
        /// The subnet.
        netuid: NetUid,
        /// The committing hotkey.
        who: AccountId32,
    },
}

/// `Commitments` errors, in subtensor's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, scale_info::TypeInfo)]
#[repr(u8)]
pub enum CommitmentsError {
    /// More fields than [`MAX_FIELDS`].
    TooManyFieldsInCommitmentInfo = 0,
    /// The signer is not a hotkey registered on the subnet.
    AccountNotAllowedCommit = 1,
    /// The commitment would exceed the account's space budget for this epoch.
    SpaceLimitExceeded = 2,
    /// Releasing a deposit left some of it held (cannot happen: deposits are zero).
    UnexpectedUnreserveLeftover = 3,
}

impl From<CommitmentsError> for DispatchError {
    fn from(e: CommitmentsError) -> DispatchError {
        DispatchError::module(PALLET_INDEX, e as u8)
    }
}

/// What Commitments needs from SubtensorModule, as subtensor's `CanCommit`, `TempoInterface`
/// and `OnMetadataCommitment` give it: who may commit, the epoch the space budget follows, and
/// the bonds reset a commitment may ask for.
pub trait Subnets {
    /// Whether `who` is a hotkey registered on `netuid`.
    fn is_registered(&self, s: &Storage, netuid: NetUid, who: &AccountId32) -> bool;
    /// The subnet's epoch index (the space budget starts afresh each epoch).
    fn epoch_index(&self, s: &Storage, netuid: NetUid) -> u64;
    /// `who` committed a `ResetBondsFlag`: reset its bonds where the subnet allows it.
    fn reset_bonds(&self, s: &mut Storage, netuid: NetUid, who: &AccountId32);
}

/// The weight, class and fee mode of a Commitments call: subtensor's benchmarked weights
/// (`set_commitment` 5 reads, 4 writes, fee-free; `set_max_space` one write, paid).
pub fn info(call: &CommitmentsCall) -> (Weight, DispatchClass, Pays) {
    match call {
        CommitmentsCall::set_commitment { .. } => {
            (rw(5, 4, 33_480_000), DispatchClass::Normal, Pays::No)
        }
        CommitmentsCall::set_max_space { .. } => {
            (rw(0, 1, 2_856_000), DispatchClass::Normal, Pays::Yes)
        }
    }
}

/// Dispatches a `Commitments` call as `origin`.
pub fn dispatch(
    s: &mut Storage,
    ctx: &BlockContext,
    subnets: &dyn Subnets,
    origin: &Origin,
    call: &CommitmentsCall,
    events: &mut Vec<CommitmentsEvent>,
) -> Result<(), DispatchError> {
    match call {
        CommitmentsCall::set_commitment { netuid, info } => {
            let who = origin.signed()?;
            set_commitment(s, ctx.block, subnets, &who, *netuid, info, events)?;
        }
        CommitmentsCall::set_max_space { new_limit } => {
            origin.root()?;
            MaxSpace::put(s, new_limit);
        }
    }
    Ok(())
}

/// Sets `who`'s commitment on `netuid` at block `now`: `who` must be registered there, the
/// fields at most [`MAX_FIELDS`], and the space they use (their payload lengths, at least
/// [`MIN_USED_SPACE`]) within what is left of `MaxSpace` in the subnet's current epoch. A
/// `ResetBondsFlag` field resets `who`'s bonds where the subnet has bonds reset on.
pub fn set_commitment(
    s: &mut Storage,
    now: u64,
    subnets: &dyn Subnets,
    who: &AccountId32,
    netuid: NetUid,
    info: &CommitmentInfo,
    events: &mut Vec<CommitmentsEvent>,
) -> Result<(), CommitmentsError> {
    if !subnets.is_registered(s, netuid, who) {
        return Err(CommitmentsError::AccountNotAllowedCommit);
    }
    let field_count = u32::try_from(info.fields.len()).unwrap_or(u32::MAX);
    if field_count > MAX_FIELDS {
        return Err(CommitmentsError::TooManyFieldsInCommitmentInfo);
    }
    let block = u32::try_from(now).unwrap_or(u32::MAX);
    let required = info
        .fields
        .iter()
        .fold(0u64, |acc, f| acc.saturating_add(f.len_for_rate_limit()))
        .max(MIN_USED_SPACE);
    let mut usage = UsedSpaceOf::try_get(s, &netuid, who).unwrap_or_default();
    let epoch = subnets.epoch_index(s, netuid);
    if usage.last_epoch != epoch {
        usage = UsageTracker {
            last_epoch: epoch,
            used_space: 0,
        };
    }
    let used = usage.used_space.saturating_add(required);
    if used > u64::from(MaxSpace::get(s)) {
        return Err(CommitmentsError::SpaceLimitExceeded);
    }
    // Checks done; subtensor resets bonds before its space check, but a failure there rolls
    // the reset back, so doing it after is the same.
    if info.fields.contains(&Data::ResetBondsFlag) {
        LastBondsReset::insert(s, &netuid, who, &block);
        subnets.reset_bonds(s, netuid, who);
    }
    usage.used_space = used;
    UsedSpaceOf::insert(s, &netuid, who, &usage);
    let deposit =
        INITIAL_DEPOSIT.saturating_add(FIELD_DEPOSIT.saturating_mul(u64::from(field_count)));
    CommitmentOf::insert(
        s,
        &netuid,
        who,
        &Registration {
            deposit,
            block,
            info: info.clone(),
        },
    );
    LastCommitment::insert(s, &netuid, who, &block);
    let timelock = info.fields.iter().find_map(|f| match f {
        Data::TimelockEncrypted { reveal_round, .. } => Some(*reveal_round),
        _ => None,
    });
    // Subtensor rewrites the index either way (an empty set is stored, not deleted).
    let mut index = TimelockedIndex::get(s);
    match timelock {
        Some(reveal_round) => {
            index.insert((netuid, *who));
            events.push(CommitmentsEvent::TimelockCommitment {
                netuid,
                who: *who,
                reveal_round,
            });
        }
        None => {
            index.remove(&(netuid, *who));
            events.push(CommitmentsEvent::Commitment { netuid, who: *who });
        }
    }
    TimelockedIndex::put(s, &index);
    Ok(())
}

/// Deletes every commitment item of `netuid` (when the subnet is dissolved).
pub fn purge_netuid(s: &mut Storage, netuid: NetUid) {
    CommitmentOf::remove_prefix(s, &netuid);
    LastCommitment::remove_prefix(s, &netuid);
    LastBondsReset::remove_prefix(s, &netuid);
    RevealedCommitments::remove_prefix(s, &netuid);
    UsedSpaceOf::remove_prefix(s, &netuid);
    let mut index = TimelockedIndex::get(s);
    index.retain(|(n, _)| *n != netuid);
    TimelockedIndex::put(s, &index);
}

#[cfg(test)]
mod tests;
