//! TransactionPayment (pallet 6): what a signed extrinsic costs and who gets it.
//!
//! The fee is subtensor's model: the extrinsic's base weight plus its call's weight, at one rao
//! per 2,000 ps (`LinearWeightToFee`), plus one rao per byte, plus the tip; a `Pays::No` call
//! costs only its tip. It is withdrawn before the call runs, whatever the call's outcome, and
//! goes to the block's author (or is burned when there is none).

use crate::balances::{self, BalancesEvent};
use crate::storage::Storage;
use crate::support::{DispatchInfo, Pays};
use codec::{Decode, Encode};
use cortex_primitives::AccountId32;

/// TransactionPayment's pallet index.
pub const PALLET_INDEX: u8 = 6;
/// `ExtrinsicBaseWeight`: the weight every extrinsic costs before its call (125 µs).
pub const EXTRINSIC_BASE_WEIGHT: u64 = 125_000_000;
/// Fee per unit of weight: `Perbill(500_000)`, i.e. 1 rao per 2,000 ps (subtensor's
/// `LinearWeightToFee`).
const WEIGHT_PER_RAO: u64 = 2_000;
/// `TransactionPayment.OperationalFeeMultiplier`.
pub const OPERATIONAL_FEE_MULTIPLIER: u8 = 5;

/// `pallet_transaction_payment` events.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum TransactionPaymentEvent {
    /// The fee (and tip) an extrinsic's signer paid.
    #[codec(index = 0)]
    TransactionFeePaid {
        /// The signer.
        who: AccountId32,
        /// The fee paid, in rao (tip included).
        actual_fee: u64,
        /// The tip, in rao.
        tip: u64,
    },
}

/// The fee of a call with dispatch `info` in an extrinsic of `len` bytes, plus `tip`: the base
/// weight fee, one rao per byte and the call's weight fee, or only the tip for `Pays::No` calls.
pub fn compute_fee(info: &DispatchInfo, len: u32, tip: u64) -> u64 {
    if info.pays_fee == Pays::No {
        return tip;
    }
    let weight_fee = EXTRINSIC_BASE_WEIGHT
        .saturating_add(info.weight.ref_time)
        .checked_div(WEIGHT_PER_RAO)
        .unwrap_or(0);
    weight_fee
        .saturating_add(u64::from(len))
        .saturating_add(tip)
}

/// Whether `who` can pay `fee` and keep its existential deposit.
pub fn can_pay(s: &Storage, who: &AccountId32, fee: u64) -> bool {
    fee == 0 || balances::free_balance(s, who).saturating_sub(balances::EXISTENTIAL_DEPOSIT) >= fee
}

/// Settles a fee withdrawn before the call: a `refund` (of everything but the tip, for calls
/// that are free once they succeed) goes back to `who`, the rest to `author` (burned without
/// one). Returns the fee finally charged and the `TransactionFeePaid` event.
pub fn settle(
    s: &mut Storage,
    who: &AccountId32,
    author: Option<&AccountId32>,
    fee: u64,
    tip: u64,
    refund: bool,
    events: &mut Vec<BalancesEvent>,
) -> (u64, TransactionPaymentEvent) {
    let charged = if refund {
        balances::deposit(s, who, fee.saturating_sub(tip), events);
        tip.min(fee)
    } else {
        fee
    };
    if charged > 0
        && let Some(author) = author
    {
        balances::deposit(s, author, charged, events);
    }
    let paid = TransactionPaymentEvent::TransactionFeePaid {
        who: *who,
        actual_fee: charged,
        tip: tip.min(charged),
    };
    (charged, paid)
}
