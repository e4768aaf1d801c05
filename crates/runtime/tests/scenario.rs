//! A whole subnet's life through the block executive: the dev chain, one subnet, 3 validators
//! and 8 miners, 10 tempos of blocks. Incentive must follow the weights, dividends the stake
//! (the validators agree, so their bonds are alike), and the owner cut, the delegate take and
//! the nominator's share must land where `spec/economy.md` §2.5 and §2.7 put them.

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
use cortex_runtime::call::{RuntimeCall, SubtensorCall};
use cortex_runtime::executive::Block;
use cortex_runtime::genesis::{GenesisConfig, dev_account};
use cortex_runtime::storage::Storage;
use cortex_runtime::subtensor::coinbase::{AlphaDividendsPerSubnet, SubnetAlphaOutEmission};
use cortex_runtime::subtensor::shares::stake_of;
use cortex_runtime::subtensor::storage::*;

const TAO: u64 = 1_000_000_000;

struct Chain {
    s: Storage,
    number: u32,
    author: AccountId32,
}

impl Chain {
    fn dev() -> Chain {
        Chain {
            s: GenesisConfig::dev().unwrap().build().unwrap(),
            number: 0,
            author: dev_account("//One").unwrap(),
        }
    }

    /// Builds one block with the given signed calls; every call must succeed.
    fn block(&mut self, calls: &[(AccountId32, SubtensorCall)]) {
        self.number += 1;
        let parent = self.s.root();
        let mut block = Block::initialize(&mut self.s, self.number, parent, Some(self.author));
        for (who, call) in calls {
            let call = RuntimeCall::SubtensorModule(call.clone());
            let nonce = balances::Account::get(&self.s, who).nonce;
            let len = u32::try_from(call.encode().len() + 100).unwrap();
            let applied = block
                .apply_signed(&mut self.s, who, nonce, 0, &call, len)
                .unwrap();
            assert_eq!(applied.result, Ok(()), "block {}: {call:?}", self.number);
        }
        block.finalize(&mut self.s);
    }

    fn run_until(&mut self, number: u32) {
        while self.number < number {
            self.block(&[]);
        }
    }
}

fn key(uri: &str) -> AccountId32 {
    dev_account(uri).unwrap()
}

