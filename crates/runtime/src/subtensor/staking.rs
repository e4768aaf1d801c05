//! Staking: `add_stake` and `remove_stake` through a subnet's pool. Source:
//! `spec/economy.md` §3.3–§3.4.
//!
//! Staking moves the coldkey's TAO into the subnet account, buys alpha with it in the pool and
//! credits that alpha to the (hotkey, coldkey) share pool; unstaking sells alpha back for TAO.
//! The swap fee goes to the block author (bought back as TAO on a sell), or is burned when the
//! block has none. On the root subnet (a stable pool) TAO is staked 1:1 without a fee.

use super::errors::Error;
use super::events::Event;
use super::neurons::SubnetVolume;
use super::shares::stake_of;
use super::stake_ops::{
    clear_small_nomination_if_required, ensure_add_stake_input_within_swap_limit,
    ensure_remove_stake_input_within_swap_limit, stake_into_subnet, unstake_from_subnet,
    validate_add_stake, validate_remove_stake,
};
use super::storage::*;
use super::subnets::pool;
use crate::storage::Storage;
use crate::swap::{MAX_PRICE, MIN_PRICE, Side};
use crate::swap::{PalSwapInitialized, SwapBalancer};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

/// The smallest stake: 0.002 TAO.
pub const DEFAULT_MIN_STAKE: u64 = 2_000_000;
/// Where burned TAO goes: `"modl" ++ "burntnsr"`, zero-padded.
pub fn burn_account() -> AccountId32 {
    let mut bytes = [0u8; 32];
    for (dst, src) in bytes.iter_mut().zip(b"modlburntnsr".iter()) {
        *dst = *src;
    }
    AccountId32(bytes)
}

/// A limit price given in rao per alpha (as calls carry it) as TAO per alpha.
pub fn limit_price(rao_per_alpha: u64) -> U64F64 {
    U64F64::saturating_from_num(rao_per_alpha)
        .checked_div(U64F64::saturating_from_num(1_000_000_000u64))
        .unwrap_or_default()
}

fn persist_balancer(s: &mut Storage, netuid: NetUid, balancer: &crate::swap::Balancer) {
    if SubnetMechanism::get(s, &netuid) == 1 && !PalSwapInitialized::get(s, &netuid) {
        SwapBalancer::insert(s, &netuid, balancer);
        PalSwapInitialized::insert(s, &netuid, &true);
    }
}

/// Sells `alpha` into the pool: `SubnetAlphaIn += in`, `SubnetAlphaOut −= in`,
/// `SubnetTAO −= out`, `TotalStake −= out`, `SubnetVolume += out` (subtensor's
/// `swap_alpha_for_tao`).
pub(crate) fn swap_alpha_for_tao(
    s: &mut Storage,
    netuid: NetUid,
    alpha: u64,
    limit: U64F64,
    drop_fees: bool,
) -> Result<crate::swap::SwapResult, Error> {
    let r = pool(s, netuid).swap(Side::Sell, alpha, limit, drop_fees)?;
    persist_balancer(s, netuid, &r.balancer);
    let alpha_in = SubnetAlphaIn::get(s, &netuid).saturating_add(r.paid_in);
    SubnetAlphaIn::insert(s, &netuid, &alpha_in);
    let alpha_out = SubnetAlphaOut::get(s, &netuid).saturating_sub(r.paid_in);
    SubnetAlphaOut::insert(s, &netuid, &alpha_out);
    let tao = SubnetTAO::get(s, &netuid).saturating_sub(r.paid_out);
    SubnetTAO::insert(s, &netuid, &tao);
    let stake = TotalStake::get(s).saturating_sub(r.paid_out);
    TotalStake::put(s, &stake);
    let volume = SubnetVolume::get(s, &netuid).saturating_add(u128::from(r.paid_out));
    SubnetVolume::insert(s, &netuid, &volume);
    Ok(r)
}

