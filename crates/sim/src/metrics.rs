//! The summary metrics of a run, and the counterfactual runs some of them need.
//!
//! - **G** (weight-copying paper): a copier's dividend per unit of stake over the median of the
//!   honest validators' dividend per unit of stake, over the measured epochs.
//! - **Cabal**: the share of miner emission its own miners take, against the share they take
//!   when the cabal weights honestly (a second run on the same random numbers), and the same
//!   for its miners' incentive plus its validators' dividends as a share of all emission.
//! - **Honest dividend share**: the honest validators' share of dividends, beside their stake.
//! - **Nakamoto coefficients**: the fewest uids holding more than half of the stake, and of the
//!   emission (incentive plus dividends).
//! - **Overtake**: tempos from a late miner's registration until the validators' stake-weighted
//!   bond share on it exceeds that on the incumbent (the best miner present from the start), in
//!   Yuma 2 and in Yuma 3 (the scenario, and a second run with the other variant).
//! - **Sybil profit**: a sybil group's miner emission times the alpha price, less the burns.

use crate::burn::RAO_PER_TAO;
use crate::engine::{self, LateTrack, RunOutput};
use crate::scenario::{Behaviour, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;

/// The median of `values` (mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let len = v.len();
    if len == 0 {
        return None;
    }
    let mid = len / 2;
    if len % 2 == 1 {
        v.get(mid).copied()
    } else {
        match (v.get(mid.saturating_sub(1)), v.get(mid)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        }
    }
}

/// The fewest entries whose sum exceeds half the total (0 when the total is 0).
pub fn nakamoto(values: &[u64]) -> usize {
    let mut v: Vec<u128> = values.iter().map(|x| u128::from(*x)).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    let total: u128 = v.iter().sum();
    let mut acc: u128 = 0;
    for (k, x) in v.iter().enumerate() {
        acc = acc.saturating_add(*x);
        if acc.saturating_mul(2) > total {
            return k.saturating_add(1);
        }
    }
    0
}

/// A group's totals over the measured epochs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupTotals {
    /// Share of the validators' stake (validator groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stake_share: Option<f64>,
    /// Share of all dividends (validator groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dividend_share: Option<f64>,
    /// Dividend per stake over the honest median (validator groups; the G of a copier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub g: Option<f64>,
    /// Share of all miner emission (miner groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incentive_share: Option<f64>,
}

/// The cabal figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CabalMetrics {
    /// Its miners' share of miner emission, self-voting.
    pub cabal_incentive_share: f64,
    /// The same when the cabal weights honestly.
    pub fair_incentive_share: f64,
    /// Its miners' incentive plus its validators' dividends, as a share of all emission,
    /// self-voting.
    pub cabal_total_share: f64,
    /// The same when the cabal weights honestly.
    pub honest_play_total_share: f64,
    /// What self-voting adds to its miners, as a share of all emission.
    pub incentive_lift: f64,
    /// What self-voting costs its validators in dividends, as a share of all emission.
    pub dividend_loss: f64,
    /// The cabal's share of the validators' stake.
    pub cabal_stake_share: f64,
}

/// Tempos until a late miner overtakes the incumbent.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Overtake {
    /// The late miner group.
    pub group: String,
    /// By bond share, Yuma 2 (`null`: not within the run).
    pub yuma2_epochs: Option<u32>,
    /// By bond share, Yuma 3.
    pub yuma3_epochs: Option<u32>,
    /// By incentive (the same mechanism in both variants), in the scenario's variant.
    pub incentive_epochs: Option<u32>,
}

/// Profit of one sybil group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SybilProfit {
    /// The group.
    pub group: String,
    /// Registrations.
    pub registrations: usize,
    /// Burns paid, TAO.
    pub burns_tao: f64,
    /// Miner emission earned over the run, alpha.
    pub income_alpha: f64,
    /// Income at the alpha price less the burns, TAO.
    pub profit_tao: f64,
}

