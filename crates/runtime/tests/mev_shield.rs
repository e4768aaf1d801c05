//! MevShield through the runtime's facade: the author's key inherent and reports, carriers
//! paying and announcing themselves, and every author-only call refused from signers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use codec::Decode;
use cortex_primitives::AccountId32;
use cortex_runtime::types::{
    BoundedBytes, DispatchError, EventRecord, MevShieldCall, MevShieldEvent, Phase, RuntimeCall,
    RuntimeEvent, SudoCall, SystemEvent, UtilityCall, shield_submission_id,
};
use cortex_runtime::{
    GenesisConfig, InvalidTransaction, Runtime, Storage, UncheckedExtrinsic, dev_account, keys,
};

const KEY_LEN: usize = 1184;

fn alice() -> AccountId32 {
    dev_account("//Alice").unwrap()
}

fn genesis(rt: &Runtime) -> Storage {
    rt.genesis(&GenesisConfig::dev().unwrap()).unwrap()
}

fn ciphertext(len: usize) -> Vec<u8> {
    let mut b = vec![0xcc; 16];
    b.extend_from_slice(&1088u16.to_le_bytes());
    b.extend(vec![0xaa; 1088]);
    b.extend(vec![0xbb; 24]);
    b.extend(vec![0xdd; len]);
    b
}

fn carrier(bytes: Vec<u8>) -> RuntimeCall {
    RuntimeCall::MevShield(MevShieldCall::submit_encrypted {
        ciphertext: BoundedBytes::new(bytes).unwrap(),
    })
}

fn next_key(s: &Storage) -> Option<Vec<u8>> {
    s.get(&keys::mev_shield_next_key())
        .map(|v| Vec::<u8>::decode(&mut &v[..]).unwrap())
}

fn events(s: &Storage) -> Vec<EventRecord> {
    s.get(&keys::events())
        .map(|v| Vec::<EventRecord>::decode(&mut &v[..]).unwrap())
        .unwrap_or_default()
}

#[test]
fn the_key_inherent_publishes_next_key_until_it_settles() {
    let rt = Runtime::new(250);
    let mut s = genesis(&rt);
    assert_eq!(next_key(&s), None);
    let key = vec![7u8; KEY_LEN];
    let mut carried = Vec::new();
    for n in 1..=4u32 {
        let mut b = rt.initialize_block(&mut s, n, [n as u8; 32], Some(alice()));
        b.apply_inherents(&mut s, 1_000 * u64::from(n)).unwrap();
        let xt = b.apply_shield_key(&mut s, &key).unwrap();
        if let Some(bytes) = &xt {
            // A bare extrinsic every client decodes: MevShield(30).announce_next_key(0).
            let body = UncheckedExtrinsic::decode_bytes(bytes).unwrap();
            assert!(matches!(
                body.call,
                RuntimeCall::MevShield(MevShieldCall::announce_next_key { enc_key: Some(_) })
            ));
        }
        carried.push(xt.is_some());
        b.finalize(&mut s);
        assert_eq!(next_key(&s).as_deref(), Some(&key[..]));
    }
    // NextKey, PendingKey, CurrentKey: three blocks carry the key, then none does.
    assert_eq!(carried, [true, true, true, false]);
    // A key that is not 1184 bytes is never announced.
    let mut b = rt.initialize_block(&mut s, 5, [5; 32], Some(alice()));
    assert_eq!(b.apply_shield_key(&mut s, &[1u8; 32]).unwrap(), None);
}

#[test]
fn a_carrier_pays_its_fee_uses_its_nonce_and_announces_its_id() {
    let rt = Runtime::new(250);
    let mut s = genesis(&rt);
    let who = alice();
    let bytes = ciphertext(100);
    let call = carrier(bytes.clone());
    rt.validate_transaction(&s, &who, 0, &call, 1500, 0)
        .unwrap();
    let before = rt.account_nonce(&s, &who);
    let mut b = rt.initialize_block(&mut s, 1, [1; 32], None);
    let applied = b.apply_extrinsic(&mut s, &who, 0, 0, &call, 1500).unwrap();
    assert_eq!(applied.result, Ok(()));
    assert!(applied.fee > 0);
    b.finalize(&mut s);
    assert_eq!(rt.account_nonce(&s, &who), before + 1);
    let id = shield_submission_id(&who, &BoundedBytes::new(bytes).unwrap());
    assert!(events(&s).iter().any(
        |r| r.event == RuntimeEvent::MevShield(MevShieldEvent::EncryptedSubmitted { id, who })
    ));
}

#[test]
fn a_ciphertext_whose_header_does_not_parse_is_custom_error_23() {
    let rt = Runtime::new(250);
    let mut s = genesis(&rt);
    let who = alice();
    let call = carrier(ciphertext(0)[..1100].to_vec());
    assert_eq!(
        rt.validate_transaction(&s, &who, 0, &call, 1200, 0),
        Err(InvalidTransaction::Custom(23))
    );
    let mut b = rt.initialize_block(&mut s, 1, [1; 32], None);
    let root = s.root();
    assert_eq!(
        b.apply_extrinsic(&mut s, &who, 0, 0, &call, 1200),
        Err(InvalidTransaction::Custom(23))
    );
    assert_eq!(s.root(), root);
}

