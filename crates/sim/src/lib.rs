//! `cortex-sim`: the incentive-integrity simulator.
//!
//! It answers the critics' questions about Bittensor (can validators copy each other's weights,
//! collude, or flood a subnet with sybils, and still earn?) with numbers from the chain's own
//! epoch: every tempo goes through [`cortex_yuma::run_epoch`], bit-exact with subtensor, with a
//! new subnet's parameters unless a scenario changes them. Around it are agents: miners whose
//! true quality drifts, jumps or arrives late, and validators that are honest (noisy),
//! copiers, cabals, lazy, or an attack strategy; commit-reveal delays what they set.
//!
//! - [`scenario`]: the JSON scenario format (documented in the crate's README);
//! - [`engine`]: the loop over tempos;
//! - [`agents`]: how each behaviour scores miners;
//! - [`metrics`]: G, cabal shares, honest dividend share, Nakamoto coefficients, overtakes,
//!   sybil profit, and the counterfactual runs they need;
//! - [`experiments`]: the standard experiments behind `cortex sim copier`, `cabal`,
//!   `late-miner`, `sybil`, `concentration`, `attack` and `sweep`;
//! - [`consensus`]: subtensor's consensus-guarantee map (`cortex sim consensus-map`);
//! - [`burn`]: the registration price rule;
//! - [`report`]: the markdown report with SVG figures (`cortex sim report`);
//! - [`rng`]: seeded, portable randomness.
//!
//! Everything is seeded: one seed gives one JSON document, byte for byte, whatever the number of
//! threads (sweeps run on rayon and collect in input order). Agents and metrics use floats;
//! the epoch is the chain's fixed point.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)
)]

pub mod agents;
pub mod burn;
pub mod consensus;
pub mod engine;
pub mod error;
pub mod experiments;
pub mod metrics;
pub mod report;
pub mod rng;
pub mod scenario;

pub use error::SimError;
pub use metrics::{Simulation, Summary, simulate};
pub use scenario::Scenario;
