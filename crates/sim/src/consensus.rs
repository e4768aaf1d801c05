//! Subtensor's consensus-guarantee map (`map_consensus_guarantees` in subtensor's
//! `pallets/subtensor/src/tests/consensus.rs`, described in its `docs/consensus.md`), on this
//! crate's epoch.
//!
//! The set-up, as published: N = 512 uids of which the first 64 are validators (stake only on
//! validators). A major (honest) side holds stake `S_H`; its share of validators and of servers
//! is `S_H` too (never all or none). Stake is N(1, 0.3²) per validator, clamped at 0, normalized
//! per side. Honest validators put `W_H` of their weight on honest servers and `1 − W_H` on the
//! others; the minor side (the cabal) puts `W_C` on its own servers and `1 − W_C` on honest ones.
//! Inside each quadrant, weights are N(1, σ²) (σ relative to the mean μ), clamped at 0 and
//! normalized, then sent as u16 and max-upscaled by the chain. One epoch runs from empty bonds;
//! the honest side's share of emission `E_H` (its validators' plus its servers') is compared
//! with `S_H`.
//!
//! The map's answer, for each noise level and honest stake: the least honest utility `W_H` that
//! keeps `E_H ≥ S_H` against every cabal self-weight `W_C` on the grid. For each `W_C` the least
//! `W_H` is found by bisection on the `W_H` grid (E_H grows with W_H; the same random draws are
//! used at every grid point, as subtensor re-seeds at each point), then the worst `W_C` is taken.

use crate::rng::{SimRng, child_seed};
use crate::scenario::ChainParams;
use cortex_yuma::{EpochInput, EpochParams, run_epoch};
use rayon::prelude::*;
use serde::Serialize;

/// What the map sweeps.
#[derive(Clone, Debug, PartialEq)]
pub struct MapConfig {
    /// Uids (512 as published).
    pub n: u16,
    /// Validators among them (64 as published).
    pub validators: u16,
    /// Honest stakes `S_H` to map.
    pub honest_stakes: Vec<f64>,
    /// Weight noise levels σ (relative to μ).
    pub noises: Vec<f64>,
    /// Grid steps of `W_C` over [0, 1] (50 as published).
    pub cabal_steps: u32,
    /// Grid steps of `W_H` over [0, 1] for the bisection (100: 1 % resolution).
    pub honest_steps: u32,
    /// Stake noise σ_S (0.3 as published).
    pub stake_sd: f64,
    /// The epoch's parameters.
    pub params: EpochParams,
    /// Seed of the stake and weight draws.
    pub seed: u64,
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            n: 512,
            validators: 64,
            honest_stakes: vec![0.51, 0.6, 0.7, 0.8, 0.9],
            noises: vec![0.0, 0.2, 0.4],
            cabal_steps: 50,
            honest_steps: 100,
            stake_sd: 0.3,
            // The published map predates Yuma 3: original Yuma, κ 0.5, β 1.
            params: EpochParams {
                yuma3: false,
                ..ChainParams::defaults()
            },
            seed: 0,
        }
    }
}

/// The least honest utility for one honest stake and noise level.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Threshold {
    /// Honest stake `S_H`.
    pub honest_stake: f64,
    /// Weight noise σ/μ.
    pub noise: f64,
    /// The least `W_H` on the grid keeping `E_H ≥ S_H` for every `W_C` (`null`: none does).
    pub honest_utility: Option<f64>,
    /// The cabal self-weight that needed it.
    pub worst_cabal_weight: Option<f64>,
}

/// `max(1, min(total − 1, ⌊ratio·total⌋))`: each side keeps at least one member.
fn non_extreme(ratio: f64, total: usize) -> usize {
    if total == 0 {
        return 0;
    }
    let k = (ratio * total as f64).floor() as usize;
    k.clamp(1, total.saturating_sub(1).max(1))
}

/// `count` draws of N(1, sd²) clamped at 0, normalized to sum 1 (uniform if all clamp to 0).
fn normal_shares(count: usize, sd: f64, rng: &mut SimRng) -> Vec<f64> {
    let raw: Vec<f64> = (0..count)
        .map(|_| (1.0 + sd * rng.normal()).max(0.0))
        .collect();
    let sum: f64 = raw.iter().sum();
    if sum > 0.0 {
        raw.iter().map(|x| x / sum).collect()
    } else {
        vec![1.0 / count.max(1) as f64; count]
    }
}

/// The random part of one map point: which uids are honest, the stake, and the noise shapes of
/// each validator's two quadrants (scaled by `W_H`/`W_C` later).
struct Graph {
    n: u16,
    validators: usize,
    major_validators: usize,
    major_servers: usize,
    stake: Vec<u64>,
    /// Per validator: shares over major servers, shares over minor servers.
    shapes: Vec<(Vec<f64>, Vec<f64>)>,
}

fn graph(cfg: &MapConfig, honest_stake: f64, noise: f64) -> Graph {
    let n = usize::from(cfg.n);
    let validators = usize::from(cfg.validators).min(n.saturating_sub(1)).max(1);
    let servers = n.saturating_sub(validators);
    let major_validators = non_extreme(honest_stake, validators);
    let major_servers = non_extreme(honest_stake, servers);
    let key = (honest_stake * 1e6).round() as u64 ^ ((noise * 1e6).round() as u64).rotate_left(32);
    let mut rng = SimRng::new(child_seed(cfg.seed, key));
    // Subtensor's total: 21 M TAO in rao.
    let total = 21_000_000_000_000_000f64;
    let mut stake = vec![0u64; n];
    let major = normal_shares(major_validators, cfg.stake_sd, &mut rng);
    let minor = normal_shares(
        validators.saturating_sub(major_validators),
        cfg.stake_sd,
        &mut rng,
    );
    for (cell, s) in stake.iter_mut().zip(
        major
            .iter()
            .map(|x| x * honest_stake)
            .chain(minor.iter().map(|x| x * (1.0 - honest_stake))),
    ) {
        *cell = (s * total) as u64;
    }
    let shapes = (0..validators)
        .map(|_| {
            (
                normal_shares(major_servers, noise, &mut rng),
                normal_shares(servers.saturating_sub(major_servers), noise, &mut rng),
            )
        })
        .collect();
    Graph {
        n: cfg.n,
        validators,
        major_validators,
        major_servers,
        stake,
        shapes,
    }
}

