//! The coinbase: each block's TAO emission split across subnets, TAO and alpha injected into
//! the pools, participant alpha accumulated per subnet, and at each subnet's epoch the
//! accumulated alpha paid out to miners (incentive), validators and their nominators
//! (dividends, through the delegate take) and the owner (owner cut). Source:
//! `spec/economy.md` §2.2–§2.7 and §2.10; the fixed-point types (U64F64 shares and prices, U96F32
//! amounts, each floored when credited) are subtensor's, so amounts match to the rao.
//!
//! Childkeys and root-alpha claiming are not implemented (`docs/deviations.md`): every hotkey
//! keeps its own epoch dividend, and root dividends accrue only when the sum of EMA prices
//! exceeds 1, which needs root stake and several priced subnets; without claiming they are
//! staked to the root validator's hotkey for its owner on the subnet.

use super::delegation::AutoStakeDestination;
use super::emission::block_emission_for_issuance;
use super::events::Event;
use super::pool::{alpha_issuance, moving_alpha_price, pool, subnet_account};
use super::shares::HotkeyPool;
use super::storage::{
    BlockAtRegistration, BlocksSinceLastStep, Delegates, FirstEmissionBlockNumber, Keys,
    LastEpochBlock, LastMechansimStepBlock, MaxEpochsPerBlock, NetworkRegistrationAllowed,
    NetworksAdded, OwnedHotkeys, Owner, PendingEpochAt, PendingOwnerCut, PendingRootAlphaDivs,
    PendingServerEmission, PendingValidatorEmission, RootProp, StakingHotkeys, SubnetAlphaIn,
    SubnetAlphaOut, SubnetEmissionEnabled, SubnetEpochIndex, SubnetMovingPrice, SubnetOwner,
    SubnetOwnerCut, SubnetOwnerHotkey, SubnetProtocolAlpha, SubnetTAO, SubtokenEnabled, TaoWeight,
    TotalHotkeyAlpha, TotalStake, Uids,
};
use crate::storage::Storage;
use crate::swap::{MAX_PRICE, SwapBalancer};
use crate::{balances, storage_double_map, storage_map, storage_value};
use cortex_primitives::{AccountId32, NetUid};
use std::collections::BTreeMap;
use substrate_fixed::types::{I96F32, U64F64, U96F32};

storage_value!(/// Smoothing factor of the price moving average (0.000003).
    "SubtensorModule", SubnetMovingAlpha: I96F32 = I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));

storage_map!(/// Blocks for the price-average warm-up factor `b/(b + halving)` to reach one half.
    "SubtensorModule", EMAPriceHalvingBlocks: Identity(NetUid) => u64 = 201_600);

storage_map!(/// Share of the last epoch's incentive that went to owner hotkeys (0..1).
    "SubtensorModule", MinerBurned: Identity(NetUid) => U96F32 = U96F32::from_bits(0));

storage_map!(/// Whether the owner takes a cut of the subnet's alpha emission.
    "SubtensorModule", OwnerCutEnabled: Identity(NetUid) => bool = true);

storage_map!(/// What happens to incentive earned by owner hotkeys: 0 burn, 1 recycle.
    "SubtensorModule", RecycleOrBurn: Identity(NetUid) => RecycleOrBurnEnum = RecycleOrBurnEnum::Burn);

storage_double_map!(/// Alpha dividends each hotkey received at the subnet's last epoch.
    "SubtensorModule", AlphaDividendsPerSubnet: Identity(NetUid), Blake2_128Concat(AccountId32) => u64 = 0);

storage_double_map!(/// Root alpha dividends each hotkey received at the subnet's last epoch.
    "SubtensorModule", RootAlphaDividendsPerSubnet: Identity(NetUid), Blake2_128Concat(AccountId32) => u64 = 0);

