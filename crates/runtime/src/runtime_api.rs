//! Runtime APIs served through `state_call` (`<Api>_<method>`), with subtensor's SCALE layouts
//! (`spec/wire.md` §3): each method reads the state and answers the raw SCALE encoding of its
//! declared output type, which clients decode through the metadata's `apis` section.
//!
//! One table ([`methods`]) lists every method with its input names and types, its output type
//! and its implementation, so the metadata can only describe what [`call`] answers. A method's
//! input is the concatenated SCALE of its inputs; it must decode exactly (no trailing bytes).
//! No method writes: simulations run on the pure swap math.

pub mod delegate_info;
pub mod hyperparams;
pub mod metagraph;
pub mod neuron_info;
pub mod selective;
pub mod stake_info;
pub mod subnet_info;
pub mod subnet_names;
pub mod subnet_state;
pub mod swap;

use crate::storage::Storage;
use codec::{Decode, Encode};
use frame_metadata::v15::{
    RuntimeApiMetadata, RuntimeApiMethodMetadata, RuntimeApiMethodParamMetadata,
};
use scale_info::MetaType;

/// Why a runtime-API call could not be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeApiError {
    /// No such `<Api>_<method>`.
    #[error("Exported method {0} is not found")]
    UnknownMethod(String),
    /// The input bytes do not decode as the method's declared inputs.
    #[error("Execution failed: could not decode the input of {method}: {reason}")]
    BadInput {
        /// The method called.
        method: String,
        /// What the decoder said.
        reason: String,
    },
}

/// Decodes a method's input and answers its encoded output, or says why the input is wrong.
type Run = fn(&Storage, &[u8]) -> Result<Vec<u8>, String>;

