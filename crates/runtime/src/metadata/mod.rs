//! The runtime's metadata (V15, and V14 from the same parts): what clients decode everything
//! through.
//!
//! The Python SDK and btcli fetch it with `state_call("Metadata_metadata_at_version", 15)` and
//! then decode storage values, `System.Events`, calls, errors and runtime-API results purely by
//! the type ids it gives; nothing is hard-coded on their side. So the metadata must describe
//! exactly what Cortex encodes: pallet names and indices, call and event variant indices, field
//! names and types, storage hashers and defaults, the signed extensions in order.
//!
//! Type **paths** matter too (`spec/wire.md` §2.2): the decoders special-case types by path, e.g.
//! `sp_core::crypto::AccountId32` renders as an SS58 address, `sp_runtime::multiaddress::
//! MultiAddress` is built from an address string, `sp_runtime::generic::era::Era` is read as
//! `(period, phase)`, `frame_system::EventRecord` yields `extrinsic_idx` from its phase, and the
//! outer `RuntimeCall`/`RuntimeEvent` become `{call_module, call_function, call_args}` and
//! `{module_id, event_id, attributes}`. Cortex's Rust types live in other modules, so their
//! derived paths are `cortex_runtime::…`; [`PATHS`] renames them to subtensor's after the type
//! registry is built (every other path stays as derived). Substrate types Cortex does not have
//! (`Era`, `MultiSignature`, the signed-extension types, `H256`, …) are described here by
//! private marker types that only exist for their `TypeInfo`.
//!
//! Storage entries come from the storage macros (each item's `metadata()`); a test checks that
//! every item declared in the sources is listed in [`storage_entries`]. A test also pins the
//! metadata's hash to `version::SPEC_VERSION`: clients cache metadata per spec version, so a
//! change without a version bump would leave them decoding with stale types.

mod paths;
mod storage;
mod types;

pub use storage::storage_entries;

use codec::Encode;
use cortex_primitives::AccountId32;
use cortex_primitives::hashing::blake2_64;
use frame_metadata::v15::{
    CustomMetadata, ExtrinsicMetadata, OuterEnums, PalletCallMetadata, PalletConstantMetadata,
    PalletErrorMetadata, PalletEventMetadata, PalletMetadata, PalletStorageMetadata,
    RuntimeApiMetadata, RuntimeApiMethodMetadata, RuntimeApiMethodParamMetadata,
    RuntimeMetadataV15, StorageEntryMetadata,
};
use frame_metadata::{RuntimeMetadataPrefixed, v14};
use paths::{rename_paths, rename_type_names};
use scale_info::{MetaType, TypeInfo, meta_type};
use std::collections::BTreeMap;
use types::{
    Extra, MultiSignature, OpaqueMetadata, Runtime, RuntimeDispatchInfo, RuntimeError,
    RuntimeVersion, UncheckedExtrinsic, signed_extensions,
};

/// The extrinsic format version clients must build (v4; neither client supports v5).
pub const EXTRINSIC_VERSION: u8 = 4;

/// `SubtensorModule.InitialStartCallDelay`: subtensor's runtime value (0 blocks). Cortex reads
/// the delay from `StartCallDelay`, whose default is the same.
pub const INITIAL_START_CALL_DELAY: u64 = 0;

/// `SubtensorModule.KeySwapCost`: subtensor's runtime value (0.1 TAO, in rao). Cortex has no key
/// swaps; clients only display it.
pub const KEY_SWAP_COST: u64 = 100_000_000;

// ---- Pallets ------------------------------------------------------------------------------------
/// A constant: its name, type and SCALE value.
fn constant<T: TypeInfo + Encode + 'static>(
    name: &'static str,
    value: T,
    docs: &'static str,
) -> PalletConstantMetadata {
    PalletConstantMetadata {
        name,
        ty: meta_type::<T>(),
        value: value.encode(),
        docs: vec![docs],
    }
}

/// What one pallet declares.
struct Pallet {
    name: &'static str,
    index: u8,
    calls: Option<MetaType>,
    event: Option<MetaType>,
    error: Option<MetaType>,
    constants: Vec<PalletConstantMetadata>,
}

