//! The JSON-RPC server: Substrate's method names, parameters and result shapes
//! (`spec/wire.md` §1), over WebSocket and HTTP on one port (jsonrpsee).
//!
//! Reads go straight to the database (a snapshot per call), so RPC load never waits for block
//! production; submissions and runtime APIs go to the chain thread, which owns the state and the
//! pool. Optional trailing parameters may be omitted or `null`; hex may come with or without
//! `0x`, and always goes out lowercase with `0x`.

use crate::chain::{ApiCallError, Request, Shared, SubmitError};
use crate::header::{Header, hex0x};
use crate::metrics::RpcTimer;
use crate::pool::TxStatus;
use codec::Decode;
use cortex_primitives::AccountId32;
use cortex_runtime::executive::InvalidTransaction;
use cortex_runtime::extrinsic::{
    CheckContext, TransactionValidityError, UncheckedExtrinsic, check_signature, extrinsic_hash,
};
use cortex_runtime::runtime_api::RuntimeApiError;
use cortex_runtime::system::BLOCK_HASH_COUNT;
use cortex_runtime::version;
use cortex_store::StoreError;
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::server::{PendingSubscriptionSink, RpcModule, SubscriptionMessage};
use jsonrpsee::types::ErrorObjectOwned;
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::sync::oneshot;

/// JSON-RPC "invalid params".
const INVALID_PARAMS: i32 = -32602;
/// Substrate's state/chain client error.
const CLIENT_ERROR: i32 = 4003;
/// Substrate's author errors.
const BAD_FORMAT: i32 = 1001;
const POOL_INVALID: i32 = 1010;
const POOL_UNKNOWN: i32 = 1011;
/// Substrate caps `state_getKeysPaged` at this many keys per page.
const MAX_KEYS_PAGE: u32 = 1000;

fn invalid_params(msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(INVALID_PARAMS, msg.into(), None::<()>)
}

fn client_error(msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(CLIENT_ERROR, msg.into(), None::<()>)
}

fn store_error(e: StoreError, at: &[u8; 32]) -> ErrorObjectOwned {
    match e {
        StoreError::Discarded(_) => {
            client_error(format!("State already discarded for {}", hex0x(at)))
        }
        other => client_error(format!("Client error: {other}")),
    }
}

/// Decodes hex with or without `0x`.
pub fn parse_hex(s: &str, what: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
    let digits = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(digits).map_err(|e| {
        invalid_params(format!(
            "{what} is not valid hex ({e}); send lowercase hex, with or without 0x"
        ))
    })
}

fn parse_hash(s: &str) -> Result<[u8; 32], ErrorObjectOwned> {
    let bytes = parse_hex(s, "the block hash")?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| invalid_params(format!("a block hash is 32 bytes, got {}", bytes.len())))
}

/// The text Substrate gives each invalid-transaction reason.
pub fn invalid_text(e: InvalidTransaction) -> String {
    match e {
        InvalidTransaction::Call => "Transaction call is not expected".into(),
        InvalidTransaction::Payment => {
            "Inability to pay some fees (e.g. account balance too low)".into()
        }
        InvalidTransaction::Future => "Transaction will be valid in the future".into(),
        InvalidTransaction::Stale => "Transaction is outdated".into(),
        InvalidTransaction::BadProof => "Transaction has a bad signature".into(),
        InvalidTransaction::AncientBirthBlock => "Transaction has an ancient birth block".into(),
        InvalidTransaction::ExhaustsResources => {
            "Transaction would exhaust the block limits".into()
        }
        InvalidTransaction::Custom(n) => format!("Custom error: {n}"),
        InvalidTransaction::BadMandatory => {
            "A call was labelled as mandatory, but resulted in an Error.".into()
        }
        InvalidTransaction::MandatoryValidation => {
            "Transaction dispatch is mandatory; transactions must not be validated.".into()
        }
        InvalidTransaction::BadSigner => "Invalid signing address".into(),
    }
}

fn pool_invalid(e: InvalidTransaction) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(POOL_INVALID, "Invalid Transaction", Some(invalid_text(e)))
}

fn submit_error(e: SubmitError) -> ErrorObjectOwned {
    match e {
        SubmitError::Invalid(i) => pool_invalid(i),
        SubmitError::Unsigned => pool_invalid(InvalidTransaction::Call),
        SubmitError::Pool(p) => ErrorObjectOwned::owned(p.code(), p.to_string(), None::<()>),
        SubmitError::ShuttingDown => {
            ErrorObjectOwned::owned(-32000, "the node is shutting down", None::<()>)
        }
    }
}

