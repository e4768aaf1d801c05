//! Differential test of [`run_epoch`] against a deliberately simple reference epoch.
//!
//! [`reference_epoch`] below is written straight from `spec/epoch.md` (§2–§9, summarized in
//! §13), with none of the library's shortcuts: every operation is the `substrate-fixed` one
//! (`saturating_mul`, `checked_div(..).unwrap_or_default()` for `safe_div`, the crate's Taylor
//! `exp` for `exp_safe`), rows are densified wherever that is the simplest way to state a step,
//! the κ-median is the literal order-preserving mid-pivot quickselect with its iteration cap, the
//! single-α EMA accumulates into a dense row, and liquid alpha computes the full n×n α matrix
//! with the forward-only merge walk over the rows in stored order before the sparse per-bond EMA.
//!
//! The property tests compare the whole [`EpochOutput`] of both on random subnets of 1 to 20
//! uids: stakes from 0 to the I64F64 limit with optional TAO-weighted root stake, weight and bond
//! rows sorted, unsorted or reversed, with duplicates, explicit zeros and destinations past `n`,
//! permit, last-update, registration and commit vectors of any length, and any hyperparameters;
//! some inputs make κ an exact partial sum of the stake or the stake threshold equal to a stake,
//! so that the strict comparisons are exercised at equality. Chains of epochs read back the
//! permits and bonds the library writes (with new weights and re-registrations in between),
//! also on 21 to 70 uids. Deterministic 300-uid chains (Yuma 3 with liquid alpha at β = 0 and
//! β ≈ ½, original Yuma) exercise the large-subnet paths: the blocked median gather, the 4-lane
//! `exp` and its cache, the linear-merge EMA.
//!
//! `REFERENCE_EPOCH_CASE_FACTOR=k` multiplies every case count (and the large seeds) by `k` for a
//! longer campaign, best in release mode.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use cortex_yuma::{EpochInput, EpochOutput, EpochParams, run_epoch};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use substrate_fixed::transcendental::exp;
use substrate_fixed::types::{I32F32, I64F64, I96F32, U96F32};

// ================================================================================================
// The reference epoch
// ================================================================================================

/// A sparse row: `(column, value)` in stored order.
type Row = Vec<(u16, I32F32)>;

fn zero() -> I32F32 {
    I32F32::saturating_from_num(0)
}

fn one() -> I32F32 {
    I32F32::saturating_from_num(1)
}

/// `safe_div`: the quotient, or 0 for a zero divisor or an overflowing quotient.
fn safe_div(a: I32F32, b: I32F32) -> I32F32 {
    a.checked_div(b).unwrap_or_default()
}

/// `u16→fixed` (§2.3): the value itself, not divided.
fn u16_fixed(v: u16) -> I32F32 {
    I32F32::saturating_from_num(v)
}

/// `u16→proportion` (§2.3): `fixed(v) / fixed(65535)`.
fn u16_proportion(v: u16) -> I32F32 {
    safe_div(u16_fixed(v), u16_fixed(u16::MAX))
}

/// `proportion→u16` (§2.3): `⌊x·65535⌋`, saturating.
fn proportion_u16(x: I32F32) -> u16 {
    x.saturating_mul(u16_fixed(u16::MAX))
        .saturating_to_num::<u16>()
}

fn sum(v: &[I32F32]) -> I32F32 {
    let mut s = zero();
    for x in v {
        s = s.saturating_add(*x);
    }
    s
}

/// `normalize_using_sum` (§2.3): divide by `s` unless `s == 0`.
fn normalize_using_sum(v: &mut [I32F32], s: I32F32) {
    if s != zero() {
        for x in v.iter_mut() {
            *x = safe_div(*x, s);
        }
    }
}

fn normalize(v: &mut [I32F32]) {
    let s = sum(v);
    normalize_using_sum(v, s);
}

/// Zeroes `v_i` where `mask_i`. An empty mask masks nothing; entries the mask does not cover are
/// masked (§4, step 4).
fn mask_vector(mask: &[bool], v: &mut [I32F32]) {
    if mask.is_empty() {
        return;
    }
    for (i, x) in v.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            *x = zero();
        }
    }
}

/// A sparse row as a dense row of `n` cells; later entries for a column overwrite earlier ones,
/// columns `≥ n` are ignored.
fn densify(row: &[(u16, I32F32)], n: usize) -> Vec<I32F32> {
    let mut dense = vec![zero(); n];
    for &(j, v) in row {
        if usize::from(j) < n {
            dense[usize::from(j)] = v;
        }
    }
    dense
}

/// Per column `j < n`: Σ_i m_ij over the entries (duplicates all count).
fn column_sums(m: &[Row], n: usize) -> Vec<I32F32> {
    let mut s = vec![zero(); n];
    for row in m {
        for &(j, v) in row {
            if usize::from(j) < n {
                s[usize::from(j)] = s[usize::from(j)].saturating_add(v);
            }
        }
    }
    s
}

/// `col_normalize` (§2.3); entries with a column `≥ n` are left alone.
fn col_normalize(m: &mut [Row], n: usize) {
    let s = column_sums(m, n);
    for row in m.iter_mut() {
        for (j, v) in row.iter_mut() {
            if usize::from(*j) < n && s[usize::from(*j)] != zero() {
                *v = safe_div(*v, s[usize::from(*j)]);
            }
        }
    }
}

/// `col_max_upscale` (§2.3); entries with a column `≥ n` are left alone.
fn col_max_upscale(m: &mut [Row], n: usize) {
    let mut mx = vec![zero(); n];
    for row in m.iter() {
        for &(j, v) in row {
            if usize::from(j) < n && mx[usize::from(j)] < v {
                mx[usize::from(j)] = v;
            }
        }
    }
    for row in m.iter_mut() {
        for (j, v) in row.iter_mut() {
            if usize::from(*j) < n && mx[usize::from(*j)] != zero() {
                *v = safe_div(*v, mx[usize::from(*j)]);
            }
        }
    }
}

