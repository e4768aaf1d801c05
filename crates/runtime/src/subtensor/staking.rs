//! Staking and its limits: `add_stake` and `remove_stake` through a subnet's pool, their limit
//! orders (`add_stake_limit`, `remove_stake_limit`, `remove_stake_full_limit`), unstaking
//! everything (`unstake_all`, `unstake_all_alpha`), destroying alpha (`recycle_alpha`,
//! `burn_alpha`, `add_stake_burn`) and the nominator minimum. Source: `spec/economy.md`
//! §3.3–§3.4 and subtensor's `staking/` module.
//!
//! Staking moves the coldkey's TAO into the subnet account, buys alpha with it in the pool and
//! credits that alpha to the (hotkey, coldkey) share pool; unstaking sells alpha back for TAO.
//! The swap fee goes to the block author (bought back as TAO on a sell), or is burned when the
//! block has none. On the root subnet (a stable pool) TAO is staked 1:1 without a fee.
//!
//! A limit order asks the pool how much of the order it can fill before the price crosses the
//! limit ([`super::pool::get_max_amount_add`]). Without `allow_partial` an order larger than
//! that fails with `SlippageTooHigh` (fill-or-kill); with it the order is cut down to it.
//!
//! Not modelled, as elsewhere in Cortex (docs/deviations.md): conviction locks (no stake is ever
//! locked, so `StakeUnavailable` never fires), the alpha-assets pallet's issuance counters,
//! root-claim bookkeeping, TAO-flow records, `LastColdkeyHotkeyStakeBlock` and pending
//! childkeys.

use super::Ctx;
use super::coinbase::{all_netuids, increase_stake_for_hotkey_and_coldkey, recycle_subnet_alpha};
use super::delegation::{hotkey_account_exists, maybe_become_delegate};
use super::errors::Error;
use super::events::Event;
use super::pool::pay_into_subnet;
use super::pool::{
    burn_account, ensure_add_stake_input_within_swap_limit,
    ensure_remove_stake_input_within_swap_limit, get_max_amount_add, get_max_amount_remove,
    limit_price, pool, sim_swap, swap_alpha_for_tao, swap_tao_for_alpha, transfer_from_subnet,
};
use super::shares::{HotkeyPool, stake_of};
use super::storage::{NetworksAdded, Owner, SubnetAlphaOut, SubtokenEnabled};
use crate::balances::{self};
use crate::storage::Storage;
use crate::storage_value;
use crate::support::DispatchError;
use crate::swap::{MAX_PRICE, MIN_PRICE, Side};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

/// The smallest stake: 0.002 TAO.
pub const DEFAULT_MIN_STAKE: u64 = 2_000_000;

/// `add_stake(hotkey, netuid, tao)` signed by `coldkey`; `author` is the block author, who
/// receives the swap fee. Returns the alpha staked.
pub fn add_stake(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
) -> Result<u64, Error> {
    ensure_add_stake_input_within_swap_limit(cx.s, netuid, tao)?;
    validate_add_stake(cx.s, coldkey, hotkey, netuid, tao, tao, false)?;
    stake_into_subnet(
        cx,
        coldkey,
        hotkey,
        netuid,
        tao,
        limit_price(MAX_PRICE),
        false,
    )
}

/// `remove_stake(hotkey, netuid, alpha)` signed by `coldkey` (at most the stake held is
/// removed). Returns the TAO received.
pub fn remove_stake(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
) -> Result<u64, Error> {
    if !SubtokenEnabled::get(cx.s, &netuid) {
        return Err(Error::SubtokenDisabled);
    }
    let alpha = alpha.min(stake_of(cx.s, hotkey, coldkey, netuid));
    ensure_remove_stake_input_within_swap_limit(cx.s, netuid, alpha)?;
    validate_remove_stake(cx.s, coldkey, hotkey, netuid, alpha, alpha, false)?;
    unstake(cx, coldkey, hotkey, netuid, alpha, limit_price(MIN_PRICE))
}

storage_value!(/// Smallest stake a nominator (a coldkey not owning the hotkey) may keep, as millionths
    /// of the minimum stake; smaller leftovers are unstaked.
    "SubtensorModule", NominatorMinRequiredStake: u64 = 0);

/// Whether `netuid` exists (root always does on chain).
pub(crate) fn subnet_exists(s: &Storage, netuid: NetUid) -> bool {
    netuid.is_root() || NetworksAdded::get(s, &netuid)
}

/// Every subnet, root first (root is always there on chain, even where Cortex's genesis did not
/// add it).
pub(crate) fn subnet_netuids(s: &Storage) -> Vec<NetUid> {
    let mut netuids = all_netuids(s);
    if !netuids.contains(&NetUid::ROOT) {
        netuids.insert(0, NetUid::ROOT);
    }
    netuids
}

