//! Neuron registration: `burned_register` (and `register`, which does the same), uid
//! assignment, and pruning the weakest neuron of a full subnet.
//!
//! Registering costs the subnet's burn: the TAO goes into the pool to buy alpha, and the bought
//! alpha is destroyed, so registration raises the alpha price; then the burn rises by
//! `BurnIncreaseMult`. A full subnet replaces its lowest-emission neuron, sparing the owner's
//! hotkey and, while enough others are outside it, neurons still in their immunity period.
//! Source: `spec/economy.md` §5.

use super::errors::Error;
use super::events::Event;
use super::storage::*;
use super::subnets::{
    RAORecycledForRegistration, append_neuron, create_account_if_non_existent, pool, subnet_account,
};
use crate::balances::{self, Existence};
use crate::prices;
use crate::storage::Storage;
use crate::storage_map;
use crate::swap::{MAX_PRICE, Side, SwapError};
use crate::swap::{PalSwapInitialized, SwapBalancer};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

storage_map!(/// Non-immune neurons a subnet keeps before immune ones may be pruned.
    "SubtensorModule", MinNonImmuneUids: Identity(NetUid) => u16 = 10);
storage_map!(/// Registrations in the current block.
    "SubtensorModule", RegistrationsThisBlock: Identity(NetUid) => u16 = 0);
storage_map!(/// TAO swapped through each pool.
    "SubtensorModule", SubnetVolume: Identity(NetUid) => u128 = 0);

/// A refused swap, as SubtensorModule reports it. (On chain the swap pallet reports its own
/// errors; they join the runtime's error type with dispatch.)
impl From<SwapError> for Error {
    fn from(e: SwapError) -> Error {
        match e {
            SwapError::SwapInputTooLarge | SwapError::InsufficientLiquidity => {
                Error::InsufficientLiquidity
            }
            SwapError::ReservesTooLow | SwapError::ReservesOutOfBalance => {
                Error::InsufficientLiquidity
            }
            SwapError::PriceLimitExceeded => Error::SlippageTooHigh,
        }
    }
}

/// The result of buying alpha with TAO from a subnet's pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bought {
    /// TAO swapped (net of the fee).
    pub tao_in: u64,
    /// Alpha received.
    pub alpha_out: u64,
    /// Fee, in TAO.
    pub fee: u64,
}

