//! Shared helpers for the node's integration tests: JSON-RPC calls through `cortex-client`
//! (the SDK's WebSocket client, so the tests exercise the node as programs use it), raw HTTP/1.1
//! POSTs on a std `TcpStream` for the requests no client would send (run on tokio's blocking
//! pool so the node's own tasks keep the async workers), dev-chain nodes, and signed transfers
//! built the way clients build them.

#![allow(dead_code)]

use cortex_client::{Client, ClientError};
use cortex_node::{BlockTime, Node, NodeConfig};
use cortex_primitives::{AccountId32, Sr25519Pair};
use cortex_runtime::types::EventRecord;
use cortex_runtime::types::MultiAddress;
use cortex_runtime::types::{BalancesCall, RuntimeCall};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// One TAO in rao.
pub const TAO: u64 = 1_000_000_000;
/// Every dev account's genesis balance.
pub const DEV_BALANCE: u64 = 1_000_000 * TAO;

/// Starts a dev node on a free port with blocks every `block_ms` milliseconds.
pub async fn dev_node(block_ms: u64) -> Node {
    let mut cfg = NodeConfig::dev("127.0.0.1:0".parse().unwrap());
    cfg.block_time = Some(BlockTime::Every(Duration::from_millis(block_ms)));
    cortex_node::start(cfg).await.unwrap()
}

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    /// `error.code`.
    pub code: i64,
    /// `error.message`.
    pub message: String,
    /// `error.data`, if any: a JSON string's text, else the JSON itself (as
    /// [`ClientError::Rpc`] carries it).
    pub data: Option<String>,
}

impl RpcError {
    /// Asserts the code, the message and the data (as a JSON string, or absent/null).
    #[track_caller]
    pub fn assert_is(&self, code: i64, message: &str, data: Option<&str>) {
        assert_eq!(self.code, code, "code of {self:?}");
        assert_eq!(self.message, message, "message of {self:?}");
        match data {
            Some(d) => assert_eq!(self.data.as_deref(), Some(d), "data of {self:?}"),
            None => assert!(
                self.data.is_none() || self.data.as_deref() == Some("null"),
                "no data expected in {self:?}"
            ),
        }
    }

    /// Whether `error.data` is an explanation in words (a JSON string), not a JSON value.
    pub fn data_is_text(&self) -> bool {
        self.data
            .as_deref()
            .is_some_and(|d| serde_json::from_str::<Value>(d).is_err())
    }
}

/// Sends one HTTP/1.1 POST with `body` and returns `(status, response body)`.
fn post_blocking(addr: SocketAddr, body: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP response has a header block");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("an HTTP status line");
    let raw = &response[split + 4..];
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(raw)
    } else {
        raw.to_vec()
    };
    (status, body)
}

/// Decodes a chunked HTTP body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// A JSON-RPC client of one node: `cortex_client`'s WebSocket connection (opened on first
/// use, shared by clones), plus raw HTTP POSTs for the requests that are malformed on purpose.
#[derive(Clone, Debug)]
pub struct Rpc {
    /// The node's RPC address.
    pub addr: SocketAddr,
    client: Arc<OnceCell<Client>>,
}

impl Rpc {
    /// A client for `node`.
    pub fn new(node: &Node) -> Rpc {
        Rpc {
            addr: node.rpc_addr,
            client: Arc::new(OnceCell::new()),
        }
    }

    /// The SDK's client, connected on first use.
    pub async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async {
                Client::connect(&format!("ws://{}", self.addr))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .await
    }

    /// POSTs `body` as is (bytes no client would send: broken JSON, batches); returns the HTTP
    /// status and the body parsed as JSON.
    pub async fn raw(&self, body: &str) -> (u16, Value) {
        let addr = self.addr;
        let body = body.to_string();
        let (status, bytes) = tokio::task::spawn_blocking(move || post_blocking(addr, &body))
            .await
            .unwrap();
        let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "HTTP {status}: the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (status, value)
    }

