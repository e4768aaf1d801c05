//! Epoch scenarios: a subnet's epoch state and a list of events, run through [`run_epoch`].
//!
//! The format is the one of the golden vectors (`tests/golden/README.md`): a JSON document with
//! `n`, `params`, per-uid vectors, optional initial `weights` and `bonds`, and `events`
//! (`set_weights`, `set_stake`, `set_params`, `epoch`). Running it yields one [`EpochRecord`] per
//! `epoch` event, in the expected-output format.
//!
//! Input is checked completely before anything runs: every error names the field it is about
//! (`events[3].dests[1]: uid 9 is not below n = 8`), and nothing panics on any input.

use crate::epoch::{EpochInput, EpochParams, run_epoch};
use crate::math::max_upscale_u16;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Why a scenario could not be read or run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScenarioError {
    /// The document is not valid JSON or does not have the scenario's shape.
    #[error("{path}: {message}")]
    Malformed {
        /// Where in the document (`.` for the document itself).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The document is well-formed but a value is out of range.
    #[error("{path}: {message}")]
    Invalid {
        /// Where in the document.
        path: String,
        /// What is wrong there.
        message: String,
    },
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// Hyperparameters as the scenario gives them: every field optional.
///
/// In `params` a missing field takes the default of [`EpochParams::default`]; in a `set_params`
/// event it keeps its current value. `owner_uid: null` means "no owner".
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ParamsPatch {
    /// κ, u16 proportion.
    pub kappa: Option<u16>,
    /// β, u16 proportion.
    pub bonds_penalty: Option<u16>,
    /// In millionths (at most 1 000 000).
    pub bonds_moving_average: Option<u64>,
    /// Yuma 3 on.
    pub yuma3: Option<bool>,
    /// Liquid alpha on.
    pub liquid_alpha: Option<bool>,
    /// Liquid α lower bound, u16 proportion.
    pub alpha_low: Option<u16>,
    /// Liquid α upper bound, u16 proportion.
    pub alpha_high: Option<u16>,
    /// Liquid-α sigmoid steepness.
    pub alpha_sigmoid_steepness: Option<i16>,
    /// Top-k for validator permits.
    pub max_allowed_validators: Option<u16>,
    /// Blocks per epoch.
    pub tempo: Option<u16>,
    /// Activity cutoff in thousandths of a tempo.
    pub activity_cutoff_factor_milli: Option<u32>,
    /// Minimum stake for a permit.
    pub stake_threshold: Option<u64>,
    /// The owner's uid (`null`: no owner).
    #[serde(default, deserialize_with = "present")]
    pub owner_uid: Option<Option<u16>>,
    /// Previous successful epoch block (0: `block − tempo` is used instead).
    pub last_epoch_block: Option<u64>,
}

/// Distinguishes a field given as `null` (`Some(None)`) from a missing one (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u16>>, D::Error> {
    Option::<u16>::deserialize(d).map(Some)
}

impl ParamsPatch {
    fn apply(&self, p: &mut EpochParams) {
        macro_rules! set {
            ($($f:ident)*) => {$( if let Some(v) = self.$f { p.$f = v; } )*};
        }
        set!(kappa bonds_penalty bonds_moving_average yuma3 liquid_alpha alpha_low alpha_high
             alpha_sigmoid_steepness max_allowed_validators tempo activity_cutoff_factor_milli
             stake_threshold owner_uid last_epoch_block);
    }

    fn check(&self, path: &str, n: u16) -> Result<(), ScenarioError> {
        if let Some(bma) = self.bonds_moving_average
            && bma > 1_000_000
        {
            return Err(invalid(
                format!("{path}.bonds_moving_average"),
                format!("{bma} is above 1000000 (the moving average is in millionths)"),
            ));
        }
        if let Some(Some(owner)) = self.owner_uid
            && owner >= n
        {
            return Err(invalid(format!("{path}.owner_uid"), not_a_uid(owner, n)));
        }
        Ok(())
    }
}

/// A stored row: `[[dest, value], ...]`.
pub type Row = Vec<(u16, u16)>;

/// `uid` sets weights at `block`: values are max-upscaled as on chain and `last_update[uid]`
/// becomes `block`. No rate limit or other check applies.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SetWeights {
    /// Block of the call.
    pub block: u64,
    /// The validator.
    pub uid: u16,
    /// Destination uids, in submitted order.
    pub dests: Vec<u16>,
    /// Raw u16 weights, one per destination.
    pub values: Vec<u16>,
}