/// Top-k among the non-zero entries (§4, step 3): stable ascending sort of the indices by value,
/// the first `len − k` lose; if `len < k`, every non-zero entry.
fn topk_nonzero(v: &[I32F32], k: usize) -> Vec<bool> {
    let mut keep: Vec<bool> = v.iter().map(|x| *x != zero()).collect();
    if v.len() < k {
        return keep;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|a, b| v[*a].cmp(&v[*b]));
    for &i in order.iter().take(v.len() - k) {
        keep[i] = false;
    }
    keep
}

/// The κ-median of one column by subtensor's quickselect (§6.1): the partition keeps the input
/// order, the pivot is its middle element, entries equal to the pivot are set aside; go low if
/// `minority < lo + stake_below`, high if `hi − stake_above ≤ minority`, else answer the pivot.
/// After more rounds than entries the answer is 0 (never reached).
fn weighted_median(stake: &[I32F32], score: &[I32F32], minority: I32F32, total: I32F32) -> I32F32 {
    let mut part: Vec<usize> = (0..score.len()).collect();
    let cap = part.len();
    let mut lo = zero();
    let mut hi = total;
    let mut rounds = 0usize;
    loop {
        let len = part.len();
        if len == 0 {
            return zero();
        }
        if len == 1 {
            return score[part[0]];
        }
        let pivot = score[part[len / 2]];
        let mut lower = Vec::new();
        let mut upper = Vec::new();
        let mut below = zero();
        let mut above = zero();
        for &k in &part {
            if score[k] < pivot {
                below = below.saturating_add(stake[k]);
                lower.push(k);
            } else if score[k] > pivot {
                above = above.saturating_add(stake[k]);
                upper.push(k);
            }
        }
        if minority < lo.saturating_add(below) && !lower.is_empty() {
            hi = lo.saturating_add(below);
            part = lower;
        } else if hi.saturating_sub(above) <= minority && !upper.is_empty() {
            lo = hi.saturating_sub(above);
            part = upper;
        } else {
            return pivot;
        }
        rounds += 1;
        if rounds > cap {
            return zero();
        }
    }
}

/// Consensus (§6.1): per column, the κ-median of the weights of the validators with active stake,
/// their stake renormalized.
fn consensus(active: &[I32F32], weights: &[Row], n: usize, kappa: I32F32) -> Vec<I32F32> {
    let voters: Vec<usize> = (0..n).filter(|i| active[*i] > zero()).collect();
    let mut stake: Vec<I32F32> = voters.iter().map(|i| active[*i]).collect();
    normalize(&mut stake);
    let total = sum(&stake);
    let minority = total.saturating_sub(kappa);
    let rows: Vec<Vec<I32F32>> = voters.iter().map(|i| densify(&weights[*i], n)).collect();
    (0..n)
        .map(|j| {
            let score: Vec<I32F32> = rows.iter().map(|r| r[j]).collect();
            weighted_median(&stake, &score, minority, total)
        })
        .collect()
}

/// `exp_safe` (§2.2): the crate's Taylor `exp` on the input clamped to [−20, 20]; an error gives
/// 0 for a non-positive input and the maximum otherwise.
fn exp_safe(x: I32F32) -> I32F32 {
    let lo = I32F32::saturating_from_num(-20);
    let hi = I32F32::saturating_from_num(20);
    let x = if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    };
    match exp::<I32F32, I32F32>(x) {
        Ok(v) => v,
        Err(()) if x <= zero() => zero(),
        Err(()) => I32F32::max_value(),
    }
}

/// `min(value, high)` then `max(·, low)`.
fn clamp(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    value.min(high).max(low)
}

/// Liquid α of one bond (§7.3).
fn alpha_sigmoid(
    c: I32F32,
    w: I32F32,
    b: I32F32,
    low: I32F32,
    high: I32F32,
    steep: I32F32,
) -> I32F32 {
    let diff = if w >= b {
        clamp(w.saturating_sub(c), zero(), one())
    } else {
        clamp(b.saturating_sub(w), zero(), one())
    };
    let half = I32F32::saturating_from_num(1).saturating_div(I32F32::saturating_from_num(2));
    let x = steep
        .saturating_div(I32F32::saturating_from_num(-100))
        .saturating_mul(diff.saturating_sub(half));
    let sigmoid = one().saturating_div(one().saturating_add(exp_safe(x)));
    clamp(
        low.saturating_add(sigmoid.saturating_mul(high.saturating_sub(low))),
        low,
        high,
    )
}

/// The value a forward-only merge walk reads at column `j`: skip entries whose column is below
/// `j` (never going back), take the entry reached if its column is `j`, else 0.
fn walk(row: &[(u16, I32F32)], pos: &mut usize, j: usize) -> I32F32 {
    while *pos < row.len() && usize::from(row[*pos].0) < j {
        *pos += 1;
    }
    match row.get(*pos) {
        Some(&(col, v)) if usize::from(col) == j => v,
        _ => zero(),
    }
}

/// The full n×n matrix of liquid α (§7.3), reading `w` and `b` with the merge walk over the rows
/// in their stored order.
fn liquid_alphas(
    weights: &[Row],
    bonds: &[Row],
    consensus: &[I32F32],
    p: &EpochParams,
) -> Vec<Vec<I32F32>> {
    let low = u16_proportion(p.alpha_low);
    let high = u16_proportion(p.alpha_high);
    let steep = I32F32::saturating_from_num(p.alpha_sigmoid_steepness);
    weights
        .iter()
        .zip(bonds.iter())
        .map(|(w_row, b_row)| {
            let (mut wp, mut bp) = (0usize, 0usize);
            (0..consensus.len())
                .map(|j| {
                    let w = walk(w_row, &mut wp, j);
                    let b = walk(b_row, &mut bp, j);
                    alpha_sigmoid(consensus[j], w, b, low, high, steep)
                })
                .collect()
        })
        .collect()
}

