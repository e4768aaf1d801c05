//! The MEV shield end to end on a dev node: a client reads `MevShield.NextKey`, encrypts a
//! signed extrinsic to it exactly as btcli does (`cortex_node::shield::encrypt`), and submits
//! the carrier (`MevShield.submit_encrypted`, signed at the nonce before the inner one, mortal
//! for 8 blocks). The author includes the inner extrinsic in the block after the carrier's; a
//! carrier for a stale key, a truncated one, and one whose inner extrinsic has a bad signature
//! get `DecryptionFailed` / `DecryptedRejected` in the next block and change nothing but the
//! carrier's fee and nonce.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use codec::Decode;
use common::*;
use cortex_node::shield::{ShieldKeys, encrypt};
use cortex_primitives::Sr25519Pair;
use cortex_runtime::types::{
    BoundedBytes, DispatchError, MevShieldCall, MevShieldEvent, RuntimeCall, RuntimeEvent,
    SystemEvent, TransactionPaymentEvent, shield_submission_id,
};
use cortex_runtime::{Era, keys};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// `MevShield.NextKey`, once the author has published it.
async fn next_key(rpc: &Rpc) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let key = hex0x(&keys::mev_shield_next_key());
        if let Value::String(v) = rpc.ok("state_getStorage", json!([key])).await {
            return Vec::<u8>::decode(&mut unhex(&v).as_slice()).unwrap();
        }
        assert!(Instant::now() < deadline, "no MevShield.NextKey");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// `call` signed by `signer` at `nonce`, mortal for 8 blocks from the head (btcli's MEV era).
async fn signed(rpc: &Rpc, signer: &Sr25519Pair, call: RuntimeCall, nonce: u32) -> Vec<u8> {
    let head = rpc.head().await;
    let era = Era::mortal(8, u64::from(head));
    let birth = rpc.block_hash(era.birth(u64::from(head)) as u32).await;
    let genesis = rpc.block_hash(0).await;
    sign(signer, call, nonce, era, genesis, birth).to_bytes()
}

/// The carrier of `ciphertext`, signed by `signer` at `nonce`.
async fn carrier(rpc: &Rpc, signer: &Sr25519Pair, ciphertext: Vec<u8>, nonce: u32) -> Vec<u8> {
    let call = RuntimeCall::MevShield(MevShieldCall::submit_encrypted {
        ciphertext: BoundedBytes::new(ciphertext).unwrap(),
    });
    signed(rpc, signer, call, nonce).await
}

/// What a carrier did: its block, its events' fee, and its submission id.
struct Landed {
    block: u32,
    fee: u64,
    id: [u8; 32],
}

/// Submits `carrier_bytes` (whose ciphertext is `ciphertext`) and waits for its block; checks
/// it succeeded with `EncryptedSubmitted` carrying its id.
async fn land(rpc: &Rpc, carrier_bytes: &[u8], ciphertext: &[u8], from: u32) -> Landed {
    rpc.submit(carrier_bytes).await.unwrap();
    let (block, hash, idx) = rpc.wait_for_inclusion(carrier_bytes, from).await;
    let alice = account("//Alice");
    let id = shield_submission_id(&alice, &BoundedBytes::new(ciphertext.to_vec()).unwrap());
    let ours: Vec<_> = rpc
        .events_at(&hash)
        .await
        .into_iter()
        .filter(|r| r.phase == cortex_runtime::types::Phase::ApplyExtrinsic(idx as u32))
        .map(|r| r.event)
        .collect();
    assert!(
        ours.contains(&RuntimeEvent::MevShield(
            MevShieldEvent::EncryptedSubmitted { id, who: alice }
        )),
        "{ours:?}"
    );
    assert!(
        ours.iter().any(|e| matches!(
            e,
            RuntimeEvent::System(SystemEvent::ExtrinsicSuccess { .. })
        )),
        "{ours:?}"
    );
    let fee = ours
        .iter()
        .find_map(|e| match e {
            RuntimeEvent::TransactionPayment(TransactionPaymentEvent::TransactionFeePaid {
                actual_fee,
                ..
            }) => Some(*actual_fee),
            _ => None,
        })
        .unwrap();
    Landed { block, fee, id }
}

