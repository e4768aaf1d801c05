//! Registration: a neuron's burned registration (`burned_register`, `register_limit`) and
//! root's (`root_register`), the per-block and per-interval registration limits, and which uid
//! a new registration replaces (the lowest-emission neuron out of immunity, owners' immune
//! hotkeys and `MinNonImmuneUids` aside), and a neuron's slot appended or replaced. Sources:
//! `spec/economy.md` §4; subtensor's `subnets/registration.rs` and `coinbase/root.rs`
//! (`root_register`).

use super::errors::Error;
use super::events::Event;
use super::storage::*;
use crate::storage::Storage;
use crate::storage_map;
use crate::support::DispatchError;
use codec::Encode;
use cortex_primitives::{AccountId32, NetUid};

use super::delegation::create_account_if_non_existent;
use super::pool::{limit_price, pay_into_subnet, spendable, swap_tao_for_alpha};
use super::storage::RAORecycledForRegistration;
use crate::swap::MAX_PRICE;

storage_map!(/// Non-immune neurons a subnet keeps before immune ones may be pruned.
    "SubtensorModule", MinNonImmuneUids: Identity(NetUid) => u16 = 10);

storage_map!(/// Registrations in the current block.
    "SubtensorModule", RegistrationsThisBlock: Identity(NetUid) => u16 = 0);

/// Whether `uid` is still in its immunity period at `now`.
pub fn is_immune(s: &Storage, netuid: NetUid, uid: u16, now: u64) -> bool {
    now.saturating_sub(BlockAtRegistration::get(s, &netuid, &uid))
        < u64::from(ImmunityPeriod::get(s, &netuid))
}

/// The owner's hotkeys that may never be pruned: the owner hotkey first, then the owner
/// coldkey's other hotkeys on the subnet by registration block and uid, `ImmuneOwnerUidsLimit`
/// in all.
pub fn immune_owner_hotkeys(s: &Storage, netuid: NetUid) -> Vec<AccountId32> {
    let owner = SubnetOwner::get(s, &netuid);
    let mut owned: Vec<(u64, u16, AccountId32)> = OwnedHotkeys::get(s, &owner)
        .into_iter()
        .filter_map(|hk| {
            let uid = Uids::try_get(s, &netuid, &hk)?;
            Some((BlockAtRegistration::get(s, &netuid, &uid), uid, hk))
        })
        .collect();
    owned.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let limit = usize::from(ImmuneOwnerUidsLimit::get(s, &netuid));
    owned.truncate(limit);
    let mut immune: Vec<(u16, AccountId32)> =
        owned.into_iter().map(|(_, uid, hk)| (uid, hk)).collect();
    if let Some(owner_hk) = SubnetOwnerHotkey::try_get(s, &netuid)
        && let Some(uid) = Uids::try_get(s, &netuid, &owner_hk)
        && !immune.contains(&(uid, owner_hk))
    {
        immune.insert(0, (uid, owner_hk));
        immune.truncate(limit);
    }
    immune.into_iter().map(|(_, hk)| hk).collect()
}

/// The uid a registration on the full subnet `netuid` replaces at `now`, if any: the lowest
/// emission (then earliest registration, then lowest uid) among non-immune neurons while more
/// than `MinNonImmuneUids` of them exist, else among immune ones; never an immortal owner key.
pub fn neuron_to_prune(s: &Storage, netuid: NetUid, now: u64) -> Option<u16> {
    let n = SubnetworkN::get(s, &netuid);
    let immortal = immune_owner_hotkeys(s, netuid);
    let emission = Emission::get(s, &netuid);
    let mut free: u16 = 0;
    // Candidates ordered by (emission, registration block, uid): the smallest is pruned.
    let mut best_free: Option<(u64, u64, u16)> = None;
    let mut best_immune: Option<(u64, u64, u16)> = None;
    for uid in 0..n {
        let Some(hk) = Keys::try_get(s, &netuid, &uid) else {
            continue;
        };
        if immortal.contains(&hk) {
            continue;
        }
        let key = (
            emission.get(usize::from(uid)).copied().unwrap_or(0),
            BlockAtRegistration::get(s, &netuid, &uid),
            uid,
        );
        let best = if is_immune(s, netuid, uid, now) {
            &mut best_immune
        } else {
            free = free.saturating_add(1);
            &mut best_free
        };
        if best.is_none_or(|b| key < b) {
            *best = Some(key);
        }
    }
    if free > MinNonImmuneUids::get(s, &netuid)
        && let Some((_, _, uid)) = best_free
    {
        return Some(uid);
    }
    best_immune.map(|(_, _, uid)| uid)
}

