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

use crate::storage::Storage;
use crate::subtensor::coinbase::{
    EMAPriceHalvingBlocks, OwnerCutEnabled, RecycleOrBurn, RecycleOrBurnEnum, SubnetMovingAlpha,
};
use crate::subtensor::errors::Error;
use crate::subtensor::events::Event;
use crate::subtensor::neurons::MinNonImmuneUids;
pub use crate::subtensor::serving::{MaxDelegateTake, MinDelegateTake, TxDelegateTakeRateLimit};
use crate::subtensor::shares::{HotkeyPool, stake_of};
pub use crate::subtensor::stake_ops::{NominatorMinRequiredStake, TransferToggle};
use crate::subtensor::staking::limit_price;
use crate::subtensor::storage::*;
use crate::subtensor::subnets::{
    LastRateLimitedBlock, RAORecycledForRegistration, RateLimitKey, StartCallDelay, pool,
    subnet_of_account,
};
use crate::support::{BlockContext, Deposit, DispatchClass, DispatchError, Origin, Pays, Weight};
use crate::swap::MIN_PRICE;
use crate::{storage_map, storage_value};
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::{I96F32, U64F64};

/// AdminUtils' pallet index.
pub const PALLET_INDEX: u8 = 19;
/// Shortest tempo an owner may set.
pub const MIN_TEMPO: u16 = 360;
/// Longest tempo an owner may set.
pub const MAX_TEMPO: u16 = 50_400;
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
/// Blocks between two changes of a subnet's owner hotkey (a week).
pub const SET_SN_OWNER_HOTKEY_RATE_LIMIT: u64 = 50_400;

storage_value!(/// Blocks between two rate-limited transactions of one key.
    "SubtensorModule", TxRateLimit: u64 = 1_000);
storage_map!(/// Legacy proof-of-work difficulty ceiling (unused).
    "SubtensorModule", MaxDifficulty: Identity(NetUid) => u64 = u64::MAX / 4);
storage_map!(/// Legacy difficulty adjustment smoothing (unused).
    "SubtensorModule", AdjustmentAlpha: Identity(NetUid) => u64 = 0);
storage_map!(/// Absolute activity cutoff in blocks (deprecated: the epoch reads
    /// `ActivityCutoffFactorMilli`).
    "SubtensorModule", ActivityCutoff: Identity(NetUid) => u16 = 5_000);
storage_value!(/// Lowest absolute activity cutoff.
    "SubtensorModule", MinActivityCutoff: u16 = 360);
storage_value!(/// Blocks before each epoch in which owners may not change hyperparameters.
    "SubtensorModule", AdminFreezeWindow: u16 = 10);
storage_value!(/// Tempos between two changes of one hyperparameter by a subnet owner.
    "SubtensorModule", OwnerHyperparamRateLimit: u16 = 2);
storage_value!(/// Tempos between two changes of the weights version key by a subnet owner.
    "SubtensorModule", WeightsVersionKeyRateLimit: u64 = 5);

/// `TransactionKeyLastBlock`: the block of the last rate-limited transaction per
/// `(key, netuid, transaction type)`; a storage N-map (Blake2_128Concat, Identity, Identity), so
/// its key is built here by hand.
pub mod transaction_key_last_block {
    use super::*;
    use cortex_primitives::hashing::StorageHasher;

    /// The storage key of `(key, netuid, tx_type)`.
    pub fn key(who: &AccountId32, netuid: NetUid, tx_type: u16) -> Vec<u8> {
        let mut key =
            crate::storage::__prefix("SubtensorModule", "TransactionKeyLastBlock").to_vec();
        StorageHasher::Blake2_128Concat.hash_into(&who.encode(), &mut key);
        StorageHasher::Identity.hash_into(&netuid.encode(), &mut key);
        StorageHasher::Identity.hash_into(&tx_type.encode(), &mut key);
        key
    }

    /// The last block (0: never).
    pub fn get(s: &Storage, who: &AccountId32, netuid: NetUid, tx_type: u16) -> u64 {
        let k = key(who, netuid, tx_type);
        crate::storage::decode_or_none(&k, s.get(&k)).unwrap_or(0)
    }

    /// Records `block`.
    pub fn insert(s: &mut Storage, who: &AccountId32, netuid: NetUid, tx_type: u16, block: u64) {
        s.set(key(who, netuid, tx_type), block.encode());
    }
}

/// Subtensor's `Hyperparameter`: which owner setter a rate-limit entry belongs to (encoded as
/// its discriminant in `LastRateLimitedBlock` keys).
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum Hyperparameter {
    Unknown = 0,
    ServingRateLimit = 1,
    MaxDifficulty = 2,
    AdjustmentAlpha = 3,
    MaxWeightLimit = 4,
    ImmunityPeriod = 5,
    MinAllowedWeights = 6,
    Kappa = 7,
    Rho = 8,
    ActivityCutoff = 9,
    PowRegistrationAllowed = 10,
    MinBurn = 11,
    MaxBurn = 12,
    BondsMovingAverage = 13,
    BondsPenalty = 14,
    CommitRevealEnabled = 15,
    LiquidAlphaEnabled = 16,
    AlphaValues = 17,
    WeightCommitInterval = 18,
    TransferEnabled = 19,
    AlphaSigmoidSteepness = 20,
    Yuma3Enabled = 21,
    BondsResetEnabled = 22,
    ImmuneNeuronLimit = 23,
    RecycleOrBurn = 24,
    MaxAllowedUids = 25,
    BurnHalfLife = 26,
    BurnIncreaseMult = 27,
    SubnetEmissionEnabled = 28,
    MinChildkeyTake = 29,
    ActivityCutoffFactorMilli = 30,
    TriggerEpoch = 31,
}

/// The owner rate limits (subtensor's `TransactionType`s that apply to subnet owners).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerRateLimit {
    /// A hyperparameter: once per `OwnerHyperparamRateLimit` tempos, kept in
    /// `LastRateLimitedBlock[OwnerHyperparamUpdate(netuid, parameter)]`.
    Hyperparam(Hyperparameter),
    /// The weights version key: once per `WeightsVersionKeyRateLimit` tempos, kept in
    /// `TransactionKeyLastBlock[(owner, netuid, 4)]`.
    WeightsVersionKey,
    /// The owner's tempo: once per 360 blocks, kept in `TransactionKeyLastBlock[(owner, netuid,
    /// 11)]`.
    TempoUpdate,
    /// The owner hotkey: once per 50 400 blocks whoever sets it, kept in
    /// `LastRateLimitedBlock[SetSNOwnerHotkey(netuid)]`.
    SetSnOwnerHotkey,
}

impl OwnerRateLimit {
    /// Blocks that must pass between two changes.
    pub fn limit(self, s: &Storage, netuid: NetUid) -> u64 {
        let tempo = u64::from(Tempo::get(s, &netuid));
        match self {
            OwnerRateLimit::Hyperparam(_) => {
                tempo.saturating_mul(u64::from(OwnerHyperparamRateLimit::get(s)))
            }
            OwnerRateLimit::WeightsVersionKey => {
                tempo.saturating_mul(WeightsVersionKeyRateLimit::get(s))
            }
            OwnerRateLimit::TempoUpdate => u64::from(MIN_TEMPO),
            OwnerRateLimit::SetSnOwnerHotkey => SET_SN_OWNER_HOTKEY_RATE_LIMIT,
        }
    }

    /// The block of the last change (0: never).
    pub fn last_block(self, s: &Storage, who: &AccountId32, netuid: NetUid) -> u64 {
        match self {
            OwnerRateLimit::Hyperparam(hp) => {
                LastRateLimitedBlock::get(s, &RateLimitKey::OwnerHyperparamUpdate(netuid, hp))
            }
            OwnerRateLimit::SetSnOwnerHotkey => {
                LastRateLimitedBlock::get(s, &RateLimitKey::SetSNOwnerHotkey(netuid))
            }
            OwnerRateLimit::WeightsVersionKey => transaction_key_last_block::get(s, who, netuid, 4),
            OwnerRateLimit::TempoUpdate => transaction_key_last_block::get(s, who, netuid, 11),
        }
    }

    /// Records a change at `now`.
    pub fn set_last_block(self, s: &mut Storage, who: &AccountId32, netuid: NetUid, now: u64) {
        match self {
            OwnerRateLimit::Hyperparam(hp) => LastRateLimitedBlock::insert(
                s,
                &RateLimitKey::OwnerHyperparamUpdate(netuid, hp),
                &now,
            ),
            OwnerRateLimit::SetSnOwnerHotkey => {
                LastRateLimitedBlock::insert(s, &RateLimitKey::SetSNOwnerHotkey(netuid), &now)
            }
            OwnerRateLimit::WeightsVersionKey => {
                transaction_key_last_block::insert(s, who, netuid, 4, now)
            }
            OwnerRateLimit::TempoUpdate => {
                transaction_key_last_block::insert(s, who, netuid, 11, now)
            }
        }
    }

    /// Whether a change at `now` is allowed: the first change always is.
    pub fn passes(self, s: &Storage, who: &AccountId32, netuid: NetUid, now: u64) -> bool {
        let last = self.last_block(s, who, netuid);
        last == 0 || now.saturating_sub(last) >= self.limit(s, netuid)
    }
}

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