/// Replaces the stake of `uid`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SetStake {
    /// The uid.
    pub uid: u16,
    /// New stake.
    pub stake: u64,
}

/// Changes the given hyperparameters.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SetParams {
    /// Fields to change.
    pub params: ParamsPatch,
}

/// Runs one epoch at `block` distributing `emission`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RunEpoch {
    /// The block of the epoch.
    pub block: u64,
    /// Alpha to distribute.
    pub emission: u64,
}

/// One event of a scenario, tagged by `op`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Event {
    /// `{"op": "set_weights", ...}`
    SetWeights(SetWeights),
    /// `{"op": "set_stake", ...}`
    SetStake(SetStake),
    /// `{"op": "set_params", ...}`
    SetParams(SetParams),
    /// `{"op": "epoch", ...}`
    Epoch(RunEpoch),
}

/// The operations [`Event`] knows, as `op` spells them.
const OPS: &str = "set_weights, set_stake, set_params, epoch";

impl Event {
    /// Reads one event, naming `path.field` in errors. (serde's internally tagged enums buffer
    /// their content and lose the field path, so the tag is dispatched here by hand.)
    fn from_value(path: &str, value: serde_json::Value) -> Result<Event, ScenarioError> {
        let serde_json::Value::Object(mut map) = value else {
            return Err(malformed(
                path,
                "an event must be an object with an \"op\" field",
            ));
        };
        let op = match map.remove("op") {
            Some(serde_json::Value::String(op)) => op,
            Some(_) => return Err(malformed(format!("{path}.op"), "must be a string")),
            None => {
                return Err(malformed(
                    format!("{path}.op"),
                    format!("missing (one of {OPS})"),
                ));
            }
        };
        let body = serde_json::Value::Object(map);
        Ok(match op.as_str() {
            "set_weights" => Event::SetWeights(typed(path, body)?),
            "set_stake" => Event::SetStake(typed(path, body)?),
            "set_params" => Event::SetParams(typed(path, body)?),
            "epoch" => Event::Epoch(typed(path, body)?),
            other => {
                return Err(malformed(
                    format!("{path}.op"),
                    format!("unknown op `{other}` (expected one of {OPS})"),
                ));
            }
        })
    }
}

fn malformed(path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Malformed {
        path: path.into(),
        message: message.into(),
    }
}

/// Deserializes `value` as `T`, with errors located below `path`.
fn typed<T: serde::de::DeserializeOwned>(
    path: &str,
    value: serde_json::Value,
) -> Result<T, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let full = if inner == "." {
            path.to_string()
        } else {
            format!("{path}.{inner}")
        };
        malformed(full, e.into_inner().to_string())
    })
}

/// The document as serde reads it; events are checked one by one afterwards.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    n: u16,
    #[serde(default)]
    params: ParamsPatch,
    stake: Vec<u64>,
    block_at_registration: Vec<u64>,
    last_update: Vec<u64>,
    validator_permit: Vec<bool>,
    #[serde(default)]
    weights: BTreeMap<String, Row>,
    #[serde(default)]
    bonds: BTreeMap<String, Row>,
    block: u64,
    events: Vec<serde_json::Value>,
}

/// A scenario document.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Scenario {
    /// Number of uids.
    pub n: u16,
    /// Initial hyperparameters.
    #[serde(default)]
    pub params: ParamsPatch,
    /// Stake per uid (alpha plus TAO-weighted root stake).
    pub stake: Vec<u64>,
    /// Registration block per uid.
    pub block_at_registration: Vec<u64>,
    /// Last weight-setting block per uid.
    pub last_update: Vec<u64>,
    /// Permits held before the first epoch.
    pub validator_permit: Vec<bool>,
    /// Initial weight rows by uid.
    #[serde(default)]
    pub weights: BTreeMap<String, Row>,
    /// Initial bond rows by uid.
    #[serde(default)]
    pub bonds: BTreeMap<String, Row>,
    /// The block the scenario starts at.
    pub block: u64,
    /// What happens, in order.
    pub events: Vec<Event>,
}

