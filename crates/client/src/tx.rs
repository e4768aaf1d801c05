//! Signed extrinsics: built with the runtime's own [`RuntimeCall`] and signing payload (no second
//! copy of the encoding), nonces managed for several transactions in flight, and the wait for a
//! block that never hangs.
//!
//! # Nonces
//! The first transaction of a signer reads `account_nextIndex` (which counts the node's pool);
//! the next ones count up locally, so a thousand transfers signed back to back need one read.
//! When the node refuses one (stale or future nonce, or any other refusal but a full pool,
//! after which the same bytes are to be sent again), the signer's count is forgotten and read
//! again next time.
//!
//! # Waiting
//! [`Client::submit_and_watch`] subscribes to `author_submitAndWatchExtrinsic` and returns at
//! `inBlock` (or `finalized`, as asked). If the connection drops during the watch (the node
//! restarted, say), it reconnects and resumes: it looks for the extrinsic's hash in every block
//! since the submission, submits the same bytes again if no block has it (a node that restarted
//! lost its pool; the same nonce means it cannot land twice), and keeps looking until
//! [`TxOptions::timeout`]. So a watch ends with the outcome or with an error within its timeout:
//! [`ClientError::Disconnected`] (naming the node's URL and the transaction) when the node never
//! answered again, [`ClientError::WatchTimeout`] when it did but no block had the transaction.
//! The outcome comes from the block's events: `ExtrinsicFailed` (or a failed `Sudo.Sudid`)
//! becomes [`ClientError::Chain`] with the pallet, the error and its docs.

use crate::chain::Client;
use crate::error::{ChainError, ClientError};
use crate::rpc::{hash_from_hex, hex0x};
use cortex_primitives::{AccountId32, Sr25519Pair};
use cortex_runtime::types::{
    DispatchError, Phase, RuntimeCall, RuntimeEvent, SudoEvent, SystemEvent,
    TransactionPaymentEvent,
};
use cortex_runtime::{AdditionalSigned, Era, SignedExtra, UncheckedExtrinsic, extrinsic_hash};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// How far to wait after submitting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Until a block includes it.
    InBlock,
    /// Until a finalized block includes it (the same on the dev chain).
    Finalized,
}

/// How a transaction is signed and awaited.
#[derive(Clone, Copy, Debug)]
pub struct TxOptions {
    /// The wait.
    pub wait: Wait,
    /// Mortal for this many blocks (rounded up to a power of two), or immortal when `None`.
    pub mortal_for: Option<u64>,
    /// How long the wait may take in all.
    pub timeout: Duration,
}

impl Default for TxOptions {
    /// Included, mortal for 64 blocks (a stale transaction cannot linger), 60 s.
    fn default() -> TxOptions {
        TxOptions {
            wait: Wait::InBlock,
            mortal_for: Some(64),
            timeout: Duration::from_secs(60),
        }
    }
}

/// A signed extrinsic ready to submit.
#[derive(Clone, Debug)]
pub struct SignedTx {
    /// Its encoding, length prefix included.
    pub bytes: Vec<u8>,
    /// Its hash (what the node returns and blocks list).
    pub hash: [u8; 32],
    /// The signer.
    pub signer: AccountId32,
    /// The nonce it uses.
    pub nonce: u32,
}

/// A transaction a block included, with its events.
#[derive(Clone, Debug)]
pub struct Included {
    /// The extrinsic hash.
    pub hash: [u8; 32],
    /// The block's hash.
    pub block_hash: [u8; 32],
    /// The block's number.
    pub block_number: u32,
    /// The extrinsic's index in the block.
    pub index: u32,
    /// Its events, in order (the final `ExtrinsicSuccess` included).
    pub events: Vec<RuntimeEvent>,
    /// The fee it paid (`TransactionPayment.TransactionFeePaid`), in rao.
    pub fee_rao: u64,
}

impl Included {
    /// `0x…` of the extrinsic hash.
    pub fn hash_hex(&self) -> String {
        hex0x(&self.hash)
    }

    /// `0x…` of the block hash.
    pub fn block_hash_hex(&self) -> String {
        hex0x(&self.block_hash)
    }
}

/// How long a best block read for a mortal era's birth is reused.
const BIRTH_REUSE: Duration = Duration::from_millis(500);

/// Whether an RPC error is the pool saying it already has these exact bytes.
fn already_imported(e: &ClientError) -> bool {
    matches!(e, ClientError::Rpc { code: 1013, .. })
}

/// Whether an RPC error is a stale nonce (the transaction, or another with its nonce, landed).
fn stale(e: &ClientError) -> bool {
    matches!(e, ClientError::Rpc { code: 1010, data: Some(d), .. } if d.contains("outdated"))
}

