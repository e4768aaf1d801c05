//! Property tests of [`run_epoch`] over random small subnets.
//!
//! Inputs: 1 to 24 uids; stakes mixing zeros, small and huge values (the total stays within
//! `i64::MAX`, the epoch's I64F64 range), with or without TAO-weighted root stake; random weight
//! and bond rows (explicit zeros, repeated and out-of-range destinations included); permit, last
//! update and commit vectors of any length; random blocks, emission and hyperparameters (Yuma 3,
//! liquid alpha, κ, β, moving average, alpha bounds, any steepness, top-k, owner, threshold).
//!
//! Checked: the epoch never panics; it is deterministic, also through the JSON scenario path,
//! which agrees with a direct call; it never pays out more than it was given; every output has
//! one entry per uid, bonds point at existing uids and only permit holders keep bonds; no more
//! permits than top-k plus the owner; incentive and dividends stay proportions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use cortex_yuma::{EpochInput, EpochOutput, EpochParams, Expected, Scenario, run_epoch};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::json;

const MAX_N: u16 = 24;

/// Largest alpha (and root) stake of one uid: two of them per uid over 24 uids stay within
/// `i64::MAX`, since the TAO weight is at most 1.
const MAX_PART: u64 = i64::MAX.unsigned_abs() / (2 * MAX_N as u64);

fn stake_value() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0u64),
        3 => 1u64..1000,
        2 => 0u64..=u64::from(u32::MAX),
        1 => 1_000_000_000_000u64..=1_000_000_000_000_000,
        2 => (MAX_PART / 2)..=MAX_PART,
        1 => Just(MAX_PART),
    ]
}

fn block() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..40,
        2 => 0u64..20_000,
        1 => any::<u64>(),
        1 => Just(u64::MAX),
    ]
}

fn u16_value() -> impl Strategy<Value = u16> {
    prop_oneof![
        2 => Just(0u16),
        2 => Just(u16::MAX),
        1 => Just(32767u16),
        4 => any::<u16>(),
    ]
}

/// A stored row. With `clean`, destinations are below `n` (as the scenario format requires);
/// otherwise a few point past the end.
fn row(n: u16, clean: bool) -> impl Strategy<Value = Vec<(u16, u16)>> {
    let dests = if clean { n } else { n + 3 };
    vec((0..dests, u16_value()), 0..=usize::from(n) + 1)
}

fn params(n: u16) -> impl Strategy<Value = EpochParams> {
    let shape = (
        prop_oneof![Just(0u16), 1u16..20, Just(360u16), any::<u16>()],
        prop_oneof![Just(13_889u32), 0u32..5000, any::<u32>()],
        u16_value(),
        u16_value(),
        prop_oneof![
            Just(0u64),
            Just(900_000u64),
            Just(1_000_000u64),
            0u64..=1_000_000
        ],
        any::<bool>(),
        any::<bool>(),
    );
    let rest = (
        (u16_value(), u16_value()),
        any::<i16>(),
        prop_oneof![0u16..=30, any::<u16>()],
        prop_oneof![Just(0u64), 0u64..2000, any::<u64>()],
        option::of(0..n),
        prop_oneof![Just(0u64), block()],
        prop_oneof![Just(0u64), any::<u64>()],
    );
    (shape, rest).prop_map(
        |(
            (tempo, factor, kappa, bonds_penalty, bma, yuma3, liquid_alpha),
            ((a, b), steepness, max_validators, threshold, owner, last_epoch, tao_weight),
        )| EpochParams {
            tempo,
            activity_cutoff_factor_milli: factor,
            kappa,
            bonds_penalty,
            bonds_moving_average: bma,
            yuma3,
            liquid_alpha,
            alpha_low: a.min(b),
            alpha_high: a.max(b),
            alpha_sigmoid_steepness: steepness,
            max_allowed_validators: max_validators,
            stake_threshold: threshold,
            owner_uid: owner,
            last_epoch_block: last_epoch,
            tao_weight,
        },
    )
}

