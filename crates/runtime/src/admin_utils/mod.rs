//! AdminUtils (pallet 19): the hyperparameter setters, with subtensor's call indices, argument
//! lists, origins, checks, errors and events (`spec/economy.md` §7, §8.2), plus the owner rules
//! SubtensorModule shares with them: the admin freeze window, the owner rate limits, and the
//! owner-side `set_tempo` and `trigger_epoch` (§2.6).
//!
//! Who may call: root (through `Sudo.sudo`) may call every setter; a subnet's owner (the signed
//! coldkey in `SubnetOwner`) only the "owner or root" ones. An owner's change is refused inside
//! the admin freeze window (the last `AdminFreezeWindow` blocks before the subnet's next epoch,
//! or while a triggered epoch is pending) and at most once per `OwnerHyperparamRateLimit` tempos
//! per (subnet, parameter); root is never rate limited but most subnet setters still respect the
//! window, so that parameters do not change under validators while they submit weights.
//!
//! Values are written to SubtensorModule's storage and announced with SubtensorModule's events,
//! as subtensor does; a few setters also (or only) emit AdminUtils' own events. Where subtensor
//! checks a bound with one of AdminUtils' errors (module 19) or SubtensorModule's (module 7), the
//! same error is returned here.

#![allow(non_camel_case_types)]

use crate::subtensor::storage::*;
use crate::storage::Storage;
use crate::support::DispatchError;
use codec::{Decode, Encode};
use cortex_primitives::NetUid;
use substrate_fixed::types::U64F64;

mod call;

pub use call::{AdminUtilsCall, call_info, dispatch};

/// AdminUtils' pallet index.
pub const PALLET_INDEX: u8 = 19;

/// Most uid slots a subnet may have (over all its mechanisms).
pub const DEFAULT_MAX_ALLOWED_UIDS: u16 = 256;

/// `MinBurn` must stay below this (1 TAO).
pub const MIN_BURN_UPPER_BOUND: u64 = 1_000_000_000;

/// `MaxBurn` must stay above this (0.1 TAO).
pub const MAX_BURN_LOWER_BOUND: u64 = 100_000_000;

/// Highest bonds moving average an owner may set (root is not bounded).
pub const OWNER_MAX_BONDS_MOVING_AVERAGE: u64 = 975_000;

/// Bounds of `ImmuneOwnerUidsLimit`.
pub const MIN_IMMUNE_OWNER_UIDS_LIMIT: u16 = 1;

/// Upper bound of `ImmuneOwnerUidsLimit`.
pub const MAX_IMMUNE_OWNER_UIDS_LIMIT: u16 = 10;

/// Longest burn half-life, in blocks.
pub const MAX_BURN_HALF_LIFE: u16 = 36_100;

/// Bounds of the commit-reveal period, in epochs.
pub const MIN_COMMIT_REVEAL_PERIODS: u64 = 1;

/// Upper bound of the commit-reveal period, in epochs.
pub const MAX_COMMIT_REVEAL_PERIODS: u64 = 100;

/// Lowest liquid-alpha bound: `65535 / 40` (about 0.025).
pub const MIN_ALPHA_VALUE: u16 = 1_638;

/// AdminUtils' events, with their indices (`PrecompileUpdated`, 0, is never emitted).
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum AdminUtilsEvent {
    #[codec(index = 1)]
    Yuma3EnableToggled { netuid: NetUid, enabled: bool },
    #[codec(index = 2)]
    BondsResetToggled { netuid: NetUid, enabled: bool },
    #[codec(index = 3)]
    BurnHalfLifeSet { netuid: NetUid, burn_half_life: u16 },
    #[codec(index = 4)]
    BurnIncreaseMultSet {
        netuid: NetUid,
        burn_increase_mult: U64F64,
    },
    #[codec(index = 5)]
    SubnetEmissionEnabledSet { netuid: NetUid, enabled: bool },
}

/// AdminUtils' errors, in subtensor's order.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, scale_info::TypeInfo)]
#[repr(u8)]
pub enum AdminUtilsError {
    SubnetDoesNotExist = 0,
    MaxValidatorsLargerThanMaxUIds = 1,
    MaxAllowedUIdsLessThanCurrentUIds = 2,
    BondsMovingAverageMaxReached = 3,
    NegativeSigmoidSteepness = 4,
    ValueNotInBounds = 5,
    MinAllowedUidsGreaterThanCurrentUids = 6,
    MinAllowedUidsGreaterThanMaxAllowedUids = 7,
    MaxAllowedUidsLessThanMinAllowedUids = 8,
    MaxAllowedUidsGreaterThanDefaultMaxAllowedUids = 9,
    InvalidValue = 10,
    NotPermittedOnRootSubnet = 11,
    POWRegistrationDisabled = 12,
    Deprecated = 13,
}

impl From<AdminUtilsError> for DispatchError {
    fn from(e: AdminUtilsError) -> DispatchError {
        DispatchError::module(PALLET_INDEX, e as u8)
    }
}

pub(crate) fn ensure_exists(s: &Storage, netuid: NetUid) -> Result<(), AdminUtilsError> {
    if NetworksAdded::get(s, &netuid) {
        Ok(())
    } else {
        Err(AdminUtilsError::SubnetDoesNotExist)
    }
}

pub(crate) fn ensure_not_root(netuid: NetUid) -> Result<(), AdminUtilsError> {
    if netuid.is_root() {
        Err(AdminUtilsError::NotPermittedOnRootSubnet)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
