//! Staking: stakes and unstakes, limit orders, nominations, unstaking everything, destroying
//! alpha, and moving stake between hotkeys, coldkeys and subnets.

use super::*;
use crate::balances;
use crate::config::PALLETS;
use crate::subtensor::pool::subnet_account;
use crate::subtensor::pool::{get_max_amount_move, swap_error};
use crate::subtensor::registration::register_limit;
use crate::subtensor::stake_moves::{TransferToggle, move_stake, swap_stake, transfer_stake};
use crate::subtensor::storage::{
    Burn, Delegates, NetworkRateLimit, StakingHotkeys, SubnetAlphaIn, SubnetMechanism, SubnetTAO,
    TotalHotkeyAlpha,
};
use crate::subtensor::subnets::{register_network, start_call};
use crate::swap::SwapError;
use crate::test_support::{TAO, acct, funded};
use proptest::prelude::*;

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
        add_stake(
            &mut Ctx::new(&mut s, 0, None, &mut ev),
            &acct(10),
            &acct(2),
            netuid,
            10 * TAO
        ),
        Err(Error::SubtokenDisabled)
    );
    start_call(&mut s, 2, &acct(1), netuid, &mut Vec::new()).unwrap();
    let issuance = balances::total_issuance(&s);
    let alpha = add_stake(
        &mut Ctx::new(&mut s, 0, Some(&acct(99)), &mut ev),
        &acct(10),
        &acct(2),
        netuid,
        10 * TAO,
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
        &mut Ctx::new(&mut s, 0, Some(&acct(99)), &mut ev),
        &acct(10),
        &acct(2),
        netuid,
        u64::MAX,
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
        add_stake(
            &mut Ctx::new(&mut s, 0, None, ev),
            &acct(10),
            &acct(2),
            netuid,
            1_000
        ),
        Err(Error::AmountTooLow)
    );
    assert_eq!(
        add_stake(
            &mut Ctx::new(&mut s, 0, None, ev),
            &acct(10),
            &acct(2),
            netuid,
            200 * TAO
        ),
        Err(Error::NotEnoughBalanceToStake)
    );
    assert_eq!(
        add_stake(
            &mut Ctx::new(&mut s, 0, None, ev),
            &acct(10),
            &acct(77),
            netuid,
            TAO
        ),
        Err(Error::HotKeyAccountNotExists)
    );
    assert_eq!(
        remove_stake(
            &mut Ctx::new(&mut s, 0, None, ev),
            &acct(10),
            &acct(2),
            netuid,
            TAO
        ),
        Err(Error::AmountTooLow)
    );
    assert_eq!(
        add_stake(
            &mut Ctx::new(&mut s, 0, None, ev),
            &acct(10),
            &acct(2),
            NetUid(9),
            TAO
        ),
        Err(Error::SubnetNotExists)
    );
}

// ---- Stake operations --------------------------------------------------------------------------

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
        &mut Ctx::new(s, 0, author(), &mut Vec::new()),
        &acct(coldkey),
        &acct(hotkey),
        netuid,
        tao,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            10 * TAO,
            2 * TAO,
            false,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            10 * TAO,
            limit,
            false,
        )
    });
    assert_eq!(r, Err(err(Error::SlippageTooHigh)));
    let before = free(&s, 10);
    let (r, ev) = call(&mut s, |s, ev| {
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            10 * TAO,
            limit,
            true,
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
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            TAO,
            at,
            true,
        )
    });
    assert_eq!(r, Err(price_limit_exceeded()));
    // More than 1000 × the TAO reserve.
    let (r, _) = call(&mut s, |s, ev| {
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            u64::MAX / 2,
            u64::MAX,
            true,
        )
    });
    assert_eq!(r, Err(err(Error::InsufficientLiquidity)));
}

