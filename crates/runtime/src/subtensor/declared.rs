//! Storage items clients read that Cortex does not use, declared with subtensor's names,
//! hashers, value types and defaults so that reading them answers what subtensor would answer
//! on a chain that never wrote them.
//!
//! Clients find storage through the metadata by name: an item missing from it makes the Python
//! SDK raise `StorageFunctionNotFound` instead of returning the default, and a wrong value type
//! or default makes it decode garbage. Each item here has a key (so `state_getStorage` works),
//! a metadata entry (listed by [`crate::metadata`]) and no writers. The key types use the
//! metadata's plain numbers (`NetUid` is `u16`, as in subtensor's metadata).

use crate::{storage_double_map, storage_map, storage_value};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::I64F64;

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
