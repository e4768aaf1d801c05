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

use crate::pallet_calls;
use crate::storage::Storage;
use crate::subtensor::coinbase::RecycleOrBurnEnum;
use crate::subtensor::storage::*;
use crate::support::DispatchError;
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::{I96F32, U64F64};

mod call;

pub use call::{call_info, dispatch};

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

pallet_calls! {
    /// AdminUtils calls (`pallets/admin-utils/src/lib.rs`): subtensor's call indices, argument
    /// names, order and types.
    pub enum AdminUtilsCall {
    /// Root only: sets the default delegate take (the most a delegate may take).
    sudo_set_default_take = 1 { default_take: u16 },
    /// Root only: sets the global transaction rate limit, in blocks.
    sudo_set_tx_rate_limit = 2 { tx_rate_limit: u64 },
    /// Owner or root: sets how many blocks must pass between axon or Prometheus updates on the
    /// subnet.
    sudo_set_serving_rate_limit = 3 { netuid: NetUid, serving_rate_limit: u64 },
    /// Owner or root: sets the subnet's maximum proof-of-work difficulty (a legacy parameter).
    sudo_set_max_difficulty = 5 { netuid: NetUid, max_difficulty: u64 },
    /// Owner or root: sets the lowest weights version key the subnet accepts.
    sudo_set_weights_version_key = 6 { netuid: NetUid, weights_version_key: u64 },
    /// Root only: sets how many blocks must pass between a neuron's weight settings on the subnet.
    sudo_set_weights_set_rate_limit = 7 { netuid: NetUid, weights_set_rate_limit: u64 },
    /// Owner or root: sets the subnet's difficulty adjustment alpha (a legacy parameter).
    sudo_set_adjustment_alpha = 9 { netuid: NetUid, adjustment_alpha: u64 },
    /// Owner or root: sets how many blocks a new neuron is safe from pruning on the subnet.
    sudo_set_immunity_period = 13 { netuid: NetUid, immunity_period: u16 },
    /// Owner or root: sets the fewest weights a validator must set on the subnet.
    sudo_set_min_allowed_weights = 14 { netuid: NetUid, min_allowed_weights: u16 },
    /// Owner or root: sets the subnet's number of uid slots (at least its current neurons and its
    /// minimum, at most 256 over all mechanisms).
    sudo_set_max_allowed_uids = 15 { netuid: NetUid, max_allowed_uids: u16 },
    /// Root only: sets the subnet's kappa (the consensus majority threshold).
    sudo_set_kappa = 16 { netuid: NetUid, kappa: u16 },
    /// Owner or root: sets the subnet's rho (incentive steepness).
    sudo_set_rho = 17 { netuid: NetUid, rho: u16 },
    /// Owner or root: sets the subnet's activity cutoff, in blocks (not below the chain's minimum).
    /// Writes the deprecated absolute value, as subtensor does; the epoch reads
    /// `ActivityCutoffFactorMilli`.
    sudo_set_activity_cutoff = 18 { netuid: NetUid, activity_cutoff: u16 },
    /// Root only: allows or forbids registration on the subnet.
    sudo_set_network_registration_allowed = 19 { netuid: NetUid, registration_allowed: bool },
    /// Always fails: proof-of-work registration is gone.
    sudo_set_network_pow_registration_allowed = 20 { netuid: NetUid, registration_allowed: bool },
    /// Root only, outside the subnet's admin freeze window: sets how many registrations per
    /// interval the subnet aims for (today it only binds root registrations).
    sudo_set_target_registrations_per_interval = 21 { netuid: NetUid, target_registrations_per_interval: u16 },
    /// Owner or root: sets the subnet's lowest registration burn (below 1 TAO and below the highest
    /// burn).
    sudo_set_min_burn = 22 { netuid: NetUid, min_burn: u64 },
    /// Owner or root: sets the subnet's highest registration burn (above 0.1 TAO and above the
    /// lowest burn).
    sudo_set_max_burn = 23 { netuid: NetUid, max_burn: u64 },
    /// Root only: sets how many validator permits the subnet grants (at most its uid slots).
    sudo_set_max_allowed_validators = 25 { netuid: NetUid, max_allowed_validators: u16 },
    /// Owner or root: sets the subnet's bonds moving average (an owner may set at most 975 000).
    sudo_set_bonds_moving_average = 26 { netuid: NetUid, bonds_moving_average: u64 },
    /// Root only, outside the subnet's admin freeze window: sets the most registrations one block
    /// admits on the subnet (today it only binds root registrations).
    sudo_set_max_registrations_per_block = 27 { netuid: NetUid, max_registrations_per_block: u16 },
    /// Root only: sets the share of each subnet's emission its owner receives.
    sudo_set_subnet_owner_cut = 28 { subnet_owner_cut: u16 },
    /// Root only: sets how many blocks must pass between subnet registrations.
    sudo_set_network_rate_limit = 29 { rate_limit: u64 },
    /// Root only: sets the subnet's tempo (blocks between epochs) and restarts its epoch cycle.
    sudo_set_tempo = 30 { netuid: NetUid, tempo: u16 },
    /// Always fails: deprecated.
    sudo_set_total_issuance = 33 { total_issuance: u64 },
    /// Root only: sets how many blocks a new subnet is safe from pruning.
    sudo_set_network_immunity_period = 35 { immunity_period: u64 },
    /// Root only: sets the lowest TAO lock cost of registering a subnet.
    sudo_set_network_min_lock_cost = 36 { lock_cost: u64 },
    /// Root only: sets the most subnets the chain may have.
    sudo_set_subnet_limit = 37 { max_subnets: u16 },
    /// Root only: sets the interval, in blocks, over which the subnet lock cost falls back.
    sudo_set_lock_reduction_interval = 38 { interval: u64 },
    /// Root only: sets the rao recorded as recycled by registrations on the subnet.
    sudo_set_rao_recycled = 39 { netuid: NetUid, rao_recycled: u64 },
    /// Root only: sets the least stake a hotkey needs to set weights.
    sudo_set_stake_threshold = 42 { min_stake: u64 },
    /// Root only: sets the least stake a nominator must keep; smaller nominations are removed when
    /// it rises.
    sudo_set_nominator_min_required_stake = 43 { min_stake: u64 },
    /// Root only: sets how many blocks must pass between a delegate's take increases.
    sudo_set_tx_delegate_take_rate_limit = 45 { tx_rate_limit: u64 },
    /// Root only: sets the lowest delegate take.
    sudo_set_min_delegate_take = 46 { take: u16 },
    /// Owner or root: switches commit-reveal of weights on or off for the subnet.
    sudo_set_commit_reveal_weights_enabled = 49 { netuid: NetUid, enabled: bool },
    /// Owner or root: switches liquid alpha on or off for the subnet.
    sudo_set_liquid_alpha_enabled = 50 { netuid: NetUid, enabled: bool },
    /// Owner or root: sets the subnet's liquid alpha bounds (liquid alpha must be on; the low bound
    /// at least 0.025 and at most the high one).
    sudo_set_alpha_values = 51 { netuid: NetUid, alpha_low: u16, alpha_high: u16 },
    /// Owner or root: sets the subnet's commit-reveal period, in epochs (1 to 100).
    sudo_set_commit_reveal_weights_interval = 57 { netuid: NetUid, interval: u64 },
    /// Owner or root: sets the subnet's bonds penalty.
    sudo_set_bonds_penalty = 60 { netuid: NetUid, bonds_penalty: u16 },
    /// Owner or root: allows or forbids stake transfers on the subnet.
    sudo_set_toggle_transfer = 61 { netuid: NetUid, toggle: bool },
    /// Root only: sets the alpha of the subnets' moving price average.
    sudo_set_subnet_moving_alpha = 63 { alpha: I96F32 },
    /// Owner or root: sets the subnet's owner hotkey (at most once per 50 400 blocks).
    sudo_set_subnet_owner_hotkey = 64 { netuid: NetUid, hotkey: AccountId32 },
    /// Root only: sets the subnet's moving price halving period, in blocks.
    sudo_set_ema_price_halving_period = 65 { netuid: NetUid, ema_halving: u64 },
    /// Root only: enables or disables trading of the subnet's token.
    sudo_set_subtoken_enabled = 66 { netuid: NetUid, subtoken_enabled: bool },
    /// Owner or root: sets the subnet's owner hotkey (at most once per 50 400 blocks).
    sudo_set_sn_owner_hotkey = 67 { netuid: NetUid, hotkey: AccountId32 },
    /// Owner or root: sets the subnet's alpha sigmoid steepness (negative values are root's only).
    sudo_set_alpha_sigmoid_steepness = 68 { netuid: NetUid, steepness: i16 },
    /// Owner or root: switches Yuma 3 consensus on or off for the subnet.
    sudo_set_yuma3_enabled = 69 { netuid: NetUid, enabled: bool },
    /// Owner or root: allows or forbids bonds resets on the subnet.
    sudo_set_bonds_reset_enabled = 70 { netuid: NetUid, enabled: bool },
    /// Owner or root: sets how many of the owner's neurons are immune from pruning (1 to 10).
    sudo_set_owner_immune_neuron_limit = 72 { netuid: NetUid, immune_neurons: u16 },
    /// Root only: sets the admin freeze window, the blocks before each epoch in which owners may
    /// not change hyperparameters.
    sudo_set_admin_freeze_window = 74 { window: u16 },
    /// Root only: sets how many tempos must pass between an owner's changes of one hyperparameter.
    sudo_set_owner_hparam_rate_limit = 75 { epochs: u16 },
    /// Root only: sets the subnet's fewest uid slots (below its uid slots and its current neurons).
    sudo_set_min_allowed_uids = 79 { netuid: NetUid, min_allowed_uids: u16 },
    /// Owner or root: chooses whether the subnet's registration and owner costs are recycled or
    /// burned.
    sudo_set_recycle_or_burn = 80 { netuid: NetUid, recycle_or_burn: RecycleOrBurnEnum },
    /// Root only: sets the fewest neurons on the subnet that must stay prunable.
    sudo_set_min_non_immune_uids = 84 { netuid: NetUid, min: u16 },
    /// Root only: sets how many blocks after registration a subnet's owner must wait to start
    /// emission.
    sudo_set_start_call_delay = 85 { delay: u64 },
    /// Owner or root: sets the subnet's registration burn half-life, in blocks (1 to 36 100; not on
    /// root).
    sudo_set_burn_half_life = 89 { netuid: NetUid, burn_half_life: u16 },
    /// Owner or root: sets how much each registration raises the subnet's burn (1 to 3; not on
    /// root).
    sudo_set_burn_increase_mult = 90 { netuid: NetUid, burn_increase_mult: U64F64 },
    /// Owner or root: switches the owner's cut of the subnet's emission on or off (not on root).
    sudo_set_owner_cut_enabled = 92 { netuid: NetUid, enabled: bool },
    /// Root only: switches the subnet's emission on or off (not on root).
    sudo_set_subnet_emission_enabled = 94 { netuid: NetUid, enabled: bool },
    /// Root only: sets the most epochs that may run in one block (at least 1); others are deferred.
    sudo_set_max_epochs_per_block = 96 { max_epochs_per_block: u8 },
    }
}