impl Pallet {
    fn new(name: &'static str, index: u8) -> Pallet {
        Pallet {
            name,
            index,
            calls: None,
            event: None,
            error: None,
            constants: Vec::new(),
        }
    }
    fn calls<T: TypeInfo + 'static>(mut self) -> Pallet {
        self.calls = Some(meta_type::<T>());
        self
    }
    fn event<T: TypeInfo + 'static>(mut self) -> Pallet {
        self.event = Some(meta_type::<T>());
        self
    }
    fn error<T: TypeInfo + 'static>(mut self) -> Pallet {
        self.error = Some(meta_type::<T>());
        self
    }
    fn constants(mut self, constants: Vec<PalletConstantMetadata>) -> Pallet {
        self.constants = constants;
        self
    }
}

/// The pallets, with subtensor's names and indices (`spec/wire.md` §2.3), in index order.
fn pallet_list(slot_duration_ms: u64) -> Vec<Pallet> {
    use crate::call::{
        BalancesCall, SubtensorCall, SudoCall, SystemCall, TimestampCall, UtilityCall,
    };
    use crate::sudo::{SudoError, SudoEvent};
    use crate::swap::SwapEvent;
    use crate::system::{SystemError, SystemEvent};
    use crate::timestamp::TimestampError;
    use crate::transaction_payment::TransactionPaymentEvent;
    use crate::utility::{UtilityError, UtilityEvent};
    vec![
        Pallet::new("System", crate::system::PALLET_INDEX)
            .calls::<SystemCall>()
            .event::<SystemEvent>()
            .error::<SystemError>()
            .constants(vec![
                constant(
                    "BlockHashCount",
                    crate::system::BLOCK_HASH_COUNT,
                    " Recent block hashes kept (how long a mortal era may be).",
                ),
                constant(
                    "SS58Prefix",
                    crate::system::SS58_PREFIX,
                    " The SS58 address prefix.",
                ),
            ]),
        Pallet::new("Timestamp", crate::timestamp::PALLET_INDEX)
            .calls::<TimestampCall>()
            .error::<TimestampError>(),
        Pallet::new("Aura", 3).constants(vec![constant(
            "SlotDuration",
            slot_duration_ms,
            " The block time, in milliseconds.",
        )]),
        Pallet::new("Balances", crate::balances::PALLET_INDEX)
            .calls::<BalancesCall>()
            .event::<crate::balances::BalancesEvent>()
            .error::<crate::balances::BalancesError>()
            .constants(vec![constant(
                "ExistentialDeposit",
                crate::balances::EXISTENTIAL_DEPOSIT,
                " The smallest balance an account may hold, in rao.",
            )]),
        Pallet::new("TransactionPayment", crate::transaction_payment::PALLET_INDEX)
            .event::<TransactionPaymentEvent>()
            .constants(vec![constant(
                "OperationalFeeMultiplier",
                crate::transaction_payment::OPERATIONAL_FEE_MULTIPLIER,
                " Priority boost of operational transactions.",
            )]),
        Pallet::new("SubtensorModule", crate::subtensor::errors::PALLET_INDEX)
            .calls::<SubtensorCall>()
            .event::<crate::subtensor::events::Event>()
            .error::<crate::subtensor::errors::Error>()
            .constants(vec![
                constant(
                    "InitialStartCallDelay",
                    INITIAL_START_CALL_DELAY,
                    " Blocks after registration before a subnet's owner may start it.",
                ),
                constant(
                    "KeySwapCost",
                    KEY_SWAP_COST,
                    " The cost of a key swap, in rao.",
                ),
            ]),
        Pallet::new("Utility", crate::utility::PALLET_INDEX)
            .calls::<UtilityCall>()
            .event::<UtilityEvent>()
            .error::<UtilityError>(),
        Pallet::new("Sudo", crate::sudo::PALLET_INDEX)
            .calls::<SudoCall>()
            .event::<SudoEvent>()
            .error::<SudoError>(),
        Pallet::new("Commitments", crate::commitments::PALLET_INDEX)
            .calls::<crate::commitments::CommitmentsCall>()
            .event::<crate::commitments::CommitmentsEvent>()
            .error::<crate::commitments::CommitmentsError>(),
        Pallet::new("AdminUtils", crate::admin_utils::PALLET_INDEX)
            .calls::<crate::admin_utils::AdminUtilsCall>()
            .event::<crate::admin_utils::AdminUtilsEvent>()
            .error::<crate::admin_utils::AdminUtilsError>(),
        Pallet::new("Swap", crate::swap::PALLET_INDEX)
            .calls::<crate::swap::SwapCall>()
            .event::<SwapEvent>()
            .error::<crate::swap::SwapPalletError>(),
        Pallet::new("MevShield", crate::mev_shield::PALLET_INDEX)
            .calls::<crate::mev_shield::MevShieldCall>()
            .event::<crate::mev_shield::MevShieldEvent>()
            .error::<crate::mev_shield::MevShieldError>(),
    ]
}

