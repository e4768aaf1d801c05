//! The runtime's calls: `RuntimeCall` with subtensor's pallet indices, call indices, argument
//! names, order and types (`spec/wire.md` §2.3, §2.5; `spec/economy.md` §8).
//!
//! Call bytes are `pallet index ++ call index ++ SCALE(arguments)`. Variant names are the call
//! names clients compose by (through the metadata), hence snake case. Only calls Cortex executes
//! are declared: anything else fails to decode, so a client learns at submission, not after
//! paying a fee, that the chain does not have it.

#![allow(non_camel_case_types)]

pub use crate::admin::AdminUtilsCall;
use crate::dispatch::{MultiAddress, Weight};
pub use crate::swap_pallet::SwapCall;
use codec::{Decode, DecodeLimit, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// How deeply calls may nest (`sudo(batch(sudo(…)))`), as Substrate's `MAX_EXTRINSIC_DEPTH`.
pub const MAX_CALL_DEPTH: u32 = 256;

/// Why call bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallDecodeError {
    /// The bytes are not a call this runtime knows, or are truncated or malformed.
    #[error(
        "could not decode the call: {0}; check the pallet and call indices against the metadata"
    )]
    Malformed(String),
    /// Bytes were left after a complete call.
    #[error("{0} bytes left over after the call; the call's arguments do not match the metadata")]
    TrailingBytes(usize),
}

/// Every call the runtime dispatches.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum RuntimeCall {
    /// `System` (0).
    #[codec(index = 0)]
    System(SystemCall),
    /// `Timestamp` (2).
    #[codec(index = 2)]
    Timestamp(TimestampCall),
    /// `Balances` (5).
    #[codec(index = 5)]
    Balances(BalancesCall),
    /// `SubtensorModule` (7).
    #[codec(index = 7)]
    SubtensorModule(SubtensorCall),
    /// `Utility` (11).
    #[codec(index = 11)]
    Utility(UtilityCall),
    /// `Sudo` (12).
    #[codec(index = 12)]
    Sudo(SudoCall),
    /// `AdminUtils` (19).
    #[codec(index = 19)]
    AdminUtils(AdminUtilsCall),
    /// `Swap` (28).
    #[codec(index = 28)]
    Swap(SwapCall),
}

impl RuntimeCall {
    /// Decodes call bytes, all of them, refusing nesting deeper than [`MAX_CALL_DEPTH`].
    pub fn decode_bytes(bytes: &[u8]) -> Result<RuntimeCall, CallDecodeError> {
        let mut input = bytes;
        let call = RuntimeCall::decode_with_depth_limit(MAX_CALL_DEPTH, &mut input)
            .map_err(|e| CallDecodeError::Malformed(e.to_string()))?;
        if !input.is_empty() {
            return Err(CallDecodeError::TrailingBytes(input.len()));
        }
        Ok(call)
    }

    /// The call's `(pallet name, call name)`, as the metadata spells them.
    pub fn name(&self) -> (&'static str, &'static str) {
        match self {
            RuntimeCall::System(c) => ("System", c.name()),
            RuntimeCall::Timestamp(_) => ("Timestamp", "set"),
            RuntimeCall::Balances(c) => ("Balances", c.name()),
            RuntimeCall::SubtensorModule(c) => ("SubtensorModule", c.name()),
            RuntimeCall::Utility(c) => ("Utility", c.name()),
            RuntimeCall::Sudo(c) => ("Sudo", c.name()),
            RuntimeCall::AdminUtils(c) => ("AdminUtils", c.name()),
            RuntimeCall::Swap(c) => ("Swap", c.name()),
        }
    }
}

/// `System` calls.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum SystemCall {
    /// Does nothing but cost a fee.
    #[codec(index = 0)]
    remark { remark: Vec<u8> },
    /// Like `remark`, and emits `Remarked` with the remark's hash.
    #[codec(index = 7)]
    remark_with_event { remark: Vec<u8> },
}

