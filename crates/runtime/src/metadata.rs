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

use crate::admin_utils::AdminUtilsError;
use crate::balances::BalancesError;
use crate::commitments::CommitmentsError;
use crate::subtensor::errors::Error as SubtensorError;
use crate::sudo::SudoError;
use crate::support::{DispatchClass, Weight};
use crate::swap::SwapPalletError;
use crate::system::SystemError;
use crate::timestamp::TimestampError;
use crate::utility::UtilityError;
use codec::Encode;
use cortex_primitives::AccountId32;
use cortex_primitives::hashing::blake2_64;
use frame_metadata::v15::{
    CustomMetadata, ExtrinsicMetadata, OuterEnums, PalletCallMetadata, PalletConstantMetadata,
    PalletErrorMetadata, PalletEventMetadata, PalletMetadata, PalletStorageMetadata,
    RuntimeApiMetadata, RuntimeApiMethodMetadata, RuntimeApiMethodParamMetadata,
    RuntimeMetadataV15, SignedExtensionMetadata, StorageEntryMetadata,
};
use frame_metadata::{RuntimeMetadataPrefixed, v14};
use scale_info::{MetaType, PortableRegistry, TypeInfo, meta_type};
use std::collections::BTreeMap;

/// The extrinsic format version clients must build (v4; neither client supports v5).
pub const EXTRINSIC_VERSION: u8 = 4;
/// `SubtensorModule.InitialStartCallDelay`: subtensor's runtime value (0 blocks). Cortex reads
/// the delay from `StartCallDelay`, whose default is the same.
pub const INITIAL_START_CALL_DELAY: u64 = 0;
/// `SubtensorModule.KeySwapCost`: subtensor's runtime value (0.1 TAO, in rao). Cortex has no key
/// swaps; clients only display it.
pub const KEY_SWAP_COST: u64 = 100_000_000;

/// Rust type paths (as `scale-info` derives them) and the paths subtensor's metadata has for the
/// same types. Applied to the registry after it is built; a test checks each one is used.
pub const PATHS: &[(&str, &str)] = &[
    // Dispatch results and weights.
    (
        "cortex_runtime::support::DispatchError",
        "sp_runtime::DispatchError",
    ),
    (
        "cortex_runtime::support::ModuleError",
        "sp_runtime::ModuleError",
    ),
    (
        "cortex_runtime::support::TokenError",
        "sp_runtime::TokenError",
    ),
    (
        "cortex_runtime::support::ArithmeticError",
        "sp_arithmetic::ArithmeticError",
    ),
    (
        "cortex_runtime::support::TransactionalError",
        "sp_runtime::TransactionalError",
    ),
    (
        "cortex_runtime::support::Weight",
        "sp_weights::weight_v2::Weight",
    ),
    (
        "cortex_runtime::support::DispatchClass",
        "frame_support::dispatch::DispatchClass",
    ),
    (
        "cortex_runtime::support::Pays",
        "frame_support::dispatch::Pays",
    ),
    (
        "cortex_runtime::support::DispatchInfo",
        "frame_system::DispatchEventInfo",
    ),
    (
        "cortex_runtime::support::MultiAddress",
        "sp_runtime::multiaddress::MultiAddress",
    ),
    // System.
    ("cortex_runtime::system::Phase", "frame_system::Phase"),
    (
        "cortex_runtime::balances::AccountInfo",
        "frame_system::AccountInfo",
    ),
    (
        "cortex_runtime::balances::AccountData",
        "pallet_balances::types::AccountData",
    ),
    // The outer enums.
    (
        "cortex_runtime::call::RuntimeCall",
        "node_subtensor_runtime::RuntimeCall",
    ),
    (
        "cortex_runtime::event::RuntimeEvent",
        "node_subtensor_runtime::RuntimeEvent",
    ),
    (
        "cortex_runtime::metadata::RuntimeError",
        "node_subtensor_runtime::RuntimeError",
    ),
    (
        "cortex_runtime::metadata::Runtime",
        "node_subtensor_runtime::Runtime",
    ),
    // Pallet calls.
    (
        "cortex_runtime::system::SystemCall",
        "frame_system::pallet::Call",
    ),
    (
        "cortex_runtime::timestamp::TimestampCall",
        "pallet_timestamp::pallet::Call",
    ),
    (
        "cortex_runtime::balances::BalancesCall",
        "pallet_balances::pallet::Call",
    ),
    (
        "cortex_runtime::subtensor::call::SubtensorCall",
        "pallet_subtensor::pallet::Call",
    ),
    (
        "cortex_runtime::utility::UtilityCall",
        "pallet_subtensor_utility::pallet::Call",
    ),
    (
        "cortex_runtime::sudo::SudoCall",
        "pallet_sudo::pallet::Call",
    ),
    (
        "cortex_runtime::commitments::CommitmentsCall",
        "pallet_commitments::pallet::Call",
    ),
    (
        "cortex_runtime::admin_utils::AdminUtilsCall",
        "pallet_admin_utils::pallet::Call",
    ),
    (
        "cortex_runtime::swap::SwapCall",
        "pallet_subtensor_swap::pallet::pallet::Call",
    ),
    // Pallet events.
    (
        "cortex_runtime::system::SystemEvent",
        "frame_system::pallet::Event",
    ),
    (
        "cortex_runtime::balances::BalancesEvent",
        "pallet_balances::pallet::Event",
    ),
    (
        "cortex_runtime::transaction_payment::TransactionPaymentEvent",
        "pallet_transaction_payment::pallet::Event",
    ),
    (
        "cortex_runtime::subtensor::events::Event",
        "pallet_subtensor::pallet::Event",
    ),
    (
        "cortex_runtime::utility::UtilityEvent",
        "pallet_subtensor_utility::pallet::Event",
    ),
    (
        "cortex_runtime::sudo::SudoEvent",
        "pallet_sudo::pallet::Event",
    ),
    (
        "cortex_runtime::commitments::CommitmentsEvent",
        "pallet_commitments::pallet::Event",
    ),
    (
        "cortex_runtime::admin_utils::AdminUtilsEvent",
        "pallet_admin_utils::pallet::Event",
    ),
    (
        "cortex_runtime::swap::SwapEvent",
        "pallet_subtensor_swap::pallet::pallet::Event",
    ),
    // Pallet errors.
    (
        "cortex_runtime::system::SystemError",
        "frame_system::pallet::Error",
    ),
    (
        "cortex_runtime::timestamp::TimestampError",
        "pallet_timestamp::pallet::Error",
    ),
    (
        "cortex_runtime::balances::BalancesError",
        "pallet_balances::pallet::Error",
    ),
    (
        "cortex_runtime::subtensor::errors::Error",
        "pallet_subtensor::pallet::Error",
    ),
    (
        "cortex_runtime::utility::UtilityError",
        "pallet_subtensor_utility::pallet::Error",
    ),
    (
        "cortex_runtime::sudo::SudoError",
        "pallet_sudo::pallet::Error",
    ),
    (
        "cortex_runtime::commitments::CommitmentsError",
        "pallet_commitments::pallet::Error",
    ),
    (
        "cortex_runtime::admin_utils::AdminUtilsError",
        "pallet_admin_utils::pallet::Error",
    ),
    (
        "cortex_runtime::swap::SwapPalletError",
        "pallet_subtensor_swap::pallet::pallet::Error",
    ),
    // Substrate types described by the markers below.
    ("cortex_runtime::metadata::H256", "primitive_types::H256"),
    (
        "cortex_runtime::metadata::MultiSignature",
        "sp_runtime::MultiSignature",
    ),
    (
        "cortex_runtime::metadata::OpaqueMetadata",
        "sp_core::OpaqueMetadata",
    ),
    (
        "cortex_runtime::metadata::RuntimeVersion",
        "sp_version::RuntimeVersion",
    ),
    (
        "cortex_runtime::metadata::RuntimeDispatchInfo",
        "pallet_transaction_payment::types::RuntimeDispatchInfo",
    ),
    (
        "cortex_runtime::metadata::CheckNonZeroSender",
        "frame_system::extensions::check_non_zero_sender::CheckNonZeroSender",
    ),
    (
        "cortex_runtime::metadata::CheckSpecVersion",
        "frame_system::extensions::check_spec_version::CheckSpecVersion",
    ),
    (
        "cortex_runtime::metadata::CheckTxVersion",
        "frame_system::extensions::check_tx_version::CheckTxVersion",
    ),
    (
        "cortex_runtime::metadata::CheckGenesis",
        "frame_system::extensions::check_genesis::CheckGenesis",
    ),
    (
        "cortex_runtime::metadata::CheckMortality",
        "frame_system::extensions::check_mortality::CheckMortality",
    ),
    (
        "cortex_runtime::metadata::CheckNonce",
        "node_subtensor_runtime::check_nonce::CheckNonce",
    ),
    (
        "cortex_runtime::metadata::CheckWeight",
        "frame_system::extensions::check_weight::CheckWeight",
    ),
    (
        "cortex_runtime::metadata::ChargeTransactionPayment",
        "pallet_transaction_payment::ChargeTransactionPayment",
    ),
    (
        "cortex_runtime::metadata::SudoTransactionExtension",
        "node_subtensor_runtime::sudo_wrapper::SudoTransactionExtension",
    ),
    (
        "cortex_runtime::metadata::CheckShieldedTxValidity",
        "pallet_shield::extension::CheckShieldedTxValidity",
    ),
    (
        "cortex_runtime::metadata::SubtensorTransactionExtension",
        "pallet_subtensor::transaction_extension::SubtensorTransactionExtension",
    ),
    (
        "cortex_runtime::metadata::DrandPriority",
        "pallet_drand::drand_priority::DrandPriority",
    ),
    (
        "cortex_runtime::metadata::CheckMetadataHash",
        "frame_metadata_hash_extension::CheckMetadataHash",
    ),
    (
        "cortex_runtime::metadata::Mode",
        "frame_metadata_hash_extension::Mode",
    ),
    (
        "cortex_runtime::subtensor::declared::EpochConsensus",
        "pallet_subtensor::EpochConsensus",
    ),
    // Cortex's own types, at the paths spec 425 published for them before they moved module.
    (
        "cortex_runtime::subtensor::rate_limits::Hyperparameter",
        "cortex_runtime::admin::Hyperparameter",
    ),
    (
        "cortex_runtime::subtensor::rate_limits::RateLimitKey",
        "cortex_runtime::subtensor::subnets::RateLimitKey",
    ),
    (
        "cortex_runtime::swap::balancer::Balancer",
        "cortex_runtime::swap::Balancer",
    ),
    (
        "cortex_runtime::swap::TickIndex",
        "cortex_runtime::swap_pallet::TickIndex",
    ),
    (
        "cortex_runtime::swap::PositionId",
        "cortex_runtime::swap_pallet::PositionId",
    ),
];

