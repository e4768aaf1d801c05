//! SubtensorModule's storage items: subtensor's names, hashers, value types and defaults.
//!
//! The layouts are the ones clients decode (`spec/wire.md` §2.4 and subtensor's
//! `pallets/subtensor/src/lib.rs`): netuid-keyed items use the `Identity` hasher, account-keyed
//! ones `Blake2_128Concat`, per-mechanism items are keyed by the storage index
//! `mecid·4096 + netuid` (mechanism 0 is the netuid itself). Defaults are the main-network
//! runtime's (`spec/epoch.md` §3.4, `spec/economy.md` §7); the dev chain writes its fast-runtime
//! values at genesis.

use crate::{storage_double_map, storage_map, storage_value};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::{I96F32, U64F64, U96F32};

/// The all-zero account: subtensor's default for unset account-valued items.
pub const ZERO_ACCOUNT: AccountId32 = AccountId32([0; 32]);

// ---- Subnets -----------------------------------------------------------------------------------
storage_map!(/// Whether a netuid is in use.
    "SubtensorModule", NetworksAdded: Identity(NetUid) => bool = false);

/// `SubtensorModule.TotalIssuance` is declared by Balances, which keeps it in step with its own
/// issuance on every mint and burn.
pub use crate::balances::subtensor_issuance::TotalIssuance;

storage_value!(/// Number of subnets, root included.
    "SubtensorModule", TotalNetworks: u16 = 0);

storage_value!(/// Most subnets that may exist at once.
    "SubtensorModule", SubnetLimit: u16 = 128);

storage_map!(/// 0: stable (root, price 1); 1: dynamic (Balancer pool).
    "SubtensorModule", SubnetMechanism: Identity(NetUid) => u16 = 0);

storage_map!(/// The subnet owner's coldkey.
    "SubtensorModule", SubnetOwner: Identity(NetUid) => AccountId32 = ZERO_ACCOUNT);

storage_map!(/// The subnet owner's hotkey.
    "SubtensorModule", SubnetOwnerHotkey: Identity(NetUid) => AccountId32 = ZERO_ACCOUNT);

storage_map!(/// Block the subnet was registered at.
    "SubtensorModule", NetworkRegisteredAt: Identity(NetUid) => u64 = 0);

storage_map!(/// TAO locked by the subnet's registration.
    "SubtensorModule", SubnetLocked: Identity(NetUid) => u64 = 0);

storage_map!(/// Whether `start_call` enabled staking and emission on the subnet.
    "SubtensorModule", SubtokenEnabled: Identity(NetUid) => bool = false);

storage_map!(/// First block that emits to the subnet (`start_call` block + 1). Optional: read with
    /// `try_get` (absent until `start_call`).
    optional "SubtensorModule", FirstEmissionBlockNumber: Identity(NetUid) => u64 = 0);

storage_map!(/// Whether the subnet takes TAO emission.
    "SubtensorModule", SubnetEmissionEnabled: Identity(NetUid) => bool = true);

storage_map!(/// The subnet's token symbol (UTF-8).
    "SubtensorModule", TokenSymbol: Identity(NetUid) => Vec<u8> = Vec::new());

storage_value!(/// TAO the last subnet registration locked.
    "SubtensorModule", NetworkLastLockCost: u64 = 1_000_000_000_000);

storage_value!(/// Floor of the subnet lock cost.
    "SubtensorModule", NetworkMinLockCost: u64 = 1_000_000_000_000);

storage_value!(/// Blocks over which the lock cost decays back.
    "SubtensorModule", NetworkLockReductionInterval: u64 = 100_800);

storage_value!(/// Blocks between two subnet registrations.
    "SubtensorModule", NetworkRateLimit: u64 = 7_200);

storage_value!(/// Blocks a new subnet is safe from pruning.
    "SubtensorModule", NetworkImmunityPeriod: u64 = 1_296_000);

