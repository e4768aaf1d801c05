//! The neuron registration price, by subtensor's live rule (`spec/economy.md` §5.1–5.2).
//!
//! A burned registration pays the subnet's current `Burn`; right after it the price becomes
//! `clamp(Burn × BurnIncreaseMult, MinBurn, MaxBurn)` (a U64F64 product, truncated). At the start
//! of every block (from block 2 on) it decays: `Burn = clamp((Burn × f) >> 32, MinBurn, MaxBurn)`,
//! where `f` is the largest Q32 number below 1 whose `BurnHalfLife`-th power (by truncating Q32
//! squaring) is at most ½. Registrations made in the same block all see that block's price, each
//! raised by the previous one. The defaults are a new subnet's: 1 TAO, ×1.26, half-life 360
//! blocks, clamped to [0.0005, 100] TAO.
//!
//! The simulator cannot link the runtime (it depends on the epoch crate only), so the rule is
//! restated here on plain integers; the tests pin it to the spec's exact numbers.

use serde::{Deserialize, Serialize};

/// Rao per TAO (and per alpha): amounts are u64 in 10^-9 units, as on chain.
pub const RAO_PER_TAO: u64 = 1_000_000_000;

/// 1.0 in Q32.
const ONE_Q32: u64 = 1 << 32;

/// `U64F64::from_num(1.26)` as raw bits: the double nearest 1.26, converted exactly, so that
/// 1 TAO becomes exactly 1.26 TAO (`spec/economy.md` §9.3).
pub const DEFAULT_INCREASE_MULT_BITS: u128 = 23_242_897_532_874_035_200;

/// The registration price rule of one subnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BurnRule {
    /// Price of the next registration, rao (`Burn`).
    pub initial_burn: u64,
    /// `BurnIncreaseMult` as U64F64 bits (1.26 by default).
    pub increase_mult_bits: u128,
    /// `BurnHalfLife` in blocks (0: no decay).
    pub half_life: u16,
    /// `MinBurn`, rao.
    pub min_burn: u64,
    /// `MaxBurn`, rao.
    pub max_burn: u64,
}

impl Default for BurnRule {
    fn default() -> Self {
        BurnRule {
            initial_burn: RAO_PER_TAO,
            increase_mult_bits: DEFAULT_INCREASE_MULT_BITS,
            half_life: 360,
            min_burn: 500_000,
            max_burn: 100u64.saturating_mul(RAO_PER_TAO),
        }
    }
}

/// `value × factor` for a Q32 factor, truncated and saturated.
fn mul_q32(value: u64, factor: u64) -> u64 {
    let wide = u128::from(value).saturating_mul(u128::from(factor)) >> 32;
    u64::try_from(wide).unwrap_or(u64::MAX)
}

/// `base^exp` in Q32, square-and-multiply with a truncation after each product.
fn pow_q32(base: u64, exp: u16) -> u64 {
    let (mut acc, mut sq, mut e) = (ONE_Q32, base, exp);
    while e > 0 {
        if e & 1 == 1 {
            acc = mul_q32(acc, sq);
        }
        e >>= 1;
        if e > 0 {
            sq = mul_q32(sq, sq);
        }
    }
    acc
}