storage_double_map!(/// A hotkey's total alpha on a subnet right after its last dividend.
    "SubtensorModule", TotalHotkeyAlphaLastEpoch: Blake2_128Concat(AccountId32), Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha injected into the pool this block.
    "SubtensorModule", SubnetAlphaInEmission: Identity(NetUid) => u64 = 0);

storage_map!(/// Alpha emitted to participants this block.
    "SubtensorModule", SubnetAlphaOutEmission: Identity(NetUid) => u64 = 0);

storage_map!(/// TAO injected into the pool this block.
    "SubtensorModule", SubnetTaoInEmission: Identity(NetUid) => u64 = 0);

storage_map!(/// TAO of this block's emission spent on chain buys.
    "SubtensorModule", SubnetExcessTao: Identity(NetUid) => u64 = 0);

storage_map!(/// Protocol TAO flow (bookkeeping).
    "SubtensorModule", SubnetProtocolFlow: Identity(NetUid) => i64 = 0);

/// `I96F32::from_num(0.000003)`: subtensor's default moving-average factor.
pub const DEFAULT_MOVING_ALPHA_BITS: i128 = 12_885;

/// `RecycleOrBurnEnum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub enum RecycleOrBurnEnum {
    /// Destroy the alpha, leaving `SubnetAlphaOut` as it is.
    Burn,
    /// Destroy the alpha and lower `SubnetAlphaOut` (alpha issuance).
    Recycle,
}

/// Every added netuid, in order (root included).
pub fn all_netuids(s: &Storage) -> Vec<NetUid> {
    NetworksAdded::iter(s)
        .into_iter()
        .filter(|(_, added)| *added)
        .map(|(n, _)| n)
        .collect()
}

/// Subnets that receive emission: started (`FirstEmissionBlockNumber` set), subtoken on, and
/// registration allowed; never root.
pub fn subnets_to_emit_to(s: &Storage, subnets: &[NetUid]) -> Vec<NetUid> {
    subnets
        .iter()
        .copied()
        .filter(|n| !n.is_root())
        .filter(|n| FirstEmissionBlockNumber::try_get(s, n).is_some())
        .filter(|n| SubtokenEnabled::get(s, n))
        .filter(|n| NetworkRegistrationAllowed::get(s, n))
        .collect()
}

/// `TaoWeight / (2^64 − 1)`.
pub fn tao_weight(s: &Storage) -> U96F32 {
    U96F32::saturating_from_num(TaoWeight::get(s))
        .checked_div(U96F32::saturating_from_num(u64::MAX))
        .unwrap_or_default()
}

/// `rp = root_tao·tw / (root_tao·tw + alpha_issuance)`.
pub fn root_proportion(s: &Storage, netuid: NetUid) -> U96F32 {
    let issuance = U96F32::saturating_from_num(alpha_issuance(s, netuid));
    let root_tao = U96F32::saturating_from_num(SubnetTAO::get(s, &NetUid::ROOT));
    let weighted = root_tao.saturating_mul(tao_weight(s));
    weighted
        .checked_div(weighted.saturating_add(issuance))
        .unwrap_or_default()
}

/// Emission shares: EMA prices normalized, discounted by `1 − MinerBurned`, renormalized
/// (falling back to the price shares when every weight is 0).
fn shares(s: &Storage, emit: &[NetUid]) -> BTreeMap<NetUid, U64F64> {
    let zero = U64F64::from_num(0);
    let one = U64F64::from_num(1);
    let total = emit
        .iter()
        .fold(zero, |acc, n| acc.saturating_add(moving_alpha_price(s, *n)));
    let price_shares: BTreeMap<NetUid, U64F64> = emit
        .iter()
        .map(|n| {
            let share = moving_alpha_price(s, *n).checked_div(total).unwrap_or(zero);
            (*n, share)
        })
        .collect();
    let weighted: BTreeMap<NetUid, U64F64> = price_shares
        .iter()
        .map(|(n, share)| {
            let burned = U64F64::saturating_from_num(MinerBurned::get(s, n)).min(one);
            (*n, share.saturating_mul(one.saturating_sub(burned)))
        })
        .collect();
    let total_weight = weighted
        .values()
        .fold(zero, |acc, w| acc.saturating_add(*w));
    if total_weight > zero {
        weighted
            .into_iter()
            .map(|(n, w)| (n, w.checked_div(total_weight).unwrap_or(zero)))
            .collect()
    } else {
        price_shares
    }
}

