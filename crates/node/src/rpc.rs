//! The JSON-RPC server's methods: Substrate's names, parameters and result shapes
//! (`spec/wire.md` §1), over WebSocket and HTTP on one port (jsonrpsee; the listener, its limits
//! and timeouts are in [`crate::server`]).
//!
//! Reads go straight to the database (a snapshot per call), so RPC load never waits for block
//! production; submissions and runtime APIs go to the chain thread, which owns the state and the
//! pool. Optional trailing parameters may be omitted or `null`; hex may come with or without
//! `0x`, and always goes out lowercase with `0x`.
//!
//! Bounds, so that one request cannot take the node's memory or its async workers:
//! - every call that reads the database runs on tokio's blocking pool, at most
//!   [`RpcLimits::heavy_calls`] at once, and parses its parameters only once it runs;
//! - lists in parameters (keys, block numbers) are refused past [`RpcLimits::max_items`] while
//!   they are parsed, before any work; `state_getKeysPaged` keeps Substrate's 1,000;
//! - answers are measured while they are built, and refused as soon as they pass
//!   [`RpcLimits::max_response_bytes`], with jsonrpsee's own "Response is too big" error.

use crate::chain::{ApiCallError, Request, Shared, SubmitError};
use crate::check;
use crate::header::{Header, hex0x};
use crate::pool::TxStatus;
use crate::subs::{self, Hub, SEND_TIMEOUT};
use cortex_primitives::AccountId32;
use cortex_runtime::types::DispatchClass;
use cortex_runtime::{
    BLOCK_HASH_COUNT, CheckContext, InvalidTransaction, RuntimeApiError, TransactionValidityError,
    UncheckedExtrinsic, check_signature, extrinsic_hash,
};
use cortex_store::StoreError;
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::server::{PendingSubscriptionSink, RpcModule, SubscriptionSink};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::types::Params;
use serde::de::{DeserializeOwned, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::{Semaphore, oneshot};

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
        check::read_header(&self.shared.store, number)
            .ok()
            .flatten()
            .map(|(_, hash)| hash)
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

/// jsonrpsee's code and message for an answer over the response limit.
const TOO_BIG: i32 = -32008;
/// JSON-RPC "internal error".
const INTERNAL: i32 = -32603;
/// The most positional parameters any method takes (more are refused before parsing them).
const MAX_PARAMS: usize = 8;

/// Limits on the work of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RpcLimits {
    /// Items in one list parameter: keys of `state_queryStorageAt` and `state_subscribeStorage`,
    /// block numbers of `chain_getBlockHash`, keys returned by `state_getKeys`.
    pub max_items: usize,
    /// The largest answer or notification, in bytes (Substrate's `--rpc-max-response-size`).
    pub max_response_bytes: usize,
    /// Database-reading calls running at once; more wait their turn.
    pub heavy_calls: usize,
    /// Notifications queued per subscription before it is dropped as too slow.
    pub subscription_queue: usize,
    /// Distinct storage keys watched by all storage subscriptions together.
    pub max_subscribed_keys: usize,
}

impl Default for RpcLimits {
    fn default() -> RpcLimits {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        RpcLimits {
            max_items: 10_000,
            max_response_bytes: 15 * 1024 * 1024,
            heavy_calls: (2 * cores).max(4),
            subscription_queue: 64,
            max_subscribed_keys: 262_144,
        }
    }
}

/// What every method reads: the chain, the limits, the subscription hub.
pub struct Ctx {
    /// The chain as readers see it.
    pub shared: Arc<Shared>,
    limits: RpcLimits,
    heavy: Arc<Semaphore>,
    hub: Arc<Hub>,
    /// `state_getMetadata`'s answer, hex-encoded once.
    metadata_hex: Arc<str>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("limits", &self.limits).finish()
    }
}

fn internal(msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(INTERNAL, msg.into(), None::<()>)
}

fn too_big(max: usize) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        TOO_BIG,
        "Response is too big",
        Some(format!(
            "Exceeded max limit of {max}; ask for fewer items per request"
        )),
    )
}

