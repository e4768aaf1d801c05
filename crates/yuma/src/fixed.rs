//! Fixed-point helpers with subtensor's exact rounding.
//!
//! The epoch runs on `substrate-fixed` 0.6.0, the same crate and version subtensor pins, because
//! every output bit depends on its rounding: multiplication floors (arithmetic shift of the wide
//! product), division truncates toward zero, and subtensor's `safe_div` turns a zero divisor (or
//! an overflowing quotient) into 0. The helpers here name those conversions once, with the names
//! of `spec/epoch.md` §2.3.
//!
//! `exp_safe` is the one function re-implemented on raw integers instead of called from the
//! crate: liquid alpha evaluates it once per (validator, miner) pair, and the crate's generic
//! Taylor loop always runs its 30 terms with a runtime division each. The version here performs
//! the very same floor/truncate steps, so its bits are identical (a test compares the two on
//! hundreds of thousands of inputs), but stops as soon as a term reaches zero (every later term is
//! then zero too) and divides by constants.

use substrate_fixed::types::{I32F32, I64F64};

/// 0 as I32F32.
pub const ZERO: I32F32 = I32F32::from_bits(0);
/// 1 as I32F32.
pub const ONE: I32F32 = I32F32::from_bits(1 << 32);
/// 65535 as I32F32, the denominator of every u16 proportion.
pub const U16_MAX: I32F32 = I32F32::from_bits(65_535 << 32);
/// 0.5 as I32F32.
const HALF: I32F32 = I32F32::from_bits(1 << 31);

/// `a · b` with I32F32's `saturating_mul` semantics: the 128-bit product shifted right by 32
/// (floor), saturating to the type's range.
///
/// Identical to `substrate_fixed`'s `saturating_mul`, which shifts one operand left by 32 and
/// multiplies in i128 with overflow detection: its overflow happens exactly when the floored
/// product leaves the i64 range. This version needs one 64×64→128 multiplication, which matters
/// in loops over every weight and bond.
#[inline(always)]
pub fn fmul(a: I32F32, b: I32F32) -> I32F32 {
    let (x, y) = (a.to_bits(), b.to_bits());
    // |x·y| < 2^126: the product of two i64 never overflows i128.
    let product = i128::from(x).wrapping_mul(i128::from(y)) >> 32;
    match i64::try_from(product) {
        Ok(bits) => I32F32::from_bits(bits),
        Err(_) if (x < 0) != (y < 0) => I32F32::min_value(),
        Err(_) => I32F32::max_value(),
    }
}

/// `a / b`, or 0 when `b` is 0 or the quotient overflows (subtensor's `safe_div`).
#[inline]
pub fn safe_div(a: I32F32, b: I32F32) -> I32F32 {
    a.checked_div(b).unwrap_or_default()
}

/// `a / b` in I64F64, or 0 when `b` is 0 or the quotient overflows.
#[inline]
pub fn safe_div64(a: I64F64, b: I64F64) -> I64F64 {
    a.checked_div(b).unwrap_or_default()
}

/// A u16 as the fixed number of the same value (0…65535, not divided).
#[inline]
pub fn u16_to_fixed(v: u16) -> I32F32 {
    I32F32::from_bits(i64::from(v) << 32)
}

/// A u16 as a proportion: `v / 65535`, truncated.
///
/// Raw bits `⌊v·2^32 / 65535⌋`. Since `2^32 = 65535·65537 + 1`, that is `v·65537 + ⌊v/65535⌋`:
/// no division needed (a test checks all 65 536 values against the fixed division).
#[inline]
pub fn u16_proportion_to_fixed(v: u16) -> I32F32 {
    let v = i64::from(v);
    let carry = i64::from(v == 65_535);
    I32F32::from_bits(v.saturating_mul(65_537).saturating_add(carry))
}

