//! The block executive: initialize a block (SubtensorModule's block step: burn decay, coinbase,
//! epochs), apply inherents and signed calls with their fees, and finalize (write
//! `System.Events`). Also the dispatcher from [`RuntimeCall`] to each pallet, with origins,
//! transactional rollback, fees and `Pays::No` where subtensor has it.
//!
//! Signature checks, eras and the extrinsic encoding belong to the node (they need the chain's
//! hashes); everything that changes state is here, so that the node only decides *which*
//! extrinsics go into a block, never what they do.

use crate::balances::{self, Existence};
use crate::call::{
    BalancesCall, CommitmentsCall, RuntimeCall, SubtensorCall, SudoCall, SystemCall, UtilityCall,
};
use crate::event::{
    EventRecord, Phase, RuntimeEvent, SudoEvent, SystemEvent, TransactionPaymentEvent, UtilityEvent,
};
use crate::storage::Storage;
use crate::support::{
    BlockContext, DispatchClass, DispatchError, DispatchInfo, Origin, Pays, Weight, count, rw,
};
use crate::{storage_map, storage_value, subtensor};
use codec::Encode;
use cortex_primitives::AccountId32;
use cortex_primitives::hashing::blake2_256;

storage_value!(/// The current block number.
    "System", Number: u32 = 0);
storage_value!(/// The parent block's hash.
    "System", ParentHash: [u8; 32] = [0; 32]);
storage_map!(/// Hashes of recent blocks by number (the last [`BLOCK_HASH_COUNT`]).
    "System", BlockHash: Twox64Concat(u32) => [u8; 32] = [0; 32]);
storage_value!(/// The events of the current block.
    "System", Events: Vec<EventRecord> = Vec::new());
storage_value!(/// How many events the current block has.
    "System", EventCount: u32 = 0);
storage_value!(/// Extrinsics applied in the current block.
    optional "System", ExtrinsicCount: u32 = 0);
storage_value!(/// The sudo key. Optional: read with `try_get`.
    optional "Sudo", Key: AccountId32 = AccountId32([0; 32]));
storage_value!(/// The block's timestamp, in milliseconds.
    "Timestamp", Now: u64 = 0);
storage_value!(/// Whether this block's timestamp was set.
    "Timestamp", DidUpdate: bool = false);

/// How many recent block hashes `System.BlockHash` keeps (mortal eras refer to them).
pub const BLOCK_HASH_COUNT: u32 = 2_400;
/// Sudo's pallet index.
pub const SUDO_INDEX: u8 = 12;
/// `pallet_sudo::Error::RequireSudo`.
pub const SUDO_REQUIRE_SUDO: u8 = 0;
/// Utility's pallet index.
pub const UTILITY_INDEX: u8 = 11;
/// `pallet_utility::Error::TooManyCalls`.
pub const UTILITY_TOO_MANY_CALLS: u8 = 0;
/// Most calls in one batch (Substrate's `batched_calls_limit` for this call size).
pub const MAX_BATCH_CALLS: usize = 10_922;
/// Timestamp's pallet index.
pub const TIMESTAMP_INDEX: u8 = 2;

/// `ExtrinsicBaseWeight`: the weight every extrinsic costs before its call (125 µs).
pub const EXTRINSIC_BASE_WEIGHT: u64 = 125_000_000;
/// Fee per unit of weight: `Perbill(500_000)`, i.e. 1 rao per 2,000 ps (subtensor's
/// `LinearWeightToFee`).
const WEIGHT_PER_RAO: u64 = 2_000;

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