/// AdminUtils' events, with their indices (`PrecompileUpdated`, 0, is never emitted).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum AdminUtilsEvent {
    /// Yuma 3 consensus was switched on or off for a subnet.
    #[codec(index = 1)]
    Yuma3EnableToggled {
        /// The subnet.
        netuid: NetUid,
        /// Whether Yuma 3 is on.
        enabled: bool,
    },
    /// Bonds resets were allowed or forbidden on a subnet.
    #[codec(index = 2)]
    BondsResetToggled {
        /// The subnet.
        netuid: NetUid,
        /// Whether bonds resets are allowed.
        enabled: bool,
    },
    /// A subnet's registration burn half-life was set.
    #[codec(index = 3)]
    BurnHalfLifeSet {
        /// The subnet.
        netuid: NetUid,
        /// The half-life, in blocks.
        burn_half_life: u16,
    },
    /// A subnet's registration burn multiplier was set.
    #[codec(index = 4)]
    BurnIncreaseMultSet {
        /// The subnet.
        netuid: NetUid,
        /// How much each registration multiplies the burn by.
        burn_increase_mult: U64F64,
    },
    /// A subnet's emission was switched on or off.
    #[codec(index = 5)]
    SubnetEmissionEnabledSet {
        /// The subnet.
        netuid: NetUid,
        /// Whether the subnet receives emission.
        enabled: bool,
    },
}