/// Division of many numbers by one divisor, bit-identical to [`safe_div`] but without a 128-bit
/// division per call.
///
/// I32F32 division computes `trunc(a·2^32 / d)` on raws. Two cases cover the epoch's matrices:
/// proportions (`0 ≤ a < 2^32`, any divisor), and whole numbers (u16 weights and bonds, whose raws
/// and sums end in 32 zero bits, which cancel). In both the dividend becomes a 64-bit `N`, and
/// the quotient comes from the precomputed reciprocal `m = ⌊(2^128 − 1) / d'⌋`: `⌊N·m / 2^128⌋` is
/// the true quotient or one less, and one comparison of the remainder fixes it. Anything else
/// falls back to [`safe_div`].
#[derive(Clone, Copy, Debug)]
pub struct Divisor {
    d: I32F32,
    /// Whether `d` is a whole number (its low 32 bits are zero); its reciprocal is then that of
    /// `d >> 32`.
    whole: bool,
    /// The reduced divisor `d'` (0 if `d ≤ 0`: no fast path) and the high and low halves of
    /// its reciprocal.
    reduced: u64,
    m_hi: u64,
    m_lo: u64,
}

impl Divisor {
    /// Prepares division by `d`.
    pub fn new(d: I32F32) -> Divisor {
        let bits = d.to_bits();
        if bits <= 0 {
            return Divisor {
                d,
                whole: false,
                reduced: 0,
                m_hi: 0,
                m_lo: 0,
            };
        }
        let bits = bits.unsigned_abs();
        let whole = bits.trailing_zeros() >= 32;
        let reduced = if whole { bits >> 32 } else { bits };
        let reciprocal = u128::MAX.checked_div(u128::from(reduced)).unwrap_or(0);
        let (m_hi, m_lo) = ((reciprocal >> 64) as u64, reciprocal as u64);
        Divisor {
            d,
            whole,
            reduced,
            m_hi,
            m_lo,
        }
    }

    /// The divisor.
    #[inline(always)]
    pub fn divisor(&self) -> I32F32 {
        self.d
    }

    /// `a / d` exactly as `safe_div(a, d)`.
    #[inline(always)]
    pub fn div(&self, a: I32F32) -> I32F32 {
        match self.fast(a.to_bits()) {
            Some(q) => q,
            None => safe_div(a, self.d),
        }
    }

    #[inline(always)]
    fn fast(&self, a: i64) -> Option<I32F32> {
        let a = u64::try_from(a).ok()?;
        let n = if self.whole {
            // a·2^32 / (d'·2^32) = (a / 2^32)·2^32 / d' when a's low 32 bits are zero too.
            if a & 0xFFFF_FFFF != 0 || a >= 1 << 63 {
                return None;
            }
            a
        } else {
            if a >= 1 << 32 {
                return None;
            }
            a << 32
        };
        if self.reduced == 0 {
            return None;
        }
        let (m_hi, m_lo) = (self.m_hi, self.m_lo);
        // ⌊n·m / 2^128⌋ without overflow: n·m_hi + ⌊n·m_lo / 2^64⌋, then the high half.
        let t = u128::from(n)
            .wrapping_mul(u128::from(m_hi))
            .wrapping_add(u128::from(n).wrapping_mul(u128::from(m_lo)) >> 64);
        let mut q = (t >> 64) as u64;
        if n.wrapping_sub(q.wrapping_mul(self.reduced)) >= self.reduced {
            q = q.wrapping_add(1);
        }
        // An overflowing quotient is 0 under `safe_div`.
        Some(i64::try_from(q).map(I32F32::from_bits).unwrap_or(ZERO))
    }
}

/// A fixed number already in 0…65535 turned into a proportion: `x / 65535`.
#[inline]
pub fn fixed_to_fixed_u16_proportion(x: I32F32) -> I32F32 {
    safe_div(x, U16_MAX)
}

/// A proportion stored as u16: `⌊x · 65535⌋`, saturating to 0…65535.
#[inline]
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    fmul(x, U16_MAX).saturating_to_num::<u16>()
}

/// I64F64 truncated to I32F32 (low fraction bits dropped, saturating).
#[inline]
pub fn fixed64_to_fixed32(x: I64F64) -> I32F32 {
    I32F32::saturating_from_num(x)
}

/// `min(max(value, low), high)` in subtensor's order: first `min(high)`, then `max(low)`.
#[inline]
pub fn clamp_value(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    value.min(high).max(low)
}

/// e as substrate-fixed returns it for `exp(1)`: an I9F23 constant with bits 22 802 600
/// (2.71828174…; the crate truncates its 126-bit constant with a shift, one unit below
/// ⌊e·2^23⌋ = 22 802 601 that `spec/epoch.md` §2.2 quotes; the crate's value is what runs).
const E_I9F23_BITS: i64 = 22_802_600;

