//! Validators' weight-setting behaviours, as float scores per miner.
//!
//! Agents work in floats: they model people and their evaluation noise, not the chain. What
//! they produce goes to the chain the way a validator's client sends it: u16 values, then the
//! chain's own max-upscaling ([`to_chain_row`]), and from there on everything is the epoch's
//! fixed point.

use crate::rng::SimRng;
use cortex_yuma::max_upscale_u16;

/// A stored weight row: `(miner uid, u16)`.
pub type Row = Vec<(u16, u16)>;

/// What one validator can see of the miners in a tempo.
pub struct MinerView<'a> {
    /// Uid of each miner, in miner order.
    pub uids: &'a [u16],
    /// True quality of each miner now (0 for an idle uid).
    pub quality: &'a [f64],
    /// Tempos since each miner registered (`None`: not registered yet, an idle uid).
    pub age: &'a [Option<u32>],
}

/// Honest scores: quality times `max(0, 1 + σ·z)` for registered miners seen for at least
/// `discovery_lag` tempos, 0 otherwise. Exactly one normal draw per miner is taken whatever
/// the outcome, so every run with the same seed consumes the stream identically (this keeps
/// counterfactual runs on common random numbers).
pub fn honest_scores(
    view: &MinerView,
    noise: f64,
    discovery_lag: u32,
    rng: &mut SimRng,
) -> Vec<f64> {
    view.quality
        .iter()
        .zip(view.age.iter())
        .map(|(q, age)| {
            let z = rng.normal();
            match age {
                Some(a) if *a >= discovery_lag => q * (1.0 + noise * z).max(0.0),
                _ => 0.0,
            }
        })
        .collect()
}

/// Scores scaled to sum to 1 (all zeros stay zeros).
pub fn normalized(scores: &[f64]) -> Vec<f64> {
    let sum: f64 = scores.iter().filter(|s| s.is_finite() && **s > 0.0).sum();
    if sum <= 0.0 {
        return vec![0.0; scores.len()];
    }
    scores
        .iter()
        .map(|s| {
            if s.is_finite() && *s > 0.0 {
                s / sum
            } else {
                0.0
            }
        })
        .collect()
}

/// Even weight on the miners flagged in `own` (a cabal's or strategy's own miners).
pub fn own_scores(own: &[bool], view: &MinerView) -> Vec<f64> {
    own.iter()
        .zip(view.age.iter())
        .map(|(o, age)| if *o && age.is_some() { 1.0 } else { 0.0 })
        .collect()
}

/// `(1 − t)·a + t·b` of two normalized score vectors.
pub fn mix(a: &[f64], b: &[f64], t: f64) -> Vec<f64> {
    let (a, b) = (normalized(a), normalized(b));
    let a_empty = a.iter().all(|x| *x == 0.0);
    let b_empty = b.iter().all(|x| *x == 0.0);
    // A side with nothing to give (no own miners, nothing revealed yet) leaves the other whole.
    match (a_empty, b_empty) {
        (true, _) => b,
        (_, true) => a,
        _ => a
            .iter()
            .zip(b.iter())
            .map(|(x, y)| (1.0 - t) * x + t * y)
            .collect(),
    }
}

/// Lazy constant scores: 1 on every registered miner.
pub fn constant_scores(view: &MinerView) -> Vec<f64> {
    view.age
        .iter()
        .map(|a| if a.is_some() { 1.0 } else { 0.0 })
        .collect()
}

/// Lazy random scores: uniform on every registered miner (one draw per miner).
pub fn random_scores(view: &MinerView, rng: &mut SimRng) -> Vec<f64> {
    view.age
        .iter()
        .map(|a| {
            let u = rng.uniform();
            if a.is_some() { u } else { 0.0 }
        })
        .collect()
}

/// Scores to the row a validator's client submits and the chain stores: u16 values scaled so
/// the largest is 65535, zero entries left out, then the chain's max-upscaling.
pub fn to_chain_row(uids: &[u16], scores: &[f64]) -> Row {
    let max = scores
        .iter()
        .copied()
        .filter(|s| s.is_finite())
        .fold(0.0f64, f64::max);
    if max <= 0.0 {
        return Vec::new();
    }
    let (dests, values): (Vec<u16>, Vec<u16>) = uids
        .iter()
        .zip(scores.iter())
        .filter_map(|(uid, s)| {
            // `as` saturates: a value rounding above 65535 cannot occur (s ≤ max), NaN gives 0.
            let v = (s / max * 65_535.0).round() as u16;
            (v > 0).then_some((*uid, v))
        })
        .unzip();
    dests.into_iter().zip(max_upscale_u16(&values)).collect()
}

/// A stored row back to scores over the miners (for copiers), normalized.
pub fn row_to_scores(row: &Row, miner_index: &[Option<usize>], miners: usize) -> Vec<f64> {
    let mut out = vec![0.0; miners];
    for (uid, v) in row {
        if let Some(Some(k)) = miner_index.get(usize::from(*uid))
            && let Some(cell) = out.get_mut(*k)
        {
            *cell += f64::from(*v);
        }
    }
    normalized(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_row_is_max_upscaled_and_sparse() {
        let row = to_chain_row(&[5, 6, 7], &[0.5, 0.0, 1.0]);
        assert_eq!(row, vec![(5, 32768), (7, 65535)]);
        assert!(to_chain_row(&[1], &[0.0]).is_empty());
        assert!(to_chain_row(&[1], &[f64::NAN]).is_empty());
    }

    #[test]
    fn mix_keeps_the_side_that_has_something() {
        assert_eq!(mix(&[1.0, 1.0], &[0.0, 0.0], 0.7), vec![0.5, 0.5]);
        assert_eq!(mix(&[0.0, 0.0], &[0.0, 2.0], 0.3), vec![0.0, 1.0]);
        let m = mix(&[1.0, 0.0], &[0.0, 1.0], 0.25);
        assert!((m[0] - 0.75).abs() < 1e-12 && (m[1] - 0.25).abs() < 1e-12);
    }

    #[test]
    fn honest_scores_skip_undiscovered_and_idle_miners() {
        let mut rng = SimRng::new(1);
        let view = MinerView {
            uids: &[3, 4, 5],
            quality: &[1.0, 2.0, 3.0],
            age: &[Some(10), Some(1), None],
        };
        let s = honest_scores(&view, 0.0, 2, &mut rng);
        assert_eq!(s, vec![1.0, 0.0, 0.0]);
    }
}