/// Runs `f` on the blocking pool once a heavy-call slot is free.
async fn heavy<T: Send + 'static>(
    ctx: &Arc<Ctx>,
    f: impl FnOnce(&Ctx) -> Result<T, ErrorObjectOwned> + Send + 'static,
) -> Result<T, ErrorObjectOwned> {
    let permit = ctx
        .heavy
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| submit_error(SubmitError::ShuttingDown))?;
    let c = ctx.clone();
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        c.shared
            .store
            .guarded("answering an RPC call", || Ok(f(&c)))
    });
    match job.await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(client_error(format!("Client error: {e}"))),
        Err(e) => Err(internal(format!("the call failed: {e}"))),
    }
}

/// An answer under construction, refused as soon as it passes the limit.
struct Out {
    buf: String,
    max: usize,
}

impl Out {
    fn new(max: usize) -> Out {
        Out {
            buf: String::with_capacity(256),
            max,
        }
    }

    fn push(&mut self, s: &str) -> Result<(), ErrorObjectOwned> {
        if self.buf.len().saturating_add(s.len()) > self.max {
            return Err(too_big(self.max));
        }
        self.buf.push_str(s);
        Ok(())
    }

    /// `"0x…"` for `bytes`, measured before it is encoded.
    fn push_hex(&mut self, bytes: &[u8]) -> Result<(), ErrorObjectOwned> {
        let len = bytes.len().saturating_mul(2).saturating_add(4);
        if self.buf.len().saturating_add(len) > self.max {
            return Err(too_big(self.max));
        }
        self.buf.push('"');
        self.buf.push_str(&hex0x(bytes));
        self.buf.push('"');
        Ok(())
    }

    fn finish(self) -> Result<Box<RawValue>, ErrorObjectOwned> {
        RawValue::from_string(self.buf).map_err(|e| internal(format!("bad answer: {e}")))
    }
}

/// The positional parameters as raw JSON, each unparsed (at most [`MAX_PARAMS`]). Absent or
/// `null` parameters are an empty list.
pub fn positional(raw: Option<&str>) -> Result<Vec<&RawValue>, ErrorObjectOwned> {
    struct Seq;
    impl<'de> Visitor<'de> for Seq {
        type Value = Vec<&'de RawValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of positional parameters")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element::<&'de RawValue>()? {
                if out.len() >= MAX_PARAMS {
                    return Err(serde::de::Error::custom(format!(
                        "no method takes more than {MAX_PARAMS} parameters"
                    )));
                }
                out.push(v);
            }
            Ok(out)
        }
    }
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let mut de = serde_json::Deserializer::from_str(raw);
    serde::Deserializer::deserialize_any(&mut de, Seq).map_err(|e| {
        invalid_params(format!(
            "invalid parameters: {e}; send them as a JSON array"
        ))
    })
}

/// Parameter `i` as `T`; absent or `null` is `None`.
fn opt<T: DeserializeOwned>(p: &[&RawValue], i: usize) -> Result<Option<T>, ErrorObjectOwned> {
    match p.get(i) {
        None => Ok(None),
        Some(raw) => serde_json::from_str::<Option<T>>(raw.get())
            .map_err(|e| invalid_params(format!("invalid parameter {i}: {e}"))),
    }
}

/// Parameter `i` as `T`, which must be there.
fn req<T: DeserializeOwned>(p: &[&RawValue], i: usize) -> Result<T, ErrorObjectOwned> {
    match p.get(i) {
        None => Err(invalid_params(format!("parameter {i} is missing"))),
        Some(raw) => serde_json::from_str::<T>(raw.get())
            .map_err(|e| invalid_params(format!("invalid parameter {i}: {e}"))),
    }
}

/// A JSON array of at most `max` items, refused while it is parsed (before the items past the
/// limit are read). `null` is `None`.
pub fn bounded_list<T: DeserializeOwned>(
    raw: &RawValue,
    max: usize,
    what: &'static str,
) -> Result<Option<Vec<T>>, ErrorObjectOwned> {
    struct Bounded<T> {
        max: usize,
        what: &'static str,
        _t: std::marker::PhantomData<T>,
    }
    impl<'de, T: DeserializeOwned> Visitor<'de> for Bounded<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a list of {}", self.what)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element::<T>()? {
                if out.len() >= self.max {
                    return Err(serde::de::Error::custom(format!(
                        "more than {} {} in one request; send at most {} per request",
                        self.max, self.what, self.max
                    )));
                }
                out.push(v);
            }
            Ok(Some(out))
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde::Deserializer::deserialize_any(
        &mut de,
        Bounded::<T> {
            max,
            what,
            _t: std::marker::PhantomData,
        },
    )
    .map_err(|e| invalid_params(e.to_string()))
}

