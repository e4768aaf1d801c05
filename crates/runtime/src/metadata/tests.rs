//! The metadata as clients decode it: pallets, calls, events, errors, storage, constants,
//! extensions, runtime APIs and paths, against subtensor's and the spec 425 pins.

use super::paths::{PATHS, TYPE_NAMES, rename_type_names};
use super::*;
use crate::support::{DispatchClass, Weight};
use crate::version;
use codec::{Compact, Decode};
use frame_metadata::RuntimeMetadata;
use frame_metadata::v15::{StorageEntryModifier, StorageEntryType, StorageHasher};
use scale_info::PortableRegistry;
use scale_info::form::PortableForm;
use scale_info::{TypeDef, TypeDefPrimitive};

/// `spec_version` → BLAKE2b-256 of `metadata_v15_bytes(250)` at that version.
/// One pin per spec version ever served; 425 is the first metadata a Cortex node served.
const PINS: &[(u32, &str)] = &[
    (
        425,
        "1710f719e5eeb5f75ecefca9852860e2c78c4ed99517dc93c8cc4a7d8d9d4e74",
    ),
    (
        426,
        "a1eea8e3232e67e5344c7f6fccf011cd720ce9f601b9665fe8efa832a79da1a4",
    ),
    (
        427,
        "4c3f2f3b0c53a39e75f7720db01c6b74021d12d424965972e503e5b4e6a3cc9b",
    ),
];

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
        event: crate::event::RuntimeEvent::System(crate::system::SystemEvent::ExtrinsicFailed {
            dispatch_error: crate::support::DispatchError::module(7, 12),
            dispatch_info: crate::support::DispatchInfo {
                weight: Weight::from_parts(1_000_000, 3),
                class: DispatchClass::Normal,
                pays_fee: crate::support::Pays::Yes,
            },
        }),
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

/// A variant's docs as clients print them: the lines joined with spaces (what the SDK's and
/// btcli's `format_error_message` do with an error's `docs`).
fn variant_docs(reg: &PortableRegistry, id: u32) -> Vec<(String, String)> {
    match &ty(reg, id).type_def {
        TypeDef::Variant(v) => v
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.docs.join(" ")))
            .collect(),
        other => panic!("not a variant type: {other:?}"),
    }
}

/// Clients explain a failed call with its error's docs (btcli and the SDK print `UnknownError
/// ... Unknown Description` when they are missing) and describe calls and events with theirs:
/// every pallet's every call, event and error variant carries a doc comment into the metadata.
#[test]
fn every_call_event_and_error_variant_has_docs() {
    let m = decoded();
    let reg = &m.types;
    let mut undocumented = Vec::new();
    let mut seen = 0usize;
    for p in &m.pallets {
        let kinds = [
            ("call", p.calls.as_ref().map(|c| c.ty.id)),
            ("event", p.event.as_ref().map(|e| e.ty.id)),
            ("error", p.error.as_ref().map(|e| e.ty.id)),
        ];
        for (kind, id) in kinds {
            let Some(id) = id else { continue };
            for (name, docs) in variant_docs(reg, id) {
                seen += 1;
                if docs.trim().is_empty() {
                    undocumented.push(format!("{}.{name} ({kind})", p.name));
                }
            }
        }
    }
    assert!(undocumented.is_empty(), "no docs: {undocumented:#?}");
    // All of SubtensorModule's errors and calls, and more, were looked at.
    assert!(seen > 147 + 44 + 58, "only {seen} variants");

    let docs_of = |pallet_name: &str, variant: &str| {
        let id = pallet(&m, pallet_name).error.as_ref().unwrap().ty.id;
        variant_docs(reg, id)
            .into_iter()
            .find(|(n, _)| n == variant)
            .map(|(_, d)| d)
            .unwrap()
    };
    // What `add_stake` of more TAO than the coldkey holds prints: what went wrong, and what to do.
    let stake = docs_of("SubtensorModule", "NotEnoughBalanceToStake");
    assert!(
        stake.contains("free balance is lower than the amount to stake"),
        "{stake}"
    );
    assert!(
        stake.contains("Stake a smaller amount or add TAO"),
        "{stake}"
    );
    assert_eq!(
        docs_of("SubtensorModule", "SubnetNotExists"),
        "No subnet exists with this netuid. Check the netuid (btcli subnets list)."
    );
    // AdminUtils' errors explain the bound that was broken.
    let uids = docs_of(
        "AdminUtils",
        "MaxAllowedUidsGreaterThanDefaultMaxAllowedUids",
    );
    assert!(uids.contains("above the chain's limit (256)"), "{uids}");
    let window = docs_of(
        "SubtensorModule",
        "AdminActionProhibitedDuringWeightsWindow",
    );
    assert!(window.contains("admin freeze window"), "{window}");
    assert!(docs_of("AdminUtils", "SubnetDoesNotExist").contains("Check the netuid"));
    assert!(docs_of("AdminUtils", "POWRegistrationDisabled").contains("burned registration"));

    // The dispatch-level enums a failure's `DispatchError` names are described too.
    let by_path = |p: &str| {
        reg.types
            .iter()
            .find(|t| t.ty.path.segments.join("::") == p)
            .unwrap_or_else(|| panic!("{p} not in the registry"))
            .id
    };
    for p in [
        "sp_runtime::DispatchError",
        "sp_runtime::TokenError",
        "sp_arithmetic::ArithmeticError",
        "sp_runtime::TransactionalError",
    ] {
        for (name, docs) in variant_docs(reg, by_path(p)) {
            assert!(!docs.trim().is_empty(), "{p}::{name} has no docs");
        }
    }
    let token = variant_docs(reg, by_path("sp_runtime::TokenError"));
    assert!(token[0].0 == "FundsUnavailable" && token[0].1.contains("too low a balance"));
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
    for mac in [
        "storage_value!(",
        "storage_map!(",
        "storage_double_map!(",
        "storage_triple_map!(",
    ] {
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
        "4c3f2f3b0c53a39e75f7720db01c6b74021d12d424965972e503e5b4e6a3cc9b",
        "d83ea045a6d898e7b49e87685e43f5d8a54cd673ca64893963f5116a1faed0e7",
        "116a3b6b5fa5ef4bccead9aa6d47d4a48d9e97a94e1f201d6b4aa710cdfcfe59",
        "028dc218e3cd0d18c9fda527697f52d47ea69b509d8356e16064aac1454a9df7",
    ];
    assert_eq!(
        version::SPEC_VERSION,
        427,
        "a new spec version needs new pins here"
    );
    // Every mismatch at once, so that a deliberate change updates all four pins in one go.
    let changed: Vec<String> = served
        .iter()
        .zip(pinned)
        .filter(|((_, hash), pin)| hash != pin)
        .map(|((what, hash), _)| format!("the {what} metadata changed: now {hash}"))
        .collect();
    assert!(changed.is_empty(), "{}", changed.join("; "));
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
