//! A validator on a real machine: commonware's tokio runtime on threads of its own, the
//! authenticated p2p network (`lookup`: every authority's address comes from the chain spec,
//! connections are encrypted and authenticated by the consensus keys), the [validator], and a
//! gossip channel on which the chain spreads its transactions to the other authorities.
//!
//! The chain (the node) stays on its own runtime; the two meet only through the
//! [`Application`] calls and the gossip callbacks, so the node never names a commonware type.
//!
//! [validator]: crate::validator

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use commonware_cryptography::ChaCha20Poly1305;
use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
use commonware_p2p::authenticated::lookup;
use commonware_p2p::{
    Address, AddressableManager, AddressableTrackedPeers, Receiver as _, Recipients, Sender as _,
};
use commonware_runtime::{Clock, Metrics as _, Runner as _, Spawner, Supervisor as _, tokio};
use commonware_stream::cups::{self, Cups};
use commonware_stream::sake::{self, Sake};
use commonware_utils::ordered::{Map, Set};
use commonware_utils::{NZU32, NZUsize};
use futures::StreamExt;

use crate::app::{Application, Progress};
use crate::block::Block;
use crate::validator::{
    Channels, ConsensusError, MAX_MESSAGE_BYTES, QUOTA, Timeouts, ValidatorConfig, channel,
    start_validator,
};

/// The gossip channel (the chain's transactions), next to the validator's five.
pub const GOSSIP: u64 = 5;

/// The largest gossip message (a batch of transactions).
pub const MAX_GOSSIP_BYTES: usize = 4 << 20;

/// How one validator runs.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// The chain's consensus namespace.
    pub namespace: Vec<u8>,
    /// This validator's key.
    pub signer: PrivateKey,
    /// The authority set and each authority's p2p address.
    pub authorities: Vec<(PublicKey, SocketAddr)>,
    /// The chain's full nodes and their p2p addresses (peers that follow, never vote).
    pub full_nodes: Vec<(PublicKey, SocketAddr)>,
    /// Whether this node is one of the full nodes (else one of the authorities).
    pub follower: bool,
    /// Where this validator's p2p port listens.
    pub listen: SocketAddr,
    /// Whether peers on private and loopback addresses are allowed (a local or LAN network).
    pub allow_private_ips: bool,
    /// The directory of the consensus journals and archives (keep it across restarts).
    pub storage_dir: PathBuf,
    /// The genesis block.
    pub genesis: Block,
    /// The voting timeouts.
    pub timeouts: Timeouts,
    /// The chain's block time.
    pub block_time: Duration,
    /// Threads of the consensus runtime.
    pub worker_threads: usize,
}

/// What the chain hears from the gossip channel: a peer's batch of transactions, opaque.
pub type GossipHandler = Arc<dyn Fn(Vec<u8>) + Send + Sync>;

/// A running validator service.
pub struct Service {
    stop: Option<futures::channel::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ConsensusError>>>,
    gossip: futures::channel::mpsc::Sender<Vec<u8>>,
    metrics: Arc<Mutex<String>>,
    progress: Progress,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").finish_non_exhaustive()
    }
}

/// A handle to send gossip from any thread.
#[derive(Clone, Debug)]
pub struct GossipSender(futures::channel::mpsc::Sender<Vec<u8>>);

impl GossipSender {
    /// Queues `message` for every peer; dropped (false) when the queue is full or the
    /// service stopped. Gossip is best effort: the sender keeps its own copy.
    pub fn send(&self, message: Vec<u8>) -> bool {
        self.0.clone().try_send(message).is_ok()
    }
}

impl Service {
    /// Starts the validator on its own runtime. `on_gossip` runs on the consensus runtime's
    /// threads for each message peers gossip (it should hand the work off quickly).
    pub fn start<A: Application>(
        config: ServiceConfig,
        app: A,
        on_gossip: GossipHandler,
    ) -> Result<Service, ConsensusError> {
        let (stop, stopped) = futures::channel::oneshot::channel();
        let (gossip, outbound) = futures::channel::mpsc::channel(1024);
        let metrics = Arc::new(Mutex::new(String::new()));
        let progress = Progress::default();
        let (thread_metrics, thread_progress) = (metrics.clone(), progress.clone());
        let runtime = tokio::Config::new()
            .with_worker_threads(config.worker_threads.max(1))
            .with_storage_directory(config.storage_dir.clone())
            .with_tcp_nodelay(Some(true))
            .with_catch_panics(false);
        let thread = std::thread::Builder::new()
            .name("cortex-consensus".into())
            .spawn(move || {
                tokio::Runner::new(runtime).start(move |context| {
                    let wiring = Wiring {
                        on_gossip,
                        outbound,
                        stopped,
                        metrics: thread_metrics,
                        progress: thread_progress,
                    };
                    run(context, config, app, wiring)
                })
            })
            .map_err(|e| ConsensusError::Thread(e.to_string()))?;
        Ok(Service {
            stop: Some(stop),
            thread: Some(thread),
            gossip,
            metrics,
            progress,
        })
    }

    /// A sender for gossip.
    pub fn gossip(&self) -> GossipSender {
        GossipSender(self.gossip.clone())
    }

