//! Registration prices: the neuron burn (per subnet) and the subnet lock cost (global).
//!
//! **Burn.** Registering a neuron costs the subnet's `Burn`. Every registration multiplies it by
//! `BurnIncreaseMult` (default 1.26); every block it decays with a half-life of `BurnHalfLife`
//! blocks (default 360), through a per-block factor in Q32 fixed point; it always stays within
//! `[MinBurn, MaxBurn]`. So the price answers demand: a burst of registrations pushes it up, a
//! quiet period brings it back down.
//!
//! **Lock cost.** Registering a subnet locks TAO: right after a registration that locked `L`,
//! the next costs `2L`, decaying linearly back to `L` over the lock-reduction interval (which
//! shortens with every emission halving) and further down to the floor `NetworkMinLockCost`.

use substrate_fixed::types::{I64F64, U64F64};

/// 1.0 in Q32.
const ONE_Q32: u64 = 1 << 32;

/// Subtensor's default `BurnIncreaseMult`, `U64F64::from_num(1.26)`: the f64 nearest to 1.26
/// (slightly above it) converted exactly, so 1 TAO becomes exactly 1.26 TAO. Kept as raw bits
/// because the runtime does not use floats.
pub const DEFAULT_BURN_INCREASE_MULT: U64F64 = U64F64::from_bits(23_242_897_532_874_035_200);

/// `value × factor` for a Q32 `factor`, truncated, clamped to `u64::MAX`.
pub fn mul_by_q32(value: u64, factor_q32: u64) -> u64 {
    let product = u128::from(value).saturating_mul(u128::from(factor_q32)) >> 32;
    u64::try_from(product).unwrap_or(u64::MAX)
}

/// `base^exp` in Q32 by squaring, each product truncated.
pub fn pow_q32(base_q32: u64, exp: u16) -> u64 {
    let mut result = ONE_Q32;
    let mut factor = base_q32;
    let mut power = u32::from(exp);
    while power > 0 {
        if power & 1 == 1 {
            result = mul_by_q32(result, factor);
        }
        power >>= 1;
        if power > 0 {
            factor = mul_by_q32(factor, factor);
        }
    }
    result
}

