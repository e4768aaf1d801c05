//! How the pallets reach each other. A pallet that needs something from another declares it as
//! a small trait (as FRAME's `Config` does): SubtensorModule's [`Hooks`](subtensor::Hooks),
//! Commitments' [`Subnets`](commitments::Subnets), the swap pallet's
//! [`Subnets`](swap::Subnets). This module, above every pallet, implements them with the
//! pallet that has the answer, and the executive hands [`PALLETS`] to the calls that need it.
//! So a pallet never imports one that depends on it, and the wiring is in one place.

use crate::storage::Storage;
use crate::subtensor::storage::{NetworksAdded, SubnetEpochIndex, Uids};
use crate::{commitments, subtensor, swap};
use cortex_primitives::{AccountId32, NetUid};

/// The pallets, as each sees the others.
pub(crate) struct Pallets;

/// The one wiring value the executive passes around.
pub(crate) const PALLETS: Pallets = Pallets;

impl subtensor::Hooks for Pallets {
    fn on_subnet_dissolved(&self, s: &mut Storage, netuid: NetUid) {
        commitments::purge_netuid(s, netuid);
    }
}

impl commitments::Subnets for Pallets {
    fn is_registered(&self, s: &Storage, netuid: NetUid, who: &AccountId32) -> bool {
        Uids::contains_key(s, &netuid, who)
    }

    fn epoch_index(&self, s: &Storage, netuid: NetUid) -> u64 {
        SubnetEpochIndex::get(s, &netuid)
    }

    fn reset_bonds(&self, s: &mut Storage, netuid: NetUid, who: &AccountId32) {
        subtensor::epoch::reset_bonds(s, netuid, who);
    }
}

impl swap::Subnets for Pallets {
    fn exists(&self, s: &Storage, netuid: NetUid) -> bool {
        NetworksAdded::get(s, &netuid)
    }
}