#[test]
fn the_author_calls_are_refused_from_signers() {
    let rt = Runtime::new(250);
    let mut s = genesis(&rt);
    let who = alice();
    let author_calls = [
        MevShieldCall::announce_next_key {
            enc_key: BoundedBytes::new(vec![1; KEY_LEN]),
        },
        MevShieldCall::decryption_failed([1; 32], "nope"),
        MevShieldCall::decrypted_rejected([1; 32], DispatchError::BadOrigin),
    ];
    for c in &author_calls {
        let call = RuntimeCall::MevShield(c.clone());
        assert_eq!(
            rt.validate_transaction(&s, &who, 0, &call, 100, 0),
            Err(InvalidTransaction::Call)
        );
        let mut b = rt.initialize_block(&mut s, 1, [1; 32], None);
        let root = s.root();
        assert_eq!(
            b.apply_extrinsic(&mut s, &who, 0, 0, &call, 100),
            Err(InvalidTransaction::Call)
        );
        assert_eq!(s.root(), root);
        b.finalize(&mut s);
        // Wrapped (the pool does not look inside): dispatched as a signer or as root, it fails
        // with `BadOrigin` and emits nothing of MevShield's.
        for wrapped in [
            RuntimeCall::Utility(UtilityCall::batch_all {
                calls: vec![call.clone()],
            }),
            RuntimeCall::Sudo(SudoCall::sudo {
                call: Box::new(call.clone()),
            }),
        ] {
            let mut b = rt.initialize_block(&mut s, 1, [1; 32], None);
            let nonce = rt.account_nonce(&s, &who);
            b.apply_extrinsic(&mut s, &who, nonce, 0, &wrapped, 100)
                .unwrap();
            let ev: Vec<_> = b.finalize(&mut s).into_iter().map(|r| r.event).collect();
            assert!(
                !ev.iter().any(|e| matches!(e, RuntimeEvent::MevShield(_))),
                "{ev:?}"
            );
            assert!(format!("{ev:?}").contains("BadOrigin"), "{ev:?}");
            assert_eq!(next_key(&s), None);
            assert_eq!(rt.account_nonce(&s, &who), nonce + 1);
        }
    }
}

#[test]
fn reports_change_nothing_but_the_events() {
    let rt = Runtime::new(250);
    let mut s = genesis(&rt);
    let mut b = rt.initialize_block(&mut s, 1, [1; 32], None);
    b.apply_inherents(&mut s, 1_000).unwrap();
    let failed = MevShieldCall::decryption_failed([3; 32], "stale key");
    let rejected = MevShieldCall::decrypted_rejected([4; 32], DispatchError::BadOrigin);
    let before: Vec<_> = s.committed().clone().into_iter().collect();
    let x1 = b.apply_shield_report(&mut s, &failed).unwrap();
    let x2 = b.apply_shield_report(&mut s, &rejected).unwrap();
    assert_eq!(
        UncheckedExtrinsic::decode_bytes(&x1).unwrap().call,
        RuntimeCall::MevShield(failed)
    );
    assert_eq!(
        UncheckedExtrinsic::decode_bytes(&x2).unwrap().call,
        RuntimeCall::MevShield(rejected)
    );
    // The key inherent is not a report.
    assert_eq!(
        b.apply_shield_report(&mut s, &MevShieldCall::announce_next_key { enc_key: None }),
        Err(DispatchError::BadOrigin)
    );
    let after: Vec<_> = s.committed().clone().into_iter().collect();
    assert_eq!(before, after);
    let records = b.finalize(&mut s);
    let ours: Vec<_> = records
        .iter()
        .filter(|r| matches!(r.event, RuntimeEvent::MevShield(_)))
        .collect();
    assert_eq!(ours.len(), 2);
    assert!(matches!(
        &ours[0].event,
        RuntimeEvent::MevShield(MevShieldEvent::DecryptionFailed { id, reason }) if *id == [3; 32] && reason.as_slice() == b"stale key"
    ));
    assert!(matches!(
        &ours[1].event,
        RuntimeEvent::MevShield(MevShieldEvent::DecryptedRejected { id, .. }) if *id == [4; 32]
    ));
    // Each report is its own extrinsic after the timestamp's, and succeeds.
    assert_eq!(ours[0].phase, Phase::ApplyExtrinsic(1));
    assert_eq!(ours[1].phase, Phase::ApplyExtrinsic(2));
    let successes = records
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                RuntimeEvent::System(SystemEvent::ExtrinsicSuccess { .. })
            )
        })
        .count();
    assert_eq!(successes, 3);
}