/// Resets a uid's scores and removes its weights and bonds; weights pointing at it become 0.
pub fn clear_neuron(s: &mut Storage, netuid: NetUid, uid: u16) {
    let i = usize::from(uid);
    let zero_at = |v: &mut Vec<u16>| {
        if let Some(c) = v.get_mut(i) {
            *c = 0;
        }
    };
    let mut emission = Emission::get(s, &netuid);
    if let Some(c) = emission.get_mut(i) {
        *c = 0;
    }
    Emission::insert(s, &netuid, &emission);
    for item in [
        Consensus::key(&netuid),
        Dividends::key(&netuid),
        StakeWeight::key(&netuid),
        ValidatorTrust::key(&netuid),
    ] {
        let mut v: Vec<u16> =
            crate::storage::decode_or_none(&item, s.get(&item)).unwrap_or_default();
        zero_at(&mut v);
        s.set(item, codec::Encode::encode(&v));
    }
    for mecid in 0..MechanismCountCurrent::get(s, &netuid) {
        let index = mechanism_index(netuid, mecid);
        let mut incentive = Incentive::get(s, &index);
        zero_at(&mut incentive);
        Incentive::insert(s, &index, &incentive);
        Bonds::remove(s, &index, &uid);
        Weights::remove(s, &index, &uid);
        for (row_uid, mut row) in Weights::iter_prefix(s, &index) {
            if row.iter().any(|(j, _)| *j == uid) {
                for (j, w) in row.iter_mut() {
                    if *j == uid {
                        *w = 0;
                    }
                }
                Weights::insert(s, &index, &row_uid, &row);
            }
        }
    }
    let mut permits = ValidatorPermit::get(s, &netuid);
    if let Some(p) = permits.get_mut(i) {
        *p = false;
    }
    ValidatorPermit::insert(s, &netuid, &permits);
}

/// Puts `hotkey` at `uid` in place of its current neuron (never the owner hotkey's uid).
pub fn replace_neuron(s: &mut Storage, netuid: NetUid, uid: u16, hotkey: &AccountId32, now: u64) {
    let old = Keys::get(s, &netuid, &uid);
    if SubnetOwnerHotkey::try_get(s, &netuid) == Some(old) {
        return;
    }
    Uids::remove(s, &netuid, &old);
    IsNetworkMember::remove(s, &old, &netuid);
    let mut active = Active::get(s, &netuid);
    if let Some(a) = active.get_mut(usize::from(uid)) {
        *a = true;
    }
    Active::insert(s, &netuid, &active);
    Keys::insert(s, &netuid, &uid, hotkey);
    Uids::insert(s, &netuid, hotkey, &uid);
    BlockAtRegistration::insert(s, &netuid, &uid, &now);
    IsNetworkMember::insert(s, hotkey, &netuid, &true);
    super::serving::clear_endpoints(s, netuid, &old);
    clear_neuron(s, netuid, uid);
    for mecid in 0..MechanismCountCurrent::get(s, &netuid) {
        let index = mechanism_index(netuid, mecid);
        let mut last = LastUpdate::get(s, &index);
        if let Some(c) = last.get_mut(usize::from(uid)) {
            *c = now;
        }
        LastUpdate::insert(s, &index, &last);
    }
}