/// `T_i`: the block's TAO emission per subnet (emission-disabled subnets get 0 and the others
/// are renormalized).
pub fn subnet_block_emissions(
    s: &Storage,
    emit: &[NetUid],
    block_emission: u64,
) -> BTreeMap<NetUid, U96F32> {
    let zero = U64F64::from_num(0);
    let shares = shares(s, emit);
    let mut any_disabled = false;
    let mut enabled_sum = zero;
    let flagged: Vec<(NetUid, U64F64, bool)> = shares
        .into_iter()
        .map(|(n, share)| {
            let enabled = SubnetEmissionEnabled::get(s, &n);
            if enabled {
                enabled_sum = enabled_sum.saturating_add(share);
            } else {
                any_disabled = true;
            }
            (n, share, enabled)
        })
        .collect();
    flagged
        .into_iter()
        .map(|(n, share, enabled)| {
            let share = if any_disabled {
                if enabled && enabled_sum > zero {
                    share.checked_div(enabled_sum).unwrap_or(zero)
                } else {
                    zero
                }
            } else {
                share
            };
            let emission = U64F64::saturating_from_num(block_emission).saturating_mul(share);
            (n, U96F32::saturating_from_num(emission))
        })
        .collect()
}

/// What the pool side of one subnet receives this block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Terms {
    tao_in: U96F32,
    alpha_in: U96F32,
    alpha_out: U96F32,
    excess_tao: U96F32,
}

fn subnet_terms(s: &Storage, emissions: &BTreeMap<NetUid, U96F32>) -> BTreeMap<NetUid, Terms> {
    let zero = U96F32::from_num(0);
    emissions
        .iter()
        .map(|(n, t)| {
            let alpha_emission = U96F32::saturating_from_num(
                block_emission_for_issuance(alpha_issuance(s, *n)).unwrap_or(0),
            );
            let price = U96F32::saturating_from_num(pool(s, *n).price());
            let mut tao_in = *t;
            let mut alpha_in = t.checked_div(price).unwrap_or(zero);
            let cap = root_proportion(s, *n).saturating_mul(alpha_emission);
            if alpha_in > cap {
                alpha_in = cap;
                tao_in = alpha_in.saturating_mul(price);
            }
            let excess_tao = t.saturating_sub(tao_in);
            (
                *n,
                Terms {
                    tao_in,
                    alpha_in,
                    alpha_out: alpha_emission,
                    excess_tao,
                },
            )
        })
        .collect()
}

/// Mints `amount` new TAO into `who` (block emission entering the subnet account). Returns
/// whether it was minted: an account that would stay below the existential deposit cannot
/// receive it, and the TAO is then not created (subtensor recycles the unspent credit).
fn mint_tao(s: &mut Storage, who: &AccountId32, amount: u64) -> bool {
    amount == 0 || balances::mint_into(s, who, amount, &mut Vec::new()).is_ok()
}

fn add_protocol_flow(s: &mut Storage, netuid: NetUid, tao: u64) {
    let flow =
        SubnetProtocolFlow::get(s, &netuid).saturating_add(i64::try_from(tao).unwrap_or(i64::MAX));
    SubnetProtocolFlow::insert(s, &netuid, &flow);
}

