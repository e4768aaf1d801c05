//! Stake operations: the pieces every staking call is made of (validating and executing a stake
//! into or out of a subnet's pool), limit orders (`add_stake_limit`, `remove_stake_limit`,
//! `swap_stake_limit`, `remove_stake_full_limit`), moving stake between hotkeys, coldkeys and
//! subnets (`move_stake`, `transfer_stake`, `swap_stake`), unstaking everything (`unstake_all`,
//! `unstake_all_alpha`), destroying alpha (`recycle_alpha`, `burn_alpha`, `add_stake_burn`) and
//! `register_limit`. Source: `spec/economy.md` §3.3–§3.4 and subtensor's `staking/` module.
//!
//! A limit order first asks how much of the order the pool can fill before its price crosses the
//! limit (`get_max_amount_add`, `get_max_amount_remove`, `get_max_amount_move`): a simulated swap
//! of 1000 times the input reserve stopped at the limit, its input plus fee being the answer.
//! Without `allow_partial` an order larger than that fails with `SlippageTooHigh`
//! (fill-or-kill); with it the order is cut down to it. Stable pools (root) never move, so the
//! answer there is all or nothing.
//!
//! Moving stake within one subnet only moves shares: no swap, no fee, the value at the spot
//! price must reach the minimum stake. Across subnets the alpha is sold for TAO and the TAO
//! staked on the other side; only one side pays a swap fee (the sell, unless it is root's, whose
//! pool is fee-free anyway, in which case the buy pays).
//!
//! Not modelled, as elsewhere in Cortex (docs/deviations.md): conviction locks (no stake is ever
//! locked, so `StakeUnavailable` never fires), the alpha-assets pallet's issuance counters,
//! root-claim bookkeeping, TAO-flow records, `LastColdkeyHotkeyStakeBlock` and pending
//! childkeys.

use super::coinbase::{all_netuids, increase_stake_for_hotkey_and_coldkey, recycle_subnet_alpha};
use super::errors::Error;
use super::events::Event;
use super::neurons::{burned_register, swap_tao_for_alpha};
use super::shares::{HotkeyPool, alpha_v2, stake_of};
use super::staking::{DEFAULT_MIN_STAKE, burn_account, limit_price, swap_alpha_for_tao};
use super::storage::*;
use super::subnets::{hotkey_account_exists, pool, subnet_account};
use crate::balances::{self, Existence};
use crate::storage::Storage;
use crate::support::DispatchError;
use crate::swap::{
    MAX_PRICE, MAX_SWAP_INPUT_RESERVE_MULTIPLIER, MIN_PRICE, Side, SwapError, SwapResult,
};
use crate::{storage_map, storage_value};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

storage_value!(/// Smallest stake a nominator (a coldkey not owning the hotkey) may keep, as millionths
    /// of the minimum stake; smaller leftovers are unstaked.
    "SubtensorModule", NominatorMinRequiredStake: u64 = 0);

storage_map!(/// Whether stake on the subnet may be given to another coldkey.
    "SubtensorModule", TransferToggle: Identity(NetUid) => bool = true);

/// The swap pallet's index in the runtime.
pub const SWAP_PALLET_INDEX: u8 = 28;

/// Rao per TAO: the limit price at which a stable pool (price 1) turns.
const RAO_PER_TAO: u64 = 1_000_000_000;

/// A refused swap as the swap pallet reports it (its `Error` enum's index).
pub fn swap_error(e: SwapError) -> DispatchError {
    let index = match e {
        SwapError::InsufficientLiquidity => 2,
        SwapError::PriceLimitExceeded => 3,
        SwapError::ReservesTooLow => 7,
        SwapError::ReservesOutOfBalance => 10,
        SwapError::SwapInputTooLarge => 11,
    };
    DispatchError::module(SWAP_PALLET_INDEX, index)
}

/// Whether `netuid` exists (root always does on chain).
fn subnet_exists(s: &Storage, netuid: NetUid) -> bool {
    netuid.is_root() || NetworksAdded::get(s, &netuid)
}

/// Whether `netuid` trades 1:1 (root and stable subnets).
fn is_stable(s: &Storage, netuid: NetUid) -> bool {
    netuid.is_root() || SubnetMechanism::get(s, &netuid) == 0
}

/// Every subnet, root first (root is always there on chain, even where Cortex's genesis did not
/// add it).
fn subnet_netuids(s: &Storage) -> Vec<NetUid> {
    let mut netuids = all_netuids(s);
    if !netuids.contains(&NetUid::ROOT) {
        netuids.insert(0, NetUid::ROOT);
    }
    netuids
}

/// A swap simulated at the market limit with fees, as validation sees it.
fn sim_swap(s: &Storage, netuid: NetUid, side: Side, amount: u64) -> Result<SwapResult, SwapError> {
    let market = match side {
        Side::Buy => MAX_PRICE,
        Side::Sell => MIN_PRICE,
    };
    pool(s, netuid).swap(side, amount, limit_price(market), false)
}

/// Removes `alpha` of `coldkey`'s stake on `hotkey`, if it holds that much.
fn decrease_stake(
    s: &mut Storage,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
) {
    if alpha_v2::try_get(s, hotkey, coldkey, netuid).is_some()
        && stake_of(s, hotkey, coldkey, netuid) >= alpha
    {
        HotkeyPool::new(s, *hotkey, netuid).update_for_one(
            coldkey,
            i64::try_from(alpha).unwrap_or(i64::MAX).saturating_neg(),
        );
    }
}

/// Pays `amount` out of the subnet account of `netuid` (subtensor's `transfer_tao_from_subnet`).
fn transfer_from_subnet(
    s: &mut Storage,
    netuid: NetUid,
    to: &AccountId32,
    amount: u64,
) -> Result<(), Error> {
    let from = subnet_account(netuid);
    if amount > balances::free_balance(s, &from) {
        return Err(Error::InsufficientBalance);
    }
    balances::transfer(s, &from, to, amount, Existence::AllowDeath, &mut Vec::new())
        .map_err(|_| Error::BalanceWithdrawalError)
}