/// `burned_register(netuid, hotkey)` signed by `coldkey` at block `now`. Returns the uid.
///
/// Must run inside a storage transaction (dispatch does): a failure after the payment leaves
/// partial writes that the transaction drops.
pub fn burned_register(
    s: &mut Storage,
    now: u64,
    coldkey: &AccountId32,
    netuid: NetUid,
    hotkey: &AccountId32,
    events: &mut Vec<Event>,
) -> Result<u16, Error> {
    if netuid.is_root() {
        return Err(Error::RegistrationNotPermittedOnRootSubnet);
    }
    if !NetworksAdded::get(s, &netuid) {
        return Err(Error::SubnetNotExists);
    }
    if !NetworkRegistrationAllowed::get(s, &netuid) {
        return Err(Error::SubNetRegistrationDisabled);
    }
    if Uids::contains_key(s, &netuid, hotkey) {
        return Err(Error::HotKeyAlreadyRegisteredInSubNet);
    }
    let cost = Burn::get(s, &netuid);
    if spendable(s, coldkey) < cost {
        return Err(Error::NotEnoughBalanceToStake);
    }
    create_account_if_non_existent(s, coldkey, hotkey)?;
    if Owner::get(s, hotkey) != *coldkey {
        return Err(Error::NonAssociatedColdKey);
    }
    let max_uids = MaxAllowedUids::get(s, &netuid);
    if max_uids == 0 {
        return Err(Error::NoNeuronIdAvailable);
    }
    let n = SubnetworkN::get(s, &netuid);
    let prune = if n >= max_uids {
        Some(neuron_to_prune(s, netuid, now).ok_or(Error::NoNeuronIdAvailable)?)
    } else {
        None
    };
    let paid = pay_into_subnet(s, coldkey, netuid, cost)?;
    let bought = swap_tao_for_alpha(s, netuid, paid, limit_price(MAX_PRICE), false)?;
    // The bought alpha is destroyed: it leaves the pool but nobody holds it.
    let alpha_out = SubnetAlphaOut::get(s, &netuid).saturating_sub(bought.alpha_out);
    SubnetAlphaOut::insert(s, &netuid, &alpha_out);
    let uid = match prune {
        Some(uid) => {
            replace_neuron(s, netuid, uid, hotkey, now);
            uid
        }
        None => append_neuron(s, netuid, hotkey, now),
    };
    let burn = super::costs::burn_after_registration(
        cost,
        BurnIncreaseMult::get(s, &netuid),
        MinBurn::get(s, &netuid),
        MaxBurn::get(s, &netuid),
    );
    Burn::insert(s, &netuid, &burn);
    let regs = RegistrationsThisBlock::get(s, &netuid).saturating_add(1);
    RegistrationsThisBlock::insert(s, &netuid, &regs);
    let recycled = RAORecycledForRegistration::get(s, &netuid).saturating_add(cost);
    RAORecycledForRegistration::insert(s, &netuid, &recycled);
    events.push(Event::NeuronRegistered(netuid, uid, *hotkey));
    Ok(uid)
}

