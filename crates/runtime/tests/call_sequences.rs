//! Property tests over random call sequences applied through the block executive.
//!
//! From the dev chain with one running subnet, random signed calls (transfers, registrations,
//! staking, weights, subnet registration) and empty blocks are applied. After every step:
//! - TAO is conserved: the free balances of all accounts (pools live in their subnet
//!   accounts) sum to `Balances.TotalIssuance`, which equals SubtensorModule's counter and
//!   never exceeds genesis issuance plus the block emissions so far;
//! - every pool's TAO reserve is backed by its subnet account, and the alpha staked on a subnet
//!   never exceeds the alpha outstanding;
//! - a call that fails leaves the state root exactly as it was, and an invalid extrinsic
//!   (bad nonce, no funds) changes nothing at all.
//!
//! Any bytes fed to call decoding give an error or a call, never a panic.

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
use cortex_runtime::call::{BalancesCall, RuntimeCall, SubtensorCall};
use cortex_runtime::executive::{self, Block};
use cortex_runtime::genesis::{GenesisConfig, dev_account};
use cortex_runtime::storage::Storage;
use cortex_runtime::subtensor::emission::block_emission_for_issuance;
use cortex_runtime::subtensor::pool::subnet_account;
use cortex_runtime::subtensor::storage::TotalIssuance as SubtensorTotalIssuance;
use cortex_runtime::subtensor::storage::*;
use cortex_runtime::support::{MultiAddress, Origin};
use proptest::prelude::*;
use std::sync::OnceLock;

const TAO: u64 = 1_000_000_000;

/// Accounts the sequences use: six funded dev coldkeys and six unfunded hotkeys.
fn accounts() -> &'static Vec<AccountId32> {
    static A: OnceLock<Vec<AccountId32>> = OnceLock::new();
    A.get_or_init(|| {
        let mut v: Vec<AccountId32> = [
            "//Alice",
            "//Bob",
            "//Charlie",
            "//Dave",
            "//Eve",
            "//Ferdie",
        ]
        .iter()
        .map(|u| dev_account(u).unwrap())
        .collect();
        for i in 0..6 {
            v.push(dev_account(&format!("//hot{i}")).unwrap());
        }
        v
    })
}

/// The dev chain at block 4 with subnet 1 registered by Alice (hotkey 6) and started, and
/// hotkeys 7 (Bob's) and 8 (Charlie's) registered on it.
fn start() -> &'static (Storage, u64) {
    static S: OnceLock<(Storage, u64)> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = GenesisConfig::dev().unwrap().build().unwrap();
        let genesis_issuance = balances::total_issuance(&s);
        let a = accounts();
        let netuid = NetUid(1);
        let calls = [
            (0, SubtensorCall::register_network { hotkey: a[6] }),
            (0, SubtensorCall::start_call { netuid }),
            (
                1,
                SubtensorCall::burned_register {
                    netuid,
                    hotkey: a[7],
                },
            ),
            (
                2,
                SubtensorCall::burned_register {
                    netuid,
                    hotkey: a[8],
                },
            ),
        ];
        for (i, (who, call)) in calls.into_iter().enumerate() {
            let n = u32::try_from(i + 1).unwrap();
            let mut b = Block::initialize(&mut s, n, [0; 32], None);
            let call = RuntimeCall::SubtensorModule(call);
            let who = a[who];
            let nonce = balances::Account::get(&s, &who).nonce;
            let r = b.apply_signed(&mut s, &who, nonce, 0, &call, 100).unwrap();
            assert_eq!(r.result, Ok(()));
            b.finalize(&mut s);
        }
        (s, genesis_issuance)
    })
}

#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum Step {
    /// An empty block (coinbase, epochs).
    Blocks(u8),
    /// A signed call by account `who` with its expected nonce (or a wrong one).
    Call {
        who: usize,
        call: RuntimeCall,
        nonce_offset: i8,
    },
}

fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => TAO / 100..200 * TAO,
        1 => 0u64..2_000,
        1 => 0u64..2_000_000 * TAO,
        1 => Just(u64::MAX),
    ]
}

