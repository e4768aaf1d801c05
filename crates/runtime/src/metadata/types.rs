//! Substrate types that Cortex encodes by hand, or not at all, described for the metadata by
//! private marker types that exist only for their `TypeInfo` (`Era`, `MultiSignature`, `H256`,
//! the outer `RuntimeError`, the runtime-API result shapes), and the signed extensions in
//! subtensor's order (`spec/wire.md` §4.2).

use crate::admin_utils::AdminUtilsError;
use crate::balances::BalancesError;
use crate::commitments::CommitmentsError;
use crate::mev_shield::MevShieldError;
use crate::subtensor::errors::Error as SubtensorError;
use crate::sudo::SudoError;
use crate::support::{DispatchClass, Weight};
use crate::swap::SwapPalletError;
use crate::system::SystemError;
use crate::timestamp::TimestampError;
use crate::utility::UtilityError;
use frame_metadata::v15::SignedExtensionMetadata;
use scale_info::{MetaType, TypeInfo, meta_type};

// ---- Marker types: Substrate types Cortex encodes by hand (or not at all) ------------------------
/// `primitive_types::H256`: 32 bytes, rendered as `0x…` hex.
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) struct H256([u8; 32]);

/// `sp_runtime::MultiSignature`.
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) enum MultiSignature {
    Ed25519([u8; 64]),
    Sr25519([u8; 64]),
    Ecdsa([u8; 65]),
}

/// `sp_runtime::generic::era::Era`: `Immortal` (one zero byte) or `MortalN` whose first byte
/// `N` (1…255) and the following `u8` hold the encoded period and phase.
pub(super) struct Era;

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
pub(super) struct UncheckedExtrinsic;

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
pub(super) struct OpaqueMetadata(Vec<u8>);

/// `sp_version::RuntimeVersion`, as `Core_version` answers it (the names are `Cow<str>` in
/// Substrate; they encode as strings).
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) struct RuntimeVersion {
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
pub(super) struct RuntimeDispatchInfo {
    weight: Weight,
    class: DispatchClass,
    partial_fee: u64,
}

/// The runtime type itself (`node_subtensor_runtime::Runtime`, an empty composite).
#[derive(TypeInfo)]
pub(super) struct Runtime;

/// `RuntimeError`: every pallet's error enum, by pallet index (`outer_enums.error_enum_ty`).
/// (The fields' type names that moved since spec 425 are restored by [`TYPE_NAMES`].)
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) enum RuntimeError {
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
    #[codec(index = 30)]
    MevShield(MevShieldError),
}

// ---- Signed extensions (spec/wire.md §4.2) ------------------------------------------------------
/// Signed extensions without bytes in the extrinsic.
#[derive(TypeInfo)]
pub(super) struct CheckNonZeroSender;

#[derive(TypeInfo)]
pub(super) struct CheckSpecVersion;

#[derive(TypeInfo)]
pub(super) struct CheckTxVersion;

#[derive(TypeInfo)]
pub(super) struct CheckGenesis;

#[derive(TypeInfo)]
pub(super) struct CheckWeight;

#[derive(TypeInfo)]
pub(super) struct SudoTransactionExtension;

#[derive(TypeInfo)]
pub(super) struct CheckShieldedTxValidity;

#[derive(TypeInfo)]
pub(super) struct SubtensorTransactionExtension;

#[derive(TypeInfo)]
pub(super) struct DrandPriority;

/// The era (1 or 2 bytes).
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) struct CheckMortality(Era);

/// The signer's nonce.
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) struct CheckNonce(#[codec(compact)] u32);

/// The tip.
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) struct ChargeTransactionPayment(#[codec(compact)] u64);

/// Whether the signer committed to the metadata's hash (clients send `Disabled`).
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) enum Mode {
    Disabled,
    Enabled,
}

/// `CheckMetadataHash { mode }`.
#[allow(dead_code)]
#[derive(TypeInfo)]
pub(super) struct CheckMetadataHash {
    mode: Mode,
}

/// The extrinsic's extra: every extension's bytes, in order.
pub(super) type Extra = (
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
pub(super) fn signed_extensions() -> Vec<SignedExtensionMetadata> {
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