/// Raw bits of `⌊t·y⌋ / k` for non-negative raws, or `None` if the product leaves I32F32.
#[inline(always)]
fn taylor_step(term: u64, y: u64, k: u64) -> Option<u64> {
    // The wide product cannot overflow u128: both factors are below 2^64.
    let product = u128::from(term).wrapping_mul(u128::from(y)) >> 32;
    let floored = u64::try_from(product).ok()?;
    if floored > i64::MAX as u64 {
        return None;
    }
    floored.checked_div(k)
}

/// `e^x` with substrate-fixed's Taylor algorithm, clamped to x ∈ [−20, 20] (subtensor's
/// `exp_safe`). Bit-identical to `exp_safe` over `substrate_fixed::transcendental::exp`.
pub fn exp_safe(input: I32F32) -> I32F32 {
    let min_input = I32F32::from_bits(-20 << 32);
    let max_input = I32F32::from_bits(20 << 32);
    let x = input.max(min_input).min(max_input);
    exp_taylor(x).unwrap_or(if x <= ZERO { ZERO } else { I32F32::max_value() })
}

/// The Taylor series of `substrate_fixed::transcendental::exp` for I32F32, on raw integers.
fn exp_taylor(x: I32F32) -> Option<I32F32> {
    if x == ZERO {
        return Some(ONE);
    }
    if x == ONE {
        return Some(I32F32::from_bits(E_I9F23_BITS << 9));
    }
    let negative = x < ZERO;
    let y = x.to_bits().checked_abs()?.unsigned_abs();
    let mut result = y.checked_add(1 << 32)?;
    let mut term = y;
    // k = 2 ..= 31 (the crate loops `2..frac_nbits`). Once a term is 0, all later ones are 0.
    macro_rules! steps {
        ($($k:literal)*) => {$(
            term = taylor_step(term, y, $k)?;
            if term == 0 {
                return finish(result, negative);
            }
            result = result.checked_add(term)?;
        )*};
    }
    steps!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    finish(result, negative)
}

/// Final step of `exp_taylor`: range check, and `1 / result` for a negative input.
fn finish(result: u64, negative: bool) -> Option<I32F32> {
    let result = I32F32::from_bits(i64::try_from(result).ok()?);
    if negative {
        ONE.checked_div(result)
    } else {
        Some(result)
    }
}

/// `exp_safe` of four inputs at once, bit-identical to four calls.
///
/// The Taylor steps of one input form a chain of dependent multiplications and divisions; four
/// independent chains let the CPU overlap them. Inside the clamp [−20, 20] no step overflows
/// (a term stays below 2^58 and the sum below 2^61), so the lanes need no checks.
pub fn exp_safe4(xs: [I32F32; 4]) -> [I32F32; 4] {
    let min_input = I32F32::from_bits(-20 << 32);
    let max_input = I32F32::from_bits(20 << 32);
    let xs = xs.map(|x| x.max(min_input).min(max_input));
    let y: [u64; 4] = xs.map(|x| x.to_bits().unsigned_abs());
    let mut term = y;
    let mut result = y.map(|v| v.wrapping_add(1 << 32));
    macro_rules! steps {
        ($($k:literal)*) => {$(
            let mut any = 0u64;
            for l in 0..4 {
                let (t, yl) = (term.get(l).copied().unwrap_or(0), y.get(l).copied().unwrap_or(0));
                let next = ((u128::from(t).wrapping_mul(u128::from(yl)) >> 32) as u64) / $k;
                if let (Some(tc), Some(rc)) = (term.get_mut(l), result.get_mut(l)) {
                    *tc = next;
                    *rc = rc.wrapping_add(next);
                }
                any |= next;
            }
            if any == 0 {
                return finish4(xs, result);
            }
        )*};
    }
    steps!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    finish4(xs, result)
}

/// Final step of [`exp_safe4`]: the two special inputs, and `1 / result` for negative ones.
fn finish4(xs: [I32F32; 4], result: [u64; 4]) -> [I32F32; 4] {
    let mut out = [ZERO; 4];
    for ((o, x), r) in out.iter_mut().zip(xs).zip(result) {
        *o = if x == ZERO {
            ONE
        } else if x == ONE {
            I32F32::from_bits(E_I9F23_BITS << 9)
        } else if x < ZERO {
            one_over(r)
        } else {
            I32F32::from_bits(i64::try_from(r).unwrap_or(i64::MAX))
        };
    }
    out
}

