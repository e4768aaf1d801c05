//! Dispatch of `SubtensorModule` calls to their implementations, with the origin checks.
//!
//! "cold" calls are signed by a coldkey, "hot" calls by a hotkey (`spec/economy.md` §8.1); each
//! implementation does its own checks and returns subtensor's error on failure. The executive
//! wraps every call in a storage transaction, so a failure changes nothing.

use super::events::Event;
use super::identity::{self, ChainIdentityV2, SubnetIdentityV3};
use super::serving::{self, ServeAxon};
use super::{neurons, stake_ops, staking, subnets, symbols, weights};
use crate::call::SubtensorCall;
use crate::storage::Storage;
use crate::support::{BlockContext, DispatchError, Origin};

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
        SubtensorCall::batch_set_weights {
            netuids,
            weights,
            version_keys,
        } => {
            let hotkey = origin.signed()?;
            weights::batch_set_weights(s, now, &hotkey, netuids, weights, version_keys, events)?;
        }
        SubtensorCall::batch_commit_weights {
            netuids,
            commit_hashes,
        } => {
            let hotkey = origin.signed()?;
            weights::batch_commit_weights(s, now, &hotkey, netuids, commit_hashes, events)?;
        }
        SubtensorCall::batch_reveal_weights {
            netuid,
            uids_list,
            values_list,
            salts_list,
            version_keys,
        } => {
            let hotkey = origin.signed()?;
            weights::batch_reveal_weights(
                s,
                now,
                &hotkey,
                *netuid,
                uids_list,
                values_list,
                salts_list,
                version_keys,
                events,
            )?;
        }
        SubtensorCall::set_mechanism_weights {
            netuid,
            mecid,
            dests,
            weights: values,
            version_key,
        } => {
            let hotkey = origin.signed()?;
            if super::storage::CommitRevealWeightsEnabled::get(s, netuid) {
                return Err(super::errors::Error::CommitRevealEnabled.into());
            }
            weights::ensure_mechanism(s, *netuid, *mecid)?;
            weights::set_weights(
                s,
                now,
                &hotkey,
                *netuid,
                dests,
                values,
                *version_key,
                false,
                events,
            )?;
        }
        SubtensorCall::commit_mechanism_weights {
            netuid,
            mecid,
            commit_hash,
        } => {
            let hotkey = origin.signed()?;
            weights::ensure_mechanism(s, *netuid, *mecid)?;
            weights::commit_weights(s, now, &hotkey, *netuid, *commit_hash, events)?;
        }
        SubtensorCall::reveal_mechanism_weights {
            netuid,
            mecid,
            uids,
            values,
            salt,
            version_key,
        } => {
            let hotkey = origin.signed()?;
            weights::ensure_mechanism(s, *netuid, *mecid)?;
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
        SubtensorCall::dissolve_network { netuid, .. }
        | SubtensorCall::root_dissolve_network { netuid } => {
            origin.root()?;
            if netuid.is_root() || !super::storage::NetworksAdded::get(s, netuid) {
                return Err(super::errors::Error::SubnetNotExists.into());
            }
            super::dissolve::dissolve_network(s, *netuid, events);
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
        SubtensorCall::serve_axon {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
            placeholder1,
            placeholder2,
        } => {
            let hotkey = origin.signed()?;
            let args = ServeAxon {
                netuid: *netuid,
                version: *version,
                ip: *ip,
                port: *port,
                ip_type: *ip_type,
                protocol: *protocol,
                placeholder1: *placeholder1,
                placeholder2: *placeholder2,
            };
            serving::serve_axon(s, now, &hotkey, &args, None, events)?;
        }
        SubtensorCall::serve_axon_tls {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
            placeholder1,
            placeholder2,
            certificate,
        } => {
            let hotkey = origin.signed()?;
            let args = ServeAxon {
                netuid: *netuid,
                version: *version,
                ip: *ip,
                port: *port,
                ip_type: *ip_type,
                protocol: *protocol,
                placeholder1: *placeholder1,
                placeholder2: *placeholder2,
            };
            serving::serve_axon(s, now, &hotkey, &args, Some(certificate), events)?;
        }
        SubtensorCall::serve_prometheus {
            netuid,
            version,
            ip,
            port,
            ip_type,
        } => {
            let hotkey = origin.signed()?;
            serving::serve_prometheus(
                s, now, &hotkey, *netuid, *version, *ip, *port, *ip_type, events,
            )?;
        }
        SubtensorCall::root_register { hotkey } => {
            let coldkey = origin.signed()?;
            serving::root_register(s, now, &coldkey, hotkey, events)?;
        }
        SubtensorCall::decrease_take { hotkey, take } => {
            let coldkey = origin.signed()?;
            serving::decrease_take(s, now, &coldkey, hotkey, *take, events)?;
        }
        SubtensorCall::increase_take { hotkey, take } => {
            let coldkey = origin.signed()?;
            serving::increase_take(s, now, &coldkey, hotkey, *take, events)?;
        }
        SubtensorCall::set_identity {
            name,
            url,
            github_repo,
            image,
            discord,
            description,
            additional,
        } => {
            let coldkey = origin.signed()?;
            let id = ChainIdentityV2 {
                name: name.clone(),
                url: url.clone(),
                github_repo: github_repo.clone(),
                image: image.clone(),
                discord: discord.clone(),
                description: description.clone(),
                additional: additional.clone(),
            };
            identity::set_identity(s, &coldkey, id, events)?;
        }
        SubtensorCall::set_subnet_identity {
            netuid,
            subnet_name,
            github_repo,
            subnet_contact,
            subnet_url,
            discord,
            description,
            logo_url,
            additional,
        } => {
            let coldkey = origin.signed()?;
            let id = SubnetIdentityV3 {
                subnet_name: subnet_name.clone(),
                github_repo: github_repo.clone(),
                subnet_contact: subnet_contact.clone(),
                subnet_url: subnet_url.clone(),
                discord: discord.clone(),
                description: description.clone(),
                logo_url: logo_url.clone(),
                additional: additional.clone(),
            };
            identity::set_subnet_identity(s, &coldkey, *netuid, id, events)?;
        }
        SubtensorCall::register_network_with_identity {
            hotkey,
            identity: id,
        } => {
            let coldkey = origin.signed()?;
            identity::register_network_with_identity(s, now, &coldkey, hotkey, id.clone(), events)?;
        }
        SubtensorCall::try_associate_hotkey { hotkey } => {
            let coldkey = origin.signed()?;
            serving::try_associate_hotkey(s, &coldkey, hotkey)?;
        }
        SubtensorCall::update_symbol { netuid, symbol } => {
            symbols::update_symbol(s, origin, *netuid, symbol, events)?;
        }
        SubtensorCall::set_coldkey_auto_stake_hotkey { netuid, hotkey } => {
            let coldkey = origin.signed()?;
            serving::set_coldkey_auto_stake_hotkey(s, &coldkey, *netuid, hotkey, events)?;
        }
        SubtensorCall::unstake_all { hotkey } => {
            let coldkey = origin.signed()?;
            stake_ops::unstake_all(s, &coldkey, hotkey, false, author, events)?;
        }
        SubtensorCall::unstake_all_alpha { hotkey } => {
            let coldkey = origin.signed()?;
            stake_ops::unstake_all(s, &coldkey, hotkey, true, author, events)?;
        }
        SubtensorCall::move_stake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::move_stake(
                s,
                &coldkey,
                origin_hotkey,
                destination_hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
                author,
                events,
            )?;
        }
        SubtensorCall::transfer_stake {
            destination_coldkey,
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::transfer_stake(
                s,
                &coldkey,
                destination_coldkey,
                hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
                author,
                events,
            )?;
        }
        SubtensorCall::swap_stake {
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::swap_stake(
                s,
                &coldkey,
                hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
                None,
                author,
                events,
            )?;
        }
        SubtensorCall::swap_stake_limit {
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
            limit_price,
            allow_partial,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::swap_stake(
                s,
                &coldkey,
                hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
                Some((*limit_price, *allow_partial)),
                author,
                events,
            )?;
        }
        SubtensorCall::add_stake_limit {
            hotkey,
            netuid,
            amount_staked,
            limit_price,
            allow_partial,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::add_stake_limit(
                s,
                &coldkey,
                hotkey,
                *netuid,
                *amount_staked,
                *limit_price,
                *allow_partial,
                author,
                events,
            )?;
        }
        SubtensorCall::remove_stake_limit {
            hotkey,
            netuid,
            amount_unstaked,
            limit_price,
            allow_partial,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::remove_stake_limit(
                s,
                &coldkey,
                hotkey,
                *netuid,
                *amount_unstaked,
                *limit_price,
                *allow_partial,
                author,
                events,
            )?;
        }
        SubtensorCall::remove_stake_full_limit {
            hotkey,
            netuid,
            limit_price,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::remove_stake_full_limit(
                s,
                &coldkey,
                hotkey,
                *netuid,
                *limit_price,
                author,
                events,
            )?;
        }
        SubtensorCall::recycle_alpha {
            hotkey,
            amount,
            netuid,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::destroy_alpha(s, &coldkey, hotkey, *amount, *netuid, true, events)?;
        }
        SubtensorCall::burn_alpha {
            hotkey,
            amount,
            netuid,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::destroy_alpha(s, &coldkey, hotkey, *amount, *netuid, false, events)?;
        }
        SubtensorCall::add_stake_burn {
            hotkey,
            netuid,
            amount,
            limit,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::add_stake_burn(
                s, &coldkey, hotkey, *netuid, *amount, *limit, author, events,
            )?;
        }
        SubtensorCall::register_limit {
            netuid,
            hotkey,
            limit_price,
        } => {
            let coldkey = origin.signed()?;
            stake_ops::register_limit(s, now, &coldkey, *netuid, hotkey, *limit_price, events)?;
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