    /// Calls `method` with `params` (a JSON array); `Err` carries the JSON-RPC error object.
    /// Any other failure (the node gone, a timeout) fails the test.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let params = match params {
            Value::Array(list) => list,
            other => panic!("{method}: positional parameters are a JSON array, not {other}"),
        };
        match self.client().await.rpc().request(method, &params).await {
            Ok(v) => Ok(v),
            Err(ClientError::Rpc {
                code,
                message,
                data,
                ..
            }) => Err(RpcError {
                code: i64::from(code),
                message,
                data,
            }),
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// Calls `method`, which must succeed.
    pub async fn ok(&self, method: &str, params: Value) -> Value {
        match self.call(method, params).await {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {e:?}"),
        }
    }

    /// Calls `method`, which must fail.
    pub async fn err(&self, method: &str, params: Value) -> RpcError {
        match self.call(method, params).await {
            Ok(v) => panic!("{method} succeeded with {v} but an error was expected"),
            Err(e) => e,
        }
    }

    /// The head's number, via `chain_getHeader` (so this also proves the node still answers).
    pub async fn head(&self) -> u32 {
        self.client().await.best_number().await.unwrap()
    }

    /// Asserts the node still answers `chain_getHeader` with a well-formed header.
    pub async fn assert_alive(&self) {
        let header = self.ok("chain_getHeader", json!([null])).await;
        assert!(header["parentHash"].as_str().unwrap().starts_with("0x"));
        assert!(header["number"].as_str().unwrap().starts_with("0x"));
    }

    /// Waits until the head is at least `n`.
    pub async fn wait_for_head(&self, n: u32) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let head = self.head().await;
            if head >= n {
                return head;
            }
            assert!(Instant::now() < deadline, "the head stayed at {head} < {n}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The hash of block `n`.
    pub async fn block_hash(&self, n: u32) -> [u8; 32] {
        self.client()
            .await
            .block_hash(n)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no block {n}"))
    }

    /// `System.Account` of `who` at the head (the default when absent).
    pub async fn account(&self, who: &AccountId32) -> cortex_runtime::types::AccountInfo {
        self.client().await.account(who).await.unwrap()
    }

    /// The free balance of `who` at the head.
    pub async fn free(&self, who: &AccountId32) -> u64 {
        self.account(who).await.data.free
    }

    /// `author_submitExtrinsic` of `bytes`.
    pub async fn submit(&self, bytes: &[u8]) -> Result<Value, RpcError> {
        self.call("author_submitExtrinsic", json!([hex0x(bytes)]))
            .await
    }

    /// Waits until `who`'s on-chain nonce is at least `nonce`.
    pub async fn wait_for_nonce(&self, who: &AccountId32, nonce: u32) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let now = self.account(who).await.nonce;
            if now >= nonce {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the nonce stayed at {now} < {nonce}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Scans blocks from `from` on until one holds the extrinsic `bytes`; returns that block's
    /// number, hash and the extrinsic's index in it.
    pub async fn wait_for_inclusion(&self, bytes: &[u8], from: u32) -> (u32, [u8; 32], usize) {
        let client = self.client().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut n = from;
        loop {
            while n <= self.head().await {
                let hash = self.block_hash(n).await;
                let xts = client.block_extrinsics(hash).await.unwrap();
                if let Some(i) = xts.iter().position(|x| x.as_slice() == bytes) {
                    return (n, hash, i);
                }
                n += 1;
            }
            assert!(Instant::now() < deadline, "not included by block {n}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// `System.Events` at block `hash`.
    pub async fn events_at(&self, hash: &[u8; 32]) -> Vec<EventRecord> {
        self.client().await.events(*hash).await.unwrap()
    }

    /// The pool's extrinsics as hex.
    pub async fn pending(&self) -> Vec<String> {
        let v = self.ok("author_pendingExtrinsics", json!([])).await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }
}

/// Lowercase `0x` hex.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Bytes of `0x` hex.
pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

/// A 32-byte hash of `0x` hex.
pub fn hash_from_hex(s: &str) -> [u8; 32] {
    unhex(s).try_into().unwrap()
}

/// The key pair of a dev URI such as `//Alice`.
pub fn pair(uri: &str) -> Sr25519Pair {
    Sr25519Pair::from_uri(uri).unwrap()
}

/// The account of a dev URI.
pub fn account(uri: &str) -> AccountId32 {
    pair(uri).public()
}

/// `Balances.transfer_keep_alive(dest, value)`.
pub fn transfer(dest: AccountId32, value: u64) -> RuntimeCall {
    RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: MultiAddress::Id(dest),
        value,
    })
}

/// Signs `call` as a client does, with `nonce`, `era` (whose birth block hash is `birth_hash`;
/// ignored when immortal), no tip and metadata-hash mode off, for the chain `genesis`.
pub fn sign(
    signer: &Sr25519Pair,
    call: RuntimeCall,
    nonce: u32,
    era: Era,
    genesis: [u8; 32],
    birth_hash: [u8; 32],
) -> UncheckedExtrinsic {
    UncheckedExtrinsic::sign_sr25519(
        call,
        signer,
        SignedExtra::new(era, nonce),
        &AdditionalSigned::new(era, genesis, birth_hash),
    )
}

/// An immortal `transfer_keep_alive` from `from` to `to` of `value` rao with `nonce`.
pub fn immortal_transfer(
    from: &Sr25519Pair,
    to: AccountId32,
    value: u64,
    nonce: u32,
    genesis: [u8; 32],
) -> Vec<u8> {
    sign(
        from,
        transfer(to, value),
        nonce,
        Era::Immortal,
        genesis,
        genesis,
    )
    .to_bytes()
}
