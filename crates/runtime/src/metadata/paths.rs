//! Type paths and field type names as the clients expect them: [`PATHS`] renames Cortex's Rust
//! paths to subtensor's (and keeps the paths spec 425 published for Cortex's own types),
//! [`TYPE_NAMES`] keeps the field type names spec 425 published. Both apply to the registry
//! once it is built.

use scale_info::PortableRegistry;

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
        "cortex_runtime::system::DigestItem",
        "sp_runtime::generic::digest::DigestItem",
    ),
    (
        "cortex_runtime::system::DigestLogs",
        "sp_runtime::generic::digest::Digest",
    ),
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
        "cortex_runtime::metadata::types::RuntimeError",
        "node_subtensor_runtime::RuntimeError",
    ),
    (
        "cortex_runtime::metadata::types::Runtime",
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
    (
        "cortex_runtime::mev_shield::MevShieldCall",
        "pallet_shield::pallet::Call",
    ),
    (
        "cortex_runtime::mev_shield::MevShieldEvent",
        "pallet_shield::pallet::Event",
    ),
    (
        "cortex_runtime::mev_shield::MevShieldError",
        "pallet_shield::pallet::Error",
    ),
    (
        "cortex_runtime::mev_shield::PostDispatchInfo",
        "frame_support::dispatch::PostDispatchInfo",
    ),
    (
        "cortex_runtime::mev_shield::DispatchErrorWithPostInfo",
        "sp_runtime::DispatchErrorWithPostInfo",
    ),
    // Substrate types described by the markers below.
    (
        "cortex_runtime::metadata::types::H256",
        "primitive_types::H256",
    ),
    (
        "cortex_runtime::metadata::types::MultiSignature",
        "sp_runtime::MultiSignature",
    ),
    (
        "cortex_runtime::metadata::types::OpaqueMetadata",
        "sp_core::OpaqueMetadata",
    ),
    (
        "cortex_runtime::metadata::types::RuntimeVersion",
        "sp_version::RuntimeVersion",
    ),
    (
        "cortex_runtime::metadata::types::RuntimeDispatchInfo",
        "pallet_transaction_payment::types::RuntimeDispatchInfo",
    ),
    (
        "cortex_runtime::metadata::types::CheckNonZeroSender",
        "frame_system::extensions::check_non_zero_sender::CheckNonZeroSender",
    ),
    (
        "cortex_runtime::metadata::types::CheckSpecVersion",
        "frame_system::extensions::check_spec_version::CheckSpecVersion",
    ),
    (
        "cortex_runtime::metadata::types::CheckTxVersion",
        "frame_system::extensions::check_tx_version::CheckTxVersion",
    ),
    (
        "cortex_runtime::metadata::types::CheckGenesis",
        "frame_system::extensions::check_genesis::CheckGenesis",
    ),
    (
        "cortex_runtime::metadata::types::CheckMortality",
        "frame_system::extensions::check_mortality::CheckMortality",
    ),
    (
        "cortex_runtime::metadata::types::CheckNonce",
        "node_subtensor_runtime::check_nonce::CheckNonce",
    ),
    (
        "cortex_runtime::metadata::types::CheckWeight",
        "frame_system::extensions::check_weight::CheckWeight",
    ),
    (
        "cortex_runtime::metadata::types::ChargeTransactionPayment",
        "pallet_transaction_payment::ChargeTransactionPayment",
    ),
    (
        "cortex_runtime::metadata::types::SudoTransactionExtension",
        "node_subtensor_runtime::sudo_wrapper::SudoTransactionExtension",
    ),
    (
        "cortex_runtime::metadata::types::CheckShieldedTxValidity",
        "pallet_shield::extension::CheckShieldedTxValidity",
    ),
    (
        "cortex_runtime::metadata::types::SubtensorTransactionExtension",
        "pallet_subtensor::transaction_extension::SubtensorTransactionExtension",
    ),
    (
        "cortex_runtime::metadata::types::DrandPriority",
        "pallet_drand::drand_priority::DrandPriority",
    ),
    (
        "cortex_runtime::metadata::types::CheckMetadataHash",
        "frame_metadata_hash_extension::CheckMetadataHash",
    ),
    (
        "cortex_runtime::metadata::types::Mode",
        "frame_metadata_hash_extension::Mode",
    ),
    (
        "cortex_runtime::subtensor::declared::EpochConsensus",
        "pallet_subtensor::EpochConsensus",
    ),
    (
        "cortex_runtime::subtensor::declared::LockState",
        "pallet_subtensor::staking::lock::LockState",
    ),
    (
        "cortex_runtime::subtensor::declared::RootClaimTypeEnum",
        "pallet_subtensor::pallet::RootClaimTypeEnum",
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

/// Renames field type names per [`TYPE_NAMES`] (after [`rename_paths`]); returns how many
/// fields were renamed.
pub(super) fn rename_type_names(registry: &mut PortableRegistry) -> usize {
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
pub(super) fn rename_paths(registry: &mut PortableRegistry) -> usize {
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