/// Injects TAO and alpha into each pool without moving its price, and spends the excess TAO
/// on chain buys (`inject_and_maybe_swap`).
fn inject_and_maybe_swap(s: &mut Storage, emit: &[NetUid], terms: &BTreeMap<NetUid, Terms>) {
    for n in emit {
        let Some(t) = terms.get(n) else { continue };
        let tao_in = t.tao_in.saturating_to_num::<u64>();
        let alpha_in = t.alpha_in.saturating_to_num::<u64>();
        let excess = t.excess_tao.saturating_to_num::<u64>();
        let mut balancer = SwapBalancer::get(s, n);
        let (tao_in, alpha_in) = match balancer.add_liquidity_weights(
            SubnetTAO::get(s, n),
            SubnetAlphaIn::get(s, n),
            tao_in,
            alpha_in,
        ) {
            Ok(()) => {
                SwapBalancer::insert(s, n, &balancer);
                (tao_in, alpha_in)
            }
            Err(_) => {
                tracing::warn!(netuid = n.0, "pool weights out of range: nothing injected");
                (0, 0)
            }
        };
        SubnetExcessTao::insert(s, n, &0);
        SubnetTaoInEmission::insert(s, n, &0);
        let account = subnet_account(*n);
        if excess > 0 && mint_tao(s, &account, excess) {
            match super::pool::swap_tao_for_alpha(
                s,
                *n,
                excess,
                super::pool::limit_price(MAX_PRICE),
                true,
            ) {
                Ok(bought) => {
                    let protocol = SubnetProtocolAlpha::get(s, n).saturating_add(bought.alpha_out);
                    SubnetProtocolAlpha::insert(s, n, &protocol);
                    SubnetExcessTao::insert(s, n, &bought.tao_in);
                    add_protocol_flow(s, *n, bought.tao_in);
                }
                Err(e) => {
                    tracing::warn!(netuid = n.0, error = ?e, "chain buy failed");
                }
            }
        }
        SubnetAlphaInEmission::insert(s, n, &alpha_in);
        let reserve = SubnetAlphaIn::get(s, n).saturating_add(alpha_in);
        SubnetAlphaIn::insert(s, n, &reserve);
        if tao_in > 0 && mint_tao(s, &account, tao_in) {
            SubnetTaoInEmission::insert(s, n, &tao_in);
            let reserve = SubnetTAO::get(s, n).saturating_add(tao_in);
            SubnetTAO::insert(s, n, &reserve);
            let total = TotalStake::get(s).saturating_add(tao_in);
            TotalStake::put(s, &total);
            add_protocol_flow(s, *n, tao_in);
        }
    }
}

/// Mints each subnet's participant alpha and accumulates it as pending server, validator,
/// root and owner-cut alpha (`emit_to_subnets` after the injection).
fn accumulate_pending(
    s: &mut Storage,
    emit: &[NetUid],
    terms: &BTreeMap<NetUid, Terms>,
    root_sell: bool,
) {
    let cut_percent = U96F32::saturating_from_num(SubnetOwnerCut::get(s))
        .checked_div(U96F32::saturating_from_num(u16::MAX))
        .unwrap_or_default();
    let half = U96F32::from_bits(1u128 << 31);
    for n in emit {
        let Some(t) = terms.get(n) else { continue };
        let mut alpha_out = t.alpha_out;
        let created = alpha_out.saturating_to_num::<u64>();
        SubnetAlphaOutEmission::insert(s, n, &created);
        let out = SubnetAlphaOut::get(s, n).saturating_add(created);
        SubnetAlphaOut::insert(s, n, &out);
        if OwnerCutEnabled::get(s, n) {
            let cut = alpha_out.saturating_mul(cut_percent);
            alpha_out = alpha_out.saturating_sub(cut);
            let pending = PendingOwnerCut::get(s, n).saturating_add(cut.saturating_to_num());
            PendingOwnerCut::insert(s, n, &pending);
        }
        let rp = root_proportion(s, *n);
        let root_alpha = rp.saturating_mul(alpha_out).saturating_mul(half);
        let server = alpha_out.saturating_mul(half);
        let validator = alpha_out.saturating_sub(server).saturating_sub(root_alpha);
        let p = PendingServerEmission::get(s, n).saturating_add(server.saturating_to_num());
        PendingServerEmission::insert(s, n, &p);
        let p = PendingValidatorEmission::get(s, n).saturating_add(validator.saturating_to_num());
        PendingValidatorEmission::insert(s, n, &p);
        if root_sell {
            let p = PendingRootAlphaDivs::get(s, n).saturating_add(root_alpha.saturating_to_num());
            PendingRootAlphaDivs::insert(s, n, &p);
        } else {
            recycle_subnet_alpha(s, *n, root_alpha.saturating_to_num());
        }
    }
}