/// Sparse EMA with per-bond α (`mat_ema_alpha_sparse`, §7.2): `(1−α)·old` is assigned per old
/// entry (a later duplicate overwrites), then one output entry per entry of the new row, in its
/// order: `min(1, decayed + max(0, α·new))`, kept if > 0.
fn ema_alpha_sparse(new: &[Row], old: &[Row], alphas: &[Vec<I32F32>]) -> Vec<Row> {
    new.iter()
        .zip(old.iter())
        .zip(alphas.iter())
        .map(|((new_row, old_row), a_row)| {
            let n = a_row.len();
            let mut decayed = vec![zero(); n];
            for &(j, v) in old_row {
                let j = usize::from(j);
                if j < n {
                    decayed[j] = one().saturating_sub(a_row[j]).saturating_mul(v);
                }
            }
            let mut out = Vec::new();
            for &(j, v) in new_row {
                let jj = usize::from(j);
                if jj < n {
                    let inc = a_row[jj].saturating_mul(v).max(zero());
                    let val = decayed[jj].saturating_add(inc).min(one());
                    if val > zero() {
                        out.push((j, val));
                    }
                }
            }
            out
        })
        .collect()
}

/// EMA with one α (`mat_ema_sparse`): `⌊α·new⌋ + ⌊(1−α)·old⌋` accumulated into a dense row of
/// `new.len()` columns (duplicates add up), read back in ascending column order, entries > 0.
fn ema_single(new: &[Row], old: &[Row], alpha: I32F32) -> Vec<Row> {
    let n = new.len();
    let one_minus = one().saturating_sub(alpha);
    new.iter()
        .enumerate()
        .map(|(i, new_row)| {
            let mut acc = vec![zero(); n];
            for &(j, v) in new_row {
                if usize::from(j) < n {
                    acc[usize::from(j)] =
                        acc[usize::from(j)].saturating_add(alpha.saturating_mul(v));
                }
            }
            if let Some(old_row) = old.get(i) {
                for &(j, v) in old_row {
                    if usize::from(j) < n {
                        acc[usize::from(j)] =
                            acc[usize::from(j)].saturating_add(one_minus.saturating_mul(v));
                    }
                }
            }
            acc.iter()
                .enumerate()
                .filter(|(_, v)| **v > zero())
                .map(|(j, v)| (u16::try_from(j).unwrap(), *v))
                .collect()
        })
        .collect()
}

/// The single EMA coefficient: `1 − bma/10^6`, the quotient in I64F64 truncated to I32F32.
fn single_alpha(p: &EpochParams) -> I32F32 {
    let bma = I64F64::saturating_from_num(p.bonds_moving_average)
        .checked_div(I64F64::saturating_from_num(1_000_000))
        .unwrap_or_default();
    one().saturating_sub(I32F32::saturating_from_num(bma))
}