#[test]
fn add_stake_limit_on_root() {
    let mut s = world();
    let (r, _) = call(&mut s, |s, ev| {
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            ROOT,
            TAO,
            999_999_999,
            false,
        )
    });
    assert_eq!(r, Err(err(Error::SlippageTooHigh)));
    let (r, _) = call(&mut s, |s, ev| {
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            ROOT,
            TAO,
            999_999_999,
            true,
        )
    });
    assert_eq!(r, Err(err(Error::AmountTooLow)));
    let (r, ev) = call(&mut s, |s, ev| {
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            ROOT,
            TAO,
            TAO,
            false,
        )
    });
    assert_eq!(r, Ok(TAO));
    assert_eq!(
        ev,
        vec![Event::StakeAdded(acct(10), acct(2), TAO, TAO, ROOT, 0)]
    );
    assert_eq!(SubnetTAO::get(&s, &ROOT), TAO);
    let (r, _) = call(&mut s, |s, ev| {
        add_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            NetUid(9),
            TAO,
            TAO,
            false,
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
        remove_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            TAO,
            above,
            true,
        )
    });
    assert_eq!(r, Err(price_limit_exceeded()));
    // 1 % below the price admits about 5 alpha.
    let limit = (p * U64F64::from_num(0.99) * U64F64::from_num(TAO)).to_num::<u64>();
    let max = get_max_amount_remove(&s, A, limit).unwrap();
    assert!(max > 4 * TAO && max < 6 * TAO, "{max}");
    let (r, _) = call(&mut s, |s, ev| {
        remove_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            50 * TAO,
            limit,
            false,
        )
    });
    assert_eq!(r, Err(err(Error::SlippageTooHigh)));
    let before = free(&s, 10);
    let (r, ev) = call(&mut s, |s, ev| {
        remove_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            50 * TAO,
            limit,
            true,
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
        remove_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            held + 1,
            0,
            true,
        )
    });
    assert_eq!(r, Err(err(Error::NotEnoughStakeToWithdraw)));
    // Allowed with the subtoken disabled, where remove_stake is not.
    SubtokenEnabled::insert(&mut s, &A, &false);
    let (r, _) = call(&mut s, |s, ev| {
        Ok(remove_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            held,
        )?)
    });
    assert_eq!(r, Err(err(Error::SubtokenDisabled)));
    let (r, _) = call(&mut s, |s, ev| {
        remove_stake_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            held,
            0,
            false,
        )
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
        remove_stake_full_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            Some(high),
        )
    });
    assert_eq!(r, Err(price_limit_exceeded()));
    let (r, ev) = call(&mut s, |s, ev| {
        remove_stake_full_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            Some(MIN_PRICE),
        )
    });
    r.unwrap();
    assert_eq!(of(&s, 2, 10, A), 0);
    assert!(matches!(ev.as_slice(), [Event::StakeRemoved(_, _, _, a, ..)] if *a < alpha));
    stake(&mut s, 10, 2, A, 100 * TAO);
    let (r, _) = call(&mut s, |s, ev| {
        remove_stake_full_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            None,
        )
    });
    r.unwrap();
    assert_eq!(of(&s, 2, 10, A), 0);
    // Nothing left to remove.
    let (r, _) = call(&mut s, |s, ev| {
        remove_stake_full_limit(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            None,
        )
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            &acct(4),
            A,
            A,
            10 * TAO,
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
        move_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            &acct(4),
            A,
            A,
            1_000,
        )
    });
    assert_eq!(r, Err(err(Error::AmountTooLow)));
    let (r, _) = call(&mut s, |s, ev| {
        move_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            &acct(2),
            A,
            A,
            TAO,
        )
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            &acct(4),
            A,
            B,
            10 * TAO,
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
                &mut Ctx::new(s, 0, author(), ev),
                &acct(10),
                &acct(o),
                &acct(d),
                on,
                dn,
                amount,
            )
        });
        assert_eq!(r, Err(err(e)), "{args:?}");
    }
    SubtokenEnabled::insert(&mut s, &B, &false);
    let (r, _) = call(&mut s, |s, ev| {
        move_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            &acct(4),
            A,
            B,
            10 * TAO,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(11),
            &acct(2),
            A,
            A,
            10 * TAO,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(12),
            &acct(2),
            A,
            B,
            10 * TAO,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(11),
            &acct(2),
            A,
            B,
            10 * TAO,
        )
    });
    assert_eq!(r, Err(err(Error::TransferDisallowed)));
    let (r, _) = call(&mut s, |s, ev| {
        transfer_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(12),
            &acct(11),
            &acct(2),
            B,
            B,
            TAO,
        )
    });
    assert_eq!(r, Err(err(Error::TransferDisallowed)));
    // move_stake does not look at the toggle.
    let (r, _) = call(&mut s, |s, ev| {
        move_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            &acct(2),
            A,
            B,
            10 * TAO,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            ROOT,
            A,
            20 * TAO,
            None,
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
        swap_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            ROOT,
            on_a,
            None,
        )
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
        swap_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            ROOT,
            ROOT,
            TAO,
            None,
        )
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            B,
            50 * TAO,
            Some((limit, false)),
        )
    });
    assert_eq!(r, Err(err(Error::SlippageTooHigh)));
    let (r, ev) = call(&mut s, |s, ev| {
        swap_stake(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            B,
            50 * TAO,
            Some((limit, true)),
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            B,
            TAO,
            Some((above, false)),
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
        unstake_all(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(77),
            false,
        )
    });
    assert_eq!(r, Err(err(Error::HotKeyAccountNotExists)));
    // Closed subnets are skipped.
    SubtokenEnabled::insert(&mut s, &B, &false);
    let (r, ev) = call(&mut s, |s, ev| {
        unstake_all(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            false,
        )
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
        unstake_all(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            false,
        )
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
        unstake_all(&mut Ctx::new(s, 0, author(), ev), &acct(10), &acct(2), true)
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
        unstake_all(&mut Ctx::new(s, 0, author(), ev), &acct(10), &acct(2), true)
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            alpha - keep,
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
            &mut Ctx::new(s, 0, author(), ev),
            &acct(1),
            &acct(2),
            A,
            alpha - keep,
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
        destroy_alpha(
            &mut Ctx::new(s, 0, None, ev),
            &acct(10),
            &acct(2),
            10 * TAO,
            A,
            true,
        )
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
        destroy_alpha(
            &mut Ctx::new(s, 0, None, ev),
            &acct(10),
            &acct(2),
            u64::MAX,
            A,
            false,
        )
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
                destroy_alpha(
                    &mut Ctx::new(s, 0, None, ev),
                    &acct(10),
                    &acct(hotkey),
                    TAO,
                    netuid,
                    recycle,
                )
            });
            assert_eq!(r, Err(err(e)));
        }
    }
    SubtokenEnabled::insert(&mut s, &A, &false);
    let (r, _) = call(&mut s, |s, ev| {
        destroy_alpha(
            &mut Ctx::new(s, 0, None, ev),
            &acct(10),
            &acct(2),
            TAO,
            A,
            true,
        )
    });
    assert_eq!(r, Err(err(Error::SubtokenDisabled)));
}

