//! The dendrite: signs synapses from a hotkey and sends them to axons, as bittensor 10.5.0's
//! `Dendrite` does, and never hangs.
//!
//! Every call has a connect timeout and a total timeout (the synapse timeout), so a dead or
//! silent axon costs at most that. The outcome is always a [`Synapse`], never an error: its
//! `dendrite.status_code` says what happened, with bittensor's client-side codes when no answer
//! came — **408** `Request timeout after N seconds`, **503** `Service unavailable at ip:port/Name`
//! when the connection fails, **422** `Failed to parse response: …` for an answer that is not the
//! synapse. On an answer, the axon's `bt_header_*` terminal info is merged in and the dendrite
//! status mirrors the axon's, as in bittensor's `process_server_response`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cortex_primitives::{BITTENSOR_SS58_PREFIX, Sr25519Pair};
use futures_util::future::join_all;
use serde_json::{Map, Value};
use tokio::task::JoinSet;

use crate::protocol::{self, PROTOCOL_VERSION, Synapse, SynapseBody, SynapseSpec, TerminalInfo};
use crate::pyrepr;

/// Where an axon listens and who it is (from the metagraph's axon info).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxonTarget {
    /// IPv4 or IPv6 address, as text.
    pub ip: String,
    /// TCP port.
    pub port: u16,
    /// The axon's hotkey, ss58: part of the signed message.
    pub hotkey: String,
}

/// The dendrite could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DendriteError {
    /// The HTTP client could not be set up.
    #[error("cannot build the dendrite's HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A client that signs with one hotkey.
#[derive(Clone)]
pub struct Dendrite {
    pair: Sr25519Pair,
    hotkey: String,
    uuid: String,
    ip: Option<String>,
    max_response_bytes: usize,
    http: reqwest::Client,
}

/// How long a TCP connect may take at most, whatever the synapse timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default cap on an answer's body (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;