/// One epoch, straight from `spec/epoch.md` §13.
fn reference_epoch(input: &EpochInput) -> EpochOutput {
    let p = &input.params;
    let n = usize::from(input.n);
    let block = input.current_block;
    let is_owner = |i: usize| p.owner_uid.map(usize::from) == Some(i);

    // -- Step 1: activity. last_update is padded with 0 up to n (never cut).
    let mut last_update = input.last_update.clone();
    while last_update.len() < n {
        last_update.push(0);
    }
    let cutoff = (u64::from(p.activity_cutoff_factor_milli) * u64::from(p.tempo) / 1000).max(1);
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|u| u.saturating_add(cutoff) < block)
        .collect();
    let registered: Vec<u64> = (0..n)
        .map(|j| input.block_at_registration.get(j).copied().unwrap_or(0))
        .collect();

    // -- Step 2: stake (§3.2).
    let tao_weight = U96F32::saturating_from_num(p.tao_weight)
        .checked_div(U96F32::saturating_from_num(u64::MAX))
        .unwrap_or_default();
    let tao_weight = I64F64::saturating_from_num(tao_weight);
    let total: Vec<I64F64> = (0..n)
        .map(|i| {
            let alpha = I64F64::saturating_from_num(input.alpha_stake.get(i).copied().unwrap_or(0));
            let tao = I64F64::saturating_from_num(input.tao_stake.get(i).copied().unwrap_or(0));
            alpha.saturating_add(tao.saturating_mul(tao_weight))
        })
        .collect();
    let mut filtered: Vec<I64F64> = (0..n)
        .map(|i| {
            if !is_owner(i) && total[i].saturating_to_num::<u64>() < p.stake_threshold {
                I64F64::saturating_from_num(0)
            } else {
                total[i]
            }
        })
        .collect();
    let mut s64 = I64F64::saturating_from_num(0);
    for x in &filtered {
        s64 = s64.saturating_add(*x);
    }
    if s64 != I64F64::saturating_from_num(0) {
        for x in filtered.iter_mut() {
            *x = x.checked_div(s64).unwrap_or_default();
        }
    }
    let stake: Vec<I32F32> = filtered
        .iter()
        .map(|x| I32F32::saturating_from_num(*x))
        .collect();

    // -- Step 3: permits.
    let mut old_permit = input.validator_permit.clone();
    if let Some(o) = p.owner_uid
        && usize::from(o) < old_permit.len()
    {
        old_permit[usize::from(o)] = true;
    }
    let forbid: Vec<bool> = old_permit.iter().map(|b| !b).collect();
    let mut new_permit = topk_nonzero(&stake, usize::from(p.max_allowed_validators));
    if let Some(o) = p.owner_uid
        && usize::from(o) < new_permit.len()
    {
        new_permit[usize::from(o)] = true;
    }

    // -- Step 4: active stake.
    let mut active = stake.clone();
    mask_vector(&inactive, &mut active);
    mask_vector(&forbid, &mut active);
    normalize(&mut active);

    // -- Step 5: weights (§5). Destinations ≥ n are dropped on read.
    let commit: Vec<u64> = (0..n)
        .map(|i| {
            input
                .commit_blocks
                .as_ref()
                .and_then(|c| c.get(i).copied())
                .unwrap_or(u64::MAX)
        })
        .collect();
    let mut weights: Vec<Row> = (0..n)
        .map(|i| {
            let stored = input.weights.get(i).cloned().unwrap_or_default();
            if forbid.get(i).copied().unwrap_or(true) {
                return Vec::new();
            }
            stored
                .into_iter()
                .filter(|&(j, _)| usize::from(j) < n)
                .filter(|&(j, _)| usize::from(j) != i || is_owner(i))
                .filter(|&(j, _)| last_update[i] > registered[usize::from(j)])
                .filter(|&(j, _)| {
                    input.commit_blocks.is_none() || commit[i] >= registered[usize::from(j)]
                })
                .map(|(j, v)| (j, u16_fixed(v)))
                .collect()
        })
        .collect();
    for row in weights.iter_mut() {
        let s = sum(&row.iter().map(|e| e.1).collect::<Vec<_>>());
        if s > zero() {
            for (_, v) in row.iter_mut() {
                *v = safe_div(*v, s);
            }
        }
    }

    // -- Step 6: consensus, clipping, validator trust, incentive.
    let kappa = u16_proportion(p.kappa);
    let cons = consensus(&active, &weights, n, kappa);
    let clipped: Vec<Row> = weights
        .iter()
        .map(|row| {
            let mut out = Vec::new();
            for &(j, v) in row {
                let c = cons[usize::from(j)];
                if c < v {
                    if c > zero() {
                        out.push((j, c));
                    }
                } else {
                    out.push((j, v));
                }
            }
            out
        })
        .collect();
    let trust: Vec<I32F32> = clipped
        .iter()
        .map(|row| sum(&row.iter().map(|e| e.1).collect::<Vec<_>>()))
        .collect();
    let mut incentive = vec![zero(); n];
    for (i, row) in clipped.iter().enumerate() {
        for &(j, v) in row {
            let j = usize::from(j);
            incentive[j] = incentive[j].saturating_add(active[i].saturating_mul(v));
        }
    }
    normalize(&mut incentive);

    // -- Step 6.4: weights for bonds.
    let beta = u16_proportion(p.bonds_penalty);
    let for_bonds: Vec<Row> = if beta == zero() {
        weights.clone()
    } else if beta == one() {
        clipped.clone()
    } else {
        weights
            .iter()
            .zip(clipped.iter())
            .map(|(w, c)| {
                let (dw, dc) = (densify(w, n), densify(c, n));
                (0..n)
                    .filter_map(|j| {
                        let v =
                            dw[j].saturating_add(beta.saturating_mul(dc[j].saturating_sub(dw[j])));
                        (v > zero()).then(|| (u16::try_from(j).unwrap(), v))
                    })
                    .collect()
            })
            .collect()
    };

    // -- Step 7: bonds and dividends. Bond destinations ≥ n are kept on read.
    let last_tempo = if p.last_epoch_block == 0 {
        block.saturating_sub(u64::from(p.tempo))
    } else {
        p.last_epoch_block.saturating_add(1)
    };
    let read_bonds = |convert: fn(u16) -> I32F32| -> Vec<Row> {
        (0..n)
            .map(|i| {
                input
                    .bonds
                    .get(i)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|&(j, _)| {
                        // Dropped when the column registered at or after last_tempo; a column
                        // ≥ n reads registration block 0.
                        let reg = registered.get(usize::from(j)).copied().unwrap_or(0);
                        last_tempo > reg
                    })
                    .map(|(j, v)| (j, convert(v)))
                    .collect()
            })
            .collect()
    };
    let (mut dividends, ema) = if p.yuma3 {
        let bonds = read_bonds(u16_proportion);
        let ema = if p.liquid_alpha && cons.iter().any(|c| *c != zero()) {
            let alphas = liquid_alphas(&for_bonds, &bonds, &cons, p);
            ema_alpha_sparse(&for_bonds, &bonds, &alphas)
        } else {
            ema_single(&for_bonds, &bonds, single_alpha(p))
        };
        let mut norm = ema.clone();
        col_normalize(&mut norm, n);
        let dividends: Vec<I32F32> = (0..n)
            .map(|i| {
                let mut t = zero();
                for &(j, v) in &norm[i] {
                    if let Some(inc) = incentive.get(usize::from(j)) {
                        t = t.saturating_add(v.saturating_mul(*inc));
                    }
                }
                t.checked_mul(active[i]).unwrap_or_default()
            })
            .collect();
        (dividends, ema)
    } else {
        let mut bonds = read_bonds(u16_fixed);
        col_normalize(&mut bonds, n);
        let mut delta: Vec<Row> = for_bonds
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .map(|&(j, v)| (j, v.saturating_mul(active[i])))
                    .collect()
            })
            .collect();
        col_normalize(&mut delta, n);
        let mut ema = ema_single(&delta, &bonds, single_alpha(p));
        col_normalize(&mut ema, n);
        let dividends: Vec<I32F32> = ema
            .iter()
            .map(|row| {
                let mut d = zero();
                for &(j, v) in row {
                    let inc = incentive.get(usize::from(j)).copied().unwrap_or(zero());
                    d = d.saturating_add(inc.saturating_mul(v));
                }
                d
            })
            .collect();
        col_max_upscale(&mut ema, n);
        (dividends, ema)
    };
    normalize(&mut dividends);

    // -- Step 8: emission.
    let combined: Vec<I32F32> = (0..n)
        .map(|i| incentive[i].saturating_add(dividends[i]))
        .collect();
    let total_score = sum(&combined);
    let mut server = incentive.clone();
    let mut validator = dividends.clone();
    let mut comb = combined.clone();
    normalize_using_sum(&mut server, total_score);
    normalize_using_sum(&mut validator, total_score);
    normalize(&mut comb);
    if total_score == zero() {
        let fallback = if sum(&active) == zero() {
            &stake
        } else {
            &active
        };
        validator = fallback.clone();
        comb = fallback.clone();
    }
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
    let u16s = |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| proportion_u16(*x)).collect() };

    // -- Step 9: outputs, one per uid.
    EpochOutput {
        active: (0..n).map(|i| !inactive[i]).collect(),
        stake_weight: u16s(&stake),
        stake: total.iter().map(|s| s.saturating_to_num::<u64>()).collect(),
        consensus: u16s(&cons),
        validator_trust: u16s(&trust),
        incentive: u16s(&incentive),
        dividends: u16s(&dividends),
        server_emission: amounts(&server),
        validator_emission: amounts(&validator),
        emission: amounts(&comb),
        bonds: (0..n)
            .map(|i| {
                if new_permit[i] {
                    ema[i]
                        .iter()
                        .map(|&(j, v)| (j, proportion_u16(v)))
                        .collect()
                } else {
                    Vec::new()
                }
            })
            .collect(),
        validator_permit: new_permit,
    }
}

