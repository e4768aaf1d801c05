//! Seeded randomness: one portable stream per scenario, split into independent child streams.
//!
//! Every draw of the simulator comes from [`SimRng`], a ChaCha8 stream. ChaCha8 is specified
//! bit for bit, so a seed means the same draws on every platform and with every build, which is
//! what makes `--seed S` reproduce a JSON document byte for byte. Floats are built from the raw
//! 64-bit words here rather than through a distribution crate, so no library update can change
//! them either.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// The simulator's random stream.
#[derive(Clone, Debug)]
pub struct SimRng {
    inner: ChaCha8Rng,
}

/// SplitMix64's finalizer: spreads consecutive seeds over the whole 64-bit space, so that the
/// streams of seeds 1, 2, 3 … are unrelated.
pub fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of the `index`-th child of `seed` (sweep items, repetitions, streams of one run).
pub fn child_seed(seed: u64, index: u64) -> u64 {
    mix(mix(seed) ^ mix(index.wrapping_add(0x5851_F42D_4C95_7F2D)))
}

impl SimRng {
    /// A stream for `seed`.
    pub fn new(seed: u64) -> SimRng {
        SimRng {
            inner: ChaCha8Rng::seed_from_u64(mix(seed)),
        }
    }

    /// A raw 64-bit word.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in [0, 1), with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        // 2^-53: the spacing of doubles in [0.5, 1).
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in [0, n) (0 when n is 0), by Lemire's multiply-shift: the bias is below
    /// 2^-32 for every n the simulator uses.
    pub fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()).wrapping_mul(u128::from(n));
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// A standard normal draw (Box–Muller; one of the pair is used, which keeps the stream
    /// position independent of caching).
    pub fn normal(&mut self) -> f64 {
        // 1 − u is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A Pareto draw with scale 1 and shape `alpha` (heavy-tailed stake).
    pub fn pareto(&mut self, alpha: f64) -> f64 {
        let u = 1.0 - self.uniform();
        if alpha <= 0.0 {
            return 1.0;
        }
        u.powf(-1.0 / alpha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(SimRng::new(7).next_u64(), SimRng::new(8).next_u64());
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut r = SimRng::new(1);
        let xs: Vec<f64> = (0..200_000).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = SimRng::new(3);
        for n in [1u64, 2, 7, 1000] {
            for _ in 0..1000 {
                assert!(r.below(n) < n);
            }
        }
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn child_seeds_differ() {
        let seeds: std::collections::BTreeSet<u64> = (0..1000).map(|i| child_seed(5, i)).collect();
        assert_eq!(seeds.len(), 1000);
    }
}
