//! The scenario format: a subnet's chain parameters, its validators and miners, and how long to
//! run it. `crates/sim/README.md` documents every field with examples (`examples/sim/`).
//!
//! A document is read with [`Scenario::from_json`], which checks every field before anything
//! runs: an error names the field (`validators[1].behaviour.noise: -0.5 is negative …`) and says
//! what is allowed, and no input can make the simulator panic.

use crate::burn::{BurnRule, RAO_PER_TAO};
use crate::error::SimError;
use cortex_yuma::EpochParams;
use serde::{Deserialize, Serialize};

/// A simulated subnet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Seed of every random draw: the same seed gives the same output, byte for byte.
    #[serde(default)]
    pub seed: u64,
    /// Epochs (tempos) to run.
    pub epochs: u32,
    /// Epochs at the start left out of the summed metrics (default: a tenth of `epochs`), so
    /// that bonds and commit-reveal queues have filled.
    #[serde(default)]
    pub warmup_epochs: Option<u32>,
    /// The subnet's hyperparameters; a missing field takes a new subnet's value.
    #[serde(default)]
    pub params: ChainParams,
    /// Tempos between a commit and its reveal (`RevealPeriodEpochs`); 0 turns commit-reveal
    /// off, so weights count in the tempo they are set.
    #[serde(default = "default_reveal")]
    pub reveal_tempos: u32,
    /// Alpha the epoch distributes, rao (default: a tempo of 1 alpha per block less the 18 %
    /// owner cut).
    #[serde(default)]
    pub emission_per_epoch: Option<u64>,
    /// Total validator stake, rao (default 1 000 000 TAO); groups share it by their `stake`.
    #[serde(default = "default_total_stake")]
    pub total_stake: u64,
    /// Validator groups; they take uids 0, 1, … in order.
    pub validators: Vec<ValidatorGroup>,
    /// Miner groups; they take the uids after the validators, in order.
    pub miners: Vec<MinerGroup>,
    /// Registration price and the alpha price, for groups marked `sybil`.
    #[serde(default)]
    pub registration: Registration,
    /// Cap every validator's stake at this percentile of the validators' stakes (0–100) before
    /// the run, as in the stake-cap proposal of Lui and Sun (2025).
    #[serde(default)]
    pub stake_cap_percentile: Option<f64>,
    /// Include per-uid incentive and dividends in each epoch record.
    #[serde(default)]
    pub record_uids: bool,
}

fn default_reveal() -> u32 {
    1
}

fn default_total_stake() -> u64 {
    1_000_000u64.saturating_mul(RAO_PER_TAO)
}

/// Hyperparameters, in the chain's units. Missing fields take a new subnet's values
/// ([`ChainParams::defaults`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainParams {
    /// Blocks per epoch (`Tempo`, 360).
    pub tempo: Option<u16>,
    /// κ as a u16 proportion (`Kappa`, 32767 ≈ 0.5).
    pub kappa: Option<u16>,
    /// β as a u16 proportion (`BondsPenalty`, 65535 = 1).
    pub bonds_penalty: Option<u16>,
    /// `BondsMovingAverage` in millionths (900 000: α = 0.1).
    pub bonds_moving_average: Option<u64>,
    /// Yuma 3 (`Yuma3On`; on for a new subnet).
    pub yuma3: Option<bool>,
    /// Liquid alpha (`LiquidAlphaOn`, off; only with Yuma 3).
    pub liquid_alpha: Option<bool>,
    /// Liquid α low, u16 proportion (45875 ≈ 0.7).
    pub alpha_low: Option<u16>,
    /// Liquid α high, u16 proportion (58982 ≈ 0.9).
    pub alpha_high: Option<u16>,
    /// Liquid α sigmoid steepness (1000).
    pub alpha_sigmoid_steepness: Option<i16>,
    /// Validator permits (`MaxAllowedValidators`, 64).
    pub max_allowed_validators: Option<u16>,
    /// Activity cutoff in thousandths of a tempo (13 889).
    pub activity_cutoff_factor_milli: Option<u32>,
    /// Minimum stake for a permit, rao (0).
    pub stake_threshold: Option<u64>,
}

