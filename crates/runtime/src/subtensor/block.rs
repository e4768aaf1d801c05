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
