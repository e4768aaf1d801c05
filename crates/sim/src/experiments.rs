//! The standard experiments: each builds a scenario from a few arguments (the published
//! set-ups where there is one) and runs it through [`crate::simulate`] or the engine.
//!
//! Sizes default to a subnet the chain would hold (256 uids, of which 32 validators, unless
//! said otherwise); every argument is a field, so the commands and the tests can change them.

use crate::burn::RAO_PER_TAO;
use crate::engine;
use crate::error::SimError;
use crate::metrics::{self, CabalMetrics, Summary, group_g, median};
use crate::rng::{SimRng, child_seed};
use crate::scenario::{
    Behaviour, ChainParams, MinerGroup, Registration, Scenario, StakeDistribution, ValidatorGroup,
};
use rayon::prelude::*;
use serde::Serialize;

fn invalid(flag: &str, message: impl Into<String>) -> SimError {
    SimError::Invalid {
        path: flag.to_string(),
        message: message.into(),
    }
}

fn fraction(flag: &str, v: f64, open: bool) -> Result<(), SimError> {
    let ok = v.is_finite()
        && if open {
            v > 0.0 && v < 1.0
        } else {
            (0.0..=1.0).contains(&v)
        };
    if ok {
        Ok(())
    } else if open {
        Err(invalid(
            flag,
            format!("{v} must be strictly between 0 and 1"),
        ))
    } else {
        Err(invalid(flag, format!("{v} must be between 0 and 1")))
    }
}

fn positive(flag: &str, v: u32) -> Result<(), SimError> {
    if v == 0 {
        Err(invalid(flag, "must be at least 1"))
    } else {
        Ok(())
    }
}

fn honest(name: &str, count: u16, stake: f64, noise: f64) -> ValidatorGroup {
    ValidatorGroup {
        name: name.to_string(),
        count,
        stake,
        stake_distribution: StakeDistribution::Pareto { shape: 1.5 },
        behaviour: Behaviour::Honest {
            noise,
            discovery_lag: 0,
        },
    }
}

fn miners(name: &str, count: u16, quality: f64, spread: f64, drift: f64) -> MinerGroup {
    MinerGroup {
        name: name.to_string(),
        count,
        quality,
        spread,
        drift,
        join_epoch: 0,
        jumps: Vec::new(),
        owner: None,
        sybil: false,
    }
}

fn base(seed: u64, epochs: u32, reveal: u32) -> Scenario {
    Scenario {
        seed,
        epochs,
        warmup_epochs: None,
        params: ChainParams::default(),
        reveal_tempos: reveal,
        emission_per_epoch: None,
        total_stake: 1_000_000u64.saturating_mul(RAO_PER_TAO),
        validators: Vec::new(),
        miners: Vec::new(),
        registration: Registration::default(),
        stake_cap_percentile: None,
        record_uids: false,
    }
}

// == Copier ==

/// `cortex sim copier`.
#[derive(Clone, Debug, PartialEq)]
pub struct CopierArgs {
    /// The copier's share of stake.
    pub copier_stake: f64,
    /// Commit-reveal delay K, tempos (0: off).
    pub reveal_tempos: u32,
    /// Log-normal drift of each miner's quality per tempo.
    pub drift: f64,
    /// Tempos.
    pub epochs: u32,
    /// Seed.
    pub seed: u64,
    /// Honest validators (the copier is one more).
    pub honest_validators: u16,
    /// Miners.
    pub miners: u16,
    /// Honest evaluation noise σ.
    pub noise: f64,
    /// Yuma 3 (the chain's default for a new subnet).
    pub yuma3: bool,
    /// Liquid alpha.
    pub liquid_alpha: bool,
    /// Signal jump δ: at `jump_epoch` half the miners' quality is multiplied by 1 + δ and the
    /// other half's by 1 − δ (0: no jump). G is then measured from the jump on.
    pub jump: f64,
    /// Tempo of the jump (default: half-way).
    pub jump_epoch: Option<u32>,
}

impl CopierArgs {
    /// Tempos left out of G: without a jump, 2K (nothing is revealed to the copier before) plus
    /// 20 (two bond time constants at α = 0.1); with a jump, everything before it.
    pub fn warmup(&self) -> u32 {
        let w = if self.jump > 0.0 {
            self.jump_epoch.unwrap_or(self.epochs / 2)
        } else {
            self.reveal_tempos.saturating_mul(2).saturating_add(20)
        };
        w.min(self.epochs.saturating_sub(1))
    }
}

