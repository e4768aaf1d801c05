//! `cortex-consensus`: Cortex's validators on many machines, under BFT consensus.
//!
//! The engine is commonware's **simplex** (`../shared/notes/dependencies.md` §3): one vote per
//! validator of a fixed authority set, finality in three network hops, and **marshal**
//! delivering finalized blocks in height order with backfill from peers. The chain plugs in
//! through Cortex's own [`Application`] trait (propose, verify, finalize), never through a
//! commonware type, so the engine stays replaceable.
//!
//! - [`block`]: the block consensus agrees on (parent, height, timestamp, the chain's body).
//! - [`app`]: the [`Application`] trait and its adapters to commonware.
//! - [`validator`]: one validator's wiring (simplex, marshal, broadcast, backfill, storage).
//! - [`service`]: a validator on a real machine (tokio runtime, authenticated p2p, gossip).
//! - [`spec`]: chain specs (the authority set and their p2p addresses) and validator key files.

pub mod app;
pub mod block;
pub mod service;
pub mod spec;
pub mod validator;

pub use app::{Application, Halted, Progress};
pub use block::Block;
pub use commonware_cryptography::sha256::Digest;
pub use service::{GossipHandler, GossipSender, Service, ServiceConfig};
pub use spec::{ChainSpec, SpecError};
pub use validator::{Channels, ConsensusError, Timeouts, ValidatorConfig, start_validator};

/// commonware's types the callers of this crate name (keys, runtimes, networks).
pub mod commonware {
    pub use commonware_cryptography::Signer;
    pub use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
    pub use commonware_p2p as p2p;
    pub use commonware_runtime as runtime;
    pub use commonware_utils::ordered::Set;
}
