//! Subtensor's coinbase tests (`spec/economy.md` §9.1) with their asserted numbers, on the
//! runtime's coinbase. Setups follow the test mock: the owner cut and `TaoWeight` are set
//! explicitly, "stable" subnets are mechanism 0 with start call done, "full root stake" is
//! `SubnetTAO[0] = 10^18` with `TaoWeight = u64::MAX` (root proportion ≈ 1).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use cortex_primitives::NetUid;
use cortex_runtime::balances;
use cortex_runtime::storage::Storage;
use cortex_runtime::subtensor::coinbase::{
    SubnetAlphaInEmission, SubnetMovingAlpha, run_coinbase, update_moving_prices,
};
use cortex_runtime::subtensor::storage::*;
use substrate_fixed::types::I96F32;

fn chain() -> Storage {
    let mut s = Storage::new();
    NetworksAdded::insert(&mut s, &NetUid::ROOT, &true);
    SubnetOwnerCut::put(&mut s, &0);
    TaoWeight::put(&mut s, &0);
    s
}

fn add_subnet(s: &mut Storage, n: u16, dynamic: bool) -> NetUid {
    let netuid = NetUid(n);
    NetworksAdded::insert(s, &netuid, &true);
    SubnetMechanism::insert(s, &netuid, &u16::from(dynamic));
    FirstEmissionBlockNumber::insert(s, &netuid, &0);
    SubtokenEnabled::insert(s, &netuid, &true);
    Tempo::insert(s, &netuid, &10_000);
    netuid
}

fn full_root_stake(s: &mut Storage) {
    SubnetTAO::insert(s, &NetUid::ROOT, &1_000_000_000_000_000_000);
    TaoWeight::put(s, &u64::MAX);
}

fn coinbase(s: &mut Storage, emission: u64) {
    run_coinbase(s, 1, emission, &mut Vec::new());
}

#[test]
fn tao_issuance_base() {
    let mut s = chain();
    let n = add_subnet(&mut s, 1, true);
    SubnetMovingPrice::insert(&mut s, &n, &I96F32::from_num(1));
    SubnetTAO::insert(&mut s, &n, &1_000_000_000);
    SubnetAlphaIn::insert(&mut s, &n, &1_000_000_000);
    full_root_stake(&mut s);
    let (tao, issuance, stake) = (
        SubnetTAO::get(&s, &n),
        balances::total_issuance(&s),
        TotalStake::get(&s),
    );
    coinbase(&mut s, 1_234_567);
    assert_eq!(SubnetTAO::get(&s, &n), tao + 1_234_567);
    assert_eq!(balances::total_issuance(&s), issuance + 1_234_567);
    assert_eq!(TotalStake::get(&s), stake + 1_234_567);
}

#[test]
fn tao_issuance_multiple_and_disabled_subnet() {
    let mut s = chain();
    let nets: Vec<NetUid> = (1..=3).map(|i| add_subnet(&mut s, i, false)).collect();
    coinbase(&mut s, 3_333_333);
    for n in &nets {
        assert!(SubnetTAO::get(&s, n).abs_diff(1_111_111) <= 1);
    }
    assert!(balances::total_issuance(&s).abs_diff(3_333_333) <= 3);
    assert!(TotalStake::get(&s).abs_diff(3_333_333) <= 3);

    // Subnet 2 disabled: its share goes to the others; it still gets alpha out.
    let mut s = chain();
    let nets: Vec<NetUid> = (1..=3).map(|i| add_subnet(&mut s, i, false)).collect();
    SubnetEmissionEnabled::insert(&mut s, &nets[1], &false);
    coinbase(&mut s, 3_333_333);
    let t: Vec<u64> = nets.iter().map(|n| SubnetTAO::get(&s, n)).collect();
    assert!(
        t[0].abs_diff(1_666_666) <= 2 && t[2].abs_diff(1_666_666) <= 2,
        "{t:?}"
    );
    assert_eq!(t[1], 0);
    assert_eq!(SubnetAlphaInEmission::get(&s, &nets[1]), 0);
    assert!(SubnetAlphaOut::get(&s, &nets[1]) > 0);
}

#[test]
fn tao_issuance_different_prices() {
    let mut s = chain();
    let a = add_subnet(&mut s, 1, true);
    let b = add_subnet(&mut s, 2, true);
    SubnetTAO::insert(&mut s, &a, &100_000);
    SubnetAlphaIn::insert(&mut s, &a, &1_000_000);
    SubnetTAO::insert(&mut s, &b, &100_000);
    SubnetAlphaIn::insert(&mut s, &b, &500_000);
    SubnetMovingPrice::insert(&mut s, &a, &(I96F32::from_num(1) / I96F32::from_num(10)));
    SubnetMovingPrice::insert(&mut s, &b, &(I96F32::from_num(2) / I96F32::from_num(10)));
    full_root_stake(&mut s);
    let issuance = balances::total_issuance(&s);
    coinbase(&mut s, 100_000_000);
    assert!(SubnetTAO::get(&s, &a).abs_diff(100_000 + 33_333_333) <= 10);
    assert!(SubnetTAO::get(&s, &b).abs_diff(100_000 + 66_666_666) <= 10);
    assert!((balances::total_issuance(&s) - issuance).abs_diff(100_000_000) <= 10);
}

#[test]
fn alpha_issuance_base() {
    let mut s = chain();
    let nets: Vec<NetUid> = (1..=2).map(|i| add_subnet(&mut s, i, false)).collect();
    for n in &nets {
        SubnetTAO::insert(&mut s, n, &1_000_000);
        SubnetAlphaIn::insert(&mut s, n, &1_000_000);
    }
    full_root_stake(&mut s);
    coinbase(&mut s, 1_000_000);
    for n in &nets {
        assert_eq!(SubnetAlphaIn::get(&s, n), 1_500_000);
    }
}

#[test]
fn owner_cut_base() {
    let mut s = chain();
    let n = add_subnet(&mut s, 1, false);
    SubnetTAO::insert(&mut s, &n, &1_000_000_000_000);
    SubnetAlphaIn::insert(&mut s, &n, &1_000_000_000_000);
    coinbase(&mut s, 0);
    assert_eq!(PendingOwnerCut::get(&s, &n), 0);
    SubnetOwnerCut::put(&mut s, &u16::MAX);
    coinbase(&mut s, 0);
    assert_eq!(PendingOwnerCut::get(&s, &n), 1_000_000_000);
}

#[test]
fn moving_prices_converge_like_subtensors() {
    let mut s = chain();
    let n = add_subnet(&mut s, 1, true);
    SubnetTAO::insert(&mut s, &n, &1_000_000_000_000);
    SubnetAlphaIn::insert(&mut s, &n, &1_000_000_000_000);
    SubnetMovingAlpha::put(&mut s, &(I96F32::from_num(1) / I96F32::from_num(10)));
    // First emission at block 1, so at block 201_600 b = 201_600 and α_eff = 0.1/2.
    FirstEmissionBlockNumber::insert(&mut s, &n, &1);
    for _ in 0..14 {
        update_moving_prices(&mut s, 201_600);
    }
    let ema: f64 = SubnetMovingPrice::get(&s, &n).to_num();
    assert!((ema - 0.512325).abs() < 0.001, "ema {ema}");
}