impl Default for CopierArgs {
    fn default() -> Self {
        CopierArgs {
            copier_stake: 0.05,
            reveal_tempos: 1,
            drift: 0.05,
            epochs: 100,
            seed: 0,
            honest_validators: 31,
            miners: 224,
            noise: 0.1,
            yuma3: true,
            liquid_alpha: false,
            jump: 0.0,
            jump_epoch: None,
        }
    }
}

/// The copier scenario: honest validators with heavy-tailed stake, one copier, drifting miners.
pub fn copier_scenario(a: &CopierArgs) -> Result<Scenario, SimError> {
    fraction("--copier-stake", a.copier_stake, true)?;
    positive("--epochs", a.epochs)?;
    let mut s = base(a.seed, a.epochs, a.reveal_tempos);
    s.params.yuma3 = Some(a.yuma3);
    s.params.liquid_alpha = Some(a.liquid_alpha);
    s.validators = vec![
        honest(
            "honest",
            a.honest_validators.max(1),
            1.0 - a.copier_stake,
            a.noise,
        ),
        ValidatorGroup {
            name: "copier".to_string(),
            count: 1,
            stake: a.copier_stake,
            stake_distribution: StakeDistribution::Equal,
            behaviour: Behaviour::Copier { lag: 0 },
        },
    ];
    s.warmup_epochs = Some(a.warmup());
    if a.jump > 0.0 {
        if !(a.jump.is_finite() && a.jump <= 1.0) {
            return Err(invalid(
                "--jump",
                format!("{} must be between 0 and 1", a.jump),
            ));
        }
        let at = a.jump_epoch.unwrap_or(a.epochs / 2);
        let half = a.miners.max(2) / 2;
        let jumped = |name: &str, count: u16, factor: f64| MinerGroup {
            jumps: vec![crate::scenario::Jump {
                epoch: at,
                quality: None,
                factor: Some(factor),
            }],
            ..miners(name, count, 1.0, 0.5, a.drift)
        };
        s.miners = vec![
            jumped("miners_up", half, 1.0 + a.jump),
            jumped(
                "miners_down",
                a.miners.max(2).saturating_sub(half),
                1.0 - a.jump,
            ),
        ];
    } else {
        s.miners = vec![miners("miners", a.miners.max(1), 1.0, 0.5, a.drift)];
    }
    s.check()?;
    Ok(s)
}

/// Runs the copier experiment.
pub fn copier(a: &CopierArgs) -> Result<Summary, SimError> {
    Ok(crate::simulate(&copier_scenario(a)?).summary)
}

// == Cabal ==

/// `cortex sim cabal`.
#[derive(Clone, Debug, PartialEq)]
pub struct CabalArgs {
    /// The cabal's share of stake.
    pub cabal_stake: f64,
    /// κ as a fraction (0.5 is the chain's 32767).
    pub kappa: f64,
    /// Tempos.
    pub epochs: u32,
    /// Seed.
    pub seed: u64,
    /// Share of the cabal's weight on its own miners.
    pub self_share: f64,
    /// Validators in all.
    pub validators: u16,
    /// Honest miners.
    pub honest_miners: u16,
    /// The cabal's miners.
    pub cabal_miners: u16,
    /// Quality of the cabal's miners against the honest median of 1.
    pub cabal_quality: f64,
    /// Evaluation noise σ.
    pub noise: f64,
}

impl Default for CabalArgs {
    fn default() -> Self {
        CabalArgs {
            cabal_stake: 0.3,
            kappa: 0.5,
            epochs: 60,
            seed: 0,
            self_share: 1.0,
            validators: 32,
            honest_miners: 192,
            cabal_miners: 32,
            cabal_quality: 0.5,
            noise: 0.1,
        }
    }
}

/// κ as the chain stores it: ⌊κ·65535⌋ (0.5 gives the default 32767).
pub fn kappa_u16(kappa: f64) -> u16 {
    (kappa.clamp(0.0, 1.0) * 65_535.0).floor() as u16
}