// ---- Pools ---------------------------------------------------------------------------------------
storage_map!(/// TAO reserve of the subnet's pool (root: all root stake).
    "SubtensorModule", SubnetTAO: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha reserve of the subnet's pool.
    "SubtensorModule", SubnetAlphaIn: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha held outside the pool (stake).
    "SubtensorModule", SubnetAlphaOut: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha the protocol bought with emission.
    "SubtensorModule", SubnetProtocolAlpha: Identity(NetUid) => u64 = 0);

storage_map!(/// The price moving average (TAO per alpha).
    "SubtensorModule", SubnetMovingPrice: Identity(NetUid) => I96F32 = I96F32::from_bits(0));

storage_map!(/// Share of root in the subnet's validator emission.
    "SubtensorModule", RootProp: Identity(NetUid) => U96F32 = U96F32::from_bits(0));

storage_value!(/// TAO staked across all subnets.
    "SubtensorModule", TotalStake: u64 = 0);

// ---- Hyperparameters ------------------------------------------------------------------------------
storage_map!(/// Blocks per epoch.
    "SubtensorModule", Tempo: Identity(NetUid) => u16 = 360);

storage_map!(/// Activity cutoff in thousandths of a tempo.
    "SubtensorModule", ActivityCutoffFactorMilli: Identity(NetUid) => u32 = 13_889);

storage_map!(/// Consensus majority, u16 proportion.
    "SubtensorModule", Kappa: Identity(NetUid) => u16 = 32_767);

storage_map!(/// Unused by the epoch (the old sigmoid trust).
    "SubtensorModule", Rho: Identity(NetUid) => u16 = 10);

storage_map!(/// Uid slots of the subnet.
    "SubtensorModule", MaxAllowedUids: Identity(NetUid) => u16 = 256);

storage_map!(/// Smallest number of uid slots an owner may trim to.
    "SubtensorModule", MinAllowedUids: Identity(NetUid) => u16 = 64);

storage_map!(/// Blocks a new neuron is safe from pruning.
    "SubtensorModule", ImmunityPeriod: Identity(NetUid) => u16 = 4_096);

storage_map!(/// Validator permits given by each epoch.
    "SubtensorModule", MaxAllowedValidators: Identity(NetUid) => u16 = 128);

storage_map!(/// Entries a weight vector needs at least.
    "SubtensorModule", MinAllowedWeights: Identity(NetUid) => u16 = 1_024);

storage_map!(/// Largest normalized weight (65535: no limit).
    "SubtensorModule", MaxWeightsLimit: Identity(NetUid) => u16 = u16::MAX);

storage_map!(/// Version key `set_weights` must send at least.
    "SubtensorModule", WeightsVersionKey: Identity(NetUid) => u64 = 0);

storage_map!(/// Blocks between two `set_weights` by one hotkey.
    "SubtensorModule", WeightsSetRateLimit: Identity(NetUid) => u64 = 100);

storage_map!(/// Bond EMA in millionths: α = 1 − value/10^6.
    "SubtensorModule", BondsMovingAverage: Identity(NetUid) => u64 = 900_000);

storage_map!(/// Bonds penalty β, u16 proportion.
    "SubtensorModule", BondsPenalty: Identity(NetUid) => u16 = 65_535);

storage_map!(/// Whether a miner's commitment may reset bonds to it.
    "SubtensorModule", BondsResetOn: Identity(NetUid) => bool = false);

storage_map!(/// Liquid alpha (per-bond α), Yuma 3 only.
    "SubtensorModule", LiquidAlphaOn: Blake2_128Concat(NetUid) => bool = false);

storage_map!(/// Yuma 3 bonds and dividends.
    "SubtensorModule", Yuma3On: Blake2_128Concat(NetUid) => bool = false);

storage_map!(/// Liquid α bounds, u16 proportions.
    "SubtensorModule", AlphaValues: Identity(NetUid) => (u16, u16) = (45_875, 58_982));