/// Destroys `amount` alpha and lowers `SubnetAlphaOut` (alpha issuance falls).
pub fn recycle_subnet_alpha(s: &mut Storage, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    let out = SubnetAlphaOut::get(s, &netuid).saturating_sub(amount);
    SubnetAlphaOut::insert(s, &netuid, &out);
}

/// Pending alpha taken at an epoch: `(server, validator, root, owner cut)`.
pub type Drained = (u64, u64, u64, u64);

/// Epoch scheduling for all subnets (`drain_pending`): at most `MaxEpochsPerBlock` epochs run;
/// later due subnets are deferred to the next block.
fn drain_pending(
    s: &mut Storage,
    subnets: &[NetUid],
    now: u64,
    events: &mut Vec<Event>,
) -> BTreeMap<NetUid, Drained> {
    let mut drained = BTreeMap::new();
    let max = u32::from(MaxEpochsPerBlock::get(s));
    let mut ran: u32 = 0;
    for n in subnets {
        let since = BlocksSinceLastStep::get(s, n).saturating_add(1);
        BlocksSinceLastStep::insert(s, n, &since);
        if !super::schedule::should_run_epoch(s, *n, now) {
            continue;
        }
        if ran >= max {
            let next = now.saturating_add(1);
            PendingEpochAt::insert(s, n, &next);
            events.push(Event::EpochDeferred {
                netuid: *n,
                from_block: now,
                to_block: next,
            });
            continue;
        }
        if epoch_input_consistent(s, *n) {
            BlocksSinceLastStep::insert(s, n, &0);
            let server = take(s, PendingServerEmission::key(n));
            let validator = take(s, PendingValidatorEmission::key(n));
            let root = take(s, PendingRootAlphaDivs::key(n));
            let cut = take(s, PendingOwnerCut::key(n));
            drained.insert(*n, (server, validator, root, cut));
            ran = ran.saturating_add(1);
        } else {
            events.push(Event::EpochSkipped {
                netuid: *n,
                block: now,
            });
        }
        LastEpochBlock::insert(s, n, &now);
        PendingEpochAt::insert(s, n, &0);
        let index = SubnetEpochIndex::get(s, n).saturating_add(1);
        SubnetEpochIndex::insert(s, n, &index);
    }
    drained
}

/// Reads a `u64` item and writes 0 in its place.
fn take(s: &mut Storage, key: Vec<u8>) -> u64 {
    let v: u64 = crate::storage::decode_or_none(&key, s.get(&key)).unwrap_or(0);
    s.set(key, codec::Encode::encode(&0u64));
    v
}

/// No hotkey holds two uids of the subnet (`is_epoch_input_state_consistent`).
fn epoch_input_consistent(s: &Storage, netuid: NetUid) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    Keys::iter_prefix(s, &netuid)
        .into_iter()
        .all(|(_, hotkey)| seen.insert(hotkey))
}

/// Adds `amount` alpha to `(hotkey, coldkey)` on `netuid` and remembers the hotkey among the
/// coldkey's staking hotkeys.
pub fn increase_stake_for_hotkey_and_coldkey(
    s: &mut Storage,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
    amount: u64,
) {
    if amount > 0 {
        let mut hotkeys = StakingHotkeys::get(s, coldkey);
        if !hotkeys.contains(hotkey) {
            hotkeys.push(*hotkey);
            StakingHotkeys::insert(s, coldkey, &hotkeys);
        }
    }
    HotkeyPool::new(s, *hotkey, netuid)
        .update_for_one(coldkey, i64::try_from(amount).unwrap_or(i64::MAX));
}