impl ChainParams {
    /// A new subnet's epoch parameters: the storage defaults with what `init_new_network`
    /// writes (Yuma 3 on, 64 validator permits), `spec/epoch.md` §3.4.
    pub fn defaults() -> EpochParams {
        EpochParams {
            yuma3: true,
            ..EpochParams::default()
        }
    }

    /// These parameters over [`ChainParams::defaults`].
    pub fn to_epoch_params(&self) -> EpochParams {
        let mut p = Self::defaults();
        macro_rules! set {
            ($($f:ident)*) => {$( if let Some(v) = self.$f { p.$f = v; } )*};
        }
        set!(tempo kappa bonds_penalty bonds_moving_average yuma3 liquid_alpha alpha_low
             alpha_high alpha_sigmoid_steepness max_allowed_validators
             activity_cutoff_factor_milli stake_threshold);
        p
    }
}

/// How a group's stake is spread over its validators.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StakeDistribution {
    /// Every validator holds the same stake.
    #[default]
    Equal,
    /// Draws from N(1, sd²), clamped at 0 (the Monte Carlo set-up of subtensor's consensus
    /// guarantees, sd 0.3).
    Normal {
        /// Standard deviation relative to the mean.
        sd: f64,
    },
    /// Pareto draws of this shape: heavy-tailed, as stake is on chain.
    Pareto {
        /// Tail index (smaller is heavier; 1.16 is the 80/20 rule).
        shape: f64,
    },
}

/// A group of validators with one behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorGroup {
    /// Name used in the summary (and by miner groups' `owner`).
    pub name: String,
    /// Number of validators (uids).
    pub count: u16,
    /// The group's share of the total stake (groups are normalized by their sum).
    pub stake: f64,
    /// How the share is spread inside the group.
    #[serde(default)]
    pub stake_distribution: StakeDistribution,
    /// How the group sets weights.
    pub behaviour: Behaviour,
}

fn default_noise() -> f64 {
    0.1
}

fn default_one() -> f64 {
    1.0
}

/// How a validator sets weights each tempo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Behaviour {
    /// Scores each miner at its true quality times `max(0, 1 + noise·z)`, z ~ N(0, 1) drawn
    /// afresh each tempo, and sets weights proportional to the scores. A miner is scored only
    /// `discovery_lag` tempos after it registers (0 before).
    Honest {
        /// Relative evaluation noise σ.
        #[serde(default = "default_noise")]
        noise: f64,
        /// Tempos before a newly registered miner is evaluated.
        #[serde(default)]
        discovery_lag: u32,
    },
    /// Sets the stake-weighted mean of the weights revealed to it (those of every validator that
    /// is not a copier or a strategy), `lag` tempos older still. Under commit-reveal these were
    /// committed `reveal_tempos` earlier and its own copy is revealed `reveal_tempos` later.
    Copier {
        /// Extra tempos of staleness.
        #[serde(default)]
        lag: u32,
    },
    /// Evaluates honestly, then puts `self_share` of its weight on the miners of groups whose
    /// `owner` is this group, spread evenly.
    Cabal {
        /// Share of weight on its own miners (0: honest play, 1: only its own).
        #[serde(default = "default_one")]
        self_share: f64,
        /// Relative evaluation noise of its honest part.
        #[serde(default = "default_noise")]
        noise: f64,
    },
    /// Does no evaluation.
    Lazy {
        /// `constant`: equal weight on every miner; `random`: fresh uniform weights each tempo.
        mode: LazyMode,
    },
    /// The attack family searched by `cortex sim attack`: honest evaluation until
    /// `switch_epoch`, then `(1 − self_share)·((1 − shade)·own + shade·copied) + self_share·own
    /// miners`, where `copied` is the revealed mean `copy_lag` tempos old.
    Strategy {
        /// Weight pulled toward the revealed consensus, 0–1.
        shade: f64,
        /// Share of weight on its own miners, 0–1.
        self_share: f64,
        /// Staleness of the copied weights, tempos.
        copy_lag: u32,
        /// Tempo at which the strategy starts (honest before).
        switch_epoch: u32,
        /// Relative evaluation noise of its own evaluation.
        #[serde(default = "default_noise")]
        noise: f64,
    },
}

