//! Vector and sparse-matrix operations of the epoch, with subtensor's rounding and edge cases.
//!
//! A sparse matrix is a `Vec` of rows, each row a list of `(column, value)` entries **in the order
//! they were stored** (set_weights does not sort, and a few steps depend on that order). Rows and
//! columns are uids. Every sum is an exact fixed-point addition (saturating, which no realistic
//! input reaches), every product is floored, every quotient truncated and a zero divisor gives 0,
//! exactly as `spec/epoch.md` §2 describes.
//!
//! Where subtensor densifies a row or a matrix only to read a few entries back, the functions
//! here skip the work whose result would be empty (an empty row stays empty), which changes no
//! output bit but keeps large subnets fast.

use crate::fixed::{Divisor, ONE, ZERO, fmul, safe_div64};
use substrate_fixed::types::{I32F32, I64F64};

/// One row of a sparse matrix: `(column, value)` in stored order.
pub type SparseRow = Vec<(u16, I32F32)>;
/// A sparse matrix as rows of entries.
pub type SparseMatrix = Vec<SparseRow>;

/// Σ x (exact fixed addition, saturating).
pub fn sum(x: &[I32F32]) -> I32F32 {
    x.iter().fold(ZERO, |acc, v| acc.saturating_add(*v))
}

/// Whether Σ x == 0.
pub fn is_zero(x: &[I32F32]) -> bool {
    sum(x) == ZERO
}

/// Divides every entry by Σ x, unless the sum is 0.
pub fn inplace_normalize(x: &mut [I32F32]) {
    let s = sum(x);
    inplace_normalize_using_sum(x, s);
}

/// Divides every entry by `s`, unless `s` is 0.
pub fn inplace_normalize_using_sum(x: &mut [I32F32], s: I32F32) {
    if s == ZERO {
        return;
    }
    let d = Divisor::new(s);
    for v in x.iter_mut() {
        *v = d.div(*v);
    }
}

/// [`inplace_normalize`] in I64F64.
pub fn inplace_normalize_64(x: &mut [I64F64]) {
    let s = x
        .iter()
        .fold(I64F64::from_bits(0), |acc, v| acc.saturating_add(*v));
    if s == I64F64::from_bits(0) {
        return;
    }
    for v in x.iter_mut() {
        *v = safe_div64(*v, s);
    }
}

/// Top-k by value among the non-zero entries: `true` for the `k` largest, ties lost by the lower
/// index (a stable ascending sort drops the first `len − k`). If `len < k`, every non-zero entry.
pub fn is_topk_nonzero(x: &[I32F32], k: usize) -> Vec<bool> {
    let mut result: Vec<bool> = x.iter().map(|v| *v != ZERO).collect();
    if x.len() < k {
        return result;
    }
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by_key(|&i| x.get(i).copied().unwrap_or(ZERO));
    for &i in order.iter().take(x.len().saturating_sub(k)) {
        if let Some(cell) = result.get_mut(i) {
            *cell = false;
        }
    }
    result
}

/// Sets `x_i = 0` where `mask_i`. An empty mask masks nothing; a mask shorter than `x` masks the
/// entries it does not cover (subtensor's `inplace_mask_vector`).
pub fn inplace_mask_vector(mask: &[bool], x: &mut [I32F32]) {
    if mask.is_empty() {
        return;
    }
    for (i, v) in x.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            *v = ZERO;
        }
    }
}

/// Drops `(i, j)` where `f(scalar, col_value_j)`; missing vector values read as 0.
pub fn mask_by_col(
    m: &mut SparseMatrix,
    scalar: u64,
    col_values: &[u64],
    f: impl Fn(u64, u64) -> bool,
) {
    for row in m.iter_mut() {
        row.retain(|(j, _)| {
            !f(
                scalar,
                col_values.get(usize::from(*j)).copied().unwrap_or(0),
            )
        });
    }
}

/// Normalizes each row to sum 1 (rows with sum ≤ 0 are left alone).
pub fn inplace_row_normalize(m: &mut SparseMatrix) {
    for row in m.iter_mut() {
        let s = row.iter().fold(ZERO, |acc, (_, v)| acc.saturating_add(*v));
        if s > ZERO {
            let d = Divisor::new(s);
            for (_, v) in row.iter_mut() {
                *v = d.div(*v);
            }
        }
    }
}

