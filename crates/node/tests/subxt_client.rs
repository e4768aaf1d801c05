//! Conformance with subxt, Parity's Rust client, used as a client would: over WebSocket, with
//! its dynamic API (no generated code), its stock `SubstrateConfig`, and `subxt-signer`'s dev
//! keys. It reads the metadata, queries `System.Account`, and signs, submits and watches a
//! `Balances.transfer_keep_alive` until it is finalized.
//!
//! No custom `Config` is needed: subtensor's own zero-sized transaction extensions
//! (`SudoTransactionExtension`, `CheckShieldedTxValidity`, `SubtensorTransactionExtension`,
//! `DrandPriority`) are declared in the metadata with empty types, and subxt (through
//! `frame-decode`) skips extensions whose value and implicit types encode to nothing. The
//! standard ones it knows by identifier.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{DEV_BALANCE, Rpc, TAO, dev_node, hex0x, unhex};
use cortex_primitives::hashing::blake2_256;
use cortex_runtime::types::RuntimeEvent;
use cortex_runtime::types::TransactionPaymentEvent;
use cortex_runtime::{Era, UncheckedExtrinsic};
use serde_json::json;
use subxt::config::DefaultExtrinsicParamsBuilder;
use subxt::dynamic::{At, Value};
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::dev;

/// `free` of `System.Account(who)` read through subxt's dynamic storage API.
async fn free_of(api: &OnlineClient<SubstrateConfig>, who: [u8; 32]) -> u128 {
    let at = api.at_current_block().await.unwrap();
    let addr = subxt::dynamic::storage::<([u8; 32],), Value>("System", "Account");
    let value = at.storage().fetch(addr, (who,)).await.unwrap();
    let info = value.decode().unwrap();
    info.at("data")
        .at("free")
        .and_then(|v| v.as_u128())
        .unwrap_or_else(|| panic!("no data.free in {info}"))
}

