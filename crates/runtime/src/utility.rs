//! Utility (pallet 11): batches of calls from one signer (`batch`, `batch_all`,
//! `force_batch`), with subtensor's fork of `pallet_utility`'s indices and events.
//!
//! Like Sudo's, the pallet's calls carry other calls, so they are generic over the runtime's
//! call type `C`, and the executive passes its dispatcher in; their `TypeInfo` is written out so
//! that the metadata shows `Vec<RuntimeCall>`, as subtensor's does.

use crate::storage::Storage;
use crate::support::{
    Deposit, DispatchClass, DispatchError, DispatchInfo, DispatchResult, Pays, Weight, rw,
};
use codec::{Decode, Encode};
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo};

/// Utility's pallet index.
pub const PALLET_INDEX: u8 = 11;
/// `pallet_utility::Error::TooManyCalls`.
pub const TOO_MANY_CALLS: u8 = 0;
/// Most calls in one batch (Substrate's `batched_calls_limit` for this call size).
pub const MAX_BATCH_CALLS: usize = 10_922;

/// `pallet_utility` events.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum UtilityEvent {
    /// A `batch` stopped at a failing call; the calls before it stay applied.
    #[codec(index = 0)]
    BatchInterrupted {
        /// The failing call's position in the batch.
        index: u32,
        /// Why it failed.
        error: DispatchError,
    },
    /// Every call of a batch succeeded.
    #[codec(index = 1)]
    BatchCompleted,
    /// A `force_batch` ran every call, and some failed.
    #[codec(index = 2)]
    BatchCompletedWithErrors,
    /// One call of a batch succeeded.
    #[codec(index = 3)]
    ItemCompleted,
    /// One call of a `force_batch` failed.
    #[codec(index = 4)]
    ItemFailed {
        /// Why it failed.
        error: DispatchError,
    },
}

/// `pallet_utility`'s errors.
#[allow(dead_code)]
#[derive(scale_info::TypeInfo)]
pub enum UtilityError {
    /// The batch holds more calls than allowed. Split it into smaller batches.
    TooManyCalls,
    /// The derived account could not be computed.
    InvalidDerivedAccount,
}

/// `Utility` calls, over the runtime's call type `C`.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum UtilityCall<C> {
    /// Dispatches each call until one fails; earlier ones stay applied.
    #[codec(index = 0)]
    batch {
        /// The calls, in order.
        calls: Vec<C>,
    },
    /// Dispatches all calls or none.
    #[codec(index = 2)]
    batch_all {
        /// The calls, in order.
        calls: Vec<C>,
    },
    /// Dispatches every call, whatever fails.
    #[codec(index = 4)]
    force_batch {
        /// The calls, in order.
        calls: Vec<C>,
    },
}

impl<C: TypeInfo + 'static> TypeInfo for UtilityCall<C> {
    type Identity = Self;

    fn type_info() -> Type {
        let calls = || {
            Fields::named().field(|f| f.ty::<Vec<C>>().name("calls").type_name("Vec<RuntimeCall>"))
        };
        Type::builder()
            .path(Path::new("UtilityCall", module_path!()))
            .type_params(Vec::new())
            .variant(
                // The variants' docs repeat the doc comments above (a hand-built type has no
                // derive to carry them).
                Variants::new()
                    .variant("batch", |v| {
                        v.index(0).fields(calls()).docs(&[
                            "Dispatches each call until one fails; earlier ones stay applied.",
                        ])
                    })
                    .variant("batch_all", |v| {
                        v.index(2)
                            .fields(calls())
                            .docs(&["Dispatches all calls or none."])
                    })
                    .variant("force_batch", |v| {
                        v.index(4)
                            .fields(calls())
                            .docs(&["Dispatches every call, whatever fails."])
                    }),
            )
    }
}

impl<C> UtilityCall<C> {
    /// The call's name, as the metadata spells it.
    pub fn name(&self) -> &'static str {
        match self {
            UtilityCall::batch { .. } => "batch",
            UtilityCall::batch_all { .. } => "batch_all",
            UtilityCall::force_batch { .. } => "force_batch",
        }
    }

    /// The batched calls.
    pub fn calls(&self) -> &[C] {
        match self {
            UtilityCall::batch { calls }
            | UtilityCall::batch_all { calls }
            | UtilityCall::force_batch { calls } => calls,
        }
    }
}

/// The weight, class and fee mode of a batch: its own weight plus its calls' (`inner` gives
/// each call's); free only if every call is free, and an empty batch pays.
pub fn info<C>(
    call: &UtilityCall<C>,
    inner: impl Fn(&C) -> DispatchInfo,
) -> (Weight, DispatchClass, Pays) {
    let calls = call.calls();
    let mut weight = rw(0, 0, 5_000_000);
    let mut pays = Pays::No;
    for c in calls {
        let i = inner(c);
        weight = weight.saturating_add(i.weight);
        if i.pays_fee == Pays::Yes {
            pays = Pays::Yes;
        }
    }
    if calls.is_empty() {
        pays = Pays::Yes;
    }
    (weight, DispatchClass::Normal, pays)
}

/// Runs a batch, each call through `inner` (the executive's dispatcher, which runs a call in a
/// storage transaction of its own and keeps its events only if it succeeds).
pub fn dispatch<C, E: Deposit<UtilityEvent>>(
    s: &mut Storage,
    call: &UtilityCall<C>,
    events: &mut E,
    mut inner: impl FnMut(&mut Storage, &C, &mut E) -> DispatchResult,
) -> DispatchResult {
    if call.calls().len() > MAX_BATCH_CALLS {
        return Err(DispatchError::module(PALLET_INDEX, TOO_MANY_CALLS));
    }
    match call {
        UtilityCall::batch { calls } => {
            for (i, c) in calls.iter().enumerate() {
                if let Err(error) = inner(s, c, events) {
                    events.deposit(UtilityEvent::BatchInterrupted {
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        error,
                    });
                    // `batch` itself succeeds: the calls before the failure stay applied.
                    return Ok(());
                }
                events.deposit(UtilityEvent::ItemCompleted);
            }
            events.deposit(UtilityEvent::BatchCompleted);
        }
        UtilityCall::batch_all { calls } => {
            for c in calls {
                // The transaction around this whole call undoes the earlier items.
                inner(s, c, events)?;
                events.deposit(UtilityEvent::ItemCompleted);
            }
            events.deposit(UtilityEvent::BatchCompleted);
        }
        UtilityCall::force_batch { calls } => {
            let mut failed = false;
            for c in calls {
                match inner(s, c, events) {
                    Ok(()) => events.deposit(UtilityEvent::ItemCompleted),
                    Err(error) => {
                        failed = true;
                        events.deposit(UtilityEvent::ItemFailed { error });
                    }
                }
            }
            events.deposit(if failed {
                UtilityEvent::BatchCompletedWithErrors
            } else {
                UtilityEvent::BatchCompleted
            });
        }
    }
    Ok(())
}
