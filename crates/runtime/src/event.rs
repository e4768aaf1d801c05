//! `RuntimeEvent` and `System.Events`, with Substrate's and subtensor's layouts (`spec/wire.md`
//! §2.4, §2.7). Each pallet declares its own event enum; this is the outer enum, the record that
//! stores an event with its phase, and the [`Deposit`] impls through which pallets emit into a
//! block's list of `RuntimeEvent`s without naming it.
//!
//! An event is `pallet index ++ variant index ++ fields`; a record adds the phase it was emitted
//! in (applying extrinsic `i`, finalization, or initialization) and topics (always empty here).

use crate::admin_utils::AdminUtilsEvent;
use crate::balances::BalancesEvent;
use crate::commitments::CommitmentsEvent;
use crate::mev_shield::MevShieldEvent;
use crate::storage_value;
use crate::subtensor::events::Event as SubtensorEvent;
use crate::sudo::SudoEvent;
use crate::support::Deposit;
use crate::swap::SwapEvent;
pub use crate::system::Phase;
use crate::system::SystemEvent;
use crate::transaction_payment::TransactionPaymentEvent;
use crate::utility::UtilityEvent;
use codec::{Decode, Encode};

storage_value!(/// The events of the current block.
    "System", Events: Vec<EventRecord> = Vec::new());
storage_value!(/// How many events the current block has.
    "System", EventCount: u32 = 0);

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
    AdminUtils(AdminUtilsEvent),
    #[codec(index = 28)]
    Swap(SwapEvent),
    #[codec(index = 30)]
    MevShield(MevShieldEvent),
}

/// `From<PalletEvent> for RuntimeEvent` and `Deposit<PalletEvent>` on a list of `RuntimeEvent`s,
/// for each pallet's event type.
macro_rules! outer_event {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(
            impl From<$ty> for RuntimeEvent {
                fn from(e: $ty) -> RuntimeEvent {
                    RuntimeEvent::$variant(e)
                }
            }

            impl Deposit<$ty> for Vec<RuntimeEvent> {
                fn deposit(&mut self, event: $ty) {
                    self.push(RuntimeEvent::$variant(event));
                }
            }
        )*
    };
}

outer_event!(
    System(SystemEvent),
    Balances(BalancesEvent),
    TransactionPayment(TransactionPaymentEvent),
    SubtensorModule(SubtensorEvent),
    Utility(UtilityEvent),
    Sudo(SudoEvent),
    Commitments(CommitmentsEvent),
    AdminUtils(AdminUtilsEvent),
    Swap(SwapEvent),
    MevShield(MevShieldEvent),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::{DispatchClass, DispatchInfo, Pays, Weight};
    use cortex_primitives::AccountId32;

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