/// Moves TAO between coldkeys; the sender may be reaped (subtensor's `transfer_tao`).
fn transfer_tao(
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

/// Makes `hotkey` a delegate at its current take if it is not one.
fn maybe_become_delegate(s: &mut Storage, hotkey: &AccountId32) {
    if !Delegates::contains_key(s, hotkey) {
        let take = Delegates::get(s, hotkey);
        Delegates::insert(s, hotkey, &take);
    }
}

// ---- Building blocks ---------------------------------------------------------------------------
/// A dynamic pool takes at most 1000 times its TAO reserve in one stake.
pub(crate) fn ensure_add_stake_input_within_swap_limit(
    s: &Storage,
    netuid: NetUid,
    tao: u64,
) -> Result<(), Error> {
    if !netuid.is_root()
        && SubnetMechanism::get(s, &netuid) == 1
        && tao > SubnetTAO::get(s, &netuid).saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
    {
        return Err(Error::InsufficientLiquidity);
    }
    Ok(())
}

/// A dynamic pool takes at most 1000 times its alpha reserve in one unstake.
pub(crate) fn ensure_remove_stake_input_within_swap_limit(
    s: &Storage,
    netuid: NetUid,
    alpha: u64,
) -> Result<(), Error> {
    if !netuid.is_root()
        && SubnetMechanism::get(s, &netuid) == 1
        && alpha > SubnetAlphaIn::get(s, &netuid).saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
    {
        return Err(Error::InsufficientLiquidity);
    }
    Ok(())
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
#[allow(clippy::too_many_arguments)]
pub(crate) fn stake_into_subnet(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
    limit: U64F64,
    drop_fees: bool,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, Error> {
    let staked = if tao == 0 {
        0
    } else {
        let keep_alive =
            balances::free_balance(s, coldkey).saturating_sub(balances::EXISTENTIAL_DEPOSIT);
        let amount = tao.min(keep_alive);
        if amount == 0 {
            return Err(Error::InsufficientBalance);
        }
        balances::transfer(
            s,
            coldkey,
            &subnet_account(netuid),
            amount,
            Existence::KeepAlive,
            &mut Vec::new(),
        )
        .map_err(|_| Error::BalanceWithdrawalError)?;
        amount
    };
    let bought = swap_tao_for_alpha(s, netuid, staked, limit, drop_fees)?;
    if bought.alpha_out == 0 {
        return Err(Error::AmountTooLow);
    }
    if !HotkeyPool::new(s, *hotkey, netuid).can_add_for_one(bought.alpha_out) {
        return Err(Error::InsufficientLiquidity);
    }
    increase_stake_for_hotkey_and_coldkey(s, hotkey, coldkey, netuid, bought.alpha_out);
    match author {
        Some(author) => transfer_from_subnet(s, netuid, author, bought.fee)?,
        None if bought.fee > 0 => {
            // Burning the fee is best effort, as on chain.
            let _ = transfer_from_subnet(s, netuid, &burn_account(), bought.fee);
        }
        None => {}
    }
    events.push(Event::StakeAdded(
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
#[allow(clippy::too_many_arguments)]
pub(crate) fn unstake_from_subnet(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    limit: U64F64,
    drop_fees: bool,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, Error> {
    decrease_stake(s, hotkey, coldkey, netuid, alpha);
    let r = swap_alpha_for_tao(s, netuid, alpha, limit, drop_fees)?;
    let refund = alpha.saturating_sub(r.paid_in.saturating_add(r.fee));
    if refund > 0 {
        increase_stake_for_hotkey_and_coldkey(s, hotkey, coldkey, netuid, refund);
    }
    transfer_from_subnet(s, netuid, coldkey, r.paid_out)?;
    if let Some(author) = author {
        let fee = swap_alpha_for_tao(
            s,
            netuid,
            r.fee_to_block_author,
            limit_price(MIN_PRICE),
            true,
        )?;
        transfer_from_subnet(s, netuid, author, fee.paid_out)?;
    }
    events.push(Event::StakeRemoved(
        *coldkey, *hotkey, r.paid_out, r.paid_in, netuid, r.fee,
    ));
    Ok(r.paid_out)
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
    s: &mut Storage,
    hotkey: &AccountId32,
    coldkey: &AccountId32,
    netuid: NetUid,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) {
    if hotkey_account_exists(s, hotkey) && Owner::get(s, hotkey) == *coldkey {
        return;
    }
    let stake = stake_of(s, hotkey, coldkey, netuid);
    let min_alpha = U64F64::saturating_from_num(nominator_min_required_stake(s))
        .checked_div(pool(s, netuid).price())
        .unwrap_or_default()
        .saturating_to_num::<u64>();
    if stake > 0 && stake < min_alpha {
        let sold = unstake_from_subnet(
            s,
            coldkey,
            hotkey,
            netuid,
            stake,
            limit_price(MIN_PRICE),
            false,
            author,
            events,
        );
        if sold.is_err() {
            let left = stake_of(s, hotkey, coldkey, netuid);
            decrease_stake(s, hotkey, coldkey, netuid, left);
        }
    }
}

// ---- Limit orders --------------------------------------------------------------------------------
/// The most TAO (input plus fee) a stake on `netuid` can spend before the price reaches
/// `limit_price` (rao per alpha): stable pools take everything at a limit of at least 1 TAO and
/// nothing below; dynamic pools simulate a buy of 1000 × `SubnetTAO` stopped at the limit
/// (a limit at or below the price is the swap's `PriceLimitExceeded`).
pub fn get_max_amount_add(
    s: &Storage,
    netuid: NetUid,
    limit_price_rao: u64,
) -> Result<u64, DispatchError> {
    if is_stable(s, netuid) {
        return Ok(if limit_price_rao >= RAO_PER_TAO {
            u64::MAX
        } else {
            0
        });
    }
    let input = SubnetTAO::get(s, &netuid).saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
    let r = pool(s, netuid)
        .swap(Side::Buy, input, limit_price(limit_price_rao), false)
        .map_err(swap_error)?;
    Ok(r.paid_in.saturating_add(r.fee))
}

/// The most alpha (input plus fee) an unstake on `netuid` can sell before the price falls to
/// `limit_price` (rao per alpha): stable pools sell everything at a limit of at most 1 TAO and
/// nothing above; dynamic pools simulate a sale of 1000 × `SubnetAlphaIn` stopped at the limit
/// (a limit at or above the price is the swap's `PriceLimitExceeded`).
pub fn get_max_amount_remove(
    s: &Storage,
    netuid: NetUid,
    limit_price_rao: u64,
) -> Result<u64, DispatchError> {
    if is_stable(s, netuid) {
        return Ok(if limit_price_rao <= RAO_PER_TAO {
            u64::MAX
        } else {
            0
        });
    }
    let input = SubnetAlphaIn::get(s, &netuid).saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
    let r = pool(s, netuid)
        .swap(Side::Sell, input, limit_price(limit_price_rao), false)
        .map_err(swap_error)?;
    Ok(r.paid_in.saturating_add(r.fee))
}

/// The most origin alpha a move between two subnets can take before the price of the origin's
/// alpha in the destination's (`p1/p2`) falls to `limit_price` (rao). Stable on both sides: all
/// at a limit of at most 1 TAO, else nothing; stable origin: a stake on the destination at the
/// inverted limit; stable destination: an unstake from the origin; both dynamic:
/// `(α2·y1/(y1+y2))/L − α1·y2/(y1+y2)` with `L = limit/10^9` (0 for an empty reserve or a limit
/// above `p1/p2`, everything for a zero limit).
pub fn get_max_amount_move(
    s: &Storage,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    limit_price_rao: u64,
) -> Result<u64, DispatchError> {
    let tao = U64F64::saturating_from_num(RAO_PER_TAO);
    let origin_stable = is_stable(s, origin_netuid);
    let destination_stable = is_stable(s, destination_netuid);
    if origin_stable && destination_stable {
        return Ok(if limit_price_rao > RAO_PER_TAO {
            0
        } else {
            u64::MAX
        });
    }
    if origin_stable && SubnetMechanism::get(s, &destination_netuid) == 1 {
        if limit_price_rao == 0 {
            return Ok(u64::MAX);
        }
        // The limit is origin price over destination price; the destination's is its inverse.
        let destination_price = tao
            .checked_div(U64F64::saturating_from_num(limit_price_rao))
            .unwrap_or_default()
            .saturating_mul(tao)
            .saturating_to_num::<u64>();
        return get_max_amount_add(s, destination_netuid, destination_price);
    }
    if destination_stable && SubnetMechanism::get(s, &origin_netuid) == 1 {
        return get_max_amount_remove(s, origin_netuid, limit_price_rao);
    }
    let (y1, y2) = (
        SubnetTAO::get(s, &origin_netuid),
        SubnetTAO::get(s, &destination_netuid),
    );
    let (x1, x2) = (
        SubnetAlphaIn::get(s, &origin_netuid),
        SubnetAlphaIn::get(s, &destination_netuid),
    );
    if y1 == 0 || y2 == 0 || x1 == 0 || x2 == 0 {
        return Ok(0);
    }
    let limit = limit_price(limit_price_rao);
    let current = pool(s, origin_netuid)
        .price()
        .checked_div(pool(s, destination_netuid).price())
        .unwrap_or_default();
    if limit > current {
        return Ok(0);
    }
    if limit_price_rao == 0 {
        return Ok(u64::MAX);
    }
    let (y1, y2) = (
        U64F64::saturating_from_num(y1),
        U64F64::saturating_from_num(y2),
    );
    let (x1, x2) = (
        U64F64::saturating_from_num(x1),
        U64F64::saturating_from_num(x2),
    );
    let sum = y1.saturating_add(y2);
    let t1 = y1.checked_div(sum).unwrap_or_default();
    let t2 = y2.checked_div(sum).unwrap_or_default();
    Ok(x2
        .saturating_mul(t1)
        .checked_div(limit)
        .unwrap_or_default()
        .saturating_sub(x1.saturating_mul(t2))
        .saturating_to_num::<u64>())
}

/// `add_stake_limit(hotkey, netuid, amount_staked, limit_price, allow_partial)` signed by
/// `coldkey`: a stake that buys no higher than `limit_price` (rao per alpha). A coldkey staking
/// to a hotkey it does not own makes the hotkey a delegate. Returns the alpha staked.
#[allow(clippy::too_many_arguments)]
pub fn add_stake_limit(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    tao: u64,
    limit_price_rao: u64,
    allow_partial: bool,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, DispatchError> {
    ensure_add_stake_input_within_swap_limit(s, netuid, tao)?;
    let max_amount = get_max_amount_add(s, netuid, limit_price_rao)?;
    let possible = tao.min(max_amount);
    validate_add_stake(s, coldkey, hotkey, netuid, tao, max_amount, allow_partial)?;
    if Owner::get(s, hotkey) != *coldkey {
        maybe_become_delegate(s, hotkey);
    }
    Ok(stake_into_subnet(
        s,
        coldkey,
        hotkey,
        netuid,
        possible,
        limit_price(limit_price_rao),
        false,
        author,
        events,
    )?)
}

/// `remove_stake_limit(hotkey, netuid, amount_unstaked, limit_price, allow_partial)` signed by
/// `coldkey`: an unstake that sells no lower than `limit_price`. Unlike `remove_stake` it is
/// allowed while the subtoken is disabled and does not cut the amount to the stake held.
/// Returns the TAO received.
#[allow(clippy::too_many_arguments)]
pub fn remove_stake_limit(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    alpha: u64,
    limit_price_rao: u64,
    allow_partial: bool,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, DispatchError> {
    ensure_remove_stake_input_within_swap_limit(s, netuid, alpha)?;
    let max_amount = get_max_amount_remove(s, netuid, limit_price_rao)?;
    let possible = alpha.min(max_amount);
    validate_remove_stake(s, coldkey, hotkey, netuid, alpha, max_amount, allow_partial)?;
    let tao = unstake_from_subnet(
        s,
        coldkey,
        hotkey,
        netuid,
        possible,
        limit_price(limit_price_rao),
        false,
        author,
        events,
    )?;
    clear_small_nomination_if_required(s, hotkey, coldkey, netuid, author, events);
    Ok(tao)
}

/// `remove_stake_full_limit(hotkey, netuid, limit_price)` signed by `coldkey`: unstakes the
/// whole stake, fill-or-kill at `limit_price` if given, at market otherwise.
pub fn remove_stake_full_limit(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    limit_price_rao: Option<u64>,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, DispatchError> {
    let alpha = stake_of(s, hotkey, coldkey, netuid);
    match limit_price_rao {
        Some(limit) => remove_stake_limit(
            s, coldkey, hotkey, netuid, alpha, limit, false, author, events,
        ),
        None => Ok(super::staking::remove_stake(
            s, coldkey, hotkey, netuid, alpha, author, events,
        )?),
    }
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
    s: &mut Storage,
    t: &Transition<'_>,
    alpha: u64,
    events: &mut Vec<Event>,
) -> Result<u64, Error> {
    let netuid = t.origin_netuid;
    // Moving shares does not move the price, so the value can be checked first.
    let tao = pool(s, netuid)
        .price()
        .saturating_mul(U64F64::saturating_from_num(alpha))
        .saturating_to_num::<u64>();
    if tao < DEFAULT_MIN_STAKE {
        return Err(Error::AmountTooLow);
    }
    decrease_stake(s, t.origin_hotkey, t.origin_coldkey, netuid, alpha);
    increase_stake_for_hotkey_and_coldkey(
        s,
        t.destination_hotkey,
        t.destination_coldkey,
        netuid,
        alpha,
    );
    events.push(Event::StakeRemoved(
        *t.origin_coldkey,
        *t.origin_hotkey,
        tao,
        alpha,
        netuid,
        0,
    ));
    events.push(Event::StakeAdded(
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
    s: &mut Storage,
    t: &Transition<'_>,
    alpha: u64,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, DispatchError> {
    let alpha = alpha.min(stake_of(
        s,
        t.origin_hotkey,
        t.origin_coldkey,
        t.origin_netuid,
    ));
    let max_amount = match t.limit_price {
        Some(limit) if t.cross_subnet() => {
            get_max_amount_move(s, t.origin_netuid, t.destination_netuid, limit)?
        }
        _ => alpha,
    };
    validate_stake_transition(s, t, alpha, max_amount)?;
    let amount = alpha.min(max_amount);
    if !t.cross_subnet() {
        return Ok(transfer_stake_within_subnet(s, t, amount, events)?);
    }
    // Only one side pays a swap fee: the sell, unless it is root's (fee-free anyway).
    let drop_fee_origin = t.origin_netuid.is_root();
    let tao = unstake_from_subnet(
        s,
        t.origin_coldkey,
        t.origin_hotkey,
        t.origin_netuid,
        amount,
        limit_price(MIN_PRICE),
        drop_fee_origin,
        author,
        events,
    )?;
    if t.origin_coldkey != t.destination_coldkey {
        transfer_tao(s, t.origin_coldkey, t.destination_coldkey, tao)?;
    }
    if tao >= DEFAULT_MIN_STAKE {
        if Owner::get(s, t.destination_hotkey) != *t.destination_coldkey {
            maybe_become_delegate(s, t.destination_hotkey);
        }
        stake_into_subnet(
            s,
            t.destination_coldkey,
            t.destination_hotkey,
            t.destination_netuid,
            tao,
            limit_price(MAX_PRICE),
            !drop_fee_origin,
            author,
            events,
        )?;
    }
    Ok(tao)
}

/// `move_stake(origin_hotkey, destination_hotkey, origin_netuid, destination_netuid,
/// alpha_amount)` signed by `coldkey`: moves its stake to another hotkey and/or subnet. Emits
/// `StakeMoved` with the TAO value moved.
#[allow(clippy::too_many_arguments)]
pub fn move_stake(
    s: &mut Storage,
    coldkey: &AccountId32,
    origin_hotkey: &AccountId32,
    destination_hotkey: &AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    alpha: u64,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
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
    let tao = transition_stake(s, &t, alpha, author, events)?;
    events.push(Event::StakeMoved(
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
#[allow(clippy::too_many_arguments)]
pub fn transfer_stake(
    s: &mut Storage,
    coldkey: &AccountId32,
    destination_coldkey: &AccountId32,
    hotkey: &AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    alpha: u64,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
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
    let tao = transition_stake(s, &t, alpha, author, events)?;
    events.push(Event::StakeTransferred(
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
#[allow(clippy::too_many_arguments)]
pub fn swap_stake(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    origin_netuid: NetUid,
    destination_netuid: NetUid,
    alpha: u64,
    limit: Option<(u64, bool)>,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
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
    let tao = transition_stake(s, &t, alpha, author, events)?;
    events.push(Event::StakeSwapped(
        *coldkey,
        *hotkey,
        origin_netuid,
        destination_netuid,
        tao,
    ));
    Ok(tao)
}

// ---- Unstaking everything ------------------------------------------------------------------------------
/// `unstake_all(hotkey)` signed by `coldkey` (`only_alpha = false`) and `unstake_all_alpha`
/// (`only_alpha = true`): sells the coldkey's whole stake on `hotkey` on every open subnet,
/// skipping subnets where the unstake would not validate; `unstake_all_alpha` leaves root alone
/// and stakes the TAO received on root for the same hotkey (which fails with `AmountTooLow`
/// when nothing was sold).
pub fn unstake_all(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    only_alpha: bool,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    if !hotkey_account_exists(s, hotkey) {
        return Err(Error::HotKeyAccountNotExists.into());
    }
    let mut total_tao = 0u64;
    for netuid in subnet_netuids(s) {
        if !SubtokenEnabled::get(s, &netuid) || (only_alpha && netuid.is_root()) {
            continue;
        }
        let alpha = stake_of(s, hotkey, coldkey, netuid);
        if validate_remove_stake(s, coldkey, hotkey, netuid, alpha, alpha, false).is_err() {
            continue;
        }
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
        total_tao = total_tao.saturating_add(tao);
        clear_small_nomination_if_required(s, hotkey, coldkey, netuid, author, events);
    }
    if only_alpha {
        stake_into_subnet(
            s,
            coldkey,
            hotkey,
            NetUid::ROOT,
            total_tao,
            limit_price(MAX_PRICE),
            false,
            author,
            events,
        )?;
    }
    Ok(())
}

// ---- Destroying alpha ---------------------------------------------------------------------------------
/// `recycle_alpha(hotkey, amount, netuid)` (`recycle = true`) and `burn_alpha` (`false`) signed
/// by `coldkey`: destroys up to `amount` of its own stake (never on root). Recycling lowers
/// `SubnetAlphaOut` (alpha issuance) and emits `AlphaRecycled`; burning leaves it and emits
/// `AlphaBurned`. Returns the alpha destroyed.
#[allow(clippy::too_many_arguments)]
pub fn destroy_alpha(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    amount: u64,
    netuid: NetUid,
    recycle: bool,
    events: &mut Vec<Event>,
) -> Result<u64, DispatchError> {
    if !subnet_exists(s, netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    if netuid.is_root() {
        return Err(Error::CannotBurnOrRecycleOnRootSubnet.into());
    }
    if !SubtokenEnabled::get(s, &netuid) {
        return Err(Error::SubtokenDisabled.into());
    }
    if !hotkey_account_exists(s, hotkey) {
        return Err(Error::HotKeyAccountNotExists.into());
    }
    let amount = amount.min(stake_of(s, hotkey, coldkey, netuid));
    if SubnetAlphaOut::get(s, &netuid) < amount {
        return Err(Error::InsufficientLiquidity.into());
    }
    decrease_stake(s, hotkey, coldkey, netuid, amount);
    if recycle {
        recycle_subnet_alpha(s, netuid, amount);
        events.push(Event::AlphaRecycled(*coldkey, *hotkey, amount, netuid));
    } else {
        events.push(Event::AlphaBurned(*coldkey, *hotkey, amount, netuid));
    }
    Ok(amount)
}

/// `add_stake_burn(hotkey, netuid, amount, limit)` signed by `coldkey`: stakes `amount` TAO (a
/// fill-or-kill limit order if `limit` is given) and burns the alpha bought, emitting
/// `AddStakeBurn`. Returns the alpha burned. Must run in a storage transaction (dispatch does):
/// a failed burn undoes the stake.
#[allow(clippy::too_many_arguments)]
pub fn add_stake_burn(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    netuid: NetUid,
    amount: u64,
    limit: Option<u64>,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) -> Result<u64, DispatchError> {
    let alpha = match limit {
        Some(limit) => add_stake_limit(
            s, coldkey, hotkey, netuid, amount, limit, false, author, events,
        )?,
        None => super::staking::add_stake(s, coldkey, hotkey, netuid, amount, author, events)?,
    };
    destroy_alpha(s, coldkey, hotkey, alpha, netuid, false, events)?;
    events.push(Event::AddStakeBurn {
        netuid,
        hotkey: *hotkey,
        amount,
        alpha,
    });
    Ok(alpha)
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

/// Unstakes every nomination (stake of a coldkey on a hotkey it does not own) worth less than
/// the nominator minimum at the subnet's current price; if the sale fails, the alpha is simply
/// removed. In storage order, as subtensor's `clear_small_nominations`.
pub fn clear_small_nominations(
    s: &mut Storage,
    author: Option<&AccountId32>,
    events: &mut Vec<Event>,
) {
    let prefix = crate::storage::__prefix("SubtensorModule", "AlphaV2");
    let keys: Vec<Vec<u8>> = s.iter_prefix(&prefix).into_iter().map(|(k, _)| k).collect();
    let min_stake = U64F64::saturating_from_num(nominator_min_required_stake(s));
    for key in keys {
        let Some((hotkey, coldkey, netuid)) = crate::subtensor::shares::alpha_v2::parse_key(&key)
        else {
            continue;
        };
        if Owner::try_get(s, &hotkey) == Some(coldkey) {
            continue;
        }
        let alpha = stake_of(s, &hotkey, &coldkey, netuid);
        let min_alpha = min_stake
            .checked_div(pool(s, netuid).price())
            .unwrap_or_default()
            .saturating_to_num::<u64>();
        if alpha == 0 || alpha >= min_alpha {
            continue;
        }
        let mut ev = Vec::new();
        let sold = s.transactional(|s| {
            crate::subtensor::stake_ops::unstake_from_subnet(
                s,
                &coldkey,
                &hotkey,
                netuid,
                alpha,
                limit_price(MIN_PRICE),
                false,
                author,
                &mut ev,
            )
        });
        match sold {
            Ok(_) => events.append(&mut ev),
            Err(_) => {
                let left = stake_of(s, &hotkey, &coldkey, netuid);
                HotkeyPool::new(s, hotkey, netuid).update_for_one(
                    &coldkey,
                    i64::try_from(left).unwrap_or(i64::MAX).saturating_neg(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PALLETS;
    use crate::subtensor::staking::{add_stake, remove_stake};
    use crate::subtensor::subnets::{register_network, start_call};
    use crate::test_support::{TAO, acct, funded};
    use proptest::prelude::*;

    const A: NetUid = NetUid(1);
    const B: NetUid = NetUid(2);
    const ROOT: NetUid = NetUid::ROOT;

    fn author() -> Option<&'static AccountId32> {
        static AUTHOR: AccountId32 = AccountId32([99; 32]);
        Some(&AUTHOR)
    }

    /// Subnets A (1 000 TAO / 1 000 alpha, owner hotkey 2) and B (2 000 / 2 000, owner hotkey
    /// 3), both owned by coldkey 1 and started, plus root; hotkey 4 belongs to coldkey 11.
    fn world() -> Storage {
        let mut s = funded(&[
            (1, 10_000 * TAO),
            (10, 1_000 * TAO),
            (11, 1_000 * TAO),
            (99, TAO),
        ]);
        NetworkRateLimit::put(&mut s, &0);
        let a = crate::test_support::subnet(&mut s, true);
        let b = register_network(&mut s, 1, &PALLETS, &acct(1), &acct(3), &mut Vec::new()).unwrap();
        start_call(&mut s, 1, &acct(1), b, &mut Vec::new()).unwrap();
        assert_eq!((a, b), (A, B));
        NetworksAdded::insert(&mut s, &ROOT, &true);
        SubtokenEnabled::insert(&mut s, &ROOT, &true);
        Owner::insert(&mut s, &acct(4), &acct(11));
        s
    }

    fn stake(s: &mut Storage, coldkey: u8, hotkey: u8, netuid: NetUid, tao: u64) -> u64 {
        add_stake(
            s,
            &acct(coldkey),
            &acct(hotkey),
            netuid,
            tao,
            author(),
            &mut Vec::new(),
        )
        .unwrap()
    }

    fn of(s: &Storage, hotkey: u8, coldkey: u8, netuid: NetUid) -> u64 {
        stake_of(s, &acct(hotkey), &acct(coldkey), netuid)
    }

    fn free(s: &Storage, who: u8) -> u64 {
        balances::free_balance(s, &acct(who))
    }

    /// A dynamic pool on `netuid` with the given reserves (equal weights, not yet initialized).
    fn dynamic(s: &mut Storage, netuid: NetUid, tao: u64, alpha: u64) {
        NetworksAdded::insert(s, &netuid, &true);
        SubnetMechanism::insert(s, &netuid, &1);
        SubnetTAO::insert(s, &netuid, &tao);
        SubnetAlphaIn::insert(s, &netuid, &alpha);
    }

    fn price_limit_exceeded() -> DispatchError {
        swap_error(SwapError::PriceLimitExceeded)
    }

    /// Runs `f` as the executive does (in a transaction) and checks that a failure left the
    /// state root unchanged.
    fn call<T: std::fmt::Debug>(
        s: &mut Storage,
        f: impl FnOnce(&mut Storage, &mut Vec<Event>) -> Result<T, DispatchError>,
    ) -> (Result<T, DispatchError>, Vec<Event>) {
        let root = s.root();
        let mut ev = Vec::new();
        let r = s.transactional(|s| f(s, &mut ev));
        if r.is_err() {
            assert_eq!(s.root(), root, "a failed call changed the state: {r:?}");
            ev.clear();
        }
        (r, ev)
    }

    fn err(e: Error) -> DispatchError {
        e.into()
    }

    // ---- spec §9.4 goldens ------------------------------------------------------------------

    #[test]
    fn max_amount_add_goldens() {
        for (tao, alpha, limit, expected) in [
            (1_000_000u64, 1_000_000u64, 4_000_000_000u64, 1_000_500u64),
            (1_000_000, 1_000_000, 9_000_000_000, 2_001_000),
            (1_000_000, 1_000_000, 16_000_000_000, 3_001_500),
            (150_000_000_000, 100_000_000_000, 1_500_000_001, 49),
            (
                150_000_000_000,
                100_000_000_000,
                6_000_000_000,
                150_075_000_000,
            ),
        ] {
            let mut s = Storage::new();
            dynamic(&mut s, A, tao, alpha);
            let got = get_max_amount_add(&s, A, limit).unwrap();
            assert!(
                got.abs_diff(expected) <= expected / 10_000,
                "{tao} {alpha} {limit}: {got} vs {expected}"
            );
        }
        let mut s = Storage::new();
        dynamic(&mut s, A, 150_000_000_000, 100_000_000_000);
        for limit in [0, 500_000_000, 1_499_999_999, 1_500_000_000] {
            assert_eq!(
                get_max_amount_add(&s, A, limit),
                Err(price_limit_exceeded())
            );
        }
        // Root (and stable pools) never move: all or nothing around a price of 1.
        assert_eq!(get_max_amount_add(&s, ROOT, 1_000_000_000), Ok(u64::MAX));
        assert_eq!(get_max_amount_add(&s, ROOT, 999_999_999), Ok(0));
        NetworksAdded::insert(&mut s, &B, &true);
        assert_eq!(get_max_amount_add(&s, B, 2_000_000_000), Ok(u64::MAX));
        assert_eq!(price_limit_exceeded(), DispatchError::module(28, 3));
    }

    #[test]
    fn max_amount_remove_goldens() {
        // Subtensor's own tolerance for these is 1 %.
        for (tao, alpha, limit, expected) in [
            (1_000_000u64, 1_000_000u64, 250_000_000u64, 1_010_000u64),
            (1_000_000, 1_000_000, 62_500_000, 3_030_000),
            (
                200_000_000_000,
                100_000_000_000,
                500_000_000,
                101_000_000_000,
            ),
            (200_000_000_000, 100_000_000_000, 1_999_999_999, 24),
        ] {
            let mut s = Storage::new();
            dynamic(&mut s, A, tao, alpha);
            let got = get_max_amount_remove(&s, A, limit).unwrap();
            assert!(
                got.abs_diff(expected) <= expected / 100,
                "{tao} {alpha} {limit}: {got} vs {expected}"
            );
        }
        let mut s = Storage::new();
        dynamic(&mut s, A, 200_000_000_000, 100_000_000_000);
        for limit in [2_000_000_000, 2_000_000_001, u64::MAX] {
            assert_eq!(
                get_max_amount_remove(&s, A, limit),
                Err(price_limit_exceeded())
            );
        }
        // A zero limit sells the whole 1000 × reserve the pool accepts.
        dynamic(&mut s, A, 10_000_000_000, 10_000_000_000);
        assert_eq!(get_max_amount_remove(&s, A, 0), Ok(10_000_000_000_000));
        // An empty TAO side cannot pay out.
        dynamic(&mut s, A, 0, 1_000_000_000);
        assert_eq!(
            get_max_amount_remove(&s, A, 100),
            Err(swap_error(SwapError::ReservesTooLow))
        );
        assert_eq!(get_max_amount_remove(&s, ROOT, 1_000_000_000), Ok(u64::MAX));
        assert_eq!(get_max_amount_remove(&s, ROOT, 1_000_000_001), Ok(0));
    }

    #[test]
    fn max_amount_move_goldens() {
        for (t1, a1, t2, a2, limit, expected, precision) in [
            (1u64, 1u64, 1u64, 1u64, 1u64, 500_000_000u64, 1u64),
            (1, 1, 1, 1, 2, 250_000_000, 1),
            (1_000, 1_000, 1_000, 1_000, 500_000_000, 500, 1),
            (
                150_000_000_000,
                100_000_000_000,
                100_000_000_000,
                100_000_000_000,
                100_000_000,
                560_000_000_000,
                1_000_000,
            ),
            (
                150_000_000_000,
                100_000_000_000,
                100_000_000_000,
                100_000_000_000,
                1_500_000_001,
                0,
                0,
            ),
            (1, 1, 1, 1, 0, u64::MAX, 0),
            (0, 1_000_000_000, 1_000_000_000, 1_000_000_000, 100, 0, 0),
        ] {
            let mut s = Storage::new();
            dynamic(&mut s, A, t1, a1);
            dynamic(&mut s, B, t2, a2);
            let got = get_max_amount_move(&s, A, B, limit).unwrap();
            assert!(
                got.abs_diff(expected) <= precision,
                "{t1} {a1} {t2} {a2} {limit}: {got} vs {expected}"
            );
        }
        // Root to a dynamic pool at price 0.5 is a stake with the inverted limit.
        let mut s = Storage::new();
        dynamic(&mut s, A, 50_000_000_000, 100_000_000_000);
        assert_eq!(get_max_amount_move(&s, ROOT, A, 0), Ok(u64::MAX));
        assert_eq!(
            get_max_amount_move(&s, ROOT, A, 2_000_000_000),
            Err(price_limit_exceeded())
        );
        let got = get_max_amount_move(&s, ROOT, A, 500_000_000).unwrap();
        assert!(got.abs_diff(50_150_000_000) <= 500_000_000, "{got}");
        // A dynamic pool to root is an unstake.
        assert_eq!(
            get_max_amount_move(&s, A, ROOT, 0),
            Ok(100_000_000_000 * 1_000)
        );
        // Root to root.
        assert_eq!(
            get_max_amount_move(&s, ROOT, ROOT, 1_000_000_000),
            Ok(u64::MAX)
        );
        assert_eq!(get_max_amount_move(&s, ROOT, ROOT, 1_000_000_001), Ok(0));
    }

    // ---- Limit orders ------------------------------------------------------------------------

    #[test]
    fn add_stake_limit_fills_or_kills() {
        let mut s = world();
        // Price 1: a limit of 2 lets 10 TAO through whole.
        assert!(!Delegates::contains_key(&s, &acct(2)));
        let (r, ev) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                A,
                10 * TAO,
                2 * TAO,
                false,
                author(),
                ev,
            )
        });
        let alpha = r.unwrap();
        assert_eq!(of(&s, 2, 10, A), alpha);
        assert_eq!(free(&s, 10), 990 * TAO);
        assert!(matches!(
            ev.as_slice(),
            [Event::StakeAdded(c, h, t, a, n, fee)]
                if *c == acct(10) && *h == acct(2) && *t == 10 * TAO && *a == alpha && *n == A && *fee > 0
        ));
        // Staking to another coldkey's hotkey made it a delegate at the default take.
        assert_eq!(Delegates::try_get(&s, &acct(2)), Some(11_796));

        // A limit 1 % above the price admits about 5 TAO: 10 is refused whole, or cut.
        let p = pool(&s, A).price();
        let limit = (p * U64F64::from_num(1.01) * U64F64::from_num(TAO)).to_num::<u64>();
        let max = get_max_amount_add(&s, A, limit).unwrap();
        assert!(max > 4 * TAO && max < 6 * TAO, "{max}");
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                A,
                10 * TAO,
                limit,
                false,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SlippageTooHigh)));
        let before = free(&s, 10);
        let (r, ev) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                A,
                10 * TAO,
                limit,
                true,
                author(),
                ev,
            )
        });
        r.unwrap();
        assert_eq!(before - free(&s, 10), max);
        assert!(matches!(ev.as_slice(), [Event::StakeAdded(_, _, t, ..)] if *t == max));
        let after = pool(&s, A).price().to_num::<f64>() * 1e9;
        assert!(
            after <= limit as f64 && after > limit as f64 * 0.9999,
            "{after} {limit}"
        );

        // A limit at or below the price is the swap pallet's refusal.
        let at = (pool(&s, A).price() * U64F64::from_num(TAO)).to_num::<u64>();
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_limit(s, &acct(10), &acct(2), A, TAO, at, true, author(), ev)
        });
        assert_eq!(r, Err(price_limit_exceeded()));
        // More than 1000 × the TAO reserve.
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                A,
                u64::MAX / 2,
                u64::MAX,
                true,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::InsufficientLiquidity)));
    }

    #[test]
    fn add_stake_limit_on_root() {
        let mut s = world();
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                ROOT,
                TAO,
                999_999_999,
                false,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SlippageTooHigh)));
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                ROOT,
                TAO,
                999_999_999,
                true,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::AmountTooLow)));
        let (r, ev) = call(&mut s, |s, ev| {
            add_stake_limit(s, &acct(10), &acct(2), ROOT, TAO, TAO, false, author(), ev)
        });
        assert_eq!(r, Ok(TAO));
        assert_eq!(
            ev,
            vec![Event::StakeAdded(acct(10), acct(2), TAO, TAO, ROOT, 0)]
        );
        assert_eq!(SubnetTAO::get(&s, &ROOT), TAO);
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_limit(
                s,
                &acct(10),
                &acct(2),
                NetUid(9),
                TAO,
                TAO,
                false,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SubnetNotExists)));
    }

    #[test]
    fn remove_stake_limit_fills_or_kills() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let p = pool(&s, A).price();
        let above = (p * U64F64::from_num(TAO)).to_num::<u64>() + 1;
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_limit(s, &acct(10), &acct(2), A, TAO, above, true, author(), ev)
        });
        assert_eq!(r, Err(price_limit_exceeded()));
        // 1 % below the price admits about 5 alpha.
        let limit = (p * U64F64::from_num(0.99) * U64F64::from_num(TAO)).to_num::<u64>();
        let max = get_max_amount_remove(&s, A, limit).unwrap();
        assert!(max > 4 * TAO && max < 6 * TAO, "{max}");
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_limit(
                s,
                &acct(10),
                &acct(2),
                A,
                50 * TAO,
                limit,
                false,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SlippageTooHigh)));
        let before = free(&s, 10);
        let (r, ev) = call(&mut s, |s, ev| {
            remove_stake_limit(
                s,
                &acct(10),
                &acct(2),
                A,
                50 * TAO,
                limit,
                true,
                author(),
                ev,
            )
        });
        let tao = r.unwrap();
        assert_eq!(free(&s, 10), before + tao);
        assert!(of(&s, 2, 10, A).abs_diff(alpha - max) <= 2);
        assert!(matches!(ev.as_slice(), [Event::StakeRemoved(_, _, t, ..)] if *t == tao));
        let after = pool(&s, A).price().to_num::<f64>() * 1e9;
        // The sale stops at the limit; selling the fee alpha for the author then moves the price
        // a little further.
        assert!((after / limit as f64 - 1.0).abs() < 1e-5, "{after} {limit}");
        // Not cut to the stake held, unlike remove_stake.
        let held = of(&s, 2, 10, A);
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_limit(s, &acct(10), &acct(2), A, held + 1, 0, true, author(), ev)
        });
        assert_eq!(r, Err(err(Error::NotEnoughStakeToWithdraw)));
        // Allowed with the subtoken disabled, where remove_stake is not.
        SubtokenEnabled::insert(&mut s, &A, &false);
        let (r, _) = call(&mut s, |s, ev| {
            Ok(remove_stake(s, &acct(10), &acct(2), A, held, author(), ev)?)
        });
        assert_eq!(r, Err(err(Error::SubtokenDisabled)));
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_limit(s, &acct(10), &acct(2), A, held, 0, false, author(), ev)
        });
        r.unwrap();
        assert_eq!(of(&s, 2, 10, A), 0);
    }

    #[test]
    fn remove_stake_full_limit_removes_everything() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let high = 10 * TAO;
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_full_limit(s, &acct(10), &acct(2), A, Some(high), author(), ev)
        });
        assert_eq!(r, Err(price_limit_exceeded()));
        let (r, ev) = call(&mut s, |s, ev| {
            remove_stake_full_limit(s, &acct(10), &acct(2), A, Some(MIN_PRICE), author(), ev)
        });
        r.unwrap();
        assert_eq!(of(&s, 2, 10, A), 0);
        assert!(matches!(ev.as_slice(), [Event::StakeRemoved(_, _, _, a, ..)] if *a < alpha));
        stake(&mut s, 10, 2, A, 100 * TAO);
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_full_limit(s, &acct(10), &acct(2), A, None, author(), ev)
        });
        r.unwrap();
        assert_eq!(of(&s, 2, 10, A), 0);
        // Nothing left to remove.
        let (r, _) = call(&mut s, |s, ev| {
            remove_stake_full_limit(s, &acct(10), &acct(2), A, None, author(), ev)
        });
        assert_eq!(r, Err(err(Error::AmountTooLow)));
    }

    // ---- Moving stake ---------------------------------------------------------------------------

    fn pools(s: &Storage, netuid: NetUid) -> (u64, u64, u64) {
        (
            SubnetTAO::get(s, &netuid),
            SubnetAlphaIn::get(s, &netuid),
            SubnetAlphaOut::get(s, &netuid),
        )
    }

    #[test]
    fn move_stake_within_a_subnet_moves_shares() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let before = pools(&s, A);
        let value = (pool(&s, A).price() * U64F64::from_num(10 * TAO)).to_num::<u64>();
        let (r, ev) = call(&mut s, |s, ev| {
            move_stake(
                s,
                &acct(10),
                &acct(2),
                &acct(4),
                A,
                A,
                10 * TAO,
                author(),
                ev,
            )
        });
        assert_eq!(r, Ok(value));
        assert_eq!(pools(&s, A), before);
        assert!(of(&s, 2, 10, A).abs_diff(alpha - 10 * TAO) <= 1);
        assert!(of(&s, 4, 10, A).abs_diff(10 * TAO) <= 1);
        assert_eq!(
            ev,
            vec![
                Event::StakeRemoved(acct(10), acct(2), value, 10 * TAO, A, 0),
                Event::StakeAdded(acct(10), acct(4), value, 10 * TAO, A, 0),
                Event::StakeMoved(acct(10), acct(2), A, acct(4), A, value),
            ]
        );
        assert!(StakingHotkeys::get(&s, &acct(10)).contains(&acct(4)));
        // Worth less than the minimum stake.
        let (r, _) = call(&mut s, |s, ev| {
            move_stake(s, &acct(10), &acct(2), &acct(4), A, A, 1_000, author(), ev)
        });
        assert_eq!(r, Err(err(Error::AmountTooLow)));
        let (r, _) = call(&mut s, |s, ev| {
            move_stake(s, &acct(10), &acct(2), &acct(2), A, A, TAO, author(), ev)
        });
        assert_eq!(r, Err(err(Error::SameNetuid)));
    }

    #[test]
    fn move_stake_across_subnets_sells_then_buys() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let balance = free(&s, 10);
        let author_before = free(&s, 99);
        let (r, ev) = call(&mut s, |s, ev| {
            move_stake(
                s,
                &acct(10),
                &acct(2),
                &acct(4),
                A,
                B,
                10 * TAO,
                author(),
                ev,
            )
        });
        let tao = r.unwrap();
        // The TAO passed through the coldkey: its free balance did not change.
        assert_eq!(free(&s, 10), balance);
        assert!(of(&s, 2, 10, A).abs_diff(alpha - 10 * TAO) <= 1);
        let bought = of(&s, 4, 10, B);
        assert!(bought > 9 * TAO, "{bought}");
        // The sell paid a fee (to the author); the buy did not.
        match ev.as_slice() {
            [
                Event::StakeRemoved(c1, h1, t1, a1, n1, f1),
                Event::StakeAdded(c2, h2, t2, a2, n2, f2),
                Event::StakeMoved(c3, h3, n3, h4, n4, t3),
            ] => {
                assert_eq!(
                    (c1, h1, *a1 + *f1, *n1, *t1),
                    (&acct(10), &acct(2), 10 * TAO, A, tao)
                );
                assert!(*f1 > 0);
                assert_eq!((c2, h2, *t2, *n2, *f2), (&acct(10), &acct(4), tao, B, 0));
                assert!(a2.abs_diff(bought) <= 1);
                assert_eq!(
                    (c3, h3, *n3, h4, *n4, *t3),
                    (&acct(10), &acct(2), A, &acct(4), B, tao)
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(free(&s, 99) > author_before);
        assert!(Delegates::contains_key(&s, &acct(4)));

        for (args, e) in [
            ((2u8, 4u8, A, NetUid(9), 10 * TAO), Error::SubnetNotExists),
            ((2, 77, A, B, 10 * TAO), Error::HotKeyAccountNotExists),
            ((2, 4, A, B, 1_000), Error::AmountTooLow),
        ] {
            let (o, d, on, dn, amount) = args;
            let (r, _) = call(&mut s, |s, ev| {
                move_stake(
                    s,
                    &acct(10),
                    &acct(o),
                    &acct(d),
                    on,
                    dn,
                    amount,
                    author(),
                    ev,
                )
            });
            assert_eq!(r, Err(err(e)), "{args:?}");
        }
        SubtokenEnabled::insert(&mut s, &B, &false);
        let (r, _) = call(&mut s, |s, ev| {
            move_stake(
                s,
                &acct(10),
                &acct(2),
                &acct(4),
                A,
                B,
                10 * TAO,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SubtokenDisabled)));
    }

    #[test]
    fn transfer_stake_gives_stake_to_another_coldkey() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let (r, ev) = call(&mut s, |s, ev| {
            transfer_stake(
                s,
                &acct(10),
                &acct(11),
                &acct(2),
                A,
                A,
                10 * TAO,
                author(),
                ev,
            )
        });
        let value = r.unwrap();
        assert!(of(&s, 2, 11, A).abs_diff(10 * TAO) <= 1);
        assert!(of(&s, 2, 10, A).abs_diff(alpha - 10 * TAO) <= 1);
        assert_eq!(
            ev.last(),
            Some(&Event::StakeTransferred(
                acct(10),
                acct(11),
                acct(2),
                A,
                A,
                value
            ))
        );
        // Across subnets the TAO goes to the other coldkey, which stakes it (keeping its
        // existential deposit when it had no account).
        let balance = free(&s, 10);
        let (r, _) = call(&mut s, |s, ev| {
            transfer_stake(
                s,
                &acct(10),
                &acct(12),
                &acct(2),
                A,
                B,
                10 * TAO,
                author(),
                ev,
            )
        });
        let tao = r.unwrap();
        assert_eq!(free(&s, 10), balance);
        assert_eq!(free(&s, 12), balances::EXISTENTIAL_DEPOSIT);
        assert!(of(&s, 2, 12, B) > 9 * TAO);
        assert!(tao > 9 * TAO);
        // Transfers can be switched off per subnet (origin or destination).
        TransferToggle::insert(&mut s, &B, &false);
        let (r, _) = call(&mut s, |s, ev| {
            transfer_stake(
                s,
                &acct(10),
                &acct(11),
                &acct(2),
                A,
                B,
                10 * TAO,
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::TransferDisallowed)));
        let (r, _) = call(&mut s, |s, ev| {
            transfer_stake(s, &acct(12), &acct(11), &acct(2), B, B, TAO, author(), ev)
        });
        assert_eq!(r, Err(err(Error::TransferDisallowed)));
        // move_stake does not look at the toggle.
        let (r, _) = call(&mut s, |s, ev| {
            move_stake(
                s,
                &acct(10),
                &acct(2),
                &acct(2),
                A,
                B,
                10 * TAO,
                author(),
                ev,
            )
        });
        assert!(r.is_ok());
    }

    #[test]
    fn swap_stake_drops_the_fee_on_the_root_side() {
        let mut s = world();
        stake(&mut s, 10, 2, ROOT, 50 * TAO);
        let (r, ev) = call(&mut s, |s, ev| {
            swap_stake(
                s,
                &acct(10),
                &acct(2),
                ROOT,
                A,
                20 * TAO,
                None,
                author(),
                ev,
            )
        });
        assert_eq!(r, Ok(20 * TAO));
        match ev.as_slice() {
            [
                Event::StakeRemoved(.., t, a, n, f),
                Event::StakeAdded(.., t2, _, n2, f2),
                last,
            ] => {
                assert_eq!((*t, *a, *n, *f), (20 * TAO, 20 * TAO, ROOT, 0));
                assert_eq!((*t2, *n2), (20 * TAO, A));
                assert!(*f2 > 0);
                assert_eq!(
                    last,
                    &Event::StakeSwapped(acct(10), acct(2), ROOT, A, 20 * TAO)
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(of(&s, 2, 10, ROOT), 30 * TAO);
        let on_a = of(&s, 2, 10, A);
        let (r, ev) = call(&mut s, |s, ev| {
            swap_stake(s, &acct(10), &acct(2), A, ROOT, on_a, None, author(), ev)
        });
        let tao = r.unwrap();
        match ev.as_slice() {
            [
                Event::StakeRemoved(.., f),
                Event::StakeAdded(.., t2, a2, n2, f2),
                _,
            ] => {
                assert!(*f > 0);
                assert_eq!((*t2, *a2, *n2, *f2), (tao, tao, ROOT, 0));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(of(&s, 2, 10, ROOT), 30 * TAO + tao);
        let (r, _) = call(&mut s, |s, ev| {
            swap_stake(s, &acct(10), &acct(2), ROOT, ROOT, TAO, None, author(), ev)
        });
        assert_eq!(r, Err(err(Error::SameNetuid)));
    }

    #[test]
    fn swap_stake_limit_fills_or_kills() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let ratio = pool(&s, A).price() / pool(&s, B).price();
        // 1 % below the current A/B ratio.
        let limit = (ratio * U64F64::from_num(0.99) * U64F64::from_num(TAO)).to_num::<u64>();
        let max = get_max_amount_move(&s, A, B, limit).unwrap();
        assert!(max > TAO && max < 50 * TAO, "{max}");
        let (r, _) = call(&mut s, |s, ev| {
            swap_stake(
                s,
                &acct(10),
                &acct(2),
                A,
                B,
                50 * TAO,
                Some((limit, false)),
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SlippageTooHigh)));
        let (r, ev) = call(&mut s, |s, ev| {
            swap_stake(
                s,
                &acct(10),
                &acct(2),
                A,
                B,
                50 * TAO,
                Some((limit, true)),
                author(),
                ev,
            )
        });
        r.unwrap();
        assert!(of(&s, 2, 10, A).abs_diff(alpha - max) <= 2);
        assert!(matches!(ev.last(), Some(Event::StakeSwapped(..))));
        // A limit above the ratio admits nothing.
        let above = (ratio * U64F64::from_num(1.5) * U64F64::from_num(TAO)).to_num::<u64>();
        assert_eq!(get_max_amount_move(&s, A, B, above), Ok(0));
        let (r, _) = call(&mut s, |s, ev| {
            swap_stake(
                s,
                &acct(10),
                &acct(2),
                A,
                B,
                TAO,
                Some((above, false)),
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::SlippageTooHigh)));
    }

    // ---- Unstaking everything ---------------------------------------------------------------------

    #[test]
    fn unstake_all_sells_every_subnet() {
        let mut s = world();
        stake(&mut s, 10, 2, A, 50 * TAO);
        stake(&mut s, 10, 2, B, 50 * TAO);
        stake(&mut s, 10, 2, ROOT, 50 * TAO);
        let (r, _) = call(&mut s, |s, ev| {
            unstake_all(s, &acct(10), &acct(77), false, author(), ev)
        });
        assert_eq!(r, Err(err(Error::HotKeyAccountNotExists)));
        // Closed subnets are skipped.
        SubtokenEnabled::insert(&mut s, &B, &false);
        let (r, ev) = call(&mut s, |s, ev| {
            unstake_all(s, &acct(10), &acct(2), false, author(), ev)
        });
        r.unwrap();
        let removed: Vec<NetUid> = ev
            .iter()
            .filter_map(|e| match e {
                Event::StakeRemoved(.., n, _) => Some(*n),
                _ => None,
            })
            .collect();
        assert_eq!(removed, vec![ROOT, A]);
        assert_eq!((of(&s, 2, 10, ROOT), of(&s, 2, 10, A)), (0, 0));
        assert!(of(&s, 2, 10, B) > 0);
        // Nothing left to sell: nothing happens.
        let (r, ev) = call(&mut s, |s, ev| {
            unstake_all(s, &acct(10), &acct(2), false, author(), ev)
        });
        assert_eq!((r, ev), (Ok(()), vec![]));
    }

    #[test]
    fn unstake_all_alpha_restakes_on_root() {
        let mut s = world();
        stake(&mut s, 10, 2, A, 50 * TAO);
        stake(&mut s, 10, 2, B, 50 * TAO);
        stake(&mut s, 10, 2, ROOT, 10 * TAO);
        let balance = free(&s, 10);
        let (r, ev) = call(&mut s, |s, ev| {
            unstake_all(s, &acct(10), &acct(2), true, author(), ev)
        });
        r.unwrap();
        assert_eq!((of(&s, 2, 10, A), of(&s, 2, 10, B)), (0, 0));
        let sold: u64 = ev
            .iter()
            .filter_map(|e| match e {
                Event::StakeRemoved(_, _, t, ..) => Some(*t),
                _ => None,
            })
            .sum();
        assert!(sold > 99 * TAO);
        assert_eq!(of(&s, 2, 10, ROOT), 10 * TAO + sold);
        assert_eq!(free(&s, 10), balance);
        assert_eq!(
            ev.last(),
            Some(&Event::StakeAdded(acct(10), acct(2), sold, sold, ROOT, 0))
        );
        // Nothing sold: staking nothing on root is refused.
        let (r, _) = call(&mut s, |s, ev| {
            unstake_all(s, &acct(10), &acct(2), true, author(), ev)
        });
        assert_eq!(r, Err(err(Error::AmountTooLow)));
    }

    #[test]
    fn small_nominations_are_cleared_after_an_unstake() {
        let mut s = world();
        // 0.02 TAO for nominators.
        NominatorMinRequiredStake::put(&mut s, &10_000_000);
        assert_eq!(nominator_min_required_stake(&s), 20_000_000);
        let alpha = stake(&mut s, 10, 2, A, TAO);
        let keep = 10_000_000;
        let (r, ev) = call(&mut s, |s, ev| {
            Ok(remove_stake(
                s,
                &acct(10),
                &acct(2),
                A,
                alpha - keep,
                author(),
                ev,
            )?)
        });
        r.unwrap();
        // Coldkey 10 does not own hotkey 2: its 0.01 alpha leftover was sold too.
        assert_eq!(of(&s, 2, 10, A), 0);
        assert!(
            matches!(
                ev.as_slice(),
                [Event::StakeRemoved(..), Event::StakeRemoved(_, _, _, a, _, fee)]
                    if (a + fee).abs_diff(keep) <= 1
            ),
            "{ev:?}"
        );
        // The owner keeps a small stake.
        let alpha = stake(&mut s, 1, 2, A, TAO);
        let (r, ev) = call(&mut s, |s, ev| {
            Ok(remove_stake(
                s,
                &acct(1),
                &acct(2),
                A,
                alpha - keep,
                author(),
                ev,
            )?)
        });
        r.unwrap();
        assert_eq!(ev.len(), 1);
        assert!(of(&s, 2, 1, A).abs_diff(keep) <= 1);
    }

    // ---- Destroying alpha ------------------------------------------------------------------------

    #[test]
    fn recycle_lowers_issuance_and_burn_does_not() {
        let mut s = world();
        let alpha = stake(&mut s, 10, 2, A, 100 * TAO);
        let out = SubnetAlphaOut::get(&s, &A);
        let (r, ev) = call(&mut s, |s, ev| {
            destroy_alpha(s, &acct(10), &acct(2), 10 * TAO, A, true, ev)
        });
        assert_eq!(r, Ok(10 * TAO));
        assert_eq!(
            ev,
            vec![Event::AlphaRecycled(acct(10), acct(2), 10 * TAO, A)]
        );
        assert_eq!(SubnetAlphaOut::get(&s, &A), out - 10 * TAO);
        assert!(of(&s, 2, 10, A).abs_diff(alpha - 10 * TAO) <= 1);
        // Burning more than held burns what is held; issuance stays.
        let held = of(&s, 2, 10, A);
        let (r, ev) = call(&mut s, |s, ev| {
            destroy_alpha(s, &acct(10), &acct(2), u64::MAX, A, false, ev)
        });
        assert_eq!(r, Ok(held));
        assert_eq!(ev, vec![Event::AlphaBurned(acct(10), acct(2), held, A)]);
        assert_eq!(SubnetAlphaOut::get(&s, &A), out - 10 * TAO);
        assert_eq!(of(&s, 2, 10, A), 0);
        for (hotkey, netuid, e) in [
            (2u8, ROOT, Error::CannotBurnOrRecycleOnRootSubnet),
            (2, NetUid(9), Error::SubnetNotExists),
            (77, A, Error::HotKeyAccountNotExists),
        ] {
            for recycle in [true, false] {
                let (r, _) = call(&mut s, |s, ev| {
                    destroy_alpha(s, &acct(10), &acct(hotkey), TAO, netuid, recycle, ev)
                });
                assert_eq!(r, Err(err(e)));
            }
        }
        SubtokenEnabled::insert(&mut s, &A, &false);
        let (r, _) = call(&mut s, |s, ev| {
            destroy_alpha(s, &acct(10), &acct(2), TAO, A, true, ev)
        });
        assert_eq!(r, Err(err(Error::SubtokenDisabled)));
    }

    #[test]
    fn add_stake_burn_buys_and_burns() {
        let mut s = world();
        let out = SubnetAlphaOut::get(&s, &A);
        let (r, ev) = call(&mut s, |s, ev| {
            add_stake_burn(s, &acct(10), &acct(2), A, 10 * TAO, None, author(), ev)
        });
        let alpha = r.unwrap();
        assert_eq!(of(&s, 2, 10, A), 0);
        // Bought alpha left the pool and was burned: issuance counts it.
        assert_eq!(SubnetAlphaOut::get(&s, &A), out + alpha);
        assert_eq!(free(&s, 10), 990 * TAO);
        assert!(matches!(ev.first(), Some(Event::StakeAdded(..))));
        assert_eq!(
            &ev[1..],
            &[
                Event::AlphaBurned(acct(10), acct(2), alpha, A),
                Event::AddStakeBurn {
                    netuid: A,
                    hotkey: acct(2),
                    amount: 10 * TAO,
                    alpha
                },
            ]
        );
        // With a limit at the price: the swap pallet refuses; on root the burn refuses and the
        // stake is undone.
        let at = (pool(&s, A).price() * U64F64::from_num(TAO)).to_num::<u64>();
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_burn(s, &acct(10), &acct(2), A, TAO, Some(at), author(), ev)
        });
        assert_eq!(r, Err(price_limit_exceeded()));
        let (r, _) = call(&mut s, |s, ev| {
            add_stake_burn(
                s,
                &acct(10),
                &acct(2),
                ROOT,
                TAO,
                Some(2 * TAO),
                author(),
                ev,
            )
        });
        assert_eq!(r, Err(err(Error::CannotBurnOrRecycleOnRootSubnet)));
    }

    #[test]
    fn register_limit_caps_the_burn() {
        let mut s = world();
        let burn = Burn::get(&s, &A);
        let (r, _) = call(&mut s, |s, ev| {
            register_limit(s, 5, &acct(10), A, &acct(20), burn - 1, ev)
        });
        assert_eq!(r, Err(err(Error::RegistrationPriceLimitExceeded)));
        let (r, _) = call(&mut s, |s, ev| {
            register_limit(s, 5, &acct(10), ROOT, &acct(20), burn, ev)
        });
        assert_eq!(r, Err(err(Error::RegistrationNotPermittedOnRootSubnet)));
        let (r, _) = call(&mut s, |s, ev| {
            register_limit(s, 5, &acct(10), NetUid(9), &acct(20), burn, ev)
        });
        assert_eq!(r, Err(err(Error::SubnetNotExists)));
        let (r, ev) = call(&mut s, |s, ev| {
            register_limit(s, 5, &acct(10), A, &acct(20), burn, ev)
        });
        assert_eq!(r, Ok(1));
        assert_eq!(ev, vec![Event::NeuronRegistered(A, 1, acct(20))]);
        assert_eq!(free(&s, 10), 1_000 * TAO - burn);
    }

    // ---- Wiring --------------------------------------------------------------------------------------

    #[test]
    fn calls_encode_and_dispatch() {
        use crate::call::{RuntimeCall, SubtensorCall};
        use crate::event::RuntimeEvent;
        use crate::support::{BlockContext, Origin};
        use codec::Encode;
        let call = RuntimeCall::SubtensorModule(SubtensorCall::move_stake {
            origin_hotkey: acct(2),
            destination_hotkey: acct(4),
            origin_netuid: A,
            destination_netuid: A,
            alpha_amount: 10 * TAO,
        });
        let bytes = call.encode();
        assert_eq!(&bytes[..2], &[7, 85]);
        assert_eq!(bytes.len(), 2 + 32 + 32 + 2 + 2 + 8);
        assert_eq!(RuntimeCall::decode_bytes(&bytes).unwrap(), call);
        let limit = RuntimeCall::SubtensorModule(SubtensorCall::remove_stake_full_limit {
            hotkey: acct(2),
            netuid: A,
            limit_price: Some(5),
        });
        assert_eq!(&limit.encode()[..2], &[7, 103]);
        assert_eq!(&limit.encode()[36..], &[1, 5, 0, 0, 0, 0, 0, 0, 0]);
        let register = RuntimeCall::SubtensorModule(SubtensorCall::register_limit {
            netuid: A,
            hotkey: acct(20),
            limit_price: TAO,
        });
        assert_eq!(&register.encode()[..4], &[7, 134, 1, 0]);

        let mut s = world();
        stake(&mut s, 10, 2, A, 100 * TAO);
        let ctx = BlockContext {
            block: 5,
            author: Some(acct(99)),
        };
        let mut events = Vec::new();
        assert_eq!(
            crate::executive::dispatch(&mut s, &ctx, &Origin::None, &call, &mut events),
            Err(DispatchError::BadOrigin)
        );
        crate::executive::dispatch(&mut s, &ctx, &Origin::Signed(acct(10)), &call, &mut events)
            .unwrap();
        assert!(matches!(
            events.last(),
            Some(RuntimeEvent::SubtensorModule(Event::StakeMoved(..)))
        ));
        assert!(of(&s, 4, 10, A).abs_diff(10 * TAO) <= 1);
        let info = crate::executive::call_info(&call);
        assert_eq!(info.pays_fee, crate::support::Pays::Yes);
    }

    // ---- Conservation ------------------------------------------------------------------------------

    const COLDKEYS: [u8; 5] = [1, 10, 11, 12, 99];
    const HOTKEYS: [u8; 3] = [2, 3, 4];

    /// All TAO held anywhere this world can put it.
    fn tao_held(s: &Storage) -> u64 {
        let mut accounts: Vec<AccountId32> = COLDKEYS.iter().map(|c| acct(*c)).collect();
        accounts.extend([ROOT, A, B].map(subnet_account));
        accounts.push(burn_account());
        accounts.iter().map(|a| balances::free_balance(s, a)).sum()
    }

    fn staked(s: &Storage, netuid: NetUid) -> u64 {
        let mut total = 0;
        for h in HOTKEYS {
            for c in COLDKEYS {
                total += of(s, h, c, netuid);
            }
        }
        total
    }

    fn check_invariants(s: &Storage, issuance: u64, alpha_issuance: &[(NetUid, u64)]) {
        assert_eq!(balances::total_issuance(s), issuance);
        assert_eq!(tao_held(s), issuance);
        for (netuid, total) in alpha_issuance {
            // No swap or move creates or destroys alpha.
            assert_eq!(
                SubnetAlphaIn::get(s, netuid) + SubnetAlphaOut::get(s, netuid),
                *total,
                "{netuid:?}"
            );
            assert!(staked(s, *netuid) <= SubnetAlphaOut::get(s, netuid));
            // The pool's TAO is really there.
            assert!(
                SubnetTAO::get(s, netuid) <= balances::free_balance(s, &subnet_account(*netuid))
            );
        }
        // Root stake is TAO, held by root's account.
        assert!(staked(s, ROOT) <= SubnetTAO::get(s, &ROOT));
        assert!(SubnetTAO::get(s, &ROOT) <= balances::free_balance(s, &subnet_account(ROOT)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Moves, transfers and swaps of stake (plain and limited) never create TAO or alpha:
        /// issuance stays, every rao is held by some account, pools' alpha In + Out stays, and
        /// stakes never exceed the alpha outstanding. A failed call leaves the state root as it
        /// was.
        #[test]
        fn moving_stake_conserves_tao_and_alpha(
            ops in prop::collection::vec(
                (0u8..4, 0usize..2, 0usize..2, 0usize..2, 0usize..3, 0usize..3,
                 0u64..40_000_000_000, 500u64..1_100, any::<bool>()),
                1..10,
            ),
        ) {
            let mut s = world();
            for coldkey in [10, 11] {
                for hotkey in [2, 4] {
                    for netuid in [ROOT, A, B] {
                        stake(&mut s, coldkey, hotkey, netuid, 30 * TAO);
                    }
                }
            }
            let issuance = balances::total_issuance(&s);
            let alpha_issuance: Vec<(NetUid, u64)> = [A, B]
                .iter()
                .map(|n| (*n, SubnetAlphaIn::get(&s, n) + SubnetAlphaOut::get(&s, n)))
                .collect();
            check_invariants(&s, issuance, &alpha_issuance);
            let nets = [ROOT, A, B];
            for (kind, c, h1, h2, n1, n2, amount, permille, partial) in ops {
                let coldkey = acct([10, 11][c]);
                let other = acct([11, 10][c]);
                let (hk1, hk2) = (acct([2, 4][h1]), acct([2, 4][h2]));
                let (on, dn) = (nets[n1], nets[n2]);
                // A limit around the current price ratio (permille of it).
                let ratio = pool(&s, on).price() / pool(&s, dn).price();
                let limit = (ratio * U64F64::from_num(TAO) * U64F64::from_num(permille)
                    / U64F64::from_num(1_000))
                .to_num::<u64>();
                let root = s.root();
                let mut ev = Vec::new();
                let r = s.transactional(|s| match kind {
                    0 => move_stake(s, &coldkey, &hk1, &hk2, on, dn, amount, author(), &mut ev),
                    1 => transfer_stake(s, &coldkey, &other, &hk1, on, dn, amount, author(), &mut ev),
                    2 => swap_stake(s, &coldkey, &hk1, on, dn, amount, None, author(), &mut ev),
                    _ => swap_stake(
                        s, &coldkey, &hk1, on, dn, amount, Some((limit, partial)), author(), &mut ev,
                    ),
                });
                if r.is_err() {
                    prop_assert_eq!(s.root(), root);
                }
                check_invariants(&s, issuance, &alpha_issuance);
            }
        }
    }
}