/// `1 / x` for a raw `x ≥ 2^32` (x ≥ 1), as `ONE.checked_div(x)` computes it: `⌊2^64 / x⌋`,
/// with one 64-bit division instead of a 128-bit one.
#[inline]
fn one_over(x: u64) -> I32F32 {
    if x < 1 << 32 {
        return i64::try_from(x)
            .ok()
            .and_then(|v| ONE.checked_div(I32F32::from_bits(v)))
            .unwrap_or(ZERO);
    }
    // ⌊2^64 / x⌋ = ⌊(2^64 − 1) / x⌋, plus one when x divides 2^64.
    let q = u64::MAX.checked_div(x).unwrap_or(0);
    let exact = u64::MAX.checked_rem(x) == Some(x.wrapping_sub(1));
    let q = if exact { q.wrapping_add(1) } else { q };
    I32F32::from_bits(i64::try_from(q).unwrap_or(0))
}

/// The exponent of liquid alpha's sigmoid for one bond: `(steepness / −100) · (diff − 0.5)`.
///
/// `diff` is how far the validator's weight is above consensus (when its weight is at least its
/// bond: buying) or how far its bond is above its weight (selling), clamped to [0, 1].
#[inline]
pub fn alpha_exponent(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    neg_steepness_100: I32F32,
) -> I32F32 {
    let diff = if weight >= bond {
        clamp_value(weight.saturating_sub(consensus), ZERO, ONE)
    } else {
        clamp_value(bond.saturating_sub(weight), ZERO, ONE)
    };
    fmul(neg_steepness_100, diff.saturating_sub(HALF))
}

/// α from the sigmoid's `exp` value: `low + ⌊(1 / (1 + e)) · (high − low)⌋`, clamped.
#[inline]
pub fn alpha_from_exp(e: I32F32, alpha_low: I32F32, alpha_high: I32F32) -> I32F32 {
    let denominator = ONE.saturating_add(e);
    let sigmoid = match u64::try_from(denominator.to_bits()) {
        Ok(d) if d >= 1 << 32 => one_over(d),
        _ => ONE.saturating_div(denominator),
    };
    let alpha = alpha_low.saturating_add(fmul(sigmoid, alpha_high.saturating_sub(alpha_low)));
    clamp_value(alpha, alpha_low, alpha_high)
}