/// The weight, class and fee mode of a call (`GetDispatchInfo`).
///
/// Weights are Cortex's estimates in subtensor's units (database reads and writes at
/// Substrate's RocksDB costs plus compute), not subtensor's benchmark outputs; the fee model is
/// subtensor's (linear in weight, plus one rao per byte), so fees are of the same order.
pub fn call_info(call: &RuntimeCall) -> DispatchInfo {
    let (weight, class, pays) = match call {
        RuntimeCall::System(_) => (rw(0, 0, 2_000_000), DispatchClass::Normal, Pays::Yes),
        RuntimeCall::Timestamp(_) => (rw(1, 1, 6_000_000), DispatchClass::Mandatory, Pays::No),
        RuntimeCall::Balances(c) => {
            let w = match c {
                BalancesCall::transfer_all { .. } => rw(1, 1, 45_000_000),
                BalancesCall::force_set_balance { .. } => rw(1, 1, 15_000_000),
                _ => rw(1, 1, 40_000_000),
            };
            (w, DispatchClass::Normal, Pays::Yes)
        }
        RuntimeCall::SubtensorModule(c) => subtensor_info(c),
        RuntimeCall::Utility(c) => {
            let calls = match c {
                UtilityCall::batch { calls }
                | UtilityCall::batch_all { calls }
                | UtilityCall::force_batch { calls } => calls,
            };
            let mut w = rw(0, 0, 5_000_000);
            let mut pays = Pays::No;
            for inner in calls {
                let i = call_info(inner);
                w = w.saturating_add(i.weight);
                if i.pays_fee == Pays::Yes {
                    pays = Pays::Yes;
                }
            }
            if calls.is_empty() {
                pays = Pays::Yes;
            }
            (w, DispatchClass::Normal, pays)
        }
        RuntimeCall::Sudo(c) => {
            let w = match c {
                SudoCall::sudo { call } | SudoCall::sudo_as { call, .. } => {
                    call_info(call).weight.saturating_add(rw(1, 0, 10_000_000))
                }
                SudoCall::sudo_unchecked_weight { weight, .. } => *weight,
                SudoCall::set_key { .. } | SudoCall::remove_key => rw(1, 1, 10_000_000),
            };
            (w, DispatchClass::Normal, Pays::Yes)
        }
        // Subtensor's benchmarked weights: set_commitment 5 reads, 4 writes, fee-free;
        // set_max_space one write, paid.
        RuntimeCall::Commitments(CommitmentsCall::set_commitment { .. }) => {
            (rw(5, 4, 33_480_000), DispatchClass::Normal, Pays::No)
        }
        RuntimeCall::Commitments(CommitmentsCall::set_max_space { .. }) => {
            (rw(0, 1, 2_856_000), DispatchClass::Normal, Pays::Yes)
        }
        RuntimeCall::AdminUtils(c) => crate::admin::call_info(c),
        RuntimeCall::Swap(c) => crate::swap_pallet::call_info(c),
    };
    DispatchInfo {
        weight,
        class,
        pays_fee: pays,
    }
}

/// `calls` weight settings with `entries` weights in all.
fn set_weight(calls: u64, entries: u64) -> Weight {
    rw(12, 2, 20_000_000).times(calls.max(1)).saturating_add(rw(
        0,
        0,
        entries.saturating_mul(50_000),
    ))
}

/// `calls` reveals with `entries` weights in all.
fn reveal_weight(calls: u64, entries: u64) -> Weight {
    rw(14, 4, 30_000_000).times(calls.max(1)).saturating_add(rw(
        0,
        0,
        entries.saturating_mul(60_000),
    ))
}

