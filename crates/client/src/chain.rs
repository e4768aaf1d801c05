//! [`Client`]: a connection plus what signing needs from the chain (genesis hash, runtime
//! version), read lazily so that a read-only command costs one round trip.
//!
//! The raw reads live here: heads and blocks, storage, `state_call`, events.

use crate::error::ClientError;
use crate::rpc::{Rpc, RpcConfig, from_hex, hash_from_hex, hex0x};
use codec::Decode;
use cortex_primitives::AccountId32;
use cortex_runtime::types::EventRecord;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tokio::sync::{Mutex, OnceCell};

/// What every signed extrinsic commits to: the chain and its runtime's versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainIdentity {
    /// Block 0's hash (`CheckGenesis`).
    pub genesis_hash: [u8; 32],
    /// `CheckSpecVersion`.
    pub spec_version: u32,
    /// `CheckTxVersion`.
    pub transaction_version: u32,
}

/// A block header's fields the client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderInfo {
    /// Its number.
    pub number: u32,
    /// Its parent's hash.
    pub parent_hash: [u8; 32],
}

/// A connected client of one node.
#[derive(Debug)]
pub struct Client {
    pub(crate) rpc: Rpc,
    identity: OnceCell<ChainIdentity>,
    /// Each signer's next nonce as this client knows it (see [`crate::tx`]).
    pub(crate) nonces: Mutex<BTreeMap<AccountId32, u32>>,
    /// The last best block read for a mortal era's birth, and when (see [`crate::tx`]).
    pub(crate) birth: Mutex<Option<(std::time::Instant, u32, [u8; 32])>>,
}

impl Client {
    /// Connects to the node at `url` with the default timeouts.
    pub async fn connect(url: &str) -> Result<Client, ClientError> {
        Client::connect_with(url, RpcConfig::default()).await
    }

    /// Connects with explicit timeouts.
    pub async fn connect_with(url: &str, config: RpcConfig) -> Result<Client, ClientError> {
        Ok(Client {
            rpc: Rpc::connect(url, config).await?,
            identity: OnceCell::new(),
            nonces: Mutex::new(BTreeMap::new()),
            birth: Mutex::new(None),
        })
    }

    /// The JSON-RPC connection, for methods this client has no typed wrapper for.
    pub fn rpc(&self) -> &Rpc {
        &self.rpc
    }

    /// The chain's genesis hash and runtime versions (read once).
    pub async fn identity(&self) -> Result<ChainIdentity, ClientError> {
        self.identity
            .get_or_try_init(|| async {
                let genesis = self
                    .block_hash(0)
                    .await?
                    .ok_or_else(|| ClientError::Decode {
                        what: "chain_getBlockHash(0)".into(),
                        reason: "the node has no genesis block".into(),
                    })?;
                let version: Value = self.rpc.request("state_getRuntimeVersion", &[]).await?;
                let field = |name: &str| {
                    version
                        .get(name)
                        .and_then(Value::as_u64)
                        .and_then(|v| u32::try_from(v).ok())
                        .ok_or_else(|| ClientError::Decode {
                            what: "state_getRuntimeVersion".into(),
                            reason: format!("no {name}"),
                        })
                };
                Ok(ChainIdentity {
                    genesis_hash: genesis,
                    spec_version: field("specVersion")?,
                    transaction_version: field("transactionVersion")?,
                })
            })
            .await
            .copied()
    }

    /// The hash of block `number`, if the chain has it.
    pub async fn block_hash(&self, number: u32) -> Result<Option<[u8; 32]>, ClientError> {
        let answer: Option<String> = self
            .rpc
            .request("chain_getBlockHash", &[json!(number)])
            .await?;
        answer
            .map(|h| hash_from_hex("chain_getBlockHash", &h))
            .transpose()
    }

    /// The best block's hash.
    pub async fn best_hash(&self) -> Result<[u8; 32], ClientError> {
        let h: String = self.rpc.request("chain_getBlockHash", &[]).await?;
        hash_from_hex("chain_getBlockHash", &h)
    }

