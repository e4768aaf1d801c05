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

fn registered_staker(
    s: &mut Storage,
    netuid: NetUid,
    b: u8,
    alpha: u64,
) -> cortex_primitives::AccountId32 {
    let hotkey = cortex_primitives::AccountId32([b; 32]);
    let coldkey = cortex_primitives::AccountId32([b + 100; 32]);
    Owner::insert(s, &hotkey, &coldkey);
    cortex_runtime::subtensor::registration::append_neuron(s, netuid, &hotkey, 0);
    cortex_runtime::subtensor::coinbase::increase_stake_for_hotkey_and_coldkey(
        s, &hotkey, &coldkey, netuid, alpha,
    );
    hotkey
}

#[test]
fn drain_pays_single_and_two_stakers() {
    use cortex_runtime::subtensor::coinbase::distribute_emission;
    // One staker with 10^9 alpha receives the whole 10^9 distributed.
    let mut s = chain();
    let n = add_subnet(&mut s, 1, false);
    let hk = registered_staker(&mut s, n, 1, 1_000_000_000);
    distribute_emission(
        &mut s,
        n,
        1,
        (500_000_000, 500_000_000, 0, 0),
        &mut Vec::new(),
    );
    assert!(TotalHotkeyAlpha::get(&s, &hk, &n).abs_diff(2_000_000_000) <= 10);

    // Two stakers with 10^9 each receive half each.
    let mut s = chain();
    let n = add_subnet(&mut s, 1, false);
    let a = registered_staker(&mut s, n, 1, 1_000_000_000);
    let b = registered_staker(&mut s, n, 2, 1_000_000_000);
    distribute_emission(
        &mut s,
        n,
        1,
        (500_000_000, 500_000_000, 0, 0),
        &mut Vec::new(),
    );
    for hk in [a, b] {
        assert!(TotalHotkeyAlpha::get(&s, &hk, &n).abs_diff(1_500_000_000) <= 10);
    }
}

#[test]
fn at_most_max_epochs_per_block_run_the_rest_are_deferred() {
    let mut s = chain();
    MaxEpochsPerBlock::put(&mut s, &2);
    for i in 1..=4 {
        let n = add_subnet(&mut s, i, false);
        Tempo::insert(&mut s, &n, &10);
    }
    let mut events = Vec::new();
    run_coinbase(&mut s, 10, 0, &mut events);
    let deferred = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                cortex_runtime::subtensor::events::Event::EpochDeferred { .. }
            )
        })
        .count();
    assert_eq!(deferred, 2);
    assert_eq!(PendingEpochAt::get(&s, &NetUid(3)), 11);
    assert_eq!(LastEpochBlock::get(&s, &NetUid(1)), 10);
}