// ================================================================================================
// Comparison
// ================================================================================================

/// Compares the library with the reference, naming the first field that differs.
fn check(input: &EpochInput) -> Result<EpochOutput, TestCaseError> {
    let got = run_epoch(input);
    let want = reference_epoch(input);
    macro_rules! field {
        ($($f:ident),*) => {$(
            prop_assert_eq!(&got.$f, &want.$f, "field `{}` differs (left: run_epoch, right: reference)", stringify!($f));
        )*};
    }
    field!(
        active,
        stake_weight,
        stake,
        consensus,
        validator_trust,
        incentive,
        dividends,
        server_emission,
        validator_emission,
        emission,
        validator_permit,
        bonds
    );
    prop_assert_eq!(&got, &want);
    Ok(got)
}

// ================================================================================================
// Strategies
// ================================================================================================

/// Largest alpha (and root) stake of one uid in a subnet of `n` uids: alpha plus root of every
/// uid stay within `i64::MAX` (the TAO weight is at most 1), the range of the epoch's I64F64
/// stake.
fn max_part(n: u16) -> u64 {
    i64::MAX.unsigned_abs() / (2 * u64::from(n))
}

// Leaves are single integers mapped onto the interesting values: debug-mode proptest spends
// most of its time per value tree, so one tree per stored number keeps thousands of cases cheap.
// Shrinking such an integer toward 0 moves the value toward the first category (0).

fn stake_from(x: u64, max_part: u64) -> u64 {
    let r = x >> 8;
    match x % 11 {
        0..=2 => 0,
        3..=5 => 1 + r % 999,
        6 | 7 => r % (1 << 32),
        8 => 1_000_000_000_000 + r % 999_000_000_000_000,
        9 => max_part / 2 + r % (max_part / 2),
        _ => max_part,
    }
}

fn stake_value(n: u16) -> impl Strategy<Value = u64> + Clone {
    let max_part = max_part(n);
    any::<u64>().prop_map(move |x| stake_from(x, max_part))
}

fn block_from(x: u64) -> u64 {
    let r = x >> 8;
    match x % 10 {
        0..=5 => r % 40,
        6 | 7 => r % 20_000,
        8 => x,
        _ => u64::MAX,
    }
}

fn small_block() -> impl Strategy<Value = u64> + Clone {
    any::<u64>().prop_map(block_from)
}

fn u16_from(x: u32) -> u16 {
    let r = x >> 8;
    match x % 11 {
        0 | 1 => 0,
        2 | 3 => u16::MAX,
        4 => 32767,
        5 => 1 + (r % 9) as u16,
        _ => r as u16,
    }
}

fn u16_value() -> impl Strategy<Value = u16> + Clone {
    any::<u32>().prop_map(u16_from)
}

/// A stored weight or bond row: mostly strictly sorted, sometimes sorted with duplicates,
/// sometimes in random order or reversed; explicit zeros and destinations `≥ n` included;
/// sometimes one entry for every uid.
fn row(n: u16) -> BoxedStrategy<Vec<(u16, u16)>> {
    let entry = any::<u64>().prop_map(move |x| {
        let d = (x >> 32) as u32;
        let dest = if d % 11 == 10 {
            n + (d / 11 % 3) as u16
        } else {
            (d / 11 % u32::from(n)) as u16
        };
        (dest, u16_from(x as u32))
    });
    let entries = vec(entry, 0..=usize::from(n) + 2);
    let full = vec(u16_value(), usize::from(n)).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(j, x)| (j as u16, x))
            .collect::<Vec<_>>()
    });
    prop_oneof![
        6 => entries.clone().prop_map(|mut r| {
            r.sort_by_key(|e| e.0);
            r.dedup_by_key(|e| e.0);
            r
        }),
        1 => entries.clone().prop_map(|mut r| {
            r.sort_by_key(|e| e.0);
            r
        }),
        1 => full.clone(),
        1 => full.prop_map(|mut r| {
            r.reverse();
            r
        }),
        3 => entries,
    ]
    .boxed()
}