/// The cabal scenario: honest validators and miners, a cabal holding `cabal_stake` with its
/// own (weaker) miners.
pub fn cabal_scenario(a: &CabalArgs) -> Result<Scenario, SimError> {
    fraction("--cabal-stake", a.cabal_stake, true)?;
    fraction("--kappa", a.kappa, false)?;
    fraction("--self-share", a.self_share, false)?;
    positive("--epochs", a.epochs)?;
    if a.validators < 2 {
        return Err(invalid(
            "--validators",
            "need at least 2 (one honest, one cabal)",
        ));
    }
    let cabal_count = ((f64::from(a.validators) * a.cabal_stake).round() as u16)
        .clamp(1, a.validators.saturating_sub(1));
    let mut s = base(a.seed, a.epochs, 1);
    s.params.kappa = Some(kappa_u16(a.kappa));
    s.validators = vec![
        ValidatorGroup {
            stake_distribution: StakeDistribution::Normal { sd: 0.3 },
            ..honest(
                "honest",
                a.validators.saturating_sub(cabal_count),
                1.0 - a.cabal_stake,
                a.noise,
            )
        },
        ValidatorGroup {
            name: "cabal".to_string(),
            count: cabal_count,
            stake: a.cabal_stake,
            stake_distribution: StakeDistribution::Normal { sd: 0.3 },
            behaviour: Behaviour::Cabal {
                self_share: a.self_share,
                noise: a.noise,
            },
        },
    ];
    s.miners = vec![
        miners("honest_miners", a.honest_miners.max(1), 1.0, 0.3, 0.0),
        MinerGroup {
            owner: Some("cabal".to_string()),
            ..miners(
                "cabal_miners",
                a.cabal_miners.max(1),
                a.cabal_quality,
                0.3,
                0.0,
            )
        },
    ];
    s.check()?;
    Ok(s)
}

/// Runs the cabal experiment (self-voting and honest play).
pub fn cabal(a: &CabalArgs) -> Result<CabalMetrics, SimError> {
    let s = cabal_scenario(a)?;
    let (voting, honest) = rayon::join(
        || engine::run(&s),
        || engine::run(&metrics::honest_play(&s)),
    );
    Ok(metrics::cabal_metrics(&s, &voting, &honest))
}

// == Late miner: Yuma 2 against Yuma 3 ==

/// `cortex sim late-miner`.
#[derive(Clone, Debug, PartialEq)]
pub struct LateArgs {
    /// Tempos.
    pub epochs: u32,
    /// Tempo the better miner registers.
    pub join_epoch: u32,
    /// Seed.
    pub seed: u64,
    /// Stake share of the validators that evaluate new miners at once.
    pub discoverer_stake: f64,
    /// Tempos the other validators take to evaluate a new miner.
    pub follower_lag: u32,
    /// Quality of the incumbent (the field's median is 1).
    pub incumbent_quality: f64,
    /// Quality of the late miner.
    pub late_quality: f64,
    /// Validators in all.
    pub validators: u16,
    /// Miners of the field.
    pub miners: u16,
}

impl Default for LateArgs {
    fn default() -> Self {
        LateArgs {
            epochs: 80,
            join_epoch: 10,
            seed: 0,
            discoverer_stake: 0.2,
            follower_lag: 5,
            incumbent_quality: 4.0,
            late_quality: 6.0,
            validators: 32,
            miners: 222,
        }
    }
}

/// One variant's late-miner figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LateVariant {
    /// Tempos from registration until the late miner's bond share exceeds the incumbent's.
    pub overtake_epochs: Option<u32>,
    /// Tempos until its incentive exceeds the incumbent's.
    pub incentive_overtake_epochs: Option<u32>,
    /// The discoverers' dividend per stake over the followers' median, after the join.
    pub discoverer_g: Option<f64>,
}

/// Both variants.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LateResult {
    /// Original Yuma bonds.
    pub yuma2: LateVariant,
    /// Yuma 3 bonds.
    pub yuma3: LateVariant,
}