/// The owner coldkey's hotkeys registered on the subnet, most recent registration first, with
/// the owner hotkey in front: the hotkeys whose incentive is withheld.
fn owner_hotkeys(s: &Storage, netuid: NetUid, owner: &AccountId32) -> Vec<AccountId32> {
    let mut triples: Vec<(u64, u16, AccountId32)> = OwnedHotkeys::get(s, owner)
        .into_iter()
        .filter_map(|hk| {
            Uids::try_get(s, &netuid, &hk)
                .map(|uid| (BlockAtRegistration::get(s, &netuid, &uid), uid, hk))
        })
        .collect();
    triples.sort_by(|(b1, u1, _), (b2, u2, _)| b2.cmp(b1).then(u1.cmp(u2)));
    let mut hotkeys: Vec<AccountId32> = triples.into_iter().map(|(_, _, hk)| hk).collect();
    if let Some(owner_hotkey) = SubnetOwnerHotkey::try_get(s, &netuid)
        && Uids::try_get(s, &netuid, &owner_hotkey).is_some()
        && !hotkeys.contains(&owner_hotkey)
    {
        hotkeys.insert(0, owner_hotkey);
    }
    hotkeys
}

fn take_float(s: &Storage, hotkey: &AccountId32) -> U96F32 {
    U96F32::saturating_from_num(Delegates::get(s, hotkey))
        .checked_div(U96F32::saturating_from_num(u16::MAX))
        .unwrap_or_default()
}

