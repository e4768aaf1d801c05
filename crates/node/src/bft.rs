//! The chain's side of BFT consensus: blocks proposed, verified and finalized when the engine
//! asks, on speculative states for blocks that are not final yet.
//!
//! simplex lets a leader build on a block that is notarized but not finalized, so the chain
//! keeps every block it built or verified above its finalized head, with the state changes it
//! makes. To work on top of such a block it applies its ancestors' changes to the finalized
//! state, runs, and undoes them again. Only finalization writes the database; the state the
//! RPC reads is always the finalized head's.
//!
//! A Substrate header carries its consensus block's parent digest and timestamp in a
//! pre-runtime digest item ([`ENGINE_ID`]), so the consensus block of any stored block can be
//! rebuilt from the database alone (after a restart, for blocks marshal delivers again).

use crate::chain::{Chain, Head, MAX_BLOCK_BYTES, MAX_BLOCK_EXTRINSICS, Request};
use crate::header::{DigestItem, Header, extrinsics_root, hex0x};
use crate::pool::TxStatus;
use codec::{Compact, Decode, Encode};
use cortex_consensus::{Block, Digest};
use cortex_runtime::{CheckContext, Storage, UncheckedExtrinsic, check_signature, extrinsic_hash};
use cortex_store::{NewBlock, Store};
use std::collections::BTreeMap;
use std::sync::mpsc::Sender;
use tokio::sync::oneshot;

/// The engine id of the digest item tying a header to its consensus block.
pub const ENGINE_ID: [u8; 4] = *b"cxbf";

/// What the engine asks of the chain thread.
pub enum ConsensusRequest {
    /// Build a block on `parent`.
    Propose {
        /// The parent.
        parent: Block,
        /// The new block's timestamp.
        timestamp_ms: u64,
        /// The body, or `None` if the chain cannot build on `parent`.
        reply: oneshot::Sender<Option<Vec<u8>>>,
    },
    /// Re-execute `block` on `parent`.
    Verify {
        /// The parent.
        parent: Block,
        /// The candidate.
        block: Block,
        /// Whether it is valid.
        reply: oneshot::Sender<bool>,
    },
    /// Apply a finalized block.
    Finalize {
        /// The block, at the height after the head.
        block: Block,
        /// Why it could not be applied, if so.
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// The finalized head's height.
    FinalizedHeight {
        /// The answer.
        reply: oneshot::Sender<u64>,
    },
    /// The consensus digest of a finalized block.
    FinalizedDigest {
        /// Its height.
        height: u64,
        /// The answer (`None`: not that high, or unreadable).
        reply: oneshot::Sender<Option<Digest>>,
    },
}

/// A block built or verified, not final yet.
struct Pending {
    parent: Digest,
    header: Header,
    hash: [u8; 32],
    extrinsics: Vec<Vec<u8>>,
    changes: cortex_runtime::Changes,
    /// The signed extrinsics' hashes (to settle the pool when it is final).
    included: Vec<[u8; 32]>,
    /// How many events it emitted.
    events: usize,
}

/// The consensus state the chain thread keeps.
pub(crate) struct Bft {
    /// The consensus genesis block.
    genesis: Block,
    /// The finalized head's consensus digest.
    head_digest: Digest,
    /// Blocks above the finalized head, by digest.
    pending: BTreeMap<Digest, Pending>,
}

/// The block a state is built on.
struct ParentInfo {
    number: u32,
    hash: [u8; 32],
    /// The numbers and hashes of the pending blocks on the path (for mortal eras).
    path: Vec<(u32, [u8; 32])>,
}

/// The body of a consensus block: the Substrate header and extrinsics.
fn encode_body(header: &Header, extrinsics: &[Vec<u8>]) -> Vec<u8> {
    (header, extrinsics).encode()
}

fn decode_body(body: &[u8]) -> Option<(Header, Vec<Vec<u8>>)> {
    let mut input = body;
    let decoded = <(Header, Vec<Vec<u8>>)>::decode(&mut input).ok()?;
    input.is_empty().then_some(decoded)
}

/// The (parent digest, timestamp) a header's digest item carries.
fn link_of(header: &Header) -> Option<(Digest, u64)> {
    header.digest.iter().find_map(|item| match item {
        DigestItem::PreRuntime(id, data) if *id == ENGINE_ID => {
            <([u8; 32], u64)>::decode(&mut data.as_slice())
                .ok()
                .map(|(d, t)| (Digest(d), t))
        }
        _ => None,
    })
}

/// The consensus genesis of a chain: its Substrate genesis hash under its namespace, so that
/// two chains from the same genesis preset never share consensus blocks.
pub fn consensus_genesis(namespace: &[u8], genesis_hash: &[u8; 32]) -> Block {
    let mut id = namespace.to_vec();
    id.extend_from_slice(genesis_hash);
    Block::genesis(&id)
}

/// The consensus block of stored block `number`, rebuilt from its header and body.
fn stored_block(store: &Store, genesis: &Block, number: u32) -> Option<Block> {
    if number == 0 {
        return Some(genesis.clone());
    }
    let (header, _) = crate::check::read_header(store, number).ok()??;
    let extrinsics = store.body(number).ok()??;
    let (parent, timestamp_ms) = link_of(&header)?;
    Some(Block {
        parent,
        height: u64::from(number),
        timestamp_ms,
        body: encode_body(&header, &extrinsics),
    })
}

/// Applies `changes` to `state` (`forward`) or undoes them.
fn apply(state: &mut Storage, changes: &cortex_runtime::Changes, forward: bool) {
    for (key, (before, after)) in changes {
        match if forward { after } else { before } {
            Some(v) => state.set(key.clone(), v.clone()),
            None => state.remove(key),
        }
    }
}

/// Signature checks inside a block above the finalized head: birth blocks may be pending.
struct BlockCheckContext<'a> {
    store: &'a Store,
    genesis_hash: [u8; 32],
    parent: &'a ParentInfo,
}