/// Field type names as spec 425's metadata published them, where the Rust source now spells
/// the field's type otherwise (the type has moved to another module since): `(path of the type
/// holding the field, after [`PATHS`]; the type name as derived now; as published)`. Applied with
/// [`PATHS`], so that moving code never changes the metadata; a test checks each one is used.
pub const TYPE_NAMES: &[(&str, &str, &str)] = &[
    (
        "node_subtensor_runtime::RuntimeEvent",
        "AdminUtilsEvent",
        "crate::admin::AdminUtilsEvent",
    ),
    (
        "node_subtensor_runtime::RuntimeError",
        "BalancesError",
        "crate::balances::BalancesError",
    ),
    (
        "node_subtensor_runtime::RuntimeError",
        "SubtensorError",
        "crate::subtensor::errors::Error",
    ),
    (
        "node_subtensor_runtime::RuntimeError",
        "CommitmentsError",
        "crate::commitments::CommitmentsError",
    ),
    (
        "node_subtensor_runtime::RuntimeError",
        "AdminUtilsError",
        "crate::admin::AdminUtilsError",
    ),
    (
        "node_subtensor_runtime::RuntimeError",
        "SwapPalletError",
        "crate::swap_pallet::SwapPalletError",
    ),
    (
        "cortex_runtime::subtensor::subnets::RateLimitKey",
        "Hyperparameter",
        "crate::admin::Hyperparameter",
    ),
];

// ---- Marker types: Substrate types Cortex encodes by hand (or not at all) ------------------------

/// `primitive_types::H256`: 32 bytes, rendered as `0x…` hex.
#[allow(dead_code)]
#[derive(TypeInfo)]
struct H256([u8; 32]);

/// `sp_runtime::MultiSignature`.
#[allow(dead_code)]
#[derive(TypeInfo)]
enum MultiSignature {
    Ed25519([u8; 64]),
    Sr25519([u8; 64]),
    Ecdsa([u8; 65]),
}

/// `sp_runtime::generic::era::Era`: `Immortal` (one zero byte) or `MortalN` whose first byte
/// `N` (1…255) and the following `u8` hold the encoded period and phase.
struct Era;

/// Adds `Mortal{n}` (index `n`, carrying a `u8`) for each listed `n`.
macro_rules! mortal_variants {
    ($variants:expr; $($n:literal)*) => {
        $variants
            $(.variant(concat!("Mortal", stringify!($n)), |v| {
                v.index($n).fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<u8>()))
            }))*
    };
}

impl TypeInfo for Era {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        let variants = scale_info::build::Variants::new().variant_unit("Immortal", 0);
        let variants = mortal_variants!(variants; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131 132 133 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179 180 181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218 219 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255);
        scale_info::Type::builder()
            .path(scale_info::Path::new("Era", "sp_runtime::generic::era"))
            .variant(variants)
    }
}

/// `frame_system::EventRecord<RuntimeEvent, H256>`, as [`crate::event::EventRecord`] encodes
/// (its topics are 32-byte hashes, described as `H256`).
impl TypeInfo for crate::event::EventRecord {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        scale_info::Type::builder()
            .path(scale_info::Path::new("EventRecord", "frame_system"))
            .type_params(vec![
                scale_info::TypeParameter::new(
                    "E",
                    Some(meta_type::<crate::event::RuntimeEvent>()),
                ),
                scale_info::TypeParameter::new("T", Some(meta_type::<H256>())),
            ])
            .composite(
                Fields::named()
                    .field(|f| {
                        f.ty::<crate::event::Phase>()
                            .name("phase")
                            .type_name("Phase")
                    })
                    .field(|f| {
                        f.ty::<crate::event::RuntimeEvent>()
                            .name("event")
                            .type_name("E")
                    })
                    .field(|f| f.ty::<Vec<H256>>().name("topics").type_name("Vec<T>")),
            )
    }
}

/// `sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic<Address, Call, Signature,
/// Extra>`: the whole extrinsic as bytes (with its length prefix), which is how
/// `TransactionPaymentApi_query_info` takes it. The type parameters tell V14 decoders the
/// address, call, signature and extra types.
struct UncheckedExtrinsic;

impl TypeInfo for UncheckedExtrinsic {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        use scale_info::TypeParameter;
        scale_info::Type::builder()
            .path(scale_info::Path::new(
                "UncheckedExtrinsic",
                "sp_runtime::generic::unchecked_extrinsic",
            ))
            .type_params(vec![
                TypeParameter::new("Address", Some(meta_type::<crate::support::MultiAddress>())),
                TypeParameter::new("Call", Some(meta_type::<crate::call::RuntimeCall>())),
                TypeParameter::new("Signature", Some(meta_type::<MultiSignature>())),
                TypeParameter::new("Extra", Some(meta_type::<Extra>())),
            ])
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.ty::<Vec<u8>>().type_name("Vec<u8>")),
            )
    }
}

/// `sp_core::OpaqueMetadata`: the metadata blob as bytes.
#[allow(dead_code)]
#[derive(TypeInfo)]
struct OpaqueMetadata(Vec<u8>);

/// `sp_version::RuntimeVersion`, as `Core_version` answers it (the names are `Cow<str>` in
/// Substrate; they encode as strings).
#[allow(dead_code)]
#[derive(TypeInfo)]
struct RuntimeVersion {
    spec_name: String,
    impl_name: String,
    authoring_version: u32,
    spec_version: u32,
    impl_version: u32,
    apis: Vec<([u8; 8], u32)>,
    transaction_version: u32,
    system_version: u8,
}

/// `pallet_transaction_payment::types::RuntimeDispatchInfo<u64, Weight>`.
#[allow(dead_code)]
#[derive(TypeInfo)]
struct RuntimeDispatchInfo {
    weight: Weight,
    class: DispatchClass,
    partial_fee: u64,
}

/// The runtime type itself (`node_subtensor_runtime::Runtime`, an empty composite).
#[derive(TypeInfo)]
struct Runtime;