    /// The finalized head's hash.
    pub async fn finalized_hash(&self) -> Result<[u8; 32], ClientError> {
        let h: String = self.rpc.request("chain_getFinalizedHead", &[]).await?;
        hash_from_hex("chain_getFinalizedHead", &h)
    }

    /// The header of `at` (the best block when `None`).
    pub async fn header(&self, at: Option<[u8; 32]>) -> Result<HeaderInfo, ClientError> {
        let params = match at {
            Some(h) => vec![json!(hex0x(&h))],
            None => vec![],
        };
        let header: Value = self.rpc.request("chain_getHeader", &params).await?;
        let bad = |reason: &str| ClientError::Decode {
            what: "chain_getHeader".into(),
            reason: reason.into(),
        };
        let number = header
            .get("number")
            .and_then(Value::as_str)
            .and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| bad("no hex number"))?;
        let parent = header
            .get("parentHash")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no parentHash"))?;
        Ok(HeaderInfo {
            number,
            parent_hash: hash_from_hex("chain_getHeader", parent)?,
        })
    }

    /// The best block's number.
    pub async fn best_number(&self) -> Result<u32, ClientError> {
        Ok(self.header(None).await?.number)
    }

    /// The finalized head's number.
    pub async fn finalized_number(&self) -> Result<u32, ClientError> {
        let hash = self.finalized_hash().await?;
        Ok(self.header(Some(hash)).await?.number)
    }

    /// The extrinsics of block `hash`, each as its full encoding.
    pub async fn block_extrinsics(&self, hash: [u8; 32]) -> Result<Vec<Vec<u8>>, ClientError> {
        let block: Value = self
            .rpc
            .request("chain_getBlock", &[json!(hex0x(&hash))])
            .await?;
        let list = block
            .pointer("/block/extrinsics")
            .and_then(Value::as_array)
            .ok_or_else(|| ClientError::Decode {
                what: "chain_getBlock".into(),
                reason: "no block.extrinsics".into(),
            })?;
        list.iter()
            .map(|x| from_hex("chain_getBlock", x.as_str().unwrap_or_default()))
            .collect()
    }

    /// The raw value at storage `key` in the state of `at` (the best block when `None`).
    pub async fn storage(
        &self,
        key: &[u8],
        at: Option<[u8; 32]>,
    ) -> Result<Option<Vec<u8>>, ClientError> {
        let mut params = vec![json!(hex0x(key))];
        if let Some(h) = at {
            params.push(json!(hex0x(&h)));
        }
        let answer: Option<String> = self.rpc.request("state_getStorage", &params).await?;
        answer.map(|v| from_hex("state_getStorage", &v)).transpose()
    }

    /// The value at `key` decoded as `T` (`None` when absent).
    pub async fn storage_decoded<T: Decode>(
        &self,
        what: &str,
        key: &[u8],
        at: Option<[u8; 32]>,
    ) -> Result<Option<T>, ClientError> {
        match self.storage(key, at).await? {
            None => Ok(None),
            Some(bytes) => decode_all(what, &bytes).map(Some),
        }
    }

    /// Calls runtime API `method` (`SubnetInfoRuntimeApi_get_metagraph`) with SCALE `args`
    /// and decodes the answer as `T`.
    pub async fn state_call<T: Decode>(
        &self,
        method: &str,
        args: &[u8],
        at: Option<[u8; 32]>,
    ) -> Result<T, ClientError> {
        let mut params = vec![json!(method), json!(hex0x(args))];
        if let Some(h) = at {
            params.push(json!(hex0x(&h)));
        }
        let answer: String = self.rpc.request("state_call", &params).await?;
        let bytes = from_hex(method, &answer)?;
        decode_all(method, &bytes)
    }

    /// The events of block `hash` (`System.Events` in its state).
    pub async fn events(&self, hash: [u8; 32]) -> Result<Vec<EventRecord>, ClientError> {
        Ok(self
            .storage_decoded("System.Events", &cortex_runtime::keys::events(), Some(hash))
            .await?
            .unwrap_or_default())
    }
}