/// Removes `alpha` of `coldkey`'s stake on `hotkey`, if it holds that much.
pub(crate) fn decrease_stake(
    s: &mut Storage,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
) {
    if super::shares::alpha_v2::try_get(s, hotkey, coldkey, netuid).is_some()
        && stake_of(s, hotkey, coldkey, netuid) >= alpha
    {
        HotkeyPool::new(s, *hotkey, netuid).update_for_one(
            coldkey,
            i64::try_from(alpha).unwrap_or(i64::MAX).saturating_neg(),
        );
    }
}

/// Checks a stake of `tao` (subtensor's `validate_add_stake`): the subnet exists and is open,
/// the amount covers the minimum stake and its fee, fits `max_amount` (or is cut to it with
/// `allow_partial`), the coldkey holds it, the hotkey exists, and the simulated buy stakes at
/// least the minimum and yields shares. Writes nothing.
pub(crate) fn validate_add_stake(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
    max_amount: u64,
    allow_partial: bool,
) -> Result<(), Error> {
    if !subnet_exists(s, netuid) {
        return Err(Error::SubnetNotExists);
    }
    if !SubtokenEnabled::get(s, &netuid) {
        return Err(Error::SubtokenDisabled);
    }
    let min_fee = sim_swap(s, netuid, Side::Buy, DEFAULT_MIN_STAKE)
        .map(|r| r.fee)
        .unwrap_or_else(|_| pool(s, netuid).fee(DEFAULT_MIN_STAKE, false));
    if tao < DEFAULT_MIN_STAKE.saturating_add(min_fee) {
        return Err(Error::AmountTooLow);
    }
    let tao = if allow_partial {
        tao.min(max_amount)
    } else if tao > max_amount {
        return Err(Error::SlippageTooHigh);
    } else {
        tao
    };
    // The whole free balance counts here (the account may be left at the existential deposit
    // only when the transfer happens, which then moves a little less).
    if tao > balances::free_balance(s, coldkey) {
        return Err(Error::NotEnoughBalanceToStake);
    }
    if !hotkey_account_exists(s, hotkey) {
        return Err(Error::HotKeyAccountNotExists);
    }
    let sim = sim_swap(s, netuid, Side::Buy, tao).map_err(|_| Error::InsufficientLiquidity)?;
    if sim.paid_in < DEFAULT_MIN_STAKE {
        return Err(Error::AmountTooLow);
    }
    if sim.paid_out == 0 || !HotkeyPool::new(s, *hotkey, netuid).can_add_for_one(sim.paid_out) {
        return Err(Error::InsufficientLiquidity);
    }
    Ok(())
}

/// Stakes `tao` of `coldkey` to `hotkey` on `netuid` buying at most at `limit` (subtensor's
/// `stake_into_subnet`): moves the TAO (keeping the coldkey's existential deposit) into the
/// subnet account, buys alpha, credits it, pays the fee to `author` (burned without one) and
/// emits `StakeAdded`. Returns the alpha staked.
pub(crate) fn stake_into_subnet(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
    limit: U64F64,
    drop_fees: bool,
) -> Result<u64, Error> {
    let staked = if tao == 0 {
        0
    } else {
        match pay_into_subnet(cx.s, coldkey, netuid, tao)? {
            0 => return Err(Error::InsufficientBalance),
            paid => paid,
        }
    };
    let bought = swap_tao_for_alpha(cx.s, netuid, staked, limit, drop_fees)?;
    if bought.alpha_out == 0 {
        return Err(Error::AmountTooLow);
    }
    if !HotkeyPool::new(cx.s, *hotkey, netuid).can_add_for_one(bought.alpha_out) {
        return Err(Error::InsufficientLiquidity);
    }
    increase_stake_for_hotkey_and_coldkey(cx.s, hotkey, coldkey, netuid, bought.alpha_out);
    match cx.author {
        Some(author) => transfer_from_subnet(cx.s, netuid, &author, bought.fee)?,
        None if bought.fee > 0 => {
            // Burning the fee is best effort, as on chain.
            let _ = transfer_from_subnet(cx.s, netuid, &burn_account(), bought.fee);
        }
        None => {}
    }
    cx.events.push(Event::StakeAdded(
        *coldkey,
        *hotkey,
        staked,
        bought.alpha_out,
        netuid,
        bought.fee,
    ));
    Ok(bought.alpha_out)
}

