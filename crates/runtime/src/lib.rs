//! Cortex's runtime: the chain's state transition function.
//!
//! It reproduces subtensor's live behaviour (`spec/economy.md` of the shared specification) as a
//! deterministic state machine over a key-value state with Substrate's storage layout, so that
//! clients reading storage through JSON-RPC decode it as they decode subtensor's. The node wraps
//! it; the runtime itself does no I/O, reads no clock and starts no threads. Integers and fixed
//! point only, ordered maps only, checked or saturating arithmetic only.
//!
//! - [`storage`]: the state, transactional layers (a failed call changes nothing) and the state
//!   root; typed storage items with subtensor's prefixes and hashers;
//! - [`emission`]: TAO's block emission with its halvings;
//! - [`balances`]: accounts, transfers, the existential deposit and total issuance;
//! - [`prices`]: the neuron burn and the subnet lock cost;
//! - [`swap`]: the dynamic-TAO pools (weighted Balancer AMM);
//! - [`subtensor`]: SubtensorModule's storage and the epoch run on it;
//! - [`commitments`]: the `Commitments` pallet (neurons' published data).
//! - [`admin`]: AdminUtils' hyperparameter setters and the owner rules (freeze window, rate
//!   limits) they share with SubtensorModule;
//! - [`swap`]: the swap pallet's calls (`set_fee_rate`);
//! - [`extrinsic`]: extrinsic format v4, eras, the signed payload and its signature check;
//! - [`metadata`]: the V15/V14 metadata clients decode everything through;
//! - [`runtime_api`]: the runtime APIs clients call through `state_call`;
//! - [`version`]: the spec name and versions clients sign into extrinsics.
//!
//! This crate is being built in steps (see the project's issues); the modules above are the first.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)
)]

pub mod admin_utils;
pub mod balances;
pub mod call;
pub mod commitments;
pub(crate) mod config;
pub mod event;
pub mod executive;
pub mod extrinsic;
pub mod genesis;
pub mod metadata;
pub mod runtime_api;
pub mod storage;
pub mod subtensor;
pub mod sudo;
pub mod support;
pub mod swap;
pub mod system;
#[cfg(test)]
mod test_support;
pub mod timestamp;
pub mod transaction_payment;
pub mod utility;
pub mod version;
