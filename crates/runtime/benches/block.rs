//! Criterion benchmarks of the runtime's block work.
//!
//! - `transfers/10000`: one block applying 10,000 signed `transfer_keep_alive` calls (nonce
//!   check, fee, transfer, events) from 100 funded accounts; divide by 10,000 for µs per call.
//! - `worst_block/128x256`: the block step of a chain with 128 running subnets of 256 uids
//!   each (64 validators weighting all 256 uids, bonds from earlier epochs) where every
//!   subnet's epoch is due: the coinbase of all 128 subnets, 2 epochs with their payouts (the
//!   main-network cap) and 126 deferrals.
//! - `get_all_dynamic_info, 128 subnets x 256 uids`: the runtime API `btcli subnets list` and
//!   `wallet balance` call, on that same chain.
//! - `get_metagraph, 256 uids` and `get_all_metagraphs/128 subnets x 256 uids`: the metagraph
//!   runtime APIs (`btcli subnets show`, the SDK's metagraph sync, `btcli view dashboard`) on
//!   that chain.
//!
//! Run: `cargo bench -p cortex-runtime --bench block`. State is cloned outside the timing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use codec::Encode;
use cortex_primitives::{AccountId32, NetUid};
use cortex_runtime::balances;
use cortex_runtime::call::{BalancesCall, RuntimeCall};
use cortex_runtime::executive::Block;
use cortex_runtime::genesis::{ChainParams, GenesisConfig};
use cortex_runtime::storage::Storage;
use cortex_runtime::subtensor::coinbase::increase_stake_for_hotkey_and_coldkey;
use cortex_runtime::subtensor::registration::append_neuron;
use cortex_runtime::subtensor::storage::*;
use cortex_runtime::subtensor::subnets::init_new_network;
use cortex_runtime::support::MultiAddress;
use cortex_runtime::swap::Balancer;
use cortex_runtime::swap::SwapBalancer;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sp_arithmetic::Perquintill;
use std::hint::black_box;
use substrate_fixed::types::I96F32;

const TAO: u64 = 1_000_000_000;

fn account(tag: u8, i: u32) -> AccountId32 {
    let mut b = [tag; 32];
    b[..4].copy_from_slice(&i.to_le_bytes());
    AccountId32(b)
}

