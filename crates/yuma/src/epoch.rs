//! One Yuma Consensus epoch for one subnet mechanism (subtensor's sparse `epoch_mechanism`).
//!
//! [`run_epoch`] takes everything the epoch reads from storage as an [`EpochInput`] and returns
//! everything it writes as an [`EpochOutput`]. It knows nothing of storage, hotkeys or blocks
//! beyond the numbers it is given; the runtime reads the input and persists the output.
//!
//! The steps, in order (section numbers of `spec/epoch.md`):
//! 1. activity (§4): a uid is active if it set weights within the activity cutoff;
//! 2. stake (§3.2): alpha plus TAO-weighted root stake, threshold-filtered, normalized;
//! 3. validator permits (§4): top-k by stake (the owner always), written for the next epoch;
//! 4. active stake: stake of active uids holding a permit, normalized;
//! 5. weights (§5): permit, self-weight, outdated and commit-reveal masks, row-normalized;
//! 6. consensus (§6): the stake-weighted κ-median of each column, clipping, validator trust;
//! 7. incentive: the clipped weights times active stake, normalized;
//! 8. bonds and dividends (§7): original Yuma or Yuma 3 (with liquid alpha);
//! 9. emission (§8): incentive and dividends split `E` between miners and validators.

use crate::fixed::{
    ONE, U16_MAX, ZERO, alpha_exponent, alpha_from_exp, exp_safe4, fixed_proportion_to_u16,
    fixed64_to_fixed32, fmul, neg_steepness_over_100, safe_div, u16_proportion_to_fixed,
    u16_to_fixed,
};
use crate::math::{
    self, SparseMatrix, SparseRow, inplace_col_max_upscale, inplace_col_normalize,
    inplace_mask_vector, inplace_normalize, inplace_normalize_64, inplace_normalize_using_sum,
    inplace_row_normalize, is_topk_nonzero, is_zero,
};
use substrate_fixed::types::{I32F32, I64F64, I96F32, U96F32};

/// The subnet hyperparameters the epoch reads, with the values subtensor stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochParams {
    /// Blocks between epochs (`Tempo`).
    pub tempo: u16,
    /// Activity cutoff as thousandths of a tempo (`ActivityCutoffFactorMilli`).
    pub activity_cutoff_factor_milli: u32,
    /// Consensus majority κ as a u16 proportion (`Kappa`).
    pub kappa: u16,
    /// Bonds penalty β as a u16 proportion (`BondsPenalty`).
    pub bonds_penalty: u16,
    /// Bonds moving average in millionths; α = 1 − bma/10^6 (`BondsMovingAverage`).
    pub bonds_moving_average: u64,
    /// Yuma 3 bonds and dividends (`Yuma3On`); original Yuma otherwise.
    pub yuma3: bool,
    /// Per-bond α from a sigmoid (`LiquidAlphaOn`); only honoured with Yuma 3.
    pub liquid_alpha: bool,
    /// Lower bound of liquid α as a u16 proportion (`AlphaValues.0`).
    pub alpha_low: u16,
    /// Upper bound of liquid α as a u16 proportion (`AlphaValues.1`).
    pub alpha_high: u16,
    /// Steepness of the liquid-α sigmoid (`AlphaSigmoidSteepness`).
    pub alpha_sigmoid_steepness: i16,
    /// How many uids may hold a validator permit (`MaxAllowedValidators`).
    pub max_allowed_validators: u16,
    /// Minimum stake for a permit, in stake units (global `StakeThreshold`).
    pub stake_threshold: u64,
    /// The subnet owner's uid, if its hotkey is registered: exempt from the stake threshold,
    /// always permitted, and allowed to keep a self-weight.
    pub owner_uid: Option<u16>,
    /// Block of the previous successful epoch (`LastMechansimStepBlock`), 0 if none.
    pub last_epoch_block: u64,
    /// Global `TaoWeight`: the share of root TAO stake counted, as a fraction of `u64::MAX`.
    pub tao_weight: u64,
}