impl SystemCall {
    fn name(&self) -> &'static str {
        match self {
            SystemCall::remark { .. } => "remark",
            SystemCall::remark_with_event { .. } => "remark_with_event",
        }
    }
}

/// `Timestamp` calls.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum TimestampCall {
    /// The block's timestamp in milliseconds: the inherent every block carries.
    #[codec(index = 0)]
    set {
        #[codec(compact)]
        now: u64,
    },
}

/// `Balances` calls.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum BalancesCall {
    #[codec(index = 0)]
    transfer_allow_death {
        dest: MultiAddress,
        #[codec(compact)]
        value: u64,
    },
    /// Root only.
    #[codec(index = 2)]
    force_transfer {
        source: MultiAddress,
        dest: MultiAddress,
        #[codec(compact)]
        value: u64,
    },
    #[codec(index = 3)]
    transfer_keep_alive {
        dest: MultiAddress,
        #[codec(compact)]
        value: u64,
    },
    #[codec(index = 4)]
    transfer_all {
        dest: MultiAddress,
        keep_alive: bool,
    },
    /// Root only.
    #[codec(index = 8)]
    force_set_balance {
        who: MultiAddress,
        #[codec(compact)]
        new_free: u64,
    },
}

impl BalancesCall {
    fn name(&self) -> &'static str {
        match self {
            BalancesCall::transfer_allow_death { .. } => "transfer_allow_death",
            BalancesCall::force_transfer { .. } => "force_transfer",
            BalancesCall::transfer_keep_alive { .. } => "transfer_keep_alive",
            BalancesCall::transfer_all { .. } => "transfer_all",
            BalancesCall::force_set_balance { .. } => "force_set_balance",
        }
    }
}

/// `Utility` calls.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum UtilityCall {
    /// Dispatches each call until one fails; earlier ones stay applied.
    #[codec(index = 0)]
    batch { calls: Vec<RuntimeCall> },
    /// Dispatches all calls or none.
    #[codec(index = 2)]
    batch_all { calls: Vec<RuntimeCall> },
    /// Dispatches every call, whatever fails.
    #[codec(index = 4)]
    force_batch { calls: Vec<RuntimeCall> },
}

impl UtilityCall {
    fn name(&self) -> &'static str {
        match self {
            UtilityCall::batch { .. } => "batch",
            UtilityCall::batch_all { .. } => "batch_all",
            UtilityCall::force_batch { .. } => "force_batch",
        }
    }
}

/// `Sudo` calls.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum SudoCall {
    #[codec(index = 0)]
    sudo { call: Box<RuntimeCall> },
    #[codec(index = 1)]
    sudo_unchecked_weight {
        call: Box<RuntimeCall>,
        weight: Weight,
    },
    #[codec(index = 2)]
    set_key { new: MultiAddress },
    #[codec(index = 3)]
    sudo_as {
        who: MultiAddress,
        call: Box<RuntimeCall>,
    },
    #[codec(index = 4)]
    remove_key,
}

impl SudoCall {
    fn name(&self) -> &'static str {
        match self {
            SudoCall::sudo { .. } => "sudo",
            SudoCall::sudo_unchecked_weight { .. } => "sudo_unchecked_weight",
            SudoCall::set_key { .. } => "set_key",
            SudoCall::sudo_as { .. } => "sudo_as",
            SudoCall::remove_key => "remove_key",
        }
    }
}

