//! Cortex's node: the runtime wrapped in a database, a transaction pool, block production and
//! a JSON-RPC server that speaks Substrate's methods, so that bittensor's own clients (the
//! Python SDK, btcli) and subxt connect to it unchanged.
//!
//! - [`header`]: Substrate-layout block headers and their JSON;
//! - [`pool`]: ready and future queues by nonce, priorities, replacement and limits;
//! - [`bft`]: the chain under a BFT engine: proposals, verification and finalization on
//!   speculative states for blocks not final yet;
//! - [`chain`]: the chain thread: owns the state and the pool, produces and commits blocks,
//!   answers `state_call` through the runtime's facade ([`cortex_runtime::Runtime`]);
//! - [`engine`]: the node's [`engine::Engine`] trait: the dev author, or simplex BFT among a
//!   chain spec's validators;
//! - [`rpc`]: the JSON-RPC methods and subscriptions, with bounds on each request's work;
//! - [`subs`]: subscription notifications, computed once per block for every subscriber;
//! - [`server`]: the RPC listener: connection limits per IP, idle and body timeouts, metrics;
//! - [`check`]: damage checks of the database (blocks against their hashes, state against
//!   its root), also `cortex node check-db`;
//! - [`metrics`]: Prometheus metrics, with Substrate's names;
//! - [`shield`]: the author's MEV-shield key pair and the decryption of shielded transactions;
//! - [`service`]: starting and stopping it all.

pub mod bft;
pub mod chain;
pub mod check;
pub mod engine;
pub mod header;
pub mod metrics;
pub mod pool;
pub mod rpc;
pub mod server;
pub mod service;
pub mod shield;
pub mod subs;

pub use chain::BlockTime;
pub use server::RpcConfig;
pub use service::{Node, NodeConfig, NodeError, start};
