//! The chain's side of consensus: Cortex's own [`Application`] trait, and its adapters to
//! commonware (marshal's `Application` for proposing and verifying, a `Reporter` for the
//! finalized blocks).
//!
//! The trait is what any engine needs from a chain (the dev author needs only
//! [`Application::propose`] and [`Application::finalize`]), so the chain never sees a
//! commonware type and another engine (malachite) would plug into the same three calls.

use std::future::Future;
use std::sync::{Arc, Mutex};

use commonware_actor::Feedback;
use commonware_consensus::Reporter;
use commonware_consensus::marshal::Update;
use commonware_consensus::marshal::ancestry::Ancestry;
use commonware_consensus::simplex::scheme::ed25519;
use commonware_consensus::simplex::types::Context as SimplexContext;
use commonware_cryptography::ed25519::PublicKey;
use commonware_cryptography::sha256::Digest;
use commonware_cryptography::{Digested, Digestible};
use commonware_runtime::{Clock, Spawner};
use commonware_utils::Acknowledgement;
use futures::StreamExt;
use futures::channel::mpsc;

use crate::block::Block;

/// What a chain gives its consensus engine.
pub trait Application: Clone + Send + Sync + 'static {
    /// The body of a new block on `parent` at `parent.height + 1`, stamped `timestamp_ms`
    /// (the chain builds it from its transaction pool, executing it on `parent`'s state).
    /// `None` when it cannot build on `parent` (e.g. it does not know that state).
    fn propose(
        &self,
        parent: &Block,
        timestamp_ms: u64,
    ) -> impl Future<Output = Option<Vec<u8>>> + Send;

    /// Whether `block` is valid on `parent`: the chain re-executes it there. Must be
    /// deterministic: every honest node answers the same for the same two blocks.
    fn verify(&self, parent: &Block, block: &Block) -> impl Future<Output = bool> + Send;

    /// `block` is final: apply it and make it durable. Blocks come in height order, each at
    /// least once (after a restart the last may come again: a block already applied is a
    /// no-op). An error means this node cannot follow the chain (its state diverged, its
    /// database failed): the node stops, and the error names the block.
    fn finalize(&self, block: &Block) -> impl Future<Output = Result<(), String>> + Send;

    /// The height of the last block this chain applied (0: only genesis). Read when a
    /// validator starts, so that after a restart it expects the block after its own head.
    fn finalized_height(&self) -> impl Future<Output = u64> + Send;

    /// The digest of the block this chain applied at `height` (genesis at 0), if it has
    /// applied that height: a block delivered again is checked against it.
    fn finalized_digest(&self, height: u64) -> impl Future<Output = Option<Digest>> + Send;
}

/// Marshal's view of an [`Application`]: proposals and verification over the ancestry.
#[derive(Clone)]
pub struct Proposer<A> {
    app: A,
    block_ms: u64,
}

/// How far ahead of a validator's clock a block's timestamp may be (clock skew between
/// operators' machines): a proposer cannot run the chain's time ahead.
pub const MAX_FUTURE_MS: u64 = 5_000;