/// The chain as the signature check sees it: the next block, the genesis, recent hashes.
struct RpcCheckContext<'a> {
    shared: &'a Shared,
    head: u32,
}

impl CheckContext for RpcCheckContext<'_> {
    fn current_block(&self) -> u64 {
        u64::from(self.head).saturating_add(1)
    }

    fn genesis_hash(&self) -> [u8; 32] {
        self.shared.genesis_hash
    }

    fn block_hash(&self, number: u64) -> Option<[u8; 32]> {
        let number = u32::try_from(number).ok()?;
        if number > self.head
            || self.head.saturating_add(1).saturating_sub(number) > BLOCK_HASH_COUNT
        {
            return None;
        }
        let bytes = self.shared.store.header(number).ok()??;
        Header::decode(&mut bytes.as_slice()).ok().map(|h| h.hash())
    }
}

async fn ask<T>(
    shared: &Shared,
    make: impl FnOnce(oneshot::Sender<T>) -> Request,
) -> Result<T, ErrorObjectOwned> {
    let (tx, rx) = oneshot::channel();
    shared
        .requests
        .send(make(tx))
        .map_err(|_| submit_error(SubmitError::ShuttingDown))?;
    rx.await
        .map_err(|_| submit_error(SubmitError::ShuttingDown))
}

/// Decodes, checks and submits an extrinsic; returns its hash.
async fn submit(
    shared: &Shared,
    hex_xt: &str,
    watcher: Option<tokio::sync::mpsc::UnboundedSender<TxStatus>>,
) -> Result<[u8; 32], ErrorObjectOwned> {
    let bytes = parse_hex(hex_xt, "the extrinsic")?;
    let xt = UncheckedExtrinsic::decode_bytes(&bytes).map_err(|e| {
        ErrorObjectOwned::owned(
            BAD_FORMAT,
            "Extrinsic has invalid format",
            Some(e.to_string()),
        )
    })?;
    let head = shared.head().header.number();
    let ctx = RpcCheckContext { shared, head };
    let checked = match check_signature(&xt, &ctx) {
        Ok(Some(c)) => c,
        Ok(None) => return Err(submit_error(SubmitError::Unsigned)),
        Err(TransactionValidityError::Invalid(i)) => return Err(pool_invalid(i)),
        Err(TransactionValidityError::CannotLookup) => {
            return Err(ErrorObjectOwned::owned(
                POOL_UNKNOWN,
                "Unknown Transaction",
                Some("Could not lookup information required to validate the transaction"),
            ));
        }
    };
    let hash = extrinsic_hash(&bytes);
    let bytes = Arc::new(bytes);
    ask(shared, |reply| Request::Submit {
        xt: Box::new(xt),
        checked,
        bytes,
        hash,
        watcher,
        reply,
    })
    .await?
    .map_err(submit_error)
}

/// Resolves an optional block hash to `(number, hash)`; `None` is the head.
fn resolve(shared: &Shared, at: Option<String>) -> Result<(u32, [u8; 32]), ErrorObjectOwned> {
    match at {
        None => {
            let head = shared.head();
            Ok((head.header.number(), head.hash))
        }
        Some(s) => {
            let hash = parse_hash(&s)?;
            match shared.store.number_of(&hash) {
                Ok(Some(n)) => Ok((n, hash)),
                Ok(None) => Err(client_error(format!(
                    "Client error: UnknownBlock: State not found for {}",
                    hex0x(&hash)
                ))),
                Err(e) => Err(store_error(e, &hash)),
            }
        }
    }
}

fn header_at(shared: &Shared, number: u32) -> Option<Header> {
    let bytes = shared.store.header(number).ok()??;
    Header::decode(&mut bytes.as_slice()).ok()
}

/// `state_getRuntimeVersion`'s JSON.
fn runtime_version_json(shared: &Shared) -> Value {
    let apis: Vec<Value> = shared
        .api
        .api_ids
        .iter()
        .map(|(id, v)| json!([hex0x(id), v]))
        .collect();
    json!({
        "specName": version::SPEC_NAME,
        "implName": version::SPEC_NAME,
        "authoringVersion": version::AUTHORING_VERSION,
        "specVersion": version::SPEC_VERSION,
        "implVersion": version::IMPL_VERSION,
        "apis": apis,
        "transactionVersion": version::TRANSACTION_VERSION,
        "systemVersion": version::SYSTEM_VERSION,
        "stateVersion": version::SYSTEM_VERSION,
    })
}