storage_map!(/// Liquid-α sigmoid steepness.
    "SubtensorModule", AlphaSigmoidSteepness: Identity(NetUid) => i16 = 1_000);

storage_map!(/// Whether weights go through commit-reveal.
    "SubtensorModule", CommitRevealWeightsEnabled: Identity(NetUid) => bool = true);

storage_map!(/// Epochs a commit stays revealable.
    "SubtensorModule", RevealPeriodEpochs: Twox64Concat(NetUid) => u64 = 1);

storage_map!(/// Blocks between two `serve_axon` by one hotkey.
    "SubtensorModule", ServingRateLimit: Identity(NetUid) => u64 = 50);

storage_map!(/// Whether neurons may register.
    "SubtensorModule", NetworkRegistrationAllowed: Identity(NetUid) => bool = true);

storage_map!(/// Price of a neuron registration, rao.
    "SubtensorModule", Burn: Identity(NetUid) => u64 = 100_000_000);

storage_map!(/// Floor of the burn.
    "SubtensorModule", MinBurn: Identity(NetUid) => u64 = 500_000);

storage_map!(/// Ceiling of the burn.
    "SubtensorModule", MaxBurn: Identity(NetUid) => u64 = 100_000_000_000);

storage_map!(/// Half-life of the burn's decay, blocks.
    "SubtensorModule", BurnHalfLife: Identity(NetUid) => u16 = 360);

storage_map!(/// Factor applied to the burn by each registration.
    "SubtensorModule", BurnIncreaseMult: Identity(NetUid) => U64F64 = crate::subtensor::costs::DEFAULT_BURN_INCREASE_MULT);

storage_map!(/// Owner hotkeys immune from pruning.
    "SubtensorModule", ImmuneOwnerUidsLimit: Identity(NetUid) => u16 = 1);

storage_map!(/// Mechanisms of the subnet.
    "SubtensorModule", MechanismCountCurrent: Twox64Concat(NetUid) => u8 = 1);

storage_value!(/// Stake a hotkey needs for a validator permit and to set weights.
    "SubtensorModule", StakeThreshold: u64 = 0);

storage_value!(/// Share of root TAO stake counted in subnets, of `u64::MAX`.
    "SubtensorModule", TaoWeight: u64 = 971_718_665_099_567_868);

storage_value!(/// Owner's cut of a subnet's alpha emission, u16 proportion.
    "SubtensorModule", SubnetOwnerCut: u16 = 11_796);

storage_value!(/// Epochs run in one block at most.
    "SubtensorModule", MaxEpochsPerBlock: u8 = 2);

// ---- Epoch state ------------------------------------------------------------------------------------
storage_map!(/// Block of the subnet's last epoch.
    "SubtensorModule", LastEpochBlock: Identity(NetUid) => u64 = 0);

storage_map!(/// Block of the last successful epoch (the typo is subtensor's).
    "SubtensorModule", LastMechansimStepBlock: Identity(NetUid) => u64 = 0);

storage_map!(/// Block a manually triggered epoch is due (0: none).
    "SubtensorModule", PendingEpochAt: Identity(NetUid) => u64 = 0);

storage_map!(/// Blocks since the last epoch.
    "SubtensorModule", BlocksSinceLastStep: Identity(NetUid) => u64 = 0);

storage_map!(/// Epochs run so far.
    "SubtensorModule", SubnetEpochIndex: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha waiting for the next epoch: miners' share.
    "SubtensorModule", PendingServerEmission: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha waiting for the next epoch: validators' share.
    "SubtensorModule", PendingValidatorEmission: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha waiting for the next epoch: root's share.
    "SubtensorModule", PendingRootAlphaDivs: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha waiting for the next epoch: the owner's cut.
    "SubtensorModule", PendingOwnerCut: Identity(NetUid) => u64 = 0);