impl CheckContext for BlockCheckContext<'_> {
    fn current_block(&self) -> u64 {
        u64::from(self.parent.number).saturating_add(1)
    }

    fn genesis_hash(&self) -> [u8; 32] {
        self.genesis_hash
    }

    fn block_hash(&self, number: u64) -> Option<[u8; 32]> {
        let number = u32::try_from(number).ok()?;
        let head = self.parent.number;
        if number > head
            || head.saturating_add(1).saturating_sub(number) > cortex_runtime::BLOCK_HASH_COUNT
        {
            return None;
        }
        if let Some((_, hash)) = self.parent.path.iter().find(|(n, _)| *n == number) {
            return Some(*hash);
        }
        crate::check::read_header(self.store, number)
            .ok()
            .flatten()
            .map(|(_, hash)| hash)
    }
}

/// A block executed on its parent's state (which now holds its changes).
struct Executed {
    header: Header,
    hash: [u8; 32],
    extrinsics: Vec<Vec<u8>>,
    changes: cortex_runtime::Changes,
    included: Vec<[u8; 32]>,
    events: usize,
}

impl Chain {
    /// Makes this chain follow a BFT engine: no MEV-shield author (its key is per author),
    /// and the finalized head's consensus digest rebuilt from the database.
    pub fn follow(&mut self, genesis: Block) -> Result<(), crate::chain::ChainError> {
        let number = self.head.header.number();
        let head = stored_block(&self.store, &genesis, number)
            .ok_or(crate::chain::ChainError::BadHeader(number))?;
        self.shield = None;
        self.author = None;
        self.bft = Some(Bft {
            head_digest: head.digest(),
            genesis,
            pending: BTreeMap::new(),
        });
        Ok(())
    }