impl Default for EpochParams {
    /// Subtensor's storage defaults (`spec/epoch.md` §3.4), except `MaxAllowedValidators`, which
    /// takes the 64 that `init_new_network` writes for every new subnet (the bare storage default
    /// of 128 never applies to a registered subnet). `Yuma3On` stays off, as in storage.
    fn default() -> Self {
        EpochParams {
            tempo: 360,
            activity_cutoff_factor_milli: 13_889,
            kappa: 32_767,
            bonds_penalty: 65_535,
            bonds_moving_average: 900_000,
            yuma3: false,
            liquid_alpha: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1000,
            max_allowed_validators: 64,
            stake_threshold: 0,
            owner_uid: None,
            last_epoch_block: 0,
            tao_weight: 0,
        }
    }
}

impl EpochParams {
    /// The activity cutoff in blocks: `max(1, ⌊factor · tempo / 1000⌋)`.
    pub fn activity_cutoff(&self) -> u64 {
        u64::from(self.activity_cutoff_factor_milli)
            .saturating_mul(u64::from(self.tempo))
            .checked_div(1000)
            .unwrap_or(0)
            .max(1)
    }
}

/// Everything one epoch reads. Per-uid vectors are indexed by uid and normally have length `n`;
/// shorter ones are read the way subtensor reads short storage vectors (see each field).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochInput {
    /// Number of uids (`SubnetworkN`); uids are `0..n`.
    pub n: u16,
    /// The block the epoch runs in.
    pub current_block: u64,
    /// Alpha to distribute (`E`, in alpha base units).
    pub emission: u64,
    /// Per uid: the hotkey's (inherited) alpha stake on this subnet. Missing entries are 0.
    pub alpha_stake: Vec<u64>,
    /// Per uid: the hotkey's (inherited) root TAO stake, counted at `tao_weight`. May be empty.
    pub tao_stake: Vec<u64>,
    /// Per uid: block of the last `set_weights` (or commit). Shorter vectors are padded with 0.
    pub last_update: Vec<u64>,
    /// Per uid: block at which the uid was (re)registered. Missing entries are 0.
    pub block_at_registration: Vec<u64>,
    /// Permits written by the previous epoch. An entry missing from a non-empty vector counts as
    /// no permit; an empty vector masks no stake but every weight row (subtensor's edge rule).
    pub validator_permit: Vec<bool>,
    /// Per uid: stored weight row `(dest uid, u16)`, in stored order.
    pub weights: Vec<Vec<(u16, u16)>>,
    /// Per uid: stored bond row `(dest uid, u16)`, in stored order.
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// With commit-reveal on: per uid, the block of its earliest unexpired commit (`u64::MAX`,
    /// or a missing entry, for none). `None` when commit-reveal is off.
    pub commit_blocks: Option<Vec<u64>>,
    /// The subnet's hyperparameters.
    pub params: EpochParams,
}

/// Everything one epoch writes, per uid `0..n`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochOutput {
    /// Active flags (set weights within the cutoff).
    pub active: Vec<bool>,
    /// Normalized threshold-filtered stake as u16 proportions (`StakeWeight`).
    pub stake_weight: Vec<u16>,
    /// Total stake counted, floored (alpha + TAO-weighted root stake, unfiltered).
    pub stake: Vec<u64>,
    /// Consensus weight of each uid as a miner.
    pub consensus: Vec<u16>,
    /// Fraction of each validator's weight that survived clipping.
    pub validator_trust: Vec<u16>,
    /// Incentive (normalized rank) as u16 proportions.
    pub incentive: Vec<u16>,
    /// Dividends as u16 proportions.
    pub dividends: Vec<u16>,
    /// Alpha paid to each uid as a miner.
    pub server_emission: Vec<u64>,
    /// Alpha weight of each uid as a validator (the runtime splits it further).
    pub validator_emission: Vec<u64>,
    /// Combined emission (`Emission` storage).
    pub emission: Vec<u64>,
    /// Validator permits for the next epoch.
    pub validator_permit: Vec<bool>,
    /// Bond rows to store, in the order the epoch produced them; empty for uids without a new
    /// permit (a validator losing its permit loses its bonds).
    pub bonds: Vec<Vec<(u16, u16)>>,
}

