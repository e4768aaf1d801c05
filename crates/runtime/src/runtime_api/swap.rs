//! `SwapRuntimeApi` (prices and swap quotes, subtensor's `pallets/swap/runtime-api`) and
//! `SubnetRegistrationRuntimeApi` (the subnet lock cost).
//!
//! Quotes run the pool's swap math on a copy of the pool read from storage, so nothing is
//! written; they use the limits `add_stake` and `remove_stake` use (no price limit) and the
//! pool's fee.

use super::current_block;
use super::subnet_info::all_netuids;
use crate::storage::Storage;
use crate::subtensor::pool::{limit_price, pool};
use crate::subtensor::storage::NetworksAdded;
use crate::subtensor::subnets::network_lock_cost_at;
use crate::swap::{MAX_PRICE, MIN_PRICE, Side};
use codec::{Decode, Encode};
use cortex_primitives::NetUid;
use substrate_fixed::types::U64F64;

/// A subnet's spot price (subtensor's `SubnetPrice`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct SubnetPrice {
    /// The subnet.
    pub netuid: u16,
    /// Rao per alpha.
    pub price: u64,
}

/// A swap quote (subtensor's `SimSwapResult`; plain, not compact, integers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct SimSwapResult {
    /// TAO paid in (a buy, net of the fee) or out (a sell).
    pub tao_amount: u64,
    /// Alpha paid out (a buy) or in (a sell, net of the fee).
    pub alpha_amount: u64,
    /// Fee of a buy, in TAO.
    pub tao_fee: u64,
    /// Fee of a sell, in alpha.
    pub alpha_fee: u64,
    /// TAO a sell gets less than at the spot price.
    pub tao_slippage: u64,
    /// Alpha a buy gets less than at the spot price.
    pub alpha_slippage: u64,
}

/// The spot price of `netuid` in TAO per alpha (1 on stable pools, root included).
fn spot(s: &Storage, netuid: NetUid) -> U64F64 {
    pool(s, netuid).price()
}

/// `current_alpha_price(netuid)`: rao per alpha (root and other stable pools: 10^9).
pub fn current_alpha_price(s: &Storage, netuid: u16) -> u64 {
    spot(s, NetUid(netuid))
        .saturating_mul(U64F64::saturating_from_num(1_000_000_000u64))
        .saturating_to_num::<u64>()
}

/// `current_alpha_price_all()`: every subnet's price, in storage order.
pub fn current_alpha_price_all(s: &Storage) -> Vec<SubnetPrice> {
    all_netuids(s)
        .into_iter()
        .map(|n| SubnetPrice {
            netuid: n.0,
            price: current_alpha_price(s, n.0),
        })
        .collect()
}

/// `sim_swap_tao_for_alpha(netuid, tao)`: what staking `tao` would buy (zeros if the swap would
/// fail, or the subnet does not exist).
pub fn sim_swap_tao_for_alpha(s: &Storage, netuid: u16, tao: u64) -> SimSwapResult {
    let netuid = NetUid(netuid);
    if !NetworksAdded::get(s, &netuid) {
        return SimSwapResult::default();
    }
    let price = spot(s, netuid);
    let at_spot = U64F64::saturating_from_num(tao)
        .checked_div(price)
        .unwrap_or_default()
        .saturating_to_num::<u64>();
    match pool(s, netuid).swap(Side::Buy, tao, limit_price(MAX_PRICE), false) {
        Ok(r) => SimSwapResult {
            tao_amount: r.paid_in,
            alpha_amount: r.paid_out,
            tao_fee: r.fee,
            alpha_fee: 0,
            tao_slippage: 0,
            alpha_slippage: at_spot.saturating_sub(r.paid_out),
        },
        Err(_) => SimSwapResult::default(),
    }
}

/// `sim_swap_alpha_for_tao(netuid, alpha)`: what unstaking `alpha` would pay (zeros if the swap
/// would fail, or the subnet does not exist).
pub fn sim_swap_alpha_for_tao(s: &Storage, netuid: u16, alpha: u64) -> SimSwapResult {
    let netuid = NetUid(netuid);
    if !NetworksAdded::get(s, &netuid) {
        return SimSwapResult::default();
    }
    let at_spot = U64F64::saturating_from_num(alpha)
        .saturating_mul(spot(s, netuid))
        .saturating_to_num::<u64>();
    match pool(s, netuid).swap(Side::Sell, alpha, limit_price(MIN_PRICE), false) {
        Ok(r) => SimSwapResult {
            tao_amount: r.paid_out,
            alpha_amount: r.paid_in,
            tao_fee: 0,
            alpha_fee: r.fee,
            tao_slippage: at_spot.saturating_sub(r.paid_out),
            alpha_slippage: 0,
        },
        Err(_) => SimSwapResult::default(),
    }
}