/// The MevShield report on carrier `id` in block `block`, checked to be an extrinsic of its own
/// that succeeded.
async fn report_in(rpc: &Rpc, block: u32, id: [u8; 32]) -> MevShieldEvent {
    rpc.wait_for_head(block).await;
    let hash = rpc.block_hash(block).await;
    let records = rpc.events_at(&hash).await;
    let report = records
        .iter()
        .find(|r| match &r.event {
            RuntimeEvent::MevShield(MevShieldEvent::DecryptionFailed { id: i, .. })
            | RuntimeEvent::MevShield(MevShieldEvent::DecryptedRejected { id: i, .. }) => *i == id,
            _ => false,
        })
        .unwrap_or_else(|| panic!("no report on the carrier in block {block}: {records:?}"));
    assert!(records.iter().any(|r| r.phase == report.phase
        && matches!(
            r.event,
            RuntimeEvent::System(SystemEvent::ExtrinsicSuccess { .. })
        )));
    let RuntimeEvent::MevShield(e) = &report.event else {
        unreachable!()
    };
    e.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shielded_transfer_lands_in_the_block_after_its_carrier() {
    let node = dev_node(100).await;
    let rpc = Rpc::new(&node);
    let (alice, bob) = (pair("//Alice"), account("//Bob"));
    let key = next_key(&rpc).await;
    assert_eq!(key.len(), 1184);
    let nonce = rpc.account(&alice.public()).await.nonce;
    let bob_before = rpc.free(&bob).await;

    let inner = signed(&rpc, &alice, transfer(bob, 7 * TAO), nonce + 1).await;
    let ciphertext = encrypt(&key, &inner).unwrap();
    let outer = carrier(&rpc, &alice, ciphertext.clone(), nonce).await;
    let from = rpc.head().await;
    let landed = land(&rpc, &outer, &ciphertext, from).await;
    // The inner extrinsic, byte for byte, in the next block (btcli looks for its hash there).
    let (block, hash, idx) = rpc.wait_for_inclusion(&inner, landed.block).await;
    assert_eq!(block, landed.block + 1);
    let inner_events: Vec<_> = rpc
        .events_at(&hash)
        .await
        .into_iter()
        .filter(|r| r.phase == cortex_runtime::types::Phase::ApplyExtrinsic(idx as u32))
        .map(|r| r.event)
        .collect();
    assert!(
        inner_events.iter().any(|e| matches!(
            e,
            RuntimeEvent::System(SystemEvent::ExtrinsicSuccess { .. })
        )),
        "{inner_events:?}"
    );
    assert_eq!(rpc.free(&bob).await, bob_before + 7 * TAO);
    assert_eq!(rpc.account(&alice.public()).await.nonce, nonce + 2);
    // The key is still the author's: nothing rotated it away.
    assert_eq!(next_key(&rpc).await, key);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_truncated_and_badly_signed_payloads_are_reported_and_change_nothing_else() {
    let node = dev_node(100).await;
    let rpc = Rpc::new(&node);
    let (alice, bob) = (pair("//Alice"), account("//Bob"));
    let key = next_key(&rpc).await;
    let bob_before = rpc.free(&bob).await;

    // A stale key, a truncated ciphertext, a bad inner signature: one after the other.
    let stale = ShieldKeys::generate();
    for case in 0..3 {
        let before = rpc.account(&alice.public()).await;
        let nonce = before.nonce;
        let inner = signed(&rpc, &alice, transfer(bob, TAO), nonce + 1).await;
        let ciphertext = match case {
            // Encrypted to a key the author does not hold (a stale or unknown one).
            0 => encrypt(stale.encapsulation_key(), &inner).unwrap(),
            // The AEAD part cut short.
            1 => {
                let ct = encrypt(&key, &inner).unwrap();
                ct[..ct.len() - 5].to_vec()
            }
            // A correctly encrypted extrinsic whose signature is wrong.
            _ => {
                let mut bad = inner.clone();
                // Flip a byte of the signature: it starts after the length prefix (2 bytes),
                // the version byte, the signer (MultiAddress::Id: 1 + 32 bytes) and the
                // signature's own type byte.
                bad[2 + 1 + 33 + 1 + 10] ^= 0xff;
                encrypt(&key, &bad).unwrap()
            }
        };
        let outer = carrier(&rpc, &alice, ciphertext.clone(), nonce).await;
        let from = rpc.head().await;
        let landed = land(&rpc, &outer, &ciphertext, from).await;
        let report = report_in(&rpc, landed.block + 1, landed.id).await;
        match case {
            0 | 1 => {
                let MevShieldEvent::DecryptionFailed { reason, .. } = &report else {
                    panic!("case {case}: {report:?}");
                };
                let text = String::from_utf8_lossy(reason.as_slice()).to_string();
                let expected = if case == 0 { "stale key" } else { "truncated" };
                assert!(text.contains(expected), "case {case}: {text}");
            }
            _ => {
                let MevShieldEvent::DecryptedRejected { reason, .. } = &report else {
                    panic!("case {case}: {report:?}");
                };
                assert_eq!(reason.error, DispatchError::BadOrigin);
            }
        }
        // Nothing else happened: the inner transfer never ran, the pool does not hold it, and
        // Alice paid exactly the carrier's fee and used exactly its nonce.
        rpc.wait_for_head(landed.block + 3).await;
        assert_eq!(rpc.free(&bob).await, bob_before, "case {case}");
        let after = rpc.account(&alice.public()).await;
        assert_eq!(after.nonce, nonce + 1, "case {case}");
        assert_eq!(
            after.data.free,
            before.data.free - landed.fee,
            "case {case}"
        );
        assert!(!rpc.pending().await.contains(&hex0x(&inner)), "case {case}");
        // The report is the author's: the same call from a user is refused at the pool.
        let forged = signed(
            &rpc,
            &alice,
            RuntimeCall::MevShield(MevShieldCall::decryption_failed(landed.id, "forged")),
            after.nonce,
        )
        .await;
        let e = rpc.submit(&forged).await.unwrap_err();
        assert_eq!(e.code, 1010, "{e:?}");
    }
}
