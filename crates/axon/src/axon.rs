//! The axon: an axum server that answers synapses the way bittensor 10.5.0's `Axon` does.
//!
//! Each request goes through bittensor's middleware order, and each refusal carries the status
//! code bittensor would answer, a JSON body `{"message": …}` and the `bt_header_*` headers:
//!
//! 1. **Route and headers.** The synapse name is the first path segment; an unattached name gets
//!    **404** (`Synapse name 'X' not found. Available synapses [...]`), headers that do not parse
//!    **400**. The axon fills its own terminal info (version, uuid, nonce, status 100), copies
//!    the TCP peer into `dendrite.ip`/`port`, and signs `nonce.dendrite.axon.uuid`.
//!    A declared `Content-Length` above the limit gets **413** here, before any work.
//! 2. **Blacklist** (**403**, `Forbidden. Key is blacklisted: <reason>.`). The default turns away
//!    hotkeys absent from the caller-refreshed [`StakeSnapshot`] or holding less than
//!    [`AxonConfig::min_stake_rao`]. Like bittensor it runs before verification, on the claimed
//!    hotkey, because it is the cheap check.
//! 3. **Verify** (**401**, `Not Verified with error: …`): the dendrite's signature over
//!    `nonce.dendrite_hotkey.axon_hotkey.uuid.computed_body_hash` with this axon's own hotkey,
//!    and bittensor's replay rules per `hotkey:uuid`: a first nonce must be newer than
//!    `now - 4 s - timeout` (for dendrite versions ≥ 7.2.0), a later one strictly greater than
//!    the last accepted. The check and the store are one atomic step, so a replay racing its
//!    original loses.
//!    As in bittensor, the last nonce of every `hotkey:uuid` is kept for the axon's lifetime
//!    (forgetting one would let a replay that claims an old version through); only hotkeys the
//!    blacklist admits, with valid signatures, add entries.
//! 4. **Priority** ([`crate::priority`]): a worker slot, higher stake first; waiting past the
//!    synapse timeout gets **408** (`Response timeout after: Ns`), a full waiting room **503**.
//! 5. **Body.** Read up to [`AxonConfig::max_body_bytes`] (**413** beyond: bittensor sets no
//!    limit, so this is HTTP's code for it). Its hash must equal the `computed_body_hash` header;
//!    a mismatch or a body that is not a JSON object is **500** `Internal Server Error #<id>`,
//!    as bittensor's generic handler answers.
//! 6. **Forward.** The handler runs under the synapse timeout, counted from arrival; running over
//!    gets **408** (bittensor's Python axon never stops a slow forward; its dendrite gives up at
//!    the same moment with 408, so the caller sees the same code). A handler error, or a panic,
//!    is **500** `Internal Server Error #<id>` unless the error names its own status.
//! 7. **Answer**: **200**, `axon.status_message = "Success"`, the full synapse dump as body.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cortex_primitives::{AccountId32, BITTENSOR_SS58_PREFIX, Sr25519Pair, Sr25519Public};
use serde_json::{Map, Value};

use crate::metrics::AxonMetrics;
use crate::priority::{GateError, PriorityGate};
use crate::protocol::{
    self, ALLOWED_NONCE_DELTA_NS, DEFAULT_TIMEOUT_SECS, NONCE_FRESHNESS_VERSION, PROTOCOL_VERSION,
    Ping, Synapse, SynapseBody, SynapseSpec, TerminalInfo,
};
use crate::pyrepr;

/// Hotkey → stake (rao) of the subnet's registered neurons. The caller refreshes it from the
/// metagraph (e.g. `cortex_client`'s `Client::metagraph`) so the axon needs no chain access.
pub type StakeSnapshot = Arc<RwLock<HashMap<AccountId32, u64>>>;