fn transfers(c: &mut Criterion) {
    let senders: Vec<AccountId32> = (0..100).map(|i| account(1, i)).collect();
    let config = GenesisConfig {
        balances: senders.iter().map(|a| (*a, 1_000_000 * TAO)).collect(),
        sudo: None,
        root_owner: None,
        params: ChainParams::MAINNET,
    };
    let genesis = config.build().unwrap();
    let calls: Vec<(AccountId32, u32, RuntimeCall)> = (0..10_000u32)
        .map(|i| {
            let from = senders[(i % 100) as usize];
            let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: MultiAddress::Id(account(2, i % 1000)),
                value: TAO + u64::from(i),
            });
            (from, i / 100, call)
        })
        .collect();
    let mut group = c.benchmark_group("transfers");
    group.sample_size(10);
    group.bench_function("10000", |b| {
        b.iter_batched(
            || genesis.clone(),
            |mut s| {
                let mut block = Block::initialize(&mut s, 1, [0; 32], Some(account(3, 0)));
                for (from, nonce, call) in &calls {
                    let len = call.encode().len() as u32 + 100;
                    let r = block
                        .apply_signed(&mut s, from, *nonce, 0, call, len)
                        .unwrap();
                    assert!(r.result.is_ok());
                }
                black_box(block.finalize(&mut s));
                s
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// 128 started subnets of 256 uids, 64 staked validators each with dense weights, after
/// `warm` blocks so that bonds exist; every epoch is due at the returned block.
fn big_chain() -> (Storage, u32) {
    let mut s = GenesisConfig {
        balances: vec![(account(9, 0), 1_000_000 * TAO)],
        sudo: None,
        root_owner: None,
        params: ChainParams::MAINNET,
    }
    .build()
    .unwrap();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let tempo = 360u16;
    for n in 1..=128u16 {
        let netuid = NetUid(n);
        init_new_network(&mut s, netuid, tempo, 1);
        SubnetMechanism::insert(&mut s, &netuid, &1);
        SubtokenEnabled::insert(&mut s, &netuid, &true);
        FirstEmissionBlockNumber::insert(&mut s, &netuid, &1);
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &false);
        SubnetTAO::insert(&mut s, &netuid, &(10_000 * TAO));
        SubnetAlphaIn::insert(&mut s, &netuid, &(10_000 * TAO));
        SwapBalancer::insert(
            &mut s,
            &netuid,
            &Balancer::new(Perquintill::from_percent(50)).unwrap(),
        );
        SubnetMovingPrice::insert(&mut s, &netuid, &I96F32::from_num(1));
        let owner = account(4, u32::from(n));
        SubnetOwner::insert(&mut s, &netuid, &owner);
        for uid in 0..256u32 {
            let hotkey = account(5, u32::from(n) * 1000 + uid);
            Owner::insert(&mut s, &hotkey, &owner);
            append_neuron(&mut s, netuid, &hotkey, 1);
            if uid < 64 {
                let stake = 1_000 * TAO + next() % (1_000 * TAO);
                increase_stake_for_hotkey_and_coldkey(&mut s, &hotkey, &owner, netuid, stake);
                let row: Vec<(u16, u16)> =
                    (0..256u16).map(|d| (d, (next() % 65_535) as u16)).collect();
                Weights::insert(&mut s, &n, &(uid as u16), &row);
            }
        }
        SubnetAlphaOut::insert(&mut s, &netuid, &(200_000 * TAO));
        SubnetOwnerHotkey::insert(&mut s, &netuid, &account(5, u32::from(n) * 1000));
        ValidatorPermit::insert(&mut s, &netuid, &(0..256).map(|u| u < 64).collect());
    }
    // Warm up: run blocks until every subnet has had an epoch (bonds written), with a cap high
    // enough to run them all; then make every epoch due at once.
    MaxEpochsPerBlock::put(&mut s, &128);
    let mut number = 1u32;
    for _ in 0..(u32::from(tempo) + 2) {
        number += 1;
        let b = Block::initialize(&mut s, number, [0; 32], None);
        b.finalize(&mut s);
    }
    MaxEpochsPerBlock::put(&mut s, &2);
    number += 1;
    for n in 1..=128u16 {
        LastEpochBlock::insert(&mut s, &NetUid(n), &u64::from(number - u32::from(tempo)));
        let index = n;
        LastUpdate::insert(&mut s, &index, &vec![u64::from(number - 1); 256]);
    }
    (s, number)
}

fn worst_block(c: &mut Criterion) {
    let (state, number) = big_chain();
    {
        // The measured block really runs two epochs and defers the rest.
        let mut s = state.clone();
        let b = Block::initialize(&mut s, number, [0; 32], None);
        let events = b.finalize(&mut s);
        let deferred = events
            .iter()
            .filter(|e| format!("{:?}", e.event).contains("EpochDeferred"))
            .count();
        assert_eq!(deferred, 126);
        assert!(balances::total_issuance(&s) > 0);
    }
    let mut group = c.benchmark_group("worst_block");
    group.sample_size(10);
    group.bench_function("128x256", |b| {
        b.iter_batched(
            || state.clone(),
            |mut s| {
                let block = Block::initialize(&mut s, number, [0; 32], None);
                black_box(block.finalize(&mut s));
                s
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// `state_call SubnetInfoRuntimeApi_get_all_dynamic_info` as the node executes it, on the
/// 128-subnet chain of `worst_block`: what `btcli subnets list` and `wallet balance` wait for.
fn dynamic_info(c: &mut Criterion) {
    let (s, _) = big_chain();
    let out =
        cortex_runtime::runtime_api::call(&s, "SubnetInfoRuntimeApi_get_all_dynamic_info", &[])
            .expect("the runtime API answers");
    assert!(out.len() > 128 * 100, "one DynamicInfo per subnet");
    c.bench_function("get_all_dynamic_info, 128 subnets x 256 uids", |b| {
        b.iter(|| {
            cortex_runtime::runtime_api::call(&s, "SubnetInfoRuntimeApi_get_all_dynamic_info", &[])
        })
    });
}

/// `SubnetInfoRuntimeApi_get_metagraph` (one subnet, 256 uids) and `_get_all_metagraphs` (all
/// 128 subnets) on the chain of `worst_block`: what `btcli subnets show`, the SDK's metagraph
/// sync and `btcli view dashboard` wait for.
fn metagraphs(c: &mut Criterion) {
    let (s, _) = big_chain();
    let one =
        cortex_runtime::runtime_api::call(&s, "SubnetInfoRuntimeApi_get_metagraph", &1u16.encode())
            .expect("the runtime API answers");
    assert!(one.len() > 256 * 64, "256 hotkeys and coldkeys at least");
    let all = cortex_runtime::runtime_api::call(&s, "SubnetInfoRuntimeApi_get_all_metagraphs", &[])
        .expect("the runtime API answers");
    assert!(all.len() > 128 * one.len() / 2, "one metagraph per subnet");
    c.bench_function("get_metagraph, 256 uids", |b| {
        b.iter(|| {
            cortex_runtime::runtime_api::call(
                &s,
                "SubnetInfoRuntimeApi_get_metagraph",
                &1u16.encode(),
            )
        })
    });
    let mut group = c.benchmark_group("get_all_metagraphs");
    group.sample_size(10);
    group.bench_function("128 subnets x 256 uids", |b| {
        b.iter(|| {
            cortex_runtime::runtime_api::call(&s, "SubnetInfoRuntimeApi_get_all_metagraphs", &[])
        })
    });
    group.finish();
}

criterion_group!(benches, transfers, worst_block, dynamic_info, metagraphs);
criterion_main!(benches);