#[test]
fn add_stake_burn_buys_and_burns() {
    let mut s = world();
    let out = SubnetAlphaOut::get(&s, &A);
    let (r, ev) = call(&mut s, |s, ev| {
        add_stake_burn(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            10 * TAO,
            None,
        )
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
        add_stake_burn(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            A,
            TAO,
            Some(at),
        )
    });
    assert_eq!(r, Err(price_limit_exceeded()));
    let (r, _) = call(&mut s, |s, ev| {
        add_stake_burn(
            &mut Ctx::new(s, 0, author(), ev),
            &acct(10),
            &acct(2),
            ROOT,
            TAO,
            Some(2 * TAO),
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
        assert!(SubnetTAO::get(s, netuid) <= balances::free_balance(s, &subnet_account(*netuid)));
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
                0 => move_stake(&mut Ctx::new(s, 0, author(), &mut ev), &coldkey, &hk1, &hk2, on, dn, amount),
                1 => transfer_stake(&mut Ctx::new(s, 0, author(), &mut ev), &coldkey, &other, &hk1, on, dn, amount),
                2 => swap_stake(&mut Ctx::new(s, 0, author(), &mut ev), &coldkey, &hk1, on, dn, amount, None),
                _ => swap_stake(&mut Ctx::new(s, 0, author(), &mut ev), &coldkey, &hk1, on, dn, amount, Some((limit, partial))),
            });
            if r.is_err() {
                prop_assert_eq!(s.root(), root);
            }
            check_invariants(&s, issuance, &alpha_issuance);
        }
    }
}