fn subtensor_info(c: &SubtensorCall) -> (Weight, DispatchClass, Pays) {
    use SubtensorCall as C;
    let normal = DispatchClass::Normal;
    match c {
        C::set_weights { dests, .. } | C::set_mechanism_weights { dests, .. } => {
            (set_weight(1, count(dests.len())), normal, Pays::No)
        }
        C::batch_set_weights { weights, .. } => {
            let entries = weights.iter().map(Vec::len).sum();
            (
                set_weight(count(weights.len()), count(entries)),
                normal,
                Pays::No,
            )
        }
        C::commit_weights { .. } | C::commit_mechanism_weights { .. } => {
            (rw(6, 2, 20_000_000), normal, Pays::No)
        }
        C::batch_commit_weights { netuids, .. } => (
            rw(6, 2, 20_000_000).times(count(netuids.len()).max(1)),
            normal,
            Pays::No,
        ),
        C::reveal_weights { uids, .. } | C::reveal_mechanism_weights { uids, .. } => {
            (reveal_weight(1, count(uids.len())), normal, Pays::No)
        }
        C::batch_reveal_weights { uids_list, .. } => {
            let entries = uids_list.iter().map(Vec::len).sum();
            (
                reveal_weight(count(uids_list.len()), count(entries)),
                normal,
                Pays::No,
            )
        }
        C::add_stake { .. } | C::remove_stake { .. } => {
            (rw(22, 14, 150_000_000), normal, Pays::Yes)
        }
        C::register { .. } | C::burned_register { .. } => {
            (rw(30, 25, 200_000_000), normal, Pays::Yes)
        }
        C::register_network { .. } => (rw(40, 50, 250_000_000), normal, Pays::Yes),
        C::dissolve_network { .. } | C::root_dissolve_network { .. } => {
            (rw(200, 300, 500_000_000), normal, Pays::Yes)
        }
        C::start_call { .. } => (rw(4, 2, 20_000_000), normal, Pays::Yes),
        C::serve_axon { .. } => (rw(4, 1, 20_000_000), normal, Pays::No),
        C::serve_axon_tls { .. } => (rw(4, 2, 22_000_000), normal, Pays::No),
        C::serve_prometheus { .. } => (rw(4, 1, 20_000_000), normal, Pays::No),
        C::increase_take { .. } | C::decrease_take { .. } => {
            (rw(5, 2, 20_000_000), normal, Pays::No)
        }
        C::root_register { .. } => (rw(80, 20, 150_000_000), normal, Pays::Yes),
        C::set_identity { .. } => (rw(40, 1, 30_000_000), normal, Pays::Yes),
        C::set_subnet_identity { .. } => (rw(2, 1, 20_000_000), normal, Pays::Yes),
        C::register_network_with_identity { .. } => (rw(40, 52, 260_000_000), normal, Pays::Yes),
        C::try_associate_hotkey { .. } => (rw(3, 3, 15_000_000), normal, Pays::Yes),
        C::update_symbol { .. } => (rw(130, 1, 30_000_000), normal, Pays::Yes),
        C::set_coldkey_auto_stake_hotkey { .. } => (rw(5, 3, 20_000_000), normal, Pays::Yes),
        C::add_stake_limit { .. } | C::remove_stake_limit { .. } => {
            (rw(24, 14, 170_000_000), normal, Pays::Yes)
        }
        C::remove_stake_full_limit { .. } => (rw(24, 14, 170_000_000), normal, Pays::Yes),
        C::move_stake { .. }
        | C::transfer_stake { .. }
        | C::swap_stake { .. }
        | C::swap_stake_limit { .. } => (rw(40, 28, 300_000_000), normal, Pays::Yes),
        C::unstake_all { .. } | C::unstake_all_alpha { .. } => {
            (rw(60, 40, 400_000_000), normal, Pays::Yes)
        }
        C::recycle_alpha { .. } | C::burn_alpha { .. } => {
            (rw(10, 6, 60_000_000), normal, Pays::Yes)
        }
        C::add_stake_burn { .. } => (rw(30, 18, 200_000_000), normal, Pays::Yes),
        C::register_limit { .. } => (rw(30, 25, 200_000_000), normal, Pays::Yes),
        C::set_tempo { .. } | C::trigger_epoch { .. } => (rw(8, 3, 20_000_000), normal, Pays::Yes),
    }
}