/// Checks an unstake of `alpha` (subtensor's `validate_remove_stake`; the subtoken check is the
/// callers'): the subnet exists, the amount is non-zero and held, its simulated sale pays at
/// least the minimum stake unless it is everything, it fits `max_amount` unless
/// `allow_partial`, and the hotkey exists.
pub(crate) fn validate_remove_stake(
    s: &Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    max_amount: u64,
    allow_partial: bool,
) -> Result<(), Error> {
    if !subnet_exists(s, netuid) {
        return Err(Error::SubnetNotExists);
    }
    if alpha == 0 {
        return Err(Error::AmountTooLow);
    }
    let remaining = stake_of(s, hotkey, coldkey, netuid)
        .checked_sub(alpha)
        .ok_or(Error::NotEnoughStakeToWithdraw)?;
    let sim = sim_swap(s, netuid, Side::Sell, alpha).map_err(|_| Error::InsufficientLiquidity)?;
    if remaining != 0 && sim.paid_out < DEFAULT_MIN_STAKE {
        return Err(Error::AmountTooLow);
    }
    if !allow_partial && alpha > max_amount {
        return Err(Error::SlippageTooHigh);
    }
    if !hotkey_account_exists(s, hotkey) {
        return Err(Error::HotKeyAccountNotExists);
    }
    Ok(())
}

/// Sells `alpha` of `coldkey`'s stake on `hotkey` at no less than `limit` (subtensor's
/// `unstake_from_subnet`): unswapped alpha (a limit hit) goes back to the stake, the TAO to the
/// coldkey; the fee alpha is sold again fee-free for `author`, or burned without one (it leaves
/// the stake while `SubnetAlphaOut` keeps counting it). Emits `StakeRemoved`. Returns the TAO.
pub(crate) fn unstake_from_subnet(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    limit: U64F64,
    drop_fees: bool,
) -> Result<u64, Error> {
    decrease_stake(cx.s, hotkey, coldkey, netuid, alpha);
    let r = swap_alpha_for_tao(cx.s, netuid, alpha, limit, drop_fees)?;
    let refund = alpha.saturating_sub(r.paid_in.saturating_add(r.fee));
    if refund > 0 {
        increase_stake_for_hotkey_and_coldkey(cx.s, hotkey, coldkey, netuid, refund);
    }
    transfer_from_subnet(cx.s, netuid, coldkey, r.paid_out)?;
    if let Some(author) = cx.author {
        let fee = swap_alpha_for_tao(
            cx.s,
            netuid,
            r.fee_to_block_author,
            limit_price(MIN_PRICE),
            true,
        )?;
        transfer_from_subnet(cx.s, netuid, &author, fee.paid_out)?;
    }
    cx.events.push(Event::StakeRemoved(
        *coldkey, *hotkey, r.paid_out, r.paid_in, netuid, r.fee,
    ));
    Ok(r.paid_out)
}

/// Sells `alpha` of `coldkey`'s stake on `hotkey` at no less than `limit`, then unstakes what is
/// left of a nomination that fell below the nominator minimum: the sequence every unstaking call
/// ends with. Returns the TAO received.
fn unstake(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    limit: U64F64,
) -> Result<u64, Error> {
    let tao = unstake_from_subnet(cx, coldkey, hotkey, netuid, alpha, limit, false)?;
    clear_small_nomination_if_required(cx, hotkey, coldkey, netuid);
    Ok(tao)
}

/// The smallest stake a nominator may keep, in TAO (rao): `DefaultMinStake ×
/// NominatorMinRequiredStake / 10^6`.
pub fn nominator_min_required_stake(s: &Storage) -> u64 {
    DEFAULT_MIN_STAKE
        .saturating_mul(NominatorMinRequiredStake::get(s))
        .checked_div(1_000_000)
        .unwrap_or(0)
}

/// After an unstake: a coldkey that does not own `hotkey` and is left with a non-zero stake
/// worth less than the nominator minimum (at the spot price) is unstaked completely; if that
/// sale fails, the leftover stake is simply dropped (subtensor's
/// `clear_small_nomination_if_required`, which ignores the failure but keeps its partial writes,
/// as this does).
pub(crate) fn clear_small_nomination_if_required(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
) {
    if hotkey_account_exists(cx.s, hotkey) && Owner::get(cx.s, hotkey) == *coldkey {
        return;
    }
    let stake = stake_of(cx.s, hotkey, coldkey, netuid);
    let min_alpha = U64F64::saturating_from_num(nominator_min_required_stake(cx.s))
        .checked_div(pool(cx.s, netuid).price())
        .unwrap_or_default()
        .saturating_to_num::<u64>();
    if stake > 0 && stake < min_alpha {
        let sold = unstake_from_subnet(
            cx,
            coldkey,
            hotkey,
            netuid,
            stake,
            limit_price(MIN_PRICE),
            false,
        );
        if sold.is_err() {
            let left = stake_of(cx.s, hotkey, coldkey, netuid);
            decrease_stake(cx.s, hotkey, coldkey, netuid, left);
        }
    }
}

