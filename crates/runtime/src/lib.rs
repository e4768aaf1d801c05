//! Cortex's runtime: the chain's state transition function.
//!
//! It reproduces subtensor's live behaviour (`spec/economy.md` of the shared specification) as a
//! deterministic state machine over a key-value state with Substrate's storage layout, so that
//! clients reading storage through JSON-RPC decode it as they decode subtensor's. The runtime
//! does no I/O, reads no clock and starts no threads; integers and fixed point only, ordered maps
//! only, checked or saturating arithmetic only. Two nodes fed the same blocks reach the same
//! state root.
//!
//! # The facade
//!
//! The node uses the runtime through [`Runtime`] alone (and the types its methods take and
//! return): the genesis, a block's initialization, application and finalization, a
//! transaction's validity, its fee and call info, `state_call`, the metadata and the state root.
//! The modules behind it are private to the crate (the `internals` feature opens them to the
//! runtime's own integration tests and benchmarks, and to nothing else). Clients build calls and
//! decode events with the wire types in [`types`], and read storage at the keys in [`keys`].
//!
//! # How a block runs
//!
//! 1. [`Runtime::initialize_block`]: System records the number and the parent's hash, the
//!    previous block's events and timestamp flag are cleared, and SubtensorModule's block step
//!    runs (`on_initialize`): the neuron burn decays, the block's TAO emission is computed from
//!    issuance, the coinbase injects it into the subnets' pools and accumulates their alpha, the
//!    epochs that are due run Yuma Consensus and pay out (at most `MaxEpochsPerBlock`, the rest
//!    deferred), and the price averages and root proportions move.
//! 2. [`BlockBuilder::apply_inherents`]: the author's `Timestamp.set` inherent, first in the body.
//! 3. [`BlockBuilder::apply_extrinsic`], for each signed extrinsic the node picked from its pool
//!    (signatures checked by the node, with [`check_signature`]): the nonce must be the signer's
//!    next and the fee payable, else the extrinsic is invalid and changes nothing; otherwise the
//!    fee is withdrawn and the nonce used, the call dispatched to its pallet in a storage
//!    transaction (a failed call changes nothing else), and the fee settled to the author.
//!    `ExtrinsicSuccess` or `ExtrinsicFailed` records the outcome.
//! 4. [`BlockBuilder::finalize`]: `System.Events` is written; [`Runtime::state_root`] is what the
//!    header commits to.
//!
//! # Layout
//!
//! One module per pallet, each with its calls, their weights and dispatch, its storage, events
//! and errors: [`system`](crate::system), `timestamp`, `balances`, `transaction_payment`,
//! `subtensor` (one file per concept), `utility`, `sudo`, `commitments`, `admin_utils`, `swap`
//! and `mev_shield`. Pallets depend on [`storage`](crate::storage), the shared `support` types and on the
//! pallets below them; what a pallet needs from one above it is a small trait, wired in
//! `config`. Above the pallets, and only there, the aggregates: `call` (`RuntimeCall`), `event`
//! (`RuntimeEvent`), `executive`, `extrinsic`, `genesis`, `metadata`, `runtime_api` and this
//! facade. `docs/layout.md` of the repository has the whole map.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)
)]

/// Declares the crate's modules: public with the `internals` feature, which the runtime's own
/// integration tests and benchmarks enable to reach into pallets, crate-private otherwise, so
/// that the node (which never enables it) sees only the facade.
macro_rules! modules {
    ($($name:ident),* $(,)?) => {
        $(
            #[cfg(feature = "internals")]
            pub mod $name;
            #[cfg(not(feature = "internals"))]
            pub(crate) mod $name;
        )*
    };
}

// Shared by every pallet. Written out, not through `modules!`: they define the `macro_export`
// macros (`storage_value!`, `pallet_calls!`, …), which cannot come out of a macro expansion.
#[cfg(feature = "internals")]
pub mod storage;
#[cfg(not(feature = "internals"))]
pub(crate) mod storage;
#[cfg(feature = "internals")]
pub mod support;
#[cfg(not(feature = "internals"))]
pub(crate) mod support;

modules!(
    // The pallets.
    system,
    timestamp,
    balances,
    transaction_payment,
    swap,
    subtensor,
    commitments,
    admin_utils,
    utility,
    sudo,
    mev_shield,
    // The aggregates.
    config,
    call,
    event,
    executive,
    extrinsic,
    genesis,
    metadata,
    runtime_api,
    runtime,
);
pub mod version;

#[cfg(test)]
mod test_support;

pub use executive::{Applied, InvalidTransaction, ValidTransaction};
pub use extrinsic::{
    AdditionalSigned, CheckContext, CheckedSigned, Era, ExtrinsicDecodeError, MultiSignature,
    Signature, SignedExtra, TransactionValidityError, UncheckedExtrinsic, check_signature,
    extrinsic_hash, signing_payload,
};
pub use genesis::{
    ChainParams, DEV_ACCOUNTS, DEV_AUTHOR, GenesisConfig, GenesisError, TAO, dev_account,
};
pub use runtime::{BlockBuilder, Runtime, RuntimeDispatchInfo, RuntimeVersion};
pub use runtime_api::RuntimeApiError;
pub use storage::{Changes, Storage};
pub use system::BLOCK_HASH_COUNT;

