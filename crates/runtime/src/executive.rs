//! The block executive: initialize a block (SubtensorModule's block step: burn decay, coinbase,
//! epochs), apply inherents and signed calls with their fees, and finalize (write
//! `System.Events`). Also the dispatcher from [`RuntimeCall`] to each pallet, with origins,
//! transactional rollback, fees and `Pays::No` where subtensor has it.
//!
//! Signature checks, eras and the extrinsic encoding belong to the node (they need the chain's
//! hashes); everything that changes state is here, so that the node only decides *which*
//! extrinsics go into a block, never what they do.

use crate::call::RuntimeCall;
use crate::config::PALLETS;
use crate::event::{EventCount, EventRecord, Events, RuntimeEvent};
use crate::storage::Storage;
use crate::support::{BlockContext, DispatchError, DispatchInfo, Origin, Pays};
use crate::system::{self, Phase, SystemEvent};
use crate::{
    admin_utils, balances, commitments, mev_shield, subtensor, sudo, swap, timestamp,
    transaction_payment, utility,
};
use codec::Encode;
use cortex_primitives::AccountId32;

/// `sp_runtime::transaction_validity::InvalidTransaction`, in Substrate's order.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode, thiserror::Error)]
pub enum InvalidTransaction {
    #[error("invalid call")]
    Call,
    #[error("inability to pay some fees (e.g. account balance too low)")]
    Payment,
    #[error("transaction will be valid in the future")]
    Future,
    #[error("transaction is outdated")]
    Stale,
    #[error("transaction has a bad signature")]
    BadProof,
    #[error("transaction has an ancient birth block")]
    AncientBirthBlock,
    #[error("transaction would exhaust the block limits")]
    ExhaustsResources,
    #[error("custom error: {0}")]
    Custom(u8),
    #[error("a call was labelled as mandatory, but resulted in an error")]
    BadMandatory,
    #[error("transaction dispatch is mandatory; transactions must not be validated")]
    MandatoryValidation,
    #[error("invalid signing address")]
    BadSigner,
}

/// What the transaction pool needs to order a valid signed call (`ValidTransaction`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidTransaction {
    /// Higher goes first (subtensor's `CheckNonce` gives every transaction 0).
    pub priority: u64,
    /// Tags that must be provided first (the signer's previous nonce).
    pub requires: Vec<Vec<u8>>,
    /// Tags this provides (the signer and nonce).
    pub provides: Vec<Vec<u8>>,
}

/// The result of applying a signed call that was valid: the fee was paid and the nonce used,
/// whether or not the call itself succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The call's own result.
    pub result: Result<(), DispatchError>,
    /// The fee charged, in rao (tip included).
    pub fee: u64,
}

/// The weight, class and fee mode of a call (`GetDispatchInfo`), from its pallet.
///
/// Weights are Cortex's estimates in subtensor's units (database reads and writes at
/// Substrate's RocksDB costs plus compute), not subtensor's benchmark outputs; the fee model is
/// subtensor's (linear in weight, plus one rao per byte), so fees are of the same order.
pub fn call_info(call: &RuntimeCall) -> DispatchInfo {
    let (weight, class, pays_fee) = match call {
        RuntimeCall::System(c) => system::info(c),
        RuntimeCall::Timestamp(c) => timestamp::info(c),
        RuntimeCall::Balances(c) => balances::info(c),
        RuntimeCall::SubtensorModule(c) => subtensor::call::info(c),
        RuntimeCall::Utility(c) => utility::info(c, call_info),
        RuntimeCall::Sudo(c) => sudo::info(c, call_info),
        RuntimeCall::Commitments(c) => commitments::info(c),
        RuntimeCall::AdminUtils(c) => admin_utils::call_info(c),
        RuntimeCall::Swap(c) => swap::call_info(c),
        RuntimeCall::MevShield(c) => mev_shield::info(c),
    };
    DispatchInfo {
        weight,
        class,
        pays_fee,
    }
}

/// The fee for `call` encoded in an extrinsic of `len` bytes, plus `tip`
/// ([`transaction_payment::compute_fee`] of the call's dispatch info).
pub fn compute_fee(call: &RuntimeCall, len: u32, tip: u64) -> u64 {
    transaction_payment::compute_fee(&call_info(call), len, tip)
}

/// Checks a signed call against the current state without changing it (the pool's
/// `validate_transaction`): the nonce (an old one is stale; a later one waits for its
/// predecessor), and that the signer exists and can pay the fee keeping its existential deposit.
pub fn validate_signed(
    s: &Storage,
    who: &AccountId32,
    nonce: u32,
    call: &RuntimeCall,
    len: u32,
    tip: u64,
) -> Result<ValidTransaction, InvalidTransaction> {
    let account = balances::Account::get(s, who);
    let info = call_info(call);
    check_call(call)?;
    check_nonce(&account, &info, nonce)?;
    if !transaction_payment::can_pay(s, who, transaction_payment::compute_fee(&info, len, tip)) {
        return Err(InvalidTransaction::Payment);
    }
    let requires = if nonce > account.nonce {
        vec![nonce_tag(who, nonce.saturating_sub(1))]
    } else {
        Vec::new()
    };
    Ok(ValidTransaction {
        priority: 0,
        requires,
        provides: vec![nonce_tag(who, nonce)],
    })
}

