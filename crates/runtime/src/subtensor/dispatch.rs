//! Dispatch of `SubtensorModule` calls to their implementations, with the origin checks.
//!
//! "cold" calls are signed by a coldkey, "hot" calls by a hotkey (`spec/economy.md` §8.1); each
//! implementation does its own checks and returns subtensor's error on failure. The executive
//! wraps every call in a storage transaction, so a failure changes nothing.

use super::events::Event;
use super::{neurons, staking, subnets, weights};
use crate::call::SubtensorCall;
use crate::dispatch::{BlockContext, DispatchError, Origin};
use crate::storage::Storage;

/// Runs `call` as `origin` in the block `ctx`, appending its events on success.
pub fn dispatch(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &SubtensorCall,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    let now = ctx.block;
    let author = ctx.author.as_ref();
    match call {
        SubtensorCall::set_weights {
            netuid,
            dests,
            weights,
            version_key,
        } => {
            let hotkey = origin.signed()?;
            weights::set_weights(
                s,
                now,
                &hotkey,
                *netuid,
                dests,
                weights,
                *version_key,
                false,
                events,
            )?;
        }
        SubtensorCall::add_stake {
            hotkey,
            netuid,
            amount_staked,
        } => {
            let coldkey = origin.signed()?;
            staking::add_stake(s, &coldkey, hotkey, *netuid, *amount_staked, author, events)?;
        }
        SubtensorCall::remove_stake {
            hotkey,
            netuid,
            amount_unstaked,
        } => {
            let coldkey = origin.signed()?;
            staking::remove_stake(
                s,
                &coldkey,
                hotkey,
                *netuid,
                *amount_unstaked,
                author,
                events,
            )?;
        }
        SubtensorCall::register { netuid, hotkey, .. }
        | SubtensorCall::burned_register { netuid, hotkey } => {
            let coldkey = origin.signed()?;
            neurons::burned_register(s, now, &coldkey, *netuid, hotkey, events)?;
        }
        SubtensorCall::register_network { hotkey } => {
            let coldkey = origin.signed()?;
            subnets::register_network(s, now, &coldkey, hotkey, events)?;
        }
        SubtensorCall::start_call { netuid } => {
            let coldkey = origin.signed()?;
            subnets::start_call(s, now, &coldkey, *netuid, events)?;
        }
        SubtensorCall::commit_weights {
            netuid,
            commit_hash,
        } => {
            let hotkey = origin.signed()?;
            weights::commit_weights(s, now, &hotkey, *netuid, *commit_hash, events)?;
        }
        SubtensorCall::reveal_weights {
            netuid,
            uids,
            values,
            salt,
            version_key,
        } => {
            let hotkey = origin.signed()?;
            weights::reveal_weights(
                s,
                now,
                &hotkey,
                *netuid,
                uids,
                values,
                salt,
                *version_key,
                events,
            )?;
        }
        SubtensorCall::set_tempo { netuid, tempo } => {
            crate::admin::set_tempo(s, now, origin, *netuid, *tempo, events)?;
        }
        SubtensorCall::trigger_epoch { netuid } => {
            crate::admin::trigger_epoch(s, now, origin, *netuid, events)?;
        }
    }
    Ok(())
}