/// Σ_j m_ij per row.
pub fn row_sum(m: &SparseMatrix) -> Vec<I32F32> {
    m.iter()
        .map(|row| row.iter().fold(ZERO, |acc, (_, v)| acc.saturating_add(*v)))
        .collect()
}

/// Normalizes each column `j < columns` to sum 1 (zero-sum columns, and entries beyond
/// `columns`, are left alone).
pub fn inplace_col_normalize(m: &mut SparseMatrix, columns: usize) {
    let col_sum = col_sums(m, columns);
    divide_columns(m, &col_sum);
}

/// Σ_i m_ij for each column `j < columns`.
pub fn col_sums(m: &SparseMatrix, columns: usize) -> Vec<I32F32> {
    let mut col_sum = vec![ZERO; columns];
    for row in m.iter() {
        for (j, v) in row {
            if let Some(s) = col_sum.get_mut(usize::from(*j)) {
                *s = s.saturating_add(*v);
            }
        }
    }
    col_sum
}

/// t_i = Σ_j ⌊(m_ij / s_j) · x_j⌋ with `s` the column sums of `m` (division skipped where a sum
/// is 0), as subtensor's `mat_vec_mul_sparse` then `row_sum_sparse` compute it on the
/// column-normalized matrix, without building that matrix.
pub fn col_normalized_row_dot(m: &SparseMatrix, columns: usize, x: &[I32F32]) -> Vec<I32F32> {
    let divisors: Vec<Divisor> = col_sums(m, columns).into_iter().map(Divisor::new).collect();
    m.iter()
        .map(|row| {
            row.iter().fold(ZERO, |acc, (j, v)| {
                let jj = usize::from(*j);
                let Some(xj) = x.get(jj) else { return acc };
                let normalized = match divisors.get(jj) {
                    Some(d) if d.divisor() != ZERO => d.div(*v),
                    _ => *v,
                };
                acc.saturating_add(fmul(normalized, *xj))
            })
        })
        .collect()
}

/// Divides each entry by its column's divisor, where that divisor is not 0.
pub fn divide_columns(m: &mut SparseMatrix, by: &[I32F32]) {
    let divisors: Vec<Divisor> = by.iter().map(|d| Divisor::new(*d)).collect();
    for row in m.iter_mut() {
        for (j, v) in row.iter_mut() {
            if let Some(d) = divisors.get(usize::from(*j))
                && d.divisor() != ZERO
            {
                *v = d.div(*v);
            }
        }
    }
}

/// Divides each column `j < columns` by its maximum, so that the largest entry becomes 1.
pub fn inplace_col_max_upscale(m: &mut SparseMatrix, columns: usize) {
    let mut col_max = vec![ZERO; columns];
    for row in m.iter() {
        for (j, v) in row {
            if let Some(mx) = col_max.get_mut(usize::from(*j))
                && *mx < *v
            {
                *mx = *v;
            }
        }
    }
    divide_columns(m, &col_max);
}

/// r_j = Σ_i ⌊x_i · m_ij⌋ for columns `j < columns`.
pub fn matmul(m: &SparseMatrix, x: &[I32F32], columns: usize) -> Vec<I32F32> {
    let mut result = vec![ZERO; columns];
    for (i, row) in m.iter().enumerate() {
        let scale = x.get(i).copied().unwrap_or(ZERO);
        for (j, v) in row {
            if let Some(r) = result.get_mut(usize::from(*j)) {
                *r = r.saturating_add(fmul(scale, *v));
            }
        }
    }
    result
}

/// d_i = Σ_j ⌊x_j · m_ij⌋.
pub fn matmul_transpose(m: &SparseMatrix, x: &[I32F32]) -> Vec<I32F32> {
    m.iter()
        .map(|row| {
            row.iter().fold(ZERO, |acc, (j, v)| {
                let xj = x.get(usize::from(*j)).copied().unwrap_or(ZERO);
                acc.saturating_add(fmul(xj, *v))
            })
        })
        .collect()
}

/// m_ij ← ⌊m_ij · x_i⌋ (row-wise Hadamard product). Rows beyond `x` are dropped, as in
/// subtensor, which stops at the shorter of the two. Returns the column sums of the result for
/// columns `0..columns` (the next step normalizes by them).
pub fn row_hadamard(m: &mut SparseMatrix, x: &[I32F32], columns: usize) -> Vec<I32F32> {
    m.truncate(x.len());
    let mut col_sum = vec![ZERO; columns];
    for (row, scale) in m.iter_mut().zip(x.iter()) {
        for (j, v) in row.iter_mut() {
            *v = fmul(*v, *scale);
            if let Some(s) = col_sum.get_mut(usize::from(*j)) {
                *s = s.saturating_add(*v);
            }
        }
    }
    col_sum
}