/// A random epoch input. With `clean` it has the shape a scenario file can express: every
/// vector of length `n`, destinations below `n`, no root stake, no commit-reveal.
fn input(clean: bool) -> impl Strategy<Value = EpochInput> {
    (1..=MAX_N).prop_flat_map(move |n| {
        let len = usize::from(n);
        let loose = |min: usize| if clean { len..=len } else { min..=len + 2 };
        let vectors = (
            vec(stake_value(), loose(0)),
            if clean {
                Just(Vec::new()).boxed()
            } else {
                prop_oneof![Just(Vec::new()), vec(stake_value(), len)].boxed()
            },
            vec(block(), loose(0)),
            vec(block(), loose(0)),
            vec(any::<bool>(), loose(0)),
            vec(row(n, clean), loose(0)),
            vec(row(n, clean), loose(0)),
            if clean {
                Just(None).boxed()
            } else {
                option::of(vec(block(), 0..=len)).boxed()
            },
        );
        (vectors, params(n), block(), any::<u64>(), any::<bool>()).prop_map(
            move |(
                (alpha, tao, last_update, registration, permits, weights, bonds, commits),
                params,
                current_block,
                emission,
                healthy,
            )| {
                let mut input = EpochInput {
                    n,
                    current_block,
                    emission,
                    alpha_stake: alpha,
                    tao_stake: tao,
                    last_update,
                    block_at_registration: registration,
                    validator_permit: permits,
                    weights,
                    bonds,
                    commit_blocks: commits,
                    params,
                };
                if healthy {
                    // Half the cases: everyone permitted, registered at 0 and active, so
                    // consensus, incentive and the bond paths are reached often.
                    let block = current_block.max(1);
                    input.current_block = block;
                    input.validator_permit = vec![true; len];
                    input.block_at_registration = vec![0; len];
                    input.last_update = vec![block; len];
                }
                input
            },
        )
    })
}

/// The scenario document that stores `input` and runs one epoch on it.
fn scenario_json(input: &EpochInput) -> serde_json::Value {
    let p = &input.params;
    let rows = |m: &[Vec<(u16, u16)>]| -> serde_json::Map<String, serde_json::Value> {
        m.iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| (i.to_string(), json!(r)))
            .collect()
    };
    json!({
        "n": input.n,
        "params": {
            "kappa": p.kappa,
            "bonds_penalty": p.bonds_penalty,
            "bonds_moving_average": p.bonds_moving_average,
            "yuma3": p.yuma3,
            "liquid_alpha": p.liquid_alpha,
            "alpha_low": p.alpha_low,
            "alpha_high": p.alpha_high,
            "alpha_sigmoid_steepness": p.alpha_sigmoid_steepness,
            "max_allowed_validators": p.max_allowed_validators,
            "tempo": p.tempo,
            "activity_cutoff_factor_milli": p.activity_cutoff_factor_milli,
            "stake_threshold": p.stake_threshold,
            "owner_uid": p.owner_uid,
            "last_epoch_block": p.last_epoch_block,
        },
        "stake": input.alpha_stake,
        "block_at_registration": input.block_at_registration,
        "last_update": input.last_update,
        "validator_permit": input.validator_permit,
        "weights": rows(&input.weights),
        "bonds": rows(&input.bonds),
        "block": input.current_block,
        "events": [{"op": "epoch", "block": input.current_block, "emission": input.emission}],
    })
}

fn sum_u64(v: &[u64]) -> u128 {
    v.iter().map(|x| u128::from(*x)).sum()
}

fn sum_u16(v: &[u16]) -> u64 {
    v.iter().map(|x| u64::from(*x)).sum()
}