/// The wire types: the calls clients compose, and the events, errors and accounts they decode,
/// with subtensor's layouts.
pub mod types {
    pub use crate::admin_utils::{AdminUtilsCall, AdminUtilsError, AdminUtilsEvent};
    pub use crate::balances::{
        AccountData, AccountInfo, BalancesCall, BalancesError, BalancesEvent, EXISTENTIAL_DEPOSIT,
    };
    pub use crate::call::{
        CallDecodeError, MAX_CALL_DEPTH, RuntimeCall, SubtensorCall, SudoCall, UtilityCall,
    };
    pub use crate::commitments::{
        BoundedBytes, CommitmentsCall, CommitmentsError, CommitmentsEvent,
    };
    pub use crate::event::{EventRecord, RuntimeEvent};
    pub use crate::mev_shield::{
        DispatchErrorWithPostInfo, ENC_KEY_LEN as SHIELD_ENC_KEY_LEN, MevShieldCall,
        MevShieldError, MevShieldEvent, PostDispatchInfo, ShieldedCiphertext,
        key_hash as shield_key_hash, submission_id as shield_submission_id,
    };
    pub use crate::subtensor::errors::Error as SubtensorError;
    pub use crate::subtensor::events::Event as SubtensorEvent;
    pub use crate::sudo::SudoEvent;
    pub use crate::support::{
        ArithmeticError, DispatchClass, DispatchError, DispatchInfo, ModuleError, MultiAddress,
        Pays, TokenError, TransactionalError, Weight,
    };
    pub use crate::swap::{SwapCall, SwapEvent, SwapPalletError};
    pub use crate::system::{DigestItem, DigestLogs, Phase, SystemCall, SystemEvent};
    pub use crate::timestamp::TimestampCall;
    pub use crate::transaction_payment::TransactionPaymentEvent;
    pub use crate::utility::UtilityEvent;

    // What the runtime APIs answer (`state_call`), with subtensor's layouts.
    pub use crate::runtime_api::delegate_info::DelegateInfo;
    pub use crate::runtime_api::hyperparams::{HyperparamEntry, HyperparamValue};
    pub use crate::runtime_api::metagraph::Metagraph;
    pub use crate::runtime_api::neuron_info::{NeuronInfo, NeuronInfoLite};
    pub use crate::runtime_api::stake_info::StakeInfo;
    pub use crate::runtime_api::subnet_info::DynamicInfo;
    pub use crate::runtime_api::subnet_state::SubnetState;
    pub use crate::runtime_api::swap::{SimSwapResult, SubnetPrice};
    pub use crate::subtensor::identity::{ChainIdentityV2, SubnetIdentityV3};
    pub use crate::subtensor::serving::AxonInfo;
    pub use crate::subtensor::weights::commit_hash as weights_commit_hash;
}

/// Storage keys of the items clients read with `state_getStorage`.
pub mod keys {
    use cortex_primitives::AccountId32;

    /// `System.Account` of `who` (its value decodes as [`crate::types::AccountInfo`]).
    pub fn account(who: &AccountId32) -> Vec<u8> {
        crate::balances::Account::key(who)
    }

    /// The prefix of every `System.Account` key.
    pub fn account_prefix() -> Vec<u8> {
        crate::balances::Account::prefix()
    }

    /// `MevShield.NextKey` (an optional ML-KEM-768 encapsulation key, SCALE `Vec<u8>`).
    pub fn mev_shield_next_key() -> Vec<u8> {
        crate::mev_shield::NextKey::key()
    }

    /// `System.Events` (a `Vec` of [`crate::types::EventRecord`]).
    pub fn events() -> Vec<u8> {
        crate::event::Events::key()
    }

    /// `SubtensorModule.Burn` of `netuid`: the price of a burned registration, in rao (`u64`).
    pub fn burn(netuid: cortex_primitives::NetUid) -> Vec<u8> {
        crate::subtensor::storage::Burn::key(&netuid)
    }

    /// `SubtensorModule.Uids` of `hotkey` on `netuid` (an optional `u16`).
    pub fn uid(netuid: cortex_primitives::NetUid, hotkey: &AccountId32) -> Vec<u8> {
        crate::subtensor::storage::Uids::key(&netuid, hotkey)
    }

    /// `SubtensorModule.WeightCommits` of `hotkey` under `netuid_index` (a `Vec` of
    /// `(hash, commit block, first reveal block, last reveal block)`).
    pub fn weight_commits(netuid_index: u16, hotkey: &AccountId32) -> Vec<u8> {
        crate::subtensor::storage::WeightCommits::key(&netuid_index, hotkey)
    }

    /// `Timestamp.Now`: the block's time in milliseconds (`u64`).
    pub fn timestamp_now() -> Vec<u8> {
        crate::timestamp::Now::key()
    }

    /// `Sudo.Key`: the sudo account, if any.
    pub fn sudo_key() -> Vec<u8> {
        crate::sudo::Key::key()
    }

    /// `SubtensorModule.SubnetEpochIndex` of `netuid`: how many epochs it has run (`u64`), what
    /// commit-reveal judges commits and reveals against.
    pub fn subnet_epoch_index(netuid: cortex_primitives::NetUid) -> Vec<u8> {
        crate::subtensor::storage::SubnetEpochIndex::key(&netuid)
    }

    /// `SubtensorModule.TotalNetworks` (`u16`).
    pub fn total_networks() -> Vec<u8> {
        crate::subtensor::storage::TotalNetworks::key()
    }
}