/// Decodes, checks and submits an extrinsic; returns its hash. The decoding and the signature
/// check (which reads birth-block hashes) run on the blocking pool.
async fn submit(
    ctx: &Arc<Ctx>,
    hex_xt: String,
    watcher: Option<tokio::sync::mpsc::UnboundedSender<TxStatus>>,
) -> Result<[u8; 32], ErrorObjectOwned> {
    let (xt, checked, bytes) = heavy(ctx, move |c| {
        let bytes = parse_hex(&hex_xt, "the extrinsic")?;
        let xt = UncheckedExtrinsic::decode_bytes(&bytes).map_err(|e| {
            ErrorObjectOwned::owned(
                BAD_FORMAT,
                "Extrinsic has invalid format",
                Some(e.to_string()),
            )
        })?;
        let head = c.shared.head().header.number();
        let check_ctx = RpcCheckContext {
            shared: &c.shared,
            head,
        };
        let checked = match check_signature(&xt, &check_ctx) {
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
        Ok((xt, checked, bytes))
    })
    .await?;
    let hash = extrinsic_hash(&bytes);
    let bytes = Arc::new(bytes);
    let gossip = bytes.clone();
    let hash = ask(&ctx.shared, |reply| Request::Submit {
        xt: Box::new(xt),
        checked,
        bytes,
        hash,
        watcher,
        reply,
    })
    .await?
    .map_err(submit_error)?;
    // Under a BFT engine the other validators' pools need it too (the next leader may be any
    // of them). Best effort: a full queue drops the copy, never the submission.
    if let Some(out) = ctx.shared.gossip.get() {
        let _ = out.try_send(gossip);
    }
    Ok(hash)
}

/// Decodes and signature-checks an extrinsic a peer gossiped, against the head (as a
/// submission is checked); the pool then validates it like any other.
pub(crate) fn check_gossiped(
    shared: &Shared,
    bytes: &[u8],
) -> Result<(UncheckedExtrinsic, cortex_runtime::CheckedSigned), String> {
    let xt = UncheckedExtrinsic::decode_bytes(bytes).map_err(|e| e.to_string())?;
    let check_ctx = RpcCheckContext {
        shared,
        head: shared.head().header.number(),
    };
    match check_signature(&xt, &check_ctx) {
        Ok(Some(checked)) => Ok((xt, checked)),
        Ok(None) => Err("unsigned".into()),
        Err(e) => Err(format!("{e:?}")),
    }
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

/// Block `number`'s header, checked against its hash; damage is an error, absence `None`.
fn header_at(shared: &Shared, number: u32) -> Result<Option<Header>, ErrorObjectOwned> {
    check::read_header(&shared.store, number)
        .map(|h| h.map(|(h, _)| h))
        .map_err(|e| client_error(format!("Client error: {e}")))
}

/// `state_getRuntimeVersion`'s JSON.
fn runtime_version_json(shared: &Shared) -> Value {
    let v = shared.runtime.version();
    let apis: Vec<Value> = v
        .apis
        .iter()
        .map(|(id, version)| json!([hex0x(id), version]))
        .collect();
    json!({
        "specName": v.spec_name,
        "implName": v.impl_name,
        "authoringVersion": v.authoring_version,
        "specVersion": v.spec_version,
        "implVersion": v.impl_version,
        "apis": apis,
        "transactionVersion": v.transaction_version,
        "systemVersion": v.system_version,
        "stateVersion": v.system_version,
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

fn raw_json(v: &Value) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(v).ok()
}

/// Sends one notification, waiting at most [`SEND_TIMEOUT`] for room; `false` ends the
/// subscription (the client went away, or does not read).
async fn send(ctx: &Ctx, sink: &SubscriptionSink, msg: Option<Box<RawValue>>) -> bool {
    let Some(msg) = msg else { return true };
    match sink.send_timeout(msg, SEND_TIMEOUT).await {
        Ok(()) => true,
        Err(jsonrpsee::core::server::SendTimeoutError::Timeout(_)) => {
            ctx.shared.metrics.rpc_subscription_dropped();
            false
        }
        Err(_) => false,
    }
}

/// A block number parameter: a JSON number or a `0x` hex string (Substrate's `NumberOrHex`).
pub fn block_number(v: &Value) -> Result<Option<u32>, ErrorObjectOwned> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| invalid_params("a block number is an unsigned 32-bit integer")),
        Value::String(s) => {
            let Some(digits) = s.strip_prefix("0x") else {
                return Err(invalid_params(format!(
                    "{s:?} is not a block number: send a number, or hex with 0x"
                )));
            };
            u32::from_str_radix(digits, 16)
                .map(Some)
                .map_err(|_| invalid_params(format!("{s} is not a hex block number")))
        }
        _ => Err(invalid_params("a block number is a number or a hex string")),
    }
}

fn push_hash_of(out: &mut Out, shared: &Shared, n: Option<u32>) -> Result<(), ErrorObjectOwned> {
    let n = n.unwrap_or_else(|| shared.head().header.number());
    match header_at(shared, n)? {
        Some(h) => out.push_hex(&h.hash()),
        None => out.push("null"),
    }
}

/// `chain_getBlockHash`: one number, a list of them (bounded), or none (the head).
pub fn block_hashes(ctx: &Ctx, p: &[&RawValue]) -> Result<Box<RawValue>, ErrorObjectOwned> {
    let mut out = Out::new(ctx.limits.max_response_bytes);
    let arg = p.first().map(|r| r.get().trim_start());
    if arg.is_some_and(|a| a.starts_with('[')) {
        let items = p
            .first()
            .map(|raw| bounded_list::<Value>(raw, ctx.limits.max_items, "block numbers"))
            .transpose()?
            .flatten()
            .unwrap_or_default();
        // Every item is checked before any is looked up.
        let numbers = items
            .iter()
            .map(block_number)
            .collect::<Result<Vec<_>, _>>()?;
        out.push("[")?;
        for (i, n) in numbers.into_iter().enumerate() {
            if i > 0 {
                out.push(",")?;
            }
            push_hash_of(&mut out, &ctx.shared, n)?;
        }
        out.push("]")?;
    } else {
        let v: Option<Value> = opt(p, 0)?;
        let n = block_number(&v.unwrap_or(Value::Null))?;
        push_hash_of(&mut out, &ctx.shared, n)?;
    }
    out.finish()
}

/// `state_queryStorageAt`: the values of at most `max_items` keys at one block.
pub fn query_storage_at(ctx: &Ctx, p: &[&RawValue]) -> Result<Box<RawValue>, ErrorObjectOwned> {
    let keys = p
        .first()
        .map(|raw| bounded_list::<String>(raw, ctx.limits.max_items, "storage keys"))
        .transpose()?
        .flatten()
        .ok_or_else(|| invalid_params("parameter 0 (the storage keys) is missing"))?;
    let raw_keys = keys
        .iter()
        .map(|k| parse_hex(k, "a storage key"))
        .collect::<Result<Vec<_>, _>>()?;
    drop(keys);
    let at: Option<String> = opt(p, 1)?;
    let (n, hash) = resolve(&ctx.shared, at)?;
    let view = ctx
        .shared
        .store
        .state_at(n)
        .map_err(|e| store_error(e, &hash))?;
    let mut out = Out::new(ctx.limits.max_response_bytes);
    out.push("[{\"block\":")?;
    out.push_hex(&hash)?;
    out.push(",\"changes\":[")?;
    for (i, key) in raw_keys.iter().enumerate() {
        if i > 0 {
            out.push(",")?;
        }
        let value = view.get(key).map_err(|e| store_error(e, &hash))?;
        // Keys go back exactly as canonical lowercase 0x hex: clients match on them.
        out.push("[")?;
        out.push_hex(key)?;
        out.push(",")?;
        match value {
            Some(v) => out.push_hex(&v)?,
            None => out.push("null")?,
        }
        out.push("]")?;
    }
    out.push("]}]")?;
    out.finish()
}

/// The values of `keys` at the head, as a storage notification (a subscription's first).
fn initial_storage(ctx: &Ctx, keys: &[Vec<u8>]) -> Result<String, ErrorObjectOwned> {
    let head = ctx.shared.head();
    let view = ctx
        .shared
        .store
        .state_at(head.header.number())
        .map_err(|e| store_error(e, &head.hash))?;
    let mut values = BTreeMap::new();
    for k in keys {
        values.insert(
            k.clone(),
            view.get(k).map_err(|e| store_error(e, &head.hash))?,
        );
    }
    let refs: Vec<&Vec<u8>> = keys.iter().collect();
    subs::storage_note(&head.hash, &refs, &values, ctx.limits.max_response_bytes)
        .ok_or_else(|| too_big(ctx.limits.max_response_bytes))
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

/// Registers a database-reading method: it runs on the blocking pool, one heavy-call slot at a
/// time, and parses its parameters there.
fn register_heavy<R, F>(
    m: &mut RpcModule<Ctx>,
    name: &'static str,
    f: F,
) -> Result<(), jsonrpsee::core::RegisterMethodError>
where
    R: serde::Serialize + Clone + Send + 'static,
    F: Fn(&Ctx, &[&RawValue]) -> Result<R, ErrorObjectOwned> + Clone + Send + Sync + 'static,
{
    m.register_async_method(name, move |params: Params<'static>, ctx, _| {
        let f = f.clone();
        async move {
            heavy(&ctx, move |c| {
                let p = positional(params.as_str())?;
                f(c, &p)
            })
            .await
        }
    })?;
    Ok(())
}

/// Registers a subscription to new heads under the given names: the current head first, then
/// each new one, serialized once by the hub for every subscriber.
fn register_heads(
    module: &mut RpcModule<Ctx>,
    subscribe: &'static str,
    notification: &'static str,
    unsubscribe: &'static str,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_subscription(
        subscribe,
        notification,
        unsubscribe,
        |_params, pending: PendingSubscriptionSink, ctx, _| async move {
            let mut heads = ctx.hub.heads();
            let current = ctx.shared.head();
            let sink = pending.accept().await?;
            if !send(&ctx, &sink, raw_json(&current.header.to_json())).await {
                return SubscriptionResult::Ok(());
            }
            loop {
                tokio::select! {
                    _ = sink.closed() => break,
                    head = heads.recv() => match head {
                        Ok(note) => {
                            if !send(&ctx, &sink, subs::raw(&note)).await {
                                break;
                            }
                        }
                        // This subscriber fell a whole queue behind: it does not read.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            ctx.shared.metrics.rpc_subscription_dropped();
                            break;
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                    },
                }
            }
            SubscriptionResult::Ok(())
        },
    )?;
    Ok(())
}