/// The block (hash), index and decoded extrinsic whose hash is `wanted`, from block `from` on.
async fn find(rpc: &Rpc, wanted: [u8; 32], from: u32) -> ([u8; 32], usize, UncheckedExtrinsic) {
    for n in from..=rpc.head().await {
        let hash = rpc.block_hash(n).await;
        let block = rpc.ok("chain_getBlock", json!([hex0x(&hash)])).await;
        let xts = block["block"]["extrinsics"].as_array().unwrap();
        for (i, x) in xts.iter().enumerate() {
            let bytes = unhex(x.as_str().unwrap());
            if blake2_256(&bytes) == wanted {
                return (hash, i, UncheckedExtrinsic::decode_bytes(&bytes).unwrap());
            }
        }
    }
    panic!("the extrinsic subxt watched is in no block from {from} on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subxt_reads_metadata_and_storage_and_submits_a_transfer() {
    let node = dev_node(100).await;
    let url = format!("ws://{}", node.rpc_addr);
    let api = OnlineClient::<SubstrateConfig>::from_insecure_url(&url)
        .await
        .unwrap();

    // Metadata: the pallets and calls clients use.
    let at = api.at_current_block().await.unwrap();
    assert_eq!(
        at.genesis_hash().unwrap().0,
        node.genesis_hash,
        "subxt's genesis hash is chain_getBlockHash(0)"
    );
    assert_eq!(at.spec_version(), cortex_runtime::version::SPEC_VERSION);
    assert_eq!(
        at.transaction_version(),
        cortex_runtime::version::TRANSACTION_VERSION
    );
    let metadata = at.metadata();
    let subtensor = metadata.pallet_by_name("SubtensorModule").unwrap();
    assert_eq!(subtensor.call_index(), 7);
    assert!(subtensor.call_variant_by_name("add_stake").is_some());
    let balances = metadata.pallet_by_name("Balances").unwrap();
    assert_eq!(balances.call_index(), 5);
    assert_eq!(
        balances
            .call_variant_by_name("transfer_keep_alive")
            .unwrap()
            .index,
        3
    );
    let extensions: Vec<&str> = metadata
        .extrinsic()
        .transaction_extensions_to_use_for_encoding()
        .map(|e| e.identifier())
        .collect();
    assert_eq!(
        extensions,
        [
            "CheckNonZeroSender",
            "CheckSpecVersion",
            "CheckTxVersion",
            "CheckGenesis",
            "CheckMortality",
            "CheckNonce",
            "CheckWeight",
            "ChargeTransactionPayment",
            "SudoTransactionExtension",
            "CheckShieldedTxValidity",
            "SubtensorTransactionExtension",
            "DrandPriority",
            "CheckMetadataHash",
        ]
    );

    // Storage.
    let alice = dev::alice();
    let bob = dev::bob();
    let alice_id = alice.public_key().0;
    let bob_id = bob.public_key().0;
    assert_eq!(free_of(&api, alice_id).await, u128::from(DEV_BALANCE));
    assert_eq!(free_of(&api, bob_id).await, u128::from(DEV_BALANCE));

    // A signed transfer, watched until finalized.
    let payload = subxt::dynamic::transaction(
        "Balances",
        "transfer_keep_alive",
        (bob.public_key().to_address::<()>(), u128::from(TAO)),
    );
    let mut txs = api.at_current_block().await.unwrap().transactions();
    let events = txs
        .sign_and_submit_then_watch_default(&payload, &alice)
        .await
        .unwrap()
        .wait_for_finalized_success()
        .await
        .unwrap();
    // subxt decodes the extrinsic's events with our metadata.
    let names: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            let e = e.unwrap();
            (e.pallet_name().to_string(), e.event_name().to_string())
        })
        .collect();
    assert!(
        names.contains(&("Balances".into(), "Transfer".into())),
        "{names:?}"
    );
    assert!(
        names.contains(&("System".into(), "ExtrinsicSuccess".into())),
        "{names:?}"
    );

    assert_eq!(free_of(&api, bob_id).await, u128::from(DEV_BALANCE + TAO));
    // Alice paid the transfer and a fee.
    let alice_now = free_of(&api, alice_id).await;
    assert!(alice_now < u128::from(DEV_BALANCE - TAO), "{alice_now}");

    // The node saw the nonce move too, and subxt's default era is mortal for 32 blocks.
    let rpc = Rpc::new(&node);
    let (_, index, xt) = find(&rpc, events.extrinsic_hash().0, 0).await;
    assert_eq!(index, events.extrinsic_index());
    assert!(
        matches!(
            xt.signature.as_ref().unwrap().extra.era,
            Era::Mortal { period: 32, .. }
        ),
        "{xt:?}"
    );
    assert_eq!(
        rpc.account(&cortex_primitives::AccountId32(alice_id))
            .await
            .nonce,
        1
    );

    // The default above was mortal (32 blocks); now an immortal one with a tip.
    let head = rpc.head().await;
    let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
        .immortal()
        .tip(7)
        .build();
    let mut txs = api.at_current_block().await.unwrap().transactions();
    let events = txs
        .sign_and_submit_then_watch(&payload, &alice, params)
        .await
        .unwrap()
        .wait_for_finalized_success()
        .await
        .unwrap();
    assert_eq!(
        free_of(&api, bob_id).await,
        u128::from(DEV_BALANCE + 2 * TAO)
    );
    // Find it in its block and read it back with the node's own decoder.
    let (block, index, xt) = find(&rpc, events.extrinsic_hash().0, head).await;
    assert_eq!(index, events.extrinsic_index());
    let signed = xt.signature.unwrap();
    assert_eq!(signed.extra.era, Era::Immortal);
    assert_eq!(signed.extra.tip, 7);
    assert_eq!(signed.extra.nonce, 1);
    assert_eq!(signed.extra.metadata_hash_mode, 0);
    let tips: Vec<u64> = rpc
        .events_at(&block)
        .await
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::TransactionPayment(TransactionPaymentEvent::TransactionFeePaid {
                tip,
                ..
            }) => Some(tip),
            _ => None,
        })
        .collect();
    assert_eq!(tips, vec![7]);
    node.stop().await.unwrap();
}
