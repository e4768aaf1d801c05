//! Our dendrite against our axon over real TCP: the round trip, and every kind of bad input the
//! protocol names, each answered with its status code while the axon keeps serving.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use cortex_axon::protocol::{self, TerminalInfo};
use cortex_axon::{
    Axon, AxonConfig, AxonTarget, Dendrite, ForwardError, Synapse, SynapseBody, pyrepr,
};
use cortex_primitives::{BITTENSOR_SS58_PREFIX, Sr25519Pair};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Predict {
    features: Vec<f64>,
    prediction: Option<f64>,
    delay_ms: u64,
}

impl SynapseBody for Predict {
    const NAME: &'static str = "Predict";
    const REQUIRED_HASH_FIELDS: &'static [&'static str] = &["features"];
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Other {}

impl SynapseBody for Other {
    const NAME: &'static str = "Other";
}

fn pair(uri: &str) -> Sr25519Pair {
    match Sr25519Pair::from_uri(uri) {
        Ok(p) => p,
        Err(e) => panic!("dev key {uri}: {e}"),
    }
}

struct Running {
    addr: SocketAddr,
    axon_hotkey: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Running {
    fn target(&self) -> AxonTarget {
        AxonTarget {
            ip: self.addr.ip().to_string(),
            port: self.addr.port(),
            hotkey: self.axon_hotkey.clone(),
        }
    }
}

/// An axon for `//Miner` that knows `//Validator` (stake 1000) and answers `Predict` with the sum
/// of the features after `delay_ms`.
async fn start_axon(max_body_bytes: usize) -> Running {
    let stakes = Arc::new(RwLock::new(HashMap::from([(
        pair("//Validator").public(),
        1000u64,
    )])));
    let axon = Axon::new(pair("//Miner"), stakes)
        .config(AxonConfig {
            max_body_bytes,
            min_stake_rao: 10,
            ..AxonConfig::default()
        })
        .attach(|s: Synapse<Predict>| async move {
            tokio::time::sleep(Duration::from_millis(s.body.delay_ms)).await;
            if s.body.features.is_empty() {
                return Err(ForwardError::status(422, "no features"));
            }
            if s.body.features.first().is_some_and(|f| *f < -1e300) {
                panic!("the handler panics on -1e301");
            }
            Ok(Predict {
                prediction: Some(s.body.features.iter().sum()),
                ..s.body
            })
        });
    let axon_hotkey = axon.hotkey();
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("bind: {e}"),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => panic!("local_addr: {e}"),
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(axon.serve(listener, async move {
        let _ = rx.await;
    }));
    Running {
        addr,
        axon_hotkey,
        _stop: tx,
    }
}

fn dendrite(uri: &str) -> Dendrite {
    match Dendrite::new(pair(uri)) {
        Ok(d) => d,
        Err(e) => panic!("dendrite: {e}"),
    }
}

fn predict(features: Vec<f64>) -> Predict {
    Predict {
        features,
        prediction: None,
        delay_ms: 0,
    }
}

/// A signed `Predict` request built by hand, to tamper with: (headers, body).
fn signed_request(
    axon_hotkey: &str,
    body: &Predict,
    nonce: u64,
    uuid: &str,
    timeout: f64,
) -> (Vec<(String, String)>, Vec<u8>) {
    let signer = pair("//Validator");
    let hotkey = signer.public().to_ss58(BITTENSOR_SS58_PREFIX);
    let spec = Predict::spec();
    let fields = protocol::to_fields(body).unwrap_or_default();
    let hash = pyrepr::body_hash(&fields, &spec.required_hash_fields);
    let message = protocol::dendrite_message(nonce, &hotkey, axon_hotkey, uuid, &hash);
    let dendrite = TerminalInfo {
        version: Some(cortex_axon::PROTOCOL_VERSION),
        nonce: Some(nonce),
        uuid: Some(uuid.into()),
        hotkey: Some(hotkey),
        signature: Some(protocol::signature_hex(&signer.sign(message.as_bytes()))),
        ..Default::default()
    };
    let axon = TerminalInfo {
        hotkey: Some(axon_hotkey.into()),
        ..Default::default()
    };
    let dump = protocol::dump("Predict", timeout, &dendrite, &axon, &fields);
    let bytes = serde_json::to_vec(&Value::Object(dump)).unwrap_or_default();
    (
        protocol::headers(
            &spec,
            timeout,
            &dendrite,
            &axon,
            &fields,
            &hash,
            bytes.len(),
        ),
        bytes,
    )
}

async fn send_raw(
    addr: SocketAddr,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> (u16, Map<String, Value>) {
    let mut req = reqwest::Client::new()
        .post(format!("http://{addr}/Predict"))
        .timeout(Duration::from_secs(10))
        .body(body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => panic!("send: {e}"),
    };
    let status = resp.status().as_u16();
    let json = resp.json::<Map<String, Value>>().await.unwrap_or_default();
    (status, json)
}

async fn assert_still_serving(running: &Running) {
    let out = dendrite("//Validator")
        .call(
            &running.target(),
            predict(vec![2.0, 3.0]),
            Duration::from_secs(5),
        )
        .await;
    assert!(out.is_success(), "{:?}", out.dendrite);
    assert_eq!(out.body.prediction, Some(5.0));
}

#[tokio::test]
async fn round_trip_fills_both_terminals() {
    let running = start_axon(1 << 20).await;
    let d = dendrite("//Validator");
    let out = d
        .call(
            &running.target(),
            predict(vec![1.5, 2.0, 0.25]),
            Duration::from_secs(5),
        )
        .await;
    assert!(out.is_success(), "{:?}", out.dendrite);
    assert_eq!(out.body.prediction, Some(3.75));
    assert_eq!(out.axon.status_message.as_deref(), Some("Success"));
    assert_eq!(
        out.axon.hotkey.as_deref(),
        Some(running.axon_hotkey.as_str())
    );
    assert!(
        out.axon
            .signature
            .as_deref()
            .is_some_and(|s| s.starts_with("0x"))
    );
    assert!(out.dendrite.process_time.is_some_and(|t| t > 0.0));

    // The fan-out answers in the targets' order, a dead target included.
    let dead = AxonTarget {
        ip: "127.0.0.1".into(),
        port: 1,
        hotkey: running.axon_hotkey.clone(),
    };
    let outs = d
        .query(
            &[running.target(), dead, running.target()],
            predict(vec![1.0]),
            Duration::from_secs(3),
        )
        .await;
    let codes: Vec<u16> = outs.iter().map(|o| o.status_code()).collect();
    assert_eq!(codes, vec![200, 503, 200]);

    // A panicking handler is a 500 for its request only.
    let out = d
        .call(
            &running.target(),
            predict(vec![-1e301]),
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(out.status_code(), 500, "{:?}", out.dendrite);
    assert_still_serving(&running).await;

    // An answer over the dendrite's cap is refused without reading it all.
    let capped = dendrite("//Validator").with_max_response_bytes(64);
    let out = capped
        .call(
            &running.target(),
            predict(vec![1.0]),
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(out.status_code(), 422, "{:?}", out.dendrite);

    // A handler's own status travels back.
    let out = d
        .call(&running.target(), predict(vec![]), Duration::from_secs(5))
        .await;
    assert_eq!(out.status_code(), 422);
    assert_eq!(out.dendrite.status_message.as_deref(), Some("no features"));
}

#[tokio::test]
async fn oversized_body_gets_413() {
    let running = start_axon(4096).await;
    let out = dendrite("//Validator")
        .call(
            &running.target(),
            predict(vec![0.5; 2000]),
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(out.status_code(), 413, "{:?}", out.dendrite);
    assert_still_serving(&running).await;
}

#[tokio::test]
async fn bad_signature_and_replayed_nonce_get_401() {
    let running = start_axon(1 << 20).await;
    let body = predict(vec![1.0]);
    let nonce = protocol::now_ns();
    let uuid = protocol::new_uuid();

    let (mut headers, bytes) = signed_request(&running.axon_hotkey, &body, nonce, &uuid, 5.0);
    for (k, v) in headers.iter_mut() {
        if k == "bt_header_dendrite_signature" {
            *v = protocol::signature_hex(&pair("//Mallory").sign(b"something else"));
        }
    }
    let (status, json) = send_raw(running.addr, &headers, bytes).await;
    assert_eq!(status, 401);
    let message = json.get("message").and_then(Value::as_str).unwrap_or("");
    assert!(
        message.starts_with("Not Verified with error: Signature mismatch"),
        "{message}"
    );

    // The genuine request passes once; its replay is refused.
    let (headers, bytes) = signed_request(&running.axon_hotkey, &body, nonce, &uuid, 5.0);
    let (status, _) = send_raw(running.addr, &headers, bytes.clone()).await;
    assert_eq!(status, 200);
    let (status, json) = send_raw(running.addr, &headers, bytes).await;
    assert_eq!(status, 401);
    let message = json.get("message").and_then(Value::as_str).unwrap_or("");
    assert!(
        message.contains("Nonce is too old, a newer one was last processed"),
        "{message}"
    );

    // A stale first nonce (older than 4 s + timeout) is refused too.
    let stale = nonce.saturating_sub(20_000_000_000);
    let (headers, bytes) = signed_request(
        &running.axon_hotkey,
        &body,
        stale,
        &protocol::new_uuid(),
        5.0,
    );
    let (status, json) = send_raw(running.addr, &headers, bytes).await;
    assert_eq!(status, 401);
    let message = json.get("message").and_then(Value::as_str).unwrap_or("");
    assert!(
        message.contains("Nonce is too old: acceptable delta is 9.00 seconds"),
        "{message}"
    );

    // A body that does not match its hash is bittensor's opaque 500.
    let (headers, _) = signed_request(&running.axon_hotkey, &body, protocol::now_ns(), &uuid, 5.0);
    let (_, tampered) = signed_request(&running.axon_hotkey, &predict(vec![9.0]), 1, &uuid, 5.0);
    let (status, json) = send_raw(running.addr, &headers, tampered).await;
    assert_eq!(status, 500);
    let message = json.get("message").and_then(Value::as_str).unwrap_or("");
    assert!(message.starts_with("Internal Server Error #"), "{message}");
    assert_still_serving(&running).await;
}

#[tokio::test]
async fn unknown_synapse_gets_404() {
    let running = start_axon(1 << 20).await;
    let out = dendrite("//Validator")
        .call(&running.target(), Other {}, Duration::from_secs(5))
        .await;
    assert_eq!(out.status_code(), 404);
    assert_eq!(
        out.dendrite.status_message.as_deref(),
        Some("Synapse name 'Other' not found. Available synapses ['Predict', 'Synapse']")
    );
    assert_still_serving(&running).await;
}

#[tokio::test]
async fn unregistered_hotkey_gets_403() {
    let running = start_axon(1 << 20).await;
    let out = dendrite("//Stranger")
        .call(
            &running.target(),
            predict(vec![1.0]),
            Duration::from_secs(5),
        )
        .await;
    assert!(out.is_blacklist(), "{:?}", out.dendrite);
    let message = out.dendrite.status_message.unwrap_or_default();
    assert!(
        message.starts_with("Forbidden. Key is blacklisted: Unrecognized hotkey"),
        "{message}"
    );
    assert_still_serving(&running).await;
}

#[tokio::test]
async fn slow_handler_gets_408() {
    let running = start_axon(1 << 20).await;
    // The axon's own timeout: the request says 0.5 s, the client would wait 10 s.
    let slow = Predict {
        delay_ms: 3000,
        ..predict(vec![1.0])
    };
    let (headers, bytes) = signed_request(
        &running.axon_hotkey,
        &slow,
        protocol::now_ns(),
        &protocol::new_uuid(),
        0.5,
    );
    let started = std::time::Instant::now();
    let (status, json) = send_raw(running.addr, &headers, bytes).await;
    assert_eq!(status, 408);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(
        json.get("message").and_then(Value::as_str),
        Some("Response timeout after: 0.5s")
    );

    // Timeouts that are no durations are bad headers (400); a huge one is no deadline.
    for (timeout, expected) in [("-1.0", 400), ("nan", 400), ("abc", 400), ("1e30", 200)] {
        let (mut headers, bytes) = signed_request(
            &running.axon_hotkey,
            &predict(vec![1.0]),
            protocol::now_ns(),
            &protocol::new_uuid(),
            5.0,
        );
        for (k, v) in headers.iter_mut() {
            if k == "timeout" {
                *v = timeout.to_string();
            }
        }
        let (status, json) = send_raw(running.addr, &headers, bytes).await;
        assert_eq!(status, expected, "timeout {timeout}: {json:?}");
    }

    // The dendrite's own timeout gives the same code without hanging.
    let out = dendrite("//Validator")
        .call(&running.target(), slow, Duration::from_millis(500))
        .await;
    assert!(out.is_timeout(), "{:?}", out.dendrite);
    assert_still_serving(&running).await;

    let metrics = match reqwest::get(format!("http://{}/metrics", running.addr)).await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(e) => panic!("metrics: {e}"),
    };
    assert!(
        metrics.contains("axon_requests_total{synapse=\"Predict\",status=\"408\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("axon_request_duration_seconds_bucket"),
        "{metrics}"
    );
}