/// One runtime-API method: where it lives, what it takes and gives, and how it is answered.
pub struct Method {
    /// The API trait, e.g. `SubnetInfoRuntimeApi`.
    pub api: &'static str,
    /// The method, e.g. `get_dynamic_info`.
    pub name: &'static str,
    /// Input names and types, in order (subtensor's names).
    pub inputs: Vec<(&'static str, MetaType)>,
    /// The input types as written in the signature, for error messages.
    pub input_types: Vec<&'static str>,
    /// The output type.
    pub output: MetaType,
    run: Run,
}

/// Reads one input of a method from `input`, naming it in the error.
fn take<T: Decode>(input: &mut &[u8], name: &str, ty: &str) -> Result<T, String> {
    T::decode(input).map_err(|e| format!("input `{name}: {ty}` does not decode ({e})"))
}

/// Builds a [`Method`] from its signature and a function `f(&Storage, inputs...) -> output`.
macro_rules! method {
    ($api:literal, $name:literal, ($($arg:ident : $ty:ty),*) -> $out:ty = $f:path) => {
        Method {
            api: $api,
            name: $name,
            inputs: vec![$((stringify!($arg), scale_info::meta_type::<$ty>())),*],
            input_types: vec![$(stringify!($ty)),*],
            output: scale_info::meta_type::<$out>(),
            run: |s: &Storage, input: &[u8]| -> Result<Vec<u8>, String> {
                #[allow(unused_mut)]
                let mut input = input;
                $(let $arg: $ty = take(&mut input, stringify!($arg), stringify!($ty))?;)*
                if !input.is_empty() {
                    return Err(format!("{} trailing byte(s) after the inputs", input.len()));
                }
                let out: $out = $f(s, $($arg),*);
                Ok(out.encode())
            },
        }
    };
}

/// Every method [`call`] answers, grouped by API in declaration order.
pub fn methods() -> Vec<Method> {
    use cortex_primitives::AccountId32;
    use delegate_info::DelegateInfo;
    use metagraph::Metagraph;
    use neuron_info::{NeuronInfo, NeuronInfoLite};
    use selective::SelectiveMetagraph;
    use stake_info::{LockState, StakeAvailability, StakeInfo};
    use std::collections::BTreeMap;
    use substrate_fixed::types::U64F64;
    use subnet_info::DynamicInfo;
    use swap::{SimSwapResult, SubnetPrice};
    vec![
        method!("SubnetInfoRuntimeApi", "get_dynamic_info",
            (netuid: u16) -> Option<DynamicInfo> = subnet_info::get_dynamic_info),
        method!("SubnetInfoRuntimeApi", "get_all_dynamic_info",
            () -> Vec<Option<DynamicInfo>> = subnet_info::get_all_dynamic_info),
        method!("SubnetInfoRuntimeApi", "get_next_epoch_start_block",
            (netuid: u16) -> Option<u64> = subnet_info::get_next_epoch_start_block),
        method!("SubnetInfoRuntimeApi", "get_subnet_hyperparams_v3",
            (netuid: u16) -> Option<Vec<hyperparams::HyperparamEntry>>
                = hyperparams::get_subnet_hyperparams_v3),
        method!("SubnetInfoRuntimeApi", "get_subnet_state",
            (netuid: u16) -> Option<subnet_state::SubnetState> = subnet_state::get_subnet_state),
        method!("SubnetInfoRuntimeApi", "get_all_metagraphs",
            () -> Vec<Option<Metagraph>> = metagraph::get_all_metagraphs),
        method!("SubnetInfoRuntimeApi", "get_metagraph",
            (netuid: u16) -> Option<Metagraph> = metagraph::get_metagraph),
        method!("SubnetInfoRuntimeApi", "get_all_mechagraphs",
            () -> Vec<Option<Metagraph>> = metagraph::get_all_mechagraphs),
        method!("SubnetInfoRuntimeApi", "get_mechagraph",
            (netuid: u16, mecid: u8) -> Option<Metagraph> = metagraph::get_mechagraph),
        method!("SubnetInfoRuntimeApi", "get_selective_metagraph",
            (netuid: u16, metagraph_indexes: Vec<u16>) -> Option<SelectiveMetagraph>
                = selective::get_selective_metagraph),
        method!("SubnetInfoRuntimeApi", "get_selective_mechagraph",
            (netuid: u16, subid: u8, metagraph_indexes: Vec<u16>) -> Option<SelectiveMetagraph>
                = selective::get_selective_mechagraph),
        method!("StakeInfoRuntimeApi", "get_stake_info_for_coldkey",
            (coldkey_account: AccountId32) -> Vec<StakeInfo> = stake_info::get_stake_info_for_coldkey),
        method!("StakeInfoRuntimeApi", "get_stake_info_for_coldkeys",
            (coldkey_accounts: Vec<AccountId32>) -> Vec<(AccountId32, Vec<StakeInfo>)>
                = stake_info::get_stake_info_for_coldkeys),
        method!("StakeInfoRuntimeApi", "get_stake_info_for_hotkey_coldkey_netuid",
            (hotkey_account: AccountId32, coldkey_account: AccountId32, netuid: u16)
                -> Option<StakeInfo> = stake_info::get_stake_info_for_hotkey_coldkey_netuid),
        method!("StakeInfoRuntimeApi", "get_stake_availability_for_coldkeys",
            (coldkey_accounts: Vec<AccountId32>, netuids: Option<Vec<u16>>)
                -> BTreeMap<AccountId32, BTreeMap<u16, StakeAvailability>>
                = stake_info::get_stake_availability_for_coldkeys),
        method!("StakeInfoRuntimeApi", "get_stake_fee",
            (origin: Option<(AccountId32, u16)>, origin_coldkey_account: AccountId32,
             destination: Option<(AccountId32, u16)>, destination_coldkey_account: AccountId32,
             amount: u64) -> u64 = stake_info::get_stake_fee),
        method!("StakeInfoRuntimeApi", "get_coldkey_lock",
            (coldkey: AccountId32, netuid: u16) -> Option<LockState> = stake_info::get_coldkey_lock),
        method!("StakeInfoRuntimeApi", "get_hotkey_conviction",
            (hotkey: AccountId32, netuid: u16) -> U64F64 = stake_info::get_hotkey_conviction),
        method!("StakeInfoRuntimeApi", "get_most_convicted_hotkey_on_subnet",
            (netuid: u16) -> Option<AccountId32> = stake_info::get_most_convicted_hotkey_on_subnet),
        method!("SubnetRegistrationRuntimeApi", "get_network_registration_cost",
            () -> u64 = swap::get_network_registration_cost),
        method!("SwapRuntimeApi", "current_alpha_price",
            (netuid: u16) -> u64 = swap::current_alpha_price),
        method!("SwapRuntimeApi", "current_alpha_price_all",
            () -> Vec<SubnetPrice> = swap::current_alpha_price_all),
        method!("SwapRuntimeApi", "sim_swap_tao_for_alpha",
            (netuid: u16, tao: u64) -> SimSwapResult = swap::sim_swap_tao_for_alpha),
        method!("SwapRuntimeApi", "sim_swap_alpha_for_tao",
            (netuid: u16, alpha: u64) -> SimSwapResult = swap::sim_swap_alpha_for_tao),
        method!("NeuronInfoRuntimeApi", "get_neurons",
            (netuid: u16) -> Vec<NeuronInfo> = neuron_info::get_neurons),
        method!("NeuronInfoRuntimeApi", "get_neuron",
            (netuid: u16, uid: u16) -> Option<NeuronInfo> = neuron_info::get_neuron),
        method!("NeuronInfoRuntimeApi", "get_neurons_lite",
            (netuid: u16) -> Vec<NeuronInfoLite> = neuron_info::get_neurons_lite),
        method!("NeuronInfoRuntimeApi", "get_neuron_lite",
            (netuid: u16, uid: u16) -> Option<NeuronInfoLite> = neuron_info::get_neuron_lite),
        method!("DelegateInfoRuntimeApi", "get_delegates",
            () -> Vec<DelegateInfo> = delegate_info::get_delegates),
        method!("DelegateInfoRuntimeApi", "get_delegate",
            (delegate_account: AccountId32) -> Option<DelegateInfo> = delegate_info::get_delegate),
        method!("DelegateInfoRuntimeApi", "get_delegated",
            (delegatee_account: AccountId32) -> Vec<delegate_info::Delegated>
                = delegate_info::get_delegated),
    ]
}

/// Answers runtime-API `method` with SCALE `input` over state `s`.
pub fn call(s: &Storage, method: &str, input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    let found = methods().into_iter().find(|m| {
        method
            .strip_prefix(m.api)
            .and_then(|rest| rest.strip_prefix('_'))
            == Some(m.name)
    });
    let Some(m) = found else {
        return Err(RuntimeApiError::UnknownMethod(method.to_string()));
    };
    (m.run)(s, input).map_err(|reason| {
        let expected: Vec<String> = m
            .inputs
            .iter()
            .zip(&m.input_types)
            .map(|((name, _), ty)| format!("{name}: {ty}"))
            .collect();
        RuntimeApiError::BadInput {
            method: method.to_string(),
            reason: format!(
                "{reason}; expected the SCALE encoding of ({})",
                expected.join(", ")
            ),
        }
    })
}

/// The API traits [`call`] serves with their versions, for the runtime version's `apis`
/// (subtensor declares `SubnetInfoRuntimeApi` at version 2, the others at 1).
#[cfg(test)]
pub fn api_names() -> Vec<(&'static str, u32)> {
    let mut names: Vec<(&'static str, u32)> = Vec::new();
    for m in methods() {
        if !names.iter().any(|(api, _)| *api == m.api) {
            let version = if m.api == "SubnetInfoRuntimeApi" {
                2
            } else {
                1
            };
            names.push((m.api, version));
        }
    }
    names
}

/// The metadata of the runtime APIs [`call`] answers (the V15 `apis` section).
pub fn runtime_apis() -> Vec<RuntimeApiMetadata> {
    let mut apis: Vec<RuntimeApiMetadata> = Vec::new();
    for m in methods() {
        let method = RuntimeApiMethodMetadata {
            name: m.name,
            inputs: m
                .inputs
                .into_iter()
                .map(|(name, ty)| RuntimeApiMethodParamMetadata { name, ty })
                .collect(),
            output: m.output,
            docs: Vec::new(),
        };
        match apis.iter_mut().find(|a| a.name == m.api) {
            Some(api) => api.methods.push(method),
            None => apis.push(RuntimeApiMetadata {
                name: m.api,
                methods: vec![method],
                docs: Vec::new(),
            }),
        }
    }
    apis
}

/// The current block number (the state's `System.Number`).
pub(crate) fn current_block(s: &Storage) -> u64 {
    u64::from(crate::system::Number::get(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use frame_metadata::v15::RuntimeApiMetadata;
    use proptest::prelude::*;
    use scale_info::form::PortableForm;
    use scale_info::{IntoPortable, Registry, TypeDef, TypeDefPrimitive};

    fn portable() -> (
        scale_info::PortableRegistry,
        Vec<RuntimeApiMetadata<PortableForm>>,
    ) {
        let mut registry = Registry::new();
        let apis: Vec<_> = runtime_apis()
            .into_iter()
            .map(|a| a.into_portable(&mut registry))
            .collect();
        (registry.into(), apis)
    }

    #[test]
    fn metadata_describes_every_method_with_typed_outputs() {
        let (registry, apis) = portable();
        let names: Vec<&str> = apis.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "SubnetInfoRuntimeApi",
                "StakeInfoRuntimeApi",
                "SubnetRegistrationRuntimeApi",
                "SwapRuntimeApi",
                "NeuronInfoRuntimeApi",
                "DelegateInfoRuntimeApi",
            ]
        );
        let find = |api: &str, method: &str| {
            apis.iter()
                .find(|a| a.name == api)
                .and_then(|a| a.methods.iter().find(|m| m.name == method))
                .unwrap_or_else(|| panic!("{api}_{method} missing"))
                .clone()
        };
        let inputs = |api: &str, method: &str| -> Vec<String> {
            find(api, method)
                .inputs
                .iter()
                .map(|i| i.name.clone())
                .collect()
        };
        assert_eq!(
            inputs("StakeInfoRuntimeApi", "get_stake_info_for_coldkeys"),
            ["coldkey_accounts"]
        );
        assert_eq!(
            inputs("StakeInfoRuntimeApi", "get_stake_info_for_coldkey"),
            ["coldkey_account"]
        );
        assert_eq!(
            inputs(
                "StakeInfoRuntimeApi",
                "get_stake_info_for_hotkey_coldkey_netuid"
            ),
            ["hotkey_account", "coldkey_account", "netuid"]
        );
        assert_eq!(
            inputs("SubnetInfoRuntimeApi", "get_dynamic_info"),
            ["netuid"]
        );
        assert!(inputs("SubnetInfoRuntimeApi", "get_all_dynamic_info").is_empty());
        assert_eq!(
            inputs("SwapRuntimeApi", "sim_swap_tao_for_alpha"),
            ["netuid", "tao"]
        );
        assert_eq!(
            inputs("SwapRuntimeApi", "sim_swap_alpha_for_tao"),
            ["netuid", "alpha"]
        );
        assert_eq!(
            inputs("NeuronInfoRuntimeApi", "get_neuron_lite"),
            ["netuid", "uid"]
        );
        assert_eq!(
            inputs("SubnetInfoRuntimeApi", "get_selective_mechagraph"),
            ["netuid", "subid", "metagraph_indexes"]
        );
        assert_eq!(
            inputs("SubnetInfoRuntimeApi", "get_mechagraph"),
            ["netuid", "mecid"]
        );
        assert_eq!(
            inputs("StakeInfoRuntimeApi", "get_stake_fee"),
            [
                "origin",
                "origin_coldkey_account",
                "destination",
                "destination_coldkey_account",
                "amount"
            ]
        );
        assert_eq!(
            inputs("StakeInfoRuntimeApi", "get_stake_availability_for_coldkeys"),
            ["coldkey_accounts", "netuids"]
        );
        assert_eq!(
            inputs("DelegateInfoRuntimeApi", "get_delegated"),
            ["delegatee_account"]
        );
        assert_eq!(
            inputs("StakeInfoRuntimeApi", "get_coldkey_lock"),
            ["coldkey", "netuid"]
        );
        // The availability map keeps the `BTreeMap` path clients render as a dict.
        let avail = find("StakeInfoRuntimeApi", "get_stake_availability_for_coldkeys");
        let map = registry.resolve(avail.output.id).unwrap();
        assert_eq!(map.path.segments.last().map(String::as_str), Some("BTreeMap"));
        // No output is `Vec<u8>` (that would send clients to their legacy decoders).
        for api in &apis {
            for m in &api.methods {
                let ty = registry.resolve(m.output.id).unwrap();
                if let TypeDef::Sequence(seq) = &ty.type_def {
                    let inner = registry.resolve(seq.type_param.id).unwrap();
                    assert_ne!(
                        inner.type_def,
                        TypeDef::Primitive(TypeDefPrimitive::U8),
                        "{}_{} returns Vec<u8>",
                        api.name,
                        m.name
                    );
                }
            }
        }
        // The account type keeps Substrate's path (clients render it as SS58).
        let stake = find("StakeInfoRuntimeApi", "get_stake_info_for_coldkey");
        let TypeDef::Sequence(seq) = &registry.resolve(stake.output.id).unwrap().type_def else {
            panic!("not a sequence")
        };
        let info = registry.resolve(seq.type_param.id).unwrap();
        let TypeDef::Composite(c) = &info.type_def else {
            panic!("StakeInfo is not a composite")
        };
        let fields: Vec<&str> = c
            .fields
            .iter()
            .map(|f| f.name.as_deref().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "hotkey",
                "coldkey",
                "netuid",
                "stake",
                "locked",
                "emission",
                "tao_emission",
                "drain",
                "is_registered"
            ]
        );
        let hotkey = registry.resolve(c.fields[0].ty.id).unwrap();
        assert_eq!(hotkey.path.segments, ["sp_core", "crypto", "AccountId32"]);
    }

    #[test]
    fn api_names_list_each_trait_once() {
        let names = api_names();
        assert_eq!(names.len(), 6);
        assert!(names.contains(&("SubnetInfoRuntimeApi", 2)));
        assert!(names.contains(&("SwapRuntimeApi", 1)));
    }

    #[test]
    fn unknown_methods_and_bad_inputs_are_refused() {
        let s = Storage::new();
        assert_eq!(
            call(&s, "SubnetInfoRuntimeApi_get_nothing", &[]),
            Err(RuntimeApiError::UnknownMethod(
                "SubnetInfoRuntimeApi_get_nothing".into()
            ))
        );
        assert!(matches!(
            call(&s, "SubnetInfoRuntimeApiget_dynamic_info", &[0, 0]),
            Err(RuntimeApiError::UnknownMethod(_))
        ));
        // Too short, and trailing bytes.
        let Err(RuntimeApiError::BadInput { method, reason }) =
            call(&s, "SubnetInfoRuntimeApi_get_dynamic_info", &[1])
        else {
            panic!("short input accepted")
        };
        assert_eq!(method, "SubnetInfoRuntimeApi_get_dynamic_info");
        assert!(reason.contains("netuid"), "{reason}");
        let Err(RuntimeApiError::BadInput { reason, .. }) =
            call(&s, "SubnetInfoRuntimeApi_get_dynamic_info", &[1, 0, 0])
        else {
            panic!("trailing byte accepted")
        };
        assert!(reason.contains("trailing"), "{reason}");
        assert!(matches!(
            call(&s, "SubnetInfoRuntimeApi_get_all_dynamic_info", &[0]),
            Err(RuntimeApiError::BadInput { .. })
        ));
        // A huge announced length with nothing behind it.
        assert!(matches!(
            call(
                &s,
                "StakeInfoRuntimeApi_get_stake_info_for_coldkeys",
                &[0xff, 0xff, 0xff, 0xff, 0x03]
            ),
            Err(RuntimeApiError::BadInput { .. })
        ));
        assert_eq!(
            call(&s, "SubnetInfoRuntimeApi_get_dynamic_info", &[1, 0]),
            Ok(vec![0])
        );
    }

    proptest! {
        #[test]
        fn random_inputs_never_panic(
            which in 0usize..64,
            input in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut s = crate::test_support::funded(&[(1, 10_000 * crate::test_support::TAO)]);
            let _ = crate::test_support::subnet(&mut s, true);
            let all = methods();
            let m = &all[which % all.len()];
            let name = format!("{}_{}", m.api, m.name);
            let _ = call(&s, &name, &input);
        }
    }
}
