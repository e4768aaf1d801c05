//! System (pallet 0), with frame_system's storage, calls, events and errors: the block number,
//! the parent and recent block hashes, the extrinsic count, `remark`, and the events that report
//! an extrinsic's outcome (`ExtrinsicSuccess`, `ExtrinsicFailed`).
//!
//! Two of frame_system's items live elsewhere: `System.Account` with [`crate::balances`], the
//! only pallet that changes accounts, and `System.Events` with [`crate::event`], because it holds
//! `RuntimeEvent`s, which only the aggregate knows.

use crate::storage::Storage;
use crate::support::{
    Deposit, DispatchClass, DispatchError, DispatchInfo, Origin, Pays, Weight, rw,
};
use crate::{pallet_calls, storage_map, storage_value};
use codec::{Decode, Encode};
use cortex_primitives::AccountId32;
use cortex_primitives::hashing::blake2_256;

/// System's pallet index.
pub const PALLET_INDEX: u8 = 0;
/// How many recent block hashes `System.BlockHash` keeps (mortal eras refer to them).
pub const BLOCK_HASH_COUNT: u32 = 2_400;
/// `System.SS58Prefix`: the generic Substrate prefix 42.
pub const SS58_PREFIX: u16 = 42;

storage_value!(/// The current block number.
    "System", Number: u32 = 0);
storage_value!(/// The parent block's hash.
    "System", ParentHash: [u8; 32] = [0; 32]);
storage_map!(/// Hashes of recent blocks by number (the last [`BLOCK_HASH_COUNT`]).
    "System", BlockHash: Twox64Concat(u32) => [u8; 32] = [0; 32]);
storage_value!(/// Extrinsics applied in the current block.
    optional "System", ExtrinsicCount: u32 = 0);
storage_value!(/// The current block's header digest (its consensus engine's pre-runtime items).
    "System", Digest: DigestLogs = DigestLogs::default());

/// `sp_runtime::generic::digest::DigestItem`: one item of a header's digest. Clients decode
/// header logs with this type from the metadata.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum DigestItem {
    /// A consensus engine's item from the block's author (`engine id`, data).
    #[codec(index = 6)]
    PreRuntime([u8; 4], Vec<u8>),
    /// A message from the runtime to a consensus engine.
    #[codec(index = 4)]
    Consensus([u8; 4], Vec<u8>),
    /// A seal (the author's signature).
    #[codec(index = 5)]
    Seal([u8; 4], Vec<u8>),
    /// Anything else.
    #[codec(index = 0)]
    Other(Vec<u8>),
    /// The runtime's code or heap pages changed.
    #[codec(index = 8)]
    RuntimeEnvironmentUpdated,
}

/// `sp_runtime::generic::digest::Digest`: a header's digest items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct DigestLogs {
    /// The items, in order.
    pub logs: Vec<DigestItem>,
}

/// `frame_system::Phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum Phase {
    /// While applying the extrinsic at this index of the block.
    ApplyExtrinsic(u32),
    /// While finalizing the block.
    Finalization,
    /// While initializing the block (`on_initialize`: coinbase, epochs).
    Initialization,
}

/// `frame_system` events.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SystemEvent {
    /// An extrinsic was applied and its call succeeded.
    #[codec(index = 0)]
    ExtrinsicSuccess {
        /// The call's weight, class and fee mode.
        dispatch_info: DispatchInfo,
    },
    /// An extrinsic was applied and its call failed: nothing it did was kept, but the fee was
    /// paid.
    #[codec(index = 1)]
    ExtrinsicFailed {
        /// Why the call failed (for a pallet's error, its index and the error's).
        dispatch_error: DispatchError,
        /// The call's weight, class and fee mode.
        dispatch_info: DispatchInfo,
    },
    /// A new account was created.
    #[codec(index = 3)]
    NewAccount {
        /// The account.
        account: AccountId32,
    },
    /// An account was reaped.
    #[codec(index = 4)]
    KilledAccount {
        /// The account.
        account: AccountId32,
    },
    /// An account made a remark (`remark_with_event`).
    #[codec(index = 5)]
    Remarked {
        /// Who made it.
        sender: AccountId32,
        /// The remark's BLAKE2-256 hash.
        hash: [u8; 32],
    },
}

/// `frame_system`'s errors (Cortex returns none of them; the metadata names them).
#[allow(dead_code)]
#[derive(scale_info::TypeInfo)]
pub enum SystemError {
    /// The new runtime's spec name differs from the current one.
    InvalidSpecName,
    /// The new runtime's spec version is not higher than the current one.
    SpecVersionNeedsToIncrease,
    /// The runtime version could not be read from the new runtime code.
    FailedToExtractRuntimeVersion,
    /// An account with non-default composite data cannot be killed.
    NonDefaultComposite,
    /// The account still has references, so it cannot be removed.
    NonZeroRefCount,
    /// The origin is not allowed to make this call (it was filtered out).
    CallFiltered,
    /// A multi-block migration is running, so the call is refused. Try again later.
    MultiBlockMigrationsOngoing,
    /// No upgrade was authorized.
    NothingAuthorized,
    /// The submitted code is not the authorized upgrade.
    Unauthorized,
}

pallet_calls! {
    /// `System` calls.
    pub enum SystemCall {
        /// Records a remark: does nothing but cost a fee.
        remark = 0 { remark: Vec<u8> },
        /// Like `remark`, and emits `Remarked` with the remark's hash.
        remark_with_event = 7 { remark: Vec<u8> },
    }
}

/// The weight, class and fee mode of a System call.
pub fn info(_call: &SystemCall) -> (Weight, DispatchClass, Pays) {
    (rw(0, 0, 2_000_000), DispatchClass::Normal, Pays::Yes)
}

/// Runs a System call: signed, or root (whose remark is attributed to the zero account).
pub fn dispatch(
    origin: &Origin,
    call: &SystemCall,
    events: &mut impl Deposit<SystemEvent>,
) -> Result<(), DispatchError> {
    let who = origin.signed().or_else(|e| match origin {
        Origin::Root => Ok(AccountId32([0; 32])),
        _ => Err(e),
    })?;
    if let SystemCall::remark_with_event { remark } = call {
        events.deposit(SystemEvent::Remarked {
            sender: who,
            hash: blake2_256(remark),
        });
    }
    Ok(())
}

/// Starts block `number` on top of `parent_hash`: records both, keeps the parent's hash among
/// the recent ones (dropping the one that falls out of [`BLOCK_HASH_COUNT`]) and clears the
/// previous block's extrinsic count.
pub fn initialize(s: &mut Storage, number: u32, parent_hash: [u8; 32]) {
    Number::put(s, &number);
    ParentHash::put(s, &parent_hash);
    if let Some(parent) = number.checked_sub(1) {
        BlockHash::insert(s, &parent, &parent_hash);
        if let Some(old) = parent.checked_sub(BLOCK_HASH_COUNT) {
            BlockHash::remove(s, &old);
        }
    }
    ExtrinsicCount::kill(s);
}
