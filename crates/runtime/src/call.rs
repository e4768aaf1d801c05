//! The runtime's calls: `RuntimeCall` with subtensor's pallet indices, call indices, argument
//! names, order and types (`spec/wire.md` §2.3, §2.5; `spec/economy.md` §8).
//!
//! Call bytes are `pallet index ++ call index ++ SCALE(arguments)`. Variant names are the call
//! names clients compose by (through the metadata), hence snake case. Only calls Cortex executes
//! are declared: anything else fails to decode, so a client learns at submission, not after
//! paying a fee, that the chain does not have it.

#![allow(non_camel_case_types)]

pub use crate::admin::AdminUtilsCall;
pub use crate::commitments::CommitmentsCall;
use crate::subtensor::identity::SubnetIdentityV3;
use crate::support::{MultiAddress, Weight};
pub use crate::swap_pallet::SwapCall;
use codec::{Compact, Decode, DecodeLimit, Encode};
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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
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
    /// `Commitments` (18).
    #[codec(index = 18)]
    Commitments(CommitmentsCall),
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
            RuntimeCall::Commitments(c) => ("Commitments", c.name()),
            RuntimeCall::AdminUtils(c) => ("AdminUtils", c.name()),
            RuntimeCall::Swap(c) => ("Swap", c.name()),
        }
    }
}