/// The per-block decay factor of a half-life in Q32 (1.0 for a half-life of 0).
pub fn decay_factor_q32(half_life: u16) -> u64 {
    if half_life == 0 {
        return ONE_Q32;
    }
    let half = ONE_Q32 >> 1;
    let (mut lo, mut hi) = (0u64, ONE_Q32);
    // Invariant: pow(lo) ≤ ½ < pow(hi).
    while lo.saturating_add(1) < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
        if pow_q32(mid, half_life) > half {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

impl BurnRule {
    fn clamp(&self, burn: u64) -> u64 {
        burn.max(self.min_burn).min(self.max_burn)
    }

    /// The price after one more block (`block` is the new block's number).
    pub fn after_block(&self, burn: u64, block: u64) -> u64 {
        if self.half_life == 0 || block <= 1 {
            return self.clamp(burn);
        }
        self.clamp(mul_q32(burn, decay_factor_q32(self.half_life)))
    }

    /// The price after a registration at `burn`.
    pub fn after_registration(&self, burn: u64) -> u64 {
        // The multiplier is forced to at least 1, as on chain.
        let mult = self.increase_mult_bits.max(1u128 << 64);
        let raised = u128::from(burn).saturating_mul(mult) >> 64;
        self.clamp(u64::try_from(raised).unwrap_or(u64::MAX))
    }

    /// The price of each of `k` registrations made one every `blocks_apart` blocks (0: all in
    /// one block), starting at block `start_block` with the price `self.initial_burn`.
    pub fn prices(&self, k: usize, start_block: u64, blocks_apart: u64) -> Vec<u64> {
        let decay = decay_factor_q32(self.half_life);
        let mut burn = self.clamp(self.initial_burn);
        let mut block = start_block;
        let mut out = Vec::with_capacity(k);
        for m in 0..k {
            if m > 0 {
                for _ in 0..blocks_apart {
                    block = block.saturating_add(1);
                    if self.half_life > 0 && block > 1 {
                        burn = self.clamp(mul_q32(burn, decay));
                    }
                }
            }
            out.push(burn);
            burn = self.after_registration(burn);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_factors_match_the_spec() {
        for (hl, f) in [
            (1u16, 2_147_483_648u64),
            (2, 3_037_000_500),
            (10, 4_007_346_185),
            (100, 4_265_299_790),
            (360, 4_286_705_684),
            (1000, 4_291_991_283),
            (7200, 4_294_553_838),
            (36_100, 4_294_884_830),
        ] {
            assert_eq!(decay_factor_q32(hl), f, "half-life {hl}");
        }
    }

    #[test]
    fn decay_examples_match_the_spec() {
        let rule = BurnRule {
            min_burn: 0,
            max_burn: u64::MAX,
            ..BurnRule::default()
        };
        assert_eq!(rule.after_block(RAO_PER_TAO, 2), 998_076_443);
        let mut b = RAO_PER_TAO;
        for block in 2..362 {
            b = rule.after_block(b, block);
        }
        assert_eq!(b, 499_999_865);
    }

    #[test]
    fn registration_examples_match_the_spec() {
        // HL 1000, mult 2, burn 1000 → register → 2000 → next block 1998.
        let rule = BurnRule {
            initial_burn: 1000,
            increase_mult_bits: 2u128 << 64,
            half_life: 1000,
            min_burn: 0,
            max_burn: u64::MAX,
        };
        let after = rule.after_registration(1000);
        assert_eq!(after, 2000);
        assert_eq!(rule.after_block(after, 10), 1998);
        // The default multiplier makes 1 TAO exactly 1.26 TAO.
        assert_eq!(
            BurnRule::default().after_registration(RAO_PER_TAO),
            1_260_000_000
        );
        // Clamps: HL 1, mult 2, min 100 000, max 150 000, burn 1.
        let rule = BurnRule {
            initial_burn: 1,
            increase_mult_bits: 2u128 << 64,
            half_life: 1,
            min_burn: 100_000,
            max_burn: 150_000,
        };
        let b = rule.after_block(1, 5);
        assert_eq!(b, 100_000);
        let b = rule.after_registration(b);
        assert_eq!(b, 150_000);
        assert_eq!(rule.after_block(b, 6), 100_000);
    }

    #[test]
    fn prices_rise_by_the_multiplier_and_stop_at_max_burn() {
        let p = BurnRule::default().prices(25, 100, 0);
        assert_eq!(p[0], RAO_PER_TAO);
        assert_eq!(p[1], 1_260_000_000);
        assert!(p.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*p.last().unwrap(), 100 * RAO_PER_TAO);
        // One block apart, the decay of one block shows.
        let q = BurnRule::default().prices(2, 100, 1);
        assert_eq!(q[1], 1_257_576_318);
    }
}
