//! The pool and price helpers: a subnet's account and its dynamic-TAO pool as the swap pallet
//! prices it, the swaps that move the pool's reserves (`swap_tao_for_alpha`,
//! `swap_alpha_for_tao`), TAO paid into and out of the subnet account, the moving price, and the
//! most a limit order can fill before the price crosses its limit (`get_max_amount_add`,
//! `get_max_amount_remove`, `get_max_amount_move`: a simulated swap of 1000 times the input
//! reserve stopped at the limit, its input plus fee being the answer; stable pools, root among
//! them, never move, so the answer there is all or nothing). Source: `spec/economy.md` §3.

use super::errors::Error;
use super::storage::*;
use crate::balances::{self, Existence};
use crate::storage::Storage;
use crate::storage_map;
use crate::support::DispatchError;
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

use crate::swap::{
    FeeRate, MAX_PRICE, MAX_SWAP_INPUT_RESERVE_MULTIPLIER, MIN_PRICE, PalSwapInitialized, Pool,
    Side, SwapBalancer, SwapError, SwapResult,
};

/// The account that holds a subnet's TAO: `"modl" ++ "subtensr" ++ SCALE(netuid)`, zero-padded
/// (Substrate's `PalletId::into_sub_account_truncating`).
pub fn subnet_account(netuid: NetUid) -> AccountId32 {
    let mut bytes = [0u8; 32];
    let mut raw = b"modlsubtensr".to_vec();
    raw.extend_from_slice(&netuid.0.to_le_bytes());
    for (dst, src) in bytes.iter_mut().zip(raw) {
        *dst = src;
    }
    AccountId32(bytes)
}

/// The netuid whose subnet account `account` is, if it is one.
pub fn subnet_of_account(account: &AccountId32) -> Option<NetUid> {
    let bytes = account.as_bytes();
    let (head, rest) = bytes.split_at(12);
    let (netuid, padding) = rest.split_at(2);
    if head != b"modlsubtensr" || padding.iter().any(|b| *b != 0) {
        return None;
    }
    Some(NetUid(u16::from_le_bytes([
        *netuid.first()?,
        *netuid.get(1)?,
    ])))
}

/// The pool of `netuid` as swaps read it.
pub fn pool(s: &Storage, netuid: NetUid) -> Pool {
    Pool {
        tao_reserve: SubnetTAO::get(s, &netuid),
        alpha_reserve: SubnetAlphaIn::get(s, &netuid),
        balancer: PalSwapInitialized::get(s, &netuid).then(|| SwapBalancer::get(s, &netuid)),
        fee_rate: FeeRate::get(s, &netuid),
        mechanism: SubnetMechanism::get(s, &netuid),
    }
}

/// The median spot price of the added non-root subnets with a positive price (the mean of
/// the two middle prices for an even count), 1 if there are none.
pub fn median_subnet_alpha_price(s: &Storage) -> U64F64 {
    let mut prices: Vec<U64F64> = NetworksAdded::iter(s)
        .into_iter()
        .filter(|(netuid, added)| *added && !netuid.is_root())
        .map(|(netuid, _)| pool(s, netuid).price())
        .filter(|p| *p > U64F64::from_num(0))
        .collect();
    prices.sort();
    let n = prices.len();
    match (n, prices.get(n / 2)) {
        (0, _) | (_, None) => U64F64::from_num(1),
        (n, Some(mid)) if n % 2 == 1 => *mid,
        (n, Some(high)) => {
            let low = prices
                .get(n.saturating_sub(1) / 2)
                .copied()
                .unwrap_or(*high);
            low.saturating_add(*high)
                .checked_div(U64F64::from_num(2))
                .unwrap_or(*high)
        }
    }
}

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

pub(crate) fn persist_balancer(s: &mut Storage, netuid: NetUid, balancer: &crate::swap::Balancer) {
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

/// Whether `netuid` trades 1:1 (root and stable subnets).
pub(crate) fn is_stable(s: &Storage, netuid: NetUid) -> bool {
    netuid.is_root() || SubnetMechanism::get(s, &netuid) == 0
}

/// A swap simulated at the market limit with fees, as validation sees it.
pub(crate) fn sim_swap(
    s: &Storage,
    netuid: NetUid,
    side: Side,
    amount: u64,
) -> Result<SwapResult, SwapError> {
    let market = match side {
        Side::Buy => MAX_PRICE,
        Side::Sell => MIN_PRICE,
    };
    pool(s, netuid).swap(side, amount, limit_price(market), false)
}

/// What `coldkey` can pay into a subnet: its free balance above the existential deposit.
pub fn spendable(s: &Storage, coldkey: &AccountId32) -> u64 {
    balances::free_balance(s, coldkey).saturating_sub(balances::EXISTENTIAL_DEPOSIT)
}

/// Moves up to `amount` of `coldkey`'s TAO into the subnet account of `netuid`, keeping the
/// coldkey alive (TAO staked, burned for a registration or locked for a subnet all go this way).
/// Returns what was moved: `amount`, or the spendable balance when that is less.
pub fn pay_into_subnet(
    s: &mut Storage,
    coldkey: &AccountId32,
    netuid: NetUid,
    amount: u64,
) -> Result<u64, Error> {
    let paid = amount.min(spendable(s, coldkey));
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
    Ok(paid)
}

/// Pays `amount` out of the subnet account of `netuid` (subtensor's `transfer_tao_from_subnet`).
pub(crate) fn transfer_from_subnet(
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

/// `SubnetAlphaIn + SubnetAlphaOut`.
pub fn alpha_issuance(s: &Storage, netuid: NetUid) -> u64 {
    SubnetAlphaIn::get(s, &netuid).saturating_add(SubnetAlphaOut::get(s, &netuid))
}

/// The EMA price used for emission shares: 1 for root and stable subnets.
pub fn moving_alpha_price(s: &Storage, netuid: NetUid) -> U64F64 {
    if netuid.is_root() || SubnetMechanism::get(s, &netuid) == 0 {
        U64F64::from_num(1)
    } else {
        U64F64::saturating_from_num(SubnetMovingPrice::get(s, &netuid))
    }
}