impl<A> Proposer<A> {
    /// Wraps `app`; blocks are at least `block_time` apart (the chain's block time: a leader
    /// waits for it before proposing, and a block stamped sooner after its parent is invalid).
    pub fn new(app: A, block_time: std::time::Duration) -> Self {
        Proposer {
            app,
            block_ms: u64::try_from(block_time.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Milliseconds of the runtime's clock since the Unix epoch (simulated time in tests).
fn now_ms(clock: &impl Clock) -> u64 {
    clock
        .current()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

type Ctx = SimplexContext<Digest, PublicKey>;

impl<E, A> commonware_consensus::Application<E> for Proposer<A>
where
    E: Clock + Send + 'static,
    A: Application,
{
    type SigningScheme = ed25519::Scheme;
    type Context = Ctx;
    type Block = Block;
    type Input = ();

    async fn propose(
        &mut self,
        context: (E, Ctx),
        mut ancestry: impl Ancestry<Block>,
        _input: (),
    ) -> Option<Digested<Block>> {
        // The ancestry's first block is the parent.
        let parent = ancestry.next().await?;
        let parent = parent.inner();
        // One block per block time: wait until the parent is that old. Time only moves
        // forward along the chain, whatever the proposer's clock says.
        let due = parent.timestamp_ms.saturating_add(self.block_ms.max(1));
        let now = now_ms(&context.0);
        if now < due {
            context
                .0
                .sleep(std::time::Duration::from_millis(due.saturating_sub(now)))
                .await;
        }
        let timestamp_ms = now_ms(&context.0).max(due);
        let body = self.app.propose(parent, timestamp_ms).await?;
        let block = Block {
            parent: parent.digest(),
            height: parent.height.saturating_add(1),
            timestamp_ms,
            body,
        };
        let digest = block.digest();
        Some(Digested::precomputed(block, digest))
    }

    async fn verify(&mut self, context: (E, Ctx), mut ancestry: impl Ancestry<Block>) -> bool {
        // The ancestry is the candidate, then its parent.
        let (Some(block), Some(parent)) = (ancestry.next().await, ancestry.next().await) else {
            return false;
        };
        let (block, parent) = (block.inner(), parent.inner());
        if block.parent != parent.digest()
            || block.height != parent.height.saturating_add(1)
            || block.timestamp_ms < parent.timestamp_ms.saturating_add(self.block_ms.max(1))
            || block.timestamp_ms > now_ms(&context.0).saturating_add(MAX_FUTURE_MS)
        {
            return false;
        }
        self.app.verify(parent, block).await
    }
}

/// Why a node stopped following the chain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("block {height} (0x{digest}) could not be applied: {reason}; this node stopped")]
pub struct Halted {
    /// The block's height.
    pub height: u64,
    /// The block's digest, hex.
    pub digest: String,
    /// What the application said.
    pub reason: String,
}

/// What a validator shows of its progress.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    inner: Arc<Mutex<ProgressInner>>,
}

#[derive(Debug, Default)]
struct ProgressInner {
    /// Every block applied or confirmed since this process started, by height.
    finalized: std::collections::BTreeMap<u64, Digest>,
    halted: Option<Halted>,
}

impl Progress {
    fn lock(&self) -> std::sync::MutexGuard<'_, ProgressInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The highest height applied (0: only genesis).
    pub fn height(&self) -> u64 {
        self.lock()
            .finalized
            .last_key_value()
            .map_or(0, |(h, _)| *h)
    }

    /// The digest applied at `height` (as seen by this process).
    pub fn digest_at(&self, height: u64) -> Option<Digest> {
        self.lock().finalized.get(&height).copied()
    }

    fn record(&self, height: u64, digest: Digest) {
        self.lock().finalized.insert(height, digest);
    }

    /// Why the node stopped, if it did.
    pub fn halted(&self) -> Option<Halted> {
        self.lock().halted.clone()
    }
}

/// Marshal's finalized blocks to [`Application::finalize`], in order, acknowledged only once
/// applied (so a crash before the ack makes marshal deliver the block again).
#[derive(Clone)]
pub struct Finalizer {
    queue: mpsc::UnboundedSender<(Arc<Block>, Ack)>,
}

/// The acknowledgement marshal hands out with each block.
type Ack = commonware_utils::acknowledgement::Exact;

impl Finalizer {
    /// Starts the task that applies finalized blocks with `app`, recording `progress`. The
    /// receiver hears once if the chain cannot follow (the validator then stops).
    pub fn start<E: Spawner, A: Application>(
        context: E,
        app: A,
        progress: Progress,
    ) -> (Finalizer, futures::channel::oneshot::Receiver<Halted>) {
        let (queue, mut blocks) = mpsc::unbounded::<(Arc<Block>, Ack)>();
        let (stop, stopped) = futures::channel::oneshot::channel();
        context.spawn(move |_| async move {
            // The next height to apply: the one after the chain's own head.
            let mut next: Option<u64> = None;
            while let Some((block, ack)) = blocks.next().await {
                let digest = block.digest();
                let expected = match next {
                    Some(n) => n,
                    None => app.finalized_height().await.saturating_add(1),
                };
                let failure = if block.height < expected {
                    // A redelivery (after a restart, genesis first): the same block, or this
                    // node forked.
                    if app.finalized_digest(block.height).await == Some(digest) {
                        progress.record(block.height, digest);
                        ack.acknowledge();
                        next = Some(expected);
                        continue;
                    }
                    "a different block is already final at this height".to_string()
                } else if block.height > expected {
                    format!("out of order: expected height {expected}")
                } else {
                    match app.finalize(&block).await {
                        Ok(()) => {
                            progress.record(block.height, digest);
                            ack.acknowledge();
                            next = Some(expected.saturating_add(1));
                            continue;
                        }
                        Err(reason) => reason,
                    }
                };
                let _ = stop.send(halt(&progress, &block, failure));
                return;
            }
        });
        (Finalizer { queue }, stopped)
    }
}

fn halt(progress: &Progress, block: &Block, reason: String) -> Halted {
    let halted = Halted {
        height: block.height,
        digest: hex(block.digest().as_ref()),
        reason,
    };
    tracing::error!(%halted, "consensus: stopping");
    progress.lock().halted = Some(halted.clone());
    halted
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Reporter for Finalizer {
    type Activity = Update<Block>;
    fn report(&mut self, update: Update<Block>) -> Feedback {
        match update {
            Update::Block(block, ack) => {
                if self
                    .queue
                    .unbounded_send((block.inner_shared(), ack))
                    .is_err()
                {
                    return Feedback::Closed;
                }
                Feedback::Ok
            }
            Update::Tip(..) => Feedback::Ok,
        }
    }
}