/// `steepness / −100` as liquid alpha uses it (fixed division, truncating).
pub fn neg_steepness_over_100(steepness: i16) -> I32F32 {
    I32F32::from_num(steepness).saturating_div(I32F32::from_num(-100))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use substrate_fixed::transcendental::exp;

    fn reference_exp_safe(input: I32F32) -> I32F32 {
        let x = input.max(I32F32::from_num(-20)).min(I32F32::from_num(20));
        match exp::<I32F32, I32F32>(x) {
            Ok(v) => v,
            Err(()) if x <= ZERO => ZERO,
            Err(()) => I32F32::max_value(),
        }
    }

    /// Liquid alpha's per-bond α as subtensor's `alpha_sigmoid` computes it, with substrate-fixed's
    /// own operations: the oracle for [`alpha_exponent`] + [`alpha_from_exp`].
    ///
    /// `neg_steepness_100` is `steepness / −100`, computed once per epoch by the caller.
    /// `diff` is how far the validator is ahead of consensus (buying) or how far its bond exceeds its
    /// weight (selling); the sigmoid maps it into `[low, high]`.
    fn alpha_sigmoid(
        consensus: I32F32,
        weight: I32F32,
        bond: I32F32,
        alpha_low: I32F32,
        alpha_high: I32F32,
        neg_steepness_100: I32F32,
    ) -> I32F32 {
        let diff = if weight >= bond {
            clamp_value(weight.saturating_sub(consensus), ZERO, ONE)
        } else {
            clamp_value(bond.saturating_sub(weight), ZERO, ONE)
        };
        let exponent = neg_steepness_100.saturating_mul(diff.saturating_sub(HALF));
        let sigmoid = ONE.saturating_div(ONE.saturating_add(exp_safe(exponent)));
        let alpha =
            alpha_low.saturating_add(sigmoid.saturating_mul(alpha_high.saturating_sub(alpha_low)));
        clamp_value(alpha, alpha_low, alpha_high)
    }

    #[test]
    fn exp_special_values() {
        assert_eq!(exp_safe(ZERO), ONE);
        // e stored as I9F23.
        assert_eq!(exp_safe(ONE).to_bits(), 22_802_600 << 9);
        assert_eq!(exp_safe(ONE), reference_exp_safe(ONE));
        // Clamping.
        assert_eq!(
            exp_safe(I32F32::from_num(100)),
            exp_safe(I32F32::from_num(20))
        );
        assert_eq!(
            exp_safe(I32F32::from_num(-100)),
            exp_safe(I32F32::from_num(-20))
        );
        // e^20 ≈ 485 165 195.4, but the series stops at the 31st term, which is far from enough
        // for x = 20: subtensor's exp gives 481 239 357.
        assert_eq!(exp_safe(I32F32::from_num(20)).to_num::<i64>(), 481_239_357);
        // exp(-1) is computed by the series for 1, not from the constant.
        assert_eq!(
            exp_safe(I32F32::from_num(-1)),
            reference_exp_safe(I32F32::from_num(-1))
        );
        assert_ne!(exp_safe(I32F32::from_num(-1)), ONE / exp_safe(ONE));
    }

    #[test]
    fn exp_matches_crate_on_a_grid() {
        // Every 1/4096 from -21 to 21, plus raw neighbours of each grid point.
        let mut raw: i64 = -21 << 32;
        while raw <= 21 << 32 {
            for d in [-1, 0, 1] {
                let x = I32F32::from_bits(raw + d);
                assert_eq!(exp_safe(x), reference_exp_safe(x), "x = {x}");
            }
            raw += 1 << 20;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn exp_matches_crate(raw in (-21i64 << 32)..(21i64 << 32)) {
            let x = I32F32::from_bits(raw);
            prop_assert_eq!(exp_safe(x), reference_exp_safe(x));
        }

        #[test]
        fn exp_matches_crate_near_zero(raw in -(1i64 << 33)..(1i64 << 33)) {
            let x = I32F32::from_bits(raw);
            prop_assert_eq!(exp_safe(x), reference_exp_safe(x));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        #[test]
        fn exp4_matches_exp(raws in prop::array::uniform4(prop_oneof![
            (-21i64 << 32)..(21i64 << 32),
            -(1i64 << 33)..(1i64 << 33),
            Just(0i64), Just(1i64 << 32), Just(-1i64 << 32),
        ])) {
            let xs = raws.map(I32F32::from_bits);
            prop_assert_eq!(exp_safe4(xs), xs.map(exp_safe));
        }

        #[test]
        fn split_sigmoid_matches_alpha_sigmoid(
            c in 0i64..(1 << 32), w in 0i64..(1 << 32), b in 0i64..(1 << 32),
            lo in 0u16..40000, span in 0u16..25000, steep in any::<i16>(),
        ) {
            let (c, w, b) = (I32F32::from_bits(c), I32F32::from_bits(w), I32F32::from_bits(b));
            let low = u16_proportion_to_fixed(lo);
            let high = u16_proportion_to_fixed(lo + span);
            let k = neg_steepness_over_100(steep);
            let x = alpha_exponent(c, w, b, k);
            let e = exp_safe4([x, ZERO, ZERO, ZERO])[0];
            prop_assert_eq!(alpha_from_exp(e, low, high), alpha_sigmoid(c, w, b, low, high, k));
        }

        #[test]
        fn one_over_matches_division(x in (1u64 << 32)..(1u64 << 63)) {
            let expected = ONE.checked_div(I32F32::from_bits(x as i64)).unwrap();
            prop_assert_eq!(one_over(x), expected);
        }
    }

    #[test]
    fn one_over_powers_of_two() {
        for k in 32..63 {
            let x = 1u64 << k;
            assert_eq!(
                one_over(x),
                ONE.checked_div(I32F32::from_bits(x as i64)).unwrap()
            );
        }
    }

    #[test]
    fn sigmoid_worked_example_of_the_spec() {
        // spec §11.12: epoch 0 of the Yuma 3 tests has w = 1, c = 1, b = 0 with steepness 1000
        // and (low, high) = (0.1, 0.3) stored as (6553, 19660): x = 5, σ ≈ 0.00669, α ≈ 0.1013.
        let low = u16_proportion_to_fixed(6553);
        let high = u16_proportion_to_fixed(19660);
        let a = alpha_sigmoid(ONE, ONE, ZERO, low, high, neg_steepness_over_100(1000));
        let af: f64 = a.to_num();
        assert!((af - 0.1013).abs() < 1e-4, "alpha = {af}");
        // Selling at full distance saturates at high, buying with no lead sits near low.
        let sell = alpha_sigmoid(ZERO, ZERO, ONE, low, high, neg_steepness_over_100(1000));
        let sf: f64 = sell.to_num();
        assert!((sf - 0.2987).abs() < 1e-3, "alpha = {sf}");
        // Negative steepness flips the curve; the result stays within [low, high].
        let flipped = alpha_sigmoid(ONE, ONE, ZERO, low, high, neg_steepness_over_100(-1000));
        assert!(flipped >= low && flipped <= high);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn fmul_matches_saturating_mul(a in any::<i64>(), b in any::<i64>()) {
            let (a, b) = (I32F32::from_bits(a), I32F32::from_bits(b));
            prop_assert_eq!(fmul(a, b), a.saturating_mul(b));
        }

        #[test]
        fn fmul_matches_saturating_mul_small(a in -(1i64 << 40)..(1i64 << 40), b in -(1i64 << 40)..(1i64 << 40)) {
            let (a, b) = (I32F32::from_bits(a), I32F32::from_bits(b));
            prop_assert_eq!(fmul(a, b), a.saturating_mul(b));
        }
    }

    #[test]
    fn u16_proportion_closed_form_is_the_division() {
        for v in 0..=u16::MAX {
            assert_eq!(
                u16_proportion_to_fixed(v),
                safe_div(u16_to_fixed(v), U16_MAX),
                "v = {v}"
            );
        }
    }

    fn check_divisor(a: i64, d: i64) -> Result<(), TestCaseError> {
        let (a, d) = (I32F32::from_bits(a), I32F32::from_bits(d));
        prop_assert_eq!(
            Divisor::new(d).div(a),
            safe_div(a, d),
            "a = {:?}, d = {:?}",
            a,
            d
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn divisor_matches_safe_div(a in any::<i64>(), d in any::<i64>()) {
            check_divisor(a, d)?;
        }

        #[test]
        fn divisor_matches_safe_div_on_proportions(a in 0i64..(1 << 33), d in 1i64..(1 << 34)) {
            check_divisor(a, d)?;
        }

        #[test]
        fn divisor_matches_safe_div_on_whole_numbers(a in 0i64..70_000, d in 1i64..(1 << 28)) {
            check_divisor(a << 32, d << 32)?;
            check_divisor(a << 32, d)?;
        }

        #[test]
        fn divisor_matches_safe_div_on_powers_of_two(a in 0i64..(1 << 40), k in 0u32..63) {
            check_divisor(a, 1i64 << k)?;
            check_divisor(a << 20, 3i64 << k.min(60))?;
        }
    }

    #[test]
    fn divisor_edge_cases() {
        for (a, d) in [
            (0, 1),
            (1, 1),
            ((1 << 32) - 1, 1),
            (1 << 32, 1),
            (i64::MAX, 1),
            (i64::MIN, 1),
            (-5, 3),
            (5, -3),
            (5, 0),
            (1 << 31, 1 << 32),
            (u32::MAX as i64, u32::MAX as i64),
            (1, i64::MAX),
            (i64::MAX, i64::MAX),
        ] {
            check_divisor(a, d).unwrap();
        }
    }

    #[test]
    fn conversions_round_like_subtensor() {
        assert_eq!(u16_to_fixed(65535), U16_MAX);
        assert_eq!(u16_proportion_to_fixed(65535), ONE);
        assert_eq!(u16_proportion_to_fixed(0), ZERO);
        assert_eq!(u16_proportion_to_fixed(1).to_bits(), (1i64 << 32) / 65535);
        assert_eq!(fixed_proportion_to_u16(ONE), 65535);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(2)), 65535);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(-1)), 0);
        assert_eq!(fixed_proportion_to_u16(HALF), 32767);
        assert_eq!(safe_div(ONE, ZERO), ZERO);
        assert_eq!(safe_div(I32F32::max_value(), I32F32::from_bits(1)), ZERO);
        // Division truncates toward zero, multiplication floors toward -inf.
        let third = safe_div(I32F32::from_num(-1), I32F32::from_num(3));
        assert_eq!(third.to_bits(), -((1i64 << 32) / 3));
        let m = I32F32::from_bits(-3).saturating_mul(HALF);
        assert_eq!(m.to_bits(), -2);
    }
}