/// `add_stake(hotkey, netuid, tao)` signed by `coldkey`; `author` is the block author, who
/// receives the swap fee. Returns the alpha staked.
pub fn add_stake(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, Error> {
    ensure_add_stake_input_within_swap_limit(s, netuid, tao)?;
    validate_add_stake(s, coldkey, hotkey, netuid, tao, tao, false)?;
    stake_into_subnet(
        s,
        coldkey,
        hotkey,
        netuid,
        tao,
        limit_price(MAX_PRICE),
        false,
        author,
        events,
    )
}

/// `remove_stake(hotkey, netuid, alpha)` signed by `coldkey` (at most the stake held is
/// removed). Returns the TAO received.
pub fn remove_stake(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, Error> {
    if !SubtokenEnabled::get(s, &netuid) {
        return Err(Error::SubtokenDisabled);
    }
    let alpha = alpha.min(stake_of(s, hotkey, coldkey, netuid));
    ensure_remove_stake_input_within_swap_limit(s, netuid, alpha)?;
    validate_remove_stake(s, coldkey, hotkey, netuid, alpha, alpha, false)?;
    let tao = unstake_from_subnet(
        s,
        coldkey,
        hotkey,
        netuid,
        alpha,
        limit_price(MIN_PRICE),
        false,
        author,
        events,
    )?;
    clear_small_nomination_if_required(s, hotkey, coldkey, netuid, author, events);
    Ok(tao)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balances;
    use crate::subtensor::subnets::start_call;
    use crate::test_support::{TAO, acct, funded};

    fn subnet() -> (Storage, NetUid) {
        let mut s = funded(&[(1, 2_000 * TAO), (10, 100 * TAO)]);
        let netuid = crate::test_support::subnet(&mut s, false);
        (s, netuid)
    }

    #[test]
    fn stake_and_unstake_round_trip_through_the_pool() {
        let (mut s, netuid) = subnet();
        let mut ev = Vec::new();
        assert_eq!(
            add_stake(&mut s, &acct(10), &acct(2), netuid, 10 * TAO, None, &mut ev),
            Err(Error::SubtokenDisabled)
        );
        start_call(&mut s, 2, &acct(1), netuid, &mut Vec::new()).unwrap();
        let issuance = balances::total_issuance(&s);
        let alpha = add_stake(
            &mut s,
            &acct(10),
            &acct(2),
            netuid,
            10 * TAO,
            Some(&acct(99)),
            &mut ev,
        )
        .unwrap();
        // 10 TAO into a 1 000/1 000 pool: a little under 10 alpha (price impact and fee).
        assert!(alpha < 10 * TAO && alpha > 9_890_000_000, "{alpha}");
        assert_eq!(stake_of(&s, &acct(2), &acct(10), netuid), alpha);
        assert_eq!(TotalHotkeyAlpha::get(&s, &acct(2), &netuid), alpha);
        assert_eq!(balances::free_balance(&s, &acct(10)), 90 * TAO);
        // The fee went to the author; no TAO was created or destroyed.
        let fee = balances::free_balance(&s, &acct(99));
        assert_eq!(fee, 10 * TAO * 33 / 65_535);
        assert_eq!(balances::total_issuance(&s), issuance);
        assert_eq!(StakingHotkeys::get(&s, &acct(10)), vec![acct(2)]);
        // Unstake everything (asking for more is clamped to the stake).
        let tao = remove_stake(
            &mut s,
            &acct(10),
            &acct(2),
            netuid,
            u64::MAX,
            Some(&acct(99)),
            &mut ev,
        )
        .unwrap();
        assert!(tao < 10 * TAO && tao > 9_980_000_000, "{tao}");
        assert_eq!(stake_of(&s, &acct(2), &acct(10), netuid), 0);
        assert_eq!(balances::free_balance(&s, &acct(10)), 90 * TAO + tao);
        assert_eq!(balances::total_issuance(&s), issuance);
        assert!(matches!(ev.last(), Some(Event::StakeRemoved(_, _, t, _, _, _)) if *t == tao));
    }

    #[test]
    fn refusals() {
        let (mut s, netuid) = subnet();
        start_call(&mut s, 2, &acct(1), netuid, &mut Vec::new()).unwrap();
        let ev = &mut Vec::new();
        assert_eq!(
            add_stake(&mut s, &acct(10), &acct(2), netuid, 1_000, None, ev),
            Err(Error::AmountTooLow)
        );
        assert_eq!(
            add_stake(&mut s, &acct(10), &acct(2), netuid, 200 * TAO, None, ev),
            Err(Error::NotEnoughBalanceToStake)
        );
        assert_eq!(
            add_stake(&mut s, &acct(10), &acct(77), netuid, TAO, None, ev),
            Err(Error::HotKeyAccountNotExists)
        );
        assert_eq!(
            remove_stake(&mut s, &acct(10), &acct(2), netuid, TAO, None, ev),
            Err(Error::AmountTooLow)
        );
        assert_eq!(
            add_stake(&mut s, &acct(10), &acct(2), NetUid(9), TAO, None, ev),
            Err(Error::SubnetNotExists)
        );
    }
}