/// `SubtensorModule` calls (`pallets/subtensor/src/macros/dispatches.rs`).
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum SubtensorCall {
    #[codec(index = 0)]
    set_weights {
        netuid: NetUid,
        dests: Vec<u16>,
        weights: Vec<u16>,
        version_key: u64,
    },
    #[codec(index = 2)]
    add_stake {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_staked: u64,
    },
    #[codec(index = 3)]
    remove_stake {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_unstaked: u64,
    },
    /// Proof-of-work registration is gone: the work arguments are ignored and the call is a
    /// burned registration.
    #[codec(index = 6)]
    register {
        netuid: NetUid,
        block_number: u64,
        nonce: u64,
        work: Vec<u8>,
        hotkey: AccountId32,
        coldkey: AccountId32,
    },
    #[codec(index = 7)]
    burned_register { netuid: NetUid, hotkey: AccountId32 },
    #[codec(index = 59)]
    register_network { hotkey: AccountId32 },
    #[codec(index = 92)]
    start_call { netuid: NetUid },
    #[codec(index = 96)]
    commit_weights {
        netuid: NetUid,
        commit_hash: [u8; 32],
    },
    #[codec(index = 97)]
    reveal_weights {
        netuid: NetUid,
        uids: Vec<u16>,
        values: Vec<u16>,
        salt: Vec<u16>,
        version_key: u64,
    },
    /// Owner only: the subnet's tempo (360…50 400); restarts the epoch cycle.
    #[codec(index = 139)]
    set_tempo { netuid: NetUid, tempo: u16 },
    /// Owner only: run an epoch `AdminFreezeWindow` blocks from now.
    #[codec(index = 141)]
    trigger_epoch { netuid: NetUid },
}

impl SubtensorCall {
    /// The call's name.
    pub fn name(&self) -> &'static str {
        match self {
            SubtensorCall::set_weights { .. } => "set_weights",
            SubtensorCall::add_stake { .. } => "add_stake",
            SubtensorCall::remove_stake { .. } => "remove_stake",
            SubtensorCall::register { .. } => "register",
            SubtensorCall::burned_register { .. } => "burned_register",
            SubtensorCall::register_network { .. } => "register_network",
            SubtensorCall::start_call { .. } => "start_call",
            SubtensorCall::commit_weights { .. } => "commit_weights",
            SubtensorCall::reveal_weights { .. } => "reveal_weights",
            SubtensorCall::set_tempo { .. } => "set_tempo",
            SubtensorCall::trigger_epoch { .. } => "trigger_epoch",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_keep_alive_bytes() {
        let bob = AccountId32([2; 32]);
        let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(bob),
            value: 1_000_000_000,
        });
        let bytes = call.encode();
        assert_eq!(&bytes[..3], &[5, 3, 0]);
        assert_eq!(&bytes[35..], &codec::Compact(1_000_000_000u64).encode()[..]);
        assert_eq!(RuntimeCall::decode_bytes(&bytes).unwrap(), call);
    }

    #[test]
    fn subtensor_call_indices() {
        let c = RuntimeCall::SubtensorModule(SubtensorCall::burned_register {
            netuid: NetUid(1),
            hotkey: AccountId32([1; 32]),
        });
        assert_eq!(&c.encode()[..4], &[7, 7, 1, 0]);
        let c = RuntimeCall::SubtensorModule(SubtensorCall::start_call { netuid: NetUid(3) });
        assert_eq!(c.encode(), vec![7, 92, 3, 0]);
    }

    #[test]
    fn trailing_and_unknown_bytes_are_errors() {
        let mut bytes = RuntimeCall::System(SystemCall::remark { remark: vec![1] }).encode();
        bytes.push(0);
        assert_eq!(
            RuntimeCall::decode_bytes(&bytes),
            Err(CallDecodeError::TrailingBytes(1))
        );
        assert!(RuntimeCall::decode_bytes(&[99, 0]).is_err());
        assert!(RuntimeCall::decode_bytes(&[]).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        // sudo(sudo(sudo(... remark ...))) nested past the limit.
        let mut bytes = Vec::new();
        for _ in 0..10_000 {
            bytes.extend_from_slice(&[12, 0]);
        }
        bytes.extend_from_slice(&[0, 0, 0]);
        assert!(matches!(
            RuntimeCall::decode_bytes(&bytes),
            Err(CallDecodeError::Malformed(_))
        ));
    }
}
