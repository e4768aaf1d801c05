//! Same seed, same JSON, byte for byte; scenario files in `examples/sim/` parse and run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cortex_sim::{Scenario, simulate};
use proptest::prelude::*;
use std::path::Path;

fn example(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/sim")
        .join(name);
    Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let s = example("copier.json");
    let a = serde_json::to_string(&simulate(&s)).unwrap();
    let b = serde_json::to_string(&simulate(&s)).unwrap();
    assert_eq!(a, b);
    let mut other = s.clone();
    other.seed = s.seed.wrapping_add(1);
    assert_ne!(a, serde_json::to_string(&simulate(&other)).unwrap());
}

#[test]
fn every_example_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sim");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let mut s = Scenario::from_json(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            s.epochs = s.epochs.min(12);
            let sim = simulate(&s);
            assert_eq!(sim.epochs.len(), s.epochs as usize, "{}", path.display());
            count += 1;
        }
    }
    assert!(count >= 4);
}

#[test]
fn a_sweep_is_the_same_whatever_the_threads() {
    let mut s = example("copier.json");
    s.epochs = 8;
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| cortex_sim::experiments::sweep(&s, 4).unwrap());
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| cortex_sim::experiments::sweep(&s, 4).unwrap());
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Whatever the seed and mix of behaviours: shares are proportions, emission is conserved
    /// (epoch rounding aside), and the Nakamoto coefficient is within the number of uids.
    #[test]
    fn shares_are_proportions(seed in any::<u64>(), copier in 0.01f64..0.5, noise in 0.0f64..0.5) {
        let mut s = example("copier.json");
        s.seed = seed;
        s.epochs = 6;
        s.validators[1].stake = copier;
        if let cortex_sim::scenario::Behaviour::Honest { noise: n, .. } = &mut s.validators[0].behaviour {
            *n = noise;
        }
        let sim = simulate(&s);
        let m = &sim.summary;
        prop_assert!((0.0..=1.0 + 1e-9).contains(&m.honest_dividend_share));
        prop_assert!(m.nakamoto_emission <= s.n());
        for rec in &sim.epochs {
            let div: f64 = rec.groups.values().filter_map(|g| g.dividend_share).sum();
            let inc: f64 = rec.groups.values().filter_map(|g| g.incentive_share).sum();
            prop_assert!(div < 1e-9 || (div - 1.0).abs() < 1e-6, "{div}");
            prop_assert!(inc < 1e-9 || (inc - 1.0).abs() < 1e-6, "{inc}");
        }
    }
}