fn params(n: u16) -> BoxedStrategy<EpochParams> {
    let a = (
        prop_oneof![Just(0u16), 1u16..20, Just(360u16), any::<u16>()],
        prop_oneof![Just(13_889u32), 0u32..5000, any::<u32>()],
        prop_oneof![3 => Just(32_767u16), 1 => u16_value()],
        prop_oneof![Just(0u16), Just(u16::MAX), Just(32_767u16), any::<u16>()],
        prop_oneof![
            Just(0u64),
            Just(900_000u64),
            Just(975_000u64),
            Just(1_000_000u64),
            0u64..=1_000_000
        ],
        any::<bool>(),
        any::<bool>(),
    );
    let b = (
        prop_oneof![
            Just((45_875u16, 58_982u16)),
            Just((6553u16, 19_660u16)),
            (u16_value(), u16_value()),
        ],
        prop_oneof![
            3 => Just(1000i16),
            1 => Just(0i16),
            // ±200 and ±100 put the sigmoid's exponent exactly on ±1 (exp's special case).
            1 => prop::sample::select(vec![100i16, -100, 200, -200, 50, -50]),
            2 => -2000i16..2000,
            1 => any::<i16>(),
        ],
        0..=n + 2,
        prop_oneof![3 => Just(0u64), 1 => 0u64..2000, 1 => any::<u64>()],
        option::of(0..n),
        prop_oneof![Just(0u64), small_block()],
        prop_oneof![Just(0u64), Just(971_718_665_099_567_868u64), any::<u64>()],
    );
    (a, b)
        .prop_map(
            |(
                (tempo, factor, kappa, bonds_penalty, bma, yuma3, liquid_alpha),
                ((x, y), steepness, max_validators, threshold, owner, last_epoch, tao_weight),
            )| EpochParams {
                tempo,
                activity_cutoff_factor_milli: factor,
                kappa,
                bonds_penalty,
                bonds_moving_average: bma,
                yuma3,
                liquid_alpha,
                alpha_low: x.min(y),
                alpha_high: x.max(y),
                alpha_sigmoid_steepness: steepness,
                max_allowed_validators: max_validators,
                stake_threshold: threshold,
                owner_uid: owner,
                last_epoch_block: last_epoch,
                tao_weight,
            },
        )
        .boxed()
}

/// A vector of about `len` entries: usually exactly `len`, sometimes shorter (even empty) or
/// longer.
fn vector<T: std::fmt::Debug + Clone + 'static>(
    elem: impl Strategy<Value = T> + Clone + 'static,
    len: usize,
) -> BoxedStrategy<Vec<T>> {
    prop_oneof![6 => vec(elem.clone(), len), 1 => vec(elem, 0..=len + 3)].boxed()
}

fn emission() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(1_000_000_000u64),
        0u64..1_000_000_000_000,
        any::<u64>(),
        Just(u64::MAX),
    ]
}

/// Makes κ an exact partial sum of the voters' stake: stakes (in units of 2^−32) form two
/// groups summing to `κ` and `1 − κ` exactly, so that normalization is exact and the median's
/// comparison `minority < lo + stake_below` can hit equality (the tie rule of §6.1).
fn exact_kappa_split(input: &mut EpochInput, groups: u64) {
    let n = usize::from(input.n);
    let k = u64::try_from(u16_proportion(input.params.kappa).to_bits()).unwrap();
    let mut in_a: Vec<bool> = (0..n).map(|i| groups >> (i % 64) & 1 == 1).collect();
    if !in_a.contains(&true) {
        in_a[0] = true;
    }
    if n > 1 && !in_a.contains(&false) {
        in_a[n - 1] = false;
    }
    let weight = |i: usize| u128::from(1 + input.alpha_stake.get(i).copied().unwrap_or(0) % 1000);
    let mut stake = vec![0u64; n];
    for (group, total) in [(true, k), (false, (1u64 << 32) - k)] {
        let members: Vec<usize> = (0..n).filter(|i| in_a[*i] == group).collect();
        let sum: u128 = members.iter().map(|i| weight(*i)).sum();
        let mut left = total;
        for (m, &i) in members.iter().enumerate() {
            let share = if m + 1 == members.len() {
                left
            } else {
                u64::try_from(u128::from(total) * weight(i) / sum).unwrap()
            };
            stake[i] = share;
            left -= share;
        }
    }
    input.alpha_stake = stake;
    input.tao_stake = Vec::new();
    input.params.stake_threshold = 0;
}

/// A random epoch input with `n` in `sizes`. Half are "healthy" (everyone permitted, registered
/// at 0 and active) so that consensus, incentive and the bond paths are reached often, a quarter
/// of those with κ an exact partial sum of the stake ([`exact_kappa_split`]); the others keep
/// their random permits, blocks and vector lengths (one in eight only gets all permits).
fn input(sizes: std::ops::RangeInclusive<u16>) -> BoxedStrategy<EpochInput> {
    sizes
        .prop_flat_map(|n| {
            let len = usize::from(n);
            let vectors = (
                vector(stake_value(n), len),
                prop_oneof![Just(Vec::new()), vec(stake_value(n), len)],
                vector(small_block(), len),
                vector(small_block(), len),
                vector(any::<bool>(), len),
                vector(row(n), len),
                vector(row(n), len),
                option::of(vector(prop_oneof![small_block(), Just(u64::MAX)], len)),
            );
            (
                vectors,
                params(n),
                small_block(),
                emission(),
                0u8..8,
                any::<u64>(),
            )
                .prop_map(
                    move |(
                        (alpha, tao, last_update, registration, permits, weights, bonds, commits),
                        params,
                        current_block,
                        emission,
                        mode,
                        groups,
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
                        if mode < 3 || mode == 4 {
                            let block = current_block.clamp(1, 1 << 40);
                            input.current_block = block;
                            input.validator_permit = vec![true; len];
                            input.block_at_registration = vec![0; len];
                            input.last_update = vec![block; len];
                        } else if mode == 3 {
                            input.validator_permit = vec![true; len];
                        }
                        if mode == 4 {
                            exact_kappa_split(&mut input, groups);
                        } else if groups % 6 == 1 {
                            // A threshold equal to some uid's stake (the comparison is strict).
                            let k = (groups >> 8) as usize % len;
                            input.params.stake_threshold =
                                input.alpha_stake.get(k).copied().unwrap_or(0);
                        }
                        input
                    },
                )
        })
        .boxed()
}

