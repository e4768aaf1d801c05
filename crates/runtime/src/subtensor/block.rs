//! SubtensorModule's block step (`on_initialize`), in subtensor's order (`spec/economy.md`
//! §2.1): neuron burn decay, the block's TAO emission, the coinbase (injection, pending
//! alpha, epochs and their payouts), the price moving averages and the root proportions.
//!
//! Not run, because the features are not implemented (`docs/deviations.md`): timelocked
//! weight reveals, pending childkeys, root-dividend auto-claims and hotkey-swap cleanup.

use super::coinbase::{all_netuids, run_coinbase, update_moving_prices, update_root_prop};
use super::costs::burn_after_block;
use super::emission::block_emission_for_issuance;
use super::events::Event;
use super::registration::{RegistrationsThisBlock, RegistrationsThisInterval};
use super::schedule::should_run_epoch;
use super::storage::{Burn, BurnHalfLife, MaxBurn, MinBurn, TotalIssuance};
use crate::storage::Storage;

/// Runs the block step of block `now`, appending the events it emits.
pub fn block_step(s: &mut Storage, now: u64, events: &mut Vec<Event>) {
    update_registration_prices(s, now);
    let emission = block_emission_for_issuance(TotalIssuance::get(s)).unwrap_or(0);
    run_coinbase(s, now, emission, events);
    update_moving_prices(s, now);
    update_root_prop(s);
}

/// The end of a block (`on_finalize`): each subnet's `Swap.AlphaSqrtPrice`, from its pool as
/// the block leaves it (written only where the price moved, so quiet blocks change nothing).
pub fn block_end(s: &mut Storage) {
    use crate::swap::{AlphaSqrtPrice, sqrt_price};
    for netuid in all_netuids(s) {
        if netuid == cortex_primitives::NetUid::ROOT {
            continue;
        }
        let root = sqrt_price(super::pool::pool(s, netuid).price());
        if AlphaSqrtPrice::try_get(s, &netuid) != Some(root) {
            AlphaSqrtPrice::insert(s, &netuid, &root);
        }
    }
}

/// Per-block burn decay toward `MinBurn` for every network (`update_registration_prices_for_
/// networks`), the per-block registration counters reset, and root's per-interval counter reset
/// when root's epoch is due.
pub fn update_registration_prices(s: &mut Storage, now: u64) {
    for netuid in all_netuids(s) {
        let burn = burn_after_block(
            Burn::get(s, &netuid),
            BurnHalfLife::get(s, &netuid),
            MinBurn::get(s, &netuid),
            MaxBurn::get(s, &netuid),
            now,
        );
        Burn::insert(s, &netuid, &burn);
        RegistrationsThisBlock::insert(s, &netuid, &0);
        // Root still admits registrations per interval: its counter restarts at each root epoch.
        if netuid.is_root() && should_run_epoch(s, netuid, now) {
            RegistrationsThisInterval::insert(s, &netuid, &0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtensor::storage::{SubnetAlphaIn, SubnetTAO};
    use crate::swap::{AlphaSqrtPrice, sqrt_price};
    use crate::test_support::{TAO, funded, subnet};
    use substrate_fixed::types::U64F64;

    #[test]
    fn the_block_end_records_each_pools_sqrt_price_where_it_moved() {
        let mut s = funded(&[(1, 2_000 * TAO)]);
        let netuid = subnet(&mut s, true);
        SubnetTAO::insert(&mut s, &netuid, &(400 * TAO));
        SubnetAlphaIn::insert(&mut s, &netuid, &(100 * TAO));
        block_end(&mut s);
        let price = crate::subtensor::pool::pool(&s, netuid).price();
        assert_eq!(AlphaSqrtPrice::get(&s, &netuid), sqrt_price(price));
        assert_eq!(AlphaSqrtPrice::get(&s, &netuid), U64F64::from_num(2));
        assert!(AlphaSqrtPrice::try_get(&s, &cortex_primitives::NetUid::ROOT).is_none());
        // A quiet block writes nothing.
        s.start_journal();
        block_end(&mut s);
        assert!(s.take_journal().is_empty());
    }
}