    /// Answers the engine.
    pub(crate) fn handle_consensus(&mut self, request: ConsensusRequest) {
        match request {
            ConsensusRequest::Propose {
                parent,
                timestamp_ms,
                reply,
            } => {
                let _ = reply.send(self.propose_on(&parent, timestamp_ms));
            }
            ConsensusRequest::Verify {
                parent,
                block,
                reply,
            } => {
                let _ = reply.send(self.verify_on(&parent, &block));
            }
            ConsensusRequest::Finalize { block, reply } => {
                let result = self.finalize_block(&block).map(|head| {
                    self.announce = Some(head);
                });
                let _ = reply.send(result);
            }
            ConsensusRequest::FinalizedHeight { reply } => {
                let _ = reply.send(u64::from(self.head.header.number()));
            }
            ConsensusRequest::FinalizedDigest { height, reply } => {
                let digest = self.bft.as_ref().and_then(|bft| {
                    if height == u64::from(self.head.header.number()) {
                        return Some(bft.head_digest);
                    }
                    let number = u32::try_from(height).ok()?;
                    stored_block(&self.store, &bft.genesis, number).map(|b| b.digest())
                });
                let _ = reply.send(digest);
            }
        }
    }

    /// The pending blocks from just above the finalized head up to `parent` (empty when
    /// `parent` is the head); `None` if `parent`'s state is unknown here.
    fn path_to(&self, parent: Digest) -> Option<Vec<Digest>> {
        let bft = self.bft.as_ref()?;
        let mut path = Vec::new();
        let mut at = parent;
        while at != bft.head_digest {
            let p = bft.pending.get(&at)?;
            path.push(at);
            if path.len() > bft.pending.len() {
                return None;
            }
            at = p.parent;
        }
        path.reverse();
        Some(path)
    }

    /// Applies (or undoes, newest first) the changes of the pending blocks on `path`.
    fn walk(&mut self, path: &[Digest], forward: bool) -> ParentInfo {
        let mut info = ParentInfo {
            number: self.head.header.number(),
            hash: self.head.hash,
            path: Vec::new(),
        };
        let Some(bft) = &self.bft else {
            return info;
        };
        let ordered: Vec<&Digest> = if forward {
            path.iter().collect()
        } else {
            path.iter().rev().collect()
        };
        for d in ordered {
            if let Some(p) = bft.pending.get(d) {
                apply(&mut self.state, &p.changes, forward);
                info.path.push((p.header.number(), p.hash));
            }
        }
        if let Some((number, hash)) = info.path.iter().max_by_key(|(n, _)| *n) {
            info.number = *number;
            info.hash = *hash;
        }
        info
    }

    fn propose_on(&mut self, parent: &Block, timestamp_ms: u64) -> Option<Vec<u8>> {
        let parent_digest = parent.digest();
        let path = self.path_to(parent_digest)?;
        let info = self.walk(&path, true);
        let built = self.build(&info, parent_digest, timestamp_ms);
        let body = built.map(|ex| {
            apply(&mut self.state, &ex.changes, false);
            let body = encode_body(&ex.header, &ex.extrinsics);
            let block = Block {
                parent: parent_digest,
                height: u64::from(ex.header.number()),
                timestamp_ms,
                body: body.clone(),
            };
            self.remember(block.digest(), parent_digest, ex);
            body
        });
        self.walk(&path, false);
        body
    }

    fn verify_on(&mut self, parent: &Block, block: &Block) -> bool {
        let digest = block.digest();
        if self
            .bft
            .as_ref()
            .is_some_and(|b| b.pending.contains_key(&digest))
        {
            return true;
        }
        let Some(path) = self.path_to(parent.digest()) else {
            tracing::debug!(
                height = block.height,
                "verify: the parent's state is unknown here"
            );
            return false;
        };
        let info = self.walk(&path, true);
        let valid = match self.execute(&info, block) {
            Ok(ex) => {
                apply(&mut self.state, &ex.changes, false);
                self.remember(digest, block.parent, ex);
                true
            }
            Err(reason) => {
                tracing::warn!(height = block.height, %reason, "refusing a proposed block");
                false
            }
        };
        self.walk(&path, false);
        valid
    }