/// The honest side's share of emission at one point.
fn honest_emission(g: &Graph, params: &EpochParams, honest_utility: f64, cabal_weight: f64) -> f64 {
    let n = usize::from(g.n);
    let to_u16 = |x: f64| (x * 65_535.0).floor() as u16;
    let weights: Vec<Vec<(u16, u16)>> = (0..n)
        .map(|i| {
            let Some((maj, min)) = g.shapes.get(i) else {
                return Vec::new();
            };
            let (w_maj, w_min) = if i < g.major_validators {
                (honest_utility, 1.0 - honest_utility)
            } else {
                (1.0 - cabal_weight, cabal_weight)
            };
            let first = g.validators;
            let values: Vec<u16> = maj
                .iter()
                .map(|s| to_u16(w_maj * s))
                .chain(min.iter().map(|s| to_u16(w_min * s)))
                .collect();
            let dests = (first..n).filter_map(|j| u16::try_from(j).ok());
            dests.zip(cortex_yuma::max_upscale_u16(&values)).collect()
        })
        .collect();
    let block = u64::from(params.tempo).saturating_add(1);
    let input = EpochInput {
        n: g.n,
        current_block: block,
        emission: 1_000_000_000,
        alpha_stake: g.stake.clone(),
        tao_stake: Vec::new(),
        last_update: vec![1; n],
        block_at_registration: vec![0; n],
        validator_permit: (0..n).map(|i| i < g.validators).collect(),
        weights,
        bonds: vec![Vec::new(); n],
        commit_blocks: None,
        params: params.clone(),
    };
    let out = run_epoch(&input);
    let honest = |i: usize| {
        i < g.major_validators
            || (i >= g.validators && i < g.validators.saturating_add(g.major_servers))
    };
    let (h, t) = out
        .emission
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(h, t), (i, e)| {
            let e = *e as f64;
            (if honest(i) { h + e } else { h }, t + e)
        });
    if t > 0.0 { h / t } else { 0.0 }
}

/// Least `W_H` step (of `steps`) with `E_H ≥ S_H` at this `W_C`, by bisection.
fn least_utility(g: &Graph, cfg: &MapConfig, honest_stake: f64, cabal_weight: f64) -> Option<u32> {
    let steps = cfg.honest_steps.max(1);
    let at = |k: u32| {
        honest_emission(
            g,
            &cfg.params,
            f64::from(k) / f64::from(steps),
            cabal_weight,
        ) >= honest_stake
    };
    if !at(steps) {
        return None;
    }
    let (mut lo, mut hi) = (0u32, steps);
    if at(0) {
        return Some(0);
    }
    // Invariant: at(lo) fails, at(hi) holds.
    while lo.saturating_add(1) < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
        if at(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Maps every (honest stake, noise) pair, in parallel.
pub fn map(cfg: &MapConfig) -> Vec<Threshold> {
    let points: Vec<(f64, f64)> = cfg
        .noises
        .iter()
        .flat_map(|s| cfg.honest_stakes.iter().map(move |h| (*h, *s)))
        .collect();
    points
        .par_iter()
        .map(|&(honest_stake, noise)| {
            let g = graph(cfg, honest_stake, noise);
            let steps = cfg.cabal_steps.max(1);
            let per_cabal: Vec<(u32, Option<u32>)> = (0..=steps)
                .into_par_iter()
                .map(|c| {
                    let wc = f64::from(c) / f64::from(steps);
                    (c, least_utility(&g, cfg, honest_stake, wc))
                })
                .collect();
            let worst = if per_cabal.iter().any(|(_, t)| t.is_none()) {
                per_cabal
                    .iter()
                    .find(|(_, t)| t.is_none())
                    .map(|(c, _)| (*c, None))
            } else {
                per_cabal
                    .iter()
                    .max_by_key(|(c, t)| (*t, std::cmp::Reverse(*c)))
                    .map(|(c, t)| (*c, *t))
            };
            let hs = f64::from(cfg.honest_steps.max(1));
            Threshold {
                honest_stake,
                noise,
                honest_utility: worst.and_then(|(_, t)| t).map(|t| f64::from(t) / hs),
                worst_cabal_weight: worst.map(|(c, _)| f64::from(c) / f64::from(steps)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_never_empty() {
        assert_eq!(non_extreme(0.99, 64), 63);
        assert_eq!(non_extreme(0.001, 64), 1);
        assert_eq!(non_extreme(0.6, 448), 268);
    }

    #[test]
    fn honest_emission_rises_with_utility() {
        let cfg = MapConfig {
            n: 64,
            validators: 8,
            ..MapConfig::default()
        };
        let g = graph(&cfg, 0.6, 0.2);
        let lo = honest_emission(&g, &cfg.params, 0.3, 1.0);
        let hi = honest_emission(&g, &cfg.params, 0.9, 1.0);
        assert!(hi > lo, "{lo} {hi}");
    }
}