/// Clips every entry at its column's threshold: entries above `c_j` become `c_j`, or are
/// dropped when `c_j ≤ 0`; entries at or below it (explicit zeros included) stay.
pub fn col_clip(m: &SparseMatrix, threshold: &[I32F32]) -> SparseMatrix {
    m.iter()
        .map(|row| {
            let mut out = Vec::with_capacity(row.len());
            for &(j, v) in row {
                let c = threshold.get(usize::from(j)).copied().unwrap_or(ZERO);
                if v <= c {
                    out.push((j, v));
                } else if c > ZERO {
                    out.push((j, c));
                }
            }
            out
        })
        .collect()
}

/// `a + ⌊ratio · (b − a)⌋` entry-wise over columns `0..columns`, keeping entries > 0 in
/// ascending column order. `ratio` 0 returns `a` and 1 returns `b` unchanged (stored order).
pub fn interpolate(
    a: SparseMatrix,
    b: SparseMatrix,
    columns: usize,
    ratio: I32F32,
) -> SparseMatrix {
    if ratio == ZERO {
        return a;
    }
    if ratio == ONE || a.len() != b.len() {
        return b;
    }
    let mut dense_a = vec![ZERO; columns];
    let mut dense_b = vec![ZERO; columns];
    a.iter()
        .zip(b.iter())
        .map(|(ra, rb)| {
            if ra.is_empty() && rb.is_empty() {
                return Vec::new();
            }
            densify(ra, &mut dense_a);
            densify(rb, &mut dense_b);
            let row = dense_a
                .iter()
                .zip(dense_b.iter())
                .enumerate()
                .filter_map(|(j, (va, vb))| {
                    let v = va.saturating_add(fmul(ratio, vb.saturating_sub(*va)));
                    (v > ZERO).then(|| (u16::try_from(j).unwrap_or(u16::MAX), v))
                })
                .collect();
            undensify(ra, &mut dense_a);
            undensify(rb, &mut dense_b);
            row
        })
        .collect()
}

/// Writes a sparse row into a zeroed dense buffer (later entries for the same column win).
fn densify(row: &SparseRow, dense: &mut [I32F32]) {
    for (j, v) in row {
        if let Some(cell) = dense.get_mut(usize::from(*j)) {
            *cell = *v;
        }
    }
}

/// Zeroes the cells [`densify`] wrote, so the buffer can be reused without a full clear.
fn undensify(row: &SparseRow, dense: &mut [I32F32]) {
    for (j, _) in row {
        if let Some(cell) = dense.get_mut(usize::from(*j)) {
            *cell = ZERO;
        }
    }
}

/// Whether a row's columns strictly increase (sorted, no duplicates).
fn strictly_sorted(row: &[(u16, I32F32)]) -> bool {
    row.windows(2)
        .all(|w| matches!(w, [(a, _), (b, _)] if a < b))
}

/// [`mat_ema`] for one pair of rows whose columns strictly increase: a linear merge, which gives
/// the same entries in the same (ascending) order as accumulating into a dense row.
fn ema_merge(
    new_row: &[(u16, I32F32)],
    old_row: &[(u16, I32F32)],
    alpha: I32F32,
    one_minus_alpha: I32F32,
    columns: usize,
) -> SparseRow {
    let mut out = Vec::with_capacity(new_row.len().max(old_row.len()));
    let mut push = |j: u16, v: I32F32| {
        if usize::from(j) < columns && v > ZERO {
            out.push((j, v));
        }
    };
    let (mut a, mut b) = (new_row, old_row);
    while let (Some(&(ja, va)), Some(&(jb, vb))) = (a.first(), b.first()) {
        if ja == jb {
            push(
                ja,
                fmul(alpha, va).saturating_add(fmul(one_minus_alpha, vb)),
            );
            a = a.get(1..).unwrap_or_default();
            b = b.get(1..).unwrap_or_default();
        } else if ja < jb {
            push(ja, fmul(alpha, va));
            a = a.get(1..).unwrap_or_default();
        } else {
            push(jb, fmul(one_minus_alpha, vb));
            b = b.get(1..).unwrap_or_default();
        }
    }
    for &(j, v) in a {
        push(j, fmul(alpha, v));
    }
    for &(j, v) in b {
        push(j, fmul(one_minus_alpha, v));
    }
    out
}

