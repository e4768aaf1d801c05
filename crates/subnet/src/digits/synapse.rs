//! The `DigitClassify` synapse.
//!
//! | field | type (Python) | set by | hashed |
//! |---|---|---|---|
//! | `pixels` | `list[list[int]]` | validator: rows of 64 intensities 0–16, row-major 8×8 | yes |
//! | `predictions` | `Optional[list[int]]` | miner: one digit 0–9 per row | no |
//!
//! Pixels are integers so that the body hash (SHA3-256 over Python's `str()` of the hashed
//! fields) is the same in every language: no float formatting is involved.

use cortex_axon::SynapseBody;
use serde::{Deserialize, Serialize};

/// Pixels per image (8×8).
pub const PIXELS: usize = 64;
/// The largest intensity.
pub const MAX_INTENSITY: u8 = 16;
/// The most rows one request may carry.
pub const MAX_ROWS: usize = 1024;

/// Classify these digits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DigitClassify {
    /// Images, one row of 64 intensities each.
    pub pixels: Vec<Vec<u8>>,
    /// The miner's answer: one digit per row.
    #[serde(default)]
    pub predictions: Option<Vec<u8>>,
}

impl SynapseBody for DigitClassify {
    const NAME: &'static str = "DigitClassify";
    const REQUIRED_HASH_FIELDS: &'static [&'static str] = &["pixels"];
    const REQUIRED_FIELDS: &'static [&'static str] = &["pixels"];
}

/// Checks a request's pixels: at most [`MAX_ROWS`] rows of [`PIXELS`] values up to
/// [`MAX_INTENSITY`].
pub fn check_pixels(pixels: &[Vec<u8>]) -> Result<(), String> {
    if pixels.len() > MAX_ROWS {
        return Err(format!(
            "{} rows in one request; at most {MAX_ROWS}",
            pixels.len()
        ));
    }
    for (i, row) in pixels.iter().enumerate() {
        if row.len() != PIXELS {
            return Err(format!(
                "row {i} has {} pixels; every row has {PIXELS} (8×8, row-major)",
                row.len()
            ));
        }
        if let Some(v) = row.iter().find(|v| **v > MAX_INTENSITY) {
            return Err(format!(
                "row {i} has intensity {v}; intensities are 0 to {MAX_INTENSITY}"
            ));
        }
    }
    Ok(())
}

/// The fraction of `labels` that `predictions` gets right; 0 for a missing answer or one of
/// the wrong length (a miner cannot earn by answering fewer rows).
pub fn accuracy(labels: &[u8], predictions: Option<&[u8]>) -> f64 {
    let Some(p) = predictions else { return 0.0 };
    if labels.is_empty() || p.len() != labels.len() {
        return 0.0;
    }
    let right = labels.iter().zip(p).filter(|(a, b)| a == b).count();
    #[allow(clippy::cast_precision_loss)]
    let score = right as f64 / labels.len() as f64;
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_are_checked_and_answers_scored() {
        assert!(check_pixels(&[vec![0; 64], vec![16; 64]]).is_ok());
        assert!(
            check_pixels(&[vec![0; 63]])
                .unwrap_err()
                .contains("row 0 has 63 pixels")
        );
        assert!(
            check_pixels(&[vec![17; 64]])
                .unwrap_err()
                .contains("intensity 17")
        );
        assert_eq!(accuracy(&[1, 2, 3, 4], Some(&[1, 2, 0, 4])), 0.75);
        assert_eq!(accuracy(&[1, 2], Some(&[1])), 0.0);
        assert_eq!(accuracy(&[1, 2], None), 0.0);
    }
}