/// One step between two epochs of a chain: blocks to advance, new weight rows set by some uids,
/// and possibly a uid taken over by a new registration.
#[derive(Clone, Debug)]
struct Step {
    advance: u64,
    new_weights: Vec<Option<Vec<(u16, u16)>>>,
    reregister: Option<u16>,
    keep_last_epoch_zero: bool,
}

fn step(n: u16) -> BoxedStrategy<Step> {
    (
        prop_oneof![Just(1u64), 0u64..40, 0u64..20_000],
        vec(
            prop_oneof![3 => Just(None), 1 => row(n).prop_map(Some)],
            usize::from(n),
        ),
        prop_oneof![4 => Just(None), 1 => (0..n).prop_map(Some)],
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(advance, new_weights, reregister, keep_last_epoch_zero)| Step {
                advance,
                new_weights,
                reregister,
                keep_last_epoch_zero,
            },
        )
        .boxed()
}

fn chain(
    sizes: std::ops::RangeInclusive<u16>,
    force_liquid: bool,
) -> BoxedStrategy<(EpochInput, Vec<Step>)> {
    input(sizes)
        .prop_flat_map(move |mut input| {
            if force_liquid {
                input.params.yuma3 = true;
                input.params.liquid_alpha = true;
            }
            let n = input.n;
            (Just(input), vec(step(n), 1..=4))
        })
        .boxed()
}

/// Runs the chain: each epoch is compared, then its permits and bonds (the library's, equal to
/// the reference's) are written back as the next epoch reads them.
fn run_chain(mut input: EpochInput, steps: &[Step]) -> Result<(), TestCaseError> {
    let n = usize::from(input.n);
    for step in steps {
        let out = check(&input)?;
        input.validator_permit = out.validator_permit;
        input.bonds = out.bonds;
        if !step.keep_last_epoch_zero {
            input.params.last_epoch_block = input.current_block;
        }
        input.current_block = input.current_block.saturating_add(step.advance);
        let block = input.current_block;
        if input.last_update.len() < n {
            input.last_update.resize(n, 0);
        }
        if input.weights.len() < n {
            input.weights.resize(n, Vec::new());
        }
        if input.block_at_registration.len() < n {
            input.block_at_registration.resize(n, 0);
        }
        for (i, row) in step.new_weights.iter().enumerate() {
            if let Some(row) = row {
                input.weights[i] = row.clone();
                input.last_update[i] = block;
            }
        }
        if let Some(uid) = step.reregister {
            // spec §3.3: the new occupant has no stake, no weights, no bonds, no permit, and
            // every weight pointing at it is zeroed.
            let j = usize::from(uid);
            input.block_at_registration[j] = block;
            input.last_update[j] = block;
            input.weights[j].clear();
            if let Some(b) = input.bonds.get_mut(j) {
                b.clear();
            }
            if let Some(p) = input.validator_permit.get_mut(j) {
                *p = false;
            }
            if let Some(s) = input.alpha_stake.get_mut(j) {
                *s = 0;
            }
            if let Some(s) = input.tao_stake.get_mut(j) {
                *s = 0;
            }
            for row in input.weights.iter_mut() {
                for (dest, v) in row.iter_mut() {
                    if *dest == uid {
                        *v = 0;
                    }
                }
            }
        }
    }
    check(&input)?;
    Ok(())
}

/// `base` cases, times `REFERENCE_EPOCH_CASE_FACTOR` if set (for a longer campaign, e.g.
/// `REFERENCE_EPOCH_CASE_FACTOR=100 cargo test --release -p cortex-yuma --test reference_epoch`).
fn cases(base: u32) -> u32 {
    let factor = std::env::var("REFERENCE_EPOCH_CASE_FACTOR")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1);
    base.saturating_mul(factor.max(1))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(3000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// One epoch on a random input: the library equals the reference.
    #[test]
    fn single_epoch_matches_reference(input in input(1..=20)) {
        check(&input)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(500),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Chains of 2 to 5 epochs, the library's permits and bonds read back each time.
    #[test]
    fn epoch_chain_matches_reference((input, steps) in chain(1..=20, false)) {
        run_chain(input, &steps)?;
    }

    /// The same with Yuma 3 and liquid alpha forced on, so that the unsorted bond rows liquid
    /// alpha writes are read back.
    #[test]
    fn liquid_alpha_chain_matches_reference((input, steps) in chain(1..=20, true)) {
        run_chain(input, &steps)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(40),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// A few chains on subnets of 21 to 70 uids, past the 32-column blocks of the library's
    /// median gather.
    #[test]
    fn mid_size_chain_matches_reference((input, steps) in chain(21..=70, false)) {
        run_chain(input, &steps)?;
    }
}

// ================================================================================================
// A deterministic large subnet
// ================================================================================================

/// splitmix64: a small deterministic generator for the large case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, m: u64) -> u64 {
        self.next() % m
    }

    /// A u16 weight: a quarter zeros, a few maxima, the rest uniform.
    fn weight(&mut self) -> u16 {
        match self.below(16) {
            0..=3 => 0,
            4 => u16::MAX,
            _ => self.next() as u16,
        }
    }
}