/// `RuntimeError`: every pallet's error enum, by pallet index (`outer_enums.error_enum_ty`).
/// (The fields' type names that moved since spec 425 are restored by [`TYPE_NAMES`].)
#[allow(dead_code)]
#[derive(TypeInfo)]
enum RuntimeError {
    #[codec(index = 0)]
    System(SystemError),
    #[codec(index = 2)]
    Timestamp(TimestampError),
    #[codec(index = 5)]
    Balances(BalancesError),
    #[codec(index = 7)]
    SubtensorModule(SubtensorError),
    #[codec(index = 11)]
    Utility(UtilityError),
    #[codec(index = 12)]
    Sudo(SudoError),
    #[codec(index = 18)]
    Commitments(CommitmentsError),
    #[codec(index = 19)]
    AdminUtils(AdminUtilsError),
    #[codec(index = 28)]
    Swap(SwapPalletError),
}

// ---- Signed extensions (spec/wire.md §4.2) ------------------------------------------------------

/// Signed extensions without bytes in the extrinsic.
#[derive(TypeInfo)]
struct CheckNonZeroSender;
#[derive(TypeInfo)]
struct CheckSpecVersion;
#[derive(TypeInfo)]
struct CheckTxVersion;
#[derive(TypeInfo)]
struct CheckGenesis;
#[derive(TypeInfo)]
struct CheckWeight;
#[derive(TypeInfo)]
struct SudoTransactionExtension;
#[derive(TypeInfo)]
struct CheckShieldedTxValidity;
#[derive(TypeInfo)]
struct SubtensorTransactionExtension;
#[derive(TypeInfo)]
struct DrandPriority;

/// The era (1 or 2 bytes).
#[allow(dead_code)]
#[derive(TypeInfo)]
struct CheckMortality(Era);