/// Checks (c), (d) and (e) on one epoch.
fn check_output(input: &EpochInput, out: &EpochOutput) -> Result<(), TestCaseError> {
    let n = usize::from(input.n);
    let p = &input.params;

    // (c) Never more than E is paid.
    let e = u128::from(input.emission);
    let split = sum_u64(&out.server_emission) + sum_u64(&out.validator_emission);
    prop_assert!(split <= e, "server + validator emission {split} > E {e}");
    let combined = sum_u64(&out.emission);
    prop_assert!(combined <= e, "emission {combined} > E {e}");

    // (d) One entry per uid everywhere.
    let lengths = [
        ("active", out.active.len()),
        ("stake_weight", out.stake_weight.len()),
        ("stake", out.stake.len()),
        ("consensus", out.consensus.len()),
        ("validator_trust", out.validator_trust.len()),
        ("incentive", out.incentive.len()),
        ("dividends", out.dividends.len()),
        ("server_emission", out.server_emission.len()),
        ("validator_emission", out.validator_emission.len()),
        ("emission", out.emission.len()),
        ("validator_permit", out.validator_permit.len()),
        ("bonds", out.bonds.len()),
    ];
    for (name, len) in lengths {
        prop_assert_eq!(len, n, "length of {}", name);
    }
    // Bonds point at uids below n; only new permit holders keep a bond row.
    for (i, row) in out.bonds.iter().enumerate() {
        for (j, _) in row {
            prop_assert!(usize::from(*j) < n, "bond {} -> {} with n = {}", i, j, n);
        }
        if !out.validator_permit[i] {
            prop_assert!(
                row.is_empty(),
                "uid {} has no permit but bonds {:?}",
                i,
                row
            );
        }
    }
    // At most top-k permits, plus the owner's.
    let permits = out.validator_permit.iter().filter(|b| **b).count();
    let owner = usize::from(p.owner_uid.is_some());
    let cap = usize::from(p.max_allowed_validators).min(n) + owner;
    prop_assert!(
        permits <= cap,
        "{} permits, k = {}",
        permits,
        p.max_allowed_validators
    );
    // A non-owner permit holder passed the stake threshold.
    for (i, permit) in out.validator_permit.iter().enumerate() {
        let is_owner = p.owner_uid.is_some_and(|o| usize::from(o) == i);
        if *permit && !is_owner {
            prop_assert!(
                out.stake[i] >= p.stake_threshold,
                "uid {} holds a permit with stake {} below threshold {}",
                i,
                out.stake[i],
                p.stake_threshold
            );
        }
    }

    // (e) Incentive and dividends are proportions summing to at most 1 (plus rounding).
    let bound = 65535 + n as u64;
    prop_assert!(
        sum_u16(&out.incentive) <= bound,
        "incentive {:?}",
        out.incentive
    );
    prop_assert!(
        sum_u16(&out.dividends) <= bound,
        "dividends {:?}",
        out.dividends
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// (a) no panic, (b) deterministic, (c)–(e) on any input, ragged vectors included.
    #[test]
    fn any_input_gives_a_sound_deterministic_epoch(input in input(false)) {
        let out = run_epoch(&input);
        prop_assert_eq!(&run_epoch(&input), &out);
        check_output(&input, &out)?;
    }

    /// The scenario path: the document parses, runs like a direct call, and serializes the
    /// same way twice.
    #[test]
    fn scenario_path_is_deterministic_and_agrees(input in input(true)) {
        let text = scenario_json(&input).to_string();
        let scenario = Scenario::from_json(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let first = scenario.run();
        let second = Scenario::from_json(&text).unwrap().run();
        prop_assert_eq!(&first, &second);
        let json_first = serde_json::to_string(&first).unwrap();
        prop_assert_eq!(&json_first, &serde_json::to_string(&second).unwrap());
        let reread: Expected = serde_json::from_str(&json_first).unwrap();
        prop_assert_eq!(&reread, &first);

        prop_assert_eq!(first.epochs.len(), 1);
        let record = &first.epochs[0];
        let mut direct_input = input.clone();
        direct_input.params.tao_weight = 0;
        let out = run_epoch(&direct_input);
        check_output(&direct_input, &out)?;
        prop_assert_eq!(record.block, input.current_block);
        prop_assert_eq!(&record.incentive, &out.incentive);
        prop_assert_eq!(&record.dividends, &out.dividends);
        prop_assert_eq!(&record.consensus, &out.consensus);
        prop_assert_eq!(&record.validator_trust, &out.validator_trust);
        prop_assert_eq!(&record.server_emission, &out.server_emission);
        prop_assert_eq!(&record.validator_emission, &out.validator_emission);
        prop_assert_eq!(&record.validator_permit, &out.validator_permit);
        let mut sorted = out.bonds.clone();
        for row in &mut sorted {
            row.sort_by_key(|(j, _)| *j);
        }
        prop_assert_eq!(&record.bonds, &sorted);
    }
}