/// Every metric of a run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    /// The first copier group's G (`null` without a copier).
    #[serde(rename = "G")]
    pub g: Option<f64>,
    /// Honest validators' share of the dividends.
    pub honest_dividend_share: f64,
    /// Honest validators' share of the stake.
    pub honest_stake_share: f64,
    /// Nakamoto coefficient of the validators' stake.
    pub nakamoto_stake: usize,
    /// Nakamoto coefficient of emission (incentive plus dividends, per uid).
    pub nakamoto_emission: usize,
    /// Cabal figures, when a cabal group exists.
    pub cabal: Option<CabalMetrics>,
    /// Late-miner overtakes, when a late group exists.
    pub overtake: Vec<Overtake>,
    /// Sybil groups.
    pub sybil: Vec<SybilProfit>,
    /// Per-group totals.
    pub groups: BTreeMap<String, GroupTotals>,
}

fn is_honest(s: &Scenario, g: usize) -> bool {
    matches!(
        s.validators.get(g).map(|v| &v.behaviour),
        Some(Behaviour::Honest { .. })
    )
}

/// Dividend per stake of each validator uid of groups passing `pick`.
fn per_stake(out: &RunOutput, pick: impl Fn(usize) -> bool) -> Vec<f64> {
    out.validator_group
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let g = (*g)?;
            let st = out.stake.get(i).copied().unwrap_or(0);
            (pick(g) && st > 0)
                .then(|| out.validator_total.get(i).copied().unwrap_or(0) as f64 / st as f64)
        })
        .collect()
}

/// G of validator group `g`: its dividend per stake over the honest median.
pub fn group_g(s: &Scenario, out: &RunOutput, g: usize) -> Option<f64> {
    let honest = median(&per_stake(out, |x| is_honest(s, x)))?;
    let (d, st) = out
        .validator_group
        .iter()
        .enumerate()
        .filter(|(_, x)| **x == Some(g))
        .fold((0.0, 0.0), |(d, st), (i, _)| {
            (
                d + out.validator_total.get(i).copied().unwrap_or(0) as f64,
                st + out.stake.get(i).copied().unwrap_or(0) as f64,
            )
        });
    (honest > 0.0 && st > 0.0).then(|| (d / st) / honest)
}

fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 { part / total } else { 0.0 }
}

/// The first tempo (counting the join tempo as 1) at which `a` exceeds `b`.
fn first_above(a: &[f64], b: &[f64]) -> Option<u32> {
    a.iter()
        .zip(b.iter())
        .position(|(x, y)| x > y)
        .and_then(|k| u32::try_from(k).ok())
        .map(|k| k.saturating_add(1))
}

fn bond_overtake(track: &LateTrack) -> Option<u32> {
    first_above(&track.late_bond_share, &track.incumbent_bond_share)
}

fn incentive_overtake(track: &LateTrack) -> Option<u32> {
    let a: Vec<f64> = track.late_incentive.iter().map(|x| f64::from(*x)).collect();
    let b: Vec<f64> = track
        .incumbent_incentive
        .iter()
        .map(|x| f64::from(*x))
        .collect();
    first_above(&a, &b)
}

/// The scenario with every cabal weighting honestly (same noise, same random numbers).
pub fn honest_play(s: &Scenario) -> Scenario {
    let mut h = s.clone();
    for g in &mut h.validators {
        if let Behaviour::Cabal { noise, .. } = g.behaviour {
            g.behaviour = Behaviour::Honest {
                noise,
                discovery_lag: 0,
            };
        }
    }
    h
}

fn has_cabal(s: &Scenario) -> bool {
    s.validators
        .iter()
        .any(|g| matches!(g.behaviour, Behaviour::Cabal { .. }))
}

