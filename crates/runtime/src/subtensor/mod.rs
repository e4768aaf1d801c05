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
use cortex_primitives::{AccountId32, NetUid};
use events::Event;

/// What a SubtensorModule call runs with: the state it changes, the block it runs in (its number,
/// and its author, who receives the swap fees; they are burned without one) and the events it
/// emits. A call's steps pass it down whole rather than as four arguments each.
pub struct Ctx<'a> {
    /// The state.
    pub s: &'a mut Storage,
    /// The block number.
    pub block: u64,
    /// The block's author.
    pub author: Option<AccountId32>,
    /// The call's events so far.
    pub events: &'a mut Vec<Event>,
}

impl<'a> Ctx<'a> {
    /// A call in block `block` authored by `author`, appending to `events`.
    pub fn new(
        s: &'a mut Storage,
        block: u64,
        author: Option<&AccountId32>,
        events: &'a mut Vec<Event>,
    ) -> Ctx<'a> {
        Ctx {
            s,
            block,
            author: author.copied(),
            events,
        }
    }
}

/// What SubtensorModule needs from the pallets above it, as FRAME's `Config` items give it
/// (subtensor's `CommitmentsInterface`): word that a subnet is gone, which Commitments answers
/// by forgetting the subnet's data.
pub trait Hooks {
    /// `netuid` was dissolved (by root, or pruned to make room for a new subnet).
    fn on_subnet_dissolved(&self, s: &mut Storage, netuid: NetUid);
}
