//! `cortex-axon`: bittensor's synapse protocol (spec: `wire.md` §7), wire-compatible with
//! bittensor 10.5.0's Python `Axon` and `Dendrite`.
//!
//! A miner runs an [`Axon`]: an HTTP server where `POST /<SynapseName>` carries a synapse, signed
//! by the caller's hotkey. A validator runs a [`Dendrite`]: it signs synapses and fans them out to
//! the axons the metagraph lists. Decisions the protocol leaves open, and how they are settled:
//!
//! - **Compatibility first.** Header names, the body hash (SHA3-256 over Python's `str()` of the
//!   hashed fields, [`pyrepr`]), the signed messages, the replay windows and the status codes and
//!   messages are bittensor's, so either side can be Python.
//! - **No chain access.** The axon's default blacklist and priority read a [`StakeSnapshot`]
//!   the caller refreshes from the metagraph; this crate never talks to a node.
//! - **Bounded everything.** Bodies have a size limit (413), forwards a worker pool with a bounded
//!   waiting room served by stake (503 when full), handlers the synapse timeout (408), and the
//!   dendrite a connect and a total timeout, so neither side hangs on the other.
//! - **Typed or raw.** Synapses are typed structs implementing [`SynapseBody`], or raw JSON maps
//!   described by a [`SynapseSpec`].

pub mod axon;
pub mod dendrite;
pub mod metrics;
pub mod priority;
pub mod protocol;
pub mod pyrepr;

pub use axon::{
    Axon, AxonConfig, BlacklistFn, ForwardError, PriorityFn, RequestInfo, StakeSnapshot,
};
pub use dendrite::{AxonTarget, Dendrite, DendriteError};
pub use protocol::{PROTOCOL_VERSION, Ping, Synapse, SynapseBody, SynapseSpec, TerminalInfo};
