//! The facade: everything the node does with the runtime goes through [`Runtime`] and the
//! [`BlockBuilder`] it starts. It holds what is fixed for a running chain (the metadata for its
//! block time, the runtime-API versions) and answers the node's questions about a state: the
//! genesis, a block's execution, a transaction's validity and fee, `state_call`, the metadata
//! and the state root. See the crate's documentation for how a block runs.

use crate::call::RuntimeCall;
use crate::event::EventRecord;
use crate::executive::{self, Applied, Block, InvalidTransaction, ValidTransaction};
use crate::extrinsic::UncheckedExtrinsic;
use crate::genesis::{GenesisConfig, GenesisError};
use crate::runtime_api::{self, RuntimeApiError};
use crate::storage::Storage;
use crate::support::{BlockContext, DispatchClass, DispatchError, Weight};
use crate::mev_shield::MevShieldCall;
use crate::{balances, metadata, mev_shield, timestamp, version};
use codec::{Compact, Decode, Encode};
use cortex_primitives::AccountId32;

/// `sp_version::RuntimeVersion`: what clients sign into extrinsics and `Core_version` answers.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct RuntimeVersion {
    /// `node-subtensor`.
    pub spec_name: &'static str,
    /// The implementation's name (the spec's).
    pub impl_name: &'static str,
    /// The authoring version.
    pub authoring_version: u32,
    /// The spec version (a change of metadata bumps it).
    pub spec_version: u32,
    /// The implementation version.
    pub impl_version: u32,
    /// Each runtime API's id (BLAKE2b-64 of its name) and version.
    pub apis: Vec<([u8; 8], u32)>,
    /// The transaction version.
    pub transaction_version: u32,
    /// The system (state) version.
    pub system_version: u8,
}

/// `pallet_transaction_payment::RuntimeDispatchInfo`: a call's weight, class and fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct RuntimeDispatchInfo {
    /// The call's weight.
    pub weight: Weight,
    /// Its class.
    pub class: DispatchClass,
    /// The fee without tip, in rao (0 for `Pays::No` calls).
    pub partial_fee: u64,
}

/// The runtime of one chain.
#[derive(Debug)]
pub struct Runtime {
    metadata_v15: Vec<u8>,
    metadata_v14: Vec<u8>,
    version: RuntimeVersion,
}

impl Runtime {
    /// The runtime of a chain whose blocks are `block_time_ms` apart (the metadata's
    /// `Aura.SlotDuration`: 250 on the fast dev chain, 12 000 otherwise).
    pub fn new(block_time_ms: u64) -> Runtime {
        Runtime {
            metadata_v15: metadata::metadata_v15_bytes(block_time_ms),
            metadata_v14: metadata::metadata_v14_bytes(block_time_ms),
            version: RuntimeVersion {
                spec_name: version::SPEC_NAME,
                impl_name: version::SPEC_NAME,
                authoring_version: version::AUTHORING_VERSION,
                spec_version: version::SPEC_VERSION,
                impl_version: version::IMPL_VERSION,
                apis: metadata::api_ids(),
                transaction_version: version::TRANSACTION_VERSION,
                system_version: version::SYSTEM_VERSION,
            },
        }
    }

    /// The genesis state of `config`.
    pub fn genesis(&self, config: &GenesisConfig) -> Result<Storage, GenesisError> {
        config.build()
    }

    /// Starts block `number` on top of `parent_hash`, authored by `author` (who receives the
    /// fees; they are burned without one): runs the block's initialization (SubtensorModule's
    /// block step) and returns the builder that applies its extrinsics.
    pub fn initialize_block(
        &self,
        state: &mut Storage,
        number: u32,
        parent_hash: [u8; 32],
        author: Option<AccountId32>,
    ) -> BlockBuilder {
        BlockBuilder {
            block: Block::initialize(state, number, parent_hash, author),
        }
    }