// ---- Neurons -------------------------------------------------------------------------------------------
storage_map!(/// Number of uids in the subnet.
    "SubtensorModule", SubnetworkN: Identity(NetUid) => u16 = 0);

storage_double_map!(/// The hotkey at each uid.
    "SubtensorModule", Keys: Identity(NetUid), Identity(u16) => AccountId32 = ZERO_ACCOUNT);

storage_double_map!(/// The uid of each registered hotkey. Optional: read with `try_get` (absent when the
    /// hotkey is not registered on the subnet).
    optional "SubtensorModule", Uids: Identity(NetUid), Blake2_128Concat(AccountId32) => u16 = 0);

storage_double_map!(/// Block each uid was (re)registered at.
    "SubtensorModule", BlockAtRegistration: Identity(NetUid), Identity(u16) => u64 = 0);

storage_double_map!(/// Whether a hotkey is registered on a subnet.
    "SubtensorModule", IsNetworkMember: Blake2_128Concat(AccountId32), Identity(NetUid) => bool = false);

storage_map!(/// The coldkey owning each hotkey.
    "SubtensorModule", Owner: Blake2_128Concat(AccountId32) => AccountId32 = ZERO_ACCOUNT);

storage_map!(/// Per mechanism index: block of each uid's last weights.
    "SubtensorModule", LastUpdate: Identity(u16) => Vec<u64> = Vec::new());

storage_double_map!(/// Per mechanism index: each validator's weights, `(uid, u16)` in submitted order.
    "SubtensorModule", Weights: Identity(u16), Identity(u16) => Vec<(u16, u16)> = Vec::new());

storage_double_map!(/// Per mechanism index: each validator's bonds.
    "SubtensorModule", Bonds: Identity(u16), Identity(u16) => Vec<(u16, u16)> = Vec::new());

storage_map!(/// Validator permits, per uid.
    "SubtensorModule", ValidatorPermit: Identity(NetUid) => Vec<bool> = Vec::new());

storage_map!(/// Active flags, per uid.
    "SubtensorModule", Active: Identity(NetUid) => Vec<bool> = Vec::new());

storage_map!(/// Consensus, per uid.
    "SubtensorModule", Consensus: Identity(NetUid) => Vec<u16> = Vec::new());

storage_map!(/// Per mechanism index: incentive, per uid.
    "SubtensorModule", Incentive: Identity(u16) => Vec<u16> = Vec::new());

storage_map!(/// Dividends, per uid.
    "SubtensorModule", Dividends: Identity(NetUid) => Vec<u16> = Vec::new());

storage_map!(/// Alpha emitted to each uid by the last epoch.
    "SubtensorModule", Emission: Identity(NetUid) => Vec<u64> = Vec::new());

storage_map!(/// Validator trust, per uid.
    "SubtensorModule", ValidatorTrust: Identity(NetUid) => Vec<u16> = Vec::new());

storage_map!(/// Normalized stake weight, per uid.
    "SubtensorModule", StakeWeight: Identity(NetUid) => Vec<u16> = Vec::new());

// ---- Stake ---------------------------------------------------------------------------------------------
storage_double_map!(/// Alpha staked to a hotkey on a subnet (all its nominators).
    "SubtensorModule", TotalHotkeyAlpha: Blake2_128Concat(AccountId32), Identity(NetUid) => u64 = 0);

storage_double_map!(/// Shares issued by a hotkey's pool on a subnet.
    "SubtensorModule", TotalHotkeyShares: Blake2_128Concat(AccountId32), Identity(NetUid) => U64F64 = U64F64::from_bits(0));

storage_map!(/// Hotkeys a coldkey stakes to.
    "SubtensorModule", StakingHotkeys: Blake2_128Concat(AccountId32) => Vec<AccountId32> = Vec::new());

storage_map!(/// Hotkeys a coldkey owns.
    "SubtensorModule", OwnedHotkeys: Blake2_128Concat(AccountId32) => Vec<AccountId32> = Vec::new());