/// Decodes `bytes` as exactly one `T`.
pub(crate) fn decode_all<T: Decode>(what: &str, bytes: &[u8]) -> Result<T, ClientError> {
    let mut input = bytes;
    let value = T::decode(&mut input).map_err(|e| ClientError::Decode {
        what: what.to_string(),
        reason: e.to_string(),
    })?;
    if !input.is_empty() {
        return Err(ClientError::Decode {
            what: what.to_string(),
            reason: format!("{} bytes left over", input.len()),
        });
    }
    Ok(value)
}

/// A block the chain finalized: its number and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalizedBlock {
    /// Its number.
    pub number: u32,
    /// Its hash.
    pub hash: [u8; 32],
}

/// Finalized heads, one per block and none skipped, across reconnects: when the subscription
/// ends (the connection dropped, the node restarted), the next call resubscribes and first
/// yields the blocks finalized meanwhile.
#[derive(Debug)]
pub struct FinalizedHeads<'a> {
    client: &'a Client,
    subscription: Option<jsonrpsee::core::client::Subscription<Value>>,
    /// The last number yielded.
    last: Option<u32>,
    /// Blocks known finalized but not yet yielded (filled after a gap).
    pending_to: Option<u32>,
}

impl Client {
    /// Follows the finalized head (`chain_subscribeFinalizedHeads`), resubscribing after a
    /// reconnect; see [`FinalizedHeads`].
    pub fn finalized_heads(&self) -> FinalizedHeads<'_> {
        FinalizedHeads {
            client: self,
            subscription: None,
            last: None,
            pending_to: None,
        }
    }
}

impl FinalizedHeads<'_> {
    /// The next finalized block; waits for it. Fails only when the node stays unreachable past
    /// the client's reconnect window.
    pub async fn next(&mut self) -> Result<FinalizedBlock, ClientError> {
        loop {
            // Fill a gap first (blocks finalized while the subscription was down).
            if let (Some(last), Some(to)) = (self.last, self.pending_to) {
                if last < to {
                    let number = last.saturating_add(1);
                    return self.yield_number(number).await;
                }
                self.pending_to = None;
            }
            if self.subscription.is_none() {
                self.subscription = Some(
                    self.client
                        .rpc
                        .subscribe(
                            "chain_subscribeFinalizedHeads",
                            &[],
                            "chain_unsubscribeFinalizedHeads",
                        )
                        .await?,
                );
            }
            let Some(sub) = self.subscription.as_mut() else {
                continue;
            };
            match sub.next().await {
                Some(Ok(header)) => {
                    let number = header
                        .get("number")
                        .and_then(Value::as_str)
                        .and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
                        .ok_or_else(|| ClientError::Decode {
                            what: "chain_subscribeFinalizedHeads".into(),
                            reason: "a header without a hex number".into(),
                        })?;
                    match self.last {
                        Some(last) if number <= last => continue,
                        Some(last) if number > last.saturating_add(1) => {
                            self.pending_to = Some(number);
                            continue;
                        }
                        _ => return self.yield_number(number).await,
                    }
                }
                // Ended or undecodable: the connection is gone; resubscribe on the next turn.
                _ => {
                    tracing::info!("finalized-head subscription ended; resubscribing");
                    self.subscription = None;
                }
            }
        }
    }

    async fn yield_number(&mut self, number: u32) -> Result<FinalizedBlock, ClientError> {
        let hash = self
            .client
            .block_hash(number)
            .await?
            .ok_or_else(|| ClientError::Decode {
                what: "chain_getBlockHash".into(),
                reason: format!("the node announced block {number} but has no hash for it"),
            })?;
        self.last = Some(number);
        Ok(FinalizedBlock { number, hash })
    }
}
