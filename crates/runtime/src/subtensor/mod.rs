//! SubtensorModule: subnets, neurons, stake, weights and the epoch, on the runtime's storage.

pub mod block;
pub mod call;
pub mod coinbase;
pub mod costs;
pub mod declared;
pub mod delegation;
pub mod dissolve;
pub mod emission;
pub mod epoch;
pub mod errors;
pub mod events;
pub mod identity;
pub mod owner;
pub mod pool;
pub mod rate_limits;
pub mod registration;
pub mod schedule;
pub mod serving;
pub mod shares;
pub mod stake_moves;
pub mod staking;
pub mod storage;
pub mod subnets;
pub mod symbols;
pub mod weights;

use crate::storage::Storage;
use cortex_primitives::NetUid;

/// What SubtensorModule needs from the pallets above it, as FRAME's `Config` items give it
/// (subtensor's `CommitmentsInterface`): word that a subnet is gone, which Commitments answers
/// by forgetting the subnet's data.
pub trait Hooks {
    /// `netuid` was dissolved (by root, or pruned to make room for a new subnet).
    fn on_subnet_dissolved(&self, s: &mut Storage, netuid: NetUid);
}
