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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum Event {
    /// A subnet was registered: `(netuid, mechanism)`.
    #[codec(index = 0)]
    NetworkAdded(NetUid, u16),
    /// A subnet was removed (dissolved or pruned).
    #[codec(index = 1)]
    NetworkRemoved(NetUid),
    /// A coldkey staked TAO to a hotkey on a subnet: `(coldkey, hotkey, tao, alpha bought, netuid,
    /// fee)`.
    #[codec(index = 2)]
    StakeAdded(AccountId32, AccountId32, u64, u64, NetUid, u64),
    /// A coldkey unstaked from a hotkey on a subnet: `(coldkey, hotkey, tao received, alpha sold,
    /// netuid, fee)`.
    #[codec(index = 3)]
    StakeRemoved(AccountId32, AccountId32, u64, u64, NetUid, u64),
    /// A coldkey moved stake: `(coldkey, origin hotkey, origin netuid, destination hotkey,
    /// destination netuid, tao)`.
    #[codec(index = 4)]
    StakeMoved(AccountId32, AccountId32, NetUid, AccountId32, NetUid, u64),
    /// A neuron set weights: `(netuid storage index, uid)`.
    #[codec(index = 5)]
    WeightsSet(u16, u16),
    /// A hotkey registered on a subnet and took a uid: `(netuid, uid, hotkey)`.
    #[codec(index = 6)]
    NeuronRegistered(NetUid, u16, AccountId32),
    /// A subnet's number of uid slots was set: `(netuid, max_allowed_uids)`.
    #[codec(index = 9)]
    MaxAllowedUidsSet(NetUid, u16),
    /// Root set a subnet's target registrations per interval: `(netuid, target)`.
    #[codec(index = 13)]
    RegistrationPerIntervalSet(NetUid, u16),
    /// Root set a subnet's most registrations per block: `(netuid, max_registrations_per_block)`.
    #[codec(index = 14)]
    MaxRegistrationsPerBlockSet(NetUid, u16),
    /// A subnet's activity cutoff was set: `(netuid, activity_cutoff)`.
    #[codec(index = 15)]
    ActivityCutoffSet(NetUid, u16),
    /// A subnet's rho was set: `(netuid, rho)`.
    #[codec(index = 16)]
    RhoSet(NetUid, u16),
    /// A subnet's alpha sigmoid steepness was set: `(netuid, steepness)`.
    #[codec(index = 17)]
    AlphaSigmoidSteepnessSet(NetUid, i16),
    /// A subnet's kappa was set: `(netuid, kappa)`.
    #[codec(index = 18)]
    KappaSet(NetUid, u16),
    /// A subnet's minimum number of weights was set: `(netuid, min_allowed_weights)`.
    #[codec(index = 19)]
    MinAllowedWeightSet(NetUid, u16),
    /// A subnet's weights rate limit was set: `(netuid, blocks)`.
    #[codec(index = 22)]
    WeightsSetRateLimitSet(NetUid, u64),
    /// A subnet's immunity period was set: `(netuid, blocks)`.
    #[codec(index = 23)]
    ImmunityPeriodSet(NetUid, u16),
    /// A subnet's bonds moving average was set: `(netuid, bonds_moving_average)`.
    #[codec(index = 24)]
    BondsMovingAverageSet(NetUid, u64),
    /// A subnet's bonds penalty was set: `(netuid, bonds_penalty)`.
    #[codec(index = 25)]
    BondsPenaltySet(NetUid, u16),
    /// Bonds resets were allowed or forbidden on a subnet: `(netuid, enabled)`.
    #[codec(index = 26)]
    BondsResetOnSet(NetUid, bool),
    /// A subnet's number of validator permits was set: `(netuid, max_allowed_validators)`.
    #[codec(index = 27)]
    MaxAllowedValidatorsSet(NetUid, u16),
    /// A hotkey served its axon on a subnet: `(netuid, hotkey)`.
    #[codec(index = 28)]
    AxonServed(NetUid, AccountId32),
    /// A hotkey served its Prometheus endpoint on a subnet: `(netuid, hotkey)`.
    #[codec(index = 29)]
    PrometheusServed(NetUid, AccountId32),
    /// A hotkey became a delegate: `(coldkey, hotkey, take)`.
    #[codec(index = 30)]
    DelegateAdded(AccountId32, AccountId32, u16),
    /// The default delegate take was set.
    #[codec(index = 31)]
    DefaultTakeSet(u16),
    /// A subnet's weights version key was set: `(netuid, weights_version_key)`.
    #[codec(index = 32)]
    WeightsVersionKeySet(NetUid, u64),
    /// A subnet's maximum difficulty (a legacy proof-of-work parameter) was set: `(netuid,
    /// max_difficulty)`.
    #[codec(index = 34)]
    MaxDifficultySet(NetUid, u64),
    /// A subnet's serving rate limit was set: `(netuid, blocks)`.
    #[codec(index = 35)]
    ServingRateLimitSet(NetUid, u64),
    /// A subnet's registration burn was set: `(netuid, burn)`.
    #[codec(index = 36)]
    BurnSet(NetUid, u64),
    /// A subnet's highest registration burn was set: `(netuid, max_burn)`.
    #[codec(index = 37)]
    MaxBurnSet(NetUid, u64),
    /// A subnet's lowest registration burn was set: `(netuid, min_burn)`.
    #[codec(index = 38)]
    MinBurnSet(NetUid, u64),
    /// The most epochs per block was set.
    #[codec(index = 39)]
    MaxEpochsPerBlockSet(u8),
    /// The global transaction rate limit was set (blocks).
    #[codec(index = 40)]
    TxRateLimitSet(u64),
    /// The delegate-take rate limit was set (blocks).
    #[codec(index = 41)]
    TxDelegateTakeRateLimitSet(u64),
    /// The admin freeze window was set (blocks).
    #[codec(index = 43)]
    AdminFreezeWindowSet(u16),
    /// The owner hyperparameter rate limit was set (tempos).
    #[codec(index = 44)]
    OwnerHyperparamRateLimitSet(u16),
    /// Registration was allowed or forbidden on a subnet: `(netuid, allowed)`.
    #[codec(index = 50)]
    RegistrationAllowed(NetUid, bool),
    /// A subnet's tempo was set: `(netuid, tempo)`.
    #[codec(index = 52)]
    TempoSet(NetUid, u16),
    /// The rao recycled by registrations on a subnet was set: `(netuid, rao)`.
    #[codec(index = 53)]
    RAORecycledForRegistrationSet(NetUid, u64),
    /// The stake needed to set weights was set.
    #[codec(index = 54)]
    StakeThresholdSet(u64),
    /// A subnet's adjustment alpha (a legacy proof-of-work parameter) was set: `(netuid,
    /// adjustment_alpha)`.
    #[codec(index = 55)]
    AdjustmentAlphaSet(NetUid, u64),
    /// The subnet owner cut was set.
    #[codec(index = 57)]
    SubnetOwnerCutSet(u16),
    /// The subnet registration rate limit was set (blocks).
    #[codec(index = 58)]
    NetworkRateLimitSet(u64),
    /// The subnet immunity period was set (blocks).
    #[codec(index = 59)]
    NetworkImmunityPeriodSet(u64),
    /// The start-call delay was set (blocks).
    #[codec(index = 60)]
    StartCallDelaySet(u64),
    /// The lowest subnet lock cost was set.
    #[codec(index = 61)]
    NetworkMinLockCostSet(u64),
    /// The most subnets allowed was set.
    #[codec(index = 62)]
    SubnetLimitSet(u16),
    /// The lock-cost reduction interval was set (blocks).
    #[codec(index = 63)]
    NetworkLockCostReductionIntervalSet(u64),
    /// A delegate lowered its take: `(coldkey, hotkey, take)`.
    #[codec(index = 64)]
    TakeDecreased(AccountId32, AccountId32, u16),
    /// A delegate raised its take: `(coldkey, hotkey, take)`.
    #[codec(index = 65)]
    TakeIncreased(AccountId32, AccountId32, u16),
    /// The highest delegate take was set.
    #[codec(index = 67)]
    MaxDelegateTakeSet(u16),
    /// The lowest delegate take was set.
    #[codec(index = 68)]
    MinDelegateTakeSet(u16),
    /// A coldkey set its identity.
    #[codec(index = 77)]
    ChainIdentitySet(AccountId32),
    /// A subnet's identity was set.
    #[codec(index = 78)]
    SubnetIdentitySet(NetUid),
    /// A hotkey committed weights: `(hotkey, netuid storage index, hash)`.
    #[codec(index = 85)]
    WeightsCommitted(AccountId32, u16, [u8; 32]),
    /// A hotkey revealed committed weights: `(hotkey, netuid storage index, hash)`.
    #[codec(index = 86)]
    WeightsRevealed(AccountId32, u16, [u8; 32]),
    /// A hotkey revealed a batch of commits: `(hotkey, netuid, hashes)`.
    #[codec(index = 87)]
    WeightsBatchRevealed(AccountId32, NetUid, Vec<[u8; 32]>),
    /// A batch of weight settings completed: `(netuids, hotkey)`.
    #[codec(index = 88)]
    BatchWeightsCompleted(Vec<Compact<u16>>, AccountId32),
    /// A batch of weight settings completed, with some items failing.
    #[codec(index = 89)]
    BatchCompletedWithErrors(),
    /// One item of a weights batch failed: `(netuid, error)`.
    #[codec(index = 90)]
    BatchWeightItemFailed(NetUid, DispatchError),
    /// Stake was given to another coldkey: `(origin coldkey, destination coldkey, hotkey, origin
    /// netuid, destination netuid, tao)`.
    #[codec(index = 91)]
    StakeTransferred(AccountId32, AccountId32, AccountId32, NetUid, NetUid, u64),
    /// Stake was swapped between subnets: `(coldkey, hotkey, origin netuid, destination netuid,
    /// tao)`.
    #[codec(index = 92)]
    StakeSwapped(AccountId32, AccountId32, NetUid, NetUid, u64),
    /// Stake transfers were allowed or forbidden on a subnet: `(netuid, enabled)`.
    #[codec(index = 93)]
    TransferToggle(NetUid, bool),
    /// A subnet's owner hotkey changed: `(netuid, hotkey)`.
    #[codec(index = 94)]
    SubnetOwnerHotkeySet(NetUid, AccountId32),
    /// A subnet's emission was started (`start_call`): `(netuid, first emission block)`.
    #[codec(index = 95)]
    FirstEmissionBlockNumberSet(NetUid, u64),
    /// Alpha was recycled: `(coldkey, hotkey, alpha, netuid)`.
    #[codec(index = 96)]
    AlphaRecycled(AccountId32, AccountId32, u64, NetUid),
    /// Alpha was burned: `(coldkey, hotkey, alpha, netuid)`.
    #[codec(index = 97)]
    AlphaBurned(AccountId32, AccountId32, u64, NetUid),
    /// A subnet's commit-reveal period was set: `(netuid, epochs)`.
    #[codec(index = 100)]
    CommitRevealPeriodsSet(NetUid, u64),
    /// Commit-reveal was switched on or off on a subnet: `(netuid, enabled)`.
    #[codec(index = 101)]
    CommitRevealEnabled(NetUid, bool),
    /// A subnet's token symbol changed.
    #[codec(index = 105)]
    SymbolUpdated {
        /// The subnet.
        netuid: NetUid,
        /// The new symbol (UTF-8).
        symbol: Vec<u8>,
    },
    /// Miner incentive was staked to the coldkey's auto-stake destination.
    #[codec(index = 109)]
    AutoStakeAdded {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey the incentive was staked to.
        destination: AccountId32,
        /// The miner's hotkey that earned it.
        hotkey: AccountId32,
        /// The miner's coldkey.
        owner: AccountId32,
        /// The alpha staked.
        incentive: u64,
    },
    /// The incentive paid to each uid of a subnet at an epoch.
    #[codec(index = 110)]
    IncentiveAlphaEmittedToMiners {
        /// The subnet.
        netuid: u16,
        /// The alpha paid to each uid, by uid.
        emissions: Vec<u64>,
    },
    /// A subnet's fewest uid slots was set: `(netuid, min_allowed_uids)`.
    #[codec(index = 111)]
    MinAllowedUidsSet(NetUid, u16),
    /// A coldkey chose where its miner incentive on a subnet is staked.
    #[codec(index = 112)]
    AutoStakeDestinationSet {
        /// The coldkey.
        coldkey: AccountId32,
        /// The subnet.
        netuid: NetUid,
        /// The hotkey its incentive is staked to.
        hotkey: AccountId32,
    },
    /// Alpha was bought with TAO and burned by `add_stake_burn`.
    #[codec(index = 121)]
    AddStakeBurn {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey named in the call.
        hotkey: AccountId32,
        /// The TAO spent.
        amount: u64,
        /// The alpha bought and burned.
        alpha: u64,
    },
    /// A subnet's fewest prunable neurons was set: `(netuid, min_non_immune_uids)`.
    #[codec(index = 113)]
    MinNonImmuneUidsSet(NetUid, u16),
    /// A transaction fee was paid in alpha instead of TAO.
    #[codec(index = 123)]
    TransactionFeePaidWithAlpha {
        /// The payer.
        who: AccountId32,
        /// The subnet whose alpha paid.
        netuid: NetUid,
        /// The alpha taken.
        alpha_fee: u64,
        /// The TAO it was worth.
        tao_amount: u64,
    },
    /// A subnet's registration burn half-life was set.
    #[codec(index = 124)]
    BurnHalfLifeSet {
        /// The subnet.
        netuid: NetUid,
        /// The half-life, in blocks.
        burn_half_life: u16,
    },
    /// A subnet's owner triggered an epoch.
    #[codec(index = 131)]
    EpochTriggered {
        /// The subnet.
        netuid: NetUid,
        /// The owner who triggered it.
        by: AccountId32,
        /// The block the epoch runs at.
        fires_at: u64,
    },
    /// A due epoch was moved to a later block (too many epochs in this block).
    #[codec(index = 132)]
    EpochDeferred {
        /// The subnet.
        netuid: NetUid,
        /// The block it was due at.
        from_block: u64,
        /// The block it runs at instead.
        to_block: u64,
    },
    /// A due epoch was skipped (its input state was inconsistent).
    #[codec(index = 133)]
    EpochSkipped {
        /// The subnet.
        netuid: NetUid,
        /// The block it was due at.
        block: u64,
    },
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