/// The fee for `call` encoded in an extrinsic of `len` bytes, plus `tip`: the base weight fee,
/// one rao per byte and the call's weight fee, or only the tip for `Pays::No` calls.
pub fn compute_fee(call: &RuntimeCall, len: u32, tip: u64) -> u64 {
    let info = call_info(call);
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
    // Subtensor's own `CheckNonce`: an account that does not exist may still send fee-free
    // calls (a hotkey with no TAO setting weights or serving an axon).
    if call_info(call).pays_fee == Pays::Yes && account.providers == 0 && account.sufficients == 0 {
        return Err(InvalidTransaction::Payment);
    }
    if nonce < account.nonce {
        return Err(InvalidTransaction::Stale);
    }
    let fee = compute_fee(call, len, tip);
    if fee > 0
        && account
            .data
            .free
            .saturating_sub(balances::EXISTENTIAL_DEPOSIT)
            < fee
    {
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

fn dispatch_inner(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &RuntimeCall,
    events: &mut Vec<RuntimeEvent>,
) -> Result<(), DispatchError> {
    match call {
        RuntimeCall::System(c) => {
            let who = origin.signed().or_else(|e| match origin {
                Origin::Root => Ok(AccountId32([0; 32])),
                _ => Err(e),
            })?;
            if let SystemCall::remark_with_event { remark } = c {
                events.push(RuntimeEvent::System(SystemEvent::Remarked {
                    sender: who,
                    hash: blake2_256(remark),
                }));
            }
            Ok(())
        }
        RuntimeCall::Timestamp(crate::call::TimestampCall::set { now }) => {
            origin.none()?;
            set_timestamp(s, *now)
        }
        RuntimeCall::Balances(c) => dispatch_balances(s, origin, c, events),
        RuntimeCall::SubtensorModule(c) => {
            let mut ev = Vec::new();
            subtensor::dispatch::dispatch(s, ctx, origin, c, &mut ev)?;
            events.extend(ev.into_iter().map(RuntimeEvent::SubtensorModule));
            Ok(())
        }
        RuntimeCall::Utility(c) => dispatch_utility(s, ctx, origin, c, events),
        RuntimeCall::Sudo(c) => dispatch_sudo(s, ctx, origin, c, events),
        RuntimeCall::Commitments(c) => {
            let mut ev = Vec::new();
            crate::commitments::dispatch(s, ctx, origin, c, &mut ev)?;
            events.extend(ev.into_iter().map(RuntimeEvent::Commitments));
            Ok(())
        }
        RuntimeCall::AdminUtils(c) => crate::admin::dispatch(s, ctx, origin, c, events),
        RuntimeCall::Swap(c) => crate::swap_pallet::dispatch(s, origin, c, events),
    }
}

fn set_timestamp(s: &mut Storage, now: u64) -> Result<(), DispatchError> {
    if DidUpdate::get(s) {
        return Err(DispatchError::module(TIMESTAMP_INDEX, 0));
    }
    let prev = Now::get(s);
    if now < prev {
        return Err(DispatchError::module(TIMESTAMP_INDEX, 0));
    }
    Now::put(s, &now);
    DidUpdate::put(s, &true);
    Ok(())
}

fn dispatch_balances(
    s: &mut Storage,
    origin: &Origin,
    call: &BalancesCall,
    events: &mut Vec<RuntimeEvent>,
) -> Result<(), DispatchError> {
    let mut ev = Vec::new();
    match call {
        BalancesCall::transfer_allow_death { dest, value } => {
            let from = origin.signed()?;
            let to = dest.lookup()?;
            balances::transfer(s, &from, &to, *value, Existence::AllowDeath, &mut ev)?;
        }
        BalancesCall::transfer_keep_alive { dest, value } => {
            let from = origin.signed()?;
            let to = dest.lookup()?;
            balances::transfer(s, &from, &to, *value, Existence::KeepAlive, &mut ev)?;
        }
        BalancesCall::transfer_all { dest, keep_alive } => {
            let from = origin.signed()?;
            let to = dest.lookup()?;
            balances::transfer_all(s, &from, &to, *keep_alive, &mut ev)?;
        }
        BalancesCall::force_transfer {
            source,
            dest,
            value,
        } => {
            origin.root()?;
            let from = source.lookup()?;
            let to = dest.lookup()?;
            balances::transfer(s, &from, &to, *value, Existence::AllowDeath, &mut ev)?;
        }
        BalancesCall::force_set_balance { who, new_free } => {
            origin.root()?;
            let who = who.lookup()?;
            balances::force_set_balance(s, &who, *new_free, &mut ev);
        }
    }
    events.extend(ev.into_iter().map(RuntimeEvent::Balances));
    Ok(())
}

fn dispatch_utility(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &UtilityCall,
    events: &mut Vec<RuntimeEvent>,
) -> Result<(), DispatchError> {
    match call {
        UtilityCall::batch { calls } => {
            check_batch_len(calls)?;
            for (i, c) in calls.iter().enumerate() {
                if let Err(error) = dispatch(s, ctx, origin, c, events) {
                    events.push(RuntimeEvent::Utility(UtilityEvent::BatchInterrupted {
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        error,
                    }));
                    // `batch` itself succeeds: the calls before the failure stay applied.
                    return Ok(());
                }
                events.push(RuntimeEvent::Utility(UtilityEvent::ItemCompleted));
            }
            events.push(RuntimeEvent::Utility(UtilityEvent::BatchCompleted));
            Ok(())
        }
        UtilityCall::batch_all { calls } => {
            check_batch_len(calls)?;
            for c in calls {
                // The outer transaction (around this whole call) undoes earlier items.
                dispatch(s, ctx, origin, c, events)?;
                events.push(RuntimeEvent::Utility(UtilityEvent::ItemCompleted));
            }
            events.push(RuntimeEvent::Utility(UtilityEvent::BatchCompleted));
            Ok(())
        }
        UtilityCall::force_batch { calls } => {
            check_batch_len(calls)?;
            let mut failed = false;
            for c in calls {
                match dispatch(s, ctx, origin, c, events) {
                    Ok(()) => events.push(RuntimeEvent::Utility(UtilityEvent::ItemCompleted)),
                    Err(error) => {
                        failed = true;
                        events.push(RuntimeEvent::Utility(UtilityEvent::ItemFailed { error }));
                    }
                }
            }
            events.push(RuntimeEvent::Utility(if failed {
                UtilityEvent::BatchCompletedWithErrors
            } else {
                UtilityEvent::BatchCompleted
            }));
            Ok(())
        }
    }
}

fn check_batch_len(calls: &[RuntimeCall]) -> Result<(), DispatchError> {
    if calls.len() > MAX_BATCH_CALLS {
        return Err(DispatchError::module(UTILITY_INDEX, UTILITY_TOO_MANY_CALLS));
    }
    Ok(())
}

fn ensure_sudo(s: &Storage, origin: &Origin) -> Result<AccountId32, DispatchError> {
    let who = origin.signed()?;
    match Key::try_get(s) {
        Some(key) if key == who => Ok(who),
        _ => Err(DispatchError::module(SUDO_INDEX, SUDO_REQUIRE_SUDO)),
    }
}

fn dispatch_sudo(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &SudoCall,
    events: &mut Vec<RuntimeEvent>,
) -> Result<(), DispatchError> {
    let key = ensure_sudo(s, origin)?;
    match call {
        SudoCall::sudo { call } | SudoCall::sudo_unchecked_weight { call, .. } => {
            let sudo_result = dispatch(s, ctx, &Origin::Root, call, events);
            events.push(RuntimeEvent::Sudo(SudoEvent::Sudid { sudo_result }));
        }
        SudoCall::sudo_as { who, call } => {
            let who = who.lookup()?;
            let sudo_result = dispatch(s, ctx, &Origin::Signed(who), call, events);
            events.push(RuntimeEvent::Sudo(SudoEvent::SudoAsDone { sudo_result }));
        }
        SudoCall::set_key { new } => {
            let new = new.lookup()?;
            Key::put(s, &new);
            events.push(RuntimeEvent::Sudo(SudoEvent::KeyChanged {
                old: Some(key),
                new,
            }));
        }
        SudoCall::remove_key => {
            Key::kill(s);
            events.push(RuntimeEvent::Sudo(SudoEvent::KeyRemoved));
        }
    }
    Ok(())
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
        Number::put(s, &number);
        ParentHash::put(s, &parent_hash);
        if let Some(parent) = number.checked_sub(1) {
            BlockHash::insert(s, &parent, &parent_hash);
            if let Some(old) = parent.checked_sub(BLOCK_HASH_COUNT) {
                BlockHash::remove(s, &old);
            }
        }
        Events::kill(s);
        EventCount::kill(s);
        ExtrinsicCount::kill(s);
        DidUpdate::kill(s);
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

    /// The events so far.
    pub fn events(&self) -> &[EventRecord] {
        &self.events
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

    /// Applies an unsigned inherent (`Timestamp.set`). An inherent that fails makes the block
    /// invalid, so the error is returned and nothing is recorded.
    pub fn apply_inherent(
        &mut self,
        s: &mut Storage,
        call: &RuntimeCall,
    ) -> Result<(), DispatchError> {
        if !matches!(call, RuntimeCall::Timestamp(_)) {
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
        if info.pays_fee == Pays::Yes && account.providers == 0 && account.sufficients == 0 {
            return Err(InvalidTransaction::Payment);
        }
        if nonce < account.nonce {
            return Err(InvalidTransaction::Stale);
        }
        if nonce > account.nonce {
            return Err(InvalidTransaction::Future);
        }
        let fee = compute_fee(call, len, tip);
        let mut events: Vec<RuntimeEvent> = Vec::new();
        let mut fee_events = Vec::new();
        s.transactional(|s| balances::withdraw(s, who, fee, &mut fee_events))
            .map_err(|_| InvalidTransaction::Payment)?;
        account = balances::Account::get(s, who);
        account.nonce = account.nonce.saturating_add(1);
        balances::Account::insert(s, who, &account);
        events.extend(fee_events.into_iter().map(RuntimeEvent::Balances));

        let result = dispatch(s, &self.ctx, &Origin::Signed(*who), call, &mut events);
        let charged = if result.is_ok() && refunds_on_success(call) {
            let mut ev = Vec::new();
            balances::deposit(s, who, fee.saturating_sub(tip), &mut ev);
            events.extend(ev.into_iter().map(RuntimeEvent::Balances));
            tip.min(fee)
        } else {
            fee
        };
        if charged > 0
            && let Some(author) = self.ctx.author
        {
            let mut ev = Vec::new();
            balances::deposit(s, &author, charged, &mut ev);
            events.extend(ev.into_iter().map(RuntimeEvent::Balances));
        }
        events.push(RuntimeEvent::TransactionPayment(
            TransactionPaymentEvent::TransactionFeePaid {
                who: *who,
                actual_fee: charged,
                tip: tip.min(charged),
            },
        ));
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
        Events::put(s, &self.events);
        EventCount::put(s, &u32::try_from(self.events.len()).unwrap_or(u32::MAX));
        ExtrinsicCount::put(s, &self.extrinsic_index);
        self.events
    }
}