impl Client {
    /// The next nonce for `who`: the local count, else the node's `account_nextIndex`.
    pub async fn next_nonce(&self, who: &AccountId32) -> Result<u32, ClientError> {
        if let Some(n) = self.nonces.lock().await.get(who) {
            return Ok(*n);
        }
        let n: u32 = self
            .rpc
            .request("system_accountNextIndex", &[json!(who.to_ss58(42))])
            .await?;
        self.nonces.lock().await.entry(*who).or_insert(n);
        Ok(n)
    }

    /// Forgets `who`'s local nonce count (after a refusal), so the next use reads the node's.
    pub async fn reset_nonce(&self, who: &AccountId32) {
        self.nonces.lock().await.remove(who);
    }

    /// The best block (number and hash) as read at most [`BIRTH_REUSE`] ago. A mortal era is
    /// born at the best block; signing a burst of transactions would otherwise cost two reads
    /// each. A birth up to half a second old shortens the era by those blocks, nothing more.
    async fn recent_best(&self) -> Result<(u32, [u8; 32]), ClientError> {
        if let Some((at, number, hash)) = *self.birth.lock().await
            && at.elapsed() < BIRTH_REUSE
        {
            return Ok((number, hash));
        }
        let hash = self.best_hash().await?;
        let number = self.header(Some(hash)).await?.number;
        *self.birth.lock().await = Some((Instant::now(), number, hash));
        Ok((number, hash))
    }

    /// Signs `call` with `signer` at its next nonce and counts the nonce as used.
    pub async fn sign(
        &self,
        call: RuntimeCall,
        signer: &Sr25519Pair,
        options: &TxOptions,
    ) -> Result<SignedTx, ClientError> {
        let identity = self.identity().await?;
        let who = signer.public();
        let (era, birth_hash) = match options.mortal_for {
            None => (Era::Immortal, identity.genesis_hash),
            Some(period) => {
                let (best, best_hash) = self.recent_best().await?;
                let era = Era::mortal(period, u64::from(best));
                let birth = u32::try_from(era.birth(u64::from(best))).unwrap_or(best);
                let hash = if birth == best {
                    best_hash
                } else {
                    self.block_hash(birth).await?.ok_or_else(|| {
                        ClientError::Refused(format!("the node has no hash for block {birth}"))
                    })?
                };
                (era, hash)
            }
        };
        let mut nonces = self.nonces.lock().await;
        let nonce = match nonces.get(&who) {
            Some(n) => *n,
            None => {
                drop(nonces);
                let n = self.next_nonce(&who).await?;
                nonces = self.nonces.lock().await;
                *nonces.get(&who).unwrap_or(&n)
            }
        };
        nonces.insert(who, nonce.saturating_add(1));
        drop(nonces);
        let additional = AdditionalSigned {
            spec_version: identity.spec_version,
            transaction_version: identity.transaction_version,
            genesis_hash: identity.genesis_hash,
            birth_hash,
        };
        let xt = UncheckedExtrinsic::sign_sr25519(
            call,
            signer,
            SignedExtra::new(era, nonce),
            &additional,
        );
        let bytes = xt.to_bytes();
        Ok(SignedTx {
            hash: extrinsic_hash(&bytes),
            bytes,
            signer: who,
            nonce,
        })
    }

    /// The fee `call` would pay now, in rao (`TransactionPaymentApi_query_info` over an
    /// extrinsic of the size a signed one has; the chain does not check its signature).
    pub async fn estimate_fee(&self, call: &RuntimeCall) -> Result<u64, ClientError> {
        use codec::Encode;
        let call_bytes = call.encode();
        let xt = UncheckedExtrinsic {
            signature: Some(cortex_runtime::Signature {
                address: cortex_runtime::types::MultiAddress::Id(AccountId32([0; 32])),
                signature: cortex_runtime::MultiSignature::Sr25519([0; 64]),
                extra: SignedExtra::new(Era::mortal(64, 0), u32::MAX),
            }),
            call: call.clone(),
            call_bytes,
        };
        let bytes = xt.to_bytes();
        let mut input = bytes.clone();
        u32::try_from(bytes.len())
            .unwrap_or(u32::MAX)
            .encode_to(&mut input);
        let info: cortex_runtime::RuntimeDispatchInfo = self
            .state_call("TransactionPaymentApi_query_info", &input, None)
            .await?;
        Ok(info.partial_fee)
    }