fn status_json(status: &TxStatus) -> Value {
    match status {
        TxStatus::Future => json!("future"),
        TxStatus::Ready => json!("ready"),
        TxStatus::InBlock(h) => json!({ "inBlock": hex0x(h) }),
        TxStatus::Finalized(h) => json!({ "finalized": hex0x(h) }),
        TxStatus::Usurped(h) => json!({ "usurped": hex0x(h) }),
        TxStatus::Dropped => json!("dropped"),
        TxStatus::Invalid => json!("invalid"),
    }
}

fn message(v: &Value) -> Option<SubscriptionMessage> {
    serde_json::value::to_raw_value(v)
        .ok()
        .map(SubscriptionMessage::from)
}

/// A block number parameter: a JSON number or a hex string.
fn block_number(v: &Value) -> Result<Option<u32>, ErrorObjectOwned> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| invalid_params("a block number is an unsigned 32-bit integer")),
        Value::String(s) => {
            let digits = s.strip_prefix("0x").unwrap_or(s);
            u32::from_str_radix(digits, 16)
                .map(Some)
                .map_err(|_| invalid_params(format!("{s} is not a hex block number")))
        }
        _ => Err(invalid_params("a block number is a number or a hex string")),
    }
}

fn hash_of_number(shared: &Shared, n: Option<u32>) -> Value {
    let n = n.unwrap_or_else(|| shared.head().header.number());
    match header_at(shared, n) {
        Some(h) => json!(hex0x(&h.hash())),
        None => Value::Null,
    }
}

fn parse_account(s: &str) -> Result<AccountId32, ErrorObjectOwned> {
    if let Some(hex_digits) = s.strip_prefix("0x") {
        let bytes = parse_hex(hex_digits, "the account")?;
        return <[u8; 32]>::try_from(bytes.as_slice())
            .map(AccountId32)
            .map_err(|_| invalid_params("an account is 32 bytes"));
    }
    s.parse::<AccountId32>()
        .map_err(|e| invalid_params(format!("{s}: {e}")))
}