fn call() -> impl Strategy<Value = RuntimeCall> {
    // Biased toward the hotkeys registered at the start (6, 7, 8) and the running subnet.
    let acct = prop_oneof![2 => 0usize..12, 3 => 6usize..9].prop_map(|i| accounts()[i]);
    let netuid = prop_oneof![1 => 0u16..3, 4 => Just(1u16)].prop_map(NetUid);
    prop_oneof![
        (acct.clone(), amount()).prop_map(|(d, v)| RuntimeCall::Balances(
            BalancesCall::transfer_keep_alive {
                dest: MultiAddress::Id(d),
                value: v
            }
        )),
        (acct.clone(), amount()).prop_map(|(d, v)| RuntimeCall::Balances(
            BalancesCall::transfer_allow_death {
                dest: MultiAddress::Id(d),
                value: v
            }
        )),
        (acct.clone(), any::<bool>()).prop_map(|(d, k)| RuntimeCall::Balances(
            BalancesCall::transfer_all {
                dest: MultiAddress::Id(d),
                keep_alive: k
            }
        )),
        (netuid.clone(), acct.clone()).prop_map(|(n, h)| RuntimeCall::SubtensorModule(
            SubtensorCall::burned_register {
                netuid: n,
                hotkey: h
            }
        )),
        (acct.clone(), netuid.clone(), amount()).prop_map(|(h, n, v)| {
            RuntimeCall::SubtensorModule(SubtensorCall::add_stake {
                hotkey: h,
                netuid: n,
                amount_staked: v,
            })
        }),
        (acct.clone(), netuid.clone(), amount()).prop_map(|(h, n, v)| {
            RuntimeCall::SubtensorModule(SubtensorCall::remove_stake {
                hotkey: h,
                netuid: n,
                amount_unstaked: v,
            })
        }),
        (
            netuid.clone(),
            prop::collection::vec(0u16..8, 0..6),
            prop::collection::vec(any::<u16>(), 0..6)
        )
            .prop_map(|(n, d, w)| RuntimeCall::SubtensorModule(
                SubtensorCall::set_weights {
                    netuid: n,
                    dests: d,
                    weights: w,
                    version_key: 0,
                }
            )),
        acct.clone().prop_map(
            |h| RuntimeCall::SubtensorModule(SubtensorCall::register_network { hotkey: h })
        ),
        netuid.prop_map(|n| RuntimeCall::SubtensorModule(SubtensorCall::start_call { netuid: n })),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (1u8..15).prop_map(Step::Blocks),
        6 => (0usize..12, call(), prop_oneof![8 => Just(0i8), 1 => -1i8..=2]).prop_map(
            |(who, call, nonce_offset)| Step::Call { who, call, nonce_offset }
        ),
    ]
}

fn check_invariants(s: &Storage, genesis_issuance: u64, emitted: u64) {
    let issuance = balances::total_issuance(s);
    let free: u64 = balances::Account::iter(s)
        .iter()
        .map(|(_, i)| i.data.free)
        .sum();
    assert_eq!(free, issuance, "free balances must sum to the issuance");
    assert_eq!(SubtensorTotalIssuance::get(s), issuance);
    assert!(
        issuance <= genesis_issuance + emitted,
        "issuance {issuance} above genesis {genesis_issuance} + emitted {emitted}"
    );
    for (netuid, added) in NetworksAdded::iter(s) {
        if !added || netuid.is_root() {
            continue;
        }
        let reserve = SubnetTAO::get(s, &netuid);
        let held = balances::free_balance(s, &subnet_account(netuid));
        assert!(
            reserve <= held,
            "subnet {netuid:?}: reserve {reserve} > account {held}"
        );
        // Keys are prefix (32) ++ blake2_128 (16) ++ hotkey (32) ++ netuid (2).
        let staked: u64 = s
            .iter_prefix(&TotalHotkeyAlpha::prefix())
            .into_iter()
            .filter(|(k, _)| k[80..82] == netuid.0.to_le_bytes())
            .map(|(_, v)| <u64 as codec::Decode>::decode(&mut &v[..]).unwrap())
            .sum();
        let out = SubnetAlphaOut::get(s, &netuid);
        assert!(
            staked <= out,
            "subnet {netuid:?}: staked {staked} > alpha out {out}"
        );
    }
}