    /// Submits a signed extrinsic without waiting (`author_submitExtrinsic`); the pool's
    /// refusal is an error and forgets the signer's nonce count.
    pub async fn submit_signed(&self, tx: &SignedTx) -> Result<[u8; 32], ClientError> {
        let answer: Result<String, ClientError> = self
            .rpc
            .request("author_submitExtrinsic", &[json!(hex0x(&tx.bytes))])
            .await;
        match answer {
            Ok(h) => hash_from_hex("author_submitExtrinsic", &h),
            // Sent twice across a reconnect: the first copy is in.
            Err(e) if already_imported(&e) => Ok(tx.hash),
            // The pool is full (1016): the transaction is fine and keeps its nonce; the caller
            // submits the same bytes again later. Forgetting the count here would make the
            // next signature reuse a nonce that transactions signed ahead already hold.
            Err(e @ ClientError::Rpc { code: 1016, .. }) => Err(e),
            Err(e) => {
                self.reset_nonce(&tx.signer).await;
                Err(e)
            }
        }
    }

    /// Signs and submits `call`, then waits as `options` says and decodes the outcome.
    pub async fn submit_and_watch(
        &self,
        call: RuntimeCall,
        signer: &Sr25519Pair,
        options: &TxOptions,
    ) -> Result<Included, ClientError> {
        let tx = self.sign(call, signer, options).await?;
        self.watch_signed(&tx, options).await
    }

    /// Submits a signed extrinsic and waits for it (see the module docs for the resume).
    pub async fn watch_signed(
        &self,
        tx: &SignedTx,
        options: &TxOptions,
    ) -> Result<Included, ClientError> {
        let deadline = Instant::now() + options.timeout;
        let from = self.best_number().await?;
        let hash_hex = hex0x(&tx.hash);
        let subscription = self
            .rpc
            .subscribe(
                "author_submitAndWatchExtrinsic",
                &[json!(hex0x(&tx.bytes))],
                "author_unwatchExtrinsic",
            )
            .await;
        let mut subscription = match subscription {
            Ok(s) => Some(s),
            Err(e @ (ClientError::Disconnected { .. } | ClientError::Timeout { .. })) => {
                tracing::debug!(error = %e, "watch could not start; resuming by polling");
                None
            }
            Err(e) => {
                self.reset_nonce(&tx.signer).await;
                return Err(e);
            }
        };
        while let Some(sub) = subscription.as_mut() {
            let next = tokio::time::timeout_at(deadline.into(), sub.next()).await;
            let status = match next {
                Err(_) => {
                    return Err(ClientError::WatchTimeout {
                        hash: hash_hex,
                        timeout: options.timeout,
                    });
                }
                Ok(Some(Ok(status))) => status,
                // The stream ended: the connection dropped (or the node closed it).
                Ok(_) => {
                    tracing::info!(tx = %hash_hex, "watch interrupted; resuming");
                    subscription = None;
                    break;
                }
            };
            match parse_status(&status) {
                Status::Pending => {}
                Status::InBlock(block) if options.wait == Wait::InBlock => {
                    return self.outcome(tx, block).await;
                }
                Status::InBlock(_) => {}
                Status::Finalized(block) => return self.outcome(tx, block).await,
                Status::Gone(what) => {
                    self.reset_nonce(&tx.signer).await;
                    return Err(ClientError::Dropped {
                        hash: hash_hex,
                        status: what,
                    });
                }
            }
        }
        drop(subscription);
        self.resume(tx, from, options, deadline).await
    }

