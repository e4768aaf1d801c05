//! TAO's block emission: 1 TAO per block, halving as issuance approaches the 21M cap.
//!
//! For issuance `I`, subtensor computes `k = ⌊log2(1 / (1 − I / 21e15))⌋` in I96F32 with
//! substrate-fixed's `log2`, then emits `⌊10^9 / 2^k⌋` rao (0 at or above the cap). Halving `k`
//! therefore starts when issuance reaches `21e15 · (1 − 2^−k)`: 10.5M TAO, 15.75M, 18.375M, …
//! The same crate and types are used here, so every threshold falls on the same rao.

use substrate_fixed::transcendental::log2;
use substrate_fixed::types::I96F32;

/// The supply cap: 21 000 000 TAO in rao.
pub const TOTAL_SUPPLY: u64 = 21_000_000_000_000_000;
/// Emission per block before any halving: 1 TAO.
pub const DEFAULT_BLOCK_EMISSION: u64 = 1_000_000_000;

/// Why the emission could not be computed (subtensor returns the same failure as an error and
/// then mints nothing that block).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("block emission: the halving logarithm could not be computed")]
pub struct EmissionError;

/// Rao emitted by the next block at total issuance `issuance`.
pub fn block_emission_for_issuance(issuance: u64) -> Result<u64, EmissionError> {
    let issuance = I96F32::saturating_from_num(issuance);
    if issuance >= I96F32::saturating_from_num(TOTAL_SUPPLY) {
        return Ok(0);
    }
    let one = I96F32::saturating_from_num(1);
    let half_supply_doubled = I96F32::saturating_from_num(2)
        .saturating_mul(I96F32::saturating_from_num(10_500_000_000_000_000u64));
    let share = issuance
        .checked_div(half_supply_doubled)
        .ok_or(EmissionError)?;
    let remaining = one.checked_sub(share).ok_or(EmissionError)?;
    let inverse = one.checked_div(remaining).ok_or(EmissionError)?;
    let residual: I96F32 = log2(inverse).map_err(|()| EmissionError)?;
    let halvings = residual.floor().saturating_to_num::<u64>();
    let mut multiplier = one;
    for _ in 0..halvings {
        multiplier = multiplier.saturating_mul(I96F32::saturating_from_num(2));
    }
    let fraction = one.checked_div(multiplier).unwrap_or_default();
    Ok(fraction
        .saturating_mul(I96F32::saturating_from_num(DEFAULT_BLOCK_EMISSION))
        .saturating_to_num::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec/economy.md §1.2: the golden table, thresholds exact to the rao.
    #[test]
    fn golden_emission_table() {
        let table: &[(u64, u64)] = &[
            (0, 1_000_000_000),
            (10_499_999_999_999_999, 1_000_000_000),
            (10_500_000_000_000_000, 500_000_000),
            (15_749_999_999_999_999, 500_000_000),
            (15_750_000_000_000_000, 250_000_000),
            (18_375_000_000_000_000, 125_000_000),
            (19_687_500_000_000_000, 62_500_000),
            (20_343_750_000_000_000, 31_250_000),
            (20_671_875_000_000_000, 15_625_000),
            (20_835_937_500_000_000, 7_812_500),
            (20_917_968_750_000_000, 3_906_250),
            (20_958_984_375_000_000, 1_953_125),
            (20_979_492_187_500_000, 976_562),
            (20_989_746_093_750_000, 488_281),
            (20_994_873_046_875_000, 244_140),
            (20_999_999_000_000_000, 59),
            (20_999_999_999_999_999, 0),
            (21_000_000_000_000_000, 0),
            (u64::MAX, 0),
        ];
        for &(issuance, emission) in table {
            assert_eq!(
                block_emission_for_issuance(issuance),
                Ok(emission),
                "issuance {issuance}"
            );
        }
    }

    #[test]
    fn emission_never_increases_with_issuance() {
        let mut last = u64::MAX;
        let mut issuance = 0u64;
        while issuance < TOTAL_SUPPLY {
            let e = block_emission_for_issuance(issuance).unwrap();
            assert!(e <= last, "emission rose at {issuance}");
            last = e;
            issuance += 97_000_000_000_000;
        }
    }
}
