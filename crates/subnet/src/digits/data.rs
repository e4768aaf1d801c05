//! The labelled data: smartcore's copy of the UCI handwritten digits, split once.
//!
//! The split is a fixed-seed shuffle, so every miner, validator and `localnet` in every
//! language sees the same two parts: 1,297 training samples and 500 held out.

use serde::{Deserialize, Serialize};

use super::SplitMix;

/// The seed of the split.
pub const SPLIT_SEED: u64 = 0x0000_C047_E8D1_6175;
/// Samples held out for validators.
pub const HOLDOUT: usize = 500;

/// One labelled image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// 64 intensities 0–16, row-major.
    pub pixels: Vec<u8>,
    /// The digit.
    pub label: u8,
}

/// The two parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// What miners learn from.
    pub train: Vec<Sample>,
    /// What validators ask about.
    pub holdout: Vec<Sample>,
}

/// Every sample of the dataset, in its order.
pub fn all_samples() -> Vec<Sample> {
    let d = smartcore::dataset::digits::load_dataset();
    let width = d.num_features.max(1);
    d.data
        .chunks_exact(width)
        .zip(d.target.iter())
        .map(|(row, label)| Sample {
            // Intensities are small integers stored as f32: exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            pixels: row
                .iter()
                .map(|v| v.round().clamp(0.0, 16.0) as u8)
                .collect(),
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            label: label.round().clamp(0.0, 9.0) as u8,
        })
        .collect()
}

/// The split (a Fisher–Yates shuffle with [`SPLIT_SEED`], the last [`HOLDOUT`] held out).
pub fn split() -> Split {
    let mut samples = all_samples();
    let mut rng = SplitMix::new(SPLIT_SEED);
    for i in (1..samples.len()).rev() {
        let j = rng.below(i + 1);
        samples.swap(i, j);
    }
    let at = samples.len().saturating_sub(HOLDOUT);
    let holdout = samples.split_off(at);
    Split {
        train: samples,
        holdout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_is_fixed_and_disjoint_in_position() {
        let a = split();
        let b = split();
        assert_eq!(a, b);
        assert_eq!(a.train.len() + a.holdout.len(), 1_797);
        assert_eq!(a.holdout.len(), HOLDOUT);
        assert!(a.train.iter().all(|s| s.pixels.len() == 64 && s.label <= 9));
        // Every digit is in both parts.
        for d in 0..10u8 {
            assert!(a.train.iter().any(|s| s.label == d));
            assert!(a.holdout.iter().any(|s| s.label == d));
        }
    }
}