/// The late-miner scenario in one variant.
pub fn late_scenario(a: &LateArgs, yuma3: bool) -> Result<Scenario, SimError> {
    positive("--epochs", a.epochs)?;
    if a.join_epoch == 0 || a.join_epoch >= a.epochs {
        return Err(invalid(
            "--join-epoch",
            format!("{} must be between 1 and epochs − 1", a.join_epoch),
        ));
    }
    fraction("--discoverer-stake", a.discoverer_stake, true)?;
    if a.validators < 2 {
        return Err(invalid("--validators", "need at least 2"));
    }
    let disc = ((f64::from(a.validators) * a.discoverer_stake).round() as u16)
        .clamp(1, a.validators.saturating_sub(1));
    let mut s = base(a.seed, a.epochs, 1);
    s.params.yuma3 = Some(yuma3);
    // Measure from the join on.
    s.warmup_epochs = Some(a.join_epoch);
    s.validators = vec![
        ValidatorGroup {
            stake_distribution: StakeDistribution::Equal,
            ..honest("discoverers", disc, a.discoverer_stake, 0.1)
        },
        ValidatorGroup {
            name: "followers".to_string(),
            count: a.validators.saturating_sub(disc),
            stake: 1.0 - a.discoverer_stake,
            stake_distribution: StakeDistribution::Equal,
            behaviour: Behaviour::Honest {
                noise: 0.1,
                discovery_lag: a.follower_lag,
            },
        },
    ];
    s.miners = vec![
        miners("field", a.miners.max(1), 1.0, 0.2, 0.0),
        miners("incumbent", 1, a.incumbent_quality, 0.0, 0.0),
        MinerGroup {
            join_epoch: a.join_epoch,
            ..miners("late", 1, a.late_quality, 0.0, 0.0)
        },
    ];
    s.check()?;
    Ok(s)
}

fn late_variant(a: &LateArgs, yuma3: bool) -> Result<LateVariant, SimError> {
    let s = late_scenario(a, yuma3)?;
    let out = engine::run(&s);
    let summary = metrics::summarize(&s, &out, None, None);
    let over = summary.overtake.first();
    let followers: Vec<f64> = out
        .validator_group
        .iter()
        .enumerate()
        .filter(|(_, g)| **g == Some(1))
        .filter_map(|(i, _)| {
            let st = out.stake.get(i).copied().unwrap_or(0);
            (st > 0).then(|| out.validator_total.get(i).copied().unwrap_or(0) as f64 / st as f64)
        })
        .collect();
    let disc: (f64, f64) = out
        .validator_group
        .iter()
        .enumerate()
        .filter(|(_, g)| **g == Some(0))
        .fold((0.0, 0.0), |(d, st), (i, _)| {
            (
                d + out.validator_total.get(i).copied().unwrap_or(0) as f64,
                st + out.stake.get(i).copied().unwrap_or(0) as f64,
            )
        });
    let follower_median = median(&followers);
    Ok(LateVariant {
        overtake_epochs: over.and_then(|o| {
            if yuma3 {
                o.yuma3_epochs
            } else {
                o.yuma2_epochs
            }
        }),
        incentive_overtake_epochs: over.and_then(|o| o.incentive_epochs),
        discoverer_g: follower_median
            .filter(|m| *m > 0.0 && disc.1 > 0.0)
            .map(|m| (disc.0 / disc.1) / m),
    })
}

/// Runs the late-miner experiment in both variants.
pub fn late_miner(a: &LateArgs) -> Result<LateResult, SimError> {
    let (y2, y3) = rayon::join(|| late_variant(a, false), || late_variant(a, true));
    Ok(LateResult {
        yuma2: y2?,
        yuma3: y3?,
    })
}

// == Sybils ==

/// `cortex sim sybil`.
#[derive(Clone, Debug, PartialEq)]
pub struct SybilArgs {
    /// Largest number of registrations tried.
    pub max_k: u16,
    /// Tempos the registrations are held (the horizon of the income).
    pub epochs: u32,
    /// Seed.
    pub seed: u64,
    /// The model's quality (honest miners' median is 1).
    pub quality: f64,
    /// TAO per alpha.
    pub alpha_price_tao: f64,
    /// Miners in all (sybils take the uids of honest miners).
    pub miners: u16,
    /// Validators.
    pub validators: u16,
}

impl Default for SybilArgs {
    fn default() -> Self {
        SybilArgs {
            max_k: 40,
            epochs: 100,
            seed: 0,
            quality: 0.5,
            alpha_price_tao: 1.0,
            miners: 224,
            validators: 32,
        }
    }
}

/// One k.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SybilRow {
    /// Registrations.
    pub k: u16,
    /// Burn of the k-th registration, TAO.
    pub last_burn_tao: f64,
    /// All burns, TAO.
    pub burns_tao: f64,
    /// Miner emission of the k registrations over the horizon, alpha.
    pub income_alpha: f64,
    /// Income at the alpha price less the burns, TAO.
    pub profit_tao: f64,
    /// Profit over k − 1 registrations.
    pub marginal_tao: f64,
}

