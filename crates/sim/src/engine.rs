//! The simulation loop: agents set weights, commit-reveal delays them, and the chain's own epoch
//! ([`cortex_yuma::run_epoch`], bit-exact with subtensor) turns them into incentive, dividends
//! and bonds, tempo after tempo.
//!
//! Timeline of tempo `e` (0-based), whose epoch runs at block `b = (e + 1)·tempo`:
//! 1. miners change: late groups register (mid-tempo, replacing idle uids; stored weights on
//!    those uids are zeroed as the chain does), qualities drift or jump;
//! 2. commits made `reveal_tempos` tempos ago are revealed into storage;
//! 3. evaluating validators (honest, cabal, lazy) commit at block `b − 1`; without
//!    commit-reveal their weights are stored at once;
//! 4. readers (copiers, strategies) read what storage shows now and commit too;
//! 5. the epoch runs on storage: the chain's parameters, stake, `LastUpdate` = the commit
//!    block, the commit-reveal mask with the block of each validator's oldest pending commit,
//!    the permits and bonds the previous epoch wrote.
//!
//! So under commit-reveal with delay K, honest weights count K tempos after they were made and a
//! copier's copy of them 2K tempos after: the copier lags consensus by K tempos. Without it
//! (K = 0) the copier copies this tempo's weights.

use crate::agents::{self, MinerView, Row};
use crate::rng::{SimRng, child_seed};
use crate::scenario::{Behaviour, LazyMode, Scenario, StakeDistribution};
use cortex_yuma::{EpochInput, EpochOutput, run_epoch};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// One tempo's shares, by group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupEpoch {
    /// Miner groups: share of this epoch's miner emission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incentive_share: Option<f64>,
    /// Validator groups: share of this epoch's validator emission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dividend_share: Option<f64>,
}

/// What one epoch produced.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EpochRecord {
    /// Tempo index, from 0.
    pub epoch: u32,
    /// Block of the epoch.
    pub block: u64,
    /// Shares by group name.
    pub groups: BTreeMap<String, GroupEpoch>,
    /// Per uid incentive (u16 proportion), when the scenario asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incentive: Option<Vec<u16>>,
    /// Per uid dividends (u16 proportion), when the scenario asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dividends: Option<Vec<u16>>,
}

/// A late miner group against the incumbent (the best miner present from the start).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LateTrack {
    /// The late group.
    pub group: String,
    /// Tempo it registered.
    pub join_epoch: u32,
    /// The incumbent's uid.
    pub incumbent: u16,
    /// From the join tempo on: the validators' stake-weighted bond share on the late group.
    pub late_bond_share: Vec<f64>,
    /// The same on the incumbent.
    pub incumbent_bond_share: Vec<f64>,
    /// Late group's incentive (u16 sum) per epoch from the join.
    pub late_incentive: Vec<u32>,
    /// Incumbent's incentive per epoch from the join.
    pub incumbent_incentive: Vec<u32>,
}

/// The registrations of one sybil group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SybilCost {
    /// The group.
    pub group: String,
    /// Burn paid for each registration, rao.
    pub burns: Vec<u64>,
}

/// Everything a run produced.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutput {
    /// Stake of each uid (0 for miners), after any cap.
    pub stake: Vec<u64>,
    /// Validator group of each uid.
    pub validator_group: Vec<Option<usize>>,
    /// Miner group of each uid.
    pub miner_group: Vec<Option<usize>>,
    /// Miner emission of each uid summed over the measured epochs.
    pub server_total: Vec<u64>,
    /// Validator emission of each uid summed over the measured epochs.
    pub validator_total: Vec<u64>,
    /// Miner emission of each uid summed over every epoch (warm-up included).
    pub server_all: Vec<u64>,
    /// One record per epoch.
    pub records: Vec<EpochRecord>,
    /// Late groups.
    pub late: Vec<LateTrack>,
    /// Sybil groups.
    pub sybils: Vec<SybilCost>,
}