/// Subtensor's own `CheckNonce`: a nonce below the account's is stale, and an account that does
/// not exist may only send fee-free calls (a hotkey with no TAO setting weights or serving an
/// axon). A later nonce is the caller's to judge: the pool queues it, a block refuses it.
fn check_nonce(
    account: &balances::AccountInfo,
    info: &DispatchInfo,
    nonce: u32,
) -> Result<(), InvalidTransaction> {
    if info.pays_fee == Pays::Yes && account.providers == 0 && account.sufficients == 0 {
        return Err(InvalidTransaction::Payment);
    }
    if nonce < account.nonce {
        return Err(InvalidTransaction::Stale);
    }
    Ok(())
}

/// The checks of a signed call itself (subtensor's transaction extensions that look at the
/// call): MevShield's author-only calls are not for signers, and a carrier's ciphertext must
/// parse (`Custom(23)`, subtensor's `FailedShieldedTxParsing`). Calls inside wrappers are not
/// seen here; MevShield's author calls fail there with `BadOrigin`.
fn check_call(call: &RuntimeCall) -> Result<(), InvalidTransaction> {
    match call {
        RuntimeCall::MevShield(c) => mev_shield::check_signed(c).map_err(|r| match r {
            mev_shield::Refusal::AuthorOnly => InvalidTransaction::Call,
            mev_shield::Refusal::Unparseable => {
                InvalidTransaction::Custom(mev_shield::FAILED_SHIELDED_TX_PARSING)
            }
        }),
        _ => Ok(()),
    }
}

/// The pool tag for `(who, nonce)`: SCALE of the pair, as Substrate's `CheckNonce`.
pub fn nonce_tag(who: &AccountId32, nonce: u32) -> Vec<u8> {
    (who, nonce).encode()
}

/// Runs `call` as `origin` in a storage transaction: on error nothing it wrote remains and its
/// events are dropped; on success its events are appended to `events`.
pub fn dispatch(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &RuntimeCall,
    events: &mut Vec<RuntimeEvent>,
) -> Result<(), DispatchError> {
    let mut local = Vec::new();
    s.transactional(|s| dispatch_inner(s, ctx, origin, call, &mut local))?;
    events.append(&mut local);
    Ok(())
}

/// Routes `call` to its pallet. Sudo and Utility get this dispatcher back for the calls they
/// carry, each of which runs in its own transaction.
fn dispatch_inner(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &RuntimeCall,
    events: &mut Vec<RuntimeEvent>,
) -> Result<(), DispatchError> {
    match call {
        RuntimeCall::System(c) => system::dispatch(origin, c, events),
        RuntimeCall::Timestamp(c) => timestamp::dispatch(s, origin, c),
        RuntimeCall::Balances(c) => balances::dispatch(s, origin, c, events),
        RuntimeCall::SubtensorModule(c) => {
            let mut ev = Vec::new();
            subtensor::call::dispatch(s, ctx, &PALLETS, origin, c, &mut ev)?;
            events.extend(ev.into_iter().map(RuntimeEvent::SubtensorModule));
            Ok(())
        }
        RuntimeCall::Utility(c) => utility::dispatch(s, c, events, |s, inner, events| {
            dispatch(s, ctx, origin, inner, events)
        }),
        RuntimeCall::Sudo(c) => {
            sudo::dispatch(s, origin, c, events, |s, as_origin, inner, events| {
                dispatch(s, ctx, as_origin, inner, events)
            })
        }
        RuntimeCall::Commitments(c) => {
            let mut ev = Vec::new();
            commitments::dispatch(s, ctx, &PALLETS, origin, c, &mut ev)?;
            events.extend(ev.into_iter().map(RuntimeEvent::Commitments));
            Ok(())
        }
        RuntimeCall::AdminUtils(c) => admin_utils::dispatch(s, ctx, origin, c, events),
        RuntimeCall::Swap(c) => swap::dispatch(s, origin, &PALLETS, c, events),
        RuntimeCall::MevShield(c) => mev_shield::dispatch(s, origin, c, events),
    }
}

/// Whether a successful `call` is refunded its fee (`Pays::No` after dispatch): sudo calls by
/// the sudo key are free, as in `pallet_sudo`.
fn refunds_on_success(call: &RuntimeCall) -> bool {
    matches!(call, RuntimeCall::Sudo(_))
}

/// A block being built or imported: the events collected so far and the extrinsic index.
#[derive(Debug)]
pub struct Block {
    ctx: BlockContext,
    events: Vec<EventRecord>,
    extrinsic_index: u32,
}