/// Runs the subnet's epoch on `server + validator + root` alpha and pays it out with the owner
/// cut (`distribute_emission`).
pub fn distribute_emission(
    s: &mut Storage,
    netuid: NetUid,
    now: u64,
    drained: Drained,
    events: &mut Vec<Event>,
) {
    let (server, validator, root, owner_cut) = drained;
    let total = server.saturating_add(validator).saturating_add(root);
    let out = super::epoch::run_subnet_epoch(s, netuid, now, total);
    events.push(Event::IncentiveAlphaEmittedToMiners {
        netuid: netuid.0,
        emissions: out.server_emission.clone(),
    });
    // Per hotkey (incentive, dividend), summed over its uids, in account order.
    let mut incentives: BTreeMap<AccountId32, u64> = BTreeMap::new();
    let mut dividends: BTreeMap<AccountId32, U96F32> = BTreeMap::new();
    for (uid, hotkey) in Keys::iter_prefix(s, &netuid) {
        let i = usize::from(uid);
        let inc = out.server_emission.get(i).copied().unwrap_or(0);
        let div = out.validator_emission.get(i).copied().unwrap_or(0);
        let e = incentives.entry(hotkey).or_insert(0);
        *e = e.saturating_add(inc);
        let d = dividends.entry(hotkey).or_insert(U96F32::from_num(0));
        *d = d.saturating_add(U96F32::saturating_from_num(div));
    }
    let incentive_sum = incentives.values().fold(0u64, |a, v| a.saturating_add(*v));
    let validator_alpha = if incentive_sum > 0 {
        validator
    } else {
        validator.saturating_add(server)
    };

    // Split each dividend into an alpha part and a root part by the hotkey's own stakes.
    let tw = tao_weight(s);
    let zero = U96F32::from_num(0);
    let mut alpha_divs: BTreeMap<AccountId32, U96F32> = BTreeMap::new();
    let mut root_divs: BTreeMap<AccountId32, U96F32> = BTreeMap::new();
    let (mut total_alpha, mut total_root) = (zero, zero);
    for (hotkey, d) in &dividends {
        let a = U96F32::saturating_from_num(TotalHotkeyAlpha::get(s, hotkey, &netuid));
        let r = U96F32::saturating_from_num(TotalHotkeyAlpha::get(s, hotkey, &NetUid::ROOT));
        let root_weighted = r.saturating_mul(tw);
        let prop = root_weighted
            .checked_div(a.saturating_add(root_weighted))
            .unwrap_or(zero);
        let root_part = d.saturating_mul(prop);
        let alpha_part = d.saturating_sub(root_part);
        alpha_divs.insert(*hotkey, alpha_part);
        root_divs.insert(*hotkey, root_part);
        total_alpha = total_alpha.saturating_add(alpha_part);
        total_root = total_root.saturating_add(root_part);
    }
    let scale = |parts: BTreeMap<AccountId32, U96F32>, total: U96F32, pot: u64| {
        parts
            .into_iter()
            .map(|(hk, part)| {
                let share = part.checked_div(total).unwrap_or(zero);
                (hk, U96F32::saturating_from_num(pot).saturating_mul(share))
            })
            .collect::<BTreeMap<_, _>>()
    };
    let alpha_divs = scale(alpha_divs, total_alpha, validator_alpha);
    let root_divs = scale(root_divs, total_root, root);

    // Owner cut.
    if let (Some(owner), Some(owner_hotkey)) = (
        SubnetOwner::try_get(s, &netuid),
        SubnetOwnerHotkey::try_get(s, &netuid),
    ) {
        increase_stake_for_hotkey_and_coldkey(s, &owner_hotkey, &owner, netuid, owner_cut);
    }

    // Incentives: withheld from owner hotkeys, otherwise staked (to the auto-stake
    // destination if the coldkey set one).
    let owner = SubnetOwner::get(s, &netuid);
    let withheld_keys = owner_hotkeys(s, netuid, &owner);
    let (mut total_incentive, mut withheld) = (0u64, 0u64);
    for (hotkey, incentive) in incentives {
        total_incentive = total_incentive.saturating_add(incentive);
        if withheld_keys.contains(&hotkey) {
            withheld = withheld.saturating_add(incentive);
            if RecycleOrBurn::get(s, &netuid) == RecycleOrBurnEnum::Recycle {
                recycle_subnet_alpha(s, netuid, incentive);
            }
            continue;
        }
        let coldkey = Owner::get(s, &hotkey);
        let destination = match AutoStakeDestination::try_get(s, &coldkey, &netuid) {
            Some(dest) => {
                events.push(Event::AutoStakeAdded {
                    netuid,
                    destination: dest,
                    hotkey,
                    owner: coldkey,
                    incentive,
                });
                dest
            }
            None => hotkey,
        };
        increase_stake_for_hotkey_and_coldkey(s, &destination, &coldkey, netuid, incentive);
    }
    let burned = U96F32::saturating_from_num(withheld)
        .checked_div(U96F32::saturating_from_num(total_incentive))
        .unwrap_or(zero);
    MinerBurned::insert(s, &netuid, &burned);

    // Alpha dividends: the take to the hotkey's owner, the rest to all its stakers pro rata.
    AlphaDividendsPerSubnet::remove_prefix(s, &netuid);
    for (hotkey, divs) in alpha_divs {
        let take = take_float(s, &hotkey).saturating_mul(divs);
        let rest = divs.saturating_sub(take);
        let owner = Owner::get(s, &hotkey);
        increase_stake_for_hotkey_and_coldkey(s, &hotkey, &owner, netuid, take.saturating_to_num());
        let rest = rest.saturating_to_num::<u64>();
        HotkeyPool::new(s, hotkey, netuid).update_for_all(i64::try_from(rest).unwrap_or(i64::MAX));
        let recorded = AlphaDividendsPerSubnet::get(s, &netuid, &hotkey).saturating_add(rest);
        AlphaDividendsPerSubnet::insert(s, &netuid, &hotkey, &recorded);
        let total = TotalHotkeyAlpha::get(s, &hotkey, &netuid);
        TotalHotkeyAlphaLastEpoch::insert(s, &hotkey, &netuid, &total);
    }

    // Root dividends: the take as above; without root claiming the rest is staked to the
    // hotkey's owner, as subtensor does when the dividend exceeds the hotkey's root stake
    // (docs/deviations.md).
    RootAlphaDividendsPerSubnet::remove_prefix(s, &netuid);
    for (hotkey, divs) in root_divs {
        let take = take_float(s, &hotkey).saturating_mul(divs);
        let rest = divs.saturating_sub(take).saturating_to_num::<u64>();
        let owner = Owner::get(s, &hotkey);
        increase_stake_for_hotkey_and_coldkey(s, &hotkey, &owner, netuid, take.saturating_to_num());
        increase_stake_for_hotkey_and_coldkey(s, &hotkey, &owner, netuid, rest);
        let recorded = RootAlphaDividendsPerSubnet::get(s, &netuid, &hotkey).saturating_add(rest);
        RootAlphaDividendsPerSubnet::insert(s, &netuid, &hotkey, &recorded);
    }
    LastMechansimStepBlock::insert(s, &netuid, &now);
}