    fn remember(&mut self, digest: Digest, parent: Digest, ex: Executed) {
        if let Some(bft) = &mut self.bft {
            bft.pending.insert(
                digest,
                Pending {
                    parent,
                    header: ex.header,
                    hash: ex.hash,
                    extrinsics: ex.extrinsics,
                    changes: ex.changes,
                    included: ex.included,
                    events: ex.events,
                },
            );
        }
    }

    /// Builds a block on the current state (the parent's): inherents, then the pool's ready
    /// transactions that apply. Leaves the state with the block applied.
    fn build(
        &mut self,
        parent: &ParentInfo,
        parent_digest: Digest,
        timestamp_ms: u64,
    ) -> Option<Executed> {
        let number = parent.number.checked_add(1)?;
        self.state.start_journal();
        let mut block = self
            .runtime
            .initialize_block(&mut self.state, number, parent.hash, None);
        let link = DigestItem::PreRuntime(ENGINE_ID, (parent_digest.0, timestamp_ms).encode());
        block.deposit_digest(&mut self.state, vec![link.clone()]);
        let mut extrinsics = match block.apply_inherents(&mut self.state, timestamp_ms) {
            Ok(x) => x,
            Err(e) => {
                tracing::error!(error = ?e, "the timestamp inherent failed; not proposing");
                let changes = self.state.take_journal();
                apply(&mut self.state, &changes, false);
                return None;
            }
        };
        let mut included = Vec::new();
        let mut bytes = 0usize;
        for hash in self.pool.ready_order() {
            if included.len() >= MAX_BLOCK_EXTRINSICS {
                break;
            }
            let Some(tx) = self.pool.get_mut(&hash) else {
                continue;
            };
            if bytes.saturating_add(tx.bytes.len()) > MAX_BLOCK_BYTES {
                break;
            }
            let len = u32::try_from(tx.bytes.len()).unwrap_or(u32::MAX);
            // A transaction already in a pending ancestor is stale here; one that became
            // invalid stays in the pool until finalization prunes it.
            if block
                .apply_extrinsic(&mut self.state, &tx.who, tx.nonce, tx.tip, &tx.call, len)
                .is_ok()
            {
                bytes = bytes.saturating_add(tx.bytes.len());
                extrinsics.push(tx.bytes.as_ref().clone());
                included.push(hash);
            }
        }
        let events = block.finalize(&mut self.state).len();
        let changes = self.state.take_journal();
        let header = Header {
            parent_hash: parent.hash,
            number: Compact(number),
            state_root: self.runtime.state_root(&self.state),
            extrinsics_root: extrinsics_root(&extrinsics),
            digest: vec![link],
        };
        Some(Executed {
            hash: header.hash(),
            header,
            extrinsics,
            changes,
            included,
            events,
        })
    }