/// The V15 pallets: [`pallet_list`] with each pallet's storage items.
fn pallets(slot_duration_ms: u64) -> Vec<PalletMetadata> {
    let mut by_pallet: BTreeMap<&'static str, Vec<StorageEntryMetadata>> = BTreeMap::new();
    for (pallet, entry) in storage_entries() {
        by_pallet.entry(pallet).or_default().push(entry);
    }
    pallet_list(slot_duration_ms)
        .into_iter()
        .map(|p| PalletMetadata {
            name: p.name,
            storage: by_pallet
                .remove(p.name)
                .map(|entries| PalletStorageMetadata {
                    prefix: p.name,
                    entries,
                }),
            calls: p.calls.map(|ty| PalletCallMetadata { ty }),
            event: p.event.map(|ty| PalletEventMetadata { ty }),
            constants: p.constants,
            error: p.error.map(|ty| PalletErrorMetadata { ty }),
            index: p.index,
            docs: Vec::new(),
        })
        .collect()
}

// ---- Runtime APIs -------------------------------------------------------------------------------
/// A runtime-API method.
fn method(
    name: &'static str,
    inputs: Vec<(&'static str, MetaType)>,
    output: MetaType,
) -> RuntimeApiMethodMetadata {
    RuntimeApiMethodMetadata {
        name,
        inputs: inputs
            .into_iter()
            .map(|(name, ty)| RuntimeApiMethodParamMetadata { name, ty })
            .collect(),
        output,
        docs: Vec::new(),
    }
}

/// The Substrate runtime APIs described here (the subtensor ones come from
/// [`crate::runtime_api::runtime_apis`]).
fn substrate_apis() -> Vec<RuntimeApiMetadata> {
    let api = |name: &'static str, methods: Vec<RuntimeApiMethodMetadata>| RuntimeApiMetadata {
        name,
        methods,
        docs: Vec::new(),
    };
    vec![
        api(
            "Core",
            vec![method("version", vec![], meta_type::<RuntimeVersion>())],
        ),
        api(
            "Metadata",
            vec![
                method("metadata", vec![], meta_type::<OpaqueMetadata>()),
                method(
                    "metadata_at_version",
                    vec![("version", meta_type::<u32>())],
                    meta_type::<Option<OpaqueMetadata>>(),
                ),
                method("metadata_versions", vec![], meta_type::<Vec<u32>>()),
            ],
        ),
        api(
            "AccountNonceApi",
            vec![method(
                "account_nonce",
                vec![("account", meta_type::<AccountId32>())],
                meta_type::<u32>(),
            )],
        ),
        api(
            "TransactionPaymentApi",
            vec![method(
                "query_info",
                vec![
                    ("uxt", meta_type::<UncheckedExtrinsic>()),
                    ("len", meta_type::<u32>()),
                ],
                meta_type::<RuntimeDispatchInfo>(),
            )],
        ),
    ]
}

/// Versions of the Substrate APIs (as subtensor's runtime declares them); other APIs are 1.
const API_VERSIONS: &[(&str, u32)] = &[
    ("Core", 5),
    ("Metadata", 2),
    ("AccountNonceApi", 1),
    ("TransactionPaymentApi", 4),
];