/// Total stake as the epoch counts it: `alpha + tao · (tao_weight / u64::MAX)` in I64F64.
pub fn total_stake(alpha: u64, tao: u64, tao_weight: u64) -> I64F64 {
    let weight = U96F32::saturating_from_num(tao_weight)
        .checked_div(U96F32::saturating_from_num(u64::MAX))
        .unwrap_or_default();
    let weight = I64F64::saturating_from_num(weight);
    I64F64::saturating_from_num(alpha)
        .saturating_add(I64F64::saturating_from_num(tao).saturating_mul(weight))
}

/// Runs one epoch (see the module documentation for the steps).
pub fn run_epoch(input: &EpochInput) -> EpochOutput {
    let p = &input.params;
    let n = usize::from(input.n);
    let block = input.current_block;

    // == Activity ==
    let mut last_update = input.last_update.clone();
    if last_update.len() < n {
        last_update.resize(n, 0);
    }
    let cutoff = p.activity_cutoff();
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|u| u.saturating_add(cutoff) < block)
        .collect();
    let block_at_registration: Vec<u64> = (0..n)
        .map(|i| input.block_at_registration.get(i).copied().unwrap_or(0))
        .collect();

    // == Stake ==
    let total: Vec<I64F64> = (0..n)
        .map(|i| {
            let alpha = input.alpha_stake.get(i).copied().unwrap_or(0);
            let tao = input.tao_stake.get(i).copied().unwrap_or(0);
            total_stake(alpha, tao, p.tao_weight)
        })
        .collect();
    let is_owner = |i: usize| p.owner_uid.is_some_and(|o| usize::from(o) == i);
    let mut filtered: Vec<I64F64> = total
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if !is_owner(i) && s.saturating_to_num::<u64>() < p.stake_threshold {
                I64F64::from_bits(0)
            } else {
                *s
            }
        })
        .collect();
    inplace_normalize_64(&mut filtered);
    let stake: Vec<I32F32> = filtered.into_iter().map(fixed64_to_fixed32).collect();

    // == Validator permits ==
    let mut permits = input.validator_permit.clone();
    let mut new_permits = is_topk_nonzero(&stake, usize::from(p.max_allowed_validators));
    if let Some(owner) = p.owner_uid {
        if let Some(cell) = permits.get_mut(usize::from(owner)) {
            *cell = true;
        }
        if let Some(cell) = new_permits.get_mut(usize::from(owner)) {
            *cell = true;
        }
    }
    let forbids: Vec<bool> = permits.iter().map(|b| !b).collect();

    // == Active stake ==
    let mut active_stake = stake.clone();
    inplace_mask_vector(&inactive, &mut active_stake);
    inplace_mask_vector(&forbids, &mut active_stake);
    inplace_normalize(&mut active_stake);

    // == Weights ==
    // One pass applies, per entry, what subtensor applies as successive masks (they commute):
    // permit (whole rows), self-weight (but the owner's), outdated weights, and the
    // commit-reveal mask; then each row is normalized.
    let commit_blocks = input.commit_blocks.as_deref();
    let mut weights: SparseMatrix = (0..n)
        .map(|i| {
            let (Some(false), Some(row)) = (forbids.get(i).copied(), input.weights.get(i)) else {
                return Vec::new();
            };
            let updated = last_update.get(i).copied().unwrap_or(0);
            // Without an unexpired commit the mask never fires (u64::MAX < r is false).
            let committed = commit_blocks.map(|c| c.get(i).copied().unwrap_or(u64::MAX));
            let mut out = Vec::with_capacity(row.len());
            for &(j, v) in row {
                let jj = usize::from(j);
                let Some(&registered) = block_at_registration.get(jj) else {
                    continue; // j ≥ n
                };
                if (jj != i || is_owner(i))
                    && updated > registered
                    && committed.is_none_or(|c| c >= registered)
                {
                    out.push((j, u16_to_fixed(v)));
                }
            }
            out
        })
        .collect();
    inplace_row_normalize(&mut weights);

    // == Consensus, clipping, validator trust ==
    let kappa = safe_div(u16_to_fixed(p.kappa), U16_MAX);
    let consensus = math::weighted_median_col(&active_stake, &weights, n, kappa);
    let clipped = math::col_clip(&weights, &consensus);
    let validator_trust = math::row_sum(&clipped);

    // == Incentive ==
    let mut incentive = math::matmul(&clipped, &active_stake, n);
    inplace_normalize(&mut incentive);

    // == Bonds and dividends ==
    let beta = safe_div(u16_to_fixed(p.bonds_penalty), U16_MAX);
    let weights_for_bonds = math::interpolate(weights, clipped, n, beta);
    let last_tempo = if p.last_epoch_block == 0 {
        block.saturating_sub(u64::from(p.tempo))
    } else {
        p.last_epoch_block.saturating_add(1)
    };
    let (dividends, bonds) = if p.yuma3 {
        let mut bonds = sparse_from_u16(&input.bonds, n, u16_proportion_to_fixed);
        math::mask_by_col(&mut bonds, last_tempo, &block_at_registration, |t, r| {
            t <= r
        });
        let ema = yuma3_bonds(p, &weights_for_bonds, &bonds, &consensus, n);
        let per_validator = math::col_normalized_row_dot(&ema, n, &incentive);
        let mut dividends: Vec<I32F32> = per_validator
            .iter()
            .zip(active_stake.iter())
            .map(|(t, a)| t.checked_mul(*a).unwrap_or_default())
            .collect();
        inplace_normalize(&mut dividends);
        (dividends, ema)
    } else {
        let mut bonds = sparse_from_u16(&input.bonds, n, u16_to_fixed);
        math::mask_by_col(&mut bonds, last_tempo, &block_at_registration, |t, r| {
            t <= r
        });
        inplace_col_normalize(&mut bonds, n);
        let mut delta = weights_for_bonds;
        let delta_sums = math::row_hadamard(&mut delta, &active_stake, n);
        math::divide_columns(&mut delta, &delta_sums);
        let mut ema = math::mat_ema(&delta, &bonds, fixed_alpha(p), n);
        inplace_col_normalize(&mut ema, n);
        let mut dividends = math::matmul_transpose(&ema, &incentive);
        inplace_normalize(&mut dividends);
        inplace_col_max_upscale(&mut ema, n);
        (dividends, ema)
    };

    // == Emission ==
    let combined: Vec<I32F32> = incentive
        .iter()
        .zip(dividends.iter())
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let emission_sum = math::sum(&combined);
    let mut server = incentive.clone();
    let mut validator = dividends.clone();
    let mut combined_norm = combined;
    inplace_normalize_using_sum(&mut server, emission_sum);
    inplace_normalize_using_sum(&mut validator, emission_sum);
    inplace_normalize(&mut combined_norm);
    if emission_sum == ZERO {
        // No valid weights, only self-weights, or no consensus: pay validators by stake.
        let fallback = if is_zero(&active_stake) {
            &stake
        } else {
            &active_stake
        };
        validator.clone_from(fallback);
        combined_norm.clone_from(fallback);
    }
    tracing::debug!(
        n,
        block,
        emission = input.emission,
        emission_sum = %emission_sum,
        "epoch computed"
    );

    let e = I96F32::saturating_from_num(input.emission);
    let amounts = |v: &[I32F32]| -> Vec<u64> {
        v.iter()
            .map(|x| {
                I96F32::saturating_from_num(*x)
                    .saturating_mul(e)
                    .saturating_to_num::<u64>()
            })
            .collect()
    };
    let to_u16 =
        |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| fixed_proportion_to_u16(*x)).collect() };
    let take =
        |v: Vec<u64>| -> Vec<u64> { (0..n).map(|i| v.get(i).copied().unwrap_or(0)).collect() };
    let take16 =
        |v: Vec<u16>| -> Vec<u16> { (0..n).map(|i| v.get(i).copied().unwrap_or(0)).collect() };
    let new_permit: Vec<bool> = (0..n)
        .map(|i| new_permits.get(i).copied().unwrap_or(false))
        .collect();

    EpochOutput {
        active: (0..n)
            .map(|i| !inactive.get(i).copied().unwrap_or(false))
            .collect(),
        stake_weight: take16(to_u16(&stake)),
        stake: take(total.iter().map(|s| s.saturating_to_num::<u64>()).collect()),
        consensus: take16(to_u16(&consensus)),
        validator_trust: take16(to_u16(&validator_trust)),
        incentive: take16(to_u16(&incentive)),
        dividends: take16(to_u16(&dividends)),
        server_emission: take(amounts(&server)),
        validator_emission: take(amounts(&validator)),
        emission: take(amounts(&combined_norm)),
        bonds: (0..n)
            .map(|i| match (new_permit.get(i), bonds.get(i)) {
                (Some(true), Some(row)) => row
                    .iter()
                    .map(|(j, v)| (*j, fixed_proportion_to_u16(*v)))
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        validator_permit: new_permit,
    }
}

/// Reads the first `n` stored bond rows with `convert`. Destinations `≥ n` are kept, as
/// subtensor's `get_bonds_sparse` keeps them; every later step ignores them.
fn sparse_from_u16(rows: &[Vec<(u16, u16)>], n: usize, convert: fn(u16) -> I32F32) -> SparseMatrix {
    (0..n)
        .map(|i| match rows.get(i) {
            Some(row) => row.iter().map(|(j, v)| (*j, convert(*v))).collect(),
            None => Vec::new(),
        })
        .collect()
}

/// The single EMA coefficient `α = 1 − bma/10^6` (I64F64 quotient, truncated to I32F32).
fn fixed_alpha(p: &EpochParams) -> I32F32 {
    let bma = I64F64::saturating_from_num(p.bonds_moving_average)
        .checked_div(I64F64::saturating_from_num(1_000_000))
        .unwrap_or_default();
    ONE.saturating_sub(I32F32::saturating_from_num(bma))
}

/// Yuma 3 bond EMA: per-bond liquid α when enabled and some consensus is non-zero, else the
/// single α over the union of patterns.
fn yuma3_bonds(
    p: &EpochParams,
    weights: &SparseMatrix,
    bonds: &SparseMatrix,
    consensus: &[I32F32],
    n: usize,
) -> SparseMatrix {
    let liquid = p.liquid_alpha && consensus.iter().any(|c| *c != ZERO);
    if !liquid {
        return math::mat_ema(weights, bonds, fixed_alpha(p), n);
    }
    let low = u16_proportion_to_fixed(p.alpha_low);
    let high = u16_proportion_to_fixed(p.alpha_high);
    let steep = neg_steepness_over_100(p.alpha_sigmoid_steepness);
    let mut scratch = LiquidScratch::new(consensus.len());
    weights
        .iter()
        .zip(bonds.iter())
        .map(|(w_row, b_row)| {
            liquid_ema_row(w_row, b_row, consensus, (low, high, steep), &mut scratch)
        })
        .collect()
}

/// Reusable dense buffers of [`liquid_ema_row`], cleared after each row.
struct LiquidScratch {
    alpha: Vec<I32F32>,
    decayed: Vec<I32F32>,
    needed: Vec<bool>,
    columns: Vec<u16>,
    /// Columns whose α is still to be computed, with their exponent.
    pending: Vec<(u16, I32F32)>,
    /// α by exponent, direct-mapped (see [`cache_slot`]).
    cache: Vec<(Option<I32F32>, I32F32)>,
}

/// Slot of an exponent in the α cache: a multiplicative hash of its bits.
fn cache_slot(x: I32F32) -> usize {
    let h = x
        .to_bits()
        .unsigned_abs()
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    usize::try_from(h >> 58).unwrap_or(0)
}

impl LiquidScratch {
    fn new(n: usize) -> Self {
        LiquidScratch {
            alpha: vec![ZERO; n],
            decayed: vec![ZERO; n],
            needed: vec![false; n],
            columns: Vec::new(),
            pending: Vec::new(),
            cache: vec![(None, ZERO); 64],
        }
    }
}

/// One row of subtensor's `mat_ema_alpha_sparse` with α from
/// `compute_liquid_alpha_values_sparse`:
/// `B'_ij = min(1, ⌊(1−α_ij)·B_ij⌋ + max(0, ⌊α_ij·W_ij⌋))` for the columns of the weight row
/// only (a bond to a miner absent from the row is dropped), kept if > 0, in the row's order.
///
/// Subtensor computes α for all `n` columns with a forward-only merge walk over the weight and
/// bond rows, which reads `w = 0` or `b = 0` wherever a row is not sorted by column. Only the
/// α of the weight row's columns is ever used, so only those are computed here; the walk is
/// evaluated at those columns in ascending order, which yields the same `(w, b)` as the full walk.
fn liquid_ema_row(
    w_row: &SparseRow,
    b_row: &SparseRow,
    consensus: &[I32F32],
    (low, high, steep): (I32F32, I32F32, I32F32),
    s: &mut LiquidScratch,
) -> SparseRow {
    if w_row.is_empty() {
        return Vec::new();
    }
    s.columns.clear();
    for (j, _) in w_row {
        if let Some(flag) = s.needed.get_mut(usize::from(*j))
            && !*flag
        {
            *flag = true;
            s.columns.push(*j);
        }
    }
    s.columns.sort_unstable();

    // The forward-only merge walk, at the needed columns: the sigmoid's exponent of each.
    // α depends on the exponent alone, and many bonds share one (every validator at or below
    // consensus has a difference of exactly 0), so a small cache answers those; the others go
    // through the exponential four at a time.
    let (mut wi, mut bi) = (0usize, 0usize);
    s.pending.clear();
    for &j in &s.columns {
        let w = walk(w_row, &mut wi, j);
        let b = walk(b_row, &mut bi, j);
        let c = consensus.get(usize::from(j)).copied().unwrap_or(ZERO);
        let x = alpha_exponent(c, w, b, steep);
        match s.cache.get(cache_slot(x)) {
            Some(&(key, alpha)) if key == Some(x) => {
                if let Some(a) = s.alpha.get_mut(usize::from(j)) {
                    *a = alpha;
                }
            }
            _ => s.pending.push((j, x)),
        }
    }
    for chunk in s.pending.chunks(4) {
        let mut lanes = [ZERO; 4];
        for (lane, (_, x)) in lanes.iter_mut().zip(chunk) {
            *lane = *x;
        }
        for ((j, x), e) in chunk.iter().zip(exp_safe4(lanes)) {
            let alpha = alpha_from_exp(e, low, high);
            if let Some(a) = s.alpha.get_mut(usize::from(*j)) {
                *a = alpha;
            }
            if let Some(slot) = s.cache.get_mut(cache_slot(*x)) {
                *slot = (Some(*x), alpha);
            }
        }
    }

    // (1 − α)·old, for the columns that will be read (later duplicates overwrite).
    for (j, old) in b_row {
        let jj = usize::from(*j);
        if s.needed.get(jj).copied().unwrap_or(false) {
            let a = s.alpha.get(jj).copied().unwrap_or(ZERO);
            if let Some(cell) = s.decayed.get_mut(jj) {
                *cell = fmul(ONE.saturating_sub(a), *old);
            }
        }
    }

    let row = w_row
        .iter()
        .filter_map(|(j, new)| {
            let jj = usize::from(*j);
            let a = s.alpha.get(jj).copied()?;
            let decayed = s.decayed.get(jj).copied()?;
            let v = decayed.saturating_add(fmul(a, *new).max(ZERO)).min(ONE);
            (v > ZERO).then_some((*j, v))
        })
        .collect();

    for &j in &s.columns {
        let jj = usize::from(j);
        if let Some(f) = s.needed.get_mut(jj) {
            *f = false;
        }
        if let Some(d) = s.decayed.get_mut(jj) {
            *d = ZERO;
        }
    }
    row
}

/// Advances `pos` over entries whose column is below `j` and returns the value at `j` if the
/// entry reached has column `j` exactly (0 otherwise). Never moves backwards.
fn walk(row: &SparseRow, pos: &mut usize, j: u16) -> I32F32 {
    while let Some((col, v)) = row.get(*pos) {
        if *col < j {
            *pos = pos.saturating_add(1);
        } else {
            return if *col == j { *v } else { ZERO };
        }
    }
    ZERO
}
