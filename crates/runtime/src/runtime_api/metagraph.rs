//! `SubnetInfoRuntimeApi`: a subnet's whole metagraph in one answer (`Metagraph`, subtensor's
//! `rpc_info/metagraph.rs`), and its mechanism views (`get_mechagraph`). The selective variants
//! are in [`super::selective`].
//!
//! Cortex runs one mechanism per subnet: mechanism 0 is the subnet itself (its per-uid items are
//! keyed by the netuid), and every other mechanism id answers `None`.
//!
//! Values Cortex keeps no state for are answered as a chain without that feature would:
//! proof-of-work registration does not exist, so `pow_registration_allowed` is false and the
//! difficulty terms are subtensor's initial values; pruning score, trust and rank are no longer
//! computed (empty, as subtensor answers); TAO dividends were removed (zero per hotkey).

use super::current_block;
use super::hyperparams::activity_cutoff_blocks;
use super::subnet_info::{DynamicInfo, all_netuids, get_dynamic_info};
use super::subnet_state::{StakeColumns, compact, stake_columns, uid_hotkeys};
use crate::storage::Storage;
use crate::subtensor::coinbase::AlphaDividendsPerSubnet;
use crate::subtensor::identity::{ChainIdentityV2, IdentitiesV2, SubnetIdentityV3};
use crate::subtensor::registration::{MaxRegistrationsPerBlock, TargetRegistrationsPerInterval};
use crate::subtensor::serving::{AxonInfo, Axons};
use crate::subtensor::storage::*;
use codec::{Compact, Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::I96F32;

/// Subtensor's initial (and, without proof of work, unchanging) registration difficulty.
pub const DIFFICULTY: u64 = 10_000_000;
/// Subtensor's initial minimum difficulty.
pub const MIN_DIFFICULTY: u64 = 10_000_000;
/// Subtensor's initial difficulty adjustment interval, blocks.
pub const ADJUSTMENT_INTERVAL: u16 = 100;

/// A subnet's metagraph, field for field subtensor's `Metagraph` (the field order is the wire
/// order, `spec/wire.md` §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct Metagraph {
    /// The subnet (for a mechanism: its storage index, `mecid × 4096 + netuid`).
    #[codec(compact)]
    pub netuid: u16,
    /// The name, one compact-encoded byte per UTF-8 byte.
    pub name: Vec<Compact<u8>>,
    /// The token symbol, one compact-encoded byte per UTF-8 byte.
    pub symbol: Vec<Compact<u8>>,
    /// The subnet's identity, if set.
    pub identity: Option<SubnetIdentityV3>,
    /// Block the subnet was registered at.
    #[codec(compact)]
    pub network_registered_at: u64,
    /// The owner's hotkey.
    pub owner_hotkey: AccountId32,
    /// The owner's coldkey.
    pub owner_coldkey: AccountId32,
    /// The block the answer was read at.
    #[codec(compact)]
    pub block: u64,
    /// Blocks per epoch.
    #[codec(compact)]
    pub tempo: u16,
    /// Block of the last epoch.
    #[codec(compact)]
    pub last_step: u64,
    /// Blocks since then.
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    /// Deprecated (subtensor answers 0).
    #[codec(compact)]
    pub subnet_emission: u64,
    /// Alpha reserve of the pool.
    #[codec(compact)]
    pub alpha_in: u64,
    /// Alpha outstanding (staked).
    #[codec(compact)]
    pub alpha_out: u64,
    /// TAO reserve of the pool.
    #[codec(compact)]
    pub tao_in: u64,
    /// Alpha emitted to participants in the last block.
    #[codec(compact)]
    pub alpha_out_emission: u64,
    /// Alpha injected into the pool in the last block.
    #[codec(compact)]
    pub alpha_in_emission: u64,
    /// TAO injected into the pool in the last block.
    #[codec(compact)]
    pub tao_in_emission: u64,
    /// Alpha waiting for the next epoch (validators' and miners' shares).
    #[codec(compact)]
    pub pending_alpha_emission: u64,
    /// Always 0 (subtensor's too).
    #[codec(compact)]
    pub pending_root_emission: u64,
    /// TAO swapped through the pool.
    #[codec(compact)]
    pub subnet_volume: u128,
    /// Moving average of the price (TAO per alpha).
    pub moving_price: I96F32,
    /// Rho.
    #[codec(compact)]
    pub rho: u16,
    /// Kappa, u16 proportion.
    #[codec(compact)]
    pub kappa: u16,
    /// Entries a weight vector needs at least.
    #[codec(compact)]
    pub min_allowed_weights: u16,
    /// Largest normalized weight.
    #[codec(compact)]
    pub max_weights_limit: u16,
    /// Version key `set_weights` must send at least.
    #[codec(compact)]
    pub weights_version: u64,
    /// Blocks between two `set_weights` by one hotkey.
    #[codec(compact)]
    pub weights_rate_limit: u64,
    /// Activity cutoff in blocks (from the factor and the tempo).
    #[codec(compact)]
    pub activity_cutoff: u64,
    /// Most validator permits.
    #[codec(compact)]
    pub max_validators: u16,
    /// Uids in use.
    #[codec(compact)]
    pub num_uids: u16,
    /// Uid slots.
    #[codec(compact)]
    pub max_uids: u16,
    /// Current registration burn, rao.
    #[codec(compact)]
    pub burn: u64,
    /// Proof-of-work difficulty ([`DIFFICULTY`]).
    #[codec(compact)]
    pub difficulty: u64,
    /// Whether neurons may register.
    pub registration_allowed: bool,
    /// Whether proof-of-work registration is open (never, on Cortex).
    pub pow_registration_allowed: bool,
    /// Blocks a new neuron is safe from pruning.
    #[codec(compact)]
    pub immunity_period: u16,
    /// Lowest difficulty ([`MIN_DIFFICULTY`]).
    #[codec(compact)]
    pub min_difficulty: u64,
    /// Highest difficulty.
    #[codec(compact)]
    pub max_difficulty: u64,
    /// Floor of the burn.
    #[codec(compact)]
    pub min_burn: u64,
    /// Ceiling of the burn.
    #[codec(compact)]
    pub max_burn: u64,
    /// Difficulty adjustment smoothing.
    #[codec(compact)]
    pub adjustment_alpha: u64,
    /// Blocks between difficulty adjustments ([`ADJUSTMENT_INTERVAL`]).
    #[codec(compact)]
    pub adjustment_interval: u16,
    /// Registrations aimed at per interval.
    #[codec(compact)]
    pub target_regs_per_interval: u16,
    /// Most registrations in one block.
    #[codec(compact)]
    pub max_regs_per_block: u16,
    /// Blocks between two `serve_axon` by one hotkey.
    #[codec(compact)]
    pub serving_rate_limit: u64,
    /// Whether weights go through commit-reveal.
    pub commit_reveal_weights_enabled: bool,
    /// Epochs a commit stays revealable.
    #[codec(compact)]
    pub commit_reveal_period: u64,
    /// Liquid alpha (per-bond α).
    pub liquid_alpha_enabled: bool,
    /// Upper liquid-α bound, u16 proportion.
    #[codec(compact)]
    pub alpha_high: u16,
    /// Lower liquid-α bound, u16 proportion.
    #[codec(compact)]
    pub alpha_low: u16,
    /// Bond EMA, millionths.
    #[codec(compact)]
    pub bonds_moving_avg: u64,
    /// Hotkey per uid.
    pub hotkeys: Vec<AccountId32>,
    /// Owner coldkey per uid.
    pub coldkeys: Vec<AccountId32>,
    /// Identity of each uid's coldkey.
    pub identities: Vec<Option<ChainIdentityV2>>,
    /// Axon per uid (zeros if never served).
    pub axons: Vec<AxonInfo>,
    /// Active flag per uid.
    pub active: Vec<bool>,
    /// Validator permit per uid.
    pub validator_permit: Vec<bool>,
    /// Empty (no longer computed).
    pub pruning_score: Vec<Compact<u16>>,
    /// Block of the last weights per uid.
    pub last_update: Vec<Compact<u64>>,
    /// Last epoch's alpha emission per uid.
    pub emission: Vec<Compact<u64>>,
    /// Dividends per uid.
    pub dividends: Vec<Compact<u16>>,
    /// Incentive per uid.
    pub incentives: Vec<Compact<u16>>,
    /// Consensus per uid.
    pub consensus: Vec<Compact<u16>>,
    /// Empty (no longer computed).
    pub trust: Vec<Compact<u16>>,
    /// Empty (no longer computed).
    pub rank: Vec<Compact<u16>>,
    /// Registration block per uid.
    pub block_at_registration: Vec<Compact<u64>>,
    /// Alpha staked to each uid's hotkey on the subnet.
    pub alpha_stake: Vec<Compact<u64>>,
    /// Root TAO staked to each uid's hotkey.
    pub tao_stake: Vec<Compact<u64>>,
    /// `alpha_stake + tao_stake × TaoWeight` per uid.
    pub total_stake: Vec<Compact<u64>>,
    /// `(hotkey, TAO dividends)` per uid: zeros (TAO dividends were removed).
    pub tao_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>,
    /// `(hotkey, alpha dividends at the last epoch)` per uid.
    pub alpha_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>,
}