/// One block's coinbase (`run_coinbase`) with `block_emission` rao of new TAO.
pub fn run_coinbase(s: &mut Storage, now: u64, block_emission: u64, events: &mut Vec<Event>) {
    let subnets: Vec<NetUid> = all_netuids(s)
        .into_iter()
        .filter(|n| !n.is_root())
        .collect();
    let emit = subnets_to_emit_to(s, &subnets);
    let emissions = subnet_block_emissions(s, &emit, block_emission);
    let total_ema = emit.iter().fold(U64F64::from_num(0), |a, n| {
        a.saturating_add(moving_alpha_price(s, *n))
    });
    let root_sell = total_ema > U64F64::from_num(1);
    let terms = subnet_terms(s, &emissions);
    inject_and_maybe_swap(s, &emit, &terms);
    accumulate_pending(s, &emit, &terms, root_sell);
    let drained = drain_pending(s, &subnets, now, events);
    for (n, d) in drained {
        distribute_emission(s, n, now, d, events);
    }
}

/// The price moving average of every emitting subnet (`update_moving_price`): the spot price,
/// capped at 1, enters with weight `α·b/(b + halving)` where `b` counts blocks since start.
pub fn update_moving_prices(s: &mut Storage, now: u64) {
    let emit = subnets_to_emit_to(s, &all_netuids(s));
    for n in emit {
        let start = FirstEmissionBlockNumber::try_get(s, &n)
            .unwrap_or(0)
            .saturating_sub(1);
        let b = U64F64::saturating_from_num(now.saturating_sub(start));
        let halving = U64F64::saturating_from_num(EMAPriceHalvingBlocks::get(s, &n));
        let ma = U64F64::saturating_from_num(SubnetMovingAlpha::get(s));
        let alpha = ma.saturating_mul(b.checked_div(b.saturating_add(halving)).unwrap_or_default());
        let one_minus = U64F64::from_num(1).saturating_sub(alpha);
        let spot = pool(s, n).price().min(U64F64::from_num(1));
        let current = alpha.saturating_mul(spot);
        let moving = one_minus.saturating_mul(moving_alpha_price(s, n));
        let new = I96F32::saturating_from_num(current.saturating_add(moving));
        SubnetMovingPrice::insert(s, &n, &new);
    }
}

/// `RootProp` of every emitting subnet (informational).
pub fn update_root_prop(s: &mut Storage) {
    let emit = subnets_to_emit_to(s, &all_netuids(s));
    for n in emit {
        let rp = root_proportion(s, n);
        RootProp::insert(s, &n, &rp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_moving_alpha_is_subtensors() {
        assert_eq!(
            I96F32::from_num(0.000003).to_bits(),
            DEFAULT_MOVING_ALPHA_BITS
        );
    }
}
