//! Acceptance tests: the published claims of `shared/spec/integrity.md`, on the chain's epoch.
//!
//! Sizes are small but keep the published structure (the consensus map runs at the published
//! 512 uids and 64 validators); each test takes seconds with the crate optimized in dev builds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cortex_sim::consensus::{self, MapConfig};
use cortex_sim::experiments::{self, CabalArgs, CopierArgs, LateArgs, SybilArgs};

fn copier_g(k: u32, drift: f64, liquid_alpha: bool, jump: f64, epochs: u32) -> f64 {
    experiments::copier(&CopierArgs {
        reveal_tempos: k,
        drift,
        liquid_alpha,
        jump,
        jump_epoch: (jump > 0.0).then_some(30),
        epochs,
        honest_validators: 15,
        miners: 96,
        ..CopierArgs::default()
    })
    .unwrap()
    .g
    .unwrap()
}

#[test]
fn copier_g_falls_below_one_as_the_reveal_delay_grows() {
    let g: Vec<f64> = [0, 1, 2, 4]
        .iter()
        .map(|k| copier_g(*k, 0.1, false, 0.0, 50))
        .collect();
    assert!(g[0] >= 0.95, "K = 0 (no commit-reveal): G = {}", g[0]);
    assert!(
        g.windows(2).all(|w| w[1] < w[0]),
        "G must fall as K grows: {g:?}"
    );
    assert!(
        g[3] < 1.0 && g[2] < 1.0,
        "G < 1 under commit-reveal with drift: {g:?}"
    );
}

#[test]
fn liquid_alpha_lowers_g_right_after_a_large_jump() {
    // δ = 0.5, measured over the 5 tempos after the jump (the paper's t = 5).
    let off = copier_g(2, 0.0, false, 0.5, 35);
    let on = copier_g(2, 0.0, true, 0.5, 35);
    assert!(on < off, "liquid alpha on: {on}, off: {off}");
}

fn cabal(f: f64, kappa: f64) -> cortex_sim::metrics::CabalMetrics {
    experiments::cabal(&CabalArgs {
        cabal_stake: f,
        kappa,
        epochs: 30,
        validators: 16,
        honest_miners: 64,
        cabal_miners: 16,
        ..CabalArgs::default()
    })
    .unwrap()
}

#[test]
fn a_cabal_under_kappa_loses_by_self_voting_and_above_gains() {
    let under = cabal(0.3, 0.5);
    assert!(
        under.cabal_total_share < under.honest_play_total_share,
        "under κ: {under:?}"
    );
    // The incentive lift and the dividend loss, apart.
    assert!(
        under.incentive_lift >= 0.0 && under.dividend_loss > under.incentive_lift,
        "{under:?}"
    );
    let above = cabal(0.6, 0.5);
    assert!(
        above.cabal_total_share > above.honest_play_total_share,
        "above κ: {above:?}"
    );
    assert!(above.cabal_incentive_share > above.fair_incentive_share);
}

#[test]
fn consensus_map_reproduces_the_published_thresholds() {
    let cfg = MapConfig {
        honest_stakes: vec![0.6],
        cabal_steps: 10,
        ..MapConfig::default()
    };
    assert_eq!((cfg.n, cfg.validators), (512, 64));
    let map = consensus::map(&cfg);
    for (noise, published) in [(0.0, 0.60), (0.2, 0.67), (0.4, 0.73)] {
        let t = map.iter().find(|t| t.noise == noise).unwrap();
        let u = t.honest_utility.unwrap();
        assert!(
            (u - published).abs() <= 0.05,
            "σ = {noise}μ: needed {u}, published {published}"
        );
    }
}

#[test]
fn yuma3_lets_a_late_better_miner_overtake_sooner() {
    let r = experiments::late_miner(&LateArgs {
        epochs: 50,
        validators: 16,
        miners: 62,
        ..LateArgs::default()
    })
    .unwrap();
    let y3 = r
        .yuma3
        .overtake_epochs
        .expect("Yuma 3 overtakes within the run");
    // Yuma 2 never overtaking within the run counts as slower.
    if let Some(y2) = r.yuma2.overtake_epochs {
        assert!(y3 < y2, "Yuma 3 {y3} against Yuma 2 {y2}");
    }
}

#[test]
fn sybils_stop_paying_as_the_burn_rises() {
    let r = experiments::sybil(&SybilArgs {
        max_k: 30,
        epochs: 40,
        miners: 64,
        validators: 8,
        ..SybilArgs::default()
    })
    .unwrap();
    let stop = r.stops_paying_at.expect("some k stops paying");
    assert!(stop > 1 && stop <= 30, "{r:?}");
    // Burns rise by ×1.26 per registration (less one block of decay) until MaxBurn.
    let b = &r.rows;
    assert!((b[1].last_burn_tao / b[0].last_burn_tao - 1.26 * 0.998_076_443).abs() < 1e-6);
    assert!(b.iter().all(|x| x.last_burn_tao <= 100.0));
    // Past the peak, the profit only falls.
    let best = usize::from(r.best_k);
    assert!(
        b[best..]
            .windows(2)
            .all(|w| w[1].profit_tao <= w[0].profit_tao)
    );
}
