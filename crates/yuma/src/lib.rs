//! Yuma Consensus: subtensor's epoch as pure functions, bit-exact.
//!
//! Each tempo, a subnet's epoch turns validators' weights and stake into **incentive** for
//! miners, **dividends** for validators, **bonds** carried to the next epoch, new validator
//! permits, and the alpha **emission** of each uid. This crate computes that epoch exactly as
//! subtensor's production (sparse) path does: the same fixed-point types (`substrate-fixed`
//! 0.6.0), the same rounding at every step and the same edge cases, so every output bit matches.
//! `spec/epoch.md` of the project's shared specification is the reference; section numbers in
//! the docs point into it.
//!
//! - [`epoch`]: [`run_epoch`] over an [`EpochInput`], giving an [`EpochOutput`];
//! - [`math`]: the vector and sparse-matrix steps (normalization, κ-median, clipping, EMA);
//! - [`fixed`]: fixed-point conversions and the Taylor-series `exp` of liquid alpha;
//! - [`scenario`]: the JSON scenario format of the golden vectors and its runner.
//!
//! The crate knows nothing of storage, blocks or hotkeys: the runtime reads storage into an
//! input and writes the output back. It never panics: indexing is checked and arithmetic
//! saturating (clippy enforces both), and a degenerate input gives the documented fallback.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)
)]

pub mod epoch;
pub mod fixed;
pub mod math;
pub mod scenario;

pub use epoch::{EpochInput, EpochOutput, EpochParams, run_epoch, total_stake};
pub use math::max_upscale_u16;
pub use scenario::{EpochRecord, Expected, Scenario, ScenarioError};
pub use substrate_fixed::types::{I32F32, I64F64};