/// The metagraph of an existing subnet, from its [`DynamicInfo`] and its storage.
fn build(s: &Storage, n: NetUid, d: DynamicInfo) -> Metagraph {
    let index = mechanism_index(n, 0);
    let keys = uid_hotkeys(s, n);
    let hotkeys: Vec<AccountId32> = keys.iter().map(|k| k.unwrap_or(ZERO_ACCOUNT)).collect();
    let coldkeys: Vec<AccountId32> = hotkeys.iter().map(|h| Owner::get(s, h)).collect();
    let StakeColumns {
        alpha_stake,
        tao_stake,
        total_stake,
    } = stake_columns(s, n, &keys);
    let (alpha_low, alpha_high) = AlphaValues::get(s, &n);
    Metagraph {
        netuid: d.netuid,
        name: d.subnet_name,
        symbol: d.token_symbol,
        identity: d.subnet_identity,
        network_registered_at: d.network_registered_at,
        owner_hotkey: d.owner_hotkey,
        owner_coldkey: d.owner_coldkey,
        block: current_block(s),
        tempo: d.tempo,
        last_step: d.last_step,
        blocks_since_last_step: d.blocks_since_last_step,
        subnet_emission: 0,
        alpha_in: d.alpha_in,
        alpha_out: d.alpha_out,
        tao_in: d.tao_in,
        alpha_out_emission: d.alpha_out_emission,
        alpha_in_emission: d.alpha_in_emission,
        tao_in_emission: d.tao_in_emission,
        pending_alpha_emission: d.pending_alpha_emission,
        pending_root_emission: 0,
        subnet_volume: d.subnet_volume,
        moving_price: d.moving_price,
        rho: Rho::get(s, &n),
        kappa: Kappa::get(s, &n),
        min_allowed_weights: MinAllowedWeights::get(s, &n),
        max_weights_limit: MaxWeightsLimit::get(s, &n),
        weights_version: WeightsVersionKey::get(s, &n),
        weights_rate_limit: WeightsSetRateLimit::get(s, &n),
        activity_cutoff: activity_cutoff_blocks(s, n),
        max_validators: MaxAllowedValidators::get(s, &n),
        num_uids: SubnetworkN::get(s, &n),
        max_uids: MaxAllowedUids::get(s, &n),
        burn: Burn::get(s, &n),
        difficulty: DIFFICULTY,
        registration_allowed: NetworkRegistrationAllowed::get(s, &n),
        pow_registration_allowed: false,
        immunity_period: ImmunityPeriod::get(s, &n),
        min_difficulty: MIN_DIFFICULTY,
        max_difficulty: MaxDifficulty::get(s, &n),
        min_burn: MinBurn::get(s, &n),
        max_burn: MaxBurn::get(s, &n),
        adjustment_alpha: AdjustmentAlpha::get(s, &n),
        adjustment_interval: ADJUSTMENT_INTERVAL,
        target_regs_per_interval: TargetRegistrationsPerInterval::get(s, &n),
        max_regs_per_block: MaxRegistrationsPerBlock::get(s, &n),
        serving_rate_limit: ServingRateLimit::get(s, &n),
        commit_reveal_weights_enabled: CommitRevealWeightsEnabled::get(s, &n),
        commit_reveal_period: RevealPeriodEpochs::get(s, &n),
        liquid_alpha_enabled: LiquidAlphaOn::get(s, &n),
        alpha_high,
        alpha_low,
        bonds_moving_avg: BondsMovingAverage::get(s, &n),
        identities: coldkeys.iter().map(|c| IdentitiesV2::try_get(s, c)).collect(),
        axons: hotkeys
            .iter()
            .map(|h| Axons::try_get(s, &n, h).unwrap_or_default())
            .collect(),
        active: Active::get(s, &n),
        validator_permit: ValidatorPermit::get(s, &n),
        pruning_score: Vec::new(),
        last_update: compact(LastUpdate::get(s, &index)),
        emission: compact(Emission::get(s, &n)),
        dividends: compact(Dividends::get(s, &n)),
        incentives: compact(Incentive::get(s, &index)),
        consensus: compact(Consensus::get(s, &n)),
        trust: Vec::new(),
        rank: Vec::new(),
        block_at_registration: (0..SubnetworkN::get(s, &n))
            .map(|u| Compact(BlockAtRegistration::get(s, &n, &u)))
            .collect(),
        alpha_stake: compact(alpha_stake),
        tao_stake: compact(tao_stake),
        total_stake: compact(total_stake),
        tao_dividends_per_hotkey: hotkeys.iter().map(|h| (*h, Compact(0))).collect(),
        alpha_dividends_per_hotkey: hotkeys
            .iter()
            .map(|h| (*h, Compact(AlphaDividendsPerSubnet::get(s, &n, h))))
            .collect(),
        hotkeys,
        coldkeys,
    }
}

