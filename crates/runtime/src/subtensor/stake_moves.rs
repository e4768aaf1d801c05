//! Moving stake between hotkeys, coldkeys and subnets: `move_stake`, `transfer_stake`,
//! `swap_stake` and `swap_stake_limit`, one transition each (subtensor's
//! `transition_stake_internal`).
//!
//! Moving stake within one subnet only moves shares: no swap, no fee, the value at the spot
//! price must reach the minimum stake. Across subnets the alpha is sold for TAO and the TAO
//! staked on the other side; only one side pays a swap fee (the sell, unless it is root's, whose
//! pool is fee-free anyway, in which case the buy pays).

use super::Ctx;
use super::errors::Error;
use super::events::Event;
use super::storage::*;
use crate::balances::{self, Existence};
use crate::storage::Storage;
use crate::storage_map;
use crate::support::DispatchError;
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

use super::coinbase::increase_stake_for_hotkey_and_coldkey;
use super::delegation::{hotkey_account_exists, maybe_become_delegate};
use super::pool::{get_max_amount_move, limit_price, pool, sim_swap};
use super::shares::stake_of;
use super::staking::{
    DEFAULT_MIN_STAKE, decrease_stake, stake_into_subnet, subnet_exists, unstake_from_subnet,
};
use crate::swap::{MAX_PRICE, MIN_PRICE, Side};

storage_map!(/// Whether stake on the subnet may be given to another coldkey.
    "SubtensorModule", TransferToggle: Identity(NetUid) => bool = true);

/// Moves TAO between coldkeys; the sender may be reaped (subtensor's `transfer_tao`).
pub(crate) fn transfer_tao(
    s: &mut Storage,
    from: &AccountId32,
    to: &AccountId32,
    amount: u64,
) -> Result<(), DispatchError> {
    if amount > balances::free_balance(s, from) {
        return Err(Error::InsufficientBalance.into());
    }
    balances::transfer(s, from, to, amount, Existence::AllowDeath, &mut Vec::new())?;
    Ok(())
}

// ---- Moving stake ----------------------------------------------------------------------------------
/// A stake transition: from (origin coldkey, origin hotkey, origin netuid) to the destination.
#[derive(Clone, Copy, Debug)]
struct Transition<'a> {
    origin_coldkey: &'a AccountId32,
    destination_coldkey: &'a AccountId32,
    origin_hotkey: &'a AccountId32,
    destination_hotkey: &'a AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    /// Some for `swap_stake_limit`.
    limit_price: Option<u64>,
    /// Some for `swap_stake_limit`.
    allow_partial: Option<bool>,
    /// `transfer_stake` needs `TransferToggle` on both subnets.
    check_transfer_toggle: bool,
}

impl Transition<'_> {
    fn cross_subnet(&self) -> bool {
        self.origin_netuid != self.destination_netuid
    }
}

/// Subtensor's `validate_stake_transition`.
fn validate_stake_transition(
    s: &Storage,
    t: &Transition<'_>,
    alpha: u64,
    max_amount: u64,
) -> Result<(), Error> {
    if t.origin_coldkey == t.destination_coldkey
        && t.origin_hotkey == t.destination_hotkey
        && !t.cross_subnet()
    {
        return Err(Error::SameNetuid);
    }
    if !subnet_exists(s, t.origin_netuid)
        || (t.cross_subnet() && !subnet_exists(s, t.destination_netuid))
    {
        return Err(Error::SubnetNotExists);
    }
    if !SubtokenEnabled::get(s, &t.origin_netuid) || !SubtokenEnabled::get(s, &t.destination_netuid)
    {
        return Err(Error::SubtokenDisabled);
    }
    if !hotkey_account_exists(s, t.origin_hotkey) || !hotkey_account_exists(s, t.destination_hotkey)
    {
        return Err(Error::HotKeyAccountNotExists);
    }
    if alpha > stake_of(s, t.origin_hotkey, t.origin_coldkey, t.origin_netuid) {
        return Err(Error::NotEnoughStakeToWithdraw);
    }
    if t.cross_subnet() {
        let tao = sim_swap(s, t.origin_netuid, Side::Sell, alpha)
            .map(|r| r.paid_out)
            .map_err(|_| Error::InsufficientLiquidity)?;
        if tao <= DEFAULT_MIN_STAKE {
            return Err(Error::AmountTooLow);
        }
        if t.allow_partial == Some(false) && alpha > max_amount {
            return Err(Error::SlippageTooHigh);
        }
    }
    if t.check_transfer_toggle
        && (!TransferToggle::get(s, &t.origin_netuid)
            || (t.cross_subnet() && !TransferToggle::get(s, &t.destination_netuid)))
    {
        return Err(Error::TransferDisallowed);
    }
    Ok(())
}

/// Moves shares within one subnet (no swap, no fee); the value at the spot price must reach the
/// minimum stake. Emits `StakeRemoved` and `StakeAdded` with that value and no fee. Returns the
/// value in TAO.
fn transfer_stake_within_subnet(
    cx: &mut Ctx<'_>,
    t: &Transition<'_>,
    alpha: u64,
) -> Result<u64, Error> {
    let netuid = t.origin_netuid;
    // Moving shares does not move the price, so the value can be checked first.
    let tao = pool(cx.s, netuid)
        .price()
        .saturating_mul(U64F64::saturating_from_num(alpha))
        .saturating_to_num::<u64>();
    if tao < DEFAULT_MIN_STAKE {
        return Err(Error::AmountTooLow);
    }
    decrease_stake(cx.s, t.origin_hotkey, t.origin_coldkey, netuid, alpha);
    increase_stake_for_hotkey_and_coldkey(
        cx.s,
        t.destination_hotkey,
        t.destination_coldkey,
        netuid,
        alpha,
    );
    cx.events.push(Event::StakeRemoved(
        *t.origin_coldkey,
        *t.origin_hotkey,
        tao,
        alpha,
        netuid,
        0,
    ));
    cx.events.push(Event::StakeAdded(
        *t.destination_coldkey,
        *t.destination_hotkey,
        tao,
        alpha,
        netuid,
        0,
    ));
    Ok(tao)
}