/// The whole sweep.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SybilResult {
    /// One row per k (from 1).
    pub rows: Vec<SybilRow>,
    /// The k with the largest profit (0: none pays).
    pub best_k: u16,
    /// The first k whose registration adds no profit (`null`: every k up to max_k adds some).
    pub stops_paying_at: Option<u16>,
    /// The largest k whose total profit is still ≥ 0 (0: not even one pays).
    pub break_even_k: u16,
}

/// The scenario with `k` sybils.
pub fn sybil_scenario(a: &SybilArgs, k: u16) -> Result<Scenario, SimError> {
    positive("--epochs", a.epochs)?;
    if a.max_k >= a.miners {
        return Err(invalid(
            "--max-k",
            format!(
                "{} must be below the number of miners ({})",
                a.max_k, a.miners
            ),
        ));
    }
    let mut s = base(a.seed, a.epochs, 1);
    s.warmup_epochs = Some(0);
    s.registration.alpha_price_tao = a.alpha_price_tao;
    s.validators = vec![honest("honest", a.validators.max(1), 1.0, 0.1)];
    s.miners = vec![miners(
        "honest_miners",
        a.miners.saturating_sub(k).max(1),
        1.0,
        0.3,
        0.0,
    )];
    if k > 0 {
        s.miners.push(MinerGroup {
            sybil: true,
            ..miners("sybils", k, a.quality, 0.0, 0.0)
        });
    }
    s.check()?;
    Ok(s)
}

/// Sweeps k = 1 … max_k in parallel.
pub fn sybil(a: &SybilArgs) -> Result<SybilResult, SimError> {
    let scenarios: Vec<Scenario> = (1..=a.max_k)
        .map(|k| sybil_scenario(a, k))
        .collect::<Result<_, _>>()?;
    let profits: Vec<metrics::SybilProfit> = scenarios
        .par_iter()
        .map(|s| {
            let out = engine::run(s);
            metrics::summarize(s, &out, None, None)
                .sybil
                .into_iter()
                .next()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let tao = RAO_PER_TAO as f64;
    let prices = Registration::default()
        .burn
        .prices(usize::from(a.max_k), 1, 1);
    let mut rows = Vec::new();
    let mut prev = 0.0;
    for (k, p) in (1u16..).zip(profits.iter()) {
        rows.push(SybilRow {
            k,
            last_burn_tao: prices
                .get(usize::from(k).saturating_sub(1))
                .copied()
                .unwrap_or(0) as f64
                / tao,
            burns_tao: p.burns_tao,
            income_alpha: p.income_alpha,
            profit_tao: p.profit_tao,
            marginal_tao: p.profit_tao - prev,
        });
        prev = p.profit_tao;
    }
    let best = rows
        .iter()
        .filter(|r| r.profit_tao > 0.0)
        .max_by(|a, b| a.profit_tao.total_cmp(&b.profit_tao))
        .map(|r| r.k)
        .unwrap_or(0);
    Ok(SybilResult {
        best_k: best,
        stops_paying_at: rows.iter().find(|r| r.marginal_tao <= 0.0).map(|r| r.k),
        break_even_k: rows
            .iter()
            .take_while(|r| r.profit_tao >= 0.0)
            .last()
            .map(|r| r.k)
            .unwrap_or(0),
        rows,
    })
}

// == Concentration ==

/// `cortex sim concentration`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConcentrationArgs {
    /// Validators.
    pub validators: u16,
    /// Pareto shape of their stake.
    pub shape: f64,
    /// The cap's percentile.
    pub cap_percentile: f64,
    /// Tempos.
    pub epochs: u32,
    /// Seed.
    pub seed: u64,
}

impl Default for ConcentrationArgs {
    fn default() -> Self {
        ConcentrationArgs {
            validators: 64,
            shape: 1.16,
            cap_percentile: 88.0,
            epochs: 30,
            seed: 0,
        }
    }
}

/// Nakamoto coefficients before and after the cap.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConcentrationResult {
    /// Of stake, uncapped.
    pub nakamoto_stake: usize,
    /// Of emission, uncapped.
    pub nakamoto_emission: usize,
    /// Of stake, capped.
    pub nakamoto_stake_capped: usize,
    /// Of emission, capped.
    pub nakamoto_emission_capped: usize,
    /// Largest validator's stake share, uncapped.
    pub top_stake_share: f64,
    /// Largest validator's stake share, capped.
    pub top_stake_share_capped: f64,
}