const LARGE_N: usize = 300;
const LARGE_VALIDATORS: usize = 40;

/// A dense weight row over every uid, in one of a few stored orders.
fn large_row(rng: &mut Rng, uid: usize) -> Vec<(u16, u16)> {
    let mut row: Vec<(u16, u16)> = (0..LARGE_N).map(|j| (j as u16, rng.weight())).collect();
    match uid % 10 {
        3 => {
            // Shuffled (Fisher–Yates).
            for k in (1..row.len()).rev() {
                let m = rng.below(k as u64 + 1) as usize;
                row.swap(k, m);
            }
        }
        4 => row.reverse(),
        6 => {
            // A few repeated destinations at the end.
            for _ in 0..5 {
                let j = rng.below(LARGE_N as u64) as u16;
                row.push((j, rng.weight()));
            }
        }
        8 => row.retain(|(j, _)| j % 3 != 0),
        _ => {}
    }
    row
}

/// 300 uids, 40 validators with dense weight rows (a few shuffled, reversed, with repeats or
/// gaps), a few inactive or unpermitted validators, recently registered miners, commit-reveal
/// on, TAO-weighted root stake and an owner.
fn large_input(seed: u64, params: EpochParams) -> EpochInput {
    let mut rng = Rng(seed);
    let block = 10_000u64;
    let alpha_stake: Vec<u64> = (0..LARGE_N)
        .map(|i| {
            if i < LARGE_VALIDATORS {
                1_000_000_000 + rng.below(10_000_000_000_000)
            } else if i % 7 == 0 {
                rng.below(1_000_000)
            } else {
                0
            }
        })
        .collect();
    let tao_stake: Vec<u64> = (0..LARGE_N)
        .map(|i| {
            if i < 20 {
                rng.below(100_000_000_000_000)
            } else {
                0
            }
        })
        .collect();
    let last_update: Vec<u64> = (0..LARGE_N)
        .map(|i| match i {
            7 | 23 => 1_000, // inactive: 1000 + 5000 < 10 000
            _ if i < LARGE_VALIDATORS => block - rng.below(200),
            _ => 0,
        })
        .collect();
    let block_at_registration: Vec<u64> = (0..LARGE_N)
        .map(|j| {
            if (250..256).contains(&j) {
                block - 20 + (j as u64 - 250) * 5
            } else {
                0
            }
        })
        .collect();
    let validator_permit: Vec<bool> = (0..LARGE_N)
        .map(|i| i < LARGE_VALIDATORS && i != 39)
        .collect();
    let weights: Vec<Vec<(u16, u16)>> = (0..LARGE_N)
        .map(|i| {
            if i < LARGE_VALIDATORS {
                large_row(&mut rng, i)
            } else {
                Vec::new()
            }
        })
        .collect();
    let commit_blocks: Vec<u64> = (0..LARGE_N)
        .map(|i| if i % 9 == 2 { block - 12 } else { u64::MAX })
        .collect();
    EpochInput {
        n: LARGE_N as u16,
        current_block: block,
        emission: 1_000_000_000,
        alpha_stake,
        tao_stake,
        last_update,
        block_at_registration,
        validator_permit,
        weights,
        bonds: vec![Vec::new(); LARGE_N],
        commit_blocks: Some(commit_blocks),
        params,
    }
}

/// Two chained epochs on the large subnet: the second reads the first's permits and bonds,
/// after a tempo in which a dozen validators set new weights.
fn large_chain(seed: u64, params: EpochParams) {
    // More seeds in a longer campaign.
    for k in 0..u64::from(cases(1)) {
        large_chain_once(seed + 1000 * k, params.clone());
    }
}

fn large_chain_once(seed: u64, params: EpochParams) {
    let mut input = large_input(seed, params);
    let first = check(&input).unwrap();
    assert!(first.consensus.iter().filter(|c| **c > 0).count() > 100);
    assert!(first.bonds.iter().filter(|r| !r.is_empty()).count() > 30);
    let mut rng = Rng(seed ^ 0xABCD);
    input.validator_permit = first.validator_permit;
    input.bonds = first.bonds;
    input.params.last_epoch_block = input.current_block;
    input.current_block += u64::from(input.params.tempo);
    for i in 0..12 {
        input.weights[i * 3] = large_row(&mut rng, i * 3);
        input.last_update[i * 3] = input.current_block;
    }
    let second = check(&input).unwrap();
    assert!(second.dividends.iter().filter(|d| **d > 0).count() > 20);
}

fn large_params() -> EpochParams {
    EpochParams {
        tempo: 360,
        max_allowed_validators: 64,
        owner_uid: Some(0),
        tao_weight: 971_718_665_099_567_868,
        ..EpochParams::default()
    }
}

/// Yuma 3 with liquid alpha and β = 0: stored (unsorted) weight rows drive the bonds directly.
#[test]
fn large_yuma3_liquid_alpha_beta_0() {
    large_chain(
        1,
        EpochParams {
            yuma3: true,
            liquid_alpha: true,
            bonds_penalty: 0,
            alpha_low: 6553,
            alpha_high: 19_660,
            ..large_params()
        },
    );
}

/// Yuma 3 with liquid alpha (default α bounds) and an intermediate β.
#[test]
fn large_yuma3_liquid_alpha_beta_half() {
    large_chain(
        2,
        EpochParams {
            yuma3: true,
            liquid_alpha: true,
            bonds_penalty: 32_767,
            ..large_params()
        },
    );
}

/// Original Yuma (β = 1, single α).
#[test]
fn large_original_yuma() {
    large_chain(3, large_params());
}