/// The per-block decay factor of a half-life: the largest Q32 `f < 1` with `f^half_life ≤ ½`
/// (as [`pow_q32`] computes it), found by bisection. A half-life of 0 means no decay (1.0).
pub fn decay_factor_q32(half_life: u16) -> u64 {
    if half_life == 0 {
        return ONE_Q32;
    }
    let half = ONE_Q32 >> 1;
    let (mut lo, mut hi) = (0u64, ONE_Q32);
    while lo.saturating_add(1) < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) >> 1);
        if pow_q32(mid, half_life) > half {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// The burn after one block: decayed (from block 2 on, when the half-life is not 0), then
/// clamped to `[min_burn, max_burn]`.
pub fn burn_after_block(
    burn: u64,
    half_life: u16,
    min_burn: u64,
    max_burn: u64,
    block: u64,
) -> u64 {
    let decayed = if half_life > 0 && block > 1 {
        mul_by_q32(burn, decay_factor_q32(half_life))
    } else {
        burn
    };
    clamp_burn(decayed, min_burn, max_burn)
}

/// The burn after a registration: times `increase_mult` (at least 1; U64F64 product, truncated),
/// clamped to `[min_burn, max_burn]`.
pub fn burn_after_registration(
    burn: u64,
    increase_mult: U64F64,
    min_burn: u64,
    max_burn: u64,
) -> u64 {
    let mult = increase_mult.max(U64F64::from_num(1));
    let raised = U64F64::saturating_from_num(burn)
        .saturating_mul(mult)
        .saturating_to_num::<u64>();
    clamp_burn(raised, min_burn, max_burn)
}

/// `min_burn` first, then `max_burn` (so a misconfigured `min > max` yields `max`, as on chain).
fn clamp_burn(burn: u64, min_burn: u64, max_burn: u64) -> u64 {
    burn.max(min_burn).min(max_burn)
}

/// The lock-reduction interval in effect: `⌊interval × block_emission / 10^9⌋` (I64F64), so it
/// halves with every TAO emission halving.
pub fn lock_reduction_interval(interval: u64, block_emission: u64) -> u64 {
    let halving = I64F64::saturating_from_num(block_emission)
        .checked_div(I64F64::saturating_from_num(1_000_000_000u64))
        .unwrap_or_default();
    I64F64::saturating_from_num(interval)
        .saturating_mul(halving)
        .saturating_to_num::<u64>()
}

/// The TAO a subnet registration must lock now.
///
/// `last_lock` is what the previous registration locked, `last_lock_block` when (0: never),
/// `reduction_interval` the effective interval of [`lock_reduction_interval`]:
/// `max(min_lock, last_lock × (1 or 2) − ⌊last_lock / interval⌋ × (now − last_lock_block))`.
pub fn network_lock_cost(
    last_lock: u64,
    min_lock: u64,
    last_lock_block: u64,
    reduction_interval: u64,
    now: u64,
) -> u64 {
    let mult = if last_lock_block == 0 { 1 } else { 2 };
    let per_block = last_lock.checked_div(reduction_interval).unwrap_or(0);
    let reduction = per_block.saturating_mul(now.saturating_sub(last_lock_block));
    last_lock
        .saturating_mul(mult)
        .saturating_sub(reduction)
        .max(min_lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec/economy.md §5.2: exact factors.
    #[test]
    fn decay_factors_match_subtensor() {
        let expected = [
            (1u16, 2_147_483_648u64),
            (2, 3_037_000_500),
            (10, 4_007_346_185),
            (100, 4_265_299_790),
            (360, 4_286_705_684),
            (1000, 4_291_991_283),
            (7200, 4_294_553_838),
            (36_100, 4_294_884_830),
        ];
        for (hl, f) in expected {
            assert_eq!(decay_factor_q32(hl), f, "half-life {hl}");
        }
        assert_eq!(decay_factor_q32(0), ONE_Q32);
    }

    #[test]
    fn burn_decays_with_its_half_life() {
        // spec §5.2: 1 TAO → 998 076 443 after one block, 499 999 865 after 360.
        let (min, max) = (0, u64::MAX);
        let mut burn = 1_000_000_000u64;
        burn = burn_after_block(burn, 360, min, max, 2);
        assert_eq!(burn, 998_076_443);
        for block in 3..=361 {
            burn = burn_after_block(burn, 360, min, max, block);
        }
        assert_eq!(burn, 499_999_865);
        // Block 1 never decays.
        assert_eq!(burn_after_block(1000, 360, min, max, 1), 1000);
    }

    /// spec §9.3, registration tests.
    #[test]
    fn registration_goldens() {
        let two = U64F64::from_num(2);
        // HL 1 000, mult 2, burn 1 000 → register → 2 000 → next block 1 998.
        let burn = burn_after_registration(1_000, two, 0, u64::MAX);
        assert_eq!(burn, 2_000);
        assert_eq!(burn_after_block(burn, 1_000, 0, u64::MAX, 10), 1_998);
        // HL 2, burn 1 024 → 724 → 511 → … → 255 after two more blocks.
        let mut b = 1_024;
        let mut seen = Vec::new();
        for block in 2..6 {
            b = burn_after_block(b, 2, 0, u64::MAX, block);
            seen.push(b);
        }
        assert_eq!(seen[0], 724);
        assert_eq!(seen[1], 511);
        assert_eq!(seen[3], 255);
        // HL 1, mult 2, min 100 000, max 150 000, burn 1 → 100 000 → register → 150 000 → 100 000.
        let b = burn_after_block(1, 1, 100_000, 150_000, 2);
        assert_eq!(b, 100_000);
        let b = burn_after_registration(b, two, 100_000, 150_000);
        assert_eq!(b, 150_000);
        let b = burn_after_block(b, 1, 100_000, 150_000, 3);
        assert_eq!(b, 100_000);
        assert_eq!(burn_after_block(b, 1, 100_000, 150_000, 4), 100_000);
        // A multiplier below 1 counts as 1; the default 1.26 on 1 TAO.
        assert_eq!(
            burn_after_registration(1_000, U64F64::from_num(0.5), 0, u64::MAX),
            1_000
        );
        let default_mult = U64F64::from_num(126) / U64F64::from_num(100);
        assert_eq!(
            burn_after_registration(1_000_000_000, default_mult, 0, u64::MAX),
            1_259_999_999
        );
    }

    /// spec §4.1 and §9.3: lock cost.
    #[test]
    fn lock_cost_goldens() {
        // L = 2 000 TAO, N_eff = 57 600, 7 200 blocks after the last registration.
        let l = 2_000_000_000_000u64;
        assert_eq!(
            network_lock_cost(l, 1_000_000_000_000, 100, 57_600, 7_300),
            3_750_000_001_600
        );
        // The mock at block 1: L = M = 100 TAO, never registered (B = 0), interval 2: clamped.
        let m = 100_000_000_000u64;
        assert_eq!(network_lock_cost(m, m, 0, 2, 1), m);
        // Right after a registration the price doubles; it decays back to L, then to the floor.
        assert_eq!(network_lock_cost(l, 0, 500, 1_000, 500), 2 * l);
        assert_eq!(network_lock_cost(l, 0, 500, 1_000, 1_500), l);
        assert_eq!(network_lock_cost(l, 7, 500, 1_000, 10_000), 7);
        // The interval halves with the emission; a zero interval means no reduction.
        assert_eq!(lock_reduction_interval(100_800, 1_000_000_000), 100_800);
        assert_eq!(lock_reduction_interval(100_800, 500_000_000), 50_400);
        assert_eq!(lock_reduction_interval(100_800, 0), 0);
        assert_eq!(network_lock_cost(l, 0, 500, 0, 10_000), 2 * l);
    }
}