/// Declares `AdminUtilsCall` with its call indices and its `name()`.
macro_rules! admin_calls {
    ($( $(#[$doc:meta])* $name:ident = $idx:tt { $($field:ident : $ty:ty),* $(,)? } ),* $(,)?) => {
        /// AdminUtils calls (`pallets/admin-utils/src/lib.rs`): subtensor's call indices,
        /// argument names, order and types.
        #[allow(missing_docs)]
        #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
        pub enum AdminUtilsCall {
            $( $(#[$doc])* #[codec(index = $idx)] $name { $($field: $ty),* }, )*
        }

        impl AdminUtilsCall {
            /// The call's name.
            pub fn name(&self) -> &'static str {
                match self {
                    $( AdminUtilsCall::$name { .. } => stringify!($name), )*
                }
            }
        }
    };
}

admin_calls! {
    sudo_set_default_take = 1 { default_take: u16 },
    sudo_set_tx_rate_limit = 2 { tx_rate_limit: u64 },
    sudo_set_serving_rate_limit = 3 { netuid: NetUid, serving_rate_limit: u64 },
    sudo_set_max_difficulty = 5 { netuid: NetUid, max_difficulty: u64 },
    sudo_set_weights_version_key = 6 { netuid: NetUid, weights_version_key: u64 },
    sudo_set_weights_set_rate_limit = 7 { netuid: NetUid, weights_set_rate_limit: u64 },
    sudo_set_adjustment_alpha = 9 { netuid: NetUid, adjustment_alpha: u64 },
    sudo_set_immunity_period = 13 { netuid: NetUid, immunity_period: u16 },
    sudo_set_min_allowed_weights = 14 { netuid: NetUid, min_allowed_weights: u16 },
    sudo_set_max_allowed_uids = 15 { netuid: NetUid, max_allowed_uids: u16 },
    sudo_set_kappa = 16 { netuid: NetUid, kappa: u16 },
    sudo_set_rho = 17 { netuid: NetUid, rho: u16 },
    /// Writes the deprecated absolute `ActivityCutoff`, as subtensor does; the epoch reads
    /// `ActivityCutoffFactorMilli`.
    sudo_set_activity_cutoff = 18 { netuid: NetUid, activity_cutoff: u16 },
    sudo_set_network_registration_allowed = 19 { netuid: NetUid, registration_allowed: bool },
    /// Always fails: proof-of-work registration is gone.
    sudo_set_network_pow_registration_allowed = 20 { netuid: NetUid, registration_allowed: bool },
    sudo_set_min_burn = 22 { netuid: NetUid, min_burn: u64 },
    sudo_set_max_burn = 23 { netuid: NetUid, max_burn: u64 },
    sudo_set_max_allowed_validators = 25 { netuid: NetUid, max_allowed_validators: u16 },
    sudo_set_bonds_moving_average = 26 { netuid: NetUid, bonds_moving_average: u64 },
    sudo_set_subnet_owner_cut = 28 { subnet_owner_cut: u16 },
    sudo_set_network_rate_limit = 29 { rate_limit: u64 },
    sudo_set_tempo = 30 { netuid: NetUid, tempo: u16 },
    /// Always fails: deprecated.
    sudo_set_total_issuance = 33 { total_issuance: u64 },
    sudo_set_network_immunity_period = 35 { immunity_period: u64 },
    sudo_set_network_min_lock_cost = 36 { lock_cost: u64 },
    sudo_set_subnet_limit = 37 { max_subnets: u16 },
    sudo_set_lock_reduction_interval = 38 { interval: u64 },
    sudo_set_rao_recycled = 39 { netuid: NetUid, rao_recycled: u64 },
    sudo_set_stake_threshold = 42 { min_stake: u64 },
    sudo_set_nominator_min_required_stake = 43 { min_stake: u64 },
    sudo_set_tx_delegate_take_rate_limit = 45 { tx_rate_limit: u64 },
    sudo_set_min_delegate_take = 46 { take: u16 },
    sudo_set_commit_reveal_weights_enabled = 49 { netuid: NetUid, enabled: bool },
    sudo_set_liquid_alpha_enabled = 50 { netuid: NetUid, enabled: bool },
    sudo_set_alpha_values = 51 { netuid: NetUid, alpha_low: u16, alpha_high: u16 },
    sudo_set_commit_reveal_weights_interval = 57 { netuid: NetUid, interval: u64 },
    sudo_set_bonds_penalty = 60 { netuid: NetUid, bonds_penalty: u16 },
    sudo_set_toggle_transfer = 61 { netuid: NetUid, toggle: bool },
    sudo_set_subnet_moving_alpha = 63 { alpha: I96F32 },
    sudo_set_subnet_owner_hotkey = 64 { netuid: NetUid, hotkey: AccountId32 },
    sudo_set_ema_price_halving_period = 65 { netuid: NetUid, ema_halving: u64 },
    sudo_set_subtoken_enabled = 66 { netuid: NetUid, subtoken_enabled: bool },
    sudo_set_sn_owner_hotkey = 67 { netuid: NetUid, hotkey: AccountId32 },
    sudo_set_alpha_sigmoid_steepness = 68 { netuid: NetUid, steepness: i16 },
    sudo_set_yuma3_enabled = 69 { netuid: NetUid, enabled: bool },
    sudo_set_bonds_reset_enabled = 70 { netuid: NetUid, enabled: bool },
    sudo_set_owner_immune_neuron_limit = 72 { netuid: NetUid, immune_neurons: u16 },
    sudo_set_admin_freeze_window = 74 { window: u16 },
    sudo_set_owner_hparam_rate_limit = 75 { epochs: u16 },
    sudo_set_min_allowed_uids = 79 { netuid: NetUid, min_allowed_uids: u16 },
    sudo_set_recycle_or_burn = 80 { netuid: NetUid, recycle_or_burn: RecycleOrBurnEnum },
    sudo_set_min_non_immune_uids = 84 { netuid: NetUid, min: u16 },
    sudo_set_start_call_delay = 85 { delay: u64 },
    sudo_set_burn_half_life = 89 { netuid: NetUid, burn_half_life: u16 },
    sudo_set_burn_increase_mult = 90 { netuid: NetUid, burn_increase_mult: U64F64 },
    sudo_set_owner_cut_enabled = 92 { netuid: NetUid, enabled: bool },
    sudo_set_subnet_emission_enabled = 94 { netuid: NetUid, enabled: bool },
    sudo_set_max_epochs_per_block = 96 { max_epochs_per_block: u8 },
}

/// The weight, class and fee mode of an AdminUtils call: a few reads and writes each
/// (Cortex's estimates); `Operational` where subtensor annotates it so (89, 90, 92).
pub fn call_info(call: &AdminUtilsCall) -> (Weight, DispatchClass, Pays) {
    use AdminUtilsCall as C;
    let rw = crate::support::rw;
    let (weight, class) = match call {
        // Global values: one write.
        C::sudo_set_default_take { .. }
        | C::sudo_set_tx_rate_limit { .. }
        | C::sudo_set_subnet_owner_cut { .. }
        | C::sudo_set_network_rate_limit { .. }
        | C::sudo_set_network_immunity_period { .. }
        | C::sudo_set_network_min_lock_cost { .. }
        | C::sudo_set_subnet_limit { .. }
        | C::sudo_set_lock_reduction_interval { .. }
        | C::sudo_set_stake_threshold { .. }
        | C::sudo_set_tx_delegate_take_rate_limit { .. }
        | C::sudo_set_min_delegate_take { .. }
        | C::sudo_set_subnet_moving_alpha { .. }
        | C::sudo_set_admin_freeze_window { .. }
        | C::sudo_set_owner_hparam_rate_limit { .. }
        | C::sudo_set_start_call_delay { .. }
        | C::sudo_set_max_epochs_per_block { .. } => (rw(0, 1, 10_000_000), DispatchClass::Normal),
        C::sudo_set_network_pow_registration_allowed { .. } | C::sudo_set_total_issuance { .. } => {
            (rw(0, 1, 14_000_000), DispatchClass::Normal)
        }
        // Walks every stake entry.
        C::sudo_set_nominator_min_required_stake { .. } => {
            (rw(1_000, 1_000, 500_000_000), DispatchClass::Normal)
        }
        C::sudo_set_burn_half_life { .. }
        | C::sudo_set_burn_increase_mult { .. }
        | C::sudo_set_owner_cut_enabled { .. } => {
            (rw(8, 2, 25_000_000), DispatchClass::Operational)
        }
        // Per-subnet values: owner, tempo, schedule and rate-limit reads, one or two writes.
        _ => (rw(8, 2, 20_000_000), DispatchClass::Normal),
    };
    (weight, class, Pays::Yes)
}

/// The blocks until the subnet's next automatic epoch: `LastEpochBlock + tempo − now`
/// (saturating at 0; `u64::MAX` at tempo 0, when no epoch runs).
pub fn blocks_until_next_auto_epoch(s: &Storage, netuid: NetUid, tempo: u16, now: u64) -> u64 {
    if tempo == 0 {
        return u64::MAX;
    }
    LastEpochBlock::get(s, &netuid)
        .saturating_add(u64::from(tempo))
        .saturating_sub(now)
}

/// Whether `now` is inside the subnet's admin freeze window: a triggered epoch is pending, or the
/// next automatic epoch is fewer than `AdminFreezeWindow` blocks away (never at tempo 0).
pub fn in_admin_freeze_window(s: &Storage, netuid: NetUid, now: u64) -> bool {
    let tempo = Tempo::get(s, &netuid);
    if tempo == 0 {
        return false;
    }
    let pending = PendingEpochAt::get(s, &netuid);
    if pending > 0 && pending > now {
        return true;
    }
    blocks_until_next_auto_epoch(s, netuid, tempo, now) < u64::from(AdminFreezeWindow::get(s))
}

/// `AdminActionProhibitedDuringWeightsWindow` inside the freeze window.
pub fn ensure_admin_window_open(s: &Storage, netuid: NetUid, now: u64) -> Result<(), Error> {
    if in_admin_freeze_window(s, netuid, now) {
        return Err(Error::AdminActionProhibitedDuringWeightsWindow);
    }
    Ok(())
}

/// Root (`None`) or the subnet's owner (`Some(owner)`); anyone else is `BadOrigin`.
pub fn ensure_subnet_owner_or_root(
    s: &Storage,
    origin: &Origin,
    netuid: NetUid,
) -> Result<Option<AccountId32>, DispatchError> {
    match origin {
        Origin::Root => Ok(None),
        Origin::Signed(who) if SubnetOwner::get(s, &netuid) == *who => Ok(Some(*who)),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// The subnet's owner, signed; anyone else (root included) is `BadOrigin`.
pub fn ensure_subnet_owner(
    s: &Storage,
    origin: &Origin,
    netuid: NetUid,
) -> Result<AccountId32, DispatchError> {
    match origin {
        Origin::Signed(who) if SubnetOwner::get(s, &netuid) == *who => Ok(*who),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// The gate of an owner-or-root setter, in subtensor's order: the origin, the owner's rate
/// limit (root is not limited), then the freeze window (for root too). Returns the owner (for
/// [`record`]).
fn gate(
    s: &Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    limit: OwnerRateLimit,
) -> Result<Option<AccountId32>, DispatchError> {
    let owner = ensure_subnet_owner_or_root(s, origin, netuid)?;
    if let Some(who) = &owner
        && !limit.passes(s, who, netuid, now)
    {
        return Err(Error::TxRateLimitExceeded.into());
    }
    ensure_admin_window_open(s, netuid, now)?;
    Ok(owner)
}

/// Records an owner's change for its rate limit (root's changes are not recorded).
fn record(
    s: &mut Storage,
    now: u64,
    owner: Option<AccountId32>,
    netuid: NetUid,
    limit: OwnerRateLimit,
) {
    if let Some(who) = owner {
        limit.set_last_block(s, &who, netuid, now);
    }
}

fn ensure_exists(s: &Storage, netuid: NetUid) -> Result<(), AdminUtilsError> {
    if NetworksAdded::get(s, &netuid) {
        Ok(())
    } else {
        Err(AdminUtilsError::SubnetDoesNotExist)
    }
}

fn ensure_not_root(netuid: NetUid) -> Result<(), AdminUtilsError> {
    if netuid.is_root() {
        Err(AdminUtilsError::NotPermittedOnRootSubnet)
    } else {
        Ok(())
    }
}

fn hp(p: Hyperparameter) -> OwnerRateLimit {
    OwnerRateLimit::Hyperparam(p)
}

/// Sets `Tempo` and restarts the subnet's epoch cycle at `now` (`LastEpochBlock = now`).
fn apply_tempo_with_cycle_reset(
    s: &mut Storage,
    now: u64,
    netuid: NetUid,
    tempo: u16,
    events: &mut Vec<Event>,
) {
    Tempo::insert(s, &netuid, &tempo);
    events.push(Event::TempoSet(netuid, tempo));
    LastEpochBlock::insert(s, &netuid, &now);
}

/// SubtensorModule's `set_tempo` (call 139): the owner sets a tempo in 360…50 400, outside the
/// freeze window and at most once per 360 blocks; the epoch cycle restarts now.
pub fn set_tempo(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    tempo: u16,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    let who = ensure_subnet_owner(s, origin, netuid)?;
    if !(MIN_TEMPO..=MAX_TEMPO).contains(&tempo) {
        return Err(Error::TempoOutOfBounds.into());
    }
    ensure_admin_window_open(s, netuid, now)?;
    let limit = OwnerRateLimit::TempoUpdate;
    if !limit.passes(s, &who, netuid, now) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    apply_tempo_with_cycle_reset(s, now, netuid, tempo, events);
    limit.set_last_block(s, &who, netuid, now);
    Ok(())
}

/// SubtensorModule's `trigger_epoch` (call 141): the owner schedules an epoch
/// `AdminFreezeWindow` blocks from now (which also opens the freeze window until then).
/// Refused with commit-reveal on (reveals are keyed to the epoch schedule), while a trigger is
/// pending, when the automatic epoch is closer than the window, and more often than the owner
/// hyperparameter rate limit.
pub fn trigger_epoch(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    let who = ensure_subnet_owner(s, origin, netuid)?;
    if CommitRevealWeightsEnabled::get(s, &netuid) {
        return Err(Error::DynamicTempoBlockedByCommitReveal.into());
    }
    if PendingEpochAt::get(s, &netuid) != 0 {
        return Err(Error::EpochTriggerAlreadyPending.into());
    }
    let window = u64::from(AdminFreezeWindow::get(s));
    let tempo = Tempo::get(s, &netuid);
    if blocks_until_next_auto_epoch(s, netuid, tempo, now) < window {
        return Err(Error::AutoEpochAlreadyImminent.into());
    }
    let limit = hp(Hyperparameter::TriggerEpoch);
    if !limit.passes(s, &who, netuid, now) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    let fires_at = now.saturating_add(window);
    PendingEpochAt::insert(s, &netuid, &fires_at);
    limit.set_last_block(s, &who, netuid, now);
    events.push(Event::EpochTriggered {
        netuid,
        by: who,
        fires_at,
    });
    Ok(())
}

pub use crate::subtensor::stake_ops::nominator_min_required_stake;

/// Unstakes every nomination (stake of a coldkey on a hotkey it does not own) worth less than
/// the nominator minimum at the subnet's current price; if the sale fails, the alpha is simply
/// removed. In storage order, as subtensor's `clear_small_nominations`.
pub fn clear_small_nominations(
    s: &mut Storage,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) {
    let prefix = crate::storage::__prefix("SubtensorModule", "AlphaV2");
    let keys: Vec<Vec<u8>> = s.iter_prefix(&prefix).into_iter().map(|(k, _)| k).collect();
    let min_stake = U64F64::saturating_from_num(nominator_min_required_stake(s));
    for key in keys {
        let Some((hotkey, coldkey, netuid)) = crate::subtensor::shares::alpha_v2::parse_key(&key)
        else {
            continue;
        };
        if Owner::try_get(s, &hotkey) == Some(coldkey) {
            continue;
        }
        let alpha = stake_of(s, &hotkey, &coldkey, netuid);
        let min_alpha = min_stake
            .checked_div(pool(s, netuid).price())
            .unwrap_or_default()
            .saturating_to_num::<u64>();
        if alpha == 0 || alpha >= min_alpha {
            continue;
        }
        let mut ev = Vec::new();
        let sold = s.transactional(|s| {
            crate::subtensor::stake_ops::unstake_from_subnet(
                s,
                &coldkey,
                &hotkey,
                netuid,
                alpha,
                limit_price(MIN_PRICE),
                false,
                author,
                &mut ev,
            )
        });
        match sold {
            Ok(_) => events.append(&mut ev),
            Err(_) => {
                let left = stake_of(s, &hotkey, &coldkey, netuid);
                HotkeyPool::new(s, hotkey, netuid).update_for_one(
                    &coldkey,
                    i64::try_from(left).unwrap_or(i64::MAX).saturating_neg(),
                );
            }
        }
    }
}

/// `do_set_sn_owner_hotkey` (calls 64 and 67): owner or root, an existing subnet, at most once
/// per 50 400 blocks whoever calls, and never a subnet account.
fn set_sn_owner_hotkey(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    hotkey: &AccountId32,
    events: &mut impl Deposit<Event>,
) -> Result<(), DispatchError> {
    ensure_subnet_owner_or_root(s, origin, netuid)?;
    if !NetworksAdded::get(s, &netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    let limit = OwnerRateLimit::SetSnOwnerHotkey;
    if !limit.passes(s, hotkey, netuid, now) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    limit.set_last_block(s, hotkey, netuid, now);
    if subnet_of_account(hotkey).is_some() {
        return Err(Error::CannotUseSystemAccount.into());
    }
    SubnetOwnerHotkey::insert(s, &netuid, hotkey);
    events.deposit(Event::SubnetOwnerHotkeySet(netuid, *hotkey));
    Ok(())
}

/// Runs an AdminUtils `call` as `origin`, appending its events (SubtensorModule's and
/// AdminUtils') on success.
pub fn dispatch<E: Deposit<Event> + Deposit<AdminUtilsEvent>>(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &AdminUtilsCall,
    events: &mut E,
) -> Result<(), DispatchError> {
    use AdminUtilsCall as C;
    use Hyperparameter as H;
    let now = ctx.block;
    let ev = events;
    match call {
        C::sudo_set_default_take { default_take } => {
            origin.root()?;
            MaxDelegateTake::put(s, default_take);
            ev.deposit(Event::MaxDelegateTakeSet(*default_take));
        }
        C::sudo_set_tx_rate_limit { tx_rate_limit } => {
            origin.root()?;
            TxRateLimit::put(s, tx_rate_limit);
            ev.deposit(Event::TxRateLimitSet(*tx_rate_limit));
        }
        C::sudo_set_serving_rate_limit {
            netuid,
            serving_rate_limit,
        } => {
            let limit = hp(H::ServingRateLimit);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ServingRateLimit::insert(s, netuid, serving_rate_limit);
            ev.deposit(Event::ServingRateLimitSet(*netuid, *serving_rate_limit));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_max_difficulty {
            netuid,
            max_difficulty,
        } => {
            let limit = hp(H::MaxDifficulty);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            MaxDifficulty::insert(s, netuid, max_difficulty);
            ev.deposit(Event::MaxDifficultySet(*netuid, *max_difficulty));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_weights_version_key {
            netuid,
            weights_version_key,
        } => {
            let limit = OwnerRateLimit::WeightsVersionKey;
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            record(s, now, owner, *netuid, limit);
            WeightsVersionKey::insert(s, netuid, weights_version_key);
            ev.deposit(Event::WeightsVersionKeySet(*netuid, *weights_version_key));
        }
        C::sudo_set_weights_set_rate_limit {
            netuid,
            weights_set_rate_limit,
        } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            WeightsSetRateLimit::insert(s, netuid, weights_set_rate_limit);
            ev.deposit(Event::WeightsSetRateLimitSet(
                *netuid,
                *weights_set_rate_limit,
            ));
        }
        C::sudo_set_adjustment_alpha {
            netuid,
            adjustment_alpha,
        } => {
            let limit = hp(H::AdjustmentAlpha);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            AdjustmentAlpha::insert(s, netuid, adjustment_alpha);
            ev.deposit(Event::AdjustmentAlphaSet(*netuid, *adjustment_alpha));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_immunity_period {
            netuid,
            immunity_period,
        } => {
            let limit = hp(H::ImmunityPeriod);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            ImmunityPeriod::insert(s, netuid, immunity_period);
            ev.deposit(Event::ImmunityPeriodSet(*netuid, *immunity_period));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_min_allowed_weights {
            netuid,
            min_allowed_weights,
        } => {
            let limit = hp(H::MinAllowedWeights);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            MinAllowedWeights::insert(s, netuid, min_allowed_weights);
            ev.deposit(Event::MinAllowedWeightSet(*netuid, *min_allowed_weights));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_max_allowed_uids {
            netuid,
            max_allowed_uids,
        } => {
            let limit = hp(H::MaxAllowedUids);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            if *max_allowed_uids < MinAllowedUids::get(s, netuid) {
                return Err(AdminUtilsError::MaxAllowedUidsLessThanMinAllowedUids.into());
            }
            if SubnetworkN::get(s, netuid) > *max_allowed_uids {
                return Err(AdminUtilsError::MaxAllowedUIdsLessThanCurrentUIds.into());
            }
            if *max_allowed_uids > DEFAULT_MAX_ALLOWED_UIDS {
                return Err(AdminUtilsError::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids.into());
            }
            // The slots of all mechanisms together are bounded too (chain bloat).
            let mechanisms = u16::from(MechanismCountCurrent::get(s, netuid));
            if max_allowed_uids.saturating_mul(mechanisms) > DEFAULT_MAX_ALLOWED_UIDS {
                return Err(Error::TooManyUIDsPerMechanism.into());
            }
            MaxAllowedUids::insert(s, netuid, max_allowed_uids);
            record(s, now, owner, *netuid, limit);
            ev.deposit(Event::MaxAllowedUidsSet(*netuid, *max_allowed_uids));
        }
        C::sudo_set_kappa { netuid, kappa } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            Kappa::insert(s, netuid, kappa);
            ev.deposit(Event::KappaSet(*netuid, *kappa));
        }
        C::sudo_set_rho { netuid, rho } => {
            let limit = hp(H::Rho);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            // Subtensor's `set_rho` emits nothing.
            Rho::insert(s, netuid, rho);
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_activity_cutoff {
            netuid,
            activity_cutoff,
        } => {
            let limit = hp(H::ActivityCutoff);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            if *activity_cutoff < MinActivityCutoff::get(s) {
                return Err(Error::ActivityCutoffTooLow.into());
            }
            ActivityCutoff::insert(s, netuid, activity_cutoff);
            ev.deposit(Event::ActivityCutoffSet(*netuid, *activity_cutoff));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_network_registration_allowed {
            netuid,
            registration_allowed,
        } => {
            origin.root()?;
            NetworkRegistrationAllowed::insert(s, netuid, registration_allowed);
            ev.deposit(Event::RegistrationAllowed(*netuid, *registration_allowed));
        }
        C::sudo_set_network_pow_registration_allowed { .. } => {
            return Err(AdminUtilsError::POWRegistrationDisabled.into());
        }
        C::sudo_set_min_burn { netuid, min_burn } => {
            let limit = hp(H::MinBurn);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            if *min_burn >= MIN_BURN_UPPER_BOUND || *min_burn >= MaxBurn::get(s, netuid) {
                return Err(AdminUtilsError::ValueNotInBounds.into());
            }
            MinBurn::insert(s, netuid, min_burn);
            ev.deposit(Event::MinBurnSet(*netuid, *min_burn));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_max_burn { netuid, max_burn } => {
            let limit = hp(H::MaxBurn);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            if *max_burn <= MAX_BURN_LOWER_BOUND || *max_burn <= MinBurn::get(s, netuid) {
                return Err(AdminUtilsError::ValueNotInBounds.into());
            }
            MaxBurn::insert(s, netuid, max_burn);
            ev.deposit(Event::MaxBurnSet(*netuid, *max_burn));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_max_allowed_validators {
            netuid,
            max_allowed_validators,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            if *max_allowed_validators > MaxAllowedUids::get(s, netuid) {
                return Err(AdminUtilsError::MaxValidatorsLargerThanMaxUIds.into());
            }
            MaxAllowedValidators::insert(s, netuid, max_allowed_validators);
            ev.deposit(Event::MaxAllowedValidatorsSet(
                *netuid,
                *max_allowed_validators,
            ));
        }
        C::sudo_set_bonds_moving_average {
            netuid,
            bonds_moving_average,
        } => {
            let limit = hp(H::BondsMovingAverage);
            let owner = gate(s, now, origin, *netuid, limit)?;
            if owner.is_some() && *bonds_moving_average > OWNER_MAX_BONDS_MOVING_AVERAGE {
                return Err(AdminUtilsError::BondsMovingAverageMaxReached.into());
            }
            ensure_exists(s, *netuid)?;
            BondsMovingAverage::insert(s, netuid, bonds_moving_average);
            ev.deposit(Event::BondsMovingAverageSet(*netuid, *bonds_moving_average));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_subnet_owner_cut { subnet_owner_cut } => {
            origin.root()?;
            SubnetOwnerCut::put(s, subnet_owner_cut);
            ev.deposit(Event::SubnetOwnerCutSet(*subnet_owner_cut));
        }
        C::sudo_set_network_rate_limit { rate_limit } => {
            origin.root()?;
            NetworkRateLimit::put(s, rate_limit);
            ev.deposit(Event::NetworkRateLimitSet(*rate_limit));
        }
        C::sudo_set_tempo { netuid, tempo } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            let mut st = Vec::new();
            apply_tempo_with_cycle_reset(s, now, *netuid, *tempo, &mut st);
            for e in st {
                ev.deposit(e);
            }
        }
        C::sudo_set_total_issuance { .. } => {
            return Err(AdminUtilsError::Deprecated.into());
        }
        C::sudo_set_network_immunity_period { immunity_period } => {
            origin.root()?;
            NetworkImmunityPeriod::put(s, immunity_period);
            ev.deposit(Event::NetworkImmunityPeriodSet(*immunity_period));
        }
        C::sudo_set_network_min_lock_cost { lock_cost } => {
            origin.root()?;
            NetworkMinLockCost::put(s, lock_cost);
            ev.deposit(Event::NetworkMinLockCostSet(*lock_cost));
        }
        C::sudo_set_subnet_limit { max_subnets } => {
            origin.root()?;
            SubnetLimit::put(s, max_subnets);
            ev.deposit(Event::SubnetLimitSet(*max_subnets));
        }
        C::sudo_set_lock_reduction_interval { interval } => {
            origin.root()?;
            NetworkLockReductionInterval::put(s, interval);
            ev.deposit(Event::NetworkLockCostReductionIntervalSet(*interval));
        }
        C::sudo_set_rao_recycled {
            netuid,
            rao_recycled,
        } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            RAORecycledForRegistration::insert(s, netuid, rao_recycled);
            ev.deposit(Event::RAORecycledForRegistrationSet(*netuid, *rao_recycled));
        }
        C::sudo_set_stake_threshold { min_stake } => {
            origin.root()?;
            StakeThreshold::put(s, min_stake);
            ev.deposit(Event::StakeThresholdSet(*min_stake));
        }
        C::sudo_set_nominator_min_required_stake { min_stake } => {
            origin.root()?;
            // Subtensor compares the new factor with the previous minimum in rao (not with the
            // previous factor); kept as is.
            let previous = nominator_min_required_stake(s);
            NominatorMinRequiredStake::put(s, min_stake);
            if *min_stake > previous {
                let mut st = Vec::new();
                clear_small_nominations(s, ctx.author.as_ref(), &mut st);
                for e in st {
                    ev.deposit(e);
                }
            }
        }
        C::sudo_set_tx_delegate_take_rate_limit { tx_rate_limit } => {
            origin.root()?;
            TxDelegateTakeRateLimit::put(s, tx_rate_limit);
            ev.deposit(Event::TxDelegateTakeRateLimitSet(*tx_rate_limit));
        }
        C::sudo_set_min_delegate_take { take } => {
            origin.root()?;
            MinDelegateTake::put(s, take);
            ev.deposit(Event::MinDelegateTakeSet(*take));
        }
        C::sudo_set_commit_reveal_weights_enabled { netuid, enabled } => {
            let limit = hp(H::CommitRevealEnabled);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            CommitRevealWeightsEnabled::insert(s, netuid, enabled);
            ev.deposit(Event::CommitRevealEnabled(*netuid, *enabled));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_liquid_alpha_enabled { netuid, enabled } => {
            let limit = hp(H::LiquidAlphaEnabled);
            let owner = gate(s, now, origin, *netuid, limit)?;
            LiquidAlphaOn::insert(s, netuid, enabled);
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_alpha_values {
            netuid,
            alpha_low,
            alpha_high,
        } => {
            let limit = hp(H::AlphaValues);
            let owner = gate(s, now, origin, *netuid, limit)?;
            if !LiquidAlphaOn::get(s, netuid) {
                return Err(Error::LiquidAlphaDisabled.into());
            }
            if *alpha_high < MIN_ALPHA_VALUE {
                return Err(Error::AlphaHighTooLow.into());
            }
            if *alpha_low < MIN_ALPHA_VALUE || alpha_low > alpha_high {
                return Err(Error::AlphaLowOutOfRange.into());
            }
            AlphaValues::insert(s, netuid, &(*alpha_low, *alpha_high));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_commit_reveal_weights_interval { netuid, interval } => {
            let limit = hp(H::WeightCommitInterval);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            if *interval > MAX_COMMIT_REVEAL_PERIODS {
                return Err(Error::RevealPeriodTooLarge.into());
            }
            if *interval < MIN_COMMIT_REVEAL_PERIODS {
                return Err(Error::RevealPeriodTooSmall.into());
            }
            RevealPeriodEpochs::insert(s, netuid, interval);
            ev.deposit(Event::CommitRevealPeriodsSet(*netuid, *interval));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_bonds_penalty {
            netuid,
            bonds_penalty,
        } => {
            let limit = hp(H::BondsPenalty);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            BondsPenalty::insert(s, netuid, bonds_penalty);
            ev.deposit(Event::BondsPenaltySet(*netuid, *bonds_penalty));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_toggle_transfer { netuid, toggle } => {
            let limit = hp(H::TransferEnabled);
            let owner = gate(s, now, origin, *netuid, limit)?;
            TransferToggle::insert(s, netuid, toggle);
            ev.deposit(Event::TransferToggle(*netuid, *toggle));
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_subnet_moving_alpha { alpha } => {
            origin.root()?;
            SubnetMovingAlpha::put(s, alpha);
        }
        C::sudo_set_subnet_owner_hotkey { netuid, hotkey }
        | C::sudo_set_sn_owner_hotkey { netuid, hotkey } => {
            set_sn_owner_hotkey(s, now, origin, *netuid, hotkey, ev)?;
        }
        C::sudo_set_ema_price_halving_period {
            netuid,
            ema_halving,
        } => {
            origin.root()?;
            EMAPriceHalvingBlocks::insert(s, netuid, ema_halving);
        }
        C::sudo_set_subtoken_enabled {
            netuid,
            subtoken_enabled,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            SubtokenEnabled::insert(s, netuid, subtoken_enabled);
        }
        C::sudo_set_alpha_sigmoid_steepness { netuid, steepness } => {
            let limit = hp(H::AlphaSigmoidSteepness);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            // Negative steepness is reserved to root.
            if owner.is_some() && *steepness < 0 {
                return Err(AdminUtilsError::NegativeSigmoidSteepness.into());
            }
            AlphaSigmoidSteepness::insert(s, netuid, steepness);
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_yuma3_enabled { netuid, enabled } => {
            let limit = hp(H::Yuma3Enabled);
            let owner = gate(s, now, origin, *netuid, limit)?;
            Yuma3On::insert(s, netuid, enabled);
            ev.deposit(AdminUtilsEvent::Yuma3EnableToggled {
                netuid: *netuid,
                enabled: *enabled,
            });
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_bonds_reset_enabled { netuid, enabled } => {
            let limit = hp(H::BondsResetEnabled);
            let owner = gate(s, now, origin, *netuid, limit)?;
            BondsResetOn::insert(s, netuid, enabled);
            ev.deposit(Event::BondsResetOnSet(*netuid, *enabled));
            ev.deposit(AdminUtilsEvent::BondsResetToggled {
                netuid: *netuid,
                enabled: *enabled,
            });
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_owner_immune_neuron_limit {
            netuid,
            immune_neurons,
        } => {
            let limit = hp(H::ImmuneNeuronLimit);
            let owner = gate(s, now, origin, *netuid, limit)?;
            if !(MIN_IMMUNE_OWNER_UIDS_LIMIT..=MAX_IMMUNE_OWNER_UIDS_LIMIT).contains(immune_neurons)
            {
                return Err(Error::InvalidValue.into());
            }
            ImmuneOwnerUidsLimit::insert(s, netuid, immune_neurons);
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_admin_freeze_window { window } => {
            origin.root()?;
            AdminFreezeWindow::put(s, window);
            ev.deposit(Event::AdminFreezeWindowSet(*window));
        }
        C::sudo_set_owner_hparam_rate_limit { epochs } => {
            origin.root()?;
            OwnerHyperparamRateLimit::put(s, epochs);
            ev.deposit(Event::OwnerHyperparamRateLimitSet(*epochs));
        }
        C::sudo_set_min_allowed_uids {
            netuid,
            min_allowed_uids,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            if *min_allowed_uids >= MaxAllowedUids::get(s, netuid) {
                return Err(AdminUtilsError::MinAllowedUidsGreaterThanMaxAllowedUids.into());
            }
            if *min_allowed_uids >= SubnetworkN::get(s, netuid) {
                return Err(AdminUtilsError::MinAllowedUidsGreaterThanCurrentUids.into());
            }
            MinAllowedUids::insert(s, netuid, min_allowed_uids);
            ev.deposit(Event::MinAllowedUidsSet(*netuid, *min_allowed_uids));
        }
        C::sudo_set_recycle_or_burn {
            netuid,
            recycle_or_burn,
        } => {
            let limit = hp(H::RecycleOrBurn);
            let owner = gate(s, now, origin, *netuid, limit)?;
            RecycleOrBurn::insert(s, netuid, recycle_or_burn);
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_min_non_immune_uids { netuid, min } => {
            origin.root()?;
            MinNonImmuneUids::insert(s, netuid, min);
            ev.deposit(Event::MinNonImmuneUidsSet(*netuid, *min));
        }
        C::sudo_set_start_call_delay { delay } => {
            origin.root()?;
            StartCallDelay::put(s, delay);
            ev.deposit(Event::StartCallDelaySet(*delay));
        }
        C::sudo_set_burn_half_life {
            netuid,
            burn_half_life,
        } => {
            let limit = hp(H::BurnHalfLife);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            ensure_not_root(*netuid)?;
            if !(1..=MAX_BURN_HALF_LIFE).contains(burn_half_life) {
                return Err(AdminUtilsError::InvalidValue.into());
            }
            BurnHalfLife::insert(s, netuid, burn_half_life);
            ev.deposit(AdminUtilsEvent::BurnHalfLifeSet {
                netuid: *netuid,
                burn_half_life: *burn_half_life,
            });
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_burn_increase_mult {
            netuid,
            burn_increase_mult,
        } => {
            let limit = hp(H::BurnIncreaseMult);
            let owner = gate(s, now, origin, *netuid, limit)?;
            ensure_exists(s, *netuid)?;
            ensure_not_root(*netuid)?;
            if !(U64F64::from_num(1)..=U64F64::from_num(3)).contains(burn_increase_mult) {
                return Err(AdminUtilsError::InvalidValue.into());
            }
            BurnIncreaseMult::insert(s, netuid, burn_increase_mult);
            ev.deposit(AdminUtilsEvent::BurnIncreaseMultSet {
                netuid: *netuid,
                burn_increase_mult: *burn_increase_mult,
            });
            record(s, now, owner, *netuid, limit);
        }
        C::sudo_set_owner_cut_enabled { netuid, enabled } => {
            // Owner or root, without a rate limit.
            ensure_subnet_owner_or_root(s, origin, *netuid)?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            ensure_not_root(*netuid)?;
            OwnerCutEnabled::insert(s, netuid, enabled);
        }
        C::sudo_set_subnet_emission_enabled { netuid, enabled } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            ensure_not_root(*netuid)?;
            SubnetEmissionEnabled::insert(s, netuid, enabled);
            ev.deposit(AdminUtilsEvent::SubnetEmissionEnabledSet {
                netuid: *netuid,
                enabled: *enabled,
            });
        }
        C::sudo_set_max_epochs_per_block {
            max_epochs_per_block,
        } => {
            origin.root()?;
            if *max_epochs_per_block < 1 {
                return Err(AdminUtilsError::ValueNotInBounds.into());
            }
            MaxEpochsPerBlock::put(s, max_epochs_per_block);
            ev.deposit(Event::MaxEpochsPerBlockSet(*max_epochs_per_block));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balances;
    use crate::call::{RuntimeCall, SubtensorCall};
    use crate::event::RuntimeEvent;
    use crate::subtensor::staking;
    use crate::subtensor::subnets::subnet_account;
    use crate::test_support::{TAO, acct, funded, subnet};
    use AdminUtilsCall as C;

    /// A started subnet (netuid 1, owner `acct(1)`, tempo 360, last epoch at block 0).
    fn setup() -> (Storage, NetUid) {
        let mut s = funded(&[(1, 2_000 * TAO), (10, 100 * TAO), (11, 100 * TAO)]);
        let netuid = subnet(&mut s, true);
        (s, netuid)
    }

    fn ctx(block: u64) -> BlockContext {
        BlockContext {
            block,
            author: None,
        }
    }

    /// Dispatches through the executive (so a failure is rolled back).
    fn run(
        s: &mut Storage,
        block: u64,
        origin: Origin,
        call: C,
    ) -> Result<Vec<RuntimeEvent>, DispatchError> {
        let mut ev = Vec::new();
        crate::executive::dispatch(
            s,
            &ctx(block),
            &origin,
            &RuntimeCall::AdminUtils(call),
            &mut ev,
        )
        .map(|()| ev)
    }

    fn owner() -> Origin {
        Origin::Signed(acct(1))
    }

    fn st(e: Event) -> RuntimeEvent {
        RuntimeEvent::SubtensorModule(e)
    }

    fn serving(netuid: NetUid, v: u64) -> C {
        C::sudo_set_serving_rate_limit {
            netuid,
            serving_rate_limit: v,
        }
    }

    #[test]
    fn call_and_error_bytes_are_subtensors() {
        let c = RuntimeCall::AdminUtils(C::sudo_set_tempo {
            netuid: NetUid(1),
            tempo: 500,
        });
        assert_eq!(c.encode(), vec![19, 30, 1, 0, 0xf4, 0x01]);
        assert_eq!(RuntimeCall::decode_bytes(&c.encode()).unwrap(), c);
        assert_eq!(c.name(), ("AdminUtils", "sudo_set_tempo"));
        let c = RuntimeCall::AdminUtils(C::sudo_set_max_epochs_per_block {
            max_epochs_per_block: 3,
        });
        assert_eq!(c.encode(), vec![19, 96, 3]);
        let c = RuntimeCall::AdminUtils(C::sudo_set_recycle_or_burn {
            netuid: NetUid(2),
            recycle_or_burn: RecycleOrBurnEnum::Recycle,
        });
        assert_eq!(c.encode(), vec![19, 80, 2, 0, 1]);
        let c = RuntimeCall::SubtensorModule(SubtensorCall::set_tempo {
            netuid: NetUid(1),
            tempo: 360,
        });
        assert_eq!(c.encode(), vec![7, 139, 1, 0, 0x68, 0x01]);
        let c = RuntimeCall::SubtensorModule(SubtensorCall::trigger_epoch { netuid: NetUid(4) });
        assert_eq!(c.encode(), vec![7, 141, 4, 0]);
        assert_eq!(
            DispatchError::from(AdminUtilsError::SubnetDoesNotExist).encode(),
            vec![3, 19, 0, 0, 0, 0]
        );
        assert_eq!(
            RuntimeEvent::AdminUtils(AdminUtilsEvent::Yuma3EnableToggled {
                netuid: NetUid(1),
                enabled: true
            })
            .encode(),
            vec![19, 1, 1, 0, 1]
        );
        // LastRateLimitedBlock key: variant 1, netuid, hyperparameter discriminant.
        assert_eq!(
            RateLimitKey::OwnerHyperparamUpdate(NetUid(1), Hyperparameter::ServingRateLimit)
                .encode(),
            vec![1, 1, 0, 1]
        );
        assert_eq!(
            RateLimitKey::SetSNOwnerHotkey(NetUid(3)).encode(),
            vec![0, 3, 0]
        );
        let info = crate::executive::call_info(&RuntimeCall::AdminUtils(serving(NetUid(1), 1)));
        assert_eq!(info.pays_fee, Pays::Yes);
        assert_eq!(info.class, DispatchClass::Normal);
    }

    #[test]
    fn owner_or_root_origins() {
        let (mut s, n) = setup();
        assert_eq!(
            run(&mut s, 100, Origin::Signed(acct(9)), serving(n, 7)),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(
            run(&mut s, 100, Origin::None, serving(n, 7)),
            Err(DispatchError::BadOrigin)
        );
        // The owner of one subnet is nobody on another.
        assert_eq!(
            run(&mut s, 100, owner(), serving(NetUid(9), 7)),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(ServingRateLimit::get(&s, &n), 50);
        assert_eq!(
            run(&mut s, 100, owner(), serving(n, 7)),
            Ok(vec![st(Event::ServingRateLimitSet(n, 7))])
        );
        assert_eq!(ServingRateLimit::get(&s, &n), 7);
        run(&mut s, 100, Origin::Root, serving(n, 8)).unwrap();
        assert_eq!(ServingRateLimit::get(&s, &n), 8);
    }

    #[test]
    fn root_only_setters_refuse_the_owner() {
        let (mut s, n) = setup();
        let calls = vec![
            C::sudo_set_kappa {
                netuid: n,
                kappa: 1,
            },
            C::sudo_set_weights_set_rate_limit {
                netuid: n,
                weights_set_rate_limit: 1,
            },
            C::sudo_set_max_allowed_validators {
                netuid: n,
                max_allowed_validators: 1,
            },
            C::sudo_set_tempo {
                netuid: n,
                tempo: 500,
            },
            C::sudo_set_tx_rate_limit { tx_rate_limit: 1 },
            C::sudo_set_subtoken_enabled {
                netuid: n,
                subtoken_enabled: false,
            },
            C::sudo_set_min_allowed_uids {
                netuid: n,
                min_allowed_uids: 0,
            },
            C::sudo_set_network_registration_allowed {
                netuid: n,
                registration_allowed: false,
            },
            C::sudo_set_subnet_emission_enabled {
                netuid: n,
                enabled: true,
            },
        ];
        for call in calls {
            assert_eq!(
                run(&mut s, 100, owner(), call.clone()),
                Err(DispatchError::BadOrigin),
                "{}",
                call.name()
            );
            run(&mut s, 100, Origin::Root, call.clone()).unwrap_or_else(|e| {
                panic!("{} as root: {e:?}", call.name());
            });
        }
    }

    #[test]
    fn freeze_window() {
        let (mut s, n) = setup();
        let frozen = Err(Error::AdminActionProhibitedDuringWeightsWindow.into());
        // The next epoch is at block 360: blocks 351..360 are frozen, for root too.
        assert_eq!(run(&mut s, 351, owner(), serving(n, 7)), frozen);
        assert_eq!(run(&mut s, 351, Origin::Root, serving(n, 7)), frozen);
        let tempo = C::sudo_set_tempo {
            netuid: n,
            tempo: 100,
        };
        assert_eq!(run(&mut s, 351, Origin::Root, tempo), frozen);
        // Root-only setters without the window check still pass.
        run(
            &mut s,
            351,
            Origin::Root,
            C::sudo_set_kappa {
                netuid: n,
                kappa: 5,
            },
        )
        .unwrap();
        // Owner-cut toggling has no rate limit but respects the window.
        let cut = C::sudo_set_owner_cut_enabled {
            netuid: n,
            enabled: false,
        };
        assert_eq!(run(&mut s, 355, owner(), cut.clone()), frozen);
        run(&mut s, 350, owner(), serving(n, 7)).unwrap();
        // A pending trigger freezes until it fires.
        PendingEpochAt::insert(&mut s, &n, &120);
        assert_eq!(run(&mut s, 110, owner(), cut.clone()), frozen);
        run(&mut s, 120, owner(), cut).unwrap();
        assert!(!OwnerCutEnabled::get(&s, &n));
        // A wider window (root's setting) reaches further back.
        PendingEpochAt::insert(&mut s, &n, &0);
        run(
            &mut s,
            10,
            Origin::Root,
            C::sudo_set_admin_freeze_window { window: 300 },
        )
        .unwrap();
        assert_eq!(run(&mut s, 100, Origin::Root, serving(n, 9)), frozen);
        // Tempo 0: no epochs, never frozen.
        Tempo::insert(&mut s, &n, &0);
        run(&mut s, 359, Origin::Root, serving(n, 9)).unwrap();
    }

    #[test]
    fn owner_rate_limit_per_parameter() {
        let (mut s, n) = setup();
        let limited = Err(Error::TxRateLimitExceeded.into());
        run(&mut s, 100, owner(), serving(n, 7)).unwrap();
        assert_eq!(
            LastRateLimitedBlock::get(
                &s,
                &RateLimitKey::OwnerHyperparamUpdate(n, Hyperparameter::ServingRateLimit)
            ),
            100
        );
        assert_eq!(run(&mut s, 101, owner(), serving(n, 8)), limited);
        // Another parameter is limited on its own.
        run(&mut s, 101, owner(), C::sudo_set_rho { netuid: n, rho: 3 }).unwrap();
        // Root is not limited, and its changes do not count.
        run(&mut s, 101, Origin::Root, serving(n, 9)).unwrap();
        assert_eq!(
            LastRateLimitedBlock::get(
                &s,
                &RateLimitKey::OwnerHyperparamUpdate(n, Hyperparameter::ServingRateLimit)
            ),
            100
        );
        // Two tempos (720 blocks) later it passes again (outside the window).
        LastEpochBlock::insert(&mut s, &n, &800);
        assert_eq!(run(&mut s, 819, owner(), serving(n, 10)), limited);
        run(&mut s, 820, owner(), serving(n, 10)).unwrap();
        assert_eq!(ServingRateLimit::get(&s, &n), 10);
        // The limit is in tempos, set by root.
        run(
            &mut s,
            821,
            Origin::Root,
            C::sudo_set_owner_hparam_rate_limit { epochs: 0 },
        )
        .unwrap();
        run(&mut s, 821, owner(), serving(n, 11)).unwrap();
        // The weights version key has its own limit: 5 tempos, per owner.
        let wvk = |v| C::sudo_set_weights_version_key {
            netuid: n,
            weights_version_key: v,
        };
        run(&mut s, 821, owner(), wvk(1)).unwrap();
        assert_eq!(transaction_key_last_block::get(&s, &acct(1), n, 4), 821);
        assert_eq!(run(&mut s, 822, owner(), wvk(2)), limited);
        LastEpochBlock::insert(&mut s, &n, &2_600);
        assert_eq!(run(&mut s, 821 + 1_799, owner(), wvk(2)), limited);
        run(&mut s, 821 + 1_800, owner(), wvk(2)).unwrap();
        assert_eq!(WeightsVersionKey::get(&s, &n), 2);
    }

    #[test]
    fn bounds_and_existence() {
        let (mut s, n) = setup();
        let bounds = DispatchError::from(AdminUtilsError::ValueNotInBounds);
        let cases: Vec<(Origin, C, DispatchError)> = vec![
            (
                owner(),
                C::sudo_set_min_burn {
                    netuid: n,
                    min_burn: TAO,
                },
                bounds,
            ),
            (
                owner(),
                C::sudo_set_min_burn {
                    netuid: n,
                    min_burn: 100 * TAO,
                },
                bounds,
            ),
            (
                owner(),
                C::sudo_set_max_burn {
                    netuid: n,
                    max_burn: 100_000_000,
                },
                bounds,
            ),
            (
                owner(),
                C::sudo_set_max_burn {
                    netuid: n,
                    max_burn: 400_000,
                },
                bounds,
            ),
            (
                owner(),
                C::sudo_set_max_allowed_uids {
                    netuid: n,
                    max_allowed_uids: 257,
                },
                AdminUtilsError::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids.into(),
            ),
            (
                owner(),
                C::sudo_set_max_allowed_uids {
                    netuid: n,
                    max_allowed_uids: 63,
                },
                AdminUtilsError::MaxAllowedUidsLessThanMinAllowedUids.into(),
            ),
            (
                owner(),
                C::sudo_set_bonds_moving_average {
                    netuid: n,
                    bonds_moving_average: 975_001,
                },
                AdminUtilsError::BondsMovingAverageMaxReached.into(),
            ),
            (
                owner(),
                C::sudo_set_activity_cutoff {
                    netuid: n,
                    activity_cutoff: 359,
                },
                Error::ActivityCutoffTooLow.into(),
            ),
            (
                owner(),
                C::sudo_set_commit_reveal_weights_interval {
                    netuid: n,
                    interval: 0,
                },
                Error::RevealPeriodTooSmall.into(),
            ),
            (
                owner(),
                C::sudo_set_commit_reveal_weights_interval {
                    netuid: n,
                    interval: 101,
                },
                Error::RevealPeriodTooLarge.into(),
            ),
            (
                owner(),
                C::sudo_set_alpha_values {
                    netuid: n,
                    alpha_low: 2_000,
                    alpha_high: 3_000,
                },
                Error::LiquidAlphaDisabled.into(),
            ),
            (
                owner(),
                C::sudo_set_owner_immune_neuron_limit {
                    netuid: n,
                    immune_neurons: 11,
                },
                Error::InvalidValue.into(),
            ),
            (
                owner(),
                C::sudo_set_owner_immune_neuron_limit {
                    netuid: n,
                    immune_neurons: 0,
                },
                Error::InvalidValue.into(),
            ),
            (
                owner(),
                C::sudo_set_burn_half_life {
                    netuid: n,
                    burn_half_life: 0,
                },
                AdminUtilsError::InvalidValue.into(),
            ),
            (
                owner(),
                C::sudo_set_burn_half_life {
                    netuid: n,
                    burn_half_life: 36_101,
                },
                AdminUtilsError::InvalidValue.into(),
            ),
            (
                owner(),
                C::sudo_set_burn_increase_mult {
                    netuid: n,
                    burn_increase_mult: U64F64::from_num(3) + U64F64::from_bits(1),
                },
                AdminUtilsError::InvalidValue.into(),
            ),
            (
                owner(),
                C::sudo_set_burn_increase_mult {
                    netuid: n,
                    burn_increase_mult: U64F64::from_num(0.99),
                },
                AdminUtilsError::InvalidValue.into(),
            ),
            (
                owner(),
                C::sudo_set_alpha_sigmoid_steepness {
                    netuid: n,
                    steepness: -1,
                },
                AdminUtilsError::NegativeSigmoidSteepness.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_max_allowed_validators {
                    netuid: n,
                    max_allowed_validators: 257,
                },
                AdminUtilsError::MaxValidatorsLargerThanMaxUIds.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_min_allowed_uids {
                    netuid: n,
                    min_allowed_uids: 1,
                },
                AdminUtilsError::MinAllowedUidsGreaterThanCurrentUids.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_min_allowed_uids {
                    netuid: n,
                    min_allowed_uids: 256,
                },
                AdminUtilsError::MinAllowedUidsGreaterThanMaxAllowedUids.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_max_epochs_per_block {
                    max_epochs_per_block: 0,
                },
                AdminUtilsError::ValueNotInBounds.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_kappa {
                    netuid: NetUid(9),
                    kappa: 1,
                },
                AdminUtilsError::SubnetDoesNotExist.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_rao_recycled {
                    netuid: NetUid(9),
                    rao_recycled: 1,
                },
                AdminUtilsError::SubnetDoesNotExist.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_network_pow_registration_allowed {
                    netuid: n,
                    registration_allowed: true,
                },
                AdminUtilsError::POWRegistrationDisabled.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_total_issuance { total_issuance: 1 },
                AdminUtilsError::Deprecated.into(),
            ),
            (
                Origin::Root,
                C::sudo_set_subnet_emission_enabled {
                    netuid: NetUid::ROOT,
                    enabled: true,
                },
                AdminUtilsError::NotPermittedOnRootSubnet.into(),
            ),
        ];
        NetworksAdded::insert(&mut s, &NetUid::ROOT, &true);
        for (origin, call, err) in cases {
            let before = s.root();
            assert_eq!(
                run(&mut s, 100, origin, call.clone()),
                Err(err),
                "{}",
                call.name()
            );
            assert_eq!(s.root(), before, "{} changed state", call.name());
        }
        // Root may go past the owners' bounds.
        run(
            &mut s,
            100,
            Origin::Root,
            C::sudo_set_bonds_moving_average {
                netuid: n,
                bonds_moving_average: 999_999,
            },
        )
        .unwrap();
        run(
            &mut s,
            100,
            Origin::Root,
            C::sudo_set_alpha_sigmoid_steepness {
                netuid: n,
                steepness: -5,
            },
        )
        .unwrap();
        assert_eq!(AlphaSigmoidSteepness::get(&s, &n), -5);
        // Slots over all mechanisms are bounded by 256.
        MechanismCountCurrent::insert(&mut s, &n, &2);
        assert_eq!(
            run(
                &mut s,
                100,
                Origin::Root,
                C::sudo_set_max_allowed_uids {
                    netuid: n,
                    max_allowed_uids: 129,
                },
            ),
            Err(Error::TooManyUIDsPerMechanism.into())
        );
        // Fewer slots than neurons: refused.
        MechanismCountCurrent::insert(&mut s, &n, &1);
        SubnetworkN::insert(&mut s, &n, &100);
        assert_eq!(
            run(
                &mut s,
                100,
                Origin::Root,
                C::sudo_set_max_allowed_uids {
                    netuid: n,
                    max_allowed_uids: 99,
                },
            ),
            Err(AdminUtilsError::MaxAllowedUIdsLessThanCurrentUIds.into())
        );
        // Alpha values, once liquid alpha is on.
        LiquidAlphaOn::insert(&mut s, &n, &true);
        let av = |low, high| C::sudo_set_alpha_values {
            netuid: n,
            alpha_low: low,
            alpha_high: high,
        };
        assert_eq!(
            run(&mut s, 100, Origin::Root, av(1_638, 1_637)),
            Err(Error::AlphaHighTooLow.into())
        );
        assert_eq!(
            run(&mut s, 100, Origin::Root, av(1_637, 2_000)),
            Err(Error::AlphaLowOutOfRange.into())
        );
        assert_eq!(
            run(&mut s, 100, Origin::Root, av(2_001, 2_000)),
            Err(Error::AlphaLowOutOfRange.into())
        );
        run(&mut s, 100, owner(), av(1_638, 1_638)).unwrap();
        assert_eq!(AlphaValues::get(&s, &n), (1_638, 1_638));
    }

    /// Every setter writes its item and emits subtensor's events.
    #[test]
    fn each_setter_writes_and_emits() {
        type Check = Box<dyn Fn(&Storage, NetUid) -> bool>;
        let n = NetUid(1);
        let ad = RuntimeEvent::AdminUtils;
        let mult = U64F64::from_num(2);
        let alpha = I96F32::from_num(0.5);
        let cases: Vec<(Origin, C, Check, Vec<RuntimeEvent>)> = vec![
            (
                Origin::Root,
                C::sudo_set_default_take { default_take: 9 },
                Box::new(|s, _| MaxDelegateTake::get(s) == 9),
                vec![st(Event::MaxDelegateTakeSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_tx_rate_limit { tx_rate_limit: 9 },
                Box::new(|s, _| TxRateLimit::get(s) == 9),
                vec![st(Event::TxRateLimitSet(9))],
            ),
            (
                owner(),
                serving(n, 9),
                Box::new(|s, n| ServingRateLimit::get(s, &n) == 9),
                vec![st(Event::ServingRateLimitSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_max_difficulty {
                    netuid: n,
                    max_difficulty: 9,
                },
                Box::new(|s, n| MaxDifficulty::get(s, &n) == 9),
                vec![st(Event::MaxDifficultySet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_weights_version_key {
                    netuid: n,
                    weights_version_key: 9,
                },
                Box::new(|s, n| WeightsVersionKey::get(s, &n) == 9),
                vec![st(Event::WeightsVersionKeySet(n, 9))],
            ),
            (
                Origin::Root,
                C::sudo_set_weights_set_rate_limit {
                    netuid: n,
                    weights_set_rate_limit: 9,
                },
                Box::new(|s, n| WeightsSetRateLimit::get(s, &n) == 9),
                vec![st(Event::WeightsSetRateLimitSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_adjustment_alpha {
                    netuid: n,
                    adjustment_alpha: 9,
                },
                Box::new(|s, n| AdjustmentAlpha::get(s, &n) == 9),
                vec![st(Event::AdjustmentAlphaSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_immunity_period {
                    netuid: n,
                    immunity_period: 9,
                },
                Box::new(|s, n| ImmunityPeriod::get(s, &n) == 9),
                vec![st(Event::ImmunityPeriodSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_min_allowed_weights {
                    netuid: n,
                    min_allowed_weights: 9,
                },
                Box::new(|s, n| MinAllowedWeights::get(s, &n) == 9),
                vec![st(Event::MinAllowedWeightSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_max_allowed_uids {
                    netuid: n,
                    max_allowed_uids: 99,
                },
                Box::new(|s, n| MaxAllowedUids::get(s, &n) == 99),
                vec![st(Event::MaxAllowedUidsSet(n, 99))],
            ),
            (
                Origin::Root,
                C::sudo_set_kappa {
                    netuid: n,
                    kappa: 9,
                },
                Box::new(|s, n| Kappa::get(s, &n) == 9),
                vec![st(Event::KappaSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_rho { netuid: n, rho: 9 },
                Box::new(|s, n| Rho::get(s, &n) == 9),
                vec![],
            ),
            (
                owner(),
                C::sudo_set_activity_cutoff {
                    netuid: n,
                    activity_cutoff: 999,
                },
                Box::new(|s, n| {
                    ActivityCutoff::get(s, &n) == 999
                        && ActivityCutoffFactorMilli::get(s, &n) == 13_889
                }),
                vec![st(Event::ActivityCutoffSet(n, 999))],
            ),
            (
                Origin::Root,
                C::sudo_set_network_registration_allowed {
                    netuid: n,
                    registration_allowed: false,
                },
                Box::new(|s, n| !NetworkRegistrationAllowed::get(s, &n)),
                vec![st(Event::RegistrationAllowed(n, false))],
            ),
            (
                owner(),
                C::sudo_set_min_burn {
                    netuid: n,
                    min_burn: 9,
                },
                Box::new(|s, n| MinBurn::get(s, &n) == 9),
                vec![st(Event::MinBurnSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_max_burn {
                    netuid: n,
                    max_burn: 9 * TAO,
                },
                Box::new(|s, n| MaxBurn::get(s, &n) == 9 * TAO),
                vec![st(Event::MaxBurnSet(n, 9 * TAO))],
            ),
            (
                Origin::Root,
                C::sudo_set_max_allowed_validators {
                    netuid: n,
                    max_allowed_validators: 9,
                },
                Box::new(|s, n| MaxAllowedValidators::get(s, &n) == 9),
                vec![st(Event::MaxAllowedValidatorsSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_bonds_moving_average {
                    netuid: n,
                    bonds_moving_average: 975_000,
                },
                Box::new(|s, n| BondsMovingAverage::get(s, &n) == 975_000),
                vec![st(Event::BondsMovingAverageSet(n, 975_000))],
            ),
            (
                Origin::Root,
                C::sudo_set_subnet_owner_cut {
                    subnet_owner_cut: 9,
                },
                Box::new(|s, _| SubnetOwnerCut::get(s) == 9),
                vec![st(Event::SubnetOwnerCutSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_network_rate_limit { rate_limit: 9 },
                Box::new(|s, _| NetworkRateLimit::get(s) == 9),
                vec![st(Event::NetworkRateLimitSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_tempo {
                    netuid: n,
                    tempo: 9,
                },
                Box::new(|s, n| Tempo::get(s, &n) == 9 && LastEpochBlock::get(s, &n) == 100),
                vec![st(Event::TempoSet(n, 9))],
            ),
            (
                Origin::Root,
                C::sudo_set_network_immunity_period { immunity_period: 9 },
                Box::new(|s, _| NetworkImmunityPeriod::get(s) == 9),
                vec![st(Event::NetworkImmunityPeriodSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_network_min_lock_cost { lock_cost: 9 },
                Box::new(|s, _| NetworkMinLockCost::get(s) == 9),
                vec![st(Event::NetworkMinLockCostSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_subnet_limit { max_subnets: 9 },
                Box::new(|s, _| SubnetLimit::get(s) == 9),
                vec![st(Event::SubnetLimitSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_lock_reduction_interval { interval: 9 },
                Box::new(|s, _| NetworkLockReductionInterval::get(s) == 9),
                vec![st(Event::NetworkLockCostReductionIntervalSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_rao_recycled {
                    netuid: n,
                    rao_recycled: 9,
                },
                Box::new(|s, n| RAORecycledForRegistration::get(s, &n) == 9),
                vec![st(Event::RAORecycledForRegistrationSet(n, 9))],
            ),
            (
                Origin::Root,
                C::sudo_set_stake_threshold { min_stake: 9 },
                Box::new(|s, _| StakeThreshold::get(s) == 9),
                vec![st(Event::StakeThresholdSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_nominator_min_required_stake { min_stake: 9 },
                Box::new(|s, _| NominatorMinRequiredStake::get(s) == 9),
                vec![],
            ),
            (
                Origin::Root,
                C::sudo_set_tx_delegate_take_rate_limit { tx_rate_limit: 9 },
                Box::new(|s, _| TxDelegateTakeRateLimit::get(s) == 9),
                vec![st(Event::TxDelegateTakeRateLimitSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_min_delegate_take { take: 9 },
                Box::new(|s, _| MinDelegateTake::get(s) == 9),
                vec![st(Event::MinDelegateTakeSet(9))],
            ),
            (
                owner(),
                C::sudo_set_commit_reveal_weights_enabled {
                    netuid: n,
                    enabled: false,
                },
                Box::new(|s, n| !CommitRevealWeightsEnabled::get(s, &n)),
                vec![st(Event::CommitRevealEnabled(n, false))],
            ),
            (
                owner(),
                C::sudo_set_liquid_alpha_enabled {
                    netuid: n,
                    enabled: true,
                },
                Box::new(|s, n| LiquidAlphaOn::get(s, &n)),
                vec![],
            ),
            (
                owner(),
                C::sudo_set_commit_reveal_weights_interval {
                    netuid: n,
                    interval: 9,
                },
                Box::new(|s, n| RevealPeriodEpochs::get(s, &n) == 9),
                vec![st(Event::CommitRevealPeriodsSet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_bonds_penalty {
                    netuid: n,
                    bonds_penalty: 9,
                },
                Box::new(|s, n| BondsPenalty::get(s, &n) == 9),
                vec![st(Event::BondsPenaltySet(n, 9))],
            ),
            (
                owner(),
                C::sudo_set_toggle_transfer {
                    netuid: n,
                    toggle: false,
                },
                Box::new(|s, n| !TransferToggle::get(s, &n)),
                vec![st(Event::TransferToggle(n, false))],
            ),
            (
                Origin::Root,
                C::sudo_set_subnet_moving_alpha { alpha },
                Box::new(move |s, _| SubnetMovingAlpha::get(s) == alpha),
                vec![],
            ),
            (
                owner(),
                C::sudo_set_subnet_owner_hotkey {
                    netuid: n,
                    hotkey: acct(5),
                },
                Box::new(|s, n| SubnetOwnerHotkey::get(s, &n) == acct(5)),
                vec![st(Event::SubnetOwnerHotkeySet(n, acct(5)))],
            ),
            (
                Origin::Root,
                C::sudo_set_ema_price_halving_period {
                    netuid: n,
                    ema_halving: 9,
                },
                Box::new(|s, n| EMAPriceHalvingBlocks::get(s, &n) == 9),
                vec![],
            ),
            (
                Origin::Root,
                C::sudo_set_subtoken_enabled {
                    netuid: n,
                    subtoken_enabled: false,
                },
                Box::new(|s, n| !SubtokenEnabled::get(s, &n)),
                vec![],
            ),
            (
                Origin::Root,
                C::sudo_set_sn_owner_hotkey {
                    netuid: n,
                    hotkey: acct(6),
                },
                Box::new(|s, n| SubnetOwnerHotkey::get(s, &n) == acct(6)),
                vec![st(Event::SubnetOwnerHotkeySet(n, acct(6)))],
            ),
            (
                owner(),
                C::sudo_set_alpha_sigmoid_steepness {
                    netuid: n,
                    steepness: 9,
                },
                Box::new(|s, n| AlphaSigmoidSteepness::get(s, &n) == 9),
                vec![],
            ),
            (
                owner(),
                C::sudo_set_yuma3_enabled {
                    netuid: n,
                    enabled: false,
                },
                Box::new(|s, n| !Yuma3On::get(s, &n)),
                vec![ad(AdminUtilsEvent::Yuma3EnableToggled {
                    netuid: n,
                    enabled: false,
                })],
            ),
            (
                owner(),
                C::sudo_set_bonds_reset_enabled {
                    netuid: n,
                    enabled: true,
                },
                Box::new(|s, n| BondsResetOn::get(s, &n)),
                vec![
                    st(Event::BondsResetOnSet(n, true)),
                    ad(AdminUtilsEvent::BondsResetToggled {
                        netuid: n,
                        enabled: true,
                    }),
                ],
            ),
            (
                owner(),
                C::sudo_set_owner_immune_neuron_limit {
                    netuid: n,
                    immune_neurons: 9,
                },
                Box::new(|s, n| ImmuneOwnerUidsLimit::get(s, &n) == 9),
                vec![],
            ),
            (
                Origin::Root,
                C::sudo_set_admin_freeze_window { window: 9 },
                Box::new(|s, _| AdminFreezeWindow::get(s) == 9),
                vec![st(Event::AdminFreezeWindowSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_owner_hparam_rate_limit { epochs: 9 },
                Box::new(|s, _| OwnerHyperparamRateLimit::get(s) == 9),
                vec![st(Event::OwnerHyperparamRateLimitSet(9))],
            ),
            (
                Origin::Root,
                C::sudo_set_min_allowed_uids {
                    netuid: n,
                    min_allowed_uids: 0,
                },
                Box::new(|s, n| MinAllowedUids::get(s, &n) == 0),
                vec![st(Event::MinAllowedUidsSet(n, 0))],
            ),
            (
                owner(),
                C::sudo_set_recycle_or_burn {
                    netuid: n,
                    recycle_or_burn: RecycleOrBurnEnum::Recycle,
                },
                Box::new(|s, n| RecycleOrBurn::get(s, &n) == RecycleOrBurnEnum::Recycle),
                vec![],
            ),
            (
                Origin::Root,
                C::sudo_set_min_non_immune_uids { netuid: n, min: 9 },
                Box::new(|s, n| MinNonImmuneUids::get(s, &n) == 9),
                vec![st(Event::MinNonImmuneUidsSet(n, 9))],
            ),
            (
                Origin::Root,
                C::sudo_set_start_call_delay { delay: 9 },
                Box::new(|s, _| StartCallDelay::get(s) == 9),
                vec![st(Event::StartCallDelaySet(9))],
            ),
            (
                owner(),
                C::sudo_set_burn_half_life {
                    netuid: n,
                    burn_half_life: 9,
                },
                Box::new(|s, n| BurnHalfLife::get(s, &n) == 9),
                vec![ad(AdminUtilsEvent::BurnHalfLifeSet {
                    netuid: n,
                    burn_half_life: 9,
                })],
            ),
            (
                owner(),
                C::sudo_set_burn_increase_mult {
                    netuid: n,
                    burn_increase_mult: mult,
                },
                Box::new(move |s, n| BurnIncreaseMult::get(s, &n) == mult),
                vec![ad(AdminUtilsEvent::BurnIncreaseMultSet {
                    netuid: n,
                    burn_increase_mult: mult,
                })],
            ),
            (
                owner(),
                C::sudo_set_owner_cut_enabled {
                    netuid: n,
                    enabled: false,
                },
                Box::new(|s, n| !OwnerCutEnabled::get(s, &n)),
                vec![],
            ),
            (
                Origin::Root,
                C::sudo_set_subnet_emission_enabled {
                    netuid: n,
                    enabled: true,
                },
                Box::new(|s, n| SubnetEmissionEnabled::get(s, &n)),
                vec![ad(AdminUtilsEvent::SubnetEmissionEnabledSet {
                    netuid: n,
                    enabled: true,
                })],
            ),
            (
                Origin::Root,
                C::sudo_set_max_epochs_per_block {
                    max_epochs_per_block: 9,
                },
                Box::new(|s, _| MaxEpochsPerBlock::get(s) == 9),
                vec![st(Event::MaxEpochsPerBlockSet(9))],
            ),
        ];
        for (origin, call, check, events) in cases {
            let (mut s, netuid) = setup();
            assert_eq!(netuid, n);
            assert!(!check(&s, n), "{} already holds the value", call.name());
            assert_eq!(
                run(&mut s, 100, origin, call.clone()),
                Ok(events),
                "{}",
                call.name()
            );
            assert!(check(&s, n), "{} did not write", call.name());
        }
    }

    #[test]
    fn owner_tempo() {
        let (mut s, n) = setup();
        let set =
            |tempo| RuntimeCall::SubtensorModule(SubtensorCall::set_tempo { netuid: n, tempo });
        let go = |s: &mut Storage, block, origin: Origin, call: RuntimeCall| {
            let mut ev = Vec::new();
            crate::executive::dispatch(s, &ctx(block), &origin, &call, &mut ev).map(|()| ev)
        };
        assert_eq!(
            go(&mut s, 100, Origin::Root, set(500)),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(
            go(&mut s, 100, Origin::Signed(acct(9)), set(500)),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(
            go(&mut s, 100, owner(), set(359)),
            Err(Error::TempoOutOfBounds.into())
        );
        assert_eq!(
            go(&mut s, 100, owner(), set(50_401)),
            Err(Error::TempoOutOfBounds.into())
        );
        assert_eq!(
            go(&mut s, 355, owner(), set(500)),
            Err(Error::AdminActionProhibitedDuringWeightsWindow.into())
        );
        assert_eq!(
            go(&mut s, 100, owner(), set(500)),
            Ok(vec![st(Event::TempoSet(n, 500))])
        );
        assert_eq!(
            (Tempo::get(&s, &n), LastEpochBlock::get(&s, &n)),
            (500, 100)
        );
        assert_eq!(transaction_key_last_block::get(&s, &acct(1), n, 11), 100);
        assert_eq!(
            go(&mut s, 459, owner(), set(400)),
            Err(Error::TxRateLimitExceeded.into())
        );
        go(&mut s, 460, owner(), set(400)).unwrap();
        assert_eq!(
            (Tempo::get(&s, &n), LastEpochBlock::get(&s, &n)),
            (400, 460)
        );
    }

    #[test]
    fn owner_trigger_epoch() {
        let (mut s, n) = setup();
        let trig = RuntimeCall::SubtensorModule(SubtensorCall::trigger_epoch { netuid: n });
        let go = |s: &mut Storage, block, origin: Origin| {
            let mut ev = Vec::new();
            crate::executive::dispatch(s, &ctx(block), &origin, &trig, &mut ev).map(|()| ev)
        };
        assert_eq!(go(&mut s, 100, Origin::Root), Err(DispatchError::BadOrigin));
        assert_eq!(
            go(&mut s, 100, owner()),
            Err(Error::DynamicTempoBlockedByCommitReveal.into())
        );
        CommitRevealWeightsEnabled::insert(&mut s, &n, &false);
        assert_eq!(
            go(&mut s, 355, owner()),
            Err(Error::AutoEpochAlreadyImminent.into())
        );
        assert_eq!(
            go(&mut s, 100, owner()),
            Ok(vec![st(Event::EpochTriggered {
                netuid: n,
                by: acct(1),
                fires_at: 110
            })])
        );
        assert_eq!(PendingEpochAt::get(&s, &n), 110);
        assert!(crate::subtensor::weights::should_run_epoch(&s, n, 110));
        assert_eq!(
            go(&mut s, 101, owner()),
            Err(Error::EpochTriggerAlreadyPending.into())
        );
        // Rate limited like a hyperparameter (2 tempos).
        PendingEpochAt::insert(&mut s, &n, &0);
        LastEpochBlock::insert(&mut s, &n, &110);
        assert_eq!(
            go(&mut s, 200, owner()),
            Err(Error::TxRateLimitExceeded.into())
        );
        LastEpochBlock::insert(&mut s, &n, &800);
        go(&mut s, 820, owner()).unwrap();
        assert_eq!(PendingEpochAt::get(&s, &n), 830);
    }

    #[test]
    fn owner_hotkey_limits_and_rollback() {
        let (mut s, n) = setup();
        let set = |hotkey| C::sudo_set_sn_owner_hotkey { netuid: n, hotkey };
        assert_eq!(
            run(&mut s, 100, Origin::Signed(acct(9)), set(acct(5))),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(
            run(
                &mut s,
                100,
                Origin::Root,
                C::sudo_set_sn_owner_hotkey {
                    netuid: NetUid(9),
                    hotkey: acct(5)
                }
            ),
            Err(Error::SubnetNotExists.into())
        );
        // A subnet account is refused, and the rate-limit mark written before the check is
        // rolled back.
        assert_eq!(
            run(&mut s, 100, owner(), set(subnet_account(NetUid(3)))),
            Err(Error::CannotUseSystemAccount.into())
        );
        assert_eq!(
            LastRateLimitedBlock::get(&s, &RateLimitKey::SetSNOwnerHotkey(n)),
            0
        );
        run(&mut s, 100, owner(), set(acct(5))).unwrap();
        // Once per 50 400 blocks, for root too; not subject to the freeze window.
        assert_eq!(
            run(&mut s, 50_499, Origin::Root, set(acct(6))),
            Err(Error::TxRateLimitExceeded.into())
        );
        run(&mut s, 50_500, Origin::Root, set(acct(6))).unwrap();
        assert_eq!(SubnetOwnerHotkey::get(&s, &n), acct(6));
    }

    #[test]
    fn raising_the_nominator_minimum_clears_small_nominations() {
        let (mut s, n) = setup();
        let ev = &mut Vec::new();
        // acct(10) nominates 0.005 TAO, acct(11) 1 TAO, to the owner's hotkey acct(2).
        staking::add_stake(&mut s, &acct(10), &acct(2), n, 5_000_000, None, ev).unwrap();
        staking::add_stake(&mut s, &acct(11), &acct(2), n, TAO, None, ev).unwrap();
        let small = stake_of(&s, &acct(2), &acct(10), n);
        let big = stake_of(&s, &acct(2), &acct(11), n);
        assert!(small > 0 && big > 0);
        let free = balances::free_balance(&s, &acct(10));
        // Lowering (or not raising) clears nothing.
        let set = |min_stake| C::sudo_set_nominator_min_required_stake { min_stake };
        assert_eq!(run(&mut s, 100, Origin::Root, set(0)), Ok(vec![]));
        // 5 000 000 ppm of the 0.002 TAO minimum stake: 0.01 TAO.
        let events = run(&mut s, 100, Origin::Root, set(5_000_000)).unwrap();
        assert_eq!(nominator_min_required_stake(&s), 10_000_000);
        assert_eq!(stake_of(&s, &acct(2), &acct(10), n), 0);
        assert_eq!(stake_of(&s, &acct(2), &acct(11), n), big);
        let got = balances::free_balance(&s, &acct(10)) - free;
        // About the 0.005 TAO staked (the later 1 TAO stake raised the price a little).
        assert!(got > 4_950_000 && got < 5_050_000, "{got}");
        // The alpha sold is the stake less the swap fee.
        assert!(
            matches!(
                events.as_slice(),
                [RuntimeEvent::SubtensorModule(Event::StakeRemoved(c, h, tao, a, nn, fee))]
                    if *c == acct(10) && *h == acct(2) && *tao == got && *a + *fee == small
                        && *fee > 0 && *nn == n
            ),
            "{events:?} {small}"
        );
    }
}