    /// commonware's metrics (p2p peers, simplex views and timeouts, marshal heights), in the
    /// Prometheus text format, refreshed every second.
    pub fn metrics(&self) -> String {
        self.metrics
            .lock()
            .map(|m| m.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// A reader of [`Service::metrics`] that outlives borrows (for a metrics endpoint).
    pub fn metrics_source(&self) -> impl Fn() -> String + Send + Sync + 'static {
        let metrics = self.metrics.clone();
        move || {
            metrics
                .lock()
                .map(|m| m.clone())
                .unwrap_or_else(|e| e.into_inner().clone())
        }
    }

    /// What the validator applied since it started, and why it stopped if it did.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Whether the service stopped by itself (the chain halted, storage failed).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Stops the validator and waits for its threads; returns why it stopped if it stopped
    /// on an error first.
    pub fn stop(mut self) -> Result<(), ConsensusError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ConsensusError::Thread(
                "it panicked (the log has the message)".into(),
            )),
            None => Ok(()),
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// What connects the service's runtime to its handle.
struct Wiring {
    on_gossip: GossipHandler,
    outbound: futures::channel::mpsc::Receiver<Vec<u8>>,
    stopped: futures::channel::oneshot::Receiver<()>,
    metrics: Arc<Mutex<String>>,
    progress: Progress,
}

async fn run<A: Application>(
    context: tokio::Context,
    config: ServiceConfig,
    app: A,
    wiring: Wiring,
) -> Result<(), ConsensusError> {
    let Wiring {
        on_gossip,
        mut outbound,
        stopped,
        metrics,
        progress,
    } = wiring;
    let handshake = Cups::<_, ChaCha20Poly1305>::new(
        Sake {
            signer: config.signer.clone(),
            synchrony_bound: Duration::from_secs(5),
            max_handshake_age: Duration::from_secs(10),
            version: sake::Version::V1,
        },
        cups::Version::V1,
    );
    let peers = config.authorities.len();
    let mut p2p = lookup::Config::recommended(
        handshake,
        &config.namespace,
        config.listen,
        NZUsize!(64),
        MAX_MESSAGE_BYTES,
        NZUsize!(1024),
    );
    if config.allow_private_ips {
        // A network on one host or a LAN: loopback and private addresses, quick redials.
        p2p = lookup::Config::local(
            p2p.handshake,
            &config.namespace,
            config.listen,
            NZUsize!(64),
            MAX_MESSAGE_BYTES,
            NZUsize!(1024),
        );
    }
    let (mut network, mut oracle) = lookup::Network::new(context.child("network"), p2p);
    let participants = Set::from_iter_dedup(config.authorities.iter().map(|(k, _)| k.clone()));
    let map = |peers: &[(PublicKey, SocketAddr)]| -> Map<PublicKey, Address> {
        Map::from_iter_dedup(
            peers
                .iter()
                .map(|(k, a)| (k.clone(), Address::Symmetric(*a))),
        )
    };
    // Authorities are primary (dialed, drive progress); full nodes secondary (they dial the
    // authorities, receive what is broadcast and may fetch blocks).
    let _ = oracle.track(
        0,
        AddressableTrackedPeers::new(map(&config.authorities), map(&config.full_nodes)),
    );
    let channels = Channels {
        votes: network.register(channel::VOTES, QUOTA),
        certificates: network.register(channel::CERTIFICATES, QUOTA),
        resolver: network.register(channel::RESOLVER, QUOTA),
        backfill: network.register(channel::BACKFILL, QUOTA),
        blocks: network.register(channel::BLOCKS, QUOTA),
    };
    let (mut gossip_out, mut gossip_in) =
        network.register(GOSSIP, commonware_runtime::Quota::per_second(NZU32!(256)));
    network.start();
    tracing::info!(
        listen = %config.listen,
        authorities = peers,
        "consensus: p2p started"
    );

    // Transactions to every peer, batched by the sender; from peers to the chain.
    context.child("gossip_out").spawn(move |_| async move {
        while let Some(message) = outbound.next().await {
            if message.len() <= MAX_GOSSIP_BYTES {
                let _ = gossip_out.send(Recipients::All, message, false);
            }
        }
    });
    context.child("gossip_in").spawn(move |_| async move {
        while let Ok((_, message)) = gossip_in.recv().await {
            if message.len() <= MAX_GOSSIP_BYTES {
                on_gossip(message.as_ref().to_vec());
            }
        }
    });
    let encoder = context.child("metrics_encoder");
    context.child("metrics").spawn(move |ctx| async move {
        loop {
            let text = encoder.encode();
            match metrics.lock() {
                Ok(mut m) => *m = text,
                Err(e) => *e.into_inner() = text,
            }
            ctx.sleep(Duration::from_secs(1)).await;
        }
    });

    let validator = start_validator(
        context.child("validator"),
        ValidatorConfig {
            namespace: config.namespace.clone(),
            signer: config.signer,
            participants,
            genesis: config.genesis,
            partition_prefix: "validator".into(),
            timeouts: config.timeouts,
            block_time: config.block_time,
            follower: config.follower,
        },
        channels,
        oracle.clone(),
        oracle,
        app,
        progress,
    );
    match futures::future::select(validator, stopped).await {
        futures::future::Either::Left((Ok(result), _)) => result,
        futures::future::Either::Left((Err(e), _)) => Err(ConsensusError::Thread(format!(
            "the validator task ended: {e}"
        ))),
        // Asked to stop: returning ends the runtime and every task under it.
        futures::future::Either::Right(_) => Ok(()),
    }
}
