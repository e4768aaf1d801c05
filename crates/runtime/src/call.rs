//! `RuntimeCall`: every pallet's calls under subtensor's pallet indices (`spec/wire.md` §2.3,
//! §2.5; `spec/economy.md` §8). Each pallet declares its own call enum (with its call indices,
//! argument names, order and types); this is only the outer enum and its decoding.
//!
//! Call bytes are `pallet index ++ call index ++ SCALE(arguments)`. Variant names are the call
//! names clients compose by (through the metadata), hence snake case. Only calls Cortex executes
//! are declared: anything else fails to decode, so a client learns at submission, not after
//! paying a fee, that the chain does not have it.

pub use crate::admin_utils::AdminUtilsCall;
pub use crate::balances::BalancesCall;
pub use crate::commitments::CommitmentsCall;
pub use crate::mev_shield::MevShieldCall;
pub use crate::subtensor::call::SubtensorCall;
pub use crate::swap::SwapCall;
pub use crate::system::SystemCall;
pub use crate::timestamp::TimestampCall;
use codec::{Decode, DecodeLimit};

/// `Sudo` calls over this runtime's calls.
pub type SudoCall = crate::sudo::SudoCall<RuntimeCall>;
/// `Utility` calls over this runtime's calls.
pub type UtilityCall = crate::utility::UtilityCall<RuntimeCall>;

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
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, Decode, scale_info::TypeInfo)]
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
    /// `MevShield` (30).
    #[codec(index = 30)]
    MevShield(MevShieldCall),
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
            RuntimeCall::Timestamp(c) => ("Timestamp", c.name()),
            RuntimeCall::Balances(c) => ("Balances", c.name()),
            RuntimeCall::SubtensorModule(c) => ("SubtensorModule", c.name()),
            RuntimeCall::Utility(c) => ("Utility", c.name()),
            RuntimeCall::Sudo(c) => ("Sudo", c.name()),
            RuntimeCall::Commitments(c) => ("Commitments", c.name()),
            RuntimeCall::AdminUtils(c) => ("AdminUtils", c.name()),
            RuntimeCall::Swap(c) => ("Swap", c.name()),
            RuntimeCall::MevShield(c) => ("MevShield", c.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::MultiAddress;
    use codec::Encode;
    use cortex_primitives::{AccountId32, NetUid};

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