/// What the blacklist and priority hooks see of a request (all from its headers, unverified).
#[derive(Debug)]
pub struct RequestInfo<'a> {
    /// The synapse name.
    pub synapse: &'a str,
    /// The dendrite's terminal info, with `ip`/`port` set to the TCP peer.
    pub dendrite: &'a TerminalInfo,
    /// The claimed dendrite hotkey, when it is valid ss58.
    pub hotkey: Option<AccountId32>,
}

/// A blacklist hook: `Some(reason)` refuses the request with 403.
pub type BlacklistFn = Arc<dyn Fn(&RequestInfo<'_>) -> Option<String> + Send + Sync>;
/// A priority hook: higher is served first under load.
pub type PriorityFn = Arc<dyn Fn(&RequestInfo<'_>) -> f64 + Send + Sync>;

/// A handler's failure.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardError {
    /// The status to answer; `None` answers 500 with an opaque `Internal Server Error #<id>`.
    pub status: Option<u16>,
    /// The message: sent when `status` is set, only logged otherwise.
    pub message: String,
}

impl ForwardError {
    /// An internal failure: logged, answered as 500 without details (as bittensor).
    pub fn internal(message: impl Into<String>) -> Self {
        ForwardError {
            status: None,
            message: message.into(),
        }
    }
    /// A failure with a status and message the caller should see (bittensor's SynapseException).
    pub fn status(status: u16, message: impl Into<String>) -> Self {
        ForwardError {
            status: Some(status),
            message: message.into(),
        }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Handler = Arc<
    dyn Fn(Synapse<Map<String, Value>>) -> BoxFuture<Result<Map<String, Value>, ForwardError>>
        + Send
        + Sync,
>;

struct Route {
    spec: SynapseSpec,
    handler: Handler,
}

/// Limits and defaults of an axon.
#[derive(Debug, Clone)]
pub struct AxonConfig {
    /// The largest request body accepted (default 4 MiB).
    pub max_body_bytes: usize,
    /// Forwards running at once (default 16).
    pub workers: usize,
    /// Requests waiting for a worker at most (default 256).
    pub queue: usize,
    /// The default blacklist's minimum stake, in rao (default 0: any registered hotkey).
    pub min_stake_rao: u64,
}

impl Default for AxonConfig {
    fn default() -> Self {
        AxonConfig {
            max_body_bytes: 4 << 20,
            workers: 16,
            queue: 256,
            min_stake_rao: 0,
        }
    }
}

/// An axon under construction: attach handlers, then [`Axon::router`] or [`Axon::serve`].
pub struct Axon {
    pair: Sr25519Pair,
    config: AxonConfig,
    stakes: StakeSnapshot,
    blacklist: Option<BlacklistFn>,
    priority: Option<PriorityFn>,
    routes: HashMap<String, Route>,
}

impl Axon {
    /// An axon signing with `pair`, admitting the hotkeys of `stakes`. It already answers
    /// bittensor's bare `Synapse` ping, as bittensor's axon does.
    pub fn new(pair: Sr25519Pair, stakes: StakeSnapshot) -> Self {
        let axon = Axon {
            pair,
            config: AxonConfig::default(),
            stakes,
            blacklist: None,
            priority: None,
            routes: HashMap::new(),
        };
        axon.attach(|s: Synapse<Ping>| async move { Ok(s.body) })
    }

    /// Replaces the limits.
    pub fn config(mut self, config: AxonConfig) -> Self {
        self.config = config;
        self
    }

    /// Replaces the default blacklist (registered, with at least the minimum stake).
    pub fn blacklist(
        mut self,
        f: impl Fn(&RequestInfo<'_>) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.blacklist = Some(Arc::new(f));
        self
    }

    /// Replaces the default priority (the caller's stake).
    pub fn priority(mut self, f: impl Fn(&RequestInfo<'_>) -> f64 + Send + Sync + 'static) -> Self {
        self.priority = Some(Arc::new(f));
        self
    }

    /// This axon's hotkey, ss58.
    pub fn hotkey(&self) -> String {
        self.pair.public().to_ss58(BITTENSOR_SS58_PREFIX)
    }

    /// Serves synapse `T` with `handler`, which returns the answer's body.
    pub fn attach<T, F, Fut>(self, handler: F) -> Self
    where
        T: SynapseBody,
        F: Fn(Synapse<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, ForwardError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.attach_json(T::spec(), move |s: Synapse<Map<String, Value>>| {
            let handler = handler.clone();
            async move {
                let body: T = serde_json::from_value(Value::Object(s.body)).map_err(|e| {
                    ForwardError::internal(format!("the body is not a {}: {e}", T::NAME))
                })?;
                let typed = Synapse {
                    name: s.name,
                    timeout: s.timeout,
                    dendrite: s.dendrite,
                    axon: s.axon,
                    body,
                };
                let out = handler(typed).await?;
                protocol::to_fields(&out).map_err(ForwardError::internal)
            }
        })
    }

    /// Serves the synapse of `spec` with a handler over raw JSON fields.
    pub fn attach_json<F, Fut>(mut self, spec: SynapseSpec, handler: F) -> Self
    where
        F: Fn(Synapse<Map<String, Value>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Map<String, Value>, ForwardError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |s| Box::pin(handler(s)));
        self.routes
            .insert(spec.name.clone(), Route { spec, handler });
        self
    }

    /// The axum router: `GET /metrics` and every attached synapse. Serve it with
    /// `into_make_service_with_connect_info::<SocketAddr>()` so the peer address is known.
    pub fn router(self) -> Router {
        let inner = Arc::new(Inner {
            hotkey: self.pair.public().to_ss58(BITTENSOR_SS58_PREFIX),
            pair: self.pair,
            uuid: protocol::new_uuid(),
            gate: PriorityGate::new(self.config.workers, self.config.queue),
            config: self.config,
            stakes: self.stakes,
            blacklist: self.blacklist,
            priority: self.priority,
            routes: self.routes,
            nonces: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
            metrics: AxonMetrics::new(),
        });
        Router::new()
            .route("/metrics", get(metrics))
            .fallback(handle)
            .with_state(inner)
    }

    /// Serves on `listener` until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

struct Inner {
    pair: Sr25519Pair,
    hotkey: String,
    uuid: String,
    config: AxonConfig,
    stakes: StakeSnapshot,
    blacklist: Option<BlacklistFn>,
    priority: Option<PriorityFn>,
    routes: HashMap<String, Route>,
    gate: PriorityGate,
    /// Last accepted nonce per `dendrite_hotkey:dendrite_uuid`.
    nonces: Mutex<HashMap<String, u64>>,
    /// Callers' public keys, decoded once (a decompression per request costs about a tenth of
    /// the axon's CPU); at most [`MAX_CACHED_KEYS`], forgotten all at once when full.
    keys: Mutex<HashMap<AccountId32, Sr25519Public>>,
    metrics: AxonMetrics,
}

/// The most callers' keys an axon keeps decoded.
const MAX_CACHED_KEYS: usize = 4096;

impl Inner {
    /// `account`'s decoded key, from the cache or decoded now.
    fn public_key(&self, account: &AccountId32) -> Option<Sr25519Public> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = keys.get(account) {
            return Some(k.clone());
        }
        let key = Sr25519Public::from_account(account)?;
        if keys.len() >= MAX_CACHED_KEYS {
            keys.clear();
        }
        keys.insert(*account, key.clone());
        Some(key)
    }
}

async fn metrics(State(inner): State<Arc<Inner>>) -> Response {
    let mut resp = inner.metrics.encode().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp
}

/// The state of one call as the answer's headers and body need it.
struct Call {
    spec: SynapseSpec,
    timeout: f64,
    dendrite: TerminalInfo,
    axon: TerminalInfo,
}

/// A refusal: status and message.
struct Refusal(u16, String);

fn internal_error(detail: &str) -> Refusal {
    let id = protocol::new_uuid();
    tracing::warn!(error_id = %id, "axon internal error: {detail}");
    Refusal(500, format!("Internal Server Error #{id}"))
}

async fn handle(State(inner): State<Arc<Inner>>, req: Request) -> Response {
    let start = Instant::now();
    let name = req
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let mut call = Call {
        spec: SynapseSpec::named(name.clone()),
        timeout: DEFAULT_TIMEOUT_SECS,
        dendrite: TerminalInfo::default(),
        axon: TerminalInfo::default(),
    };
    let outcome = process(&inner, &mut call, req, start).await;
    let elapsed = start.elapsed().as_secs_f64();
    call.axon.process_time = Some(elapsed);
    let (status, body) = match outcome {
        Ok(fields) => {
            call.axon.status_code = Some(200);
            call.axon.status_message = Some("Success".into());
            let dump = protocol::dump(
                &call.spec.name,
                call.timeout,
                &call.dendrite,
                &call.axon,
                &fields,
            );
            (200, Value::Object(dump))
        }
        Err(Refusal(code, message)) => {
            tracing::debug!(synapse = %name, code, %message, "axon refused a request");
            call.axon.status_code = Some(code);
            call.axon.status_message = Some(message.clone());
            let mut m = Map::new();
            m.insert("message".into(), Value::String(message));
            (code, Value::Object(m))
        }
    };
    inner.metrics.observe(&name, status, elapsed);
    let fields = match &body {
        Value::Object(m) if status == 200 => protocol::own_fields(m.clone()),
        _ => Map::new(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let hash = pyrepr::body_hash(&fields, &call.spec.required_hash_fields);
    let headers = protocol::headers(
        &call.spec,
        call.timeout,
        &call.dendrite,
        &call.axon,
        &fields,
        &hash,
        bytes.len(),
    );
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (k, v) in headers {
        // A status message with bytes HTTP cannot carry only loses its header copy.
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.insert(k, v);
        }
    }
    resp
}

async fn process(
    inner: &Inner,
    call: &mut Call,
    req: Request,
    start: Instant,
) -> Result<Map<String, Value>, Refusal> {
    let Some(route) = inner.routes.get(&call.spec.name) else {
        let mut names: Vec<&String> = inner.routes.keys().collect();
        names.sort();
        let list = pyrepr::py_str(&Value::from(
            names.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        ));
        return Err(Refusal(
            404,
            format!(
                "Synapse name '{}' not found. Available synapses {list}",
                call.spec.name
            ),
        ));
    };
    call.spec = route.spec.clone();

    // 1. Headers → terminal infos.
    let headers: BTreeMap<String, String> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
        })
        .collect();
    let parsed = (|| -> Result<(TerminalInfo, TerminalInfo, f64), String> {
        let dendrite = TerminalInfo::from_headers("dendrite", &headers)?;
        let axon = TerminalInfo::from_headers("axon", &headers)?;
        let timeout = match headers.get("timeout") {
            None => DEFAULT_TIMEOUT_SECS,
            Some(t) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("header timeout is {t:?}, not a number"))?,
        };
        if !timeout.is_finite() || timeout < 0.0 {
            return Err(format!("header timeout is {timeout}, not a duration"));
        }
        Ok((dendrite, axon, timeout))
    })();
    let (dendrite, axon, timeout) = parsed.map_err(|e| {
        Refusal(
            400,
            format!("Improperly formatted request. Could not parse headers into synapse of type {}: {e}.", call.spec.name),
        )
    })?;
    call.dendrite = dendrite;
    call.axon = axon;
    call.timeout = timeout;
    call.axon.version = Some(PROTOCOL_VERSION);
    call.axon.uuid = Some(inner.uuid.clone());
    let axon_nonce = protocol::now_ns();
    call.axon.nonce = Some(axon_nonce);
    call.axon.status_code = Some(100);
    if call.axon.hotkey.is_none() {
        call.axon.hotkey = Some(inner.hotkey.clone());
    }
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
        call.dendrite.ip = Some(peer.ip().to_string());
        call.dendrite.port = Some(peer.port());
    }
    let message = protocol::axon_message(
        axon_nonce,
        call.dendrite.hotkey.as_deref().unwrap_or("None"),
        call.axon.hotkey.as_deref().unwrap_or("None"),
        &inner.uuid,
    );
    call.axon.signature = Some(protocol::signature_hex(
        &inner.pair.sign(message.as_bytes()),
    ));

    let declared = headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > inner.config.max_body_bytes) {
        return Err(too_large(inner.config.max_body_bytes));
    }

    // 2. Blacklist, on the claimed hotkey.
    let hotkey = call
        .dendrite
        .hotkey
        .as_deref()
        .and_then(|h| AccountId32::from_ss58(h).ok())
        .map(|(a, _)| a);
    let info = RequestInfo {
        synapse: &call.spec.name,
        dendrite: &call.dendrite,
        hotkey,
    };
    let verdict = match &inner.blacklist {
        Some(f) => f(&info),
        None => default_blacklist(inner, &info),
    };
    if let Some(reason) = verdict {
        return Err(Refusal(
            403,
            format!("Forbidden. Key is blacklisted: {reason}."),
        ));
    }
    let priority = match &inner.priority {
        Some(f) => f(&info),
        None => stake_of(inner, info.hotkey.as_ref())
            .map(|s| s as f64)
            .unwrap_or(0.0),
    };

    // 3. Verify.
    let claimed_hash = headers
        .get("computed_body_hash")
        .cloned()
        .unwrap_or_default();
    verify(inner, &call.dendrite, call.timeout, &claimed_hash)
        .map_err(|e| Refusal(401, format!("Not Verified with error: {e}")))?;

    // 4. Priority: a worker slot before the deadline.
    // A timeout too large for a Duration (`1e30`) means no deadline rather than a panic.
    let deadline = Duration::try_from_secs_f64(call.timeout).unwrap_or(Duration::MAX);
    let remaining = deadline.saturating_sub(start.elapsed());
    let _permit = inner
        .gate
        .acquire(priority, remaining)
        .await
        .map_err(|e| match e {
            GateError::Timeout => Refusal(
                408,
                format!(
                    "Response timeout after: {}s",
                    pyrepr::py_float_repr(call.timeout)
                ),
            ),
            GateError::Full => Refusal(
                503,
                "Service unavailable: the axon's request queue is full; retry later".into(),
            ),
        })?;

    // 5. Body, bounded, and its integrity.
    let bytes = axum::body::to_bytes(req.into_body(), inner.config.max_body_bytes)
        .await
        .map_err(|_| too_large(inner.config.max_body_bytes))?;
    let body: Map<String, Value> = match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(internal_error("the body is not a JSON object")),
        Err(e) => return Err(internal_error(&format!("the body is not JSON: {e}"))),
    };
    let fields = protocol::own_fields(body);
    // Hash the bytes, not the parsed map: nested dicts must keep the sender's key order.
    let hash =
        pyrepr::body_hash_of_json(&bytes, &call.spec.required_hash_fields).unwrap_or_default();
    if hash != claimed_hash {
        return Err(internal_error(&format!(
            "Hash mismatch between header body hash {claimed_hash} and parsed body hash {hash}"
        )));
    }

    // 6. Forward, within what is left of the timeout.
    let synapse = Synapse {
        name: call.spec.name.clone(),
        timeout: call.timeout,
        dendrite: call.dendrite.clone(),
        axon: call.axon.clone(),
        body: fields,
    };
    let remaining = deadline.saturating_sub(start.elapsed());
    // A task of its own: a panicking handler costs its request a 500, not the connection, and a
    // handler past its deadline is aborted rather than left running.
    let mut task = tokio::spawn((route.handler)(synapse));
    match tokio::time::timeout(remaining, &mut task).await {
        Err(_) => {
            task.abort();
            Err(Refusal(
                408,
                format!(
                    "Response timeout after: {}s",
                    pyrepr::py_float_repr(call.timeout)
                ),
            ))
        }
        Ok(Err(join)) => Err(internal_error(&format!(
            "the {} handler failed: {join}",
            call.spec.name
        ))),
        Ok(Ok(Err(ForwardError {
            status: Some(code),
            message,
        }))) => Err(Refusal(code, message)),
        Ok(Ok(Err(ForwardError {
            status: None,
            message,
        }))) => Err(internal_error(&message)),
        Ok(Ok(Ok(out))) => Ok(out),
    }
}