/// A validator's commits not yet revealed: `(commit epoch, commit block, row)`.
type Pending = VecDeque<(u32, u64, Row)>;

struct Validator {
    uid: u16,
    group: usize,
    rng: SimRng,
    pending: Pending,
}

struct Miner {
    uid: u16,
    group: usize,
    quality: f64,
}

/// Initial stakes of the validators, in uid order (before any cap).
fn initial_stakes(s: &Scenario) -> Vec<u64> {
    let total_share: f64 = s.validators.iter().map(|g| g.stake).sum();
    let mut out = Vec::new();
    for (k, g) in s.validators.iter().enumerate() {
        let mut rng = SimRng::new(child_seed(s.seed, 2_000_000u64.saturating_add(k as u64)));
        let raw: Vec<f64> = (0..g.count)
            .map(|_| match g.stake_distribution {
                StakeDistribution::Equal => 1.0,
                StakeDistribution::Normal { sd } => (1.0 + sd * rng.normal()).max(0.0),
                StakeDistribution::Pareto { shape } => rng.pareto(shape),
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        let group_stake = s.total_stake as f64 * g.stake / total_share;
        for r in raw {
            let share = if sum > 0.0 { r / sum } else { 0.0 };
            // `as` saturates and maps NaN to 0; the product is at most total_stake.
            out.push((group_stake * share) as u64);
        }
    }
    if let Some(pct) = s.stake_cap_percentile {
        let cap = percentile(&out, pct);
        for x in &mut out {
            *x = (*x).min(cap);
        }
    }
    out
}

/// The `pct`-th percentile (nearest rank) of `values`.
pub fn percentile(values: &[u64], pct: f64) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let len = sorted.len();
    if len == 0 {
        return 0;
    }
    let rank = ((pct / 100.0) * len as f64).ceil() as usize;
    let idx = rank.clamp(1, len).saturating_sub(1);
    sorted.get(idx).copied().unwrap_or(0)
}

/// Runs a scenario (checked by [`Scenario::check`]) to the end.
pub fn run(s: &Scenario) -> RunOutput {
    let mut params = s.epoch_params();
    let tempo = u64::from(params.tempo.max(1));
    let n = s.n();
    let n16 = u16::try_from(n).unwrap_or(u16::MAX);
    let k_reveal = s.reveal_tempos;
    let emission = s.emission();
    let warmup = s.warmup();

    // == Uids: validators first, then miners ==
    let stakes = initial_stakes(s);
    let mut validator_group = vec![None; n];
    let mut miner_group = vec![None; n];
    let mut validators = Vec::new();
    let mut uid: u16 = 0;
    for (g, group) in s.validators.iter().enumerate() {
        for _ in 0..group.count {
            if let Some(cell) = validator_group.get_mut(usize::from(uid)) {
                *cell = Some(g);
            }
            validators.push(Validator {
                uid,
                group: g,
                rng: SimRng::new(child_seed(s.seed, u64::from(uid))),
                pending: VecDeque::new(),
            });
            uid = uid.saturating_add(1);
        }
    }
    let mut miner_rngs: Vec<SimRng> = (0..s.miners.len())
        .map(|g| SimRng::new(child_seed(s.seed, 1_000_000u64.saturating_add(g as u64))))
        .collect();
    let mut miners = Vec::new();
    for (g, group) in s.miners.iter().enumerate() {
        let Some(rng) = miner_rngs.get_mut(g) else {
            continue;
        };
        // One model for a sybil group: one quality for all its registrations.
        let shared = group.quality * (group.spread * rng.normal()).exp();
        for _ in 0..group.count {
            if let Some(cell) = miner_group.get_mut(usize::from(uid)) {
                *cell = Some(g);
            }
            let quality = if group.sybil {
                if group.spread > 0.0 {
                    shared
                } else {
                    group.quality
                }
            } else if group.spread > 0.0 {
                group.quality * (group.spread * rng.normal()).exp()
            } else {
                group.quality
            };
            miners.push(Miner {
                uid,
                group: g,
                quality,
            });
            uid = uid.saturating_add(1);
        }
    }
    let miner_uids: Vec<u16> = miners.iter().map(|m| m.uid).collect();
    let mut miner_index: Vec<Option<usize>> = vec![None; n];
    for (k, m) in miners.iter().enumerate() {
        if let Some(cell) = miner_index.get_mut(usize::from(m.uid)) {
            *cell = Some(k);
        }
    }
    let own: Vec<Vec<bool>> = (0..s.validators.len())
        .map(|vg| {
            miners
                .iter()
                .map(|m| {
                    s.miners.get(m.group).and_then(|g| g.owner.as_deref())
                        == s.validators.get(vg).map(|v| v.name.as_str())
                })
                .collect()
        })
        .collect();

    let reg_block_of = |join: u32| -> u64 {
        if join == 0 {
            0
        } else {
            // Mid-tempo of the join tempo.
            u64::from(join)
                .saturating_mul(tempo)
                .saturating_add(tempo / 2)
        }
    };
    let sybils: Vec<SybilCost> = s
        .miners
        .iter()
        .filter(|g| g.sybil)
        .map(|g| SybilCost {
            group: g.name.clone(),
            burns: s.registration.burn.prices(
                usize::from(g.count),
                reg_block_of(g.join_epoch).max(1),
                s.registration.blocks_apart,
            ),
        })
        .collect();

    // == The chain's storage ==
    let mut stake = vec![0u64; n];
    for (v, st) in validators.iter().zip(stakes.iter()) {
        if let Some(cell) = stake.get_mut(usize::from(v.uid)) {
            *cell = *st;
        }
    }
    let mut input = EpochInput {
        n: n16,
        current_block: 0,
        emission,
        alpha_stake: stake.clone(),
        tao_stake: Vec::new(),
        last_update: vec![0; n],
        block_at_registration: vec![0; n],
        validator_permit: validator_group.iter().map(Option::is_some).collect(),
        weights: vec![Vec::new(); n],
        bonds: vec![Vec::new(); n],
        commit_blocks: None,
        params: params.clone(),
    };
    for m in &miners {
        let join = s.miners.get(m.group).map(|g| g.join_epoch).unwrap_or(0);
        if let Some(cell) = input.block_at_registration.get_mut(usize::from(m.uid)) {
            *cell = reg_block_of(join);
        }
        if let Some(cell) = input.last_update.get_mut(usize::from(m.uid)) {
            *cell = reg_block_of(join);
        }
    }

    // Late groups and the incumbent each is measured against.
    let mut late: Vec<LateTrack> = Vec::new();
    let mut late_groups: Vec<usize> = Vec::new();
    for (g, group) in s.miners.iter().enumerate() {
        if group.join_epoch > 0 && group.join_epoch < s.epochs && !group.sybil {
            late_groups.push(g);
        }
    }

    let max_lag = s
        .validators
        .iter()
        .map(|g| match g.behaviour {
            Behaviour::Copier { lag } => lag,
            Behaviour::Strategy { copy_lag, .. } => copy_lag,
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let mut visible_history: VecDeque<Vec<f64>> = VecDeque::new();
    let is_reader = |g: usize| {
        matches!(
            s.validators.get(g).map(|v| &v.behaviour),
            Some(Behaviour::Copier { .. } | Behaviour::Strategy { .. })
        )
    };

    let mut server_total = vec![0u64; n];
    let mut validator_total = vec![0u64; n];
    let mut server_all = vec![0u64; n];
    let mut records = Vec::with_capacity(usize::try_from(s.epochs).unwrap_or(0));
    let mut last_epoch_block = 0u64;

    for e in 0..s.epochs {
        let block = u64::from(e).saturating_add(1).saturating_mul(tempo);
        let commit_block = block.saturating_sub(1);

        // == 1. Miners ==
        for (g, group) in s.miners.iter().enumerate() {
            if group.join_epoch == e && e > 0 {
                let reg = reg_block_of(e);
                for m in miners.iter().filter(|m| m.group == g) {
                    let j = usize::from(m.uid);
                    if let Some(c) = input.block_at_registration.get_mut(j) {
                        *c = reg;
                    }
                    if let Some(c) = input.last_update.get_mut(j) {
                        *c = reg;
                    }
                    for row in &mut input.weights {
                        for entry in row.iter_mut().filter(|(d, _)| *d == m.uid) {
                            entry.1 = 0;
                        }
                    }
                }
                if late_groups.contains(&g) {
                    // The incumbent: the best miner present from the start, now.
                    let incumbent = miners
                        .iter()
                        .filter(|m| s.miners.get(m.group).is_some_and(|x| x.join_epoch == 0))
                        .max_by(|a, b| a.quality.total_cmp(&b.quality))
                        .map(|m| m.uid)
                        .unwrap_or(0);
                    late.push(LateTrack {
                        group: group.name.clone(),
                        join_epoch: e,
                        incumbent,
                        late_bond_share: Vec::new(),
                        incumbent_bond_share: Vec::new(),
                        late_incentive: Vec::new(),
                        incumbent_incentive: Vec::new(),
                    });
                }
            }
            if e > 0 {
                let Some(rng) = miner_rngs.get_mut(g) else {
                    continue;
                };
                let shared_step = (group.drift * rng.normal()).exp();
                for m in miners.iter_mut().filter(|m| m.group == g) {
                    let step = if group.sybil {
                        shared_step
                    } else {
                        (group.drift * rng.normal()).exp()
                    };
                    if group.drift > 0.0 {
                        m.quality *= step;
                    }
                }
            }
            for jump in group.jumps.iter().filter(|j| j.epoch == e) {
                for m in miners.iter_mut().filter(|m| m.group == g) {
                    match (jump.quality, jump.factor) {
                        (Some(q), _) => m.quality = q,
                        (None, Some(f)) => m.quality *= f,
                        (None, None) => {}
                    }
                }
            }
        }
        let age: Vec<Option<u32>> = miners
            .iter()
            .map(|m| {
                let join = s.miners.get(m.group).map(|g| g.join_epoch).unwrap_or(0);
                e.checked_sub(join)
            })
            .collect();
        let quality: Vec<f64> = miners
            .iter()
            .zip(age.iter())
            .map(|(m, a)| if a.is_some() { m.quality } else { 0.0 })
            .collect();
        let view = MinerView {
            uids: &miner_uids,
            quality: &quality,
            age: &age,
        };

        // == 2. Reveals due ==
        for v in &mut validators {
            while v
                .pending
                .front()
                .is_some_and(|(ce, _, _)| ce.saturating_add(k_reveal) <= e && k_reveal > 0)
            {
                if let Some((_, _, row)) = v.pending.pop_front()
                    && let Some(cell) = input.weights.get_mut(usize::from(v.uid))
                {
                    *cell = row;
                }
            }
        }

        // == 3. Evaluators commit ==
        for v in validators.iter_mut().filter(|v| !is_reader(v.group)) {
            let Some(group) = s.validators.get(v.group) else {
                continue;
            };
            let scores = match &group.behaviour {
                Behaviour::Honest {
                    noise,
                    discovery_lag,
                } => agents::honest_scores(&view, *noise, *discovery_lag, &mut v.rng),
                Behaviour::Cabal { self_share, noise } => {
                    let honest = agents::honest_scores(&view, *noise, 0, &mut v.rng);
                    let mine = own
                        .get(v.group)
                        .map(|o| agents::own_scores(o, &view))
                        .unwrap_or_default();
                    agents::mix(&honest, &mine, *self_share)
                }
                Behaviour::Lazy {
                    mode: LazyMode::Constant,
                } => agents::constant_scores(&view),
                Behaviour::Lazy {
                    mode: LazyMode::Random,
                } => agents::random_scores(&view, &mut v.rng),
                Behaviour::Copier { .. } | Behaviour::Strategy { .. } => continue,
            };
            commit(
                v,
                agents::to_chain_row(&miner_uids, &scores),
                e,
                commit_block,
                k_reveal,
                &mut input,
            );
        }

        // == 4. Readers: what storage shows now ==
        let visible = visible_mean(
            &validators,
            &input,
            &stake,
            &miner_index,
            miners.len(),
            |g| !is_reader(g),
        );
        visible_history.push_front(visible);
        visible_history.truncate(usize::try_from(max_lag).unwrap_or(0).saturating_add(1));
        for v in validators.iter_mut().filter(|v| is_reader(v.group)) {
            let Some(group) = s.validators.get(v.group) else {
                continue;
            };
            let scores = match &group.behaviour {
                Behaviour::Copier { lag } => visible_history
                    .get(usize::try_from(*lag).unwrap_or(usize::MAX))
                    .cloned()
                    .unwrap_or_default(),
                Behaviour::Strategy {
                    shade,
                    self_share,
                    copy_lag,
                    switch_epoch,
                    noise,
                } => {
                    let honest = agents::honest_scores(&view, *noise, 0, &mut v.rng);
                    if e < *switch_epoch {
                        honest
                    } else {
                        let copied = visible_history
                            .get(usize::try_from(*copy_lag).unwrap_or(usize::MAX))
                            .cloned()
                            .unwrap_or_default();
                        let shaded = agents::mix(&honest, &copied, *shade);
                        let mine = own
                            .get(v.group)
                            .map(|o| agents::own_scores(o, &view))
                            .unwrap_or_default();
                        agents::mix(&shaded, &mine, *self_share)
                    }
                }
                _ => continue,
            };
            commit(
                v,
                agents::to_chain_row(&miner_uids, &scores),
                e,
                commit_block,
                k_reveal,
                &mut input,
            );
        }

        // == 5. The epoch ==
        input.current_block = block;
        input.params = params.clone();
        input.commit_blocks = (k_reveal > 0).then(|| {
            let mut cb = vec![u64::MAX; n];
            for v in &validators {
                if let (Some(cell), Some((_, b, _))) =
                    (cb.get_mut(usize::from(v.uid)), v.pending.front())
                {
                    *cell = *b;
                }
            }
            cb
        });
        let out = run_epoch(&input);
        params.last_epoch_block = block;
        last_epoch_block = block;
        input.validator_permit.clone_from(&out.validator_permit);
        input.bonds.clone_from(&out.bonds);

        for (acc, x) in server_all.iter_mut().zip(out.server_emission.iter()) {
            *acc = acc.saturating_add(*x);
        }
        if e >= warmup {
            for (acc, x) in server_total.iter_mut().zip(out.server_emission.iter()) {
                *acc = acc.saturating_add(*x);
            }
            for (acc, x) in validator_total
                .iter_mut()
                .zip(out.validator_emission.iter())
            {
                *acc = acc.saturating_add(*x);
            }
        }
        for track in &mut late {
            let Some(g) = s.miners.iter().position(|x| x.name == track.group) else {
                continue;
            };
            let members: Vec<u16> = miners
                .iter()
                .filter(|m| m.group == g)
                .map(|m| m.uid)
                .collect();
            let shares = bond_shares(&out, &stake);
            let get = |u: u16| shares.get(usize::from(u)).copied().unwrap_or(0.0);
            let inc = |u: u16| u32::from(out.incentive.get(usize::from(u)).copied().unwrap_or(0));
            track
                .late_bond_share
                .push(members.iter().map(|u| get(*u)).sum());
            track.incumbent_bond_share.push(get(track.incumbent));
            track
                .late_incentive
                .push(members.iter().map(|u| inc(*u)).sum());
            track.incumbent_incentive.push(inc(track.incumbent));
        }
        records.push(record(s, e, block, &out, &validator_group, &miner_group));
    }
    tracing::debug!(
        epochs = s.epochs,
        n,
        last_epoch_block,
        "simulation finished"
    );

    RunOutput {
        stake,
        validator_group,
        miner_group,
        server_total,
        validator_total,
        server_all,
        records,
        late,
        sybils,
    }
}

/// Queues a commit; without commit-reveal it is stored at once.
fn commit(v: &mut Validator, row: Row, e: u32, block: u64, k: u32, input: &mut EpochInput) {
    let i = usize::from(v.uid);
    if let Some(cell) = input.last_update.get_mut(i) {
        *cell = block;
    }
    if k == 0 {
        if let Some(cell) = input.weights.get_mut(i) {
            *cell = row;
        }
    } else {
        v.pending.push_back((e, block, row));
    }
}

/// The stake-weighted mean of the stored (normalized) rows of the validators whose group
/// passes `source`, over the miners.
fn visible_mean(
    validators: &[Validator],
    input: &EpochInput,
    stake: &[u64],
    miner_index: &[Option<usize>],
    miners: usize,
    source: impl Fn(usize) -> bool,
) -> Vec<f64> {
    let mut mean = vec![0.0; miners];
    let mut total = 0.0;
    for v in validators.iter().filter(|v| source(v.group)) {
        let i = usize::from(v.uid);
        let Some(row) = input.weights.get(i) else {
            continue;
        };
        if row.is_empty() {
            continue;
        }
        let s = stake.get(i).copied().unwrap_or(0) as f64;
        let scores = agents::row_to_scores(row, miner_index, miners);
        for (m, x) in mean.iter_mut().zip(scores.iter()) {
            *m += s * x;
        }
        total += s;
    }
    if total > 0.0 {
        for m in &mut mean {
            *m /= total;
        }
    }
    mean
}

/// Per miner uid: Σ_i S_i · B_ij / Σ_j' B_ij' over validators with bonds, over Σ S_i.
fn bond_shares(out: &EpochOutput, stake: &[u64]) -> Vec<f64> {
    let mut shares = vec![0.0; out.bonds.len()];
    let mut total = 0.0;
    for (i, row) in out.bonds.iter().enumerate() {
        let sum: f64 = row.iter().map(|(_, b)| f64::from(*b)).sum();
        if sum <= 0.0 {
            continue;
        }
        let s = stake.get(i).copied().unwrap_or(0) as f64;
        total += s;
        for (j, b) in row {
            if let Some(cell) = shares.get_mut(usize::from(*j)) {
                *cell += s * f64::from(*b) / sum;
            }
        }
    }
    if total > 0.0 {
        for x in &mut shares {
            *x /= total;
        }
    }
    shares
}

fn record(
    s: &Scenario,
    e: u32,
    block: u64,
    out: &EpochOutput,
    validator_group: &[Option<usize>],
    miner_group: &[Option<usize>],
) -> EpochRecord {
    let server: f64 = out.server_emission.iter().map(|x| *x as f64).sum();
    let validator: f64 = out.validator_emission.iter().map(|x| *x as f64).sum();
    let mut groups = BTreeMap::new();
    for (g, group) in s.validators.iter().enumerate() {
        let d: f64 = validator_group
            .iter()
            .zip(out.validator_emission.iter())
            .filter(|(vg, _)| **vg == Some(g))
            .map(|(_, x)| *x as f64)
            .sum();
        groups.insert(
            group.name.clone(),
            GroupEpoch {
                incentive_share: None,
                dividend_share: Some(if validator > 0.0 { d / validator } else { 0.0 }),
            },
        );
    }
    for (g, group) in s.miners.iter().enumerate() {
        let i: f64 = miner_group
            .iter()
            .zip(out.server_emission.iter())
            .filter(|(mg, _)| **mg == Some(g))
            .map(|(_, x)| *x as f64)
            .sum();
        groups.insert(
            group.name.clone(),
            GroupEpoch {
                incentive_share: Some(if server > 0.0 { i / server } else { 0.0 }),
                dividend_share: None,
            },
        );
    }
    EpochRecord {
        epoch: e,
        block,
        groups,
        incentive: s.record_uids.then(|| out.incentive.clone()),
        dividends: s.record_uids.then(|| out.dividends.clone()),
    }
}