    /// Finds `tx` in the blocks after `from`, submitting it again if no block has it and the
    /// node does not hold it, until `deadline`.
    async fn resume(
        &self,
        tx: &SignedTx,
        from: u32,
        options: &TxOptions,
        deadline: Instant,
    ) -> Result<Included, ClientError> {
        let hash_hex = hex0x(&tx.hash);
        let resumed = Instant::now();
        // Whether the node has answered since the watch was interrupted: a timeout without
        // any answer is a node that did not come back, and the error names its URL.
        let mut answered = false;
        let timeout = |answered: bool| {
            if answered {
                ClientError::WatchTimeout {
                    hash: hash_hex.clone(),
                    timeout: options.timeout,
                }
            } else {
                ClientError::Disconnected {
                    url: self.rpc.url().to_string(),
                    waited: resumed.elapsed(),
                    reason: format!(
                        "watching transaction {hash_hex}, which may still land: look for it before submitting it again"
                    ),
                }
            }
        };
        let mut next = from;
        let mut resubmitted = false;
        loop {
            if Instant::now() >= deadline {
                return Err(timeout(answered));
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            let step = async {
                let top = match options.wait {
                    Wait::InBlock => self.best_number().await?,
                    Wait::Finalized => self.finalized_number().await?,
                };
                while next <= top {
                    if let Some(block) = self.block_hash(next).await? {
                        let list = self.block_extrinsics(block).await?;
                        if list.iter().any(|x| extrinsic_hash(x) == tx.hash) {
                            return Ok::<_, ClientError>(Some(block));
                        }
                    }
                    next = next.saturating_add(1);
                }
                Ok(None)
            };
            match tokio::time::timeout(remaining, step).await {
                Err(_) => return Err(timeout(answered)),
                Ok(Err(e @ ClientError::Disconnected { .. })) => {
                    tracing::debug!(error = %e, "still no node; retrying");
                    answered = false;
                    continue;
                }
                Ok(Err(e)) => return Err(e),
                Ok(Ok(Some(block))) => return self.outcome(tx, block).await,
                Ok(Ok(None)) => answered = true,
            }
            if !resubmitted {
                let remaining = deadline.saturating_duration_since(Instant::now());
                match tokio::time::timeout(remaining, self.submit_signed(tx)).await {
                    Err(_) => return Err(timeout(false)),
                    Ok(Ok(_)) => resubmitted = true,
                    // Its nonce is used: a block we already scanned, or one not yet announced,
                    // has it; keep scanning.
                    Ok(Err(e)) if stale(&e) => resubmitted = true,
                    Ok(Err(e @ ClientError::Disconnected { .. })) => {
                        tracing::debug!(error = %e, "resubmission failed; retrying");
                    }
                    Ok(Err(e)) => return Err(e),
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The outcome of `tx` in `block`: its events, and the dispatch error if the call failed.
    async fn outcome(&self, tx: &SignedTx, block: [u8; 32]) -> Result<Included, ClientError> {
        let list = self.block_extrinsics(block).await?;
        let index = list
            .iter()
            .position(|x| extrinsic_hash(x) == tx.hash)
            .ok_or_else(|| ClientError::Decode {
                what: "chain_getBlock".into(),
                reason: format!(
                    "the node said block {} has {}",
                    hex0x(&block),
                    hex0x(&tx.hash)
                ),
            })?;
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let header = self.header(Some(block)).await?;
        let events: Vec<RuntimeEvent> = self
            .events(block)
            .await?
            .into_iter()
            .filter(|r| r.phase == Phase::ApplyExtrinsic(index))
            .map(|r| r.event)
            .collect();
        let included = Included {
            hash: tx.hash,
            block_hash: block,
            block_number: header.number,
            index,
            fee_rao: events
                .iter()
                .find_map(|e| match e {
                    RuntimeEvent::TransactionPayment(
                        TransactionPaymentEvent::TransactionFeePaid { actual_fee, .. },
                    ) => Some(*actual_fee),
                    _ => None,
                })
                .unwrap_or(0),
            events,
        };
        match failure(&included.events) {
            Some(e) => Err(ClientError::Chain(ChainError::from_dispatch(e))),
            None => Ok(included),
        }
    }
}

/// The dispatch error of a failed call, or of a sudo call whose inner call failed.
fn failure(events: &[RuntimeEvent]) -> Option<DispatchError> {
    events.iter().find_map(|e| match e {
        RuntimeEvent::System(SystemEvent::ExtrinsicFailed { dispatch_error, .. }) => {
            Some(*dispatch_error)
        }
        RuntimeEvent::Sudo(SudoEvent::Sudid {
            sudo_result: Err(e),
        }) => Some(*e),
        _ => None,
    })
}

/// A watch notification.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    /// `future`, `ready`, `broadcast`, …
    Pending,
    InBlock([u8; 32]),
    Finalized([u8; 32]),
    /// `dropped`, `invalid`, `usurped`.
    Gone(String),
}

fn parse_status(v: &Value) -> Status {
    let block = |key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .and_then(|h| hash_from_hex("watch", h).ok())
    };
    if let Some(h) = block("inBlock") {
        return Status::InBlock(h);
    }
    if let Some(h) = block("finalized") {
        return Status::Finalized(h);
    }
    match v {
        Value::String(s) if s == "dropped" || s == "invalid" => Status::Gone(s.clone()),
        Value::Object(o) if o.contains_key("usurped") => Status::Gone("usurped".into()),
        Value::Object(o) if o.contains_key("dropped") || o.contains_key("invalid") => {
            Status::Gone(o.keys().next().cloned().unwrap_or_default())
        }
        _ => Status::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_notifications_parse() {
        let h = format!("0x{}", "11".repeat(32));
        assert_eq!(parse_status(&json!("ready")), Status::Pending);
        assert_eq!(parse_status(&json!("future")), Status::Pending);
        assert_eq!(
            parse_status(&json!({"inBlock": h})),
            Status::InBlock([0x11; 32])
        );
        assert_eq!(
            parse_status(&json!({"finalized": h})),
            Status::Finalized([0x11; 32])
        );
        assert_eq!(
            parse_status(&json!("invalid")),
            Status::Gone("invalid".into())
        );
        assert_eq!(
            parse_status(&json!({"usurped": h})),
            Status::Gone("usurped".into())
        );
    }
}