/// `state_getRuntimeVersion.apis`: each runtime API's id (BLAKE2b-64 of its trait name) and
/// version, for every API the metadata declares.
pub fn api_ids() -> Vec<([u8; 8], u32)> {
    substrate_apis()
        .iter()
        .chain(crate::runtime_api::runtime_apis().iter())
        .map(|api| {
            let version = API_VERSIONS
                .iter()
                .find(|(name, _)| *name == api.name)
                .map_or(1, |(_, v)| *v);
            (blake2_64(api.name.as_bytes()), version)
        })
        .collect()
}

// ---- The metadata -------------------------------------------------------------------------------
/// Metadata versions `Metadata_metadata_versions` reports.
pub fn metadata_versions() -> Vec<u32> {
    vec![14, 15]
}

/// The V15 metadata, for a chain whose blocks are `slot_duration_ms` apart
/// (`Aura.SlotDuration`: 250 on the fast dev chain, 12 000 otherwise).
pub fn metadata_v15(slot_duration_ms: u64) -> RuntimeMetadataV15 {
    let mut apis = substrate_apis();
    apis.extend(crate::runtime_api::runtime_apis());
    let mut v15 = RuntimeMetadataV15::new(
        pallets(slot_duration_ms),
        ExtrinsicMetadata {
            version: EXTRINSIC_VERSION,
            address_ty: meta_type::<crate::support::MultiAddress>(),
            call_ty: meta_type::<crate::call::RuntimeCall>(),
            signature_ty: meta_type::<MultiSignature>(),
            extra_ty: meta_type::<Extra>(),
            signed_extensions: signed_extensions(),
        },
        meta_type::<Runtime>(),
        apis,
        OuterEnums {
            call_enum_ty: meta_type::<crate::call::RuntimeCall>(),
            event_enum_ty: meta_type::<crate::event::RuntimeEvent>(),
            error_enum_ty: meta_type::<RuntimeError>(),
        },
        CustomMetadata {
            map: BTreeMap::new(),
        },
    );
    rename_paths(&mut v15.types);
    rename_type_names(&mut v15.types);
    v15
}

/// The V15 metadata as `RuntimeMetadataPrefixed` (`"meta"`, version 15, body).
pub fn metadata(slot_duration_ms: u64) -> RuntimeMetadataPrefixed {
    metadata_v15(slot_duration_ms).into()
}

/// The SCALE encoding of [`metadata`]: `b"meta" ++ 0x0f ++ body`, the blob
/// `Metadata_metadata_at_version(15)` wraps in `Some(OpaqueMetadata)`.
pub fn metadata_v15_bytes(slot_duration_ms: u64) -> Vec<u8> {
    metadata(slot_duration_ms).encode()
}

/// The V14 metadata's SCALE encoding (`b"meta" ++ 0x0e ++ body`), built from the same pallets
/// and extensions (V14 has no runtime APIs and no outer enums), for `state_getMetadata` and
/// `Metadata_metadata_at_version(14)`.
pub fn metadata_v14_bytes(slot_duration_ms: u64) -> Vec<u8> {
    let pallets = pallets(slot_duration_ms)
        .into_iter()
        .map(|p| v14::PalletMetadata {
            name: p.name,
            storage: p.storage,
            calls: p.calls,
            event: p.event,
            constants: p.constants,
            error: p.error,
            index: p.index,
        })
        .collect();
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsic>(),
        version: EXTRINSIC_VERSION,
        signed_extensions: signed_extensions()
            .into_iter()
            .map(|e| v14::SignedExtensionMetadata {
                identifier: e.identifier,
                ty: e.ty,
                additional_signed: e.additional_signed,
            })
            .collect(),
    };
    let mut v14 = v14::RuntimeMetadataV14::new(pallets, extrinsic, meta_type::<Runtime>());
    rename_paths(&mut v14.types);
    rename_type_names(&mut v14.types);
    RuntimeMetadataPrefixed::from(v14).encode()
}

#[cfg(test)]
mod tests;