/// The concentration scenario.
pub fn concentration_scenario(a: &ConcentrationArgs, capped: bool) -> Result<Scenario, SimError> {
    positive("--epochs", a.epochs)?;
    let mut s = base(a.seed, a.epochs, 1);
    s.validators = vec![ValidatorGroup {
        stake_distribution: StakeDistribution::Pareto { shape: a.shape },
        ..honest("validators", a.validators.max(1), 1.0, 0.1)
    }];
    s.miners = vec![miners(
        "miners",
        256u16.saturating_sub(a.validators).max(1),
        1.0,
        0.5,
        0.0,
    )];
    s.stake_cap_percentile = capped.then_some(a.cap_percentile);
    s.check()?;
    Ok(s)
}

/// Runs the uncapped and the capped subnet.
pub fn concentration(a: &ConcentrationArgs) -> Result<ConcentrationResult, SimError> {
    let plain = concentration_scenario(a, false)?;
    let capped = concentration_scenario(a, true)?;
    let (p, c) = rayon::join(|| engine::run(&plain), || engine::run(&capped));
    let (ps, cs) = (
        metrics::summarize(&plain, &p, None, None),
        metrics::summarize(&capped, &c, None, None),
    );
    let top = |out: &engine::RunOutput| {
        let total: f64 = out.stake.iter().map(|x| *x as f64).sum();
        let max = out.stake.iter().copied().max().unwrap_or(0) as f64;
        if total > 0.0 { max / total } else { 0.0 }
    };
    Ok(ConcentrationResult {
        nakamoto_stake: ps.nakamoto_stake,
        nakamoto_emission: ps.nakamoto_emission,
        nakamoto_stake_capped: cs.nakamoto_stake,
        nakamoto_emission_capped: cs.nakamoto_emission,
        top_stake_share: top(&p),
        top_stake_share_capped: top(&c),
    })
}

// == Attack search ==

/// `cortex sim attack`.
#[derive(Clone, Debug, PartialEq)]
pub struct AttackArgs {
    /// The attacker's share of stake.
    pub stake: f64,
    /// Random candidates besides honest play.
    pub candidates: u32,
    /// Seeds each candidate is scored on (common to all candidates).
    pub seeds: u32,
    /// Fresh seeds the best candidate and honest play are re-scored on.
    pub holdout_seeds: u32,
    /// Tempos.
    pub epochs: u32,
    /// Seed of the search.
    pub seed: u64,
    /// Commit-reveal delay.
    pub reveal_tempos: u32,
    /// Miner drift per tempo.
    pub drift: f64,
    /// Honest validators.
    pub honest_validators: u16,
    /// Honest miners.
    pub miners: u16,
    /// The attacker's own miners.
    pub own_miners: u16,
}

impl Default for AttackArgs {
    fn default() -> Self {
        AttackArgs {
            stake: 0.1,
            candidates: 40,
            seeds: 2,
            holdout_seeds: 4,
            epochs: 60,
            seed: 0,
            reveal_tempos: 1,
            drift: 0.05,
            honest_validators: 31,
            miners: 216,
            own_miners: 8,
        }
    }
}

/// A point of the strategy family.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct StrategyPoint {
    /// Pull toward the revealed consensus.
    pub shade: f64,
    /// Weight on its own miners.
    pub self_share: f64,
    /// Staleness of what it copies, tempos.
    pub copy_lag: u32,
    /// Tempo it switches from honest play.
    pub switch_epoch: u32,
}

/// A strategy's score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Scored {
    /// The strategy.
    pub strategy: StrategyPoint,
    /// Mean G (dividend per stake over the honest median) over the seeds.
    #[serde(rename = "G")]
    pub g: f64,
    /// Mean of (dividends + own miners' emission) per stake over the honest median.
    pub earnings_ratio: f64,
    /// G on each seed.
    pub per_seed: Vec<f64>,
}