#[test]
fn incentive_follows_weights_and_dividends_follow_stake() {
    let mut c = Chain::dev();
    let alice = key("//Alice");
    let owner_hotkey = key("//Alice//subnet");
    // Block 1: Alice registers the subnet and starts it.
    c.block(&[(
        alice,
        SubtensorCall::register_network {
            hotkey: owner_hotkey,
        },
    )]);
    let netuid = NetUid(1);
    c.block(&[(alice, SubtensorCall::start_call { netuid })]);
    assert!(!CommitRevealWeightsEnabled::get(&c.s, &netuid));
    assert_eq!(Tempo::get(&c.s, &netuid), 10);

    // Validators (coldkeys Bob, Charlie, Dave) and 8 miners (coldkey Eve).
    let validators: Vec<(AccountId32, AccountId32)> = ["//Bob", "//Charlie", "//Dave"]
        .iter()
        .map(|cold| (key(cold), key(&format!("{cold}//validator"))))
        .collect();
    let eve = key("//Eve");
    let miners: Vec<AccountId32> = (0..8).map(|i| key(&format!("//Eve//miner{i}"))).collect();
    for (cold, hot) in &validators {
        c.block(&[(
            *cold,
            SubtensorCall::burned_register {
                netuid,
                hotkey: *hot,
            },
        )]);
    }
    for m in &miners {
        c.block(&[(eve, SubtensorCall::burned_register { netuid, hotkey: *m })]);
    }
    assert_eq!(SubnetworkN::get(&c.s, &netuid), 12);

    // Stake 100, 200 and 300 TAO on the validators; Ferdie nominates the first with 100 TAO.
    let ferdie = key("//Ferdie");
    let mut stakes = Vec::new();
    for (i, (cold, hot)) in validators.iter().enumerate() {
        stakes.push((
            *cold,
            SubtensorCall::add_stake {
                hotkey: *hot,
                netuid,
                amount_staked: (i as u64 + 1) * 100 * TAO,
            },
        ));
    }
    stakes.push((
        ferdie,
        SubtensorCall::add_stake {
            hotkey: validators[0].1,
            netuid,
            amount_staked: 100 * TAO,
        },
    ));
    c.block(&stakes);

    // Wait out the weights rate limit counted from registration, and an epoch for permits.
    c.run_until(120);
    let uid_of = |s: &Storage, hk: &AccountId32| Uids::try_get(s, &netuid, hk).unwrap();
    let miner_uids: Vec<u16> = miners.iter().map(|m| uid_of(&c.s, m)).collect();
    // Miner i is "better" than miner i-1: weights 1..=8.
    let weights: Vec<u16> = (1..=8u16).collect();
    let calls: Vec<(AccountId32, SubtensorCall)> = validators
        .iter()
        .map(|(_, hot)| {
            (
                *hot,
                SubtensorCall::set_weights {
                    netuid,
                    dests: miner_uids.clone(),
                    weights: weights.clone(),
                    version_key: 0,
                },
            )
        })
        .collect();
    c.block(&calls);

    // Let the weights take effect (one epoch), then measure over 10 tempos.
    let next_epoch =
        |s: &Storage| LastEpochBlock::get(s, &netuid) + u64::from(Tempo::get(s, &netuid));
    let first = next_epoch(&c.s);
    c.run_until(u32::try_from(first).unwrap());
    assert_eq!(LastEpochBlock::get(&c.s, &netuid), first);

    let miner_stake = |s: &Storage| -> Vec<u64> {
        miners
            .iter()
            .map(|m| stake_of(s, m, &eve, netuid))
            .collect()
    };
    let validator_alpha = |s: &Storage| -> Vec<u64> {
        validators
            .iter()
            .map(|(_, h)| TotalHotkeyAlpha::get(s, h, &netuid))
            .collect()
    };
    let owner_stake = |s: &Storage| stake_of(s, &owner_hotkey, &alice, netuid);
    let before_miners = miner_stake(&c.s);
    let before_validators = validator_alpha(&c.s);
    let before_owner = owner_stake(&c.s);
    let before_ferdie = stake_of(&c.s, &validators[0].1, &ferdie, netuid);
    let before_bob_own = stake_of(&c.s, &validators[0].1, &validators[0].0, netuid);
    let alpha_out_before = SubnetAlphaOut::get(&c.s, &netuid);

    let end = first + 10 * u64::from(Tempo::get(&c.s, &netuid));
    c.run_until(u32::try_from(end).unwrap());
    assert_eq!(LastEpochBlock::get(&c.s, &netuid), end);

    // Every block minted one alpha to participants (issuance far below the first halving).
    assert_eq!(SubnetAlphaOutEmission::get(&c.s, &netuid), TAO);
    let blocks = end - first;
    assert_eq!(
        SubnetAlphaOut::get(&c.s, &netuid) - alpha_out_before,
        blocks * TAO
    );

    // Incentive follows the weights: strictly increasing with the weight, roughly in
    // proportion (consensus clips nothing here since all validators agree).
    let gained: Vec<u64> = miner_stake(&c.s)
        .iter()
        .zip(&before_miners)
        .map(|(a, b)| a - b)
        .collect();
    for w in gained.windows(2) {
        assert!(w[1] > w[0], "incentive must follow weights: {gained:?}");
    }
    let total_incentive: u64 = gained.iter().sum();
    eprintln!("incentive per miner: {gained:?}");
    for (i, g) in gained.iter().enumerate() {
        let expected = total_incentive as f64 * (i as f64 + 1.0) / 36.0;
        assert!(
            (*g as f64 - expected).abs() / expected < 0.01,
            "miner {i}: {g} vs {expected}"
        );
    }

    // Owner cut: 11_796/65_535 of each block's alpha, staked to the owner hotkey for Alice.
    let cut_per_block = (TAO as u128 * 11_796 / 65_535) as u64;
    let owner_gain = owner_stake(&c.s) - before_owner;
    let expected_cut = cut_per_block * blocks;
    assert!(
        owner_gain.abs_diff(expected_cut) <= blocks,
        "owner cut {owner_gain} vs {expected_cut}"
    );

    // Miners get half of the rest, validators the other half (no root stake: no root share).
    let rest = blocks * TAO - expected_cut;
    assert!(
        total_incentive.abs_diff(rest / 2) <= 10 * blocks,
        "incentive {total_incentive} vs {}",
        rest / 2
    );
    let div_gained: Vec<u64> = validator_alpha(&c.s)
        .iter()
        .zip(&before_validators)
        .map(|(a, b)| a - b)
        .collect();
    let total_div: u64 = div_gained.iter().sum();
    eprintln!("dividends per validator: {div_gained:?}, stake {before_validators:?}");
    assert!(
        total_div.abs_diff(rest / 2) <= 10 * blocks,
        "dividends {total_div} vs {}",
        rest / 2
    );

    // Dividends follow stake (the validators agree, so bonds are alike): shares of the
    // dividends are close to shares of the stake weights.
    let stake_now: Vec<u64> = before_validators.clone();
    let stake_total: u64 = stake_now.iter().sum();
    for (i, d) in div_gained.iter().enumerate() {
        let share = *d as f64 / total_div as f64;
        let stake_share = stake_now[i] as f64 / stake_total as f64;
        assert!(
            (share - stake_share).abs() < 0.02,
            "validator {i}: dividend share {share} vs stake share {stake_share}"
        );
    }

    // The take: Bob (validator 0's owner) gets 18% of its dividends on top of his pro-rata
    // share; Ferdie only his pro-rata share of the remaining 82%.
    let ferdie_gain = stake_of(&c.s, &validators[0].1, &ferdie, netuid) - before_ferdie;
    let bob_gain = stake_of(&c.s, &validators[0].1, &validators[0].0, netuid) - before_bob_own;
    assert!(ferdie_gain > 0 && bob_gain > ferdie_gain);
    let last = AlphaDividendsPerSubnet::get(&c.s, &netuid, &validators[0].1);
    assert!(last > 0, "the last epoch recorded validator 0's dividends");
    assert!(
        (bob_gain + ferdie_gain).abs_diff(div_gained[0]) <= 2 * 10,
        "validator 0's dividends are split between its two stakers"
    );
    let take = 11_796f64 / 65_535f64;
    let ferdie_share = before_ferdie as f64 / before_validators[0] as f64;
    let expected_ferdie = div_gained[0] as f64 * (1.0 - take) * ferdie_share;
    assert!(
        (ferdie_gain as f64 - expected_ferdie).abs() / expected_ferdie < 0.02,
        "nominator {ferdie_gain} vs {expected_ferdie}"
    );

    // The chain holds its TAO: free balances sum to the issuance.
    let total_free: u64 = balances::Account::iter(&c.s)
        .iter()
        .map(|(_, info)| info.data.free)
        .sum();
    assert_eq!(total_free, balances::total_issuance(&c.s));
    assert!(
        balances::free_balance(&c.s, &c.author) > 0,
        "fees reached the author"
    );
}
