//! What every pallet is built with, as FRAME's `frame_support` is: the origin a call runs as,
//! the block it runs in, `DispatchError`, weights, fee classes and `MultiAddress`, with
//! Substrate's SCALE layouts (`spec/wire.md` §2.7); the weight formula of one call; the
//! [`Deposit`] trait through which a pallet emits events without knowing `RuntimeEvent`; and
//! [`pallet_calls!`], which declares a pallet's call enum with its indices and names.
//!
//! The dispatch types are the shapes clients decode from `System.Events` (`ExtrinsicFailed`
//! carries a `DispatchError`) and encode into calls (`MultiAddress` in `Balances` calls), so
//! variant order and field types are Substrate's.

use codec::{Compact, Decode, Encode};
use cortex_primitives::AccountId32;

/// Who a call is dispatched as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A signed extrinsic's signer.
    Signed(AccountId32),
    /// The chain itself (through `Sudo.sudo`).
    Root,
    /// An unsigned extrinsic or an inherent.
    None,
}

impl Origin {
    /// The signer, or `BadOrigin`.
    pub fn signed(&self) -> Result<AccountId32, DispatchError> {
        match self {
            Origin::Signed(who) => Ok(*who),
            _ => Err(DispatchError::BadOrigin),
        }
    }

    /// `Ok` for root, `BadOrigin` otherwise.
    pub fn root(&self) -> Result<(), DispatchError> {
        match self {
            Origin::Root => Ok(()),
            _ => Err(DispatchError::BadOrigin),
        }
    }

    /// `Ok` for an unsigned origin (inherents), `BadOrigin` otherwise.
    pub fn none(&self) -> Result<(), DispatchError> {
        match self {
            Origin::None => Ok(()),
            _ => Err(DispatchError::BadOrigin),
        }
    }
}

/// What a call sees of the block it runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockContext {
    /// The block number.
    pub block: u64,
    /// The block author, who receives fees (none: fees are burned).
    pub author: Option<AccountId32>,
}

/// `sp_runtime::ModuleError`: a pallet's index and the error's index in it (plus three bytes
/// Substrate reserves for nested errors, always zero here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct ModuleError {
    /// The pallet's index in the runtime.
    pub index: u8,
    /// The error's index in the pallet's `Error` enum, then three zero bytes.
    pub error: [u8; 4],
}

/// `sp_runtime::TokenError`, in Substrate's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum TokenError {
    /// The account's funds are unavailable: too low a balance for the amount (plus fees). Lower the
    /// amount or add funds.
    FundsUnavailable,
    /// The account would be reaped but something still depends on it. Keep the existential deposit.
    OnlyProvider,
    /// The account cannot be created: the amount is below the existential deposit.
    BelowMinimum,
    /// The account cannot be created.
    CannotCreate,
    /// The asset is unknown.
    UnknownAsset,
    /// The funds are frozen.
    Frozen,
    /// The operation is not supported for this asset.
    Unsupported,
    /// The account cannot be created to hold a balance on hold.
    CannotCreateHold,
    /// The withdrawal would reap an account that must stay alive. Withdraw less.
    NotExpendable,
    /// The account is blocked from receiving or sending funds.
    Blocked,
}

/// `sp_arithmetic::ArithmeticError`, in Substrate's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum ArithmeticError {
    /// A result fell below the type's lowest value.
    Underflow,
    /// A result rose above the type's highest value.
    Overflow,
    /// A division by zero.
    DivisionByZero,
}

/// `sp_runtime::TransactionalError`, in Substrate's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum TransactionalError {
    /// Too many nested storage transactions.
    LimitReached,
    /// A storage transaction was committed or rolled back with none open.
    NoLayer,
}