impl Block {
    /// Starts block `number` on top of `parent_hash`: records the number and the parent's
    /// hash, clears the previous block's events and timestamp flag, and runs the block step
    /// (SubtensorModule's `on_initialize`: burn decay, coinbase, epochs, price averages).
    pub fn initialize(
        s: &mut Storage,
        number: u32,
        parent_hash: [u8; 32],
        author: Option<AccountId32>,
    ) -> Block {
        system::initialize(s, number, parent_hash);
        Events::kill(s);
        EventCount::kill(s);
        timestamp::initialize(s);
        let ctx = BlockContext {
            block: u64::from(number),
            author,
        };
        let mut step_events = Vec::new();
        subtensor::block::block_step(s, ctx.block, &mut step_events);
        let events = step_events
            .into_iter()
            .map(|e| EventRecord {
                phase: Phase::Initialization,
                event: RuntimeEvent::SubtensorModule(e),
                topics: Vec::new(),
            })
            .collect();
        Block {
            ctx,
            events,
            extrinsic_index: 0,
        }
    }

    /// The block's context (number, author).
    pub fn context(&self) -> &BlockContext {
        &self.ctx
    }

    fn push(&mut self, events: impl IntoIterator<Item = RuntimeEvent>) {
        let phase = Phase::ApplyExtrinsic(self.extrinsic_index);
        self.events
            .extend(events.into_iter().map(|event| EventRecord {
                phase,
                event,
                topics: Vec::new(),
            }));
    }

    /// Applies an unsigned inherent (`Timestamp.set`, or one of MevShield's author calls). An
    /// inherent that fails makes the block invalid, so the error is returned and nothing is
    /// recorded.
    pub fn apply_inherent(
        &mut self,
        s: &mut Storage,
        call: &RuntimeCall,
    ) -> Result<(), DispatchError> {
        let inherent = match call {
            RuntimeCall::Timestamp(_) => true,
            RuntimeCall::MevShield(c) => c.is_author_only(),
            _ => false,
        };
        if !inherent {
            return Err(DispatchError::BadOrigin);
        }
        let mut events = Vec::new();
        dispatch(s, &self.ctx, &Origin::None, call, &mut events)?;
        let dispatch_info = call_info(call);
        events.push(RuntimeEvent::System(SystemEvent::ExtrinsicSuccess {
            dispatch_info,
        }));
        self.push(events);
        self.extrinsic_index = self.extrinsic_index.saturating_add(1);
        Ok(())
    }

    /// Applies a signed call whose signature the node has checked: the nonce must be the
    /// account's next one and the fee payable, else the extrinsic is invalid and changes
    /// nothing. Otherwise the nonce is used and the fee paid whatever the call's outcome, and
    /// the outcome is recorded as `ExtrinsicSuccess` or `ExtrinsicFailed`.
    pub fn apply_signed(
        &mut self,
        s: &mut Storage,
        who: &AccountId32,
        nonce: u32,
        tip: u64,
        call: &RuntimeCall,
        len: u32,
    ) -> Result<Applied, InvalidTransaction> {
        let mut account = balances::Account::get(s, who);
        let info = call_info(call);
        check_call(call)?;
        check_nonce(&account, &info, nonce)?;
        if nonce > account.nonce {
            return Err(InvalidTransaction::Future);
        }
        let fee = transaction_payment::compute_fee(&info, len, tip);
        let mut events: Vec<RuntimeEvent> = Vec::new();
        let mut fee_events = Vec::new();
        s.transactional(|s| balances::withdraw(s, who, fee, &mut fee_events))
            .map_err(|_| InvalidTransaction::Payment)?;
        account = balances::Account::get(s, who);
        account.nonce = account.nonce.saturating_add(1);
        balances::Account::insert(s, who, &account);
        events.extend(fee_events.into_iter().map(RuntimeEvent::Balances));

        let result = dispatch(s, &self.ctx, &Origin::Signed(*who), call, &mut events);
        let refund = result.is_ok() && refunds_on_success(call);
        let mut settled = Vec::new();
        let (charged, paid) = transaction_payment::settle(
            s,
            who,
            self.ctx.author.as_ref(),
            fee,
            tip,
            refund,
            &mut settled,
        );
        events.extend(settled.into_iter().map(RuntimeEvent::Balances));
        events.push(RuntimeEvent::TransactionPayment(paid));
        let dispatch_info = DispatchInfo {
            pays_fee: if charged == 0 {
                Pays::No
            } else {
                info.pays_fee
            },
            ..info
        };
        events.push(RuntimeEvent::System(match result {
            Ok(()) => SystemEvent::ExtrinsicSuccess { dispatch_info },
            Err(dispatch_error) => SystemEvent::ExtrinsicFailed {
                dispatch_error,
                dispatch_info,
            },
        }));
        self.push(events);
        self.extrinsic_index = self.extrinsic_index.saturating_add(1);
        Ok(Applied {
            result,
            fee: charged,
        })
    }

    /// Finishes the block: writes `System.Events`, `EventCount` and `ExtrinsicCount`, and
    /// returns the events.
    pub fn finalize(self, s: &mut Storage) -> Vec<EventRecord> {
        subtensor::block::block_end(s);
        Events::put(s, &self.events);
        EventCount::put(s, &u32::try_from(self.events.len()).unwrap_or(u32::MAX));
        system::ExtrinsicCount::put(s, &self.extrinsic_index);
        self.events
    }
}