/// Builds the RPC module with every method. `hub` must be fed by [`subs::run`].
pub fn module(
    shared: Arc<Shared>,
    limits: RpcLimits,
    hub: Arc<Hub>,
) -> Result<RpcModule<Ctx>, jsonrpsee::core::RegisterMethodError> {
    let metadata_hex: Arc<str> = Arc::from(hex0x(shared.runtime.metadata(14).unwrap_or_default()));
    let mut m = RpcModule::new(Ctx {
        shared,
        limits,
        heavy: Arc::new(Semaphore::new(limits.heavy_calls.max(1))),
        hub,
        metadata_hex,
    });

    // ---- system ---------------------------------------------------------------------------
    m.register_method("system_chain", |_, _, _| "Bittensor")?;
    m.register_method("system_name", |_, _, _| "cortex-node")?;
    m.register_method("system_version", |_, _, _| env!("CARGO_PKG_VERSION"))?;
    m.register_method("system_chainType", |_, _, _| "Development")?;
    m.register_method(
        "system_properties",
        |_, _, _| json!({ "ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO" }),
    )?;
    m.register_method(
        "system_health",
        |_, _, _| json!({ "peers": 0, "isSyncing": false, "shouldHavePeers": false }),
    )?;
    m.register_async_method("system_accountNextIndex", |params, ctx, _| async move {
        let p = positional(params.as_str())?;
        let who: String = req(&p, 0)?;
        let who = parse_account(&who)?;
        ask(&ctx.shared, |reply| Request::NextIndex { who, reply }).await
    })?;
    m.register_alias("account_nextIndex", "system_accountNextIndex")?;

    // ---- chain ----------------------------------------------------------------------------
    register_heavy(&mut m, "chain_getBlockHash", block_hashes)?;
    m.register_alias("chain_getHead", "chain_getBlockHash")?;
    m.register_method("chain_getFinalizedHead", |_, ctx, _| {
        hex0x(&ctx.shared.head().hash)
    })?;
    m.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;
    register_heavy(&mut m, "chain_getHeader", |ctx, p| {
        let at: Option<String> = opt(p, 0)?;
        let header = match at {
            None => Some(ctx.shared.head().header),
            Some(h) => {
                let hash = parse_hash(&h)?;
                match ctx.shared.store.number_of(&hash) {
                    Ok(Some(n)) => header_at(&ctx.shared, n)?,
                    _ => None,
                }
            }
        };
        Ok(header.map_or(Value::Null, |h| h.to_json()))
    })?;
    register_heavy(&mut m, "chain_getBlock", |ctx, p| {
        let at: Option<String> = opt(p, 0)?;
        let number = match at {
            None => Some(ctx.shared.head().header.number()),
            Some(h) => {
                let hash = parse_hash(&h)?;
                ctx.shared.store.number_of(&hash).ok().flatten()
            }
        };
        let Some(number) = number else {
            return Ok(Value::Null);
        };
        let Some(header) = header_at(&ctx.shared, number)? else {
            return Ok(Value::Null);
        };
        let body = check::read_body(&ctx.shared.store, number, &header)
            .map_err(|e| client_error(format!("Client error: {e}")))?;
        let Some(body) = body else {
            return Ok(Value::Null);
        };
        let size: usize = body.iter().map(|x| x.len().saturating_mul(2)).sum();
        if size > ctx.limits.max_response_bytes {
            return Err(too_big(ctx.limits.max_response_bytes));
        }
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
    register_heavy(&mut m, "state_getStorage", |ctx, p| {
        let key: String = req(p, 0)?;
        let at: Option<String> = opt(p, 1)?;
        let key = parse_hex(&key, "the storage key")?;
        let (n, hash) = resolve(&ctx.shared, at)?;
        let view = ctx
            .shared
            .store
            .state_at(n)
            .map_err(|e| store_error(e, &hash))?;
        let value = view.get(&key).map_err(|e| store_error(e, &hash))?;
        let mut out = Out::new(ctx.limits.max_response_bytes);
        match value {
            Some(v) => out.push_hex(&v)?,
            None => out.push("null")?,
        }
        out.finish()
    })?;
    m.register_alias("state_getStorageAt", "state_getStorage")?;
    register_heavy(&mut m, "state_queryStorageAt", query_storage_at)?;
    register_heavy(&mut m, "state_getKeysPaged", |ctx, p| {
        let prefix: Option<String> = opt(p, 0)?;
        let count: u32 = req(p, 1)?;
        let start: Option<String> = opt(p, 2)?;
        let at: Option<String> = opt(p, 3)?;
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
        let (n, hash) = resolve(&ctx.shared, at)?;
        let view = ctx
            .shared
            .store
            .state_at(n)
            .map_err(|e| store_error(e, &hash))?;
        let keys = view
            .keys_paged(&prefix, count as usize, start.as_deref())
            .map_err(|e| store_error(e, &hash))?;
        Ok(keys.iter().map(|k| hex0x(k)).collect::<Vec<_>>())
    })?;
    m.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    register_heavy(&mut m, "state_getKeys", |ctx, p| {
        let prefix: String = req(p, 0)?;
        let at: Option<String> = opt(p, 1)?;
        let prefix = parse_hex(&prefix, "the key prefix")?;
        let (n, hash) = resolve(&ctx.shared, at)?;
        let view = ctx
            .shared
            .store
            .state_at(n)
            .map_err(|e| store_error(e, &hash))?;
        let max = ctx.limits.max_items;
        let keys = view
            .keys_paged(&prefix, max.saturating_add(1), None)
            .map_err(|e| store_error(e, &hash))?;
        if keys.len() > max {
            return Err(invalid_params(format!(
                "more than {max} keys under this prefix; page through them with state_getKeysPaged"
            )));
        }
        Ok(keys.iter().map(|k| hex0x(k)).collect::<Vec<_>>())
    })?;
    register_heavy(&mut m, "state_getRuntimeVersion", |ctx, p| {
        let at: Option<String> = opt(p, 0)?;
        resolve(&ctx.shared, at)?;
        Ok(runtime_version_json(&ctx.shared))
    })?;
    m.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;
    register_heavy(&mut m, "state_getMetadata", |ctx, p| {
        let at: Option<String> = opt(p, 0)?;
        resolve(&ctx.shared, at)?;
        Ok(ctx.metadata_hex.to_string())
    })?;
    m.register_async_method("state_call", |params, ctx, _| async move {
        let (method, input, n, hash) = heavy(&ctx, move |c| {
            let p = positional(params.as_str())?;
            let method: String = req(&p, 0)?;
            let data: String = req(&p, 1)?;
            let at: Option<String> = opt(&p, 2)?;
            let input = parse_hex(&data, "the call data")?;
            let (n, hash) = resolve(&c.shared, at)?;
            Ok((method, input, n, hash))
        })
        .await?;
        let at = if n == ctx.shared.head().header.number() {
            None
        } else {
            Some(n)
        };
        let result = ask(&ctx.shared, |reply| Request::RuntimeApi {
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
        |_params, pending, ctx, _| async move {
            let sink = pending.accept().await?;
            if send(&ctx, &sink, raw_json(&runtime_version_json(&ctx.shared))).await {
                // The runtime never changes while the node runs: hold the subscription open.
                sink.closed().await;
            }
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
        |params, pending, ctx, _| async move {
            let max = ctx.limits.max_items;
            let parsed = positional(params.as_str()).and_then(|p| {
                let keys = match p.first() {
                    Some(raw) => bounded_list::<String>(raw, max, "storage keys")?,
                    None => None,
                };
                keys.map(|keys| {
                    keys.iter()
                        .map(|k| parse_hex(k, "a storage key"))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()
            });
            let keys = match parsed {
                Ok(k) => k,
                Err(e) => {
                    pending.reject(e).await;
                    return SubscriptionResult::Ok(());
                }
            };
            // Registered before the first read, so that no block falls between the two.
            let mut reg = match ctx.hub.register(keys.clone()) {
                Ok(r) => r,
                Err(e) => {
                    pending
                        .reject(ErrorObjectOwned::owned(
                            CLIENT_ERROR,
                            e.to_string(),
                            None::<()>,
                        ))
                        .await;
                    return SubscriptionResult::Ok(());
                }
            };
            let sink = pending.accept().await?;
            if let Some(keys) = keys.filter(|k| !k.is_empty()) {
                let first = heavy(&ctx, move |c| initial_storage(c, &keys)).await;
                let first = first.ok().and_then(|n| subs::raw(&n));
                if !send(&ctx, &sink, first).await {
                    return SubscriptionResult::Ok(());
                }
            }
            loop {
                tokio::select! {
                    _ = sink.closed() => break,
                    note = reg.rx.recv() => match note {
                        Some(note) => {
                            if !send(&ctx, &sink, subs::raw(&note)).await {
                                break;
                            }
                        }
                        // The hub dropped it: its queue was full.
                        None => break,
                    },
                }
            }
            SubscriptionResult::Ok(())
        },
    )?;

    // ---- author ---------------------------------------------------------------------------
    m.register_async_method("author_submitExtrinsic", |params, ctx, _| async move {
        let p = positional(params.as_str())?;
        let xt: String = req(&p, 0)?;
        submit(&ctx, xt, None).await.map(|h| hex0x(&h))
    })?;
    m.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, ctx, _| async move {
            let xt: String = match positional(params.as_str()).and_then(|p| req(&p, 0)) {
                Ok(x) => x,
                Err(e) => {
                    pending.reject(e).await;
                    return SubscriptionResult::Ok(());
                }
            };
            // At most a handful of statuses per transaction: the channel is bounded by the
            // transaction's life, not by the client.
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            // A rejected transaction is an error on this request, not a notification.
            if let Err(e) = submit(&ctx, xt, Some(tx)).await {
                pending.reject(e).await;
                return SubscriptionResult::Ok(());
            }
            let sink = pending.accept().await?;
            loop {
                tokio::select! {
                    _ = sink.closed() => break,
                    status = rx.recv() => {
                        let Some(status) = status else { break };
                        if !send(&ctx, &sink, raw_json(&status_json(&status))).await
                            || status.is_final()
                        {
                            break;
                        }
                    }
                }
            }
            SubscriptionResult::Ok(())
        },
    )?;
    m.register_async_method("author_pendingExtrinsics", |_, ctx, _| async move {
        let pending = ask(&ctx.shared, |reply| Request::Pending { reply }).await?;
        Ok::<Vec<String>, ErrorObjectOwned>(pending.iter().map(|x| hex0x(x)).collect())
    })?;

    // ---- payment --------------------------------------------------------------------------
    register_heavy(&mut m, "payment_queryInfo", |ctx, p| {
        let xt: String = req(p, 0)?;
        let at: Option<String> = opt(p, 1)?;
        resolve(&ctx.shared, at)?;
        let bytes = parse_hex(&xt, "the extrinsic")?;
        let decoded = UncheckedExtrinsic::decode_bytes(&bytes).map_err(|e| {
            ErrorObjectOwned::owned(
                BAD_FORMAT,
                "Extrinsic has invalid format",
                Some(e.to_string()),
            )
        })?;
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let info = ctx.shared.runtime.query_info(&decoded.call, len);
        let class = match info.class {
            DispatchClass::Normal => "normal",
            DispatchClass::Operational => "operational",
            DispatchClass::Mandatory => "mandatory",
        };
        Ok(json!({
            "weight": { "ref_time": info.weight.ref_time, "proof_size": info.weight.proof_size },
            "class": class,
            "partialFee": info.partial_fee.to_string(),
        }))
    })?;

    // ---- rpc_methods, last, so that it lists everything --------------------------------------
    let mut names: Vec<&'static str> = m.method_names().collect();
    names.push("rpc_methods");
    names.sort_unstable();
    m.register_method(
        "rpc_methods",
        move |_, _, _| json!({ "version": 1, "methods": names }),
    )?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn lists_past_the_bound_are_refused_while_parsed() {
        let ok = bounded_list::<u32>(&raw("[1,2,3]"), 3, "numbers").unwrap();
        assert_eq!(ok, Some(vec![1, 2, 3]));
        let e = bounded_list::<u32>(&raw("[1,2,3,4]"), 3, "numbers").unwrap_err();
        assert!(e.message().contains("more than 3 numbers"), "{e:?}");
        assert_eq!(
            bounded_list::<u32>(&raw("null"), 3, "numbers").unwrap(),
            None
        );
        assert!(bounded_list::<u32>(&raw("{}"), 3, "numbers").is_err());
    }

    #[test]
    fn positional_parameters_are_an_array_of_at_most_eight() {
        assert!(positional(None).unwrap().is_empty());
        assert!(positional(Some("null")).unwrap().is_empty());
        assert_eq!(positional(Some("[1, \"a\", null]")).unwrap().len(), 3);
        assert!(positional(Some("[1,2,3,4,5,6,7,8,9]")).is_err());
        assert!(positional(Some("{\"a\":1}")).is_err());
        assert!(positional(Some("[1,")).is_err());
    }

    #[test]
    fn block_numbers_are_numbers_or_0x_hex() {
        assert_eq!(block_number(&json!(5)).unwrap(), Some(5));
        assert_eq!(block_number(&json!("0x10")).unwrap(), Some(16));
        assert_eq!(block_number(&Value::Null).unwrap(), None);
        for bad in [
            json!("abc"),
            json!("10"),
            json!(-1),
            json!(1.5),
            json!({}),
            json!(1u64 << 33),
        ] {
            assert!(block_number(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_are_refused_as_soon_as_they_pass_the_limit() {
        let mut out = Out::new(10);
        out.push("[").unwrap();
        assert_eq!(out.push_hex(&[0; 8]).unwrap_err().code(), TOO_BIG);
        let mut out = Out::new(100);
        out.push_hex(&[0xab]).unwrap();
        assert_eq!(out.finish().unwrap().get(), "\"0xab\"");
    }
}