/// The search's answer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AttackResult {
    /// Honest play, on the search seeds.
    pub honest: Scored,
    /// The best strategy by G, on the search seeds.
    pub best: Scored,
    /// The best strategy by earnings (dividends plus own miners), on the search seeds.
    pub best_by_earnings: Scored,
    /// Honest play on the holdout seeds.
    pub honest_holdout: Scored,
    /// The best strategy by G on the holdout seeds.
    pub best_holdout: Scored,
    /// True when the best strategy's G beats honest play's on every holdout seed.
    pub beats_honest_play: bool,
    /// One sentence saying so, with the figures.
    pub verdict: String,
    /// Every candidate, in search order.
    pub candidates: Vec<Scored>,
}

/// The attack scenario for one strategy.
pub fn attack_scenario(a: &AttackArgs, p: StrategyPoint, seed: u64) -> Result<Scenario, SimError> {
    fraction("--stake", a.stake, true)?;
    positive("--epochs", a.epochs)?;
    let mut s = base(seed, a.epochs, a.reveal_tempos);
    s.validators = vec![
        honest("honest", a.honest_validators.max(1), 1.0 - a.stake, 0.1),
        ValidatorGroup {
            name: "attacker".to_string(),
            count: 1,
            stake: a.stake,
            stake_distribution: StakeDistribution::Equal,
            behaviour: Behaviour::Strategy {
                shade: p.shade,
                self_share: p.self_share,
                copy_lag: p.copy_lag,
                switch_epoch: p.switch_epoch,
                noise: 0.1,
            },
        },
    ];
    s.miners = vec![
        miners("miners", a.miners.max(1), 1.0, 0.5, a.drift),
        MinerGroup {
            owner: Some("attacker".to_string()),
            ..miners("attacker_miners", a.own_miners.max(1), 0.5, 0.3, a.drift)
        },
    ];
    s.check()?;
    Ok(s)
}

fn score(a: &AttackArgs, p: StrategyPoint, seeds: &[u64]) -> Result<Scored, SimError> {
    let runs: Vec<(f64, f64)> = seeds
        .par_iter()
        .map(|seed| {
            let s = attack_scenario(a, p, *seed)?;
            let out = engine::run(&s);
            let g = group_g(&s, &out, 1).unwrap_or(0.0);
            // Earnings: its dividends plus its miners' emission, per stake, over the honest median.
            let honest: Vec<f64> = out
                .validator_group
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == Some(0))
                .filter_map(|(i, _)| {
                    let st = out.stake.get(i).copied().unwrap_or(0);
                    (st > 0).then(|| {
                        out.validator_total.get(i).copied().unwrap_or(0) as f64 / st as f64
                    })
                })
                .collect();
            let own: f64 = out
                .miner_group
                .iter()
                .zip(out.server_total.iter())
                .filter(|(x, _)| **x == Some(1))
                .map(|(_, v)| *v as f64)
                .sum();
            let (d, st) = out
                .validator_group
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == Some(1))
                .fold((0.0, 0.0), |(d, st), (i, _)| {
                    (
                        d + out.validator_total.get(i).copied().unwrap_or(0) as f64,
                        st + out.stake.get(i).copied().unwrap_or(0) as f64,
                    )
                });
            let m = median(&honest).unwrap_or(0.0);
            let earn = if m > 0.0 && st > 0.0 {
                ((d + own) / st) / m
            } else {
                0.0
            };
            Ok((g, earn))
        })
        .collect::<Result<_, SimError>>()?;
    let len = runs.len().max(1) as f64;
    Ok(Scored {
        strategy: p,
        g: runs.iter().map(|r| r.0).sum::<f64>() / len,
        earnings_ratio: runs.iter().map(|r| r.1).sum::<f64>() / len,
        per_seed: runs.iter().map(|r| r.0).collect(),
    })
}

