//! Storage items clients read that Cortex does not use, declared with subtensor's names,
//! hashers, value types and defaults so that reading them answers what subtensor would answer
//! on a chain that never wrote them.
//!
//! Clients find storage through the metadata by name: an item missing from it makes the Python
//! SDK raise `StorageFunctionNotFound` instead of returning the default, and a wrong value type
//! or default makes it decode garbage. Each item here has a key (so `state_getStorage` works),
//! a metadata entry (listed by [`crate::metadata`]) and no writers. The key types use the
//! metadata's plain numbers (`NetUid` is `u16`, as in subtensor's metadata).

use crate::{storage_double_map, storage_map, storage_triple_map, storage_value};
use cortex_primitives::{AccountId32, NetUid};
use std::collections::{BTreeMap, BTreeSet};
use substrate_fixed::types::{I64F64, I96F32, U64F64};

/// Subtensor's `EpochConsensus` (a fork-only item the newer SDK reads): which consensus a
/// subnet's epoch runs. Cortex always runs Yuma.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo,
)]
pub enum EpochConsensus {
    /// Yuma consensus.
    #[default]
    Yuma,
    /// No consensus (emission without an epoch).
    Null,
}

storage_map!(/// Per-mechanism split of a subnet's emission (normalized `u16` shares). Optional:
    /// absent means an even split.
    optional "SubtensorModule", MechanismEmissionSplit: Twox64Concat(NetUid) => Vec<u16> = Vec::new());
storage_map!(/// A subnet's exponential moving average of TAO flow: the block it was last updated and
    /// the average. Optional.
    optional "SubtensorModule", SubnetEmaTaoFlow: Identity(NetUid) => (u64, I64F64) = (0, I64F64::from_bits(0)));
storage_value!(/// The commit-reveal (timelocked weights) version clients must encrypt for.
    "SubtensorModule", CommitRevealWeightsVersion: u16 = 4);
storage_map!(/// Which consensus each subnet's epoch runs.
    "SubtensorModule", SubnetEpochConsensus: Identity(NetUid) => EpochConsensus = EpochConsensus::Yuma);
storage_double_map!(/// Timelocked weight commits by (subnet storage index, epoch): committer, commit block,
    /// ciphertext and drand reveal round.
    "SubtensorModule", TimelockedWeightCommits: Twox64Concat(u16), Twox64Concat(u64) => Vec<(AccountId32, u64, Vec<u8>, u64)> = Vec::new());

// ---- Stake locks and conviction -------------------------------------------------------------
// Subtensor lets a coldkey lock alpha to a hotkey, building "conviction" over time; btcli's
// `stake list`, `subnets conviction` and the lock commands read these maps. Cortex has no locks
// yet (docs/deviations.md): every map is empty, which is what a chain without locks holds.

/// Subtensor's `LockState`: an exponentially decaying lock and the conviction it has built.
#[derive(Clone, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub struct LockState {
    /// The locked alpha, decaying over `UnlockRate` blocks.
    pub locked_mass: u64,
    /// The matured score: the integral of the locked mass over time.
    pub conviction: U64F64,
    /// The block the lock was last rolled forward to.
    pub last_update: u64,
}

storage_triple_map!(/// The lock of a coldkey on a subnet, towards one hotkey: `(coldkey, netuid, hotkey)`.
    optional "SubtensorModule", Lock: Blake2_128Concat(AccountId32), Identity(NetUid), Blake2_128Concat(AccountId32) => LockState = LockState::default());
storage_double_map!(/// Present and `false` when a coldkey's lock on a subnet is perpetual (absent: it decays).
    optional "SubtensorModule", DecayingLock: Blake2_128Concat(AccountId32), Identity(NetUid) => bool = false);
storage_double_map!(/// The total lock towards a hotkey on a subnet.
    optional "SubtensorModule", HotkeyLock: Identity(NetUid), Blake2_128Concat(AccountId32) => LockState = LockState::default());
storage_double_map!(/// The total decaying lock (owners' excluded) towards a hotkey on a subnet.
    optional "SubtensorModule", DecayingHotkeyLock: Identity(NetUid), Blake2_128Concat(AccountId32) => LockState = LockState::default());
storage_map!(/// The perpetual lock towards a subnet's owner hotkey.
    optional "SubtensorModule", OwnerLock: Identity(NetUid) => LockState = LockState::default());
