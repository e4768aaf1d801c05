//! The reference subnet: handwritten-digit classification, real machine learning on CPU.
//!
//! The data is the UCI handwritten digits (1,797 images of 8×8 pixels, intensities 0–16, ten
//! classes) that smartcore ships inside its crate, so nothing is downloaded. It is shuffled
//! with a fixed seed and split once: the **training** part is public (miners learn from it;
//! `cortex localnet export-digits` writes it for programs in other languages), the **held-out**
//! part is what validators ask about ([`data`]).
//!
//! - **Synapse** `DigitClassify` ([`synapse`]): the validator sends `pixels`, a batch of rows of
//!   64 integers; the miner fills `predictions`, one digit per row.
//! - **Miners** ([`models`]) answer with real models of clearly different quality: k-nearest
//!   neighbours, logistic regression, a small random forest, a shallow decision tree and a
//!   majority-class baseline.
//! - **Validators** ([`DigitsValidator`]) draw a batch from their held-out samples each round
//!   and score each answer by its accuracy on the held-out labels.

pub mod data;
pub mod models;
pub mod synapse;

use std::sync::{Arc, Mutex};

use cortex_axon::{ForwardError, Synapse};

use crate::miner::Miner;
use crate::validator::Validator;
pub use data::{Sample, Split};
pub use models::{Model, ModelKind};
pub use synapse::DigitClassify;

/// A miner answering with one trained model.
pub struct DigitsMiner {
    model: Arc<Model>,
}

impl DigitsMiner {
    /// A miner answering with `model`.
    pub fn new(model: Arc<Model>) -> DigitsMiner {
        DigitsMiner { model }
    }

    /// Its model.
    pub fn model(&self) -> &Model {
        &self.model
    }
}

impl Miner for DigitsMiner {
    type Synapse = DigitClassify;

    async fn forward(
        &self,
        request: Synapse<DigitClassify>,
    ) -> Result<DigitClassify, ForwardError> {
        let mut body = request.body;
        synapse::check_pixels(&body.pixels).map_err(|e| ForwardError::status(400, e))?;
        let model = self.model.clone();
        let pixels = std::mem::take(&mut body.pixels);
        // Prediction is CPU work: off the async workers, so the axon keeps accepting.
        let (pixels, predictions) = tokio::task::spawn_blocking(move || {
            let p = model.predict(&pixels);
            (pixels, p)
        })
        .await
        .map_err(|e| ForwardError::internal(format!("the model task failed: {e}")))?;
        body.pixels = pixels;
        body.predictions = Some(predictions.map_err(ForwardError::internal)?);
        Ok(body)
    }
}

/// A small deterministic generator (splitmix64) for drawing batches: validators need no
/// cryptographic randomness, only batches that differ from round to round and from one
/// validator to another.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// Seeded with `seed`.
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    /// Seeded from the operating system.
    pub fn from_os() -> SplitMix {
        use rand_core::RngCore as _;
        SplitMix(rand_core::OsRng.next_u64())
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
        usize::try_from(self.next_u64() % n64).unwrap_or(0)
    }
}

/// A validator asking about its held-out samples.
pub struct DigitsValidator {
    holdout: Vec<Sample>,
    batch: usize,
    rng: Mutex<SplitMix>,
}

impl DigitsValidator {
    /// A validator drawing `batch` samples (with replacement) from `holdout` per round.
    pub fn new(holdout: Vec<Sample>, batch: usize, rng: SplitMix) -> DigitsValidator {
        DigitsValidator {
            holdout,
            batch: batch.max(1),
            rng: Mutex::new(rng),
        }
    }
}

impl Validator for DigitsValidator {
    type Synapse = DigitClassify;
    type Task = Vec<u8>;

    fn task(&self) -> (DigitClassify, Vec<u8>) {
        let mut rng = match self.rng.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let mut pixels = Vec::with_capacity(self.batch);
        let mut labels = Vec::with_capacity(self.batch);
        if !self.holdout.is_empty() {
            for _ in 0..self.batch {
                if let Some(s) = self.holdout.get(rng.below(self.holdout.len())) {
                    pixels.push(s.pixels.clone());
                    labels.push(s.label);
                }
            }
        }
        (
            DigitClassify {
                pixels,
                predictions: None,
            },
            labels,
        )
    }

    fn score(&self, labels: &Vec<u8>, answer: &DigitClassify) -> f64 {
        synapse::accuracy(labels, answer.predictions.as_deref())
    }
}
