//! Cortex's Rust SDK: everything a program needs to use a Bittensor chain (Cortex's or
//! subtensor's) without Python.
//!
//! - [`rpc`]: a JSON-RPC client over WebSocket that never leaves a caller waiting forever: every
//!   request has a timeout, a dropped connection is re-established with backoff, and a watch
//!   interrupted by a reconnect resumes by looking for its extrinsic in the blocks it missed.
//! - [`tx`]: extrinsics built and signed with the runtime's own call types, nonces managed for
//!   several transactions in flight, inclusion or finality awaited, events decoded into success
//!   or a typed [`ChainError`] that names the pallet, the error and its docs.
//! - [`query`]: typed reads through the runtime APIs (one `state_call` where one answers):
//!   balances, subnets, hyperparameters, neurons and the metagraph, stakes, delegates.
//! - [`wallet`]: bittensor-wallet 4.x's wallets and keyfiles (`$NACL` secretbox, argon2i).
//! - [`weights`]: weights scaled as bittensor sends them, commit-reveal's salt and reveal epoch.

pub mod chain;
pub mod error;
pub mod query;
pub mod rpc;
pub mod tx;
pub mod wallet;
pub mod weights;

pub use chain::{ChainIdentity, Client, FinalizedBlock, FinalizedHeads, HeaderInfo};
pub use error::{ChainError, ClientError};
pub use query::EpochCountdown;
pub use rpc::{Rpc, RpcConfig};
pub use tx::{Included, SignedTx, TxOptions, Wait};

pub use cortex_primitives::{AccountId32, NetUid, Sr25519Pair};
/// The storage keys of the items clients read directly.
pub use cortex_runtime::keys;
/// The runtime's wire types (calls, events, runtime-API answers), re-exported so that programs
/// on this SDK build calls without depending on the runtime crate themselves.
pub use cortex_runtime::types;