storage_map!(/// The decaying lock towards a subnet's owner hotkey.
    optional "SubtensorModule", DecayingOwnerLock: Identity(NetUid) => LockState = LockState::default());
storage_value!(/// The time scale, in blocks, over which locked mass decays.
    "SubtensorModule", UnlockRate: u64 = 934_866);
storage_value!(/// The time scale, in blocks, over which conviction matures.
    "SubtensorModule", MaturityRate: u64 = 934_866);

// ---- Childkeys --------------------------------------------------------------------------------
// A hotkey may delegate parts of its stake weight to child hotkeys. Cortex has no childkeys
// yet: no hotkey has children, and no child takes a cut.

storage_double_map!(/// A parent hotkey's children on a subnet: `(proportion of u64::MAX, child)`.
    "SubtensorModule", ChildKeys: Blake2_128Concat(AccountId32), Identity(NetUid) => Vec<(u64, AccountId32)> = Vec::new());
storage_double_map!(/// A child hotkey's parents on a subnet: `(proportion of u64::MAX, parent)`.
    "SubtensorModule", ParentKeys: Blake2_128Concat(AccountId32), Identity(NetUid) => Vec<(u64, AccountId32)> = Vec::new());
storage_double_map!(/// A child hotkey's take on a subnet, parts of 65535.
    "SubtensorModule", ChildkeyTake: Blake2_128Concat(AccountId32), Identity(NetUid) => u16 = 0);
storage_double_map!(/// Children a parent has asked for, and the block from which they apply.
    "SubtensorModule", PendingChildKeys: Identity(NetUid), Blake2_128Concat(AccountId32) => (Vec<(u64, AccountId32)>, u64) = (Vec::new(), 0));

// ---- Root claims --------------------------------------------------------------------------------
// Subtensor pays root stakers their alpha dividends through claims. Cortex pays root dividends
// directly (docs/deviations.md), so nothing is ever claimable or claimed.

/// Subtensor's `RootClaimTypeEnum`: what a coldkey's root claims do with alpha.
#[derive(Clone, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub enum RootClaimTypeEnum {
    /// Swap the claimed alpha for TAO.
    #[default]
    Swap,
    /// Keep the claimed alpha.
    Keep,
    /// Keep the alpha of these subnets, swap the rest.
    KeepSubnets {
        /// The subnets whose alpha is kept.
        subnets: BTreeSet<u16>,
    },
}

storage_map!(/// What a coldkey's root claims do with alpha.
    "SubtensorModule", RootClaimType: Blake2_128Concat(AccountId32) => RootClaimTypeEnum = RootClaimTypeEnum::Swap);
storage_map!(/// The alpha dividends each subnet owes a root hotkey's stakers, not yet claimed.
    "SubtensorModule", RootClaimable: Blake2_128Concat(AccountId32) => BTreeMap<u16, I96F32> = BTreeMap::new());
storage_triple_map!(/// The root alpha already claimed: `(netuid, hotkey, coldkey)`.
    "SubtensorModule", RootClaimed: Identity(NetUid), Blake2_128Concat(AccountId32), Blake2_128Concat(AccountId32) => u128 = 0);

// ---- Coldkey swaps ------------------------------------------------------------------------------
// Subtensor swaps a coldkey after an announcement and a delay. Cortex has no coldkey swap yet:
// nothing is announced or disputed. The delays are the chain's (genesis writes the dev chain's).

storage_value!(/// The blocks between a coldkey swap's announcement and the swap (5 days).
    "SubtensorModule", ColdkeySwapAnnouncementDelay: u32 = 36_000);
storage_value!(/// The blocks after the delay before a coldkey may announce a new swap (1 day).
    "SubtensorModule", ColdkeySwapReannouncementDelay: u32 = 7_200);
storage_map!(/// A coldkey's announced swap: the block it may run from and the new coldkey's hash.
    optional "SubtensorModule", ColdkeySwapAnnouncements: Twox64Concat(AccountId32) => (u32, [u8; 32]) = (0, [0; 32]));
storage_map!(/// The block a coldkey's announced swap was disputed in.
    optional "SubtensorModule", ColdkeySwapDisputes: Twox64Concat(AccountId32) => u32 = 0);