/// `get_metagraph(netuid)`: `None` unless the subnet exists.
pub fn get_metagraph(s: &Storage, netuid: u16) -> Option<Metagraph> {
    let d = get_dynamic_info(s, netuid)?;
    Some(build(s, NetUid(netuid), d))
}

/// `get_all_metagraphs()`: one entry per netuid of `NetworksAdded`, in storage order.
pub fn get_all_metagraphs(s: &Storage) -> Vec<Option<Metagraph>> {
    all_netuids(s)
        .into_iter()
        .map(|n| get_metagraph(s, n.0))
        .collect()
}

/// Whether mechanism `mecid` of `netuid` exists: on Cortex, only mechanism 0 of an existing
/// subnet.
pub fn mechanism_exists(s: &Storage, netuid: u16, mecid: u8) -> bool {
    mecid == 0 && NetworksAdded::get(s, &NetUid(netuid))
}

/// `get_mechagraph(netuid, mecid)`: mechanism 0 is the subnet's metagraph; other mechanisms do
/// not exist (`None`).
pub fn get_mechagraph(s: &Storage, netuid: u16, mecid: u8) -> Option<Metagraph> {
    if !mechanism_exists(s, netuid, mecid) {
        return None;
    }
    get_metagraph(s, netuid)
}

/// `get_all_mechagraphs()`: every mechanism of every subnet, which on Cortex is one per netuid.
pub fn get_all_mechagraphs(s: &Storage) -> Vec<Option<Metagraph>> {
    all_netuids(s)
        .into_iter()
        .map(|n| get_mechagraph(s, n.0, 0))
        .collect()
}

#[cfg(test)]
mod tests;