/// EMA with one α: `⌊α·new_ij⌋ + ⌊(1−α)·old_ij⌋` over the union of both patterns and columns
/// `0..columns`, keeping entries > 0, in ascending column order.
pub fn mat_ema(
    new: &SparseMatrix,
    old: &SparseMatrix,
    alpha: I32F32,
    columns: usize,
) -> SparseMatrix {
    let one_minus_alpha = ONE.saturating_sub(alpha);
    let mut acc = vec![ZERO; columns];
    let mut seen = vec![false; columns];
    let mut touched: Vec<usize> = Vec::new();
    let empty: SparseRow = Vec::new();
    new.iter()
        .enumerate()
        .map(|(i, new_row)| {
            let old_row = old.get(i).unwrap_or(&empty);
            if new_row.is_empty() && old_row.is_empty() {
                return Vec::new();
            }
            if strictly_sorted(new_row) && strictly_sorted(old_row) {
                return ema_merge(new_row, old_row, alpha, one_minus_alpha, columns);
            }
            touched.clear();
            let mut add = |j: u16, v: I32F32| {
                let j = usize::from(j);
                if let (Some(cell), Some(flag)) = (acc.get_mut(j), seen.get_mut(j)) {
                    *cell = cell.saturating_add(v);
                    if !*flag {
                        *flag = true;
                        touched.push(j);
                    }
                }
            };
            for (j, v) in new_row {
                add(*j, fmul(alpha, *v));
            }
            for (j, v) in old_row {
                add(*j, fmul(one_minus_alpha, *v));
            }
            // Ascending column order, as subtensor reads its densified row back: a dense scan
            // when the row is dense, a sort of the touched columns when it is sparse.
            let mut row = Vec::with_capacity(touched.len());
            let mut emit = |j: usize, acc: &mut [I32F32], seen: &mut [bool]| {
                if let (Some(cell), Some(flag)) = (acc.get_mut(j), seen.get_mut(j)) {
                    if *cell > ZERO {
                        row.push((u16::try_from(j).unwrap_or(u16::MAX), *cell));
                    }
                    *cell = ZERO;
                    *flag = false;
                }
            };
            if touched.len().saturating_mul(16) >= columns {
                for j in 0..columns {
                    if seen.get(j).copied().unwrap_or(false) {
                        emit(j, &mut acc, &mut seen);
                    }
                }
            } else {
                touched.sort_unstable();
                for &j in &touched {
                    emit(j, &mut acc, &mut seen);
                }
            }
            row
        })
        .collect()
}

/// Stake-weighted κ-median of each column (consensus), over the validators with stake > 0.
///
/// The stake of those validators is renormalized; a validator without an entry in a column
/// scores 0 there. The median of a column is the smallest score `s` whose cumulative stake
/// `Σ_{score ≤ s} stake` exceeds `Σ stake − κ` (the largest score if none does): see
/// [`weighted_median`].
pub fn weighted_median_col(
    stake: &[I32F32],
    score: &SparseMatrix,
    columns: usize,
    majority: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|s| *s > ZERO).collect();
    inplace_normalize(&mut use_stake);
    let stake_sum = sum(&use_stake);
    let minority = stake_sum.saturating_sub(majority);
    let m = use_stake.len();
    if m == 0 {
        return vec![ZERO; columns];
    }

    // The participants' rows, densified row-major: scores[k * columns + j].
    let mut scores = vec![ZERO; columns.saturating_mul(m)];
    let participants = stake.iter().zip(score.iter()).filter(|(s, _)| **s > ZERO);
    for (k, (_, row)) in participants.enumerate() {
        let base = k.saturating_mul(columns);
        if let Some(dense) = scores.get_mut(base..base.saturating_add(columns)) {
            densify(row, dense);
        }
    }

    // Columns in blocks, so that gathering a column's pairs reads each row's block
    // contiguously instead of striding through the whole matrix once per column.
    const BLOCK: usize = 32;
    let mut pairs: Vec<Vec<(I32F32, I32F32)>> = (0..BLOCK).map(|_| Vec::with_capacity(m)).collect();
    let mut median = Vec::with_capacity(columns);
    let mut scratch = Vec::with_capacity(m);
    for start in (0..columns).step_by(BLOCK) {
        let width = BLOCK.min(columns.saturating_sub(start));
        for p in pairs.iter_mut() {
            p.clear();
        }
        for (k, weight) in use_stake.iter().enumerate() {
            let at = k.saturating_mul(columns).saturating_add(start);
            let Some(block) = scores.get(at..at.saturating_add(width)) else {
                continue;
            };
            for (p, s) in pairs.iter_mut().zip(block) {
                p.push((*s, *weight));
            }
        }
        for p in pairs.iter_mut().take(width) {
            median.push(weighted_median(p, &mut scratch, minority, stake_sum));
        }
    }
    median
}