/// `System` calls.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
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
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SubtensorCall {
    #[codec(index = 0)]
    set_weights {
        netuid: NetUid,
        dests: Vec<u16>,
        weights: Vec<u16>,
        version_key: u64,
    },
    #[codec(index = 80)]
    batch_set_weights {
        netuids: Vec<Compact<u16>>,
        weights: Vec<Vec<(Compact<u16>, Compact<u16>)>>,
        version_keys: Vec<Compact<u64>>,
    },
    #[codec(index = 98)]
    batch_reveal_weights {
        netuid: NetUid,
        uids_list: Vec<Vec<u16>>,
        values_list: Vec<Vec<u16>>,
        salts_list: Vec<Vec<u16>>,
        version_keys: Vec<u64>,
    },
    #[codec(index = 100)]
    batch_commit_weights {
        netuids: Vec<Compact<u16>>,
        commit_hashes: Vec<[u8; 32]>,
    },
    #[codec(index = 115)]
    commit_mechanism_weights {
        netuid: NetUid,
        mecid: u8,
        commit_hash: [u8; 32],
    },
    #[codec(index = 116)]
    reveal_mechanism_weights {
        netuid: NetUid,
        mecid: u8,
        uids: Vec<u16>,
        values: Vec<u16>,
        salt: Vec<u16>,
        version_key: u64,
    },
    #[codec(index = 119)]
    set_mechanism_weights {
        netuid: NetUid,
        mecid: u8,
        dests: Vec<u16>,
        weights: Vec<u16>,
        version_key: u64,
    },
    /// Root only; the coldkey argument is ignored.
    #[codec(index = 61)]
    dissolve_network {
        coldkey: AccountId32,
        netuid: NetUid,
    },
    /// Root only.
    #[codec(index = 120)]
    root_dissolve_network { netuid: NetUid },
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
    #[codec(index = 4)]
    serve_axon {
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
        placeholder1: u8,
        placeholder2: u8,
    },
    #[codec(index = 5)]
    serve_prometheus {
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
    },
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
    #[codec(index = 40)]
    serve_axon_tls {
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
        placeholder1: u8,
        placeholder2: u8,
        certificate: Vec<u8>,
    },
    #[codec(index = 59)]
    register_network { hotkey: AccountId32 },
    #[codec(index = 62)]
    root_register { hotkey: AccountId32 },
    #[codec(index = 65)]
    decrease_take { hotkey: AccountId32, take: u16 },
    #[codec(index = 66)]
    increase_take { hotkey: AccountId32, take: u16 },
    #[codec(index = 68)]
    set_identity {
        name: Vec<u8>,
        url: Vec<u8>,
        github_repo: Vec<u8>,
        image: Vec<u8>,
        discord: Vec<u8>,
        description: Vec<u8>,
        additional: Vec<u8>,
    },
    #[codec(index = 78)]
    set_subnet_identity {
        netuid: NetUid,
        subnet_name: Vec<u8>,
        github_repo: Vec<u8>,
        subnet_contact: Vec<u8>,
        subnet_url: Vec<u8>,
        discord: Vec<u8>,
        description: Vec<u8>,
        logo_url: Vec<u8>,
        additional: Vec<u8>,
    },
    #[codec(index = 79)]
    register_network_with_identity {
        hotkey: AccountId32,
        identity: Option<SubnetIdentityV3>,
    },
    #[codec(index = 91)]
    try_associate_hotkey { hotkey: AccountId32 },
    #[codec(index = 83)]
    unstake_all { hotkey: AccountId32 },
    #[codec(index = 84)]
    unstake_all_alpha { hotkey: AccountId32 },
    #[codec(index = 85)]
    move_stake {
        origin_hotkey: AccountId32,
        destination_hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
    },
    #[codec(index = 86)]
    transfer_stake {
        destination_coldkey: AccountId32,
        hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
    },
    #[codec(index = 87)]
    swap_stake {
        hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
    },
    #[codec(index = 88)]
    add_stake_limit {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_staked: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    #[codec(index = 89)]
    remove_stake_limit {
        hotkey: AccountId32,
        netuid: NetUid,
        amount_unstaked: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    #[codec(index = 90)]
    swap_stake_limit {
        hotkey: AccountId32,
        origin_netuid: NetUid,
        destination_netuid: NetUid,
        alpha_amount: u64,
        limit_price: u64,
        allow_partial: bool,
    },
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
    #[codec(index = 112)]
    update_symbol { netuid: NetUid, symbol: Vec<u8> },
    #[codec(index = 114)]
    set_coldkey_auto_stake_hotkey { netuid: NetUid, hotkey: AccountId32 },
    #[codec(index = 101)]
    recycle_alpha {
        hotkey: AccountId32,
        amount: u64,
        netuid: NetUid,
    },
    #[codec(index = 102)]
    burn_alpha {
        hotkey: AccountId32,
        amount: u64,
        netuid: NetUid,
    },
    #[codec(index = 103)]
    remove_stake_full_limit {
        hotkey: AccountId32,
        netuid: NetUid,
        limit_price: Option<u64>,
    },
    #[codec(index = 132)]
    add_stake_burn {
        hotkey: AccountId32,
        netuid: NetUid,
        amount: u64,
        limit: Option<u64>,
    },
    #[codec(index = 134)]
    register_limit {
        netuid: NetUid,
        hotkey: AccountId32,
        limit_price: u64,
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
            SubtensorCall::dissolve_network { .. } => "dissolve_network",
            SubtensorCall::root_dissolve_network { .. } => "root_dissolve_network",
            SubtensorCall::batch_set_weights { .. } => "batch_set_weights",
            SubtensorCall::batch_reveal_weights { .. } => "batch_reveal_weights",
            SubtensorCall::batch_commit_weights { .. } => "batch_commit_weights",
            SubtensorCall::commit_mechanism_weights { .. } => "commit_mechanism_weights",
            SubtensorCall::reveal_mechanism_weights { .. } => "reveal_mechanism_weights",
            SubtensorCall::set_mechanism_weights { .. } => "set_mechanism_weights",
            SubtensorCall::add_stake { .. } => "add_stake",
            SubtensorCall::remove_stake { .. } => "remove_stake",
            SubtensorCall::register { .. } => "register",
            SubtensorCall::burned_register { .. } => "burned_register",
            SubtensorCall::register_network { .. } => "register_network",
            SubtensorCall::start_call { .. } => "start_call",
            SubtensorCall::commit_weights { .. } => "commit_weights",
            SubtensorCall::reveal_weights { .. } => "reveal_weights",
            SubtensorCall::serve_axon { .. } => "serve_axon",
            SubtensorCall::serve_prometheus { .. } => "serve_prometheus",
            SubtensorCall::serve_axon_tls { .. } => "serve_axon_tls",
            SubtensorCall::root_register { .. } => "root_register",
            SubtensorCall::decrease_take { .. } => "decrease_take",
            SubtensorCall::increase_take { .. } => "increase_take",
            SubtensorCall::set_identity { .. } => "set_identity",
            SubtensorCall::set_subnet_identity { .. } => "set_subnet_identity",
            SubtensorCall::register_network_with_identity { .. } => {
                "register_network_with_identity"
            }
            SubtensorCall::try_associate_hotkey { .. } => "try_associate_hotkey",
            SubtensorCall::update_symbol { .. } => "update_symbol",
            SubtensorCall::set_coldkey_auto_stake_hotkey { .. } => "set_coldkey_auto_stake_hotkey",
            SubtensorCall::unstake_all { .. } => "unstake_all",
            SubtensorCall::unstake_all_alpha { .. } => "unstake_all_alpha",
            SubtensorCall::move_stake { .. } => "move_stake",
            SubtensorCall::transfer_stake { .. } => "transfer_stake",
            SubtensorCall::swap_stake { .. } => "swap_stake",
            SubtensorCall::add_stake_limit { .. } => "add_stake_limit",
            SubtensorCall::remove_stake_limit { .. } => "remove_stake_limit",
            SubtensorCall::swap_stake_limit { .. } => "swap_stake_limit",
            SubtensorCall::recycle_alpha { .. } => "recycle_alpha",
            SubtensorCall::burn_alpha { .. } => "burn_alpha",
            SubtensorCall::remove_stake_full_limit { .. } => "remove_stake_full_limit",
            SubtensorCall::add_stake_burn { .. } => "add_stake_burn",
            SubtensorCall::register_limit { .. } => "register_limit",
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
    fn serving_and_account_call_bytes() {
        let c = RuntimeCall::SubtensorModule(SubtensorCall::serve_axon {
            netuid: NetUid(1),
            version: 2,
            ip: 3,
            port: 4,
            ip_type: 4,
            protocol: 0,
            placeholder1: 0,
            placeholder2: 0,
        });
        let bytes = c.encode();
        assert_eq!(&bytes[..8], &[7, 4, 1, 0, 2, 0, 0, 0]);
        assert_eq!(bytes.len(), 2 + 2 + 4 + 16 + 2 + 4);
        assert_eq!(RuntimeCall::decode_bytes(&bytes).unwrap(), c);
        let c = RuntimeCall::SubtensorModule(SubtensorCall::serve_axon_tls {
            netuid: NetUid(1),
            version: 2,
            ip: 3,
            port: 4,
            ip_type: 4,
            protocol: 0,
            placeholder1: 0,
            placeholder2: 0,
            certificate: vec![1, 2],
        });
        let bytes = c.encode();
        assert_eq!(&bytes[..2], &[7, 40]);
        assert_eq!(&bytes[bytes.len() - 3..], &[8, 1, 2]);
        let hk = AccountId32([9; 32]);
        let c = RuntimeCall::SubtensorModule(SubtensorCall::increase_take {
            hotkey: hk,
            take: 0x0102,
        });
        let bytes = c.encode();
        assert_eq!(&bytes[..3], &[7, 66, 9]);
        assert_eq!(&bytes[34..], &[2, 1]);
        let c = RuntimeCall::SubtensorModule(SubtensorCall::register_network_with_identity {
            hotkey: hk,
            identity: None,
        });
        assert_eq!(&c.encode()[..2], &[7, 79]);
        assert_eq!(c.encode().last(), Some(&0));
        for (call, index) in [
            (
                SubtensorCall::serve_prometheus {
                    netuid: NetUid(1),
                    version: 0,
                    ip: 1,
                    port: 1,
                    ip_type: 4,
                },
                5u8,
            ),
            (SubtensorCall::root_register { hotkey: hk }, 62),
            (
                SubtensorCall::decrease_take {
                    hotkey: hk,
                    take: 1,
                },
                65,
            ),
            (SubtensorCall::try_associate_hotkey { hotkey: hk }, 91),
            (
                SubtensorCall::update_symbol {
                    netuid: NetUid(1),
                    symbol: vec![0xce, 0xb1],
                },
                112,
            ),
            (
                SubtensorCall::set_coldkey_auto_stake_hotkey {
                    netuid: NetUid(1),
                    hotkey: hk,
                },
                114,
            ),
        ] {
            let bytes = RuntimeCall::SubtensorModule(call.clone()).encode();
            assert_eq!(&bytes[..2], &[7, index], "{}", call.name());
            assert_eq!(
                RuntimeCall::decode_bytes(&bytes).unwrap(),
                RuntimeCall::SubtensorModule(call)
            );
        }
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