    /// Checks a signed call (its signature already checked) against `state` without changing
    /// it, as the pool's `validate_transaction`: the nonce, and that the signer can pay.
    pub fn validate_transaction(
        &self,
        state: &Storage,
        who: &AccountId32,
        nonce: u32,
        call: &RuntimeCall,
        len: u32,
        tip: u64,
    ) -> Result<ValidTransaction, InvalidTransaction> {
        executive::validate_signed(state, who, nonce, call, len, tip)
    }

    /// The weight, class and fee (without tip) of `call` in an extrinsic of `len` bytes, as
    /// `payment_queryInfo` and `TransactionPaymentApi_query_info` answer.
    pub fn query_info(&self, call: &RuntimeCall, len: u32) -> RuntimeDispatchInfo {
        let info = executive::call_info(call);
        RuntimeDispatchInfo {
            weight: info.weight,
            class: info.class,
            partial_fee: executive::compute_fee(call, len, 0),
        }
    }

    /// The next nonce of `who`'s account in `state`.
    pub fn account_nonce(&self, state: &Storage, who: &AccountId32) -> u32 {
        balances::Account::get(state, who).nonce
    }

    /// The runtime's version.
    pub fn version(&self) -> &RuntimeVersion {
        &self.version
    }

    /// The metadata in `version` 14 or 15, prefixed (`meta` ++ version ++ body).
    pub fn metadata(&self, version: u32) -> Option<&[u8]> {
        match version {
            14 => Some(&self.metadata_v14),
            15 => Some(&self.metadata_v15),
            _ => None,
        }
    }

    /// The root of `state` (what a header's `state_root` commits to).
    pub fn state_root(&self, state: &Storage) -> [u8; 32] {
        state.root()
    }

    /// Answers runtime-API `method` with SCALE `input` over `state` (`state_call`): the
    /// Substrate APIs (`Core`, `Metadata`, `AccountNonceApi`, `TransactionPaymentApi`) here, and
    /// subtensor's in [`crate::runtime_api`].
    pub fn state_call(
        &self,
        state: &Storage,
        method: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, RuntimeApiError> {
        let bad = |reason: String| RuntimeApiError::BadInput {
            method: method.to_string(),
            reason,
        };
        let end = |bytes: &[u8]| -> Result<(), RuntimeApiError> {
            if bytes.is_empty() {
                Ok(())
            } else {
                Err(bad(format!("{} bytes left after the inputs", bytes.len())))
            }
        };
        match method {
            "Metadata_metadata" => {
                end(input)?;
                Ok(self.metadata_v14.encode())
            }
            "Metadata_metadata_at_version" => {
                let mut i = input;
                let v =
                    u32::decode(&mut i).map_err(|e| bad(format!("expected version: u32 ({e})")))?;
                end(i)?;
                Ok(self.metadata(v).encode())
            }
            "Metadata_metadata_versions" => {
                end(input)?;
                Ok(metadata::metadata_versions().encode())
            }
            "Core_version" => {
                end(input)?;
                Ok(self.version.encode())
            }
            "AccountNonceApi_account_nonce" => {
                let mut i = input;
                let who = AccountId32::decode(&mut i)
                    .map_err(|e| bad(format!("expected account: AccountId32 ({e})")))?;
                end(i)?;
                Ok(self.account_nonce(state, &who).encode())
            }
            "TransactionPaymentApi_query_info" => {
                // `uxt` is the extrinsic with its length prefix, then `len: u32`.
                let mut i = input;
                let declared = Compact::<u32>::decode(&mut i)
                    .map_err(|e| bad(format!("expected uxt: UncheckedExtrinsic ({e})")))?
                    .0;
                let declared = usize::try_from(declared).unwrap_or(usize::MAX);
                let body = i
                    .get(..declared)
                    .ok_or_else(|| bad("the extrinsic is truncated".into()))?;
                let mut rest = i.get(declared..).unwrap_or_default();
                let xt = UncheckedExtrinsic::decode_body(body).map_err(|e| bad(e.to_string()))?;
                let len =
                    u32::decode(&mut rest).map_err(|e| bad(format!("expected len: u32 ({e})")))?;
                end(rest)?;
                Ok(self.query_info(&xt.call, len).encode())
            }
            _ => runtime_api::call(state, method, input),
        }
    }
}

/// A block being built: its inherents, then its signed extrinsics, then its finalization.
#[derive(Debug)]
pub struct BlockBuilder {
    block: Block,
}

impl BlockBuilder {
    /// The block's number and author.
    pub fn context(&self) -> &BlockContext {
        self.block.context()
    }