// ---- Registration with a price limit -------------------------------------------------------------------
/// `register_limit(netuid, hotkey, limit_price)` signed by `coldkey` at block `now`: a burned
/// registration refused with `RegistrationPriceLimitExceeded` when the burn exceeds
/// `limit_price` (rao). Returns the uid.
pub fn register_limit(
    s: &mut Storage,
    now: u64,
    coldkey: &AccountId32,
    netuid: NetUid,
    hotkey: &AccountId32,
    limit_price_rao: u64,
    events: &mut Vec<Event>,
) -> Result<u16, DispatchError> {
    if netuid.is_root() {
        return Err(Error::RegistrationNotPermittedOnRootSubnet.into());
    }
    if !NetworksAdded::get(s, &netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    if Burn::get(s, &netuid) > limit_price_rao {
        return Err(Error::RegistrationPriceLimitExceeded.into());
    }
    Ok(burned_register(s, now, coldkey, netuid, hotkey, events)?)
}

/// Adds `hotkey` at the next uid of `netuid` (subtensor's `append_neuron`). Returns the uid.
pub fn append_neuron(s: &mut Storage, netuid: NetUid, hotkey: &AccountId32, block: u64) -> u16 {
    let uid = SubnetworkN::get(s, &netuid);
    SubnetworkN::insert(s, &netuid, &uid.saturating_add(1));
    push(s, Active::key(&netuid), true);
    push(s, Emission::key(&netuid), 0u64);
    push(s, Consensus::key(&netuid), 0u16);
    for mecid in 0..MechanismCountCurrent::get(s, &netuid) {
        let index = mechanism_index(netuid, mecid);
        push(s, Incentive::key(&index), 0u16);
        let mut last = LastUpdate::get(s, &index);
        if last.len() <= usize::from(uid) {
            last.resize(usize::from(uid).saturating_add(1), 0);
        }
        if let Some(cell) = last.get_mut(usize::from(uid)) {
            *cell = block;
        }
        LastUpdate::insert(s, &index, &last);
    }
    push(s, Dividends::key(&netuid), 0u16);
    push(s, ValidatorTrust::key(&netuid), 0u16);
    push(s, ValidatorPermit::key(&netuid), false);
    Keys::insert(s, &netuid, &uid, hotkey);
    Uids::insert(s, &netuid, hotkey, &uid);
    BlockAtRegistration::insert(s, &netuid, &uid, &block);
    IsNetworkMember::insert(s, hotkey, &netuid, &true);
    uid
}

/// Appends `value` to the SCALE vector stored at `key`.
fn push<T: codec::Codec>(s: &mut Storage, key: Vec<u8>, value: T) {
    let mut v: Vec<T> = crate::storage::decode_or_none(&key, s.get(&key)).unwrap_or_default();
    v.push(value);
    s.set(key, v.encode());
}

storage_map!(/// Most registrations per block.
    "SubtensorModule", MaxRegistrationsPerBlock: Identity(NetUid) => u16 = 1);

storage_map!(/// Registrations targeted per interval (root admits three times as many per epoch).
    "SubtensorModule", TargetRegistrationsPerInterval: Identity(NetUid) => u16 = 2);

storage_map!(/// Registrations in the current interval (root's resets at each root epoch).
    "SubtensorModule", RegistrationsThisInterval: Identity(NetUid) => u16 = 0);

/// The root take every root member starts with (18 %).
pub const ROOT_MEMBER_TAKE: u16 = 11_796;

// ---- Root registration ------------------------------------------------------------------------------
/// `root_register(hotkey)` signed by `coldkey` at `now`: puts `hotkey` on root. Returns its uid.
///
/// Checks in subtensor's order: root exists (`RootNetworkDoesNotExist`), fewer than
/// `MaxRegistrationsPerBlock[0]` root registrations this block (`TooManyRegistrationsThisBlock`)
/// and fewer than three times `TargetRegistrationsPerInterval[0]` this interval
/// (`TooManyRegistrationsThisInterval`), the hotkey not on root yet
/// (`HotKeyAlreadyRegisteredInSubNet`). The hotkey is associated with the coldkey if it has no
/// owner (an owned hotkey is registered whoever its owner is, as in subtensor). A full root
/// replaces the member with the least root stake (the first such uid in key order), only if the
/// newcomer has strictly more (`StakeTooLowForRoot`). Members become delegates at 18 % unless
/// they already have a take. Must run inside a storage transaction (dispatch does).
pub fn root_register(
    s: &mut Storage,
    now: u64,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    events: &mut Vec<Event>,
) -> Result<u16, Error> {
    let root = NetUid::ROOT;
    if !NetworksAdded::get(s, &root) {
        return Err(Error::RootNetworkDoesNotExist);
    }
    if RegistrationsThisBlock::get(s, &root) >= MaxRegistrationsPerBlock::get(s, &root) {
        return Err(Error::TooManyRegistrationsThisBlock);
    }
    let interval_cap = TargetRegistrationsPerInterval::get(s, &root).saturating_mul(3);
    if RegistrationsThisInterval::get(s, &root) >= interval_cap {
        return Err(Error::TooManyRegistrationsThisInterval);
    }
    if Uids::contains_key(s, &root, hotkey) {
        return Err(Error::HotKeyAlreadyRegisteredInSubNet);
    }
    create_account_if_non_existent(s, coldkey, hotkey)?;
    let members = SubnetworkN::get(s, &root);
    let uid = if members < MaxAllowedUids::get(s, &root) {
        append_neuron(s, root, hotkey, now)
    } else {
        let mut lowest: Option<(u64, u16)> = None;
        for (uid, member) in Keys::iter_prefix(s, &root) {
            let stake = TotalHotkeyAlpha::get(s, &member, &root);
            if lowest.is_none_or(|(low, _)| stake < low) {
                lowest = Some((stake, uid));
            }
        }
        let (lowest_stake, lowest_uid) = lowest.unwrap_or((u64::MAX, 0));
        if !Keys::contains_key(s, &root, &lowest_uid) {
            return Err(Error::HotKeyNotRegisteredInSubNet);
        }
        if lowest_stake >= TotalHotkeyAlpha::get(s, hotkey, &root) {
            return Err(Error::StakeTooLowForRoot);
        }
        replace_neuron(s, root, lowest_uid, hotkey, now);
        lowest_uid
    };
    if !Delegates::contains_key(s, hotkey) {
        Delegates::insert(s, hotkey, &ROOT_MEMBER_TAKE);
    }
    let interval = RegistrationsThisInterval::get(s, &root).saturating_add(1);
    RegistrationsThisInterval::insert(s, &root, &interval);
    let block = RegistrationsThisBlock::get(s, &root).saturating_add(1);
    RegistrationsThisBlock::insert(s, &root, &block);
    events.push(Event::NeuronRegistered(root, uid, *hotkey));
    Ok(uid)
}

#[cfg(test)]
mod tests;