/// `sp_runtime::DispatchError`, in Substrate's order (the `Other` string is not encoded, as in
/// Substrate, and `Trie` carries no detail here).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, thiserror::Error, scale_info::TypeInfo,
)]
pub enum DispatchError {
    /// Some other error, without details.
    #[error("dispatch failed")]
    Other,
    /// An account address could not be looked up.
    #[error("an account address could not be looked up")]
    CannotLookup,
    /// The call was made by the wrong origin (a signer where root is needed, or the reverse).
    #[error("bad origin: the call needs another signer (or root)")]
    BadOrigin,
    /// An error of a pallet: the pallet's index and the error's index, which the metadata names.
    #[error("module error {0:?}")]
    Module(ModuleError),
    /// The account still has consumers and cannot be removed.
    #[error("the account has consumers and cannot be removed")]
    ConsumerRemaining,
    /// The account has no providers.
    #[error("the account has no providers")]
    NoProviders,
    /// The account has too many consumers.
    #[error("too many consumers")]
    TooManyConsumers,
    /// An error with funds (balances).
    #[error("token error: {0:?}")]
    Token(TokenError),
    /// An arithmetic error.
    #[error("arithmetic error: {0:?}")]
    Arithmetic(ArithmeticError),
    /// An error with storage transactions.
    #[error("transactional error: {0:?}")]
    Transactional(TransactionalError),
    /// The resources were exhausted (block too full).
    #[error("resources exhausted")]
    Exhausted,
    /// The state is corrupt.
    #[error("state corruption")]
    Corruption,
    /// A resource is unavailable (for now).
    #[error("resource unavailable")]
    Unavailable,
    /// Root may not make this call.
    #[error("root origin is not allowed")]
    RootNotAllowed,
}

impl DispatchError {
    /// A pallet's error number `error` as `Module { index, error: [error, 0, 0, 0] }`.
    pub fn module(index: u8, error: u8) -> DispatchError {
        DispatchError::Module(ModuleError {
            index,
            error: [error, 0, 0, 0],
        })
    }
}

/// `DispatchResult` as events encode it (`Sudo.Sudid`, `Utility.DispatchedAs`).
pub type DispatchResult = Result<(), DispatchError>;

/// `sp_weights::Weight`: execution time (picoseconds) and proof size (bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct Weight {
    /// Reference execution time, in picoseconds.
    #[codec(compact)]
    pub ref_time: u64,
    /// Proof size, in bytes.
    #[codec(compact)]
    pub proof_size: u64,
}

impl Weight {
    /// A weight of `ref_time` picoseconds and `proof_size` bytes.
    pub const fn from_parts(ref_time: u64, proof_size: u64) -> Weight {
        Weight {
            ref_time,
            proof_size,
        }
    }

    /// `n` times the weight, saturating.
    pub fn times(self, n: u64) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_mul(n),
            proof_size: self.proof_size.saturating_mul(n),
        }
    }

    /// The sum, saturating.
    pub fn saturating_add(self, other: Weight) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_add(other.ref_time),
            proof_size: self.proof_size.saturating_add(other.proof_size),
        }
    }
}

/// `frame_support::dispatch::DispatchClass`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum DispatchClass {
    /// An ordinary call.
    Normal,
    /// An operational call: it may use the block's reserved share, and fees are higher.
    Operational,
    /// A mandatory call (an inherent), always included.
    Mandatory,
}

/// `frame_support::dispatch::Pays`: whether the signer pays the call's fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum Pays {
    /// The signer pays the fee.
    Yes,
    /// The call is free.
    No,
}

/// `DispatchEventInfo`, as `ExtrinsicSuccess` and `ExtrinsicFailed` carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct DispatchInfo {
    /// The call's weight.
    pub weight: Weight,
    /// Its class.
    pub class: DispatchClass,
    /// Whether it paid a fee.
    pub pays_fee: Pays,
}

/// `sp_runtime::MultiAddress<AccountId32, ()>`: how `Balances` calls name an account.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum MultiAddress {
    /// An account id.
    Id(AccountId32),
    /// An account index (subtensor has no indices pallet: the index type is `()`).
    Index(Compact<()>),
    /// Raw bytes.
    Raw(Vec<u8>),
    /// A 32-byte address.
    Address32([u8; 32]),
    /// A 20-byte address.
    Address20([u8; 20]),
}

impl MultiAddress {
    /// The account it names: `Id` and `Address32` resolve, the others are `CannotLookup`.
    pub fn lookup(&self) -> Result<AccountId32, DispatchError> {
        match self {
            MultiAddress::Id(a) => Ok(*a),
            MultiAddress::Address32(b) => Ok(AccountId32(*b)),
            _ => Err(DispatchError::CannotLookup),
        }
    }
}