    /// Re-executes `block` on the current state (its parent's) and checks everything its
    /// header claims. On success the state holds the block's changes; on failure it is as
    /// before.
    fn execute(&mut self, parent: &ParentInfo, block: &Block) -> Result<Executed, String> {
        let (header, extrinsics) =
            decode_body(&block.body).ok_or("the body is not a header and extrinsics")?;
        let number = parent.number.saturating_add(1);
        if u64::from(header.number()) != block.height || header.number() != number {
            return Err(format!(
                "the header's number {} is not {number}",
                header.number()
            ));
        }
        if header.parent_hash != parent.hash {
            return Err(format!(
                "the header's parent {} is not {}",
                hex0x(&header.parent_hash),
                hex0x(&parent.hash)
            ));
        }
        if link_of(&header) != Some((block.parent, block.timestamp_ms)) {
            return Err("the header's consensus link differs from the block".into());
        }
        if extrinsics.len() > MAX_BLOCK_EXTRINSICS.saturating_add(1)
            || extrinsics.iter().map(Vec::len).sum::<usize>() > MAX_BLOCK_BYTES.saturating_add(64)
        {
            return Err("the block is over the size limits".into());
        }
        if header.extrinsics_root != extrinsics_root(&extrinsics) {
            return Err("the header's extrinsics root differs from the body".into());
        }
        self.state.start_journal();
        let result = self.run_block(parent, block, &header, &extrinsics);
        let changes = self.state.take_journal();
        match result {
            Ok((included, events)) => {
                let root = self.runtime.state_root(&self.state);
                if root != header.state_root {
                    apply(&mut self.state, &changes, false);
                    return Err(format!(
                        "state root mismatch: the header says {}, this node computed {}",
                        hex0x(&header.state_root),
                        hex0x(&root)
                    ));
                }
                Ok(Executed {
                    hash: header.hash(),
                    header,
                    extrinsics,
                    changes,
                    included,
                    events,
                })
            }
            Err(e) => {
                apply(&mut self.state, &changes, false);
                Err(e)
            }
        }
    }

    /// Runs a block's extrinsics: the inherents must be the ones its timestamp gives, every
    /// other extrinsic signed and valid. Returns the signed extrinsics' hashes.
    fn run_block(
        &mut self,
        parent: &ParentInfo,
        block: &Block,
        header: &Header,
        extrinsics: &[Vec<u8>],
    ) -> Result<(Vec<[u8; 32]>, usize), String> {
        let mut builder = self.runtime.initialize_block(
            &mut self.state,
            header.number(),
            header.parent_hash,
            None,
        );
        builder.deposit_digest(&mut self.state, header.digest.clone());
        let inherents = builder
            .apply_inherents(&mut self.state, block.timestamp_ms)
            .map_err(|e| format!("the timestamp inherent failed: {e:?}"))?;
        if extrinsics.get(..inherents.len()) != Some(inherents.as_slice()) {
            return Err("the block's inherents are not the ones its timestamp gives".into());
        }
        let mut included = Vec::new();
        for (i, bytes) in extrinsics.iter().enumerate().skip(inherents.len()) {
            let hash = extrinsic_hash(bytes);
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            let bad = |e: String| format!("extrinsic {i} ({}) {e}", hex0x(&hash));
            // A transaction this node already checked (it is in the pool) skips the
            // signature check; any other is checked here.
            let applied = if let Some(tx) = self.pool.get_mut(&hash) {
                builder.apply_extrinsic(&mut self.state, &tx.who, tx.nonce, tx.tip, &tx.call, len)
            } else {
                let xt = UncheckedExtrinsic::decode_bytes(bytes)
                    .map_err(|e| bad(format!("does not decode: {e}")))?;
                let ctx = BlockCheckContext {
                    store: &self.store,
                    genesis_hash: self.genesis_hash,
                    parent,
                };
                let checked = match check_signature(&xt, &ctx) {
                    Ok(Some(c)) => c,
                    Ok(None) => return Err(bad("is unsigned and not an inherent".into())),
                    Err(e) => return Err(bad(format!("fails its signature check: {e:?}"))),
                };
                builder.apply_extrinsic(
                    &mut self.state,
                    &checked.who,
                    checked.nonce,
                    checked.tip,
                    &xt.call,
                    len,
                )
            };
            if let Err(e) = applied {
                return Err(bad(format!("is invalid: {e}")));
            }
            included.push(hash);
        }
        let events = builder.finalize(&mut self.state).len();
        Ok((included, events))
    }