/// Subtensor's `transition_stake_internal`: clamps `alpha` to the stake held, cuts it to the
/// limit's maximum, validates, then moves shares (same subnet) or sells on the origin and buys
/// on the destination (the buy is skipped when the sale paid less than the minimum stake; the
/// TAO then stays with the destination coldkey). Returns the TAO value moved.
fn transition_stake(
    cx: &mut Ctx<'_>,
    t: &Transition<'_>,
    alpha: u64,
) -> Result<u64, DispatchError> {
    let alpha = alpha.min(stake_of(
        cx.s,
        t.origin_hotkey,
        t.origin_coldkey,
        t.origin_netuid,
    ));
    let max_amount = match t.limit_price {
        Some(limit) if t.cross_subnet() => {
            get_max_amount_move(cx.s, t.origin_netuid, t.destination_netuid, limit)?
        }
        _ => alpha,
    };
    validate_stake_transition(cx.s, t, alpha, max_amount)?;
    let amount = alpha.min(max_amount);
    if !t.cross_subnet() {
        return Ok(transfer_stake_within_subnet(cx, t, amount)?);
    }
    // Only one side pays a swap fee: the sell, unless it is root's (fee-free anyway).
    let drop_fee_origin = t.origin_netuid.is_root();
    let tao = unstake_from_subnet(
        cx,
        t.origin_coldkey,
        t.origin_hotkey,
        t.origin_netuid,
        amount,
        limit_price(MIN_PRICE),
        drop_fee_origin,
    )?;
    if t.origin_coldkey != t.destination_coldkey {
        transfer_tao(cx.s, t.origin_coldkey, t.destination_coldkey, tao)?;
    }
    if tao >= DEFAULT_MIN_STAKE {
        if Owner::get(cx.s, t.destination_hotkey) != *t.destination_coldkey {
            maybe_become_delegate(cx.s, t.destination_hotkey);
        }
        stake_into_subnet(
            cx,
            t.destination_coldkey,
            t.destination_hotkey,
            t.destination_netuid,
            tao,
            limit_price(MAX_PRICE),
            !drop_fee_origin,
        )?;
    }
    Ok(tao)
}

/// `move_stake(origin_hotkey, destination_hotkey, origin_netuid, destination_netuid,
/// alpha_amount)` signed by `coldkey`: moves its stake to another hotkey and/or subnet. Emits
/// `StakeMoved` with the TAO value moved.
pub fn move_stake(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    origin_hotkey: &AccountId32,
    destination_hotkey: &AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    alpha: u64,
) -> Result<u64, DispatchError> {
    let t = Transition {
        origin_coldkey: coldkey,
        destination_coldkey: coldkey,
        origin_hotkey,
        destination_hotkey,
        origin_netuid,
        destination_netuid,
        limit_price: None,
        allow_partial: None,
        check_transfer_toggle: false,
    };
    let tao = transition_stake(cx, &t, alpha)?;
    cx.events.push(Event::StakeMoved(
        *coldkey,
        *origin_hotkey,
        origin_netuid,
        *destination_hotkey,
        destination_netuid,
        tao,
    ));
    Ok(tao)
}

/// `transfer_stake(destination_coldkey, hotkey, origin_netuid, destination_netuid,
/// alpha_amount)` signed by `coldkey`: gives its stake on `hotkey` to another coldkey (on the
/// same or another subnet). Needs `TransferToggle` on both subnets. Emits `StakeTransferred`.
pub fn transfer_stake(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    destination_coldkey: &AccountId32,
    hotkey: &AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    alpha: u64,
) -> Result<u64, DispatchError> {
    let t = Transition {
        origin_coldkey: coldkey,
        destination_coldkey,
        origin_hotkey: hotkey,
        destination_hotkey: hotkey,
        origin_netuid,
        destination_netuid,
        limit_price: None,
        allow_partial: None,
        check_transfer_toggle: true,
    };
    let tao = transition_stake(cx, &t, alpha)?;
    cx.events.push(Event::StakeTransferred(
        *coldkey,
        *destination_coldkey,
        *hotkey,
        origin_netuid,
        destination_netuid,
        tao,
    ));
    Ok(tao)
}

/// `swap_stake(hotkey, origin_netuid, destination_netuid, alpha_amount)` signed by `coldkey`
/// (and `swap_stake_limit` with `limit = Some((limit_price, allow_partial))`): moves its stake on
/// `hotkey` to another subnet. Emits `StakeSwapped`.
pub fn swap_stake(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    alpha: u64,
    limit: Option<(u64, bool)>,
) -> Result<u64, DispatchError> {
    let t = Transition {
        origin_coldkey: coldkey,
        destination_coldkey: coldkey,
        origin_hotkey: hotkey,
        destination_hotkey: hotkey,
        origin_netuid,
        destination_netuid,
        limit_price: limit.map(|(price, _)| price),
        allow_partial: limit.map(|(_, partial)| partial),
        check_transfer_toggle: false,
    };
    let tao = transition_stake(cx, &t, alpha)?;
    cx.events.push(Event::StakeSwapped(
        *coldkey,
        *hotkey,
        origin_netuid,
        destination_netuid,
        tao,
    ));
    Ok(tao)
}
