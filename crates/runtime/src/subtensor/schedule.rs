//! When a subnet's epoch runs: every `tempo` blocks since the last one, at a block an owner's
//! `trigger_epoch` set, or once it is `MAX_TEMPO` blocks overdue (never at tempo 0); and the
//! epoch index a commit or reveal belongs to. The coinbase, weights' commit-reveal and the
//! owner's freeze window all read the schedule from here.

use super::storage::{
    BlocksSinceLastStep, LastEpochBlock, PendingEpochAt, SubnetEpochIndex, Tempo,
};
use crate::storage::Storage;
use cortex_primitives::NetUid;

/// The longest tempo an owner may set, and the longest an epoch may be overdue before it runs
/// regardless of tempo.
pub const MAX_TEMPO: u16 = 50_400;

/// Whether `netuid`'s epoch runs in `block` (dynamic tempo: a pending manual trigger, the
/// safety net after `MAX_TEMPO` blocks, or `tempo` blocks since the last epoch; never at tempo 0).
pub fn should_run_epoch(s: &Storage, netuid: NetUid, block: u64) -> bool {
    let tempo = Tempo::get(s, &netuid);
    if tempo == 0 {
        return false;
    }
    let pending = PendingEpochAt::get(s, &netuid);
    if pending > 0 && block >= pending {
        return true;
    }
    if BlocksSinceLastStep::get(s, &netuid) > u64::from(MAX_TEMPO) {
        return true;
    }
    block.saturating_sub(LastEpochBlock::get(s, &netuid)) >= u64::from(tempo)
}

/// The epoch index a commit or reveal is judged against: the subnet's `SubnetEpochIndex`, plus
/// one when an epoch runs in this block (the epoch itself is about to advance it).
pub fn epoch_index(s: &Storage, netuid: NetUid, epoch_due: bool) -> u64 {
    SubnetEpochIndex::get(s, &netuid).saturating_add(u64::from(epoch_due))
}

/// The epoch a commit or reveal in `block` belongs to: [`epoch_index`], with the epoch due if it
/// runs in this block (before the block's extrinsics).
pub fn current_epoch_with_lookahead(s: &Storage, netuid: NetUid, block: u64) -> u64 {
    epoch_index(s, netuid, should_run_epoch(s, netuid, block))
}

/// The blocks until the subnet's next automatic epoch: `LastEpochBlock + tempo − now`
/// (saturating at 0; `u64::MAX` at tempo 0, when no epoch runs).
pub fn blocks_until_next_auto_epoch(s: &Storage, netuid: NetUid, tempo: u16, now: u64) -> u64 {
    if tempo == 0 {
        return u64::MAX;
    }
    LastEpochBlock::get(s, &netuid)
        .saturating_add(u64::from(tempo))
        .saturating_sub(now)
}
