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
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SystemEvent {
    #[codec(index = 0)]
    ExtrinsicSuccess { dispatch_info: DispatchInfo },
    #[codec(index = 1)]
    ExtrinsicFailed {
        dispatch_error: DispatchError,
        dispatch_info: DispatchInfo,
    },
    #[codec(index = 3)]
    NewAccount { account: AccountId32 },
    #[codec(index = 4)]
    KilledAccount { account: AccountId32 },
    #[codec(index = 5)]
    Remarked { sender: AccountId32, hash: [u8; 32] },
}

/// `frame_system`'s errors (Cortex returns none of them; the metadata names them).
#[allow(dead_code, missing_docs)]
#[derive(scale_info::TypeInfo)]
pub enum SystemError {
    InvalidSpecName,
    SpecVersionNeedsToIncrease,
    FailedToExtractRuntimeVersion,
    NonDefaultComposite,
    NonZeroRefCount,
    CallFiltered,
    MultiBlockMigrationsOngoing,
    NothingAuthorized,
    Unauthorized,
}

pallet_calls! {
    /// `System` calls.
    pub enum SystemCall {
        /// Does nothing but cost a fee.
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
