//! The miners' models, trained on the public training split with smartcore.
//!
//! Their quality differs clearly, which is what the network must reveal: on the held-out split
//! k-nearest neighbours is the best, then logistic regression, a small random forest, a decision tree
//! limited to depth 3, and a baseline that always answers the commonest training digit (about
//! one in ten right). `cortex localnet` gives miner *i* model *i* of [`ModelKind::LADDER`].

use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::metrics::distance::euclidian::Euclidian;
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters,
};

use super::data::Sample;
use super::synapse::PIXELS;

/// The kinds of model a miner can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelKind {
    /// k-nearest neighbours, k = 3, Euclidean distance.
    Knn,
    /// A small random forest: 8 trees of depth at most 5.
    RandomForest,
    /// Multinomial logistic regression on intensities scaled to [0, 1].
    LogisticRegression,
    /// One decision tree of depth at most 3.
    DecisionTree,
    /// Always the commonest training digit.
    Baseline,
}

impl ModelKind {
    /// Best first (as measured on the held-out split; see the tests).
    pub const LADDER: [ModelKind; 5] = [
        ModelKind::Knn,
        ModelKind::LogisticRegression,
        ModelKind::RandomForest,
        ModelKind::DecisionTree,
        ModelKind::Baseline,
    ];

    /// Its name on the command line and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Knn => "knn",
            ModelKind::RandomForest => "random-forest",
            ModelKind::LogisticRegression => "logistic-regression",
            ModelKind::DecisionTree => "decision-tree",
            ModelKind::Baseline => "baseline",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<ModelKind> {
        ModelKind::LADDER.into_iter().find(|k| k.name() == name)
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

type Matrix = DenseMatrix<f64>;

enum Trained {
    Knn(KNNClassifier<f64, i32, Matrix, Vec<i32>, Euclidian<f64>>),
    Forest(RandomForestClassifier<f64, i32, Matrix, Vec<i32>>),
    Logistic(LogisticRegression<f64, i32, Matrix, Vec<i32>>),
    Tree(DecisionTreeClassifier<f64, i32, Matrix, Vec<i32>>),
    Constant(u8),
}

/// A trained model.
pub struct Model {
    kind: ModelKind,
    trained: Trained,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("kind", &self.kind).finish()
    }
}

/// Rows as a matrix of f64, scaled by `scale`.
fn matrix(rows: &[Vec<u8>], scale: f64) -> Result<Matrix, String> {
    let values: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| r.iter().map(|v| f64::from(*v) * scale).collect())
        .collect();
    DenseMatrix::from_2d_vec(&values).map_err(|e| format!("cannot build the feature matrix: {e}"))
}

/// Logistic regression converges on intensities in [0, 1]; the others take them raw.
fn scale_of(kind: ModelKind) -> f64 {
    if kind == ModelKind::LogisticRegression {
        1.0 / 16.0
    } else {
        1.0
    }
}

impl Model {
    /// Trains a `kind` model on `train`.
    pub fn train(kind: ModelKind, train: &[Sample]) -> Result<Model, String> {
        if train.is_empty() {
            return Err("no training samples".into());
        }
        let rows: Vec<Vec<u8>> = train.iter().map(|s| s.pixels.clone()).collect();
        let labels: Vec<i32> = train.iter().map(|s| i32::from(s.label)).collect();
        let x = matrix(&rows, scale_of(kind))?;
        let failed = |e: smartcore::error::Failed| format!("training {kind} failed: {e}");
        let trained = match kind {
            ModelKind::Knn => Trained::Knn(
                KNNClassifier::fit(&x, &labels, KNNClassifierParameters::default().with_k(3))
                    .map_err(failed)?,
            ),
            ModelKind::RandomForest => Trained::Forest(
                RandomForestClassifier::fit(
                    &x,
                    &labels,
                    RandomForestClassifierParameters::default()
                        .with_n_trees(8)
                        .with_max_depth(5)
                        .with_seed(7),
                )
                .map_err(failed)?,
            ),
            ModelKind::LogisticRegression => Trained::Logistic(
                LogisticRegression::fit(&x, &labels, LogisticRegressionParameters::default())
                    .map_err(failed)?,
            ),
            ModelKind::DecisionTree => Trained::Tree(
                DecisionTreeClassifier::fit(
                    &x,
                    &labels,
                    DecisionTreeClassifierParameters::default().with_max_depth(3),
                )
                .map_err(failed)?,
            ),
            ModelKind::Baseline => {
                let mut counts = [0usize; 10];
                for s in train {
                    if let Some(c) = counts.get_mut(usize::from(s.label)) {
                        *c += 1;
                    }
                }
                let commonest = (0..10u8)
                    .max_by_key(|d| (counts.get(usize::from(*d)).copied().unwrap_or(0), 255 - d))
                    .unwrap_or(0);
                Trained::Constant(commonest)
            }
        };
        Ok(Model { kind, trained })
    }

    /// Its kind.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// One digit per row of 64 pixels.
    pub fn predict(&self, rows: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(bad) = rows.iter().find(|r| r.len() != PIXELS) {
            return Err(format!("a row has {} pixels, not {PIXELS}", bad.len()));
        }
        if let Trained::Constant(d) = self.trained {
            return Ok(vec![d; rows.len()]);
        }
        let x = matrix(rows, scale_of(self.kind))?;
        let failed = |e: smartcore::error::Failed| format!("{} cannot predict: {e}", self.kind);
        let y: Vec<i32> = match &self.trained {
            Trained::Knn(m) => m.predict(&x).map_err(failed)?,
            Trained::Forest(m) => m.predict(&x).map_err(failed)?,
            Trained::Logistic(m) => m.predict(&x).map_err(failed)?,
            Trained::Tree(m) => m.predict(&x).map_err(failed)?,
            Trained::Constant(d) => vec![i32::from(*d); rows.len()],
        };
        Ok(y.into_iter()
            .map(|v| u8::try_from(v.clamp(0, 9)).unwrap_or(0))
            .collect())
    }

    /// Its accuracy on `samples`.
    pub fn accuracy(&self, samples: &[Sample]) -> Result<f64, String> {
        let rows: Vec<Vec<u8>> = samples.iter().map(|s| s.pixels.clone()).collect();
        let labels: Vec<u8> = samples.iter().map(|s| s.label).collect();
        let p = self.predict(&rows)?;
        Ok(super::synapse::accuracy(&labels, Some(&p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digits::data::split;

    #[test]
    fn the_ladder_is_ordered_by_held_out_accuracy() {
        let s = split();
        let scores: Vec<(ModelKind, f64)> = ModelKind::LADDER
            .iter()
            .map(|k| {
                let m = Model::train(*k, &s.train).unwrap();
                (*k, m.accuracy(&s.holdout).unwrap())
            })
            .collect();
        eprintln!("{scores:?}");
        for w in scores.windows(2) {
            assert!(
                w[0].1 > w[1].1 + 0.02,
                "{} ({:.3}) should beat {} ({:.3}) clearly",
                w[0].0,
                w[0].1,
                w[1].0,
                w[1].1
            );
        }
        assert!(scores[0].1 > 0.95, "{scores:?}");
        assert!(scores[4].1 < 0.2, "{scores:?}");
        for k in ModelKind::LADDER {
            assert_eq!(ModelKind::parse(k.name()), Some(k));
        }
    }
}