    /// Applies the finalized `block` (the one after the head) and commits it.
    fn finalize_block(&mut self, block: &Block) -> Result<Head, String> {
        let started = std::time::Instant::now();
        let Some(bft) = &mut self.bft else {
            return Err("this node does not follow a consensus engine".into());
        };
        let number = self.head.header.number().saturating_add(1);
        if block.height != u64::from(number) || block.parent != bft.head_digest {
            return Err(format!(
                "it does not extend this node's finalized head #{}",
                self.head.header.number()
            ));
        }
        let digest = block.digest();
        let executed = match bft.pending.remove(&digest) {
            Some(p) => {
                apply(&mut self.state, &p.changes, true);
                Executed {
                    header: p.header,
                    hash: p.hash,
                    extrinsics: p.extrinsics,
                    changes: p.changes,
                    included: p.included,
                    events: p.events,
                }
            }
            None => {
                let info = ParentInfo {
                    number: self.head.header.number(),
                    hash: self.head.hash,
                    path: Vec::new(),
                };
                self.execute(&info, block)?
            }
        };
        let committed = self.store.commit_block(&NewBlock {
            number,
            hash: executed.hash,
            header: &executed.header.encode(),
            extrinsics: &executed.extrinsics,
            changes: &executed.changes,
        });
        if let Err(e) = committed {
            apply(&mut self.state, &executed.changes, false);
            return Err(format!("the database failed: {e}"));
        }
        self.head = Head {
            header: executed.header,
            hash: executed.hash,
        };
        if let Some(bft) = &mut self.bft {
            bft.head_digest = digest;
            bft.pending.retain(|_, p| p.header.number() > number);
        }
        for h in &executed.included {
            if let Some(mut tx) = self.pool.remove(h) {
                tx.notify(&TxStatus::InBlock(executed.hash));
                tx.notify(&TxStatus::Finalized(executed.hash));
            }
        }
        let (state, runtime) = (&self.state, &self.runtime);
        let (dropped, promoted) = self.pool.prune(u64::from(number).saturating_add(1), |who| {
            runtime.account_nonce(state, who)
        });
        for mut tx in dropped {
            tx.notify(&TxStatus::Invalid);
        }
        for h in promoted {
            if let Some(tx) = self.pool.get_mut(&h) {
                tx.notify(&TxStatus::Ready);
            }
        }
        self.metrics.set_height(number);
        self.metrics
            .observe_block(started.elapsed(), executed.included.len(), executed.events);
        self.update_pool_metrics();
        Ok(self.head.clone())
    }
}

/// The engine's handle on the chain thread: Cortex's [`cortex_consensus::Application`],
/// every call a request to the thread that owns the state.
#[derive(Clone)]
pub struct ChainLink {
    requests: Sender<Request>,
}

impl ChainLink {
    /// A link sending to the chain thread's `requests`.
    pub fn new(requests: Sender<Request>) -> ChainLink {
        ChainLink { requests }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> ConsensusRequest) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request::Consensus(Box::new(make(reply))))
            .ok()?;
        answer.await.ok()
    }
}

impl cortex_consensus::Application for ChainLink {
    async fn propose(&self, parent: &Block, timestamp_ms: u64) -> Option<Vec<u8>> {
        let parent = parent.clone();
        self.ask(|reply| ConsensusRequest::Propose {
            parent,
            timestamp_ms,
            reply,
        })
        .await
        .flatten()
    }

    async fn verify(&self, parent: &Block, block: &Block) -> bool {
        let (parent, block) = (parent.clone(), block.clone());
        self.ask(|reply| ConsensusRequest::Verify {
            parent,
            block,
            reply,
        })
        .await
        .unwrap_or(false)
    }

    async fn finalize(&self, block: &Block) -> Result<(), String> {
        let block = block.clone();
        self.ask(|reply| ConsensusRequest::Finalize { block, reply })
            .await
            .unwrap_or_else(|| Err("the chain thread stopped".into()))
    }

    async fn finalized_height(&self) -> u64 {
        self.ask(|reply| ConsensusRequest::FinalizedHeight { reply })
            .await
            .unwrap_or(0)
    }

    async fn finalized_digest(&self, height: u64) -> Option<Digest> {
        self.ask(|reply| ConsensusRequest::FinalizedDigest { height, reply })
            .await
            .flatten()
    }
}