/// `add_stake_limit(hotkey, netuid, amount_staked, limit_price, allow_partial)` signed by
/// `coldkey`: a stake that buys no higher than `limit_price` (rao per alpha). A coldkey staking
/// to a hotkey it does not own makes the hotkey a delegate. Returns the alpha staked.
pub fn add_stake_limit(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
    limit_price_rao: u64,
    allow_partial: bool,
) -> Result<u64, DispatchError> {
    ensure_add_stake_input_within_swap_limit(cx.s, netuid, tao)?;
    let max_amount = get_max_amount_add(cx.s, netuid, limit_price_rao)?;
    let possible = tao.min(max_amount);
    validate_add_stake(
        cx.s,
        coldkey,
        hotkey,
        netuid,
        tao,
        max_amount,
        allow_partial,
    )?;
    if Owner::get(cx.s, hotkey) != *coldkey {
        maybe_become_delegate(cx.s, hotkey);
    }
    Ok(stake_into_subnet(
        cx,
        coldkey,
        hotkey,
        netuid,
        possible,
        limit_price(limit_price_rao),
        false,
    )?)
}

/// `remove_stake_limit(hotkey, netuid, amount_unstaked, limit_price, allow_partial)` signed by
/// `coldkey`: an unstake that sells no lower than `limit_price`. Unlike `remove_stake` it is
/// allowed while the subtoken is disabled and does not cut the amount to the stake held.
/// Returns the TAO received.
pub fn remove_stake_limit(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    limit_price_rao: u64,
    allow_partial: bool,
) -> Result<u64, DispatchError> {
    ensure_remove_stake_input_within_swap_limit(cx.s, netuid, alpha)?;
    let max_amount = get_max_amount_remove(cx.s, netuid, limit_price_rao)?;
    let possible = alpha.min(max_amount);
    validate_remove_stake(
        cx.s,
        coldkey,
        hotkey,
        netuid,
        alpha,
        max_amount,
        allow_partial,
    )?;
    Ok(unstake(
        cx,
        coldkey,
        hotkey,
        netuid,
        possible,
        limit_price(limit_price_rao),
    )?)
}

/// `remove_stake_full_limit(hotkey, netuid, limit_price)` signed by `coldkey`: unstakes the
/// whole stake, fill-or-kill at `limit_price` if given, at market otherwise.
pub fn remove_stake_full_limit(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    limit_price_rao: Option<u64>,
) -> Result<u64, DispatchError> {
    let alpha = stake_of(cx.s, hotkey, coldkey, netuid);
    match limit_price_rao {
        Some(limit) => remove_stake_limit(cx, coldkey, hotkey, netuid, alpha, limit, false),
        None => Ok(remove_stake(cx, coldkey, hotkey, netuid, alpha)?),
    }
}

// ---- Unstaking everything ------------------------------------------------------------------------------
/// `unstake_all(hotkey)` signed by `coldkey` (`only_alpha = false`) and `unstake_all_alpha`
/// (`only_alpha = true`): sells the coldkey's whole stake on `hotkey` on every open subnet,
/// skipping subnets where the unstake would not validate; `unstake_all_alpha` leaves root alone
/// and stakes the TAO received on root for the same hotkey (which fails with `AmountTooLow`
/// when nothing was sold).
pub fn unstake_all(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    only_alpha: bool,
) -> Result<(), DispatchError> {
    if !hotkey_account_exists(cx.s, hotkey) {
        return Err(Error::HotKeyAccountNotExists.into());
    }
    let mut total_tao = 0u64;
    for netuid in subnet_netuids(cx.s) {
        if !SubtokenEnabled::get(cx.s, &netuid) || (only_alpha && netuid.is_root()) {
            continue;
        }
        let alpha = stake_of(cx.s, hotkey, coldkey, netuid);
        if validate_remove_stake(cx.s, coldkey, hotkey, netuid, alpha, alpha, false).is_err() {
            continue;
        }
        let tao = unstake(cx, coldkey, hotkey, netuid, alpha, limit_price(MIN_PRICE))?;
        total_tao = total_tao.saturating_add(tao);
    }
    if only_alpha {
        stake_into_subnet(
            cx,
            coldkey,
            hotkey,
            NetUid::ROOT,
            total_tao,
            limit_price(MAX_PRICE),
            false,
        )?;
    }
    Ok(())
}