fn too_large(limit: usize) -> Refusal {
    Refusal(
        413,
        format!("Payload too large: this axon accepts request bodies of at most {limit} bytes"),
    )
}

fn stake_of(inner: &Inner, hotkey: Option<&AccountId32>) -> Option<u64> {
    let hotkey = hotkey?;
    let stakes = inner.stakes.read().unwrap_or_else(|e| e.into_inner());
    stakes.get(hotkey).copied()
}

fn default_blacklist(inner: &Inner, info: &RequestInfo<'_>) -> Option<String> {
    let claimed = info.dendrite.hotkey.as_deref().unwrap_or("None");
    match stake_of(inner, info.hotkey.as_ref()) {
        None => Some(format!(
            "Unrecognized hotkey {claimed}: it is not registered on this subnet"
        )),
        Some(stake) if stake < inner.config.min_stake_rao => Some(format!(
            "Hotkey {claimed} holds {stake} rao of stake, below this axon's minimum of {} rao",
            inner.config.min_stake_rao
        )),
        Some(_) => None,
    }
}

/// bittensor's `default_verify`: nonce rules, then the signature, then the nonce is recorded.
fn verify(
    inner: &Inner,
    dendrite: &TerminalInfo,
    timeout: f64,
    body_hash: &str,
) -> Result<(), String> {
    let hotkey = dendrite
        .hotkey
        .as_deref()
        .ok_or("Missing dendrite hotkey")?;
    let nonce = dendrite.nonce.ok_or("Missing Nonce")?;
    let uuid = dendrite.uuid.as_deref().unwrap_or("None");
    let key = format!("{hotkey}:{uuid}");
    let fresh = dendrite
        .version
        .is_some_and(|v| v >= NONCE_FRESHNESS_VERSION);
    let check = |last: Option<u64>| -> Result<(), String> {
        match last {
            Some(last) if nonce <= last => {
                Err("Nonce is too old, a newer one was last processed".into())
            }
            None if fresh => {
                let now = protocol::now_ns();
                let allowed_ns = ALLOWED_NONCE_DELTA_NS as f64 + timeout * 1e9;
                let age_ns = now as f64 - nonce as f64;
                if age_ns >= allowed_ns {
                    Err(format!(
                        "Nonce is too old: acceptable delta is {:.2} seconds but request was {:.2} seconds old",
                        allowed_ns / 1e9,
                        age_ns / 1e9
                    ))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    };
    let last = |inner: &Inner| {
        inner
            .nonces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied()
    };
    // Refuse replays before spending a signature check on them.
    check(last(inner))?;
    let signature = dendrite
        .signature
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or("Missing Signature")?;
    let (account, _) = AccountId32::from_ss58(hotkey)
        .map_err(|e| format!("dendrite hotkey {hotkey} is not ss58: {e}"))?;
    let message = protocol::dendrite_message(nonce, hotkey, &inner.hotkey, uuid, body_hash);
    let public = inner.public_key(&account);
    let ok = protocol::parse_signature(signature).is_some_and(|sig| {
        public.as_ref().is_some_and(|k| {
            k.verify(&sig, message.as_bytes())
                || k.verify(&sig, format!("<Bytes>{message}</Bytes>").as_bytes())
        })
    });
    if !ok {
        return Err(format!("Signature mismatch with {message} and {signature}"));
    }
    let mut nonces = inner.nonces.lock().unwrap_or_else(|e| e.into_inner());
    check(nonces.get(&key).copied())?;
    nonces.insert(key, nonce);
    Ok(())
}