fn run(steps: Vec<Step>) {
    let (s0, genesis_issuance) = start();
    let mut s = s0.clone();
    let mut number = 4u32;
    let mut emitted = 0u64;
    let author = accounts()[11];
    let mut block = None::<Block>;
    for step in steps {
        match step {
            Step::Blocks(k) => {
                if let Some(b) = block.take() {
                    b.finalize(&mut s);
                }
                for _ in 0..k {
                    number += 1;
                    emitted +=
                        block_emission_for_issuance(SubtensorTotalIssuance::get(&s)).unwrap();
                    let b = Block::initialize(&mut s, number, [0; 32], Some(author));
                    b.finalize(&mut s);
                    check_invariants(&s, *genesis_issuance, emitted);
                }
            }
            Step::Call {
                who,
                call,
                nonce_offset,
            } => {
                let b = block.get_or_insert_with(|| {
                    number += 1;
                    emitted +=
                        block_emission_for_issuance(SubtensorTotalIssuance::get(&s)).unwrap();
                    Block::initialize(&mut s, number, [0; 32], Some(author))
                });
                let who = accounts()[who];
                let expected = balances::Account::get(&s, &who).nonce;
                let nonce = expected.saturating_add_signed(i32::from(nonce_offset));
                let root_before = s.root();
                let len = u32::try_from(call.encode().len() + 100).unwrap();
                let ctx = *b.context();
                match b.apply_signed(&mut s, &who, nonce, 0, &call, len) {
                    Err(_) => {
                        assert_eq!(s.root(), root_before, "an invalid extrinsic changed state")
                    }
                    Ok(applied) => {
                        assert_eq!(nonce, expected);
                        if applied.result.is_err() {
                            // The same call dispatched alone on the pre-state changes nothing.
                            let mut probe = s.clone();
                            let _ = ctx;
                            let before = probe.root();
                            let mut events = Vec::new();
                            let r = executive::dispatch(
                                &mut probe,
                                &ctx,
                                &Origin::Signed(who),
                                &call,
                                &mut events,
                            );
                            if r.is_err() {
                                assert_eq!(probe.root(), before, "a failed call changed state");
                                assert!(events.is_empty());
                            }
                        }
                    }
                }
                check_invariants(&s, *genesis_issuance, emitted);
            }
        }
    }
    if let Some(b) = block.take() {
        b.finalize(&mut s);
    }
    check_invariants(&s, *genesis_issuance, emitted);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_call_sequences_conserve_tao_and_roll_back_failures(
        steps in prop::collection::vec(step(), 1..40)
    ) {
        run(steps);
    }

    #[test]
    fn any_bytes_decode_to_a_call_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = RuntimeCall::decode_bytes(&bytes);
    }

    #[test]
    fn mutated_calls_decode_to_a_call_or_an_error(
        call in call(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = call.encode();
        prop_assert_eq!(RuntimeCall::decode_bytes(&bytes).unwrap(), call);
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let _ = RuntimeCall::decode_bytes(&bytes);
        let keep = cut.index(bytes.len());
        let _ = RuntimeCall::decode_bytes(&bytes[..keep]);
    }
}

#[test]
fn a_failed_call_still_pays_its_fee_and_changes_nothing_else() {
    let (s0, _) = start();
    let mut s = s0.clone();
    let bob = accounts()[1];
    let mut b = Block::initialize(&mut s, 5, [0; 32], Some(accounts()[11]));
    let before = balances::free_balance(&s, &bob);
    // Staking more than Bob has fails with NotEnoughBalanceToStake.
    let call = RuntimeCall::SubtensorModule(SubtensorCall::add_stake {
        hotkey: accounts()[6],
        netuid: NetUid(1),
        amount_staked: 2_000_000 * TAO,
    });
    let nonce = balances::Account::get(&s, &bob).nonce;
    let applied = b.apply_signed(&mut s, &bob, nonce, 0, &call, 120).unwrap();
    assert!(applied.result.is_err());
    assert!(applied.fee > 0);
    assert_eq!(balances::free_balance(&s, &bob), before - applied.fee);
    assert_eq!(balances::Account::get(&s, &bob).nonce, nonce + 1);
    // A stale nonce is invalid and changes nothing.
    let root = s.root();
    assert_eq!(
        b.apply_signed(&mut s, &bob, nonce, 0, &call, 120),
        Err(executive::InvalidTransaction::Stale)
    );
    assert_eq!(s.root(), root);
}
