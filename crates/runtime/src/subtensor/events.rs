//! SubtensorModule's events, with subtensor's variant indices and field layouts.
//!
//! Clients find events by name through the metadata, but the index of each variant is what is
//! encoded in `System.Events`, so every variant carries its index in subtensor's
//! `pallets/subtensor/src/macros/events.rs` (the variants Cortex never emits are left out; the
//! indices of the others do not move). Fields are positional as there, or named where subtensor
//! names them.

use crate::support::DispatchError;
use codec::{Compact, Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// A SubtensorModule event.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum Event {
    /// A subnet was registered: `(netuid, mechanism)`.
    #[codec(index = 0)]
    NetworkAdded(NetUid, u16),
    /// A subnet was removed.
    #[codec(index = 1)]
    NetworkRemoved(NetUid),
    /// `(coldkey, hotkey, tao, alpha, netuid, fee)`.
    #[codec(index = 2)]
    StakeAdded(AccountId32, AccountId32, u64, u64, NetUid, u64),
    /// `(coldkey, hotkey, tao, alpha, netuid, fee)`.
    #[codec(index = 3)]
    StakeRemoved(AccountId32, AccountId32, u64, u64, NetUid, u64),
    /// `(coldkey, origin hotkey, origin netuid, destination hotkey, destination netuid, tao)`.
    #[codec(index = 4)]
    StakeMoved(AccountId32, AccountId32, NetUid, AccountId32, NetUid, u64),
    /// `(netuid storage index, uid)` set weights.
    #[codec(index = 5)]
    WeightsSet(u16, u16),
    /// A neuron took a uid: `(netuid, uid, hotkey)`.
    #[codec(index = 6)]
    NeuronRegistered(NetUid, u16, AccountId32),
    /// `(netuid, max_allowed_uids)`.
    #[codec(index = 9)]
    MaxAllowedUidsSet(NetUid, u16),
    /// `(netuid, activity_cutoff)`.
    /// `(netuid, target_registrations_per_interval)`.
    #[codec(index = 13)]
    RegistrationPerIntervalSet(NetUid, u16),
    /// `(netuid, max_registrations_per_block)`.
    #[codec(index = 14)]
    MaxRegistrationsPerBlockSet(NetUid, u16),
    #[codec(index = 15)]
    ActivityCutoffSet(NetUid, u16),
    /// `(netuid, rho)`.
    #[codec(index = 16)]
    RhoSet(NetUid, u16),
    /// `(netuid, steepness)`.
    #[codec(index = 17)]
    AlphaSigmoidSteepnessSet(NetUid, i16),
    /// `(netuid, kappa)`.
    #[codec(index = 18)]
    KappaSet(NetUid, u16),
    /// `(netuid, min_allowed_weights)`.
    #[codec(index = 19)]
    MinAllowedWeightSet(NetUid, u16),
    /// `(netuid, weights_set_rate_limit)`.
    #[codec(index = 22)]
    WeightsSetRateLimitSet(NetUid, u64),
    /// `(netuid, immunity_period)`.
    #[codec(index = 23)]
    ImmunityPeriodSet(NetUid, u16),
    /// `(netuid, bonds_moving_average)`.
    #[codec(index = 24)]
    BondsMovingAverageSet(NetUid, u64),
    /// `(netuid, bonds_penalty)`.
    #[codec(index = 25)]
    BondsPenaltySet(NetUid, u16),
    /// `(netuid, enabled)`.
    #[codec(index = 26)]
    BondsResetOnSet(NetUid, bool),
    /// `(netuid, max_allowed_validators)`.
    #[codec(index = 27)]
    MaxAllowedValidatorsSet(NetUid, u16),
    /// `(netuid, hotkey)` served an axon.
    #[codec(index = 28)]
    AxonServed(NetUid, AccountId32),
    /// `(netuid, hotkey)` served a Prometheus endpoint.
    #[codec(index = 29)]
    PrometheusServed(NetUid, AccountId32),
    /// `(coldkey, hotkey, take)`: a hotkey became a delegate.
    #[codec(index = 30)]
    DelegateAdded(AccountId32, AccountId32, u16),
    /// The default delegate take.
    #[codec(index = 31)]
    DefaultTakeSet(u16),
    /// `(netuid, weights_version_key)`.
    #[codec(index = 32)]
    WeightsVersionKeySet(NetUid, u64),
    /// `(netuid, max_difficulty)` (legacy proof-of-work parameter).
    #[codec(index = 34)]
    MaxDifficultySet(NetUid, u64),
    /// `(netuid, serving_rate_limit)`.
    #[codec(index = 35)]
    ServingRateLimitSet(NetUid, u64),
    /// `(netuid, burn)`.
    #[codec(index = 36)]
    BurnSet(NetUid, u64),
    /// `(netuid, max_burn)`.
    #[codec(index = 37)]
    MaxBurnSet(NetUid, u64),
    /// `(netuid, min_burn)`.
    #[codec(index = 38)]
    MinBurnSet(NetUid, u64),
    /// Most epochs per block.
    #[codec(index = 39)]
    MaxEpochsPerBlockSet(u8),
    /// The global transaction rate limit.
    #[codec(index = 40)]
    TxRateLimitSet(u64),
    /// The delegate-take rate limit.
    #[codec(index = 41)]
    TxDelegateTakeRateLimitSet(u64),
    /// The admin freeze window.
    #[codec(index = 43)]
    AdminFreezeWindowSet(u16),
    /// The owner hyperparameter rate limit (in tempos).
    #[codec(index = 44)]
    OwnerHyperparamRateLimitSet(u16),
    /// `(netuid, allowed)`.
    #[codec(index = 50)]
    RegistrationAllowed(NetUid, bool),
    /// `(netuid, tempo)`.
    #[codec(index = 52)]
    TempoSet(NetUid, u16),
    /// `(netuid, rao)` recycled by registrations.
    #[codec(index = 53)]
    RAORecycledForRegistrationSet(NetUid, u64),
    /// The stake threshold.
    #[codec(index = 54)]
    StakeThresholdSet(u64),
    /// `(netuid, adjustment_alpha)` (legacy proof-of-work parameter).
    #[codec(index = 55)]
    AdjustmentAlphaSet(NetUid, u64),
    /// The subnet owner cut.
    #[codec(index = 57)]
    SubnetOwnerCutSet(u16),
    /// The network registration rate limit.
    #[codec(index = 58)]
    NetworkRateLimitSet(u64),
    /// The network immunity period.
    #[codec(index = 59)]
    NetworkImmunityPeriodSet(u64),
    /// The start-call delay.
    #[codec(index = 60)]
    StartCallDelaySet(u64),
    /// The network minimum lock cost.
    #[codec(index = 61)]
    NetworkMinLockCostSet(u64),
    /// The subnet limit.
    #[codec(index = 62)]
    SubnetLimitSet(u16),
    /// The lock-cost reduction interval.
    #[codec(index = 63)]
    NetworkLockCostReductionIntervalSet(u64),
    /// `(coldkey, hotkey, take)`.
    #[codec(index = 64)]
    TakeDecreased(AccountId32, AccountId32, u16),
    /// `(coldkey, hotkey, take)`.
    #[codec(index = 65)]
    TakeIncreased(AccountId32, AccountId32, u16),
    /// The maximum delegate take.
    #[codec(index = 67)]
    MaxDelegateTakeSet(u16),
    /// The minimum delegate take.
    #[codec(index = 68)]
    MinDelegateTakeSet(u16),
    /// A coldkey set its identity.
    #[codec(index = 77)]
    ChainIdentitySet(AccountId32),
    /// A subnet's identity was set.
    #[codec(index = 78)]
    SubnetIdentitySet(NetUid),
    /// `(hotkey, netuid storage index, hash)` committed weights.
    #[codec(index = 85)]
    WeightsCommitted(AccountId32, u16, [u8; 32]),
    /// `(hotkey, netuid storage index, hash)` revealed weights.
    #[codec(index = 86)]
    WeightsRevealed(AccountId32, u16, [u8; 32]),
    /// `(hotkey, netuid, hashes)` revealed a batch.
    #[codec(index = 87)]
    WeightsBatchRevealed(AccountId32, NetUid, Vec<[u8; 32]>),
    /// `(netuids, hotkey)`: a weights batch completed.
    #[codec(index = 88)]
    BatchWeightsCompleted(Vec<Compact<u16>>, AccountId32),
    /// A weights batch completed with errors.
    #[codec(index = 89)]
    BatchCompletedWithErrors(),
    /// `(netuid, error)`: one item of a weights batch failed.
    #[codec(index = 90)]
    BatchWeightItemFailed(NetUid, DispatchError),
    /// `(origin coldkey, destination coldkey, hotkey, origin netuid, destination netuid, tao)`.
    #[codec(index = 91)]
    StakeTransferred(AccountId32, AccountId32, AccountId32, NetUid, NetUid, u64),
    /// `(coldkey, hotkey, origin netuid, destination netuid, tao)`.
    #[codec(index = 92)]
    StakeSwapped(AccountId32, AccountId32, NetUid, NetUid, u64),
    /// `(netuid, enabled)`: transfers of stake allowed.
    #[codec(index = 93)]
    TransferToggle(NetUid, bool),
    /// `(netuid, hotkey)`: the owner hotkey changed.
    #[codec(index = 94)]
    SubnetOwnerHotkeySet(NetUid, AccountId32),
    /// `start_call` set the first emission block: `(netuid, block)`.
    #[codec(index = 95)]
    FirstEmissionBlockNumberSet(NetUid, u64),
    /// `(coldkey, hotkey, alpha, netuid)`: alpha recycled.
    #[codec(index = 96)]
    AlphaRecycled(AccountId32, AccountId32, u64, NetUid),
    /// `(coldkey, hotkey, alpha, netuid)`: alpha burned.
    #[codec(index = 97)]
    AlphaBurned(AccountId32, AccountId32, u64, NetUid),
    /// `(netuid, reveal period in epochs)`.
    #[codec(index = 100)]
    CommitRevealPeriodsSet(NetUid, u64),
    /// `(netuid, enabled)`.
    #[codec(index = 101)]
    CommitRevealEnabled(NetUid, bool),
    /// A subnet's token symbol changed.
    #[codec(index = 105)]
    SymbolUpdated { netuid: NetUid, symbol: Vec<u8> },
    /// Miner incentive staked to an auto-stake destination.
    #[codec(index = 109)]
    AutoStakeAdded {
        netuid: NetUid,
        destination: AccountId32,
        hotkey: AccountId32,
        owner: AccountId32,
        incentive: u64,
    },
    /// The incentive paid to each uid at an epoch.
    #[codec(index = 110)]
    IncentiveAlphaEmittedToMiners { netuid: u16, emissions: Vec<u64> },
    /// `(netuid, min_allowed_uids)`.
    #[codec(index = 111)]
    MinAllowedUidsSet(NetUid, u16),
    /// A coldkey chose where its miner incentive on a subnet is staked.
    #[codec(index = 112)]
    AutoStakeDestinationSet {
        coldkey: AccountId32,
        netuid: NetUid,
        hotkey: AccountId32,
    },
    /// Alpha bought with `amount` TAO and burned by `add_stake_burn`.
    #[codec(index = 121)]
    AddStakeBurn {
        netuid: NetUid,
        hotkey: AccountId32,
        amount: u64,
        alpha: u64,
    },
    /// `(netuid, min_non_immune_uids)`.
    #[codec(index = 113)]
    MinNonImmuneUidsSet(NetUid, u16),
    /// A transaction fee was paid in alpha.
    #[codec(index = 123)]
    TransactionFeePaidWithAlpha {
        who: AccountId32,
        netuid: NetUid,
        alpha_fee: u64,
        tao_amount: u64,
    },
    /// `(netuid, half life)`.
    #[codec(index = 124)]
    BurnHalfLifeSet { netuid: NetUid, burn_half_life: u16 },
    /// An owner triggered an epoch.
    #[codec(index = 131)]
    EpochTriggered {
        netuid: NetUid,
        by: AccountId32,
        fires_at: u64,
    },
    /// A due epoch moved to a later block (too many epochs this block).
    #[codec(index = 132)]
    EpochDeferred {
        netuid: NetUid,
        from_block: u64,
        to_block: u64,
    },
    /// A due epoch was skipped (inconsistent input state).
    #[codec(index = 133)]
    EpochSkipped { netuid: NetUid, block: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_subtensors() {
        assert_eq!(
            Event::NetworkAdded(NetUid(3), 1).encode(),
            vec![0, 3, 0, 1, 0]
        );
        assert_eq!(Event::WeightsSet(1, 2).encode()[0], 5);
        assert_eq!(
            Event::NeuronRegistered(NetUid(1), 0, AccountId32([0; 32])).encode()[0],
            6
        );
        assert_eq!(
            Event::AxonServed(NetUid(1), AccountId32([0; 32])).encode()[0],
            28
        );
        assert_eq!(
            Event::EpochSkipped {
                netuid: NetUid(1),
                block: 0
            }
            .encode()[0],
            133
        );
    }
}