/// Cabal figures from the self-voting run and the honest-play run.
pub fn cabal_metrics(s: &Scenario, voting: &RunOutput, honest: &RunOutput) -> CabalMetrics {
    let cabal_groups: Vec<usize> = s
        .validators
        .iter()
        .enumerate()
        .filter(|(_, g)| matches!(g.behaviour, Behaviour::Cabal { .. }))
        .map(|(k, _)| k)
        .collect();
    let owned: Vec<bool> = s
        .miners
        .iter()
        .map(|m| {
            m.owner.as_ref().is_some_and(|o| {
                cabal_groups
                    .iter()
                    .any(|g| s.validators.get(*g).is_some_and(|v| &v.name == o))
            })
        })
        .collect();
    let parts = |out: &RunOutput| -> (f64, f64, f64, f64) {
        let mut own_inc = 0.0;
        let mut own_div = 0.0;
        for (i, x) in out.server_total.iter().enumerate() {
            let mine = out
                .miner_group
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|g| owned.get(g).copied().unwrap_or(false));
            if mine {
                own_inc += *x as f64;
            }
        }
        for (i, x) in out.validator_total.iter().enumerate() {
            let mine = out
                .validator_group
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|g| cabal_groups.contains(&g));
            if mine {
                own_div += *x as f64;
            }
        }
        let inc_total: f64 = out.server_total.iter().map(|x| *x as f64).sum();
        let div_total: f64 = out.validator_total.iter().map(|x| *x as f64).sum();
        (own_inc, own_div, inc_total, div_total)
    };
    let (vi, vd, vit, vdt) = parts(voting);
    let (hi, hd, hit, hdt) = parts(honest);
    let stake_total: f64 = voting.stake.iter().map(|x| *x as f64).sum();
    let cabal_stake: f64 = voting
        .validator_group
        .iter()
        .zip(voting.stake.iter())
        .filter(|(g, _)| g.is_some_and(|g| cabal_groups.contains(&g)))
        .map(|(_, x)| *x as f64)
        .sum();
    CabalMetrics {
        cabal_incentive_share: share(vi, vit),
        fair_incentive_share: share(hi, hit),
        cabal_total_share: share(vi + vd, vit + vdt),
        honest_play_total_share: share(hi + hd, hit + hdt),
        incentive_lift: share(vi, vit + vdt) - share(hi, hit + hdt),
        dividend_loss: share(hd, hit + hdt) - share(vd, vit + vdt),
        cabal_stake_share: share(cabal_stake, stake_total),
    }
}