/// The stake-weighted median of `(score, stake)` pairs (reordered in place).
///
/// Subtensor finds it by quickselect with the middle element as pivot: entries equal to the
/// pivot are set aside, the search goes into the lower part if `minority < lo + stake_below`,
/// into the upper part if `hi − stake_above ≤ minority`, and otherwise returns the pivot, where
/// `[lo, hi]` (initially `[0, stake_sum]`) is the stake segment of the current part. Because
/// fixed-point addition is exact, `lo + stake_below` is the cumulative stake strictly below the
/// pivot and `hi − stake_above` the cumulative stake up to the pivot, whatever the pivot order;
/// so the result is the pivot-independent closed form of `spec/epoch.md` §6.1: the smallest
/// score whose cumulative stake exceeds `minority`, or the largest score if none does. This
/// version partitions in place (no allocation, any order); a test checks it against a literal
/// port of subtensor's and against the closed form.
pub fn weighted_median(
    pairs: &mut [(I32F32, I32F32)],
    scratch: &mut Vec<(I32F32, I32F32)>,
    minority: I32F32,
    stake_sum: I32F32,
) -> I32F32 {
    // Each round partitions the current part out of place into the other buffer: elements
    // below the pivot from the front, above it from the back, equal ones dropped. Every element
    // is written to both candidate slots and only one cursor advances, so the loop has no
    // branch on the (unpredictable) scores.
    let len0 = pairs.len();
    scratch.clear();
    scratch.resize(len0, (ZERO, ZERO));
    let mut src: &mut [(I32F32, I32F32)] = pairs;
    let mut dst: &mut [(I32F32, I32F32)] = scratch.as_mut_slice();
    let (mut start, mut end) = (0usize, len0);
    let mut lo = ZERO;
    let mut hi = stake_sum;
    loop {
        let Some(part) = src.get(start..end) else {
            return ZERO;
        };
        let len = part.len();
        let Some(&(mid, _)) = part.get(len / 2) else {
            return ZERO;
        };
        if len == 1 {
            return mid;
        }
        // Median of three as pivot: fewer rounds than the middle element alone, and the result
        // does not depend on the pivot (see above).
        let first = part.first().map_or(mid, |p| p.0);
        let last = part.last().map_or(mid, |p| p.0);
        let pivot = first.max(mid).min(first.min(mid).max(last));
        let mut lo_stake = ZERO;
        let mut hi_stake = ZERO;
        let (mut below, mut above) = (0usize, len);
        for &(s, w) in part {
            let is_below = s < pivot;
            let is_above = s > pivot;
            if let Some(slot) = dst.get_mut(below) {
                *slot = (s, w);
            }
            if let Some(slot) = dst.get_mut(above.wrapping_sub(1)) {
                *slot = (s, w);
            }
            lo_stake = lo_stake.saturating_add(if is_below { w } else { ZERO });
            hi_stake = hi_stake.saturating_add(if is_above { w } else { ZERO });
            below = below.wrapping_add(usize::from(is_below));
            above = above.wrapping_sub(usize::from(is_above));
        }
        if minority < lo.saturating_add(lo_stake) && below > 0 {
            hi = lo.saturating_add(lo_stake);
            (start, end) = (0, below);
        } else if hi.saturating_sub(hi_stake) <= minority && above < len {
            lo = hi.saturating_sub(hi_stake);
            (start, end) = (above, len);
        } else {
            return pivot;
        }
        core::mem::swap(&mut src, &mut dst);
    }
}