    /// Applies the block's inherents for a block authored at `wall_clock_ms` (the
    /// `Timestamp.set` inherent, never earlier than the parent's timestamp) and returns them
    /// encoded, as they go first in the block's body. An inherent that fails makes the block
    /// invalid: the error is returned and nothing is recorded.
    pub fn apply_inherents(
        &mut self,
        state: &mut Storage,
        wall_clock_ms: u64,
    ) -> Result<Vec<Vec<u8>>, DispatchError> {
        let call = RuntimeCall::Timestamp(timestamp::inherent(state, wall_clock_ms));
        self.block.apply_inherent(state, &call)?;
        Ok(vec![UncheckedExtrinsic::bare(call).to_bytes()])
    }

    /// Records the block's header digest (`System.Digest`): its consensus engine's items.
    pub fn deposit_digest(&mut self, state: &mut Storage, logs: Vec<crate::system::DigestItem>) {
        crate::system::Digest::put(state, &crate::system::DigestLogs { logs });
    }

    /// Applies the author's MevShield key inherent, for an author holding the ML-KEM-768
    /// encapsulation key `enc_key`, and returns it encoded; `None` when the keys in `state`
    /// have already settled on `enc_key` (the inherent is only carried until they have). It
    /// goes right after [`Self::apply_inherents`]'s.
    pub fn apply_shield_key(
        &mut self,
        state: &mut Storage,
        enc_key: &[u8],
    ) -> Result<Option<Vec<u8>>, DispatchError> {
        let Some(call) = mev_shield::inherent(state, enc_key) else {
            return Ok(None);
        };
        let call = RuntimeCall::MevShield(call);
        self.block.apply_inherent(state, &call)?;
        Ok(Some(UncheckedExtrinsic::bare(call).to_bytes()))
    }

    /// Applies one of the author's MevShield reports on a carrier of an earlier block
    /// ([`MevShieldCall::decryption_failed`], [`MevShieldCall::decrypted_rejected`]) as an
    /// unsigned extrinsic and returns it encoded. It changes nothing but the block's events;
    /// any other call is refused with `BadOrigin`.
    pub fn apply_shield_report(
        &mut self,
        state: &mut Storage,
        report: &MevShieldCall,
    ) -> Result<Vec<u8>, DispatchError> {
        if matches!(report, MevShieldCall::announce_next_key { .. }) {
            return Err(DispatchError::BadOrigin);
        }
        let call = RuntimeCall::MevShield(report.clone());
        self.block.apply_inherent(state, &call)?;
        Ok(UncheckedExtrinsic::bare(call).to_bytes())
    }

    /// Applies a signed call whose signature the node has checked (see
    /// [`Block::apply_signed`]): an invalid one changes nothing; a valid one pays its fee and
    /// uses its nonce whatever the call's outcome.
    pub fn apply_extrinsic(
        &mut self,
        state: &mut Storage,
        who: &AccountId32,
        nonce: u32,
        tip: u64,
        call: &RuntimeCall,
        len: u32,
    ) -> Result<Applied, InvalidTransaction> {
        self.block.apply_signed(state, who, nonce, tip, call, len)
    }

    /// Finishes the block (writes `System.Events`) and returns its events.
    pub fn finalize(self, state: &mut Storage) -> Vec<EventRecord> {
        self.block.finalize(state)
    }
}
