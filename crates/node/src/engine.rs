//! What makes a node's blocks: the node's own [`Engine`] trait and its two implementations.
//!
//! - [`DevAuthor`]: one node authors every block on its schedule, each final at once
//!   (`cortex node --dev`);
//! - [`Simplex`]: the node is one of a chain spec's validators; commonware simplex (through
//!   `cortex-consensus`) decides the blocks and the chain thread proposes, verifies and applies
//!   them ([`crate::bft`]). Accepted submissions are gossiped to the other validators, so
//!   whichever leads next has them in its pool.
//!
//! Another engine (malachite) would be a third implementation: it needs the same
//! [`ChainLink`] calls and nothing else from the node.

use crate::bft::ChainLink;
use crate::chain::{BlockTime, Production, Request, Shared};
use codec::{Decode, Encode};
use cortex_consensus::commonware::{PrivateKey, PublicKey};
use cortex_consensus::{Block, Service, ServiceConfig, Timeouts};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A node's block engine.
pub trait Engine: Send {
    /// What the chain thread does: author on its schedule, or answer the engine.
    fn production(&self) -> Production;

    /// Starts what runs beside the chain thread (`None`: nothing does). `storage` is the
    /// engine's own directory under the base path. Must run inside a tokio runtime.
    fn start(
        self: Box<Self>,
        chain: ChainLink,
        shared: Arc<Shared>,
        genesis: Block,
        storage: &Path,
    ) -> Result<Option<Box<dyn RunningEngine>>, String>;
}

/// An engine running beside the chain thread.
pub trait RunningEngine: Send {
    /// Why it stopped by itself, if it did (the chain halted: the node must exit).
    fn failure(&self) -> Option<String>;
    /// Stops it and waits; says why if it had failed.
    fn stop(self: Box<Self>) -> Result<(), String>;
}

/// The dev chain's single author.
#[derive(Clone, Copy, Debug)]
pub struct DevAuthor(pub BlockTime);

impl Engine for DevAuthor {
    fn production(&self) -> Production {
        Production::Author(self.0)
    }

    fn start(
        self: Box<Self>,
        _chain: ChainLink,
        _shared: Arc<Shared>,
        _genesis: Block,
        _storage: &Path,
    ) -> Result<Option<Box<dyn RunningEngine>>, String> {
        // The chain thread authors on its own.
        Ok(None)
    }
}

/// One node of a chain spec: a validator, or a full node.
#[derive(Clone, Debug)]
pub struct BftConfig {
    /// The chain's name (its database lives under `chains/NAME`).
    pub name: String,
    /// The consensus namespace.
    pub namespace: Vec<u8>,
    /// This validator's key.
    pub signer: PrivateKey,
    /// The authority set with p2p addresses.
    pub authorities: Vec<(PublicKey, SocketAddr)>,
    /// The chain's full nodes with p2p addresses.
    pub full_nodes: Vec<(PublicKey, SocketAddr)>,
    /// Whether this node is a full node (follows, never votes) rather than a validator.
    pub follower: bool,
    /// Where this node's p2p port listens.
    pub listen: SocketAddr,
    /// Whether loopback and private peer addresses are allowed.
    pub allow_private_ips: bool,
}

/// simplex BFT consensus among a chain spec's validators.
#[derive(Debug)]
pub struct Simplex {
    config: BftConfig,
    block_time: Duration,
}

impl Simplex {
    /// A validator with `config` on a chain whose blocks are `block_time` apart.
    pub fn new(config: BftConfig, block_time: Duration) -> Simplex {
        Simplex { config, block_time }
    }
}

/// The most transactions in one gossip message.
const GOSSIP_BATCH: usize = 1024;
/// The most bytes in one gossip message.
const GOSSIP_BATCH_BYTES: usize = 1 << 20;
/// How long a transaction may wait for others to share its gossip message.
const GOSSIP_LINGER: Duration = Duration::from_millis(5);

impl Engine for Simplex {
    fn production(&self) -> Production {
        Production::Engine
    }

