//! `RuntimeEvent` and `System.Events` records, with Substrate's and subtensor's layouts
//! (`spec/wire.md` §2.4, §2.7).
//!
//! An event is `pallet index ++ variant index ++ fields`; a record adds the phase it was emitted
//! in (applying extrinsic `i`, finalization, or initialization) and topics (always empty here).

use crate::balances::BalancesEvent;
use crate::commitments::CommitmentsEvent;
use crate::subtensor::events::Event as SubtensorEvent;
use crate::support::{DispatchError, DispatchInfo, DispatchResult};
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// `frame_system::Phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum Phase {
    /// While applying the extrinsic at this index of the block.
    ApplyExtrinsic(u32),
    /// While finalizing the block.
    Finalization,
    /// While initializing the block (`on_initialize`: coinbase, epochs).
    Initialization,
}

/// One entry of `System.Events` (its metadata is written by hand in `crate::metadata`, which
/// describes the topics as `H256`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct EventRecord {
    /// When it was emitted.
    pub phase: Phase,
    /// The event.
    pub event: RuntimeEvent,
    /// Topics (unused: always empty).
    pub topics: Vec<[u8; 32]>,
}

/// Every event the runtime emits, by pallet index.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum RuntimeEvent {
    #[codec(index = 0)]
    System(SystemEvent),
    #[codec(index = 5)]
    Balances(BalancesEvent),
    #[codec(index = 6)]
    TransactionPayment(TransactionPaymentEvent),
    #[codec(index = 7)]
    SubtensorModule(SubtensorEvent),
    #[codec(index = 11)]
    Utility(UtilityEvent),
    #[codec(index = 12)]
    Sudo(SudoEvent),
    #[codec(index = 18)]
    Commitments(CommitmentsEvent),
    #[codec(index = 19)]
    AdminUtils(crate::admin::AdminUtilsEvent),
    #[codec(index = 28)]
    Swap(SwapEvent),
}

impl From<SubtensorEvent> for RuntimeEvent {
    fn from(e: SubtensorEvent) -> RuntimeEvent {
        RuntimeEvent::SubtensorModule(e)
    }
}

impl From<BalancesEvent> for RuntimeEvent {
    fn from(e: BalancesEvent) -> RuntimeEvent {
        RuntimeEvent::Balances(e)
    }
}

/// `frame_system` events.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SystemEvent {
    #[codec(index = 0)]
    ExtrinsicSuccess { dispatch_info: DispatchInfo },
    #[codec(index = 1)]
    ExtrinsicFailed {
        dispatch_error: DispatchError,
        dispatch_info: DispatchInfo,
    },
    #[codec(index = 3)]
    NewAccount { account: AccountId32 },
    #[codec(index = 4)]
    KilledAccount { account: AccountId32 },
    #[codec(index = 5)]
    Remarked { sender: AccountId32, hash: [u8; 32] },
}

/// `pallet_transaction_payment` events.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum TransactionPaymentEvent {
    /// The fee (and tip) an extrinsic's signer paid.
    #[codec(index = 0)]
    TransactionFeePaid {
        who: AccountId32,
        actual_fee: u64,
        tip: u64,
    },
}

/// `pallet_utility` events.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum UtilityEvent {
    #[codec(index = 0)]
    BatchInterrupted { index: u32, error: DispatchError },
    #[codec(index = 1)]
    BatchCompleted,
    #[codec(index = 2)]
    BatchCompletedWithErrors,
    #[codec(index = 3)]
    ItemCompleted,
    #[codec(index = 4)]
    ItemFailed { error: DispatchError },
}

/// `pallet_sudo` events.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SudoEvent {
    #[codec(index = 0)]
    Sudid { sudo_result: DispatchResult },
    #[codec(index = 1)]
    KeyChanged {
        old: Option<AccountId32>,
        new: AccountId32,
    },
    #[codec(index = 2)]
    KeyRemoved,
    #[codec(index = 3)]
    SudoAsDone { sudo_result: DispatchResult },
}

/// The swap pallet's events.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SwapEvent {
    #[codec(index = 0)]
    FeeRateSet { netuid: NetUid, rate: u16 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::{DispatchClass, Pays, Weight};

    #[test]
    fn extrinsic_success_record_bytes() {
        let rec = EventRecord {
            phase: Phase::ApplyExtrinsic(1),
            event: RuntimeEvent::System(SystemEvent::ExtrinsicSuccess {
                dispatch_info: DispatchInfo {
                    weight: Weight::from_parts(0, 0),
                    class: DispatchClass::Mandatory,
                    pays_fee: Pays::Yes,
                },
            }),
            topics: vec![],
        };
        assert_eq!(rec.encode(), vec![0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0]);
        let back = EventRecord::decode(&mut &rec.encode()[..]).unwrap();
        assert_eq!(back, rec);
    }

    #[test]
    fn fee_paid_event_bytes() {
        let e = RuntimeEvent::TransactionPayment(TransactionPaymentEvent::TransactionFeePaid {
            who: AccountId32([1; 32]),
            actual_fee: 5,
            tip: 0,
        });
        let b = e.encode();
        assert_eq!(&b[..2], &[6, 0]);
        assert_eq!(b.len(), 2 + 32 + 8 + 8);
    }
}