impl From<AccountId32> for MultiAddress {
    fn from(a: AccountId32) -> MultiAddress {
        MultiAddress::Id(a)
    }
}

/// Weight of one database read (25 µs) and write (100 µs), as Substrate's RocksDB constants.
const READ: u64 = 25_000_000;
const WRITE: u64 = 100_000_000;

/// A weight of `reads` database reads, `writes` writes and `compute` picoseconds: the formula
/// every pallet's call weights use (Cortex's estimates in subtensor's units).
pub fn rw(reads: u64, writes: u64, compute: u64) -> Weight {
    let t = READ
        .saturating_mul(reads)
        .saturating_add(WRITE.saturating_mul(writes))
        .saturating_add(compute);
    Weight::from_parts(t, reads.saturating_add(writes).saturating_mul(2_000))
}

/// `n` as a `u64` count for weights (saturating: no slice is that long).
pub fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Where a pallet's events go. A pallet emits its own event type, and sometimes another
/// pallet's (AdminUtils announces values with SubtensorModule's events, as subtensor does);
/// it names what it emits with `Deposit<E>` bounds, and the executive, which alone knows
/// `RuntimeEvent`, implements them. Inside a pallet, a `Vec` of its own events is a sink too.
pub trait Deposit<E> {
    /// Emits `event`.
    fn deposit(&mut self, event: E);
}

impl<E> Deposit<E> for Vec<E> {
    fn deposit(&mut self, event: E) {
        self.push(event);
    }
}

/// Declares a pallet's call enum with subtensor's call indices, argument names, order and
/// types, and its `name()` (the call name the metadata spells), from one list:
/// `pallet_calls! { /// docs  pub enum Name { /// docs  call = index { arg: Type, … }, … } }`.
///
/// Every attribute before a call, its `///` comment included, goes onto the enum's variant, so
/// with scale-info's `docs` the comment reaches the metadata, where clients show it as the
/// call's description; a call without one is a `missing_docs` warning. Field attributes
/// (`#[codec(compact)]`, `///` comments) pass through the same way; an argument needs no
/// comment of its own, as the call's comment says what its arguments mean.
#[macro_export]
macro_rules! pallet_calls {
    (
        $(#[$meta:meta])*
        pub enum $enum:ident {
            $( $(#[$doc:meta])* $call:ident = $idx:tt { $( $(#[$fattr:meta])* $field:ident : $ty:ty ),* $(,)? } ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
        pub enum $enum {
            $(
                $(#[$doc])*
                #[codec(index = $idx)]
                $call { $( $(#[$fattr])* #[allow(missing_docs)] $field: $ty ),* },
            )*
        }

        impl $enum {
            /// The call's name, as the metadata spells it.
            pub fn name(&self) -> &'static str {
                match self {
                    $( $enum::$call { .. } => stringify!($call), )*
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_error_encodes_like_substrate() {
        assert_eq!(
            DispatchError::module(7, 12).encode(),
            vec![3, 7, 12, 0, 0, 0]
        );
        assert_eq!(
            DispatchError::Token(TokenError::FundsUnavailable).encode(),
            vec![7, 0]
        );
        assert_eq!(DispatchError::BadOrigin.encode(), vec![2]);
    }

    #[test]
    fn dispatch_info_encodes_compact_weights() {
        let info = DispatchInfo {
            weight: Weight::from_parts(1, 2),
            class: DispatchClass::Normal,
            pays_fee: Pays::No,
        };
        assert_eq!(info.encode(), vec![4, 8, 0, 1]);
    }

    #[test]
    fn multi_address_lookup() {
        let a = AccountId32([7; 32]);
        let enc = MultiAddress::Id(a).encode();
        assert_eq!(enc.len(), 33);
        assert_eq!(enc[0], 0);
        let back = MultiAddress::decode(&mut &enc[..]).unwrap();
        assert_eq!(back.lookup().unwrap(), a);
        assert_eq!(
            MultiAddress::Address20([0; 20]).lookup(),
            Err(DispatchError::CannotLookup)
        );
    }
}
