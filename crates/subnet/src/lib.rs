//! `cortex-subnet`: a small framework for subnet code on Cortex (or subtensor), and the
//! reference subnet.
//!
//! - [`miner`]: a [`Miner`] answers one synapse; [`run_miner`] serves it on an axon, announces
//!   it on chain and keeps the axon's blacklist in step with the metagraph.
//! - [`validator`]: a [`Validator`] makes tasks and scores answers; [`run_validator`] queries
//!   every miner with an axon each round, keeps moving-average [`scores`], sets weights every
//!   tempo (committing and revealing where the subnet uses commit-reveal), retries, and warns
//!   loudly in its log and its [`metrics`] when its weights go stale.
//! - [`metagraph`]: the metagraph cached and re-synced once a block.
//! - [`digits`]: the reference subnet, handwritten-digit classification with real models on
//!   CPU, offline.
//!
//! Everything talks to the chain through `cortex-client` and to other neurons through
//! `cortex-axon`, so a miner or validator written here interoperates with bittensor's own.

pub mod digits;
pub mod metagraph;
pub mod metrics;
pub mod miner;
pub mod scores;
pub mod validator;

pub use metagraph::{MetagraphCache, MetagraphView, Neuron};
pub use metrics::ValidatorMetrics;
pub use miner::{Miner, MinerConfig, run_miner};
pub use scores::Scores;
pub use validator::{Validator, ValidatorConfig, ValidatorStatus, run_validator};

/// Why subnet code could not run.
#[derive(Debug, thiserror::Error)]
pub enum SubnetError {
    /// The chain could not be read or written.
    #[error(transparent)]
    Client(#[from] cortex_client::ClientError),
    /// The hotkey holds no uid on the subnet.
    #[error(
        "hotkey {hotkey} is not registered on subnet {netuid}: register it first (`cortex register --netuid {netuid}`)"
    )]
    NotRegistered {
        /// The hotkey, ss58.
        hotkey: String,
        /// The subnet.
        netuid: u16,
    },
    /// The axon's address could not be announced.
    #[error("cannot announce the axon at {address} on chain: {source}")]
    Serve {
        /// `ip:port`.
        address: String,
        /// The chain's answer.
        source: cortex_client::ClientError,
    },
    /// The dendrite could not be built.
    #[error(transparent)]
    Dendrite(#[from] cortex_axon::DendriteError),
    /// The axon's server failed.
    #[error("the axon's server failed: {0}")]
    Io(#[from] std::io::Error),
}