/// The outputs of one epoch, as the expected files hold them.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct EpochRecord {
    /// The epoch's block.
    pub block: u64,
    /// Incentive per uid.
    pub incentive: Vec<u16>,
    /// Dividends per uid.
    pub dividends: Vec<u16>,
    /// Consensus per uid.
    pub consensus: Vec<u16>,
    /// Validator trust per uid.
    pub validator_trust: Vec<u16>,
    /// Miner emission per uid.
    pub server_emission: Vec<u64>,
    /// Validator emission per uid.
    pub validator_emission: Vec<u64>,
    /// Permits after the epoch.
    pub validator_permit: Vec<bool>,
    /// Stored bonds after the epoch, each row in ascending destination order.
    pub bonds: Vec<Row>,
}

/// The result of a scenario: one record per epoch.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Expected {
    /// Epoch records in order.
    pub epochs: Vec<EpochRecord>,
}

fn not_a_uid(uid: u16, n: u16) -> String {
    format!("uid {uid} is not below n = {n}")
}

impl Scenario {
    /// Parses and checks a scenario document.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = match e.path().to_string() {
                p if p == "." => "scenario".to_string(),
                p => p,
            };
            // serde_json appends " at line L column C"; keep it, it points into the file.
            malformed(path, e.into_inner().to_string())
        })?;
        let events = raw
            .events
            .into_iter()
            .enumerate()
            .map(|(k, v)| Event::from_value(&format!("events[{k}]"), v))
            .collect::<Result<Vec<_>, _>>()?;
        let scenario = Scenario {
            n: raw.n,
            params: raw.params,
            stake: raw.stake,
            block_at_registration: raw.block_at_registration,
            last_update: raw.last_update,
            validator_permit: raw.validator_permit,
            weights: raw.weights,
            bonds: raw.bonds,
            block: raw.block,
            events,
        };
        scenario.check()?;
        Ok(scenario)
    }

    /// Checks every range the format implies, so that running cannot fail half-way.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let n = self.n;
        let len = usize::from(n);
        let vectors = [
            ("stake", self.stake.len()),
            ("block_at_registration", self.block_at_registration.len()),
            ("last_update", self.last_update.len()),
            ("validator_permit", self.validator_permit.len()),
        ];
        for (name, l) in vectors {
            if l != len {
                return Err(invalid(name, format!("has {l} entries, expected n = {n}")));
            }
        }
        self.params.check("params", n)?;
        for (name, rows) in [("weights", &self.weights), ("bonds", &self.bonds)] {
            for (key, row) in rows {
                let uid: u16 = key.parse().map_err(|_| {
                    invalid(format!("{name}.{key}"), "the key is not a uid (0…65535)")
                })?;
                if uid >= n {
                    return Err(invalid(format!("{name}.{key}"), not_a_uid(uid, n)));
                }
                for (k, (dest, _)) in row.iter().enumerate() {
                    if *dest >= n {
                        return Err(invalid(format!("{name}.{key}[{k}]"), not_a_uid(*dest, n)));
                    }
                }
            }
        }
        let mut stake = self.stake.clone();
        check_total_stake("stake", &stake)?;
        for (e, event) in self.events.iter().enumerate() {
            let path = format!("events[{e}]");
            match event {
                Event::SetWeights(SetWeights {
                    uid, dests, values, ..
                }) => {
                    if *uid >= n {
                        return Err(invalid(format!("{path}.uid"), not_a_uid(*uid, n)));
                    }
                    if dests.len() != values.len() {
                        return Err(invalid(
                            format!("{path}.values"),
                            format!("has {} entries but dests has {}", values.len(), dests.len()),
                        ));
                    }
                    if let Some((k, d)) = dests.iter().enumerate().find(|(_, d)| **d >= n) {
                        return Err(invalid(format!("{path}.dests[{k}]"), not_a_uid(*d, n)));
                    }
                }
                Event::SetStake(SetStake { uid, stake: s }) => {
                    match stake.get_mut(usize::from(*uid)) {
                        Some(cell) => *cell = *s,
                        None => return Err(invalid(format!("{path}.uid"), not_a_uid(*uid, n))),
                    }
                    check_total_stake(&format!("{path}.stake"), &stake)?;
                }
                Event::SetParams(SetParams { params }) => {
                    params.check(&format!("{path}.params"), n)?
                }
                Event::Epoch(_) => {}
            }
        }
        Ok(())
    }

    /// Runs the events and returns one record per epoch. The scenario must have passed
    /// [`Scenario::check`] (as [`Scenario::from_json`] ensures); out-of-range values that slip
    /// through are ignored rather than panicking.
    pub fn run(&self) -> Expected {
        let n = usize::from(self.n);
        let mut params = EpochParams::default();
        self.params.apply(&mut params);
        let rows = |m: &BTreeMap<String, Row>| -> Vec<Row> {
            let mut out = vec![Vec::new(); n];
            for (key, row) in m {
                if let Some(slot) = key.parse::<usize>().ok().and_then(|i| out.get_mut(i)) {
                    *slot = row.clone();
                }
            }
            out
        };
        let mut input = EpochInput {
            n: self.n,
            current_block: self.block,
            emission: 0,
            alpha_stake: self.stake.clone(),
            tao_stake: Vec::new(),
            last_update: self.last_update.clone(),
            block_at_registration: self.block_at_registration.clone(),
            validator_permit: self.validator_permit.clone(),
            weights: rows(&self.weights),
            bonds: rows(&self.bonds),
            commit_blocks: None,
            params,
        };
        let mut expected = Expected::default();
        for event in &self.events {
            match event {
                Event::SetWeights(SetWeights {
                    block,
                    uid,
                    dests,
                    values,
                }) => {
                    let i = usize::from(*uid);
                    let upscaled = max_upscale_u16(values);
                    if let Some(row) = input.weights.get_mut(i) {
                        *row = dests.iter().copied().zip(upscaled).collect();
                    }
                    if let Some(cell) = input.last_update.get_mut(i) {
                        *cell = *block;
                    }
                }
                Event::SetStake(SetStake { uid, stake }) => {
                    if let Some(cell) = input.alpha_stake.get_mut(usize::from(*uid)) {
                        *cell = *stake;
                    }
                }
                Event::SetParams(SetParams { params }) => params.apply(&mut input.params),
                Event::Epoch(RunEpoch { block, emission }) => {
                    input.current_block = *block;
                    input.emission = *emission;
                    let out = run_epoch(&input);
                    let mut sorted = out.bonds.clone();
                    for row in &mut sorted {
                        row.sort_by_key(|(j, _)| *j);
                    }
                    expected.epochs.push(EpochRecord {
                        block: *block,
                        incentive: out.incentive,
                        dividends: out.dividends,
                        consensus: out.consensus,
                        validator_trust: out.validator_trust,
                        server_emission: out.server_emission,
                        validator_emission: out.validator_emission,
                        validator_permit: out.validator_permit.clone(),
                        bonds: sorted,
                    });
                    // The next epoch reads what this one stored.
                    input.validator_permit = out.validator_permit;
                    input.bonds = out.bonds;
                }
            }
        }
        expected
    }
}

