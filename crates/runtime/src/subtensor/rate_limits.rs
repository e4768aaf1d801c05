//! Rate-limit bookkeeping: the block of each rate-limited action, under subtensor's keys
//! (`LastRateLimitedBlock` by `RateLimitKey`, and the `TransactionKeyLastBlock` N-map), which
//! subnet registration, delegate takes and the owner's rules read and write.

use crate::storage::Storage;
use crate::storage_map;
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

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

/// Rate-limit keys of `LastRateLimitedBlock` (subtensor's `RateLimitKey`, SCALE-encoded).
#[derive(Clone, Debug, PartialEq, Eq, Encode, codec::Decode, scale_info::TypeInfo)]
pub enum RateLimitKey {
    /// Last change of a subnet's owner hotkey (index 0).
    #[codec(index = 0)]
    SetSNOwnerHotkey(NetUid),
    /// Last change of a hyperparameter by a subnet's owner (index 1).
    #[codec(index = 1)]
    OwnerHyperparamUpdate(NetUid, Hyperparameter),
    /// Last subnet registration (index 2).
    #[codec(index = 2)]
    NetworkLastRegistered,
    /// Last delegate-take change of a hotkey (index 5).
    #[codec(index = 5)]
    LastTxBlockDelegateTake(AccountId32),
}

storage_map!(/// Blocks of rate-limited actions.
    "SubtensorModule", LastRateLimitedBlock: Identity(RateLimitKey) => u64 = 0);