impl Dendrite {
    /// A dendrite signing with `pair`, with a fresh session uuid.
    pub fn new(pair: Sr25519Pair) -> Result<Self, DendriteError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        Ok(Dendrite {
            hotkey: pair.public().to_ss58(BITTENSOR_SS58_PREFIX),
            pair,
            uuid: protocol::new_uuid(),
            ip: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http,
        })
    }

    /// Sets the IP the dendrite reports as its own (`dendrite.ip`); the axon overwrites it with
    /// the TCP peer anyway.
    pub fn with_ip(mut self, ip: impl Into<String>) -> Self {
        self.ip = Some(ip.into());
        self
    }

    /// Caps the answer bodies this dendrite reads; a larger one gives 422.
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The signing hotkey, ss58.
    pub fn hotkey(&self) -> &str {
        &self.hotkey
    }

    /// Sends `body` as synapse `T` to `target`; the answer's body replaces it on 200.
    pub async fn call<T: SynapseBody + Clone>(
        &self,
        target: &AxonTarget,
        body: T,
        timeout: Duration,
    ) -> Synapse<T> {
        let spec = T::spec();
        let fields = match protocol::to_fields(&body) {
            Ok(f) => f,
            Err(e) => return local_failure(&spec, timeout, body, 422, e),
        };
        let out = self.call_json(target, &spec, fields, timeout).await;
        let answered = if out.is_success() {
            serde_json::from_value::<T>(Value::Object(out.body)).map_err(|e| e.to_string())
        } else {
            Ok(body.clone())
        };
        let mut dendrite = out.dendrite;
        let body = match answered {
            Ok(b) => b,
            Err(e) => {
                dendrite.status_code = Some(422);
                dendrite.status_message = Some(format!("Failed to parse response: {e}"));
                body
            }
        };
        Synapse {
            name: out.name,
            timeout: out.timeout,
            dendrite,
            axon: out.axon,
            body,
        }
    }

    /// Sends raw JSON `fields` as the synapse of `spec`.
    pub async fn call_json(
        &self,
        target: &AxonTarget,
        spec: &SynapseSpec,
        fields: Map<String, Value>,
        timeout: Duration,
    ) -> Synapse<Map<String, Value>> {
        let start = Instant::now();
        let timeout_s = timeout.as_secs_f64();
        let fields = protocol::own_fields(fields);
        let hash = pyrepr::body_hash(&fields, &spec.required_hash_fields);
        let nonce = protocol::now_ns();
        let message =
            protocol::dendrite_message(nonce, &self.hotkey, &target.hotkey, &self.uuid, &hash);
        let mut dendrite = TerminalInfo {
            ip: self.ip.clone(),
            version: Some(PROTOCOL_VERSION),
            nonce: Some(nonce),
            uuid: Some(self.uuid.clone()),
            hotkey: Some(self.hotkey.clone()),
            signature: Some(protocol::signature_hex(&self.pair.sign(message.as_bytes()))),
            ..Default::default()
        };
        let mut axon = TerminalInfo {
            ip: Some(target.ip.clone()),
            port: Some(target.port),
            hotkey: Some(target.hotkey.clone()),
            ..Default::default()
        };
        let dump = protocol::dump(&spec.name, timeout_s, &dendrite, &axon, &fields);
        let body = serde_json::to_vec(&Value::Object(dump)).unwrap_or_default();
        let headers = protocol::headers(
            spec,
            timeout_s,
            &dendrite,
            &axon,
            &fields,
            &hash,
            body.len(),
        );
        let host = if target.ip.contains(':') {
            format!("[{}]", target.ip)
        } else {
            target.ip.clone()
        };
        let url = format!("http://{host}:{}/{}", target.port, spec.name);
        let mut req = self
            .http
            .post(&url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let max_response = self.max_response_bytes;
        // The whole exchange, body included, stays under the timeout.
        let exchange = async move {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            // Read in chunks up to the cap: a hostile axon cannot fill the validator's memory.
            let mut resp = resp;
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.chunk().await? {
                if bytes.len().saturating_add(chunk.len()) > max_response {
                    return Ok(Err(status));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Ok((status, headers, bytes)))
        };
        let outcome = tokio::time::timeout(timeout, exchange).await;
        let mut out_fields = fields;
        match outcome {
            Err(_) => fail(
                &mut dendrite,
                408,
                format!("Request timeout after {timeout_s} seconds"),
            ),
            Ok(Err(e)) if e.is_timeout() => fail(
                &mut dendrite,
                408,
                format!("Request timeout after {timeout_s} seconds"),
            ),
            Ok(Err(e)) if e.is_connect() => fail(
                &mut dendrite,
                503,
                format!(
                    "Service unavailable at {}:{}/{}",
                    target.ip, target.port, spec.name
                ),
            ),
            Ok(Err(e)) => fail(&mut dendrite, 422, format!("Failed to parse response: {e}")),
            Ok(Ok(Err(status))) => fail(
                &mut dendrite,
                422,
                format!(
                    "Failed to parse response: HTTP {status} with a body over this dendrite's limit of {max_response} bytes"
                ),
            ),
            Ok(Ok(Ok((status, headers, bytes)))) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(json)) => {
                    if status == 200 {
                        out_fields = protocol::own_fields(json);
                    } else {
                        axon.status_code = Some(status);
                        axon.status_message = json
                            .get("message")
                            .and_then(|m| m.as_str())
                            .map(str::to_string);
                    }
                    let map = headers
                        .iter()
                        .filter_map(|(k, v)| {
                            v.to_str()
                                .ok()
                                .map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
                        })
                        .collect();
                    if let Ok(info) = TerminalInfo::from_headers("dendrite", &map) {
                        dendrite.merge_from(&info);
                    }
                    if let Ok(info) = TerminalInfo::from_headers("axon", &map) {
                        axon.merge_from(&info);
                    }
                    if status != 200 {
                        // The HTTP status is the truth when a header disagrees.
                        axon.status_code = Some(status);
                    }
                    dendrite.status_code = axon.status_code;
                    dendrite.status_message = axon.status_message.clone();
                }
                Ok(_) | Err(_) => fail(
                    &mut dendrite,
                    422,
                    format!(
                        "Failed to parse response: HTTP {status} with a body that is not a JSON object"
                    ),
                ),
            },
        }
        dendrite.process_time = Some(start.elapsed().as_secs_f64());
        Synapse {
            name: spec.name.clone(),
            timeout: timeout_s,
            dendrite,
            axon,
            body: out_fields,
        }
    }

    /// Sends `body` to every target at once; the answers come back in the targets' order. The
    /// slowest costs at most `timeout`, since every call has it.
    ///
    /// Each call is a task of its own on the current tokio runtime: signing and parsing spread
    /// over the runtime's workers, and each call's I/O stays on the worker that runs its
    /// connection instead of waking the caller's thread (a `block_on` main thread, typically)
    /// for every step. Dropping the returned future aborts the calls still running.
    pub async fn query<T: SynapseBody + Clone>(
        &self,
        targets: &[AxonTarget],
        body: T,
        timeout: Duration,
    ) -> Vec<Synapse<T>> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // Outside a tokio runtime (another executor): the calls run inside this future.
            return join_all(targets.iter().map(|t| self.call(t, body.clone(), timeout))).await;
        };
        let me = Arc::new(self.clone());
        let mut calls = JoinSet::new();
        for (i, target) in targets.iter().enumerate() {
            let (me, target, body) = (me.clone(), target.clone(), body.clone());
            calls.spawn_on(
                async move { (i, me.call(&target, body, timeout).await) },
                &runtime,
            );
        }
        let mut answers: Vec<Option<Synapse<T>>> = targets.iter().map(|_| None).collect();
        while let Some(joined) = calls.join_next().await {
            match joined {
                Ok((i, answer)) => {
                    if let Some(slot) = answers.get_mut(i) {
                        *slot = Some(answer);
                    }
                }
                // A call's task cannot fail short of a panic; its slot gets an error below.
                Err(e) => tracing::warn!("a dendrite call's task failed: {e}"),
            }
        }
        let spec = T::spec();
        answers
            .into_iter()
            .map(|a| {
                a.unwrap_or_else(|| {
                    local_failure(
                        &spec,
                        timeout,
                        body.clone(),
                        422,
                        "Failed to parse response: the call's task failed".into(),
                    )
                })
            })
            .collect()
    }
}

fn fail(dendrite: &mut TerminalInfo, code: u16, message: String) {
    dendrite.status_code = Some(code);
    dendrite.status_message = Some(message);
}

fn local_failure<T>(
    spec: &SynapseSpec,
    timeout: Duration,
    body: T,
    code: u16,
    message: String,
) -> Synapse<T> {
    let mut dendrite = TerminalInfo::default();
    fail(&mut dendrite, code, message);
    Synapse {
        name: spec.name.clone(),
        timeout: timeout.as_secs_f64(),
        dendrite,
        axon: TerminalInfo::default(),
        body,
    }
}
