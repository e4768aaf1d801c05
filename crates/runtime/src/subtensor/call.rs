//! SubtensorModule's calls: their declaration (indices, argument names, order and types), their
//! weights and fee modes, and their dispatch to the implementations with the origin checks.
//!
//! "cold" calls are signed by a coldkey, "hot" calls by a hotkey (`spec/economy.md` §8.1); each
//! implementation does its own checks and returns subtensor's error on failure. The executive
//! wraps every call in a storage transaction, so a failure changes nothing.

use super::Ctx;
use super::events::Event;
use super::identity::{ChainIdentityV2, SubnetIdentityV3};
use super::serving::ServeAxon;
use super::{
    delegation, identity, registration, serving, stake_moves, staking, subnets, symbols, weights,
};
use crate::pallet_calls;
use crate::storage::Storage;
use crate::support::{BlockContext, DispatchClass, DispatchError, Origin, Pays, Weight, count, rw};
use codec::Compact;
use cortex_primitives::{AccountId32, NetUid};

pallet_calls! {
    /// `SubtensorModule` calls (`pallets/subtensor/src/macros/dispatches.rs`), in the order the
    /// metadata has listed them since spec 425.
    pub enum SubtensorCall {
    /// Sets the signing hotkey's weights on a subnet: `dests` are uids, `weights` their normalised
    /// `u16` weights, `version_key` at least the subnet's weights version key. Refused while
    /// commit-reveal is on (commit and reveal instead).
    set_weights = 0 {
        netuid: NetUid,
        dests: Vec<u16>,
        weights: Vec<u16>,
        version_key: u64,
    },
    /// Sets the signing hotkey's weights on several subnets at once; each item is applied on its
    /// own, and failures are reported in events.
    batch_set_weights = 80 {
        netuids: Vec<Compact<u16>>,
        weights: Vec<Vec<(Compact<u16>, Compact<u16>)>>,
        version_keys: Vec<Compact<u64>>,
    },
    /// Reveals several of the signing hotkey's weight commits on a subnet at once, one list entry
    /// per commit.
    batch_reveal_weights = 98 {
        netuid: NetUid,
        uids_list: Vec<Vec<u16>>,
        values_list: Vec<Vec<u16>>,
        salts_list: Vec<Vec<u16>>,
        version_keys: Vec<u64>,
    },
    /// Commits hashes of the signing hotkey's weights on several subnets at once.
    batch_commit_weights = 100 {
        netuids: Vec<Compact<u16>>,
        commit_hashes: Vec<[u8; 32]>,
    },
    /// Commits a hash of the signing hotkey's weights for one mechanism of a subnet
    /// (commit-reveal), to reveal later.
    commit_mechanism_weights = 115 {
        netuid: NetUid,
        mecid: u8,
        commit_hash: [u8; 32],
    },
    /// Reveals weights committed for one mechanism of a subnet: the uids, values, salt and version
    /// key must hash to the commit.
    reveal_mechanism_weights = 116 {
        netuid: NetUid,
        mecid: u8,
        uids: Vec<u16>,
        values: Vec<u16>,
        salt: Vec<u16>,
        version_key: u64,
    },
    /// Sets the signing hotkey's weights for one mechanism of a subnet, like `set_weights`.
    set_mechanism_weights = 119 {
        netuid: NetUid,
        mecid: u8,
        dests: Vec<u16>,
        weights: Vec<u16>,
        version_key: u64,
    },
    /// Root only: removes a subnet and returns its stake and lock (the coldkey argument is
    /// ignored).
    dissolve_network = 61 {
        coldkey: AccountId32,
        netuid: NetUid,
    },
    /// Root only: removes a subnet and returns its stake and lock.
    root_dissolve_network = 120 { netuid: NetUid },
    /// Stakes `amount_staked` rao of the signing coldkey's TAO to a hotkey on a subnet, buying the
    /// subnet's alpha at the pool price. The coldkey needs that much free balance.
    add_stake = 2 {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_staked: u64,
    },
    /// Unstakes `amount_unstaked` alpha of the signing coldkey from a hotkey on a subnet, selling
    /// it for TAO at the pool price.
    remove_stake = 3 {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_unstaked: u64,
    },
    /// Sets the signing hotkey's axon endpoint (IP, port, protocol and version) on a subnet where
    /// it is registered.
    serve_axon = 4 {
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
        placeholder1: u8,
        placeholder2: u8,
    },
    /// Sets the signing hotkey's Prometheus endpoint on a subnet where it is registered.
    serve_prometheus = 5 {
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
    },
    /// Registers a hotkey on a subnet. Proof-of-work registration is gone: the work arguments are
    /// ignored and the call is a burned registration paid by the signing coldkey.
    register = 6 {
        netuid: NetUid,
        block_number: u64,
        nonce: u64,
        work: Vec<u8>,
        hotkey: AccountId32,
        coldkey: AccountId32,
    },
    /// Registers `hotkey` on a subnet, paying the subnet's current burn from the signing coldkey's
    /// balance.
    burned_register = 7 { netuid: NetUid, hotkey: AccountId32 },
    /// Sets the signing hotkey's axon endpoint on a subnet, with its TLS certificate.
    serve_axon_tls = 40 {
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
        placeholder1: u8,
        placeholder2: u8,
        certificate: Vec<u8>,
    },
    /// Registers a new subnet owned by the signing coldkey, with `hotkey` as its owner hotkey,
    /// locking the current subnet lock cost.
    register_network = 59 { hotkey: AccountId32 },
    /// Registers `hotkey` on the root network (netuid 0).
    root_register = 62 { hotkey: AccountId32 },
    /// Lowers the delegate take of a hotkey the signing coldkey owns.
    decrease_take = 65 { hotkey: AccountId32, take: u16 },
    /// Raises the delegate take of a hotkey the signing coldkey owns (rate limited).
    increase_take = 66 { hotkey: AccountId32, take: u16 },
    /// Sets the signing coldkey's on-chain identity (name, URL, GitHub, image, Discord,
    /// description, extra).
    set_identity = 68 {
        name: Vec<u8>,
        url: Vec<u8>,
        github_repo: Vec<u8>,
        image: Vec<u8>,
        discord: Vec<u8>,
        description: Vec<u8>,
        additional: Vec<u8>,
    },
    /// Subnet owner only: sets the subnet's identity (name, GitHub, contact, URL, Discord,
    /// description, logo, extra).
    set_subnet_identity = 78 {
        netuid: NetUid,
        subnet_name: Vec<u8>,
        github_repo: Vec<u8>,
        subnet_contact: Vec<u8>,
        subnet_url: Vec<u8>,
        discord: Vec<u8>,
        description: Vec<u8>,
        logo_url: Vec<u8>,
        additional: Vec<u8>,
    },
    /// Registers a new subnet like `register_network`, and sets its identity.
    register_network_with_identity = 79 {
        hotkey: AccountId32,
        identity: Option<SubnetIdentityV3>,
    },
    /// Associates a hotkey with the signing coldkey without registering it.
    try_associate_hotkey = 91 { hotkey: AccountId32 },
    /// Unstakes everything the signing coldkey has on a hotkey on every subnet, as TAO.
    unstake_all = 83 { hotkey: AccountId32 },
    /// Moves everything the signing coldkey has on a hotkey on every subnet to the root network.
    unstake_all_alpha = 84 { hotkey: AccountId32 },
    /// Moves the signing coldkey's stake from one hotkey and subnet to another hotkey and subnet.
    move_stake = 85 {
        origin_hotkey: AccountId32,
        destination_hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
    },
    /// Gives the signing coldkey's stake on a hotkey to another coldkey, optionally into another
    /// subnet.
    transfer_stake = 86 {
        destination_coldkey: AccountId32,
        hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
    },
    /// Swaps the signing coldkey's stake on a hotkey from one subnet to another.
    swap_stake = 87 {
        hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
    },
    /// Like `add_stake`, but stops at `limit_price`; with `allow_partial` it stakes what fits under
    /// the limit, otherwise it fails.
    add_stake_limit = 88 {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_staked: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    /// Like `remove_stake`, but stops at `limit_price`; with `allow_partial` it unstakes what fits
    /// above the limit, otherwise it fails.
    remove_stake_limit = 89 {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_unstaked: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    /// Like `swap_stake`, but with a price limit and optional partial execution.
    swap_stake_limit = 90 {
        hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    /// Subnet owner only: starts the subnet's emission, once the start-call delay after its
    /// registration has passed.
    start_call = 92 { netuid: NetUid },
    /// Commits a hash of the signing hotkey's weights on a subnet (commit-reveal), to reveal later.
    commit_weights = 96 {
        netuid: NetUid,
        commit_hash: [u8; 32],
    },
    /// Reveals weights committed on a subnet: the uids, values, salt and version key must hash to
    /// the commit.
    reveal_weights = 97 {
        netuid: NetUid,
        uids: Vec<u16>,
        values: Vec<u16>,
        salt: Vec<u16>,
        version_key: u64,
    },
    /// Subnet owner (or root): changes the subnet's token symbol to one not in use.
    update_symbol = 112 { netuid: NetUid, symbol: Vec<u8> },
    /// Chooses the hotkey the signing coldkey's miner incentive on a subnet is staked to.
    set_coldkey_auto_stake_hotkey = 114 { netuid: NetUid, hotkey: AccountId32 },
    /// Recycles `amount` alpha of the signing coldkey's stake on a hotkey: it leaves the subnet's
    /// supply.
    recycle_alpha = 101 {
        hotkey: AccountId32,
        amount: u64,
        netuid: NetUid,
    },
    /// Burns `amount` alpha of the signing coldkey's stake on a hotkey.
    burn_alpha = 102 {
        hotkey: AccountId32,
        amount: u64,
        netuid: NetUid,
    },
    /// Unstakes all the signing coldkey's alpha on a hotkey and subnet, optionally stopping at a
    /// price limit.
    remove_stake_full_limit = 103 {
        hotkey: AccountId32,
        netuid: NetUid,
        limit_price: Option<u64>,
    },
    /// Subnet owner only: buys alpha with `amount` TAO and burns it, optionally up to a price
    /// limit.
    add_stake_burn = 132 {
        hotkey: AccountId32,
        netuid: NetUid,
        amount: u64,
        limit: Option<u64>,
    },
    /// Registers `hotkey` on a subnet like `burned_register`, failing if the burn is above
    /// `limit_price`.
    register_limit = 134 {
        netuid: NetUid,
        hotkey: AccountId32,
        limit_price: u64,
    },
    /// Subnet owner only: sets the subnet's tempo (360 to 50 400 blocks) and restarts its epoch
    /// cycle.
    set_tempo = 139 { netuid: NetUid, tempo: u16 },
    /// Subnet owner only: runs an epoch on the subnet `AdminFreezeWindow` blocks from now.
    trigger_epoch = 141 { netuid: NetUid },
    }
}

/// `calls` weight settings with `entries` weights in all.
fn set_weight(calls: u64, entries: u64) -> Weight {
    rw(12, 2, 20_000_000).times(calls.max(1)).saturating_add(rw(
        0,
        0,
        entries.saturating_mul(50_000),
    ))
}

/// `calls` reveals with `entries` weights in all.
fn reveal_weight(calls: u64, entries: u64) -> Weight {
    rw(14, 4, 30_000_000).times(calls.max(1)).saturating_add(rw(
        0,
        0,
        entries.saturating_mul(60_000),
    ))
}

/// The weight, class and fee mode of a SubtensorModule call (Cortex's estimates in
/// subtensor's units; `Pays::No` where subtensor has it).
pub fn info(c: &SubtensorCall) -> (Weight, DispatchClass, Pays) {
    use SubtensorCall as C;
    let normal = DispatchClass::Normal;
    match c {
        C::set_weights { dests, .. } | C::set_mechanism_weights { dests, .. } => {
            (set_weight(1, count(dests.len())), normal, Pays::No)
        }
        C::batch_set_weights { weights, .. } => {
            let entries = weights.iter().map(Vec::len).sum();
            (
                set_weight(count(weights.len()), count(entries)),
                normal,
                Pays::No,
            )
        }
        C::commit_weights { .. } | C::commit_mechanism_weights { .. } => {
            (rw(6, 2, 20_000_000), normal, Pays::No)
        }
        C::batch_commit_weights { netuids, .. } => (
            rw(6, 2, 20_000_000).times(count(netuids.len()).max(1)),
            normal,
            Pays::No,
        ),
        C::reveal_weights { uids, .. } | C::reveal_mechanism_weights { uids, .. } => {
            (reveal_weight(1, count(uids.len())), normal, Pays::No)
        }
        C::batch_reveal_weights { uids_list, .. } => {
            let entries = uids_list.iter().map(Vec::len).sum();
            (
                reveal_weight(count(uids_list.len()), count(entries)),
                normal,
                Pays::No,
            )
        }
        C::add_stake { .. } | C::remove_stake { .. } => {
            (rw(22, 14, 150_000_000), normal, Pays::Yes)
        }
        C::register { .. } | C::burned_register { .. } => {
            (rw(30, 25, 200_000_000), normal, Pays::Yes)
        }
        C::register_network { .. } => (rw(40, 50, 250_000_000), normal, Pays::Yes),
        C::dissolve_network { .. } | C::root_dissolve_network { .. } => {
            (rw(200, 300, 500_000_000), normal, Pays::Yes)
        }
        C::start_call { .. } => (rw(4, 2, 20_000_000), normal, Pays::Yes),
        C::serve_axon { .. } => (rw(4, 1, 20_000_000), normal, Pays::No),
        C::serve_axon_tls { .. } => (rw(4, 2, 22_000_000), normal, Pays::No),
        C::serve_prometheus { .. } => (rw(4, 1, 20_000_000), normal, Pays::No),
        C::increase_take { .. } | C::decrease_take { .. } => {
            (rw(5, 2, 20_000_000), normal, Pays::No)
        }
        C::root_register { .. } => (rw(80, 20, 150_000_000), normal, Pays::Yes),
        C::set_identity { .. } => (rw(40, 1, 30_000_000), normal, Pays::Yes),
        C::set_subnet_identity { .. } => (rw(2, 1, 20_000_000), normal, Pays::Yes),
        C::register_network_with_identity { .. } => (rw(40, 52, 260_000_000), normal, Pays::Yes),
        C::try_associate_hotkey { .. } => (rw(3, 3, 15_000_000), normal, Pays::Yes),
        C::update_symbol { .. } => (rw(130, 1, 30_000_000), normal, Pays::Yes),
        C::set_coldkey_auto_stake_hotkey { .. } => (rw(5, 3, 20_000_000), normal, Pays::Yes),
        C::add_stake_limit { .. } | C::remove_stake_limit { .. } => {
            (rw(24, 14, 170_000_000), normal, Pays::Yes)
        }
        C::remove_stake_full_limit { .. } => (rw(24, 14, 170_000_000), normal, Pays::Yes),
        C::move_stake { .. }
        | C::transfer_stake { .. }
        | C::swap_stake { .. }
        | C::swap_stake_limit { .. } => (rw(40, 28, 300_000_000), normal, Pays::Yes),
        C::unstake_all { .. } | C::unstake_all_alpha { .. } => {
            (rw(60, 40, 400_000_000), normal, Pays::Yes)
        }
        C::recycle_alpha { .. } | C::burn_alpha { .. } => {
            (rw(10, 6, 60_000_000), normal, Pays::Yes)
        }
        C::add_stake_burn { .. } => (rw(30, 18, 200_000_000), normal, Pays::Yes),
        C::register_limit { .. } => (rw(30, 25, 200_000_000), normal, Pays::Yes),
        C::set_tempo { .. } | C::trigger_epoch { .. } => (rw(8, 3, 20_000_000), normal, Pays::Yes),
    }
}

/// Runs `call` as `origin` in the block `ctx`, appending its events on success.
pub fn dispatch(
    s: &mut Storage,
    ctx: &BlockContext,
    hooks: &dyn super::Hooks,
    origin: &Origin,
    call: &SubtensorCall,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    let cx = &mut Ctx::new(s, ctx.block, ctx.author.as_ref(), events);
    match call {
        SubtensorCall::set_weights {
            netuid,
            dests,
            weights,
            version_key,
        } => {
            let hotkey = origin.signed()?;
            weights::set_weights(cx, &hotkey, *netuid, dests, weights, *version_key, false)?;
        }
        SubtensorCall::batch_set_weights {
            netuids,
            weights,
            version_keys,
        } => {
            let hotkey = origin.signed()?;
            weights::batch_set_weights(cx, &hotkey, netuids, weights, version_keys)?;
        }
        SubtensorCall::batch_commit_weights {
            netuids,
            commit_hashes,
        } => {
            let hotkey = origin.signed()?;
            weights::batch_commit_weights(cx, &hotkey, netuids, commit_hashes)?;
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
                cx,
                &hotkey,
                *netuid,
                uids_list,
                values_list,
                salts_list,
                version_keys,
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
            if super::storage::CommitRevealWeightsEnabled::get(cx.s, netuid) {
                return Err(super::errors::Error::CommitRevealEnabled.into());
            }
            weights::ensure_mechanism(cx.s, *netuid, *mecid)?;
            weights::set_weights(cx, &hotkey, *netuid, dests, values, *version_key, false)?;
        }
        SubtensorCall::commit_mechanism_weights {
            netuid,
            mecid,
            commit_hash,
        } => {
            let hotkey = origin.signed()?;
            weights::ensure_mechanism(cx.s, *netuid, *mecid)?;
            weights::commit_weights(cx, &hotkey, *netuid, *commit_hash)?;
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
            weights::ensure_mechanism(cx.s, *netuid, *mecid)?;
            weights::reveal_weights(cx, &hotkey, *netuid, uids, values, salt, *version_key)?;
        }
        SubtensorCall::dissolve_network { netuid, .. }
        | SubtensorCall::root_dissolve_network { netuid } => {
            origin.root()?;
            if netuid.is_root() || !super::storage::NetworksAdded::get(cx.s, netuid) {
                return Err(super::errors::Error::SubnetNotExists.into());
            }
            super::dissolve::dissolve_network(cx.s, *netuid, hooks, cx.events);
        }
        SubtensorCall::add_stake {
            hotkey,
            netuid,
            amount_staked,
        } => {
            let coldkey = origin.signed()?;
            staking::add_stake(cx, &coldkey, hotkey, *netuid, *amount_staked)?;
        }
        SubtensorCall::remove_stake {
            hotkey,
            netuid,
            amount_unstaked,
        } => {
            let coldkey = origin.signed()?;
            staking::remove_stake(cx, &coldkey, hotkey, *netuid, *amount_unstaked)?;
        }
        SubtensorCall::register { netuid, hotkey, .. }
        | SubtensorCall::burned_register { netuid, hotkey } => {
            let coldkey = origin.signed()?;
            registration::burned_register(cx.s, cx.block, &coldkey, *netuid, hotkey, cx.events)?;
        }
        SubtensorCall::register_network { hotkey } => {
            let coldkey = origin.signed()?;
            subnets::register_network(cx.s, cx.block, hooks, &coldkey, hotkey, cx.events)?;
        }
        SubtensorCall::start_call { netuid } => {
            let coldkey = origin.signed()?;
            subnets::start_call(cx.s, cx.block, &coldkey, *netuid, cx.events)?;
        }
        SubtensorCall::commit_weights {
            netuid,
            commit_hash,
        } => {
            let hotkey = origin.signed()?;
            weights::commit_weights(cx, &hotkey, *netuid, *commit_hash)?;
        }
        SubtensorCall::reveal_weights {
            netuid,
            uids,
            values,
            salt,
            version_key,
        } => {
            let hotkey = origin.signed()?;
            weights::reveal_weights(cx, &hotkey, *netuid, uids, values, salt, *version_key)?;
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
            serving::serve_axon(cx, &hotkey, &args, None)?;
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
            serving::serve_axon(cx, &hotkey, &args, Some(certificate))?;
        }
        SubtensorCall::serve_prometheus {
            netuid,
            version,
            ip,
            port,
            ip_type,
        } => {
            let hotkey = origin.signed()?;
            serving::serve_prometheus(cx, &hotkey, *netuid, *version, *ip, *port, *ip_type)?;
        }
        SubtensorCall::root_register { hotkey } => {
            let coldkey = origin.signed()?;
            registration::root_register(cx.s, cx.block, &coldkey, hotkey, cx.events)?;
        }
        SubtensorCall::decrease_take { hotkey, take } => {
            let coldkey = origin.signed()?;
            delegation::decrease_take(cx.s, cx.block, &coldkey, hotkey, *take, cx.events)?;
        }
        SubtensorCall::increase_take { hotkey, take } => {
            let coldkey = origin.signed()?;
            delegation::increase_take(cx.s, cx.block, &coldkey, hotkey, *take, cx.events)?;
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
            identity::set_identity(cx.s, &coldkey, id, cx.events)?;
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
            identity::set_subnet_identity(cx.s, &coldkey, *netuid, id, cx.events)?;
        }
        SubtensorCall::register_network_with_identity {
            hotkey,
            identity: id,
        } => {
            let coldkey = origin.signed()?;
            identity::register_network_with_identity(
                cx.s,
                cx.block,
                hooks,
                &coldkey,
                hotkey,
                id.clone(),
                cx.events,
            )?;
        }
        SubtensorCall::try_associate_hotkey { hotkey } => {
            let coldkey = origin.signed()?;
            delegation::try_associate_hotkey(cx.s, &coldkey, hotkey)?;
        }
        SubtensorCall::update_symbol { netuid, symbol } => {
            symbols::update_symbol(cx.s, origin, *netuid, symbol, cx.events)?;
        }
        SubtensorCall::set_coldkey_auto_stake_hotkey { netuid, hotkey } => {
            let coldkey = origin.signed()?;
            delegation::set_coldkey_auto_stake_hotkey(cx.s, &coldkey, *netuid, hotkey, cx.events)?;
        }
        SubtensorCall::unstake_all { hotkey } => {
            let coldkey = origin.signed()?;
            staking::unstake_all(cx, &coldkey, hotkey, false)?;
        }
        SubtensorCall::unstake_all_alpha { hotkey } => {
            let coldkey = origin.signed()?;
            staking::unstake_all(cx, &coldkey, hotkey, true)?;
        }
        SubtensorCall::move_stake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => {
            let coldkey = origin.signed()?;
            stake_moves::move_stake(
                cx,
                &coldkey,
                origin_hotkey,
                destination_hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
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
            stake_moves::transfer_stake(
                cx,
                &coldkey,
                destination_coldkey,
                hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
            )?;
        }
        SubtensorCall::swap_stake {
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => {
            let coldkey = origin.signed()?;
            stake_moves::swap_stake(
                cx,
                &coldkey,
                hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
                None,
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
            stake_moves::swap_stake(
                cx,
                &coldkey,
                hotkey,
                *origin_netuid,
                *destination_netuid,
                *alpha_amount,
                Some((*limit_price, *allow_partial)),
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
            staking::add_stake_limit(
                cx,
                &coldkey,
                hotkey,
                *netuid,
                *amount_staked,
                *limit_price,
                *allow_partial,
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
            staking::remove_stake_limit(
                cx,
                &coldkey,
                hotkey,
                *netuid,
                *amount_unstaked,
                *limit_price,
                *allow_partial,
            )?;
        }
        SubtensorCall::remove_stake_full_limit {
            hotkey,
            netuid,
            limit_price,
        } => {
            let coldkey = origin.signed()?;
            staking::remove_stake_full_limit(cx, &coldkey, hotkey, *netuid, *limit_price)?;
        }
        SubtensorCall::recycle_alpha {
            hotkey,
            amount,
            netuid,
        } => {
            let coldkey = origin.signed()?;
            staking::destroy_alpha(cx, &coldkey, hotkey, *amount, *netuid, true)?;
        }
        SubtensorCall::burn_alpha {
            hotkey,
            amount,
            netuid,
        } => {
            let coldkey = origin.signed()?;
            staking::destroy_alpha(cx, &coldkey, hotkey, *amount, *netuid, false)?;
        }
        SubtensorCall::add_stake_burn {
            hotkey,
            netuid,
            amount,
            limit,
        } => {
            let coldkey = origin.signed()?;
            staking::add_stake_burn(cx, &coldkey, hotkey, *netuid, *amount, *limit)?;
        }
        SubtensorCall::register_limit {
            netuid,
            hotkey,
            limit_price,
        } => {
            let coldkey = origin.signed()?;
            registration::register_limit(
                cx.s,
                cx.block,
                &coldkey,
                *netuid,
                hotkey,
                *limit_price,
                cx.events,
            )?;
        }
        SubtensorCall::set_tempo { netuid, tempo } => {
            super::owner::set_tempo(cx.s, cx.block, origin, *netuid, *tempo, cx.events)?;
        }
        SubtensorCall::trigger_epoch { netuid } => {
            super::owner::trigger_epoch(cx.s, cx.block, origin, *netuid, cx.events)?;
        }
    }
    Ok(())
}