/// Max-upscales a weight row as `set_weights` stores it: the largest value becomes 65535.
///
/// With `m` the maximum (as fixed): all 0 if `m = 0`; `round(v · (65535/m))` if `m > 32768`;
/// else `round(v·65535 / m)`; rounding half away from zero, saturating to u16.
pub fn max_upscale_u16(values: &[u16]) -> Vec<u16> {
    use crate::fixed::{U16_MAX, safe_div, u16_to_fixed};
    let fixed: Vec<_> = values.iter().map(|v| u16_to_fixed(*v)).collect();
    let Some(max) = fixed.iter().max().copied() else {
        return Vec::new();
    };
    if max == ZERO {
        return vec![0; values.len()];
    }
    let threshold = u16_to_fixed(32768);
    fixed
        .iter()
        .map(|v| {
            let scaled = if max > threshold {
                v.saturating_mul(safe_div(U16_MAX, max))
            } else {
                safe_div(v.saturating_mul(U16_MAX), max)
            };
            scaled.round().saturating_to_num::<u16>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_upscale_matches_subtensor_vectors() {
        // spec §11.14 (u16 input).
        assert_eq!(max_upscale_u16(&[0, 1, 65534]), vec![0, 1, 65535]);
        assert_eq!(max_upscale_u16(&[1]), vec![65535]);
        assert_eq!(max_upscale_u16(&[0, 0]), vec![0, 0]);
        assert_eq!(max_upscale_u16(&[]), Vec::<u16>::new());
        // spec §11.6: [43690, 21845] becomes [65535, 32768].
        assert_eq!(max_upscale_u16(&[43690, 21845]), vec![65535, 32768]);
        // spec §11.3: 127 everywhere becomes 65535 everywhere.
        assert_eq!(max_upscale_u16(&[127, 127]), vec![65535, 65535]);
    }

    use proptest::prelude::*;

    fn f(x: f64) -> I32F32 {
        I32F32::from_num(x)
    }

    fn median(stake: &[f64], score: &[f64], majority: f64) -> I32F32 {
        let stake: Vec<I32F32> = stake.iter().map(|s| f(*s)).collect();
        let score: Vec<I32F32> = score.iter().map(|s| f(*s)).collect();
        let total = sum(&stake);
        let mut pairs: Vec<_> = score.iter().copied().zip(stake.iter().copied()).collect();
        let fast = weighted_median(&mut pairs, &mut Vec::new(), total - f(majority), total);
        assert_eq!(
            fast,
            subtensor_median(&stake, &score, total - f(majority), total)
        );
        fast
    }

    /// A literal port of subtensor's `weighted_median` (order-preserving partitions, mid
    /// pivot, iteration cap), the oracle for the in-place version.
    fn subtensor_median(
        stake: &[I32F32],
        score: &[I32F32],
        minority: I32F32,
        sum: I32F32,
    ) -> I32F32 {
        let mut current: Vec<usize> = (0..score.len()).collect();
        let (mut lo, mut hi) = (ZERO, sum);
        for _ in 0..=score.len() {
            match current.len() {
                0 => return ZERO,
                1 => return score[current[0]],
                len => {
                    let pivot = score[current[len / 2]];
                    let (mut lower, mut upper) = (Vec::new(), Vec::new());
                    let (mut lo_stake, mut hi_stake) = (ZERO, ZERO);
                    for &i in &current {
                        if score[i] < pivot {
                            lo_stake += stake[i];
                            lower.push(i);
                        } else if score[i] > pivot {
                            hi_stake += stake[i];
                            upper.push(i);
                        }
                    }
                    if minority < lo + lo_stake && !lower.is_empty() {
                        hi = lo + lo_stake;
                        current = lower;
                    } else if hi - hi_stake <= minority && !upper.is_empty() {
                        lo = hi - hi_stake;
                        current = upper;
                    } else {
                        return pivot;
                    }
                }
            }
        }
        ZERO
    }

    #[test]
    fn weighted_median_vectors_of_subtensor() {
        // spec §11.14, majority 0.51 (minority 0.49), stake not renormalized.
        let m = 0.51;
        assert_eq!(median(&[0.49, 0.51], &[0.5, 1.0], m), f(1.0));
        assert_eq!(median(&[0.51, 0.49], &[0.5, 1.0], m), f(0.5));
        assert_eq!(median(&[0.49, 0.0, 0.51], &[0.5, 0.7, 1.0], m), f(1.0));
        assert_eq!(median(&[0.49, 0.01, 0.5], &[0.5, 0.7, 1.0], m), f(0.7));
        assert_eq!(median(&[0.49, 0.51, 0.0], &[0.5, 0.7, 1.0], m), f(0.7));
        assert_eq!(median(&[0.0, 0.49, 0.51], &[0.5, 0.7, 1.0], m), f(1.0));
        assert_eq!(median(&[0.2; 5], &[0.8, 0.2, 1.0, 0.6, 0.4], m), f(0.6));
        assert_eq!(
            median(
                &[0.1; 10],
                &[0.8, 0.8, 0.2, 0.2, 1.0, 1.0, 0.6, 0.6, 0.4, 0.4],
                m
            ),
            f(0.6)
        );
        assert_eq!(median(&[], &[], m), ZERO);
    }

    fn sparse(rows: &[&[f64]]) -> SparseMatrix {
        rows.iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(j, v)| (j as u16, f(*v)))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn column_median_vectors_of_subtensor() {
        let stake: Vec<I32F32> = [0.0, 0.75, 0.25, 0.0].iter().map(|s| f(*s)).collect();
        let w = sparse(&[
            &[0.0, 0.1, 0.0],
            &[0.0, 0.2, 0.4],
            &[0.0, 0.3, 0.1],
            &[0.0, 0.4, 0.5],
        ]);
        assert_eq!(
            weighted_median_col(&stake, &w, 3, f(0.24)),
            vec![f(0.0), f(0.3), f(0.4)]
        );
        assert_eq!(
            weighted_median_col(&stake, &w, 3, f(0.26)),
            vec![f(0.0), f(0.2), f(0.4)]
        );
        assert_eq!(
            weighted_median_col(&stake, &w, 3, f(0.76)),
            vec![f(0.0), f(0.2), f(0.1)]
        );
        let stake: Vec<I32F32> = [0.0, 0.3, 0.2, 0.5].iter().map(|s| f(*s)).collect();
        let w = sparse(&[
            &[0.0, 0.1, 0.0],
            &[0.0, 0.2, 0.4],
            &[0.0, 0.3, 0.1],
            &[0.0, 0.0, 0.5],
        ]);
        assert_eq!(
            weighted_median_col(&stake, &w, 3, f(0.51)),
            vec![f(0.0), f(0.0), f(0.4)]
        );
    }

    /// The closed form of spec §6.1: the smallest score s whose cumulative stake
    /// G(s) = Σ_{score ≤ s} stake exceeds the minority; the largest score if none does.
    fn closed_form(stake: &[I32F32], score: &[I32F32], minority: I32F32) -> I32F32 {
        let mut levels: Vec<I32F32> = score.to_vec();
        levels.sort();
        levels.dedup();
        for s in &levels {
            let g = stake
                .iter()
                .zip(score)
                .filter(|(_, x)| *x <= s)
                .fold(ZERO, |a, (st, _)| a.saturating_add(*st));
            if g > minority {
                return *s;
            }
        }
        levels.last().copied().unwrap_or(ZERO)
    }

    proptest! {
        #[test]
        fn quickselect_equals_closed_form(
            entries in prop::collection::vec((0u32..1000, 0u32..8), 1..40),
            kappa in prop::sample::select(vec![0.0, 1e-7, 0.25, 0.49, 0.5, 0.51, 0.9999999, 1.0, 1.5, -0.5]),
        ) {
            let mut stake: Vec<I32F32> = entries.iter().map(|(s, _)| I32F32::from_num(*s)).collect();
            inplace_normalize(&mut stake);
            let score: Vec<I32F32> = entries.iter().map(|(_, x)| I32F32::from_num(*x) / 8).collect();
            let total = sum(&stake);
            let minority = total - I32F32::from_num(kappa);
            let mut pairs: Vec<_> = score.iter().copied().zip(stake.iter().copied()).collect();
            let fast = weighted_median(&mut pairs, &mut Vec::new(), minority, total);
            prop_assert_eq!(fast, closed_form(&stake, &score, minority));
            prop_assert_eq!(fast, subtensor_median(&stake, &score, minority, total));
        }
    }

    #[test]
    fn topk_with_ties_drops_lower_uids() {
        let x: Vec<I32F32> = [0, 1, 2, 3, 4, 5, 5, 5, 5, 6]
            .iter()
            .map(|v| f(*v as f64))
            .collect();
        let top = is_topk_nonzero(&x, 5);
        assert_eq!(
            top,
            vec![
                false, false, false, false, false, true, true, true, true, true
            ]
        );
        // Zero never wins a slot, k = 0 gives nobody, len < k keeps every non-zero entry.
        assert_eq!(is_topk_nonzero(&[f(0.0), f(1.0)], 5), vec![false, true]);
        assert_eq!(is_topk_nonzero(&[f(2.0), f(1.0)], 0), vec![false, false]);
    }

    #[test]
    fn sparse_ema_keeps_union_in_column_order() {
        // spec §11.14 (`test_math_sparse_mat_ema`-style): α = 0.1.
        let alpha = f(0.1);
        let old: SparseMatrix = vec![vec![(2, f(1.0)), (0, f(0.5))], vec![]];
        let new: SparseMatrix = vec![vec![(1, f(1.0))], vec![]];
        let out = mat_ema(&new, &old, alpha, 3);
        let cols: Vec<u16> = out[0].iter().map(|(j, _)| *j).collect();
        assert_eq!(cols, vec![0, 1, 2]);
        assert_eq!(out[0][1].1, alpha.saturating_mul(f(1.0)));
        assert_eq!(out[0][2].1, (ONE - alpha).saturating_mul(f(1.0)));
        assert!(out[1].is_empty());
    }

    proptest! {
        #[test]
        fn ema_merge_equals_dense_accumulation(
            new in prop::collection::btree_map(0u16..40, 0i64..(1 << 33), 0..30),
            old in prop::collection::btree_map(0u16..40, 0i64..(1 << 33), 0..30),
            alpha in 0i64..=(1 << 32),
        ) {
            let row = |m: &std::collections::BTreeMap<u16, i64>| -> SparseRow {
                m.iter().map(|(j, v)| (*j, I32F32::from_bits(*v))).collect()
            };
            let (new, old) = (vec![row(&new)], vec![row(&old)]);
            let alpha = I32F32::from_bits(alpha);
            let merged = mat_ema(&new, &old, alpha, 32);
            // Reversing a row defeats the merge path and forces the dense accumulation.
            let mut new_rev = new.clone();
            new_rev[0].reverse();
            let mut old_rev = old.clone();
            old_rev[0].reverse();
            if new[0].len() > 1 || old[0].len() > 1 {
                prop_assert_eq!(&merged, &mat_ema(&new_rev, &old_rev, alpha, 32));
            }
            for (j, v) in &merged[0] {
                prop_assert!(*j < 32 && *v > ZERO);
            }
        }
    }

    #[test]
    fn clipping_drops_entries_of_zero_consensus() {
        let m: SparseMatrix = vec![vec![(0, f(0.5)), (1, f(0.2)), (2, f(0.0))]];
        let c = vec![f(0.3), f(0.0), f(0.0)];
        let clipped = col_clip(&m, &c);
        assert_eq!(clipped[0], vec![(0, f(0.3)), (2, f(0.0))]);
    }

    #[test]
    fn interpolation_is_floored_and_column_ordered() {
        let a: SparseMatrix = vec![vec![(1, f(0.5)), (0, f(0.5))]];
        let b: SparseMatrix = vec![vec![(1, f(0.25))]];
        let half = f(0.5);
        assert_eq!(interpolate(a.clone(), b.clone(), 2, ZERO), a);
        assert_eq!(interpolate(a.clone(), b.clone(), 2, ONE), b);
        let mid = interpolate(a, b, 2, half);
        assert_eq!(mid[0], vec![(0, f(0.25)), (1, f(0.375))]);
    }

    #[test]
    fn masks_follow_subtensor_edge_rules() {
        let mut v = vec![f(1.0), f(1.0), f(1.0)];
        inplace_mask_vector(&[], &mut v);
        assert_eq!(v, vec![f(1.0); 3]);
        inplace_mask_vector(&[false], &mut v);
        assert_eq!(v, vec![f(1.0), ZERO, ZERO]);
        let mut m: SparseMatrix = vec![vec![(0, ONE), (3, ONE)], vec![(1, ONE), (0, ONE)]];
        mask_by_col(&mut m, 5, &[5, 4], |t, r| t <= r);
        assert_eq!(m, vec![vec![(3, ONE)], vec![(1, ONE)]]);
    }
}