/// What a lazy validator does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LazyMode {
    /// Equal weights.
    Constant,
    /// Fresh uniform weights each tempo.
    Random,
}

/// A step change of a miner group's quality: give `quality` (the new value for every member)
/// or `factor` (each member's quality is multiplied by it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jump {
    /// Tempo at which it happens.
    pub epoch: u32,
    /// New quality of every miner of the group.
    #[serde(default)]
    pub quality: Option<f64>,
    /// Factor on each member's quality.
    #[serde(default)]
    pub factor: Option<f64>,
}

/// A group of miners.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinerGroup {
    /// Name used in the summary.
    pub name: String,
    /// Number of miners (uids).
    pub count: u16,
    /// Median true quality.
    #[serde(default = "default_one")]
    pub quality: f64,
    /// Log-normal spread of the members' initial quality (0: all equal).
    #[serde(default)]
    pub spread: f64,
    /// Log-normal step of each member's quality per tempo (0: stable).
    #[serde(default)]
    pub drift: f64,
    /// Tempo at which the group registers, replacing idle uids (0: from the start).
    #[serde(default)]
    pub join_epoch: u32,
    /// Step changes of quality.
    #[serde(default)]
    pub jumps: Vec<Jump>,
    /// The validator group that owns these miners (a cabal's or a strategy's own miners).
    #[serde(default)]
    pub owner: Option<String>,
    /// The members are registrations of one model by one owner: one quality path for all, and
    /// each registration pays the burn (see `registration`).
    #[serde(default)]
    pub sybil: bool,
}

/// Registration costs for `sybil` groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Registration {
    /// The chain's burn rule.
    pub burn: BurnRule,
    /// Blocks between two registrations of one sybil group (0: all in one block).
    pub blocks_apart: u64,
    /// TAO per alpha, to net miner income (alpha) against burns (TAO).
    pub alpha_price_tao: f64,
}

impl Default for Registration {
    fn default() -> Self {
        Registration {
            burn: BurnRule::default(),
            blocks_apart: 1,
            alpha_price_tao: 1.0,
        }
    }
}

fn bad(path: impl Into<String>, message: impl Into<String>) -> SimError {
    SimError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

fn check_fraction(path: &str, v: f64) -> Result<(), SimError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(bad(path, format!("{v} is not a fraction between 0 and 1")))
    }
}

fn check_nonneg(path: &str, v: f64) -> Result<(), SimError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(bad(
            path,
            format!("{v} is negative or not finite; give a number ≥ 0"),
        ))
    }
}

/// Most uids a subnet can hold (u16 uids).
const MAX_UIDS: usize = 65_535;