/// The epoch normalizes stake in I64F64, whose integer part holds at most `i64::MAX`.
fn check_total_stake(path: &str, stake: &[u64]) -> Result<(), ScenarioError> {
    let total: u128 = stake.iter().map(|s| u128::from(*s)).sum();
    if total > u128::from(i64::MAX.unsigned_abs()) {
        return Err(invalid(
            path,
            format!(
                "total stake {total} exceeds {} (the epoch's I64F64 range)",
                i64::MAX
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Scenario::from_json(text).unwrap_err().to_string()
    }

    const BASE: &str = r#"{"n":2,"stake":[1,0],"block_at_registration":[0,0],
        "last_update":[0,0],"validator_permit":[false,false],"block":1,"events":[]}"#;

    fn with(field: &str, value: &str) -> String {
        let mut v: serde_json::Value = serde_json::from_str(BASE).unwrap();
        v[field] = serde_json::from_str(value).unwrap();
        v.to_string()
    }

    #[test]
    fn bad_input_names_the_field() {
        assert!(err("{").contains("EOF"));
        assert!(err(r#"{"n": 2}"#).starts_with("scenario: missing field `stake`"));
        assert!(err(&with("stake", "[1]")).starts_with("stake: has 1 entries, expected n = 2"));
        assert!(err(&with("stake", "[-1, 0]")).starts_with("stake[0]: invalid value"));
        assert!(err(&with("n", "70000")).starts_with("n: invalid value"));
        assert!(err(&with("stake", "[1.5, 0]")).starts_with("stake[0]: invalid type"));
        let huge = format!("[{}, {}]", u64::MAX, 1);
        assert!(err(&with("stake", &huge)).starts_with("stake: total stake"));
        assert!(err(&with("weights", r#"{"2": [[0, 1]]}"#)).starts_with("weights.2: uid 2"));
        assert!(err(&with("weights", r#"{"x": [[0, 1]]}"#)).starts_with("weights.x: the key"));
        assert!(err(&with("bonds", r#"{"0": [[5, 1]]}"#)).starts_with("bonds.0[0]: uid 5"));
        assert!(err(&with("bonds", r#"{"0": [[1, 65536]]}"#)).starts_with("bonds.0[0][1]"));
        let e = err(&with("events", r#"[{"op":"dance"}]"#));
        assert!(e.starts_with("events[0].op: unknown op `dance`"), "{e}");
        let e = err(&with("events", r#"[{"block":1}]"#));
        assert!(e.starts_with("events[0].op: missing"), "{e}");
        let e = err(&with(
            "events",
            r#"[{"op":"epoch","block":1,"emission":1,"extra":0}]"#,
        ));
        assert!(
            e.starts_with("events[0].extra: unknown field `extra`"),
            "{e}"
        );
        let e = err(&with(
            "events",
            r#"[{"op":"set_weights","block":1,"uid":0,"dests":[1],"values":[1,2]}]"#,
        ));
        assert!(e.starts_with("events[0].values: has 2 entries"), "{e}");
        let e = err(&with(
            "events",
            r#"[{"op":"set_weights","block":1,"uid":0,"dests":[3],"values":[1]}]"#,
        ));
        assert!(e.starts_with("events[0].dests[0]: uid 3"), "{e}");
        let e = err(&with("events", r#"[{"op":"set_stake","uid":4,"stake":1}]"#));
        assert!(e.starts_with("events[0].uid: uid 4"), "{e}");
        let e = err(&with(
            "events",
            r#"[{"op":"epoch","block":1,"emission":-5}]"#,
        ));
        assert!(e.starts_with("events[0].emission: invalid value"), "{e}");
        let e = err(&with("params", r#"{"kapa": 1}"#));
        assert!(e.starts_with("params.kapa: unknown field `kapa`"), "{e}");
        let e = err(&with("params", r#"{"bonds_moving_average": 2000000}"#));
        assert!(e.starts_with("params.bonds_moving_average"), "{e}");
        let e = err(&with("params", r#"{"owner_uid": 2}"#));
        assert!(e.starts_with("params.owner_uid: uid 2"), "{e}");
    }

    #[test]
    fn owner_null_clears_and_missing_keeps() {
        let mut p = EpochParams {
            owner_uid: Some(1),
            ..EpochParams::default()
        };
        let keep: ParamsPatch = serde_json::from_str("{}").unwrap();
        keep.apply(&mut p);
        assert_eq!(p.owner_uid, Some(1));
        let clear: ParamsPatch = serde_json::from_str(r#"{"owner_uid": null}"#).unwrap();
        clear.apply(&mut p);
        assert_eq!(p.owner_uid, None);
    }
}