/// `get_network_registration_cost()`: the TAO a subnet registration would lock now.
pub fn get_network_registration_cost(s: &Storage) -> u64 {
    network_lock_cost_at(s, current_block(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesis::GenesisConfig;
    use crate::runtime_api::call;
    use crate::subtensor::Ctx;
    use crate::subtensor::staking::{add_stake, remove_stake};
    use crate::subtensor::storage::{NetworkLastLockCost, SubnetTAO};
    use crate::test_support::{TAO, acct, funded, subnet};

    fn quote(s: &Storage, method: &str, netuid: NetUid, amount: u64) -> SimSwapResult {
        let out = call(s, method, &(netuid.0, amount).encode()).unwrap();
        SimSwapResult::decode(&mut &out[..]).unwrap()
    }

    #[test]
    fn prices() {
        let mut s = GenesisConfig::dev().unwrap().build().unwrap();
        let out = call(&s, "SwapRuntimeApi_current_alpha_price", &[0, 0]).unwrap();
        assert_eq!(u64::decode(&mut &out[..]).unwrap(), 1_000_000_000);
        crate::balances::mint_into(&mut s, &acct(1), 10_000 * TAO, &mut Vec::new()).unwrap();
        let netuid = subnet(&mut s, true);
        let expected = current_alpha_price(&s, netuid.0);
        assert!(expected > 0);
        assert_eq!(
            expected,
            (pool(&s, netuid).price() * U64F64::from_num(1_000_000_000u64)).to_num::<u64>()
        );
        let out = call(&s, "SwapRuntimeApi_current_alpha_price_all", &[]).unwrap();
        assert_eq!(
            Vec::<SubnetPrice>::decode(&mut &out[..]).unwrap(),
            vec![
                SubnetPrice {
                    netuid: 0,
                    price: 1_000_000_000
                },
                SubnetPrice {
                    netuid: netuid.0,
                    price: expected
                },
            ]
        );
        // Plain (not compact) fields: 2 + 8 bytes each.
        assert_eq!(out.len(), 1 + 2 * 10);
    }

    #[test]
    fn quotes_match_real_swaps_and_write_nothing() {
        let mut s = funded(&[(1, 10_000 * TAO), (10, 100 * TAO)]);
        let netuid = subnet(&mut s, true);
        let root = s.root();
        let buy = quote(
            &s,
            "SwapRuntimeApi_sim_swap_tao_for_alpha",
            netuid,
            10 * TAO,
        );
        assert_eq!(s.root(), root);
        assert_eq!(buy.tao_fee, 10 * TAO * 33 / 65_535);
        assert_eq!(buy.tao_amount, 10 * TAO - buy.tao_fee);
        assert!(buy.alpha_slippage > 0);
        assert_eq!((buy.alpha_fee, buy.tao_slippage), (0, 0));
        let tao_before = SubnetTAO::get(&s, &netuid);
        let alpha = add_stake(
            &mut Ctx::new(&mut s, 0, None, &mut Vec::new()),
            &acct(10),
            &acct(2),
            netuid,
            10 * TAO,
        )
        .unwrap();
        assert_eq!(buy.alpha_amount, alpha);
        assert_eq!(SubnetTAO::get(&s, &netuid) - tao_before, buy.tao_amount);

        let root = s.root();
        let sell = quote(&s, "SwapRuntimeApi_sim_swap_alpha_for_tao", netuid, alpha);
        assert_eq!(s.root(), root);
        assert_eq!(sell.alpha_fee, alpha * 33 / 65_535);
        assert_eq!(sell.alpha_amount, alpha - sell.alpha_fee);
        assert!(sell.tao_slippage > 0);
        let tao = remove_stake(
            &mut Ctx::new(&mut s, 0, None, &mut Vec::new()),
            &acct(10),
            &acct(2),
            netuid,
            alpha,
        )
        .unwrap();
        assert_eq!(sell.tao_amount, tao);

        // Root: 1:1 without a fee; a missing subnet: zeros.
        let r = quote(&s, "SwapRuntimeApi_sim_swap_tao_for_alpha", NetUid::ROOT, 5);
        assert_eq!(r, SimSwapResult::default());
        NetworksAdded::insert(&mut s, &NetUid::ROOT, &true);
        let r = quote(&s, "SwapRuntimeApi_sim_swap_tao_for_alpha", NetUid::ROOT, 5);
        assert_eq!((r.tao_amount, r.alpha_amount, r.tao_fee), (5, 5, 0));
        let r = quote(&s, "SwapRuntimeApi_sim_swap_alpha_for_tao", NetUid(42), 5);
        assert_eq!(r, SimSwapResult::default());
        // Plain u64 fields: 48 bytes.
        let out = call(
            &s,
            "SwapRuntimeApi_sim_swap_alpha_for_tao",
            &(netuid.0, 7u64).encode(),
        )
        .unwrap();
        assert_eq!(out.len(), 48);
    }

    #[test]
    fn registration_cost_is_the_lock_register_network_takes() {
        let mut s = funded(&[(1, 100_000 * TAO)]);
        let cost = |s: &Storage| {
            let out = call(
                s,
                "SubnetRegistrationRuntimeApi_get_network_registration_cost",
                &[],
            )
            .unwrap();
            u64::decode(&mut &out[..]).unwrap()
        };
        assert_eq!(cost(&s), 1_000 * TAO);
        crate::system::Number::put(&mut s, &1);
        let quoted = cost(&s);
        let netuid = subnet(&mut s, false);
        assert_eq!(NetworkLastLockCost::get(&s), quoted);
        assert_eq!(SubnetTAO::get(&s, &netuid), quoted);
        // The next registration costs twice as much at the same block.
        assert_eq!(cost(&s), 2 * quoted);
    }
}