impl Scenario {
    /// Parses and checks a document.
    pub fn from_json(text: &str) -> Result<Scenario, SimError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let s: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = match e.path().to_string() {
                p if p == "." => "scenario".to_string(),
                p => p,
            };
            SimError::Malformed {
                path,
                message: e.into_inner().to_string(),
            }
        })?;
        s.check()?;
        Ok(s)
    }

    /// Number of uids: validators first, then miners.
    pub fn n(&self) -> usize {
        let v: usize = self.validators.iter().map(|g| usize::from(g.count)).sum();
        let m: usize = self.miners.iter().map(|g| usize::from(g.count)).sum();
        v.saturating_add(m)
    }

    /// The epoch parameters of the run.
    pub fn epoch_params(&self) -> EpochParams {
        self.params.to_epoch_params()
    }

    /// Alpha per epoch: the given value, or `tempo` blocks of 1 alpha less the owner cut
    /// (11 796 / 65 535).
    pub fn emission(&self) -> u64 {
        self.emission_per_epoch.unwrap_or_else(|| {
            let per_block = u128::from(RAO_PER_TAO);
            let tempo = u128::from(self.epoch_params().tempo);
            let gross = per_block.saturating_mul(tempo);
            let net = gross.saturating_mul(65_535 - 11_796) / 65_535;
            u64::try_from(net).unwrap_or(u64::MAX)
        })
    }

    /// The warm-up actually used.
    pub fn warmup(&self) -> u32 {
        self.warmup_epochs
            .unwrap_or(self.epochs / 10)
            .min(self.epochs.saturating_sub(1))
    }

    /// Checks every range; the error names the field.
    pub fn check(&self) -> Result<(), SimError> {
        if self.epochs == 0 {
            return Err(bad("epochs", "must be at least 1"));
        }
        if self.validators.is_empty() {
            return Err(bad("validators", "give at least one validator group"));
        }
        if self.miners.is_empty() {
            return Err(bad("miners", "give at least one miner group"));
        }
        let n = self.n();
        if n > MAX_UIDS {
            return Err(bad(
                "miners",
                format!("{n} uids in all; a subnet holds at most {MAX_UIDS}"),
            ));
        }
        let p = &self.params;
        if let Some(bma) = p.bonds_moving_average
            && bma > 1_000_000
        {
            return Err(bad(
                "params.bonds_moving_average",
                format!("{bma} is above 1000000 (it is in millionths)"),
            ));
        }
        if p.tempo == Some(0) {
            return Err(bad("params.tempo", "must be at least 1 block"));
        }
        if self.total_stake == 0 || self.total_stake > i64::MAX.unsigned_abs() / 2 {
            return Err(bad(
                "total_stake",
                format!(
                    "{} is outside 1…{} rao (the epoch's I64F64 range)",
                    self.total_stake,
                    i64::MAX.unsigned_abs() / 2
                ),
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        let mut stake_sum = 0.0;
        for (k, g) in self.validators.iter().enumerate() {
            let path = format!("validators[{k}]");
            if g.count == 0 {
                return Err(bad(format!("{path}.count"), "must be at least 1"));
            }
            if !names.insert(g.name.as_str()) {
                return Err(bad(
                    format!("{path}.name"),
                    format!("`{}` is used by another group; names must differ", g.name),
                ));
            }
            check_nonneg(&format!("{path}.stake"), g.stake)?;
            stake_sum += g.stake;
            match &g.stake_distribution {
                StakeDistribution::Equal => {}
                StakeDistribution::Normal { sd } => {
                    check_nonneg(&format!("{path}.stake_distribution.normal.sd"), *sd)?
                }
                StakeDistribution::Pareto { shape } => {
                    if !(shape.is_finite() && *shape > 0.0) {
                        return Err(bad(
                            format!("{path}.stake_distribution.pareto.shape"),
                            format!("{shape} must be a positive number"),
                        ));
                    }
                }
            }
            let b = format!("{path}.behaviour");
            match &g.behaviour {
                Behaviour::Honest { noise, .. } => check_nonneg(&format!("{b}.noise"), *noise)?,
                Behaviour::Copier { .. } | Behaviour::Lazy { .. } => {}
                Behaviour::Cabal { self_share, noise } => {
                    check_fraction(&format!("{b}.self_share"), *self_share)?;
                    check_nonneg(&format!("{b}.noise"), *noise)?;
                }
                Behaviour::Strategy {
                    shade,
                    self_share,
                    noise,
                    ..
                } => {
                    check_fraction(&format!("{b}.shade"), *shade)?;
                    check_fraction(&format!("{b}.self_share"), *self_share)?;
                    check_nonneg(&format!("{b}.noise"), *noise)?;
                }
            }
        }
        if stake_sum.is_nan() || stake_sum <= 0.0 {
            return Err(bad(
                "validators",
                "the groups' stake shares add up to 0; give some group a positive `stake`",
            ));
        }
        for (k, g) in self.miners.iter().enumerate() {
            let path = format!("miners[{k}]");
            if g.count == 0 {
                return Err(bad(format!("{path}.count"), "must be at least 1"));
            }
            if !names.insert(g.name.as_str()) {
                return Err(bad(
                    format!("{path}.name"),
                    format!("`{}` is used by another group; names must differ", g.name),
                ));
            }
            check_nonneg(&format!("{path}.quality"), g.quality)?;
            check_nonneg(&format!("{path}.spread"), g.spread)?;
            check_nonneg(&format!("{path}.drift"), g.drift)?;
            for (j, jump) in g.jumps.iter().enumerate() {
                let jp = format!("{path}.jumps[{j}]");
                match (jump.quality, jump.factor) {
                    (Some(q), None) => check_nonneg(&format!("{jp}.quality"), q)?,
                    (None, Some(f)) => check_nonneg(&format!("{jp}.factor"), f)?,
                    _ => {
                        return Err(bad(
                            jp,
                            "give exactly one of `quality` (new value) or `factor` (multiplier)",
                        ));
                    }
                }
            }
            if let Some(owner) = &g.owner
                && !self.validators.iter().any(|v| &v.name == owner)
            {
                return Err(bad(
                    format!("{path}.owner"),
                    format!("`{owner}` is not the name of a validator group"),
                ));
            }
        }
        if let Some(pct) = self.stake_cap_percentile
            && !(pct.is_finite() && (0.0..=100.0).contains(&pct))
        {
            return Err(bad(
                "stake_cap_percentile",
                format!("{pct} is not a percentile between 0 and 100"),
            ));
        }
        let r = &self.registration;
        check_nonneg("registration.alpha_price_tao", r.alpha_price_tao)?;
        if r.burn.min_burn > r.burn.max_burn {
            return Err(bad(
                "registration.burn.min_burn",
                "is above max_burn; give min_burn ≤ max_burn",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"{"epochs": 3,
        "validators": [{"name": "v", "count": 2, "stake": 1, "behaviour": {"kind": "honest"}}],
        "miners": [{"name": "m", "count": 4}]}"#;

    fn with(path: &[&str], value: serde_json::Value) -> String {
        let mut v: serde_json::Value = serde_json::from_str(BASE).unwrap();
        let mut cur = &mut v;
        for p in &path[..path.len() - 1] {
            cur = match p.parse::<usize>() {
                Ok(i) => &mut cur[i],
                Err(_) => &mut cur[*p],
            };
        }
        cur[path[path.len() - 1]] = value;
        v.to_string()
    }

    fn err(text: &str) -> String {
        Scenario::from_json(text).unwrap_err().to_string()
    }

    #[test]
    fn base_is_valid_and_takes_new_subnet_defaults() {
        let s = Scenario::from_json(BASE).unwrap();
        assert_eq!(s.n(), 6);
        let p = s.epoch_params();
        assert!(p.yuma3);
        assert_eq!(p.kappa, 32_767);
        assert_eq!(p.tempo, 360);
        assert_eq!(s.reveal_tempos, 1);
        // 360 blocks of 1 alpha less the 18 % owner cut.
        assert_eq!(s.emission(), 295_201_647_974);
    }

    #[test]
    fn errors_name_the_field() {
        use serde_json::json;
        assert!(err("{").contains("EOF"));
        let e = err(&with(&["epochs"], json!(0)));
        assert!(e.starts_with("epochs:"), "{e}");
        let e = err(&with(
            &["validators", "0", "behaviour"],
            json!({"kind": "honest", "noise": -1}),
        ));
        assert!(e.starts_with("validators[0].behaviour.noise:"), "{e}");
        let e = err(&with(
            &["validators", "0", "behaviour"],
            json!({"kind": "dance"}),
        ));
        assert!(e.contains("dance"), "{e}");
        let e = err(&with(&["miners", "0", "owner"], json!("nobody")));
        assert!(e.starts_with("miners[0].owner:"), "{e}");
        let e = err(&with(&["miners", "0", "colour"], json!("red")));
        assert!(e.contains("colour"), "{e}");
        let e = err(&with(&["params", "bonds_moving_average"], json!(2_000_000)));
        assert!(e.starts_with("params.bonds_moving_average"), "{e}");
        let e = err(&with(&["params", "kappa"], json!(70_000)));
        assert!(e.starts_with("params.kappa"), "{e}");
        let e = err(&with(&["validators", "0", "stake"], json!(0)));
        assert!(e.starts_with("validators:"), "{e}");
        let e = err(&with(&["stake_cap_percentile"], json!(150)));
        assert!(e.starts_with("stake_cap_percentile"), "{e}");
        let e = err(&with(&["miners", "0", "name"], json!("v")));
        assert!(e.starts_with("miners[0].name"), "{e}");
    }
}