/// Summarizes a run; `honest` is the honest-play run (cabals only), `other` the run with the
/// other Yuma variant (late groups only).
pub fn summarize(
    s: &Scenario,
    out: &RunOutput,
    honest: Option<&RunOutput>,
    other: Option<&RunOutput>,
) -> Summary {
    let stake_total: f64 = out.stake.iter().map(|x| *x as f64).sum();
    let div_total: f64 = out.validator_total.iter().map(|x| *x as f64).sum();
    let inc_total: f64 = out.server_total.iter().map(|x| *x as f64).sum();
    let mut groups = BTreeMap::new();
    for (g, group) in s.validators.iter().enumerate() {
        let (st, d) = out
            .validator_group
            .iter()
            .enumerate()
            .filter(|(_, x)| **x == Some(g))
            .fold((0.0, 0.0), |(st, d), (i, _)| {
                (
                    st + out.stake.get(i).copied().unwrap_or(0) as f64,
                    d + out.validator_total.get(i).copied().unwrap_or(0) as f64,
                )
            });
        groups.insert(
            group.name.clone(),
            GroupTotals {
                stake_share: Some(share(st, stake_total)),
                dividend_share: Some(share(d, div_total)),
                g: group_g(s, out, g),
                incentive_share: None,
            },
        );
    }
    for (g, group) in s.miners.iter().enumerate() {
        let i: f64 = out
            .miner_group
            .iter()
            .zip(out.server_total.iter())
            .filter(|(x, _)| **x == Some(g))
            .map(|(_, v)| *v as f64)
            .sum();
        groups.insert(
            group.name.clone(),
            GroupTotals {
                stake_share: None,
                dividend_share: None,
                g: None,
                incentive_share: Some(share(i, inc_total)),
            },
        );
    }
    let honest_groups: Vec<usize> = (0..s.validators.len())
        .filter(|g| is_honest(s, *g))
        .collect();
    let (hs, hd) = out
        .validator_group
        .iter()
        .enumerate()
        .filter(|(_, g)| g.is_some_and(|g| honest_groups.contains(&g)))
        .fold((0.0, 0.0), |(st, d), (i, _)| {
            (
                st + out.stake.get(i).copied().unwrap_or(0) as f64,
                d + out.validator_total.get(i).copied().unwrap_or(0) as f64,
            )
        });
    let copier = s
        .validators
        .iter()
        .position(|g| matches!(g.behaviour, Behaviour::Copier { .. }));
    let validator_stakes: Vec<u64> = out
        .validator_group
        .iter()
        .zip(out.stake.iter())
        .filter(|(g, _)| g.is_some())
        .map(|(_, x)| *x)
        .collect();
    let emission: Vec<u64> = out
        .server_total
        .iter()
        .zip(out.validator_total.iter())
        .map(|(a, b)| a.saturating_add(*b))
        .collect();
    let yuma3 = s.epoch_params().yuma3;
    let overtake = out
        .late
        .iter()
        .map(|t| {
            let mine = bond_overtake(t);
            let theirs = other
                .and_then(|o| o.late.iter().find(|x| x.group == t.group))
                .and_then(bond_overtake);
            let (y2, y3) = if yuma3 {
                (theirs, mine)
            } else {
                (mine, theirs)
            };
            Overtake {
                group: t.group.clone(),
                yuma2_epochs: y2,
                yuma3_epochs: y3,
                incentive_epochs: incentive_overtake(t),
            }
        })
        .collect();
    let sybil = out
        .sybils
        .iter()
        .map(|c| {
            let g = s.miners.iter().position(|m| m.name == c.group);
            let income: f64 = out
                .miner_group
                .iter()
                .zip(out.server_all.iter())
                .filter(|(x, _)| g.is_some() && **x == g)
                .map(|(_, v)| *v as f64)
                .sum();
            let burns: f64 = c.burns.iter().map(|b| *b as f64).sum();
            let tao = RAO_PER_TAO as f64;
            SybilProfit {
                group: c.group.clone(),
                registrations: c.burns.len(),
                burns_tao: burns / tao,
                income_alpha: income / tao,
                profit_tao: income / tao * s.registration.alpha_price_tao - burns / tao,
            }
        })
        .collect();
    Summary {
        g: copier.and_then(|c| group_g(s, out, c)),
        honest_dividend_share: share(hd, div_total),
        honest_stake_share: share(hs, stake_total),
        nakamoto_stake: nakamoto(&validator_stakes),
        nakamoto_emission: nakamoto(&emission),
        cabal: honest
            .filter(|_| has_cabal(s))
            .map(|h| cabal_metrics(s, out, h)),
        overtake,
        sybil,
        groups,
    }
}

/// A run and its summary, as `cortex sim run` prints them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Simulation {
    /// The metrics.
    pub summary: Summary,
    /// One record per epoch.
    pub epochs: Vec<engine::EpochRecord>,
}

/// Runs a scenario with the counterfactual runs its metrics need (in parallel).
pub fn simulate(s: &Scenario) -> Simulation {
    let needs_honest = has_cabal(s);
    let needs_other = s
        .miners
        .iter()
        .any(|g| g.join_epoch > 0 && g.join_epoch < s.epochs && !g.sybil);
    let ((out, honest), other) = rayon::join(
        || {
            rayon::join(
                || engine::run(s),
                || needs_honest.then(|| engine::run(&honest_play(s))),
            )
        },
        || {
            needs_other.then(|| {
                let mut o = s.clone();
                o.params.yuma3 = Some(!s.epoch_params().yuma3);
                engine::run(&o)
            })
        },
    );
    let summary = summarize(s, &out, honest.as_ref(), other.as_ref());
    Simulation {
        summary,
        epochs: out.records,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_nakamoto() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(nakamoto(&[10, 10, 10, 10]), 3);
        assert_eq!(nakamoto(&[60, 10, 30]), 1);
        assert_eq!(nakamoto(&[50, 50]), 2);
        assert_eq!(nakamoto(&[0, 0]), 0);
    }
}