/// Random search over the strategy family (candidate 0 is honest play).
pub fn attack(a: &AttackArgs) -> Result<AttackResult, SimError> {
    positive("--seeds", a.seeds)?;
    positive("--holdout-seeds", a.holdout_seeds)?;
    let honest_point = StrategyPoint {
        shade: 0.0,
        self_share: 0.0,
        copy_lag: 0,
        switch_epoch: 0,
    };
    let mut rng = SimRng::new(child_seed(a.seed, 77));
    let mut points = vec![honest_point];
    for _ in 0..a.candidates {
        points.push(StrategyPoint {
            shade: rng.uniform(),
            // Half the candidates do not self-vote at all: the family's pure copy/shade corner.
            self_share: if rng.uniform() < 0.5 {
                0.0
            } else {
                rng.range(0.0, 0.5)
            },
            copy_lag: u32::try_from(rng.below(4)).unwrap_or(0),
            switch_epoch: if rng.uniform() < 0.5 {
                0
            } else {
                u32::try_from(rng.below(u64::from(a.epochs))).unwrap_or(0)
            },
        });
    }
    let seeds: Vec<u64> = (0..a.seeds)
        .map(|i| child_seed(a.seed, u64::from(i)))
        .collect();
    let holdout: Vec<u64> = (0..a.holdout_seeds)
        .map(|i| child_seed(a.seed, 1_000u64.saturating_add(u64::from(i))))
        .collect();
    let scored: Vec<Scored> = points
        .par_iter()
        .map(|p| score(a, *p, &seeds))
        .collect::<Result<_, _>>()?;
    let honest = scored
        .first()
        .cloned()
        .ok_or_else(|| invalid("--candidates", "no candidates"))?;
    let best = scored
        .iter()
        .max_by(|x, y| x.g.total_cmp(&y.g))
        .cloned()
        .unwrap_or_else(|| honest.clone());
    let best_by_earnings = scored
        .iter()
        .max_by(|x, y| x.earnings_ratio.total_cmp(&y.earnings_ratio))
        .cloned()
        .unwrap_or_else(|| honest.clone());
    let (honest_holdout, best_holdout) = rayon::join(
        || score(a, honest_point, &holdout),
        || score(a, best.strategy, &holdout),
    );
    let (honest_holdout, best_holdout) = (honest_holdout?, best_holdout?);
    let beats = best.strategy != honest_point
        && best_holdout
            .per_seed
            .iter()
            .zip(honest_holdout.per_seed.iter())
            .all(|(b, h)| b > h);
    let p = best.strategy;
    let verdict = if beats {
        format!(
            "An attack beats honest play: shade {:.3}, self_share {:.3}, copy_lag {}, switch_epoch {} \
             earns G = {:.4} against honest play's {:.4} on {} fresh seeds (stake {}, reveal {} tempos, drift {}).",
            p.shade,
            p.self_share,
            p.copy_lag,
            p.switch_epoch,
            best_holdout.g,
            honest_holdout.g,
            a.holdout_seeds,
            a.stake,
            a.reveal_tempos,
            a.drift
        )
    } else {
        format!(
            "No strategy found beats honest play on every fresh seed: the best (shade {:.3}, self_share {:.3}, \
             copy_lag {}, switch_epoch {}) has G = {:.4} against honest play's {:.4} on {} fresh seeds.",
            p.shade,
            p.self_share,
            p.copy_lag,
            p.switch_epoch,
            best_holdout.g,
            honest_holdout.g,
            a.holdout_seeds
        )
    };
    Ok(AttackResult {
        honest,
        best,
        best_by_earnings,
        honest_holdout,
        best_holdout,
        beats_honest_play: beats,
        verdict,
        candidates: scored,
    })
}

// == Sweeps ==

/// Mean and spread of the main metrics over seeds.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SweepResult {
    /// Runs.
    pub runs: u32,
    /// Epochs per run.
    pub epochs: u32,
    /// Uids per run.
    pub uids: usize,
    /// Mean G (copier scenarios).
    #[serde(rename = "mean_G")]
    pub mean_g: Option<f64>,
    /// Mean honest dividend share.
    pub mean_honest_dividend_share: f64,
    /// Every run's summary, in seed order.
    pub summaries: Vec<Summary>,
}

/// Runs `s` under `runs` seeds derived from its own, in parallel.
pub fn sweep(s: &Scenario, runs: u32) -> Result<SweepResult, SimError> {
    positive("--runs", runs)?;
    s.check()?;
    let summaries: Vec<Summary> = (0..runs)
        .into_par_iter()
        .map(|i| {
            let mut x = s.clone();
            x.seed = child_seed(s.seed, u64::from(i));
            crate::simulate(&x).summary
        })
        .collect();
    let gs: Vec<f64> = summaries.iter().filter_map(|m| m.g).collect();
    let len = summaries.len().max(1) as f64;
    Ok(SweepResult {
        runs,
        epochs: s.epochs,
        uids: s.n(),
        mean_g: (!gs.is_empty()).then(|| gs.iter().sum::<f64>() / gs.len() as f64),
        mean_honest_dividend_share: summaries
            .iter()
            .map(|m| m.honest_dividend_share)
            .sum::<f64>()
            / len,
        summaries,
    })
}