/// The signer's nonce.
#[allow(dead_code)]
#[derive(TypeInfo)]
struct CheckNonce(#[codec(compact)] u32);

/// The tip.
#[allow(dead_code)]
#[derive(TypeInfo)]
struct ChargeTransactionPayment(#[codec(compact)] u64);

/// Whether the signer committed to the metadata's hash (clients send `Disabled`).
#[allow(dead_code)]
#[derive(TypeInfo)]
enum Mode {
    Disabled,
    Enabled,
}

/// `CheckMetadataHash { mode }`.
#[allow(dead_code)]
#[derive(TypeInfo)]
struct CheckMetadataHash {
    mode: Mode,
}

/// The extrinsic's extra: every extension's bytes, in order.
type Extra = (
    CheckNonZeroSender,
    CheckSpecVersion,
    CheckTxVersion,
    CheckGenesis,
    CheckMortality,
    CheckNonce,
    CheckWeight,
    ChargeTransactionPayment,
    SudoTransactionExtension,
    CheckShieldedTxValidity,
    SubtensorTransactionExtension,
    DrandPriority,
    CheckMetadataHash,
);

/// The signed extensions: identifier, extra bytes' type, additional-signed type.
fn signed_extensions() -> Vec<SignedExtensionMetadata> {
    let ext = |identifier: &'static str, ty: MetaType, additional_signed: MetaType| {
        SignedExtensionMetadata {
            identifier,
            ty,
            additional_signed,
        }
    };
    vec![
        ext(
            "CheckNonZeroSender",
            meta_type::<CheckNonZeroSender>(),
            meta_type::<()>(),
        ),
        ext(
            "CheckSpecVersion",
            meta_type::<CheckSpecVersion>(),
            meta_type::<u32>(),
        ),
        ext(
            "CheckTxVersion",
            meta_type::<CheckTxVersion>(),
            meta_type::<u32>(),
        ),
        ext(
            "CheckGenesis",
            meta_type::<CheckGenesis>(),
            meta_type::<H256>(),
        ),
        ext(
            "CheckMortality",
            meta_type::<CheckMortality>(),
            meta_type::<H256>(),
        ),
        ext("CheckNonce", meta_type::<CheckNonce>(), meta_type::<()>()),
        ext("CheckWeight", meta_type::<CheckWeight>(), meta_type::<()>()),
        ext(
            "ChargeTransactionPayment",
            meta_type::<ChargeTransactionPayment>(),
            meta_type::<()>(),
        ),
        ext(
            "SudoTransactionExtension",
            meta_type::<SudoTransactionExtension>(),
            meta_type::<()>(),
        ),
        ext(
            "CheckShieldedTxValidity",
            meta_type::<CheckShieldedTxValidity>(),
            meta_type::<()>(),
        ),
        ext(
            "SubtensorTransactionExtension",
            meta_type::<SubtensorTransactionExtension>(),
            meta_type::<()>(),
        ),
        ext(
            "DrandPriority",
            meta_type::<DrandPriority>(),
            meta_type::<()>(),
        ),
        ext(
            "CheckMetadataHash",
            meta_type::<CheckMetadataHash>(),
            meta_type::<Option<[u8; 32]>>(),
        ),
    ]
}

// ---- Storage ------------------------------------------------------------------------------------

/// `(pallet prefix, entry)` of each listed storage item.
macro_rules! entries {
    ($($item:ty),* $(,)?) => {
        vec![$( (<$item>::PALLET, <$item>::metadata()) ),*]
    };
}

/// Every storage item clients can read, with its pallet prefix (Cortex's internal
/// `CortexConfig` items are not listed: no client reads them).
pub fn storage_entries() -> Vec<(&'static str, StorageEntryMetadata)> {
    use crate::*;
    entries![
        balances::Account,
        system::Number,
        system::ParentHash,
        system::BlockHash,
        event::Events,
        event::EventCount,
        system::ExtrinsicCount,
        timestamp::Now,
        timestamp::DidUpdate,
        balances::TotalIssuance,
        sudo::Key,
        subtensor::storage::TxRateLimit,
        subtensor::storage::MaxDifficulty,
        subtensor::storage::AdjustmentAlpha,
        subtensor::storage::ActivityCutoff,
        subtensor::storage::MinActivityCutoff,
        subtensor::owner::AdminFreezeWindow,
        subtensor::owner::OwnerHyperparamRateLimit,
        subtensor::owner::WeightsVersionKeyRateLimit,
        subtensor::coinbase::SubnetMovingAlpha,
        subtensor::coinbase::EMAPriceHalvingBlocks,
        subtensor::coinbase::MinerBurned,
        subtensor::coinbase::OwnerCutEnabled,
        subtensor::coinbase::RecycleOrBurn,
        subtensor::delegation::AutoStakeDestination,
        subtensor::coinbase::AlphaDividendsPerSubnet,
        subtensor::coinbase::RootAlphaDividendsPerSubnet,
        subtensor::coinbase::TotalHotkeyAlphaLastEpoch,
        subtensor::coinbase::SubnetAlphaInEmission,
        subtensor::coinbase::SubnetAlphaOutEmission,
        subtensor::coinbase::SubnetTaoInEmission,
        subtensor::coinbase::SubnetExcessTao,
        subtensor::coinbase::SubnetProtocolFlow,
        subtensor::declared::MechanismEmissionSplit,
        subtensor::declared::SubnetEmaTaoFlow,
        subtensor::declared::CommitRevealWeightsVersion,
        subtensor::declared::SubnetEpochConsensus,
        subtensor::declared::TimelockedWeightCommits,
        subtensor::identity::IdentitiesV2,
        subtensor::identity::SubnetIdentitiesV3,
        subtensor::registration::MinNonImmuneUids,
        subtensor::registration::RegistrationsThisBlock,
        subtensor::pool::SubnetVolume,
        subtensor::serving::Axons,
        subtensor::serving::Prometheus,
        subtensor::serving::NeuronCertificates,
        subtensor::delegation::MaxDelegateTake,
        subtensor::delegation::MinDelegateTake,
        subtensor::delegation::TxDelegateTakeRateLimit,
        subtensor::delegation::AutoStakeDestinationColdkeys,
        subtensor::registration::MaxRegistrationsPerBlock,
        subtensor::registration::TargetRegistrationsPerInterval,
        subtensor::registration::RegistrationsThisInterval,
        subtensor::shares::TotalHotkeySharesV2,
        subtensor::staking::NominatorMinRequiredStake,
        subtensor::stake_moves::TransferToggle,
        subtensor::storage::NetworksAdded,
        subtensor::storage::TotalIssuance,
        subtensor::storage::TotalNetworks,
        subtensor::storage::SubnetLimit,
        subtensor::storage::SubnetMechanism,
        subtensor::storage::SubnetOwner,
        subtensor::storage::SubnetOwnerHotkey,
        subtensor::storage::NetworkRegisteredAt,
        subtensor::storage::SubnetLocked,
        subtensor::storage::SubtokenEnabled,
        subtensor::storage::FirstEmissionBlockNumber,
        subtensor::storage::SubnetEmissionEnabled,
        subtensor::storage::TokenSymbol,
        subtensor::storage::NetworkLastLockCost,
        subtensor::storage::NetworkMinLockCost,
        subtensor::storage::NetworkLockReductionInterval,
        subtensor::storage::NetworkRateLimit,
        subtensor::storage::NetworkImmunityPeriod,
        subtensor::storage::SubnetTAO,
        subtensor::storage::SubnetAlphaIn,
        subtensor::storage::SubnetAlphaOut,
        subtensor::storage::SubnetProtocolAlpha,
        subtensor::storage::SubnetMovingPrice,
        subtensor::storage::RootProp,
        subtensor::storage::TotalStake,
        subtensor::storage::Tempo,
        subtensor::storage::ActivityCutoffFactorMilli,
        subtensor::storage::Kappa,
        subtensor::storage::Rho,
        subtensor::storage::MaxAllowedUids,
        subtensor::storage::MinAllowedUids,
        subtensor::storage::ImmunityPeriod,
        subtensor::storage::MaxAllowedValidators,
        subtensor::storage::MinAllowedWeights,
        subtensor::storage::MaxWeightsLimit,
        subtensor::storage::WeightsVersionKey,
        subtensor::storage::WeightsSetRateLimit,
        subtensor::storage::BondsMovingAverage,
        subtensor::storage::BondsPenalty,
        subtensor::storage::BondsResetOn,
        subtensor::storage::LiquidAlphaOn,
        subtensor::storage::Yuma3On,
        subtensor::storage::AlphaValues,
        subtensor::storage::AlphaSigmoidSteepness,
        subtensor::storage::CommitRevealWeightsEnabled,
        subtensor::storage::RevealPeriodEpochs,
        subtensor::storage::ServingRateLimit,
        subtensor::storage::NetworkRegistrationAllowed,
        subtensor::storage::Burn,
        subtensor::storage::MinBurn,
        subtensor::storage::MaxBurn,
        subtensor::storage::BurnHalfLife,
        subtensor::storage::BurnIncreaseMult,
        subtensor::storage::ImmuneOwnerUidsLimit,
        subtensor::storage::MechanismCountCurrent,
        subtensor::storage::StakeThreshold,
        subtensor::storage::TaoWeight,
        subtensor::storage::SubnetOwnerCut,
        subtensor::storage::MaxEpochsPerBlock,
        subtensor::storage::LastEpochBlock,
        subtensor::storage::LastMechansimStepBlock,
        subtensor::storage::PendingEpochAt,
        subtensor::storage::BlocksSinceLastStep,
        subtensor::storage::SubnetEpochIndex,
        subtensor::storage::PendingServerEmission,
        subtensor::storage::PendingValidatorEmission,
        subtensor::storage::PendingRootAlphaDivs,
        subtensor::storage::PendingOwnerCut,
        subtensor::storage::SubnetworkN,
        subtensor::storage::Keys,
        subtensor::storage::Uids,
        subtensor::storage::BlockAtRegistration,
        subtensor::storage::IsNetworkMember,
        subtensor::storage::Owner,
        subtensor::storage::LastUpdate,
        subtensor::storage::Weights,
        subtensor::storage::Bonds,
        subtensor::storage::ValidatorPermit,
        subtensor::storage::Active,
        subtensor::storage::Consensus,
        subtensor::storage::Incentive,
        subtensor::storage::Dividends,
        subtensor::storage::Emission,
        subtensor::storage::ValidatorTrust,
        subtensor::storage::StakeWeight,
        subtensor::storage::TotalHotkeyAlpha,
        subtensor::storage::TotalHotkeyShares,
        subtensor::storage::StakingHotkeys,
        subtensor::storage::OwnedHotkeys,
        subtensor::storage::Delegates,
        subtensor::storage::WeightCommits,
        subtensor::rate_limits::LastRateLimitedBlock,
        subtensor::subnets::NetworkRegistrationStartBlock,
        subtensor::subnets::RegisteredSubnetCounter,
        subtensor::storage::RAORecycledForRegistration,
        subtensor::subnets::StartCallDelay,
        commitments::TimelockedIndex,
        commitments::CommitmentOf,
        commitments::LastCommitment,
        commitments::LastBondsReset,
        commitments::RevealedCommitments,
        commitments::UsedSpaceOf,
        commitments::MaxSpace,
        swap::SwapBalancer,
        swap::PalSwapInitialized,
        swap::FeeRate,
        subtensor::declared::NextKey,
    ]
}

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
        Pallet::new("System", 0)
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
        Pallet::new("Timestamp", 2)
            .calls::<TimestampCall>()
            .error::<TimestampError>(),
        Pallet::new("Aura", 3).constants(vec![constant(
            "SlotDuration",
            slot_duration_ms,
            " The block time, in milliseconds.",
        )]),
        Pallet::new("Balances", 5)
            .calls::<BalancesCall>()
            .event::<crate::balances::BalancesEvent>()
            .error::<crate::balances::BalancesError>()
            .constants(vec![constant(
                "ExistentialDeposit",
                crate::balances::EXISTENTIAL_DEPOSIT,
                " The smallest balance an account may hold, in rao.",
            )]),
        Pallet::new("TransactionPayment", 6)
            .event::<TransactionPaymentEvent>()
            .constants(vec![constant(
                "OperationalFeeMultiplier",
                crate::transaction_payment::OPERATIONAL_FEE_MULTIPLIER,
                " Priority boost of operational transactions.",
            )]),
        Pallet::new("SubtensorModule", 7)
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
        Pallet::new("Utility", 11)
            .calls::<UtilityCall>()
            .event::<UtilityEvent>()
            .error::<UtilityError>(),
        Pallet::new("Sudo", 12)
            .calls::<SudoCall>()
            .event::<SudoEvent>()
            .error::<SudoError>(),
        Pallet::new("Commitments", 18)
            .calls::<crate::commitments::CommitmentsCall>()
            .event::<crate::commitments::CommitmentsEvent>()
            .error::<crate::commitments::CommitmentsError>(),
        Pallet::new("AdminUtils", 19)
            .calls::<crate::admin_utils::AdminUtilsCall>()
            .event::<crate::admin_utils::AdminUtilsEvent>()
            .error::<crate::admin_utils::AdminUtilsError>(),
        Pallet::new("Swap", 28)
            .calls::<crate::swap::SwapCall>()
            .event::<SwapEvent>()
            .error::<crate::swap::SwapPalletError>(),
        Pallet::new("MevShield", 30),
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

/// Renames field type names per [`TYPE_NAMES`] (after [`rename_paths`]); returns how many
/// fields were renamed.
fn rename_type_names(registry: &mut PortableRegistry) -> usize {
    use scale_info::TypeDef;
    let mut renamed = 0usize;
    for ty in registry.types.iter_mut() {
        let path = ty.ty.path.segments.join("::");
        let fields: Vec<&mut scale_info::Field<scale_info::form::PortableForm>> =
            match &mut ty.ty.type_def {
                TypeDef::Composite(c) => c.fields.iter_mut().collect(),
                TypeDef::Variant(v) => v
                    .variants
                    .iter_mut()
                    .flat_map(|v| v.fields.iter_mut())
                    .collect(),
                _ => Vec::new(),
            };
        for field in fields {
            let Some(name) = &field.type_name else {
                continue;
            };
            if let Some((_, _, to)) = TYPE_NAMES
                .iter()
                .find(|(at, from, _)| *at == path && from == name)
            {
                field.type_name = Some((*to).to_string());
                renamed = renamed.saturating_add(1);
            }
        }
    }
    renamed
}

/// Renames the registry's types per [`PATHS`]; returns how many types were renamed.
fn rename_paths(registry: &mut PortableRegistry) -> usize {
    let mut renamed = 0usize;
    for ty in registry.types.iter_mut() {
        let path = ty.ty.path.segments.join("::");
        if let Some((_, to)) = PATHS.iter().find(|(from, _)| *from == path) {
            ty.ty.path.segments = to.split("::").map(str::to_string).collect();
            renamed = renamed.saturating_add(1);
        }
    }
    renamed
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
mod tests {
    use super::*;
    use crate::version;
    use codec::{Compact, Decode};
    use frame_metadata::RuntimeMetadata;
    use frame_metadata::v15::{StorageEntryModifier, StorageEntryType, StorageHasher};
    use scale_info::form::PortableForm;
    use scale_info::{TypeDef, TypeDefPrimitive};

    /// `spec_version` → BLAKE2b-256 of `metadata_v15_bytes(250)` at that version.
    /// One pin per spec version ever served; 425 is the first metadata a Cortex node served.
    const PINS: &[(u32, &str)] = &[(
        425,
        "1710f719e5eeb5f75ecefca9852860e2c78c4ed99517dc93c8cc4a7d8d9d4e74",
    )];

    fn decoded() -> RuntimeMetadataV15 {
        let bytes = metadata_v15_bytes(250);
        match RuntimeMetadataPrefixed::decode(&mut &bytes[..]).unwrap().1 {
            RuntimeMetadata::V15(m) => m,
            _ => panic!("not V15"),
        }
    }

    fn ty(reg: &PortableRegistry, id: u32) -> &scale_info::Type<PortableForm> {
        reg.resolve(id).unwrap()
    }

    fn path(reg: &PortableRegistry, id: u32) -> String {
        ty(reg, id).path.segments.join("::")
    }

    fn pallet<'a>(m: &'a RuntimeMetadataV15, name: &str) -> &'a PalletMetadata<PortableForm> {
        m.pallets.iter().find(|p| p.name == name).unwrap()
    }

    /// A variant's name, index and `(field name, field type)`s.
    type Variant = (String, u8, Vec<(Option<String>, u32)>);

    fn variants(reg: &PortableRegistry, id: u32) -> Vec<Variant> {
        match &ty(reg, id).type_def {
            TypeDef::Variant(v) => v
                .variants
                .iter()
                .map(|v| {
                    let fields = v.fields.iter().map(|f| (f.name.clone(), f.ty.id)).collect();
                    (v.name.clone(), v.index, fields)
                })
                .collect(),
            other => panic!("not a variant type: {other:?}"),
        }
    }

    fn compact_len(input: &mut &[u8]) -> usize {
        Compact::<u32>::decode(input).unwrap().0 as usize
    }

    /// Reads one value of type `id` off `input`, as a metadata-driven decoder would.
    fn skip(reg: &PortableRegistry, id: u32, input: &mut &[u8]) -> Result<(), String> {
        let take = |input: &mut &[u8], n: usize| -> Result<(), String> {
            if input.len() < n {
                return Err(format!("type {id}: {n} bytes wanted, {} left", input.len()));
            }
            *input = &input[n..];
            Ok(())
        };
        match &ty(reg, id).type_def {
            TypeDef::Composite(c) => {
                for f in &c.fields {
                    skip(reg, f.ty.id, input)?;
                }
            }
            TypeDef::Variant(v) => {
                let index = *input.first().ok_or("no variant byte")?;
                *input = &input[1..];
                let var = v
                    .variants
                    .iter()
                    .find(|var| var.index == index)
                    .ok_or(format!("type {id} ({}): no variant {index}", path(reg, id)))?;
                for f in &var.fields {
                    skip(reg, f.ty.id, input)?;
                }
            }
            TypeDef::Sequence(s) => {
                for _ in 0..compact_len(input) {
                    skip(reg, s.type_param.id, input)?;
                }
            }
            TypeDef::Array(a) => {
                for _ in 0..a.len {
                    skip(reg, a.type_param.id, input)?;
                }
            }
            TypeDef::Tuple(t) => {
                for f in &t.fields {
                    skip(reg, f.id, input)?;
                }
            }
            TypeDef::Primitive(p) => {
                let n = match p {
                    TypeDefPrimitive::Bool | TypeDefPrimitive::U8 | TypeDefPrimitive::I8 => 1,
                    TypeDefPrimitive::U16 | TypeDefPrimitive::I16 => 2,
                    TypeDefPrimitive::U32 | TypeDefPrimitive::I32 | TypeDefPrimitive::Char => 4,
                    TypeDefPrimitive::U64 | TypeDefPrimitive::I64 => 8,
                    TypeDefPrimitive::U128 | TypeDefPrimitive::I128 => 16,
                    TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => 32,
                    TypeDefPrimitive::Str => compact_len(input),
                };
                take(input, n)?;
            }
            TypeDef::Compact(_) => {
                Compact::<u128>::decode(input).map_err(|e| e.to_string())?;
            }
            TypeDef::BitSequence(_) => return Err("bit sequences are not used".into()),
        }
        Ok(())
    }

    fn decodes_exactly(reg: &PortableRegistry, id: u32, bytes: &[u8]) -> Result<(), String> {
        let mut input = bytes;
        skip(reg, id, &mut input)?;
        if input.is_empty() {
            Ok(())
        } else {
            Err(format!("{} bytes left over", input.len()))
        }
    }

    /// The smallest value of type `id`: empty sequences, zeros, each enum's first variant.
    fn zero(reg: &PortableRegistry, id: u32) -> Vec<u8> {
        match &ty(reg, id).type_def {
            TypeDef::Composite(c) => c.fields.iter().flat_map(|f| zero(reg, f.ty.id)).collect(),
            TypeDef::Variant(v) => {
                let var = v.variants.first().unwrap();
                let mut out = vec![var.index];
                for f in &var.fields {
                    out.extend(zero(reg, f.ty.id));
                }
                out
            }
            TypeDef::Sequence(_) | TypeDef::Compact(_) | TypeDef::BitSequence(_) => vec![0],
            TypeDef::Array(a) => (0..a.len)
                .flat_map(|_| zero(reg, a.type_param.id))
                .collect(),
            TypeDef::Tuple(t) => t.fields.iter().flat_map(|f| zero(reg, f.id)).collect(),
            TypeDef::Primitive(_) => {
                let mut input: &[u8] = &[0u8; 32];
                let before = input.len();
                skip(reg, id, &mut input).unwrap();
                vec![0; before - input.len()]
            }
        }
    }

    /// For each variant of `id`, `[index] ++ smallest fields`, with its name.
    fn samples(reg: &PortableRegistry, id: u32) -> Vec<(String, Vec<u8>)> {
        variants(reg, id)
            .into_iter()
            .map(|(name, index, fields)| {
                let mut bytes = vec![index];
                for (_, f) in fields {
                    bytes.extend(zero(reg, f));
                }
                (name, bytes)
            })
            .collect()
    }

    #[test]
    fn bytes_are_prefixed_v15_and_decode_back() {
        let bytes = metadata_v15_bytes(12_000);
        assert_eq!(&bytes[..5], b"meta\x0f");
        let m = decoded();
        assert_eq!(m.extrinsic.version, 4);
        let v14 = metadata_v14_bytes(12_000);
        assert_eq!(&v14[..5], b"meta\x0e");
        assert!(matches!(
            RuntimeMetadataPrefixed::decode(&mut &v14[..]).unwrap().1,
            RuntimeMetadata::V14(_)
        ));
        assert_eq!(metadata_versions(), vec![14, 15]);
    }

    #[test]
    fn pallets_have_subtensors_names_and_indices() {
        let m = decoded();
        let got: Vec<(String, u8)> = m
            .pallets
            .iter()
            .map(|p| (p.name.clone(), p.index))
            .collect();
        let want = [
            ("System", 0),
            ("Timestamp", 2),
            ("Aura", 3),
            ("Balances", 5),
            ("TransactionPayment", 6),
            ("SubtensorModule", 7),
            ("Utility", 11),
            ("Sudo", 12),
            ("Commitments", 18),
            ("AdminUtils", 19),
            ("Swap", 28),
            ("MevShield", 30),
        ];
        let want: Vec<(String, u8)> = want.iter().map(|(n, i)| (n.to_string(), *i)).collect();
        assert_eq!(got, want);
        // Every storage item is under a listed pallet.
        let names: Vec<&str> = want.iter().map(|(n, _)| n.as_str()).collect();
        for (p, e) in storage_entries() {
            assert!(names.contains(&p), "{p}.{} has no pallet", e.name);
        }
        // The outer enums' variants are the pallets with calls, events and errors.
        let reg = &m.types;
        let outer = |id| -> Vec<(String, u8)> {
            variants(reg, id)
                .into_iter()
                .map(|(n, i, _)| (n, i))
                .collect()
        };
        let with = |f: fn(&PalletMetadata<PortableForm>) -> bool| -> Vec<(String, u8)> {
            m.pallets
                .iter()
                .filter(|p| f(p))
                .map(|p| (p.name.clone(), p.index))
                .collect()
        };
        assert_eq!(
            outer(m.outer_enums.call_enum_ty.id),
            with(|p| p.calls.is_some())
        );
        assert_eq!(
            outer(m.outer_enums.event_enum_ty.id),
            with(|p| p.event.is_some())
        );
        assert_eq!(
            outer(m.outer_enums.error_enum_ty.id),
            with(|p| p.error.is_some())
        );
    }

    #[test]
    fn constants() {
        let m = decoded();
        let get = |p: &str, c: &str| {
            pallet(&m, p)
                .constants
                .iter()
                .find(|k| k.name == c)
                .unwrap()
                .value
                .clone()
        };
        assert_eq!(get("System", "SS58Prefix"), 42u16.encode());
        assert_eq!(get("System", "BlockHashCount"), 2_400u32.encode());
        assert_eq!(get("Aura", "SlotDuration"), 250u64.encode());
        assert_eq!(get("Balances", "ExistentialDeposit"), 500u64.encode());
        assert_eq!(
            get("TransactionPayment", "OperationalFeeMultiplier"),
            vec![5]
        );
        assert_eq!(
            get("SubtensorModule", "KeySwapCost"),
            100_000_000u64.encode()
        );
        assert_eq!(
            get("SubtensorModule", "InitialStartCallDelay"),
            0u64.encode()
        );
        let slow = metadata_v15_bytes(12_000);
        assert_ne!(slow, metadata_v15_bytes(250));
    }

    #[test]
    fn system_account_and_events_have_substrates_shapes() {
        let m = decoded();
        let reg = &m.types;
        let storage = pallet(&m, "System").storage.as_ref().unwrap();
        assert_eq!(storage.prefix, "System");
        let entry = |name: &str| storage.entries.iter().find(|e| e.name == name).unwrap();
        let StorageEntryType::Map {
            hashers,
            key,
            value,
        } = &entry("Account").ty
        else {
            panic!("System.Account is a map")
        };
        assert_eq!(hashers, &vec![StorageHasher::Blake2_128Concat]);
        assert_eq!(path(reg, key.id), "sp_core::crypto::AccountId32");
        assert_eq!(path(reg, value.id), "frame_system::AccountInfo");
        let TypeDef::Composite(info) = &ty(reg, value.id).type_def else {
            panic!()
        };
        let names: Vec<_> = info
            .fields
            .iter()
            .map(|f| f.name.clone().unwrap())
            .collect();
        assert_eq!(
            names,
            ["nonce", "consumers", "providers", "sufficients", "data"]
        );
        assert_eq!(
            path(reg, info.fields[4].ty.id),
            "pallet_balances::types::AccountData"
        );

        let StorageEntryType::Plain(events) = &entry("Events").ty else {
            panic!()
        };
        let TypeDef::Sequence(seq) = &ty(reg, events.id).type_def else {
            panic!()
        };
        let record = seq.type_param.id;
        assert_eq!(path(reg, record), "frame_system::EventRecord");
        let TypeDef::Composite(c) = &ty(reg, record).type_def else {
            panic!()
        };
        let fields: Vec<_> = c
            .fields
            .iter()
            .map(|f| (f.name.clone().unwrap(), f.ty.id))
            .collect();
        assert_eq!(fields[0].0, "phase");
        assert_eq!(path(reg, fields[0].1), "frame_system::Phase");
        assert_eq!(fields[1].0, "event");
        assert_eq!(fields[1].1, m.outer_enums.event_enum_ty.id);
        assert_eq!(
            path(reg, fields[1].1),
            "node_subtensor_runtime::RuntimeEvent"
        );
        assert_eq!(fields[2].0, "topics");
        let TypeDef::Sequence(topics) = &ty(reg, fields[2].1).type_def else {
            panic!()
        };
        assert_eq!(path(reg, topics.type_param.id), "primitive_types::H256");

        // A record Cortex writes decodes through the metadata, byte for byte.
        let rec = crate::event::EventRecord {
            phase: crate::event::Phase::ApplyExtrinsic(1),
            event: crate::event::RuntimeEvent::System(
                crate::system::SystemEvent::ExtrinsicFailed {
                    dispatch_error: crate::support::DispatchError::module(7, 12),
                    dispatch_info: crate::support::DispatchInfo {
                        weight: Weight::from_parts(1_000_000, 3),
                        class: DispatchClass::Normal,
                        pays_fee: crate::support::Pays::Yes,
                    },
                },
            ),
            topics: vec![[9; 32]],
        };
        decodes_exactly(reg, events.id, &vec![rec].encode()).unwrap();
    }

    #[test]
    fn special_paths_and_layouts() {
        let m = decoded();
        let reg = &m.types;
        assert_eq!(
            path(reg, m.extrinsic.address_ty.id),
            "sp_runtime::multiaddress::MultiAddress"
        );
        let names = |id| -> Vec<(String, u8)> {
            variants(reg, id)
                .into_iter()
                .map(|(n, i, _)| (n, i))
                .collect()
        };
        let expect = |list: &[(&str, u8)]| -> Vec<(String, u8)> {
            list.iter().map(|(n, i)| (n.to_string(), *i)).collect()
        };
        assert_eq!(
            names(m.extrinsic.address_ty.id),
            expect(&[
                ("Id", 0),
                ("Index", 1),
                ("Raw", 2),
                ("Address32", 3),
                ("Address20", 4)
            ])
        );
        assert_eq!(
            path(reg, m.extrinsic.signature_ty.id),
            "sp_runtime::MultiSignature"
        );
        assert_eq!(
            names(m.extrinsic.signature_ty.id),
            expect(&[("Ed25519", 0), ("Sr25519", 1), ("Ecdsa", 2)])
        );
        assert_eq!(
            path(reg, m.extrinsic.call_ty.id),
            "node_subtensor_runtime::RuntimeCall"
        );
        assert_eq!(m.extrinsic.call_ty.id, m.outer_enums.call_enum_ty.id);
        // The era: Immortal, then Mortal1..=Mortal255 at their own indices.
        let era = m
            .extrinsic
            .signed_extensions
            .iter()
            .find(|e| e.identifier == "CheckMortality")
            .unwrap();
        let TypeDef::Composite(c) = &ty(reg, era.ty.id).type_def else {
            panic!()
        };
        let era = c.fields[0].ty.id;
        assert_eq!(path(reg, era), "sp_runtime::generic::era::Era");
        let v = names(era);
        assert_eq!(v.len(), 256);
        assert_eq!(v[0], ("Immortal".to_string(), 0));
        assert_eq!(v[255], ("Mortal255".to_string(), 255));
        // Every renamed path is present and no source path is left.
        let all: Vec<String> = reg
            .types
            .iter()
            .map(|t| t.ty.path.segments.join("::"))
            .collect();
        for (from, to) in PATHS {
            assert!(all.iter().any(|p| p == to), "{to} ({from}) missing");
            assert!(!all.iter().any(|p| p == from), "{from} not renamed");
        }
        // Every field type name in TYPE_NAMES is published as listed.
        let mut registry = metadata_v15(250).types;
        assert_eq!(rename_type_names(&mut registry), 0, "applied twice");
        let names: Vec<(String, String)> = reg
            .types
            .iter()
            .flat_map(|t| {
                let path = t.ty.path.segments.join("::");
                let fields: Vec<String> = match &t.ty.type_def {
                    TypeDef::Composite(c) => c
                        .fields
                        .iter()
                        .filter_map(|f| f.type_name.clone())
                        .collect(),
                    TypeDef::Variant(v) => v
                        .variants
                        .iter()
                        .flat_map(|v| v.fields.iter().filter_map(|f| f.type_name.clone()))
                        .collect(),
                    _ => Vec::new(),
                };
                fields.into_iter().map(move |f| (path.clone(), f))
            })
            .collect();
        for (at, from, to) in TYPE_NAMES {
            assert!(
                names.iter().any(|(p, f)| p == at && f == to),
                "{at}: {to} missing"
            );
            assert!(
                !names.iter().any(|(p, f)| p == at && f == from),
                "{at}: {from} not renamed"
            );
        }
    }

    #[test]
    fn signed_extensions_in_subtensors_order() {
        let m = decoded();
        let reg = &m.types;
        let got: Vec<(String, String, String)> = m
            .extrinsic
            .signed_extensions
            .iter()
            .map(|e| {
                let shape = |id| match &ty(reg, id).type_def {
                    TypeDef::Composite(c) if c.fields.is_empty() => "-".to_string(),
                    TypeDef::Tuple(t) if t.fields.is_empty() => "-".to_string(),
                    _ => format!("{:?}", zero(reg, id).len()),
                };
                (
                    e.identifier.clone(),
                    shape(e.ty.id),
                    shape(e.additional_signed.id),
                )
            })
            .collect();
        let want = [
            ("CheckNonZeroSender", "-", "-"),
            ("CheckSpecVersion", "-", "4"),
            ("CheckTxVersion", "-", "4"),
            ("CheckGenesis", "-", "32"),
            ("CheckMortality", "1", "32"),
            ("CheckNonce", "1", "-"),
            ("CheckWeight", "-", "-"),
            ("ChargeTransactionPayment", "1", "-"),
            ("SudoTransactionExtension", "-", "-"),
            ("CheckShieldedTxValidity", "-", "-"),
            ("SubtensorTransactionExtension", "-", "-"),
            ("DrandPriority", "-", "-"),
            ("CheckMetadataHash", "1", "1"),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
        // The extra tuple lists the same types in the same order.
        let TypeDef::Tuple(extra) = &ty(reg, m.extrinsic.extra_ty.id).type_def else {
            panic!()
        };
        let ids: Vec<u32> = extra.fields.iter().map(|f| f.id).collect();
        let ext_ids: Vec<u32> = m
            .extrinsic
            .signed_extensions
            .iter()
            .map(|e| e.ty.id)
            .collect();
        assert_eq!(ids, ext_ids);
    }

    #[test]
    fn balances_transfer_keep_alive() {
        let m = decoded();
        let reg = &m.types;
        let calls = pallet(&m, "Balances").calls.as_ref().unwrap().ty.id;
        let (_, index, fields) = variants(reg, calls)
            .into_iter()
            .find(|(n, _, _)| n == "transfer_keep_alive")
            .unwrap();
        assert_eq!(index, 3);
        assert_eq!(fields[0].0.as_deref(), Some("dest"));
        assert_eq!(
            path(reg, fields[0].1),
            "sp_runtime::multiaddress::MultiAddress"
        );
        assert_eq!(fields[1].0.as_deref(), Some("value"));
        assert!(matches!(ty(reg, fields[1].1).type_def, TypeDef::Compact(_)));
    }

    /// Every call variant the metadata lists decodes as the same call in Rust (same pallet,
    /// name, index and field layout), and re-encodes to the same bytes.
    #[test]
    fn every_call_variant_matches_rust() {
        let m = decoded();
        let reg = &m.types;
        let mut n = 0;
        for p in m.pallets.iter().filter(|p| p.calls.is_some()) {
            for (name, bytes) in samples(reg, p.calls.as_ref().unwrap().ty.id) {
                let mut full = vec![p.index];
                full.extend(bytes);
                let call = crate::call::RuntimeCall::decode_bytes(&full)
                    .unwrap_or_else(|e| panic!("{}.{name}: {e}", p.name));
                assert_eq!(call.name(), (p.name.as_str(), name.as_str()));
                assert_eq!(call.encode(), full, "{}.{name}", p.name);
                decodes_exactly(reg, m.outer_enums.call_enum_ty.id, &full).unwrap();
                n += 1;
            }
        }
        assert!(n > 60, "{n} calls");
    }

    /// Every event variant the metadata lists decodes as the same event in Rust.
    #[test]
    fn every_event_variant_matches_rust() {
        let m = decoded();
        let reg = &m.types;
        for p in m.pallets.iter().filter(|p| p.event.is_some()) {
            for (name, bytes) in samples(reg, p.event.as_ref().unwrap().ty.id) {
                let mut full = vec![p.index];
                full.extend(bytes);
                let event = crate::event::RuntimeEvent::decode(&mut &full[..])
                    .unwrap_or_else(|e| panic!("{}.{name}: {e}", p.name));
                let debug = format!("{event:?}");
                assert!(
                    debug.starts_with(&format!("{}({name}", p.name)),
                    "{}.{name} decoded as {debug}",
                    p.name
                );
                assert_eq!(event.encode(), full, "{}.{name}", p.name);
            }
        }
    }

    #[test]
    fn subtensor_errors_in_subtensors_order() {
        let m = decoded();
        let reg = &m.types;
        let errors = variants(
            reg,
            pallet(&m, "SubtensorModule").error.as_ref().unwrap().ty.id,
        );
        assert_eq!(errors.len(), crate::subtensor::errors::ALL.len());
        for ((name, index, fields), e) in errors.iter().zip(crate::subtensor::errors::ALL) {
            assert_eq!((name.as_str(), *index), (e.name(), e.index()));
            assert!(fields.is_empty());
        }
        // The other pallets' errors sit at the indices Cortex reports.
        let index_of = |p: &str, e: &str| {
            variants(reg, pallet(&m, p).error.as_ref().unwrap().ty.id)
                .into_iter()
                .find(|(n, _, _)| n == e)
                .unwrap()
                .1
        };
        assert_eq!(index_of("Sudo", "RequireSudo"), crate::sudo::REQUIRE_SUDO);
        assert_eq!(
            index_of("Utility", "TooManyCalls"),
            crate::utility::TOO_MANY_CALLS
        );
        assert_eq!(index_of("Balances", "VestingBalance"), 0);
        assert_eq!(
            index_of("Commitments", "SpaceLimitExceeded"),
            crate::commitments::CommitmentsError::SpaceLimitExceeded as u8
        );
        assert_eq!(
            index_of("Swap", "PriceLimitExceeded"),
            crate::swap::SwapPalletError::PriceLimitExceeded as u8
        );
        assert_eq!(
            index_of("AdminUtils", "Deprecated"),
            crate::admin_utils::AdminUtilsError::Deprecated as u8
        );
    }

    #[test]
    fn storage_defaults_decode_as_their_types() {
        let m = decoded();
        let reg = &m.types;
        let mut seen = std::collections::BTreeSet::new();
        for p in &m.pallets {
            let Some(storage) = &p.storage else { continue };
            assert_eq!(storage.prefix, p.name);
            for e in &storage.entries {
                assert!(
                    seen.insert((p.name.clone(), e.name.clone())),
                    "{} twice",
                    e.name
                );
                let value = match &e.ty {
                    StorageEntryType::Plain(v) => v.id,
                    StorageEntryType::Map { value, .. } => value.id,
                };
                match e.modifier {
                    StorageEntryModifier::Optional => assert_eq!(e.default, vec![0], "{}", e.name),
                    StorageEntryModifier::Default => decodes_exactly(reg, value, &e.default)
                        .unwrap_or_else(|err| panic!("{}.{}: {err}", p.name, e.name)),
                }
            }
        }
        let entry = |p: &str, n: &str| {
            let storage = pallet(&m, p).storage.as_ref().unwrap();
            storage
                .entries
                .iter()
                .find(|e| e.name == n)
                .unwrap()
                .clone()
        };
        for (p, n) in [
            ("Sudo", "Key"),
            ("SubtensorModule", "Uids"),
            ("SubtensorModule", "Axons"),
            ("SubtensorModule", "SubnetIdentitiesV3"),
            ("SubtensorModule", "SubnetEmaTaoFlow"),
            ("SubtensorModule", "MechanismEmissionSplit"),
            ("Commitments", "CommitmentOf"),
            ("MevShield", "NextKey"),
        ] {
            assert_eq!(
                entry(p, n).modifier,
                StorageEntryModifier::Optional,
                "{p}.{n}"
            );
        }
        assert_eq!(
            entry("SubtensorModule", "MechanismCountCurrent").default,
            vec![1]
        );
        assert_eq!(
            entry("SubtensorModule", "CommitRevealWeightsVersion").default,
            vec![4, 0]
        );
        assert_eq!(
            entry("SubtensorModule", "SubnetEpochConsensus").default,
            vec![0]
        );
        assert_eq!(
            entry("SubtensorModule", "CommitRevealWeightsEnabled").default,
            vec![1]
        );
        let StorageEntryType::Map { hashers, .. } =
            entry("SubtensorModule", "TimelockedWeightCommits").ty
        else {
            panic!()
        };
        assert_eq!(
            hashers,
            vec![StorageHasher::Twox64Concat, StorageHasher::Twox64Concat]
        );
    }

    /// `"Pallet", Item:` declarations of the storage macros in `source` (test modules excluded).
    fn declared_items(source: &str) -> Vec<(String, String)> {
        let source = source.split("#[cfg(test)]\nmod tests").next().unwrap();
        let mut out = Vec::new();
        for mac in ["storage_value!(", "storage_map!(", "storage_double_map!("] {
            for (at, _) in source.match_indices(mac) {
                let mut rest = &source[at + mac.len()..];
                loop {
                    rest = rest.trim_start();
                    if rest.starts_with("///") {
                        rest = rest.split_once('\n').map_or("", |(_, r)| r);
                    } else {
                        break;
                    }
                }
                rest = rest.strip_prefix("optional").unwrap_or(rest).trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some((pallet, rest)) = rest.split_once('"') else {
                    continue;
                };
                let Some(rest) = rest.trim_start().strip_prefix(',') else {
                    continue;
                };
                let Some((name, _)) = rest.split_once(':') else {
                    continue;
                };
                out.push((pallet.to_string(), name.trim().to_string()));
            }
        }
        out
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn every_declared_storage_item_is_in_the_metadata() {
        let mut files = Vec::new();
        rust_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let listed: Vec<(String, String)> = storage_entries()
            .into_iter()
            .map(|(p, e)| (p.to_string(), e.name.to_string()))
            .collect();
        let mut found = 0;
        for f in files {
            let source = std::fs::read_to_string(&f).unwrap();
            for (pallet, name) in declared_items(&source) {
                found += 1;
                if pallet == "CortexConfig" {
                    continue;
                }
                assert!(
                    listed.contains(&(pallet.clone(), name.clone())),
                    "{pallet}.{name} (declared in {}) is missing from metadata::storage_entries",
                    f.display()
                );
            }
        }
        assert!(found >= listed.len(), "only {found} declarations found");
    }

    #[test]
    fn api_ids_are_blake2_64_of_the_trait_names() {
        let ids = api_ids();
        let has = |hex_id: &str, version: u32| {
            let id: [u8; 8] = hex::decode(hex_id).unwrap().try_into().unwrap();
            assert!(ids.contains(&(id, version)), "{hex_id} v{version}");
        };
        // Substrate's well-known ids (as in every Substrate chain's runtime version).
        has("df6acb689907609b", 5); // Core
        has("37e397fc7c91f5e4", 2); // Metadata
        has("bc9d89904f5b923f", 1); // AccountNonceApi
        has("37c8bb1350a9a2a8", 4); // TransactionPaymentApi
        assert_eq!(ids.len(), 4 + crate::runtime_api::runtime_apis().len());
    }

    #[test]
    fn core_and_transaction_payment_apis() {
        let m = decoded();
        let reg = &m.types;
        let api = |n: &str| m.apis.iter().find(|a| a.name == n).unwrap();
        let query_info = &api("TransactionPaymentApi").methods[0];
        assert_eq!(query_info.name, "query_info");
        assert_eq!(
            path(reg, query_info.inputs[0].ty.id),
            "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic"
        );
        let TypeDef::Composite(out) = &ty(reg, query_info.output.id).type_def else {
            panic!()
        };
        let fields: Vec<_> = out.fields.iter().map(|f| f.name.clone().unwrap()).collect();
        assert_eq!(fields, ["weight", "class", "partial_fee"]);
        let at_version = &api("Metadata").methods[1];
        assert_eq!(at_version.name, "metadata_at_version");
        assert_eq!(path(reg, at_version.output.id), "Option");
        let version = &api("Core").methods[0];
        assert_eq!(path(reg, version.output.id), "sp_version::RuntimeVersion");
    }

    /// Clients cache metadata by spec version: any change to the metadata needs a bump.
    #[test]
    fn metadata_hash_is_pinned_to_the_spec_version() {
        let hash = hex::encode(cortex_primitives::hashing::blake2_256(&metadata_v15_bytes(
            250,
        )));
        let pinned = PINS.iter().find(|(v, _)| *v == version::SPEC_VERSION);
        assert_eq!(
            pinned.map(|(_, h)| *h),
            Some(hash.as_str()),
            "metadata changed: bump version::SPEC_VERSION and update this pin"
        );
    }

    /// Both encodings at both block times, byte for byte: the V15 pin above covers one of four
    /// blobs the node serves, and a change in any of them (a type moved to another module and
    /// renamed, a V14-only field) must show up here too.
    #[test]
    fn every_served_metadata_blob_is_pinned() {
        let blake = |b: &[u8]| hex::encode(cortex_primitives::hashing::blake2_256(b));
        let served = [
            ("v15, 250 ms", blake(&metadata_v15_bytes(250))),
            ("v14, 250 ms", blake(&metadata_v14_bytes(250))),
            ("v15, 12 s", blake(&metadata_v15_bytes(12_000))),
            ("v14, 12 s", blake(&metadata_v14_bytes(12_000))),
        ];
        let pinned = [
            "1710f719e5eeb5f75ecefca9852860e2c78c4ed99517dc93c8cc4a7d8d9d4e74",
            "6dedbfa85d02e436757ca6b131e39005f2491ce809905f7b343a0fa215067e26",
            "7569ebf8b1566f1494a9553a9968b2a73e63d4cc94465bacbbbd58704d72887c",
            "07fb476eb372f98cdc9731ed0d3ccaebfa5c48cd11a1facb33d981366ba1ab3b",
        ];
        assert_eq!(
            version::SPEC_VERSION,
            425,
            "a new spec version needs new pins here"
        );
        for ((what, hash), pin) in served.iter().zip(pinned) {
            assert_eq!(hash, pin, "the {what} metadata changed");
        }
    }

    /// Compares with the recorded finney (spec 320) metadata when the shared fixture is present.
    #[test]
    fn matches_the_finney_fixture_where_both_have_an_item() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/finney-spec320-metadata-v15.txt");
        let Ok(text) = std::fs::read_to_string(&file) else {
            eprintln!("skipped: {} is absent", file.display());
            return;
        };
        let raw = hex::decode(text.trim().trim_start_matches("0x")).unwrap();
        let blob: Option<Vec<u8>> = Decode::decode(&mut &raw[..]).unwrap();
        let RuntimeMetadata::V15(f) = RuntimeMetadataPrefixed::decode(&mut &blob.unwrap()[..])
            .unwrap()
            .1
        else {
            panic!("fixture is not V15")
        };
        let m = decoded();
        // Extensions: the fixture's list plus the two added since, at their positions.
        let mut want: Vec<String> = f
            .extrinsic
            .signed_extensions
            .iter()
            .map(|e| e.identifier.clone())
            .collect();
        want.insert(8, "SudoTransactionExtension".into());
        want.insert(9, "CheckShieldedTxValidity".into());
        let got: Vec<String> = m
            .extrinsic
            .signed_extensions
            .iter()
            .map(|e| e.identifier.clone())
            .collect();
        assert_eq!(got, want);
        let mut mismatches = Vec::new();
        for p in &m.pallets {
            let Some(fp) = f.pallets.iter().find(|x| x.name == p.name) else {
                continue;
            };
            assert_eq!(p.index, fp.index, "{}", p.name);
            // Storage: same hashers and modifier for items both have.
            if let (Some(s), Some(fs)) = (&p.storage, &fp.storage) {
                for e in &s.entries {
                    let Some(fe) = fs.entries.iter().find(|x| x.name == e.name) else {
                        continue;
                    };
                    let hashers = |t: &StorageEntryType<PortableForm>| match t {
                        StorageEntryType::Plain(_) => vec![],
                        StorageEntryType::Map { hashers, .. } => hashers.clone(),
                    };
                    if hashers(&e.ty) != hashers(&fe.ty) || e.modifier != fe.modifier {
                        mismatches.push(format!("storage {}.{}", p.name, e.name));
                    }
                }
            }
            // Calls: same index and argument names for calls both have.
            if let (Some(c), Some(fc)) = (&p.calls, &fp.calls) {
                let theirs = variants(&f.types, fc.ty.id);
                for (name, index, fields) in variants(&m.types, c.ty.id) {
                    let Some((_, fi, ff)) = theirs.iter().find(|(n, _, _)| *n == name) else {
                        continue;
                    };
                    let names = |v: &Vec<(Option<String>, u32)>| -> Vec<Option<String>> {
                        v.iter().map(|(n, _)| n.clone()).collect()
                    };
                    if index != *fi || names(&fields) != names(ff) {
                        mismatches.push(format!("call {}.{name}", p.name));
                    }
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "differs from finney spec 320: {mismatches:#?}"
        );
    }
}
