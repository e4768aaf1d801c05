//! Runtime APIs answered through `state_call`: the node-level ones (`Metadata`, `Core`,
//! `AccountNonceApi`, `TransactionPaymentApi`), which need the extrinsic format or the metadata,
//! and every other method handed to [`cortex_runtime::runtime_api::call`].

use codec::{Compact, Decode, Encode};
use cortex_primitives::AccountId32;
use cortex_runtime::balances;
use cortex_runtime::executive::{call_info, compute_fee};
use cortex_runtime::extrinsic::UncheckedExtrinsic;
use cortex_runtime::runtime_api::{self, RuntimeApiError};
use cortex_runtime::storage::Storage;
use cortex_runtime::support::{DispatchClass, Weight};
use cortex_runtime::version;

/// What the node-level APIs need besides the state.
#[derive(Debug)]
pub struct ApiContext {
    /// `Option<OpaqueMetadata>` payload: the V15 metadata, prefixed (`meta` 0x0f …).
    pub metadata_v15: Vec<u8>,
    /// The V14 metadata (`meta` 0x0e …): what `state_getMetadata` serves, as Substrate does.
    pub metadata_v14: Vec<u8>,
    /// The runtime-version `apis` list.
    pub api_ids: Vec<([u8; 8], u32)>,
}

/// `sp_version::RuntimeVersion` as `Core_version` encodes it.
#[derive(Encode)]
struct RuntimeVersion<'a> {
    spec_name: &'a str,
    impl_name: &'a str,
    authoring_version: u32,
    spec_version: u32,
    impl_version: u32,
    apis: &'a [([u8; 8], u32)],
    transaction_version: u32,
    system_version: u8,
}

/// `pallet_transaction_payment::RuntimeDispatchInfo`.
#[derive(Encode, Decode, Debug, PartialEq, Eq)]
pub struct RuntimeDispatchInfo {
    /// The call's weight.
    pub weight: Weight,
    /// Its class.
    pub class: DispatchClass,
    /// The fee without tip, in rao (0 for `Pays::No` calls).
    pub partial_fee: u64,
}

/// The fee preview for an encoded extrinsic of `len` bytes: no signature check, as in
/// Substrate (clients sign with a zero signature to ask).
pub fn query_info(xt: &UncheckedExtrinsic, len: u32) -> RuntimeDispatchInfo {
    let info = call_info(&xt.call);
    RuntimeDispatchInfo {
        weight: info.weight,
        class: info.class,
        partial_fee: compute_fee(&xt.call, len, 0),
    }
}

/// Answers runtime-API `method` over `s`.
pub fn call(
    s: &Storage,
    ctx: &ApiContext,
    method: &str,
    input: &[u8],
) -> Result<Vec<u8>, RuntimeApiError> {
    let bad = |reason: String| RuntimeApiError::BadInput {
        method: method.to_string(),
        reason,
    };
    let decode_all = |bytes: &[u8]| -> Result<(), RuntimeApiError> {
        if bytes.is_empty() {
            Ok(())
        } else {
            Err(bad(format!("{} bytes left after the inputs", bytes.len())))
        }
    };
    match method {
        "Metadata_metadata" => {
            decode_all(input)?;
            Ok(ctx.metadata_v14.encode())
        }
        "Metadata_metadata_at_version" => {
            let mut i = input;
            let v = u32::decode(&mut i).map_err(|e| bad(format!("expected version: u32 ({e})")))?;
            decode_all(i)?;
            Ok(match v {
                15 => Some(&ctx.metadata_v15).encode(),
                14 => Some(&ctx.metadata_v14).encode(),
                _ => None::<Vec<u8>>.encode(),
            })
        }
        "Metadata_metadata_versions" => {
            decode_all(input)?;
            Ok(cortex_runtime::metadata::metadata_versions().encode())
        }
        "Core_version" => {
            decode_all(input)?;
            Ok(RuntimeVersion {
                spec_name: version::SPEC_NAME,
                impl_name: version::SPEC_NAME,
                authoring_version: version::AUTHORING_VERSION,
                spec_version: version::SPEC_VERSION,
                impl_version: version::IMPL_VERSION,
                apis: &ctx.api_ids,
                transaction_version: version::TRANSACTION_VERSION,
                system_version: version::SYSTEM_VERSION,
            }
            .encode())
        }
        "AccountNonceApi_account_nonce" => {
            let mut i = input;
            let who = AccountId32::decode(&mut i)
                .map_err(|e| bad(format!("expected account: AccountId32 ({e})")))?;
            decode_all(i)?;
            Ok(balances::Account::get(s, &who).nonce.encode())
        }
        "TransactionPaymentApi_query_info" => {
            // `uxt` is the extrinsic with its length prefix, then `len: u32`.
            let mut i = input;
            let declared = Compact::<u32>::decode(&mut i)
                .map_err(|e| bad(format!("expected uxt: UncheckedExtrinsic ({e})")))?
                .0 as usize;
            let body = i
                .get(..declared)
                .ok_or_else(|| bad("the extrinsic is truncated".into()))?;
            let mut rest = i.get(declared..).unwrap_or_default();
            let xt = UncheckedExtrinsic::decode_body(body).map_err(|e| bad(e.to_string()))?;
            let len =
                u32::decode(&mut rest).map_err(|e| bad(format!("expected len: u32 ({e})")))?;
            decode_all(rest)?;
            Ok(query_info(&xt, len).encode())
        }
        _ => runtime_api::call(s, method, input),
    }
}