/// Registers a subscription to new heads under the given names: the current head first, then
/// each new one.
fn register_heads(
    module: &mut RpcModule<Arc<Shared>>,
    subscribe: &'static str,
    notification: &'static str,
    unsubscribe: &'static str,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_subscription(
        subscribe,
        notification,
        unsubscribe,
        |_params, pending: PendingSubscriptionSink, shared, _| async move {
            let mut heads = shared.heads.subscribe();
            let current = shared.head();
            let sink = pending.accept().await?;
            if let Some(m) = message(&current.header.to_json()) {
                sink.send(m).await?;
            }
            loop {
                match heads.recv().await {
                    Ok(head) => {
                        if let Some(m) = message(&head.header.to_json()) {
                            sink.send(m).await?;
                        }
                    }
                    // A slow reader skips heads rather than stalling the node.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
            SubscriptionResult::Ok(())
        },
    )?;
    Ok(())
}

/// Builds the RPC module with every method.
pub fn module(
    shared: Arc<Shared>,
) -> Result<RpcModule<Arc<Shared>>, jsonrpsee::core::RegisterMethodError> {
    let mut m = RpcModule::new(shared);

    // ---- system ---------------------------------------------------------------------------
    m.register_method("system_chain", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "system_chain");
        "Bittensor"
    })?;
    m.register_method("system_name", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "system_name");
        "cortex-node"
    })?;
    m.register_method("system_version", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "system_version");
        env!("CARGO_PKG_VERSION")
    })?;
    m.register_method("system_chainType", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "system_chainType");
        "Development"
    })?;
    m.register_method("system_properties", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "system_properties");
        json!({ "ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO" })
    })?;
    m.register_method("system_health", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "system_health");
        json!({ "peers": 0, "isSyncing": false, "shouldHavePeers": false })
    })?;
    m.register_async_method("system_accountNextIndex", |params, s, _| async move {
        let _t = RpcTimer::start(&s.metrics, "system_accountNextIndex");
        let who: String = params.one()?;
        let who = parse_account(&who)?;
        ask(&s, |reply| Request::NextIndex { who, reply }).await
    })?;
    m.register_alias("account_nextIndex", "system_accountNextIndex")?;

    // ---- chain ----------------------------------------------------------------------------
    m.register_method("chain_getBlockHash", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "chain_getBlockHash");
        let mut seq = params.sequence();
        let arg: Option<Value> = seq.optional_next()?;
        match arg {
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in &items {
                    out.push(hash_of_number(s, block_number(item)?));
                }
                Ok::<Value, ErrorObjectOwned>(Value::Array(out))
            }
            Some(v) => Ok(hash_of_number(s, block_number(&v)?)),
            None => Ok(hash_of_number(s, None)),
        }
    })?;
    m.register_alias("chain_getHead", "chain_getBlockHash")?;
    m.register_method("chain_getFinalizedHead", |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "chain_getFinalizedHead");
        hex0x(&s.head().hash)
    })?;
    m.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;
    m.register_method("chain_getHeader", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "chain_getHeader");
        let mut seq = params.sequence();
        let at: Option<String> = seq.optional_next()?;
        let header = match at {
            None => Some(s.head().header),
            Some(h) => {
                let hash = parse_hash(&h)?;
                match s.store.number_of(&hash) {
                    Ok(Some(n)) => header_at(s, n),
                    _ => None,
                }
            }
        };
        Ok::<Value, ErrorObjectOwned>(header.map_or(Value::Null, |h| h.to_json()))
    })?;
    m.register_method("chain_getBlock", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "chain_getBlock");
        let mut seq = params.sequence();
        let at: Option<String> = seq.optional_next()?;
        let number = match at {
            None => Some(s.head().header.number()),
            Some(h) => {
                let hash = parse_hash(&h)?;
                s.store.number_of(&hash).ok().flatten()
            }
        };
        let Some(number) = number else {
            return Ok::<Value, ErrorObjectOwned>(Value::Null);
        };
        let (Some(header), Ok(Some(body))) = (header_at(s, number), s.store.body(number)) else {
            return Ok(Value::Null);
        };
        let extrinsics: Vec<String> = body.iter().map(|x| hex0x(x)).collect();
        Ok(json!({
            "block": { "header": header.to_json(), "extrinsics": extrinsics },
            "justifications": null,
        }))
    })?;
    register_heads(
        &mut m,
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
    )?;
    register_heads(
        &mut m,
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
    )?;
    register_heads(
        &mut m,
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
    )?;
    m.register_alias("chain_subscribeNewHead", "chain_subscribeNewHeads")?;
    m.register_alias("chain_unsubscribeNewHead", "chain_unsubscribeNewHeads")?;
    m.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    m.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;
    m.register_alias(
        "chain_subscribeFinalisedHeads",
        "chain_subscribeFinalizedHeads",
    )?;
    m.register_alias(
        "chain_unsubscribeFinalisedHeads",
        "chain_unsubscribeFinalizedHeads",
    )?;

    // ---- state ----------------------------------------------------------------------------
    m.register_method("state_getStorage", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "state_getStorage");
        let mut seq = params.sequence();
        let key: String = seq.next()?;
        let at: Option<String> = seq.optional_next()?;
        let key = parse_hex(&key, "the storage key")?;
        let (n, hash) = resolve(s, at)?;
        let view = s.store.state_at(n).map_err(|e| store_error(e, &hash))?;
        let value = view.get(&key).map_err(|e| store_error(e, &hash))?;
        Ok::<Option<String>, ErrorObjectOwned>(value.map(|v| hex0x(&v)))
    })?;
    m.register_alias("state_getStorageAt", "state_getStorage")?;
    m.register_method("state_queryStorageAt", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "state_queryStorageAt");
        let mut seq = params.sequence();
        let keys: Vec<String> = seq.next()?;
        let at: Option<String> = seq.optional_next()?;
        let (n, hash) = resolve(s, at)?;
        let view = s.store.state_at(n).map_err(|e| store_error(e, &hash))?;
        let mut changes = Vec::with_capacity(keys.len());
        for key in keys {
            let raw = parse_hex(&key, "a storage key")?;
            let value = view.get(&raw).map_err(|e| store_error(e, &hash))?;
            // Keys go back exactly as canonical lowercase 0x hex: clients match on them.
            changes.push(json!([hex0x(&raw), value.map(|v| hex0x(&v))]));
        }
        Ok::<Value, ErrorObjectOwned>(json!([{ "block": hex0x(&hash), "changes": changes }]))
    })?;
    m.register_method("state_getKeysPaged", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "state_getKeysPaged");
        let mut seq = params.sequence();
        let prefix: Option<String> = seq.next()?;
        let count: u32 = seq.next()?;
        let start: Option<String> = seq.optional_next()?;
        let at: Option<String> = seq.optional_next()?;
        if count > MAX_KEYS_PAGE {
            return Err(invalid_params(format!(
                "count exceeds maximum value. value: {count}, max: {MAX_KEYS_PAGE}"
            )));
        }
        let prefix = match prefix {
            Some(p) => parse_hex(&p, "the key prefix")?,
            None => Vec::new(),
        };
        let start = match start {
            Some(k) => Some(parse_hex(&k, "the start key")?),
            None => None,
        };
        let (n, hash) = resolve(s, at)?;
        let view = s.store.state_at(n).map_err(|e| store_error(e, &hash))?;
        let keys = view
            .keys_paged(&prefix, count as usize, start.as_deref())
            .map_err(|e| store_error(e, &hash))?;
        Ok(keys.iter().map(|k| hex0x(k)).collect::<Vec<_>>())
    })?;
    m.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    m.register_method("state_getKeys", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "state_getKeys");
        let mut seq = params.sequence();
        let prefix: String = seq.next()?;
        let at: Option<String> = seq.optional_next()?;
        let prefix = parse_hex(&prefix, "the key prefix")?;
        let (n, hash) = resolve(s, at)?;
        let view = s.store.state_at(n).map_err(|e| store_error(e, &hash))?;
        let keys = view
            .keys_paged(&prefix, usize::MAX, None)
            .map_err(|e| store_error(e, &hash))?;
        Ok::<Vec<String>, ErrorObjectOwned>(keys.iter().map(|k| hex0x(k)).collect())
    })?;
    m.register_method("state_getRuntimeVersion", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "state_getRuntimeVersion");
        let mut seq = params.sequence();
        let at: Option<String> = seq.optional_next()?;
        resolve(s, at)?;
        Ok::<Value, ErrorObjectOwned>(runtime_version_json(s))
    })?;
    m.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;
    m.register_method("state_getMetadata", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "state_getMetadata");
        let mut seq = params.sequence();
        let at: Option<String> = seq.optional_next()?;
        resolve(s, at)?;
        Ok::<String, ErrorObjectOwned>(hex0x(&s.api.metadata_v14))
    })?;
    m.register_async_method("state_call", |params, s, _| async move {
        let _t = RpcTimer::start(&s.metrics, "state_call");
        let mut seq = params.sequence();
        let method: String = seq.next()?;
        let data: String = seq.next()?;
        let at: Option<String> = seq.optional_next()?;
        let input = parse_hex(&data, "the call data")?;
        let (n, hash) = resolve(&s, at)?;
        let at = if n == s.head().header.number() {
            None
        } else {
            Some(n)
        };
        let result = ask(&s, |reply| Request::RuntimeApi {
            method,
            input,
            at,
            reply,
        })
        .await?;
        match result {
            Ok(bytes) => Ok(hex0x(&bytes)),
            Err(ApiCallError::Api(e @ RuntimeApiError::UnknownMethod(_))) => Err(client_error(
                format!("Client error: Execution failed: Other: {e}"),
            )),
            Err(ApiCallError::Api(e)) => Err(client_error(format!("Client error: {e}"))),
            Err(ApiCallError::Store(e)) => Err(store_error(e, &hash)),
        }
    })?;
    m.register_alias("state_callAt", "state_call")?;
    m.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_params, pending, shared, _| async move {
            let sink = pending.accept().await?;
            if let Some(m) = message(&runtime_version_json(&shared)) {
                sink.send(m).await?;
            }
            // The runtime never changes while the node runs: hold the subscription open.
            sink.closed().await;
            SubscriptionResult::Ok(())
        },
    )?;
    m.register_alias(
        "chain_subscribeRuntimeVersion",
        "state_subscribeRuntimeVersion",
    )?;
    m.register_alias(
        "chain_unsubscribeRuntimeVersion",
        "state_unsubscribeRuntimeVersion",
    )?;
    m.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        |params, pending, shared, _| async move {
            let keys: Vec<String> = match params.sequence().optional_next::<Vec<String>>() {
                Ok(k) => k.unwrap_or_default(),
                Err(e) => {
                    pending.reject(e).await;
                    return SubscriptionResult::Ok(());
                }
            };
            let mut raw_keys = Vec::with_capacity(keys.len());
            for k in &keys {
                match parse_hex(k, "a storage key") {
                    Ok(b) => raw_keys.push(b),
                    Err(e) => {
                        pending.reject(e).await;
                        return SubscriptionResult::Ok(());
                    }
                }
            }
            let mut heads = shared.heads.subscribe();
            let sink = pending.accept().await?;
            let mut last: Vec<Option<Vec<u8>>> = vec![None; raw_keys.len()];
            let mut first = true;
            let mut head = shared.head();
            loop {
                if let Ok(view) = shared.store.state_at(head.header.number()) {
                    let mut changes = Vec::new();
                    for (k, prev) in raw_keys.iter().zip(last.iter_mut()) {
                        let v = view.get(k).ok().flatten();
                        if first || v != *prev {
                            changes.push(json!([hex0x(k), v.as_ref().map(|v| hex0x(v))]));
                            *prev = v;
                        }
                    }
                    if !changes.is_empty()
                        && let Some(m) =
                            message(&json!({ "block": hex0x(&head.hash), "changes": changes }))
                    {
                        sink.send(m).await?;
                    }
                }
                first = false;
                head = match heads.recv().await {
                    Ok(h) => h,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => shared.head(),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
            }
            SubscriptionResult::Ok(())
        },
    )?;

    // ---- author ---------------------------------------------------------------------------
    m.register_async_method("author_submitExtrinsic", |params, s, _| async move {
        let _t = RpcTimer::start(&s.metrics, "author_submitExtrinsic");
        let xt: String = params.one()?;
        submit(&s, &xt, None).await.map(|h| hex0x(&h))
    })?;
    m.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, s, _| async move {
            let _t = RpcTimer::start(&s.metrics, "author_submitAndWatchExtrinsic");
            let xt: String = match params.one() {
                Ok(x) => x,
                Err(e) => {
                    pending.reject(e).await;
                    return SubscriptionResult::Ok(());
                }
            };
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            // A rejected transaction is an error on this request, not a notification.
            if let Err(e) = submit(&s, &xt, Some(tx)).await {
                pending.reject(e).await;
                return SubscriptionResult::Ok(());
            }
            drop(_t);
            let sink = pending.accept().await?;
            while let Some(status) = rx.recv().await {
                if let Some(m) = message(&status_json(&status)) {
                    sink.send(m).await?;
                }
                if status.is_final() {
                    break;
                }
            }
            SubscriptionResult::Ok(())
        },
    )?;
    m.register_async_method("author_pendingExtrinsics", |_, s, _| async move {
        let _t = RpcTimer::start(&s.metrics, "author_pendingExtrinsics");
        let pending = ask(&s, |reply| Request::Pending { reply }).await?;
        Ok::<Vec<String>, ErrorObjectOwned>(pending.iter().map(|x| hex0x(x)).collect())
    })?;

    // ---- payment --------------------------------------------------------------------------
    m.register_method("payment_queryInfo", |params, s, _| {
        let _t = RpcTimer::start(&s.metrics, "payment_queryInfo");
        let mut seq = params.sequence();
        let xt: String = seq.next()?;
        let at: Option<String> = seq.optional_next()?;
        resolve(s, at)?;
        let bytes = parse_hex(&xt, "the extrinsic")?;
        let decoded = UncheckedExtrinsic::decode_bytes(&bytes).map_err(|e| {
            ErrorObjectOwned::owned(
                BAD_FORMAT,
                "Extrinsic has invalid format",
                Some(e.to_string()),
            )
        })?;
        let info = crate::api::query_info(&decoded, u32::try_from(bytes.len()).unwrap_or(u32::MAX));
        let class = match info.class {
            cortex_runtime::support::DispatchClass::Normal => "normal",
            cortex_runtime::support::DispatchClass::Operational => "operational",
            cortex_runtime::support::DispatchClass::Mandatory => "mandatory",
        };
        Ok::<Value, ErrorObjectOwned>(json!({
            "weight": { "ref_time": info.weight.ref_time, "proof_size": info.weight.proof_size },
            "class": class,
            "partialFee": info.partial_fee.to_string(),
        }))
    })?;

    // ---- rpc_methods, last, so that it lists everything --------------------------------------
    let mut names: Vec<&'static str> = m.method_names().collect();
    names.push("rpc_methods");
    names.sort_unstable();
    m.register_method("rpc_methods", move |_, s, _| {
        let _t = RpcTimer::start(&s.metrics, "rpc_methods");
        json!({ "version": 1, "methods": names })
    })?;
    Ok(m)
}