storage_map!(/// Delegate take of a hotkey, u16 proportion.
    "SubtensorModule", Delegates: Blake2_128Concat(AccountId32) => u16 = 11_796);

storage_double_map!(/// Hash commits of weights per mechanism index and hotkey, oldest first:
    /// `(hash, commit_epoch, commit_block, reveal_block)`. Optional: read with `try_get`.
    optional "SubtensorModule", WeightCommits: Twox64Concat(u16), Twox64Concat(AccountId32) => Vec<([u8; 32], u64, u64, u64)> = Vec::new());

/// The storage index of mechanism `mecid` of `netuid`: `mecid·4096 + netuid`.
pub fn mechanism_index(netuid: NetUid, mecid: u8) -> u16 {
    u16::from(mecid)
        .saturating_mul(4096)
        .saturating_add(netuid.0)
}

// ---- Cortex's chain parameters -------------------------------------------------------------
// Values subtensor compiles in as runtime constants (`prod_or_fast!`). Cortex keeps them in state
// under the `CortexConfig` prefix, which clients never read, so that one binary runs both the
// main-network values and the fast dev values; the genesis writes them.
storage_value!(/// The tempo of newly registered subnets (subtensor's `InitialTempo`).
    "CortexConfig", InitialTempo: u16 = 360);

storage_value!(/// Whether newly registered subnets start with commit-reveal on.
    "CortexConfig", InitialCommitReveal: bool = true);

storage_value!(/// Block time in milliseconds (subtensor's `MILLISECS_PER_BLOCK`, `Aura.SlotDuration`).
    "CortexConfig", BlockTimeMs: u64 = 12_000);

storage_value!(/// Whether axons and Prometheus endpoints may be served on loopback addresses (subtensor:
    /// never; the dev chain: yes, so that a whole network runs on one machine).
    "CortexConfig", AllowLoopbackIps: bool = false);

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

storage_map!(/// TAO recycled by a subnet's registration.
    "SubtensorModule", RAORecycledForRegistration: Identity(NetUid) => u64 = 0);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Storage;

    #[test]
    fn keys_are_subtensors() {
        // Tempo of netuid 1: twox128("SubtensorModule") ++ twox128("Tempo") ++ 0x0100.
        let key = Tempo::key(&NetUid(1));
        assert_eq!(
            hex::encode(&key[..16]),
            hex::encode(cortex_primitives::hashing::twox_128(b"SubtensorModule"))
        );
        assert_eq!(&key[32..], &[1, 0]);
        // Keys: two identity u16 parts.
        assert_eq!(&Keys::key(&NetUid(3), &7)[32..], &[3, 0, 7, 0]);
        // Uids: identity netuid, then blake2_128_concat(hotkey).
        let hk = AccountId32([5; 32]);
        let k = Uids::key(&NetUid(2), &hk);
        assert_eq!(k.len(), 32 + 2 + 16 + 32);
        assert_eq!(mechanism_index(NetUid(3), 1), 4099);
    }

    #[test]
    fn defaults_and_option_values() {
        let mut s = Storage::new();
        assert_eq!(Tempo::get(&s, &NetUid(1)), 360);
        // Optional items store the bare value, as Substrate's OptionQuery does.
        assert_eq!(Uids::try_get(&s, &NetUid(1), &ZERO_ACCOUNT), None);
        Uids::insert(&mut s, &NetUid(1), &ZERO_ACCOUNT, &4);
        assert_eq!(Uids::try_get(&s, &NetUid(1), &ZERO_ACCOUNT), Some(4));
        assert_eq!(
            s.get(&Uids::key(&NetUid(1), &ZERO_ACCOUNT)),
            Some(vec![4, 0])
        );
        assert_eq!(
            BurnIncreaseMult::get(&s, &NetUid(1)),
            crate::subtensor::costs::DEFAULT_BURN_INCREASE_MULT
        );
    }
}