/// Buys alpha with `tao` (already in the subnet account) at most at `limit` TAO per alpha,
/// and moves the pool: `SubnetAlphaIn −= out`, `SubnetAlphaOut += out`, `SubnetTAO += in`,
/// `TotalStake += tao`, `SubnetVolume += tao` (subtensor's `swap_tao_for_alpha`).
pub fn swap_tao_for_alpha(
    s: &mut Storage,
    netuid: NetUid,
    tao: u64,
    limit: U64F64,
    drop_fees: bool,
) -> Result<Bought, Error> {
    let p = pool(s, netuid);
    let r = p.swap(Side::Buy, tao, limit, drop_fees)?;
    if p.mechanism == 1 && !PalSwapInitialized::get(s, &netuid) {
        SwapBalancer::insert(s, &netuid, &r.balancer);
        PalSwapInitialized::insert(s, &netuid, &true);
    }
    let alpha_in = SubnetAlphaIn::get(s, &netuid).saturating_sub(r.paid_out);
    SubnetAlphaIn::insert(s, &netuid, &alpha_in);
    let alpha_out = SubnetAlphaOut::get(s, &netuid).saturating_add(r.paid_out);
    SubnetAlphaOut::insert(s, &netuid, &alpha_out);
    let reserve = SubnetTAO::get(s, &netuid).saturating_add(r.paid_in);
    SubnetTAO::insert(s, &netuid, &reserve);
    let stake = TotalStake::get(s).saturating_add(tao);
    TotalStake::put(s, &stake);
    let volume = SubnetVolume::get(s, &netuid).saturating_add(u128::from(tao));
    SubnetVolume::insert(s, &netuid, &volume);
    Ok(Bought {
        tao_in: r.paid_in,
        alpha_out: r.paid_out,
        fee: r.fee,
    })
}

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
    let spendable =
        balances::free_balance(s, coldkey).saturating_sub(balances::EXISTENTIAL_DEPOSIT);
    if spendable < cost {
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
    let paid = cost.min(spendable);
    if paid > 0 {
        balances::transfer(
            s,
            coldkey,
            &subnet_account(netuid),
            paid,
            Existence::KeepAlive,
            &mut Vec::new(),
        )
        .map_err(|_| Error::BalanceWithdrawalError)?;
    }
    let market = U64F64::saturating_from_num(MAX_PRICE)
        .checked_div(U64F64::saturating_from_num(1_000_000_000u64))
        .unwrap_or_default();
    let bought = swap_tao_for_alpha(s, netuid, paid, market, false)?;
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
    let burn = prices::burn_after_registration(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{TAO, acct, funded};

    fn subnet() -> (Storage, NetUid) {
        let mut s = funded(&[(1, 10_000 * TAO), (50, 10_000 * TAO)]);
        let netuid = crate::test_support::subnet(&mut s, true);
        (s, netuid)
    }

    #[test]
    fn registration_burns_and_raises_the_price() {
        let (mut s, netuid) = subnet();
        let price_before = pool(&s, netuid).price();
        let out_before = SubnetAlphaOut::get(&s, &netuid);
        let mut ev = Vec::new();
        let uid = burned_register(&mut s, 5, &acct(50), netuid, &acct(51), &mut ev).unwrap();
        assert_eq!(uid, 1);
        assert_eq!(balances::free_balance(&s, &acct(50)), 10_000 * TAO - TAO);
        // The burn went into the pool; the alpha it bought was destroyed.
        assert_eq!(SubnetAlphaOut::get(&s, &netuid), out_before);
        assert!(pool(&s, netuid).price() > price_before);
        assert_eq!(Burn::get(&s, &netuid), 1_260_000_000);
        assert_eq!(ev, vec![Event::NeuronRegistered(netuid, 1, acct(51))]);
        assert_eq!(Keys::get(&s, &netuid, &1), acct(51));
        assert_eq!(
            LastUpdate::get(&s, &0u16.saturating_add(netuid.0)),
            vec![1, 5]
        );
        // Twice on one subnet is refused; so is root, an unknown subnet, or too little TAO.
        assert_eq!(
            burned_register(&mut s, 5, &acct(50), netuid, &acct(51), &mut ev),
            Err(Error::HotKeyAlreadyRegisteredInSubNet)
        );
        assert_eq!(
            burned_register(&mut s, 5, &acct(50), NetUid::ROOT, &acct(52), &mut ev),
            Err(Error::RegistrationNotPermittedOnRootSubnet)
        );
        assert_eq!(
            burned_register(&mut s, 5, &acct(50), NetUid(7), &acct(52), &mut ev),
            Err(Error::SubnetNotExists)
        );
        assert_eq!(
            burned_register(&mut s, 5, &acct(60), netuid, &acct(61), &mut ev),
            Err(Error::NotEnoughBalanceToStake)
        );
        // Another coldkey's hotkey.
        assert_eq!(
            burned_register(&mut s, 5, &acct(1), netuid, &acct(51), &mut ev),
            Err(Error::HotKeyAlreadyRegisteredInSubNet)
        );
    }

    #[test]
    fn a_full_subnet_replaces_its_weakest_neuron() {
        let (mut s, netuid) = subnet();
        MaxAllowedUids::insert(&mut s, &netuid, &3);
        MinNonImmuneUids::insert(&mut s, &netuid, &0);
        ImmunityPeriod::insert(&mut s, &netuid, &10);
        for (i, hk) in [51u8, 52].into_iter().enumerate() {
            burned_register(
                &mut s,
                2 + i as u64,
                &acct(50),
                netuid,
                &acct(hk),
                &mut Vec::new(),
            )
            .unwrap();
        }
        Emission::insert(&mut s, &netuid, &vec![0, 100, 50]);
        Weights::insert(&mut s, &netuid.0, &1, &vec![(2, 65_535), (0, 10)]);
        // At block 5 everyone is immune: the weakest immune non-owner (uid 2) goes.
        assert_eq!(neuron_to_prune(&s, netuid, 5), Some(2));
        // Later, uid 2 is the weakest non-immune; the owner's uid 0 (emission 0) is never taken.
        let uid =
            burned_register(&mut s, 100, &acct(50), netuid, &acct(53), &mut Vec::new()).unwrap();
        assert_eq!(uid, 2);
        assert_eq!(Keys::get(&s, &netuid, &2), acct(53));
        assert!(Uids::try_get(&s, &netuid, &acct(52)).is_none());
        assert_eq!(BlockAtRegistration::get(&s, &netuid, &2), 100);
        // Weights pointing at the replaced uid are zeroed, not removed.
        assert_eq!(Weights::get(&s, &netuid.0, &1), vec![(2, 0), (0, 10)]);
        assert_eq!(SubnetworkN::get(&s, &netuid), 3);
    }

    #[test]
    fn owner_keys_are_immortal() {
        let (mut s, netuid) = subnet();
        // The owner registers a second hotkey; with the limit at 1 only the owner hotkey is kept.
        burned_register(&mut s, 3, &acct(1), netuid, &acct(3), &mut Vec::new()).unwrap();
        assert_eq!(immune_owner_hotkeys(&s, netuid), vec![acct(2)]);
        ImmuneOwnerUidsLimit::insert(&mut s, &netuid, &2);
        assert_eq!(immune_owner_hotkeys(&s, netuid), vec![acct(2), acct(3)]);
    }
}