// ---- Destroying alpha ---------------------------------------------------------------------------------
/// `recycle_alpha(hotkey, amount, netuid)` (`recycle = true`) and `burn_alpha` (`false`) signed
/// by `coldkey`: destroys up to `amount` of its own stake (never on root). Recycling lowers
/// `SubnetAlphaOut` (alpha issuance) and emits `AlphaRecycled`; burning leaves it and emits
/// `AlphaBurned`. Returns the alpha destroyed.
pub fn destroy_alpha(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    amount: u64,
    netuid: NetUid,
    recycle: bool,
) -> Result<u64, DispatchError> {
    if !subnet_exists(cx.s, netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    if netuid.is_root() {
        return Err(Error::CannotBurnOrRecycleOnRootSubnet.into());
    }
    if !SubtokenEnabled::get(cx.s, &netuid) {
        return Err(Error::SubtokenDisabled.into());
    }
    if !hotkey_account_exists(cx.s, hotkey) {
        return Err(Error::HotKeyAccountNotExists.into());
    }
    let amount = amount.min(stake_of(cx.s, hotkey, coldkey, netuid));
    if SubnetAlphaOut::get(cx.s, &netuid) < amount {
        return Err(Error::InsufficientLiquidity.into());
    }
    decrease_stake(cx.s, hotkey, coldkey, netuid, amount);
    if recycle {
        recycle_subnet_alpha(cx.s, netuid, amount);
        cx.events
            .push(Event::AlphaRecycled(*coldkey, *hotkey, amount, netuid));
    } else {
        cx.events
            .push(Event::AlphaBurned(*coldkey, *hotkey, amount, netuid));
    }
    Ok(amount)
}

/// `add_stake_burn(hotkey, netuid, amount, limit)` signed by `coldkey`: stakes `amount` TAO (a
/// fill-or-kill limit order if `limit` is given) and burns the alpha bought, emitting
/// `AddStakeBurn`. Returns the alpha burned. Must run in a storage transaction (dispatch does):
/// a failed burn undoes the stake.
pub fn add_stake_burn(
    cx: &mut Ctx<'_>,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    amount: u64,
    limit: Option<u64>,
) -> Result<u64, DispatchError> {
    let alpha = match limit {
        Some(limit) => add_stake_limit(cx, coldkey, hotkey, netuid, amount, limit, false)?,
        None => add_stake(cx, coldkey, hotkey, netuid, amount)?,
    };
    destroy_alpha(cx, coldkey, hotkey, alpha, netuid, false)?;
    cx.events.push(Event::AddStakeBurn {
        netuid,
        hotkey: *hotkey,
        amount,
        alpha,
    });
    Ok(alpha)
}

/// Unstakes every nomination (stake of a coldkey on a hotkey it does not own) worth less than
/// the nominator minimum at the subnet's current price; if the sale fails, the alpha is simply
/// removed. In storage order, as subtensor's `clear_small_nominations`.
pub fn clear_small_nominations(cx: &mut Ctx<'_>) {
    let prefix = crate::storage::__prefix("SubtensorModule", "AlphaV2");
    let keys: Vec<Vec<u8>> =
        cx.s.iter_prefix(&prefix)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
    let min_stake = U64F64::saturating_from_num(nominator_min_required_stake(cx.s));
    for key in keys {
        let Some((hotkey, coldkey, netuid)) = super::shares::alpha_v2::parse_key(&key) else {
            continue;
        };
        if Owner::try_get(cx.s, &hotkey) == Some(coldkey) {
            continue;
        }
        let alpha = stake_of(cx.s, &hotkey, &coldkey, netuid);
        let min_alpha = min_stake
            .checked_div(pool(cx.s, netuid).price())
            .unwrap_or_default()
            .saturating_to_num::<u64>();
        if alpha == 0 || alpha >= min_alpha {
            continue;
        }
        let mut ev = Vec::new();
        let (block, author) = (cx.block, cx.author);
        let sold = cx.s.transactional(|s| {
            let cx = &mut Ctx::new(s, block, author.as_ref(), &mut ev);
            unstake_from_subnet(
                cx,
                &coldkey,
                &hotkey,
                netuid,
                alpha,
                limit_price(MIN_PRICE),
                false,
            )
        });
        match sold {
            Ok(_) => cx.events.append(&mut ev),
            Err(_) => {
                let left = stake_of(cx.s, &hotkey, &coldkey, netuid);
                HotkeyPool::new(cx.s, hotkey, netuid).update_for_one(
                    &coldkey,
                    i64::try_from(left).unwrap_or(i64::MAX).saturating_neg(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