    fn start(
        self: Box<Self>,
        chain: ChainLink,
        shared: Arc<Shared>,
        genesis: Block,
        storage: &Path,
    ) -> Result<Option<Box<dyn RunningEngine>>, String> {
        let runtime = tokio::runtime::Handle::current();
        let inbound = shared.clone();
        let on_gossip: cortex_consensus::GossipHandler = Arc::new(move |message: Vec<u8>| {
            let shared = inbound.clone();
            // Signature checks are CPU work: off the consensus runtime's threads.
            runtime.spawn_blocking(move || receive(&shared, &message));
        });
        let c = self.config;
        // A view takes a block time (the leader waits for it) plus a few network hops.
        let timeouts = Timeouts {
            leader: self.block_time + Duration::from_secs(1),
            certification: self.block_time + Duration::from_secs(2),
            retry: Duration::from_secs(10).max(self.block_time * 2),
            skip: Duration::from_secs(11).max(self.block_time * 3),
        };
        let service = Service::start(
            ServiceConfig {
                namespace: c.namespace,
                signer: c.signer,
                authorities: c.authorities,
                full_nodes: c.full_nodes,
                follower: c.follower,
                listen: c.listen,
                allow_private_ips: c.allow_private_ips,
                storage_dir: storage.to_path_buf(),
                genesis,
                timeouts,
                block_time: self.block_time,
                worker_threads: 2,
            },
            chain,
            on_gossip,
        )
        .map_err(|e| e.to_string())?;

        let (out, mut queued) = tokio::sync::mpsc::channel::<Arc<Vec<u8>>>(16_384);
        let _ = shared.gossip.set(out);
        let gossip = service.gossip();
        tokio::spawn(async move {
            while let Some(first) = queued.recv().await {
                let mut batch = vec![first.as_ref().clone()];
                let mut bytes = first.len();
                let deadline = tokio::time::Instant::now() + GOSSIP_LINGER;
                while batch.len() < GOSSIP_BATCH && bytes < GOSSIP_BATCH_BYTES {
                    match tokio::time::timeout_at(deadline, queued.recv()).await {
                        Ok(Some(tx)) => {
                            bytes = bytes.saturating_add(tx.len());
                            batch.push(tx.as_ref().clone());
                        }
                        Ok(None) | Err(_) => break,
                    }
                }
                if !gossip.send(batch.encode()) {
                    tracing::debug!("gossip queue full; a batch stays local");
                }
            }
        });
        shared.metrics.set_extra(Arc::new(service.metrics_source()));
        Ok(Some(Box::new(RunningSimplex { service })))
    }
}

struct RunningSimplex {
    service: Service,
}

impl RunningEngine for RunningSimplex {
    fn failure(&self) -> Option<String> {
        if let Some(halted) = self.service.progress().halted() {
            return Some(halted.to_string());
        }
        self.service
            .is_finished()
            .then(|| "the consensus engine stopped".to_string())
    }

    fn stop(self: Box<Self>) -> Result<(), String> {
        self.service.stop().map_err(|e| e.to_string())
    }
}

/// A peer's gossip: each transaction checked and offered to the pool (not gossiped again:
/// the sender reached every validator itself).
fn receive(shared: &Shared, message: &[u8]) {
    let Ok(batch) = Vec::<Vec<u8>>::decode(&mut &message[..]) else {
        tracing::debug!("a peer gossiped a message that does not decode");
        return;
    };
    for bytes in batch.into_iter().take(GOSSIP_BATCH) {
        let (xt, checked) = match crate::rpc::check_gossiped(shared, &bytes) {
            Ok(x) => x,
            Err(e) => {
                tracing::debug!(error = %e, "a gossiped transaction was refused");
                continue;
            }
        };
        let hash = cortex_runtime::extrinsic_hash(&bytes);
        let (reply, _) = tokio::sync::oneshot::channel();
        let _ = shared.requests.send(Request::Submit {
            xt: Box::new(xt),
            checked,
            bytes: Arc::new(bytes),
            hash,
            watcher: None,
            reply,
        });
    }
}