/// AdminUtils' errors, in subtensor's order. Each one's doc comment is what clients print
/// when a setter fails with it (the metadata carries it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, scale_info::TypeInfo)]
#[repr(u8)]
pub enum AdminUtilsError {
    /// No subnet exists with this netuid. Check the netuid.
    SubnetDoesNotExist = 0,
    /// The maximum number of validators would exceed the subnet's maximum number of uids. Choose a
    /// smaller value or raise max_allowed_uids first.
    MaxValidatorsLargerThanMaxUIds = 1,
    /// The maximum number of uids is below the number of neurons the subnet has now. Choose at
    /// least the current count (or trim the subnet first).
    MaxAllowedUIdsLessThanCurrentUIds = 2,
    /// The bonds moving average is above the highest value a subnet owner may set. Choose a smaller
    /// value.
    BondsMovingAverageMaxReached = 3,
    /// Only root may set a negative alpha sigmoid steepness. Choose a value of zero or more.
    NegativeSigmoidSteepness = 4,
    /// The value is outside the bounds allowed for this parameter (for burns: min below max, within
    /// their limits). Choose a value within the bounds.
    ValueNotInBounds = 5,
    /// The minimum number of uids must be below the subnet's current number of neurons. Choose a
    /// smaller value.
    MinAllowedUidsGreaterThanCurrentUids = 6,
    /// The minimum number of uids must be below the maximum number of uids. Choose a smaller value.
    MinAllowedUidsGreaterThanMaxAllowedUids = 7,
    /// The maximum number of uids is below the minimum number of uids. Choose a larger value.
    MaxAllowedUidsLessThanMinAllowedUids = 8,
    /// The maximum number of uids is above the chain's limit (256). Choose a smaller value.
    MaxAllowedUidsGreaterThanDefaultMaxAllowedUids = 9,
    /// The value is outside the range allowed for this parameter. Choose a value within the bounds.
    InvalidValue = 10,
    /// This parameter cannot be set on the root subnet. Use another netuid.
    NotPermittedOnRootSubnet = 11,
    /// Proof-of-work registration is gone; it cannot be switched on. Use burned registration.
    POWRegistrationDisabled = 12,
    /// This call is deprecated and always fails.
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
