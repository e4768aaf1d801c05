//! Starting and stopping a node: the database, the chain thread, the RPC server, the
//! subscription hub and the metrics endpoint, wired together.

use crate::chain::{self, BlockTime, Chain, ChainError, Shared};
use crate::engine::{DevAuthor, Engine, RunningEngine, Simplex};
use crate::metrics::{self, Metrics};
use crate::pool::PoolLimits;
use crate::server::RpcConfig;
use cortex_runtime::{DEV_AUTHOR, GenesisConfig, Runtime, dev_account};
use cortex_store::{ARCHIVE, Store, StoreError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How to run a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Where the database lives; `None` makes a temporary directory deleted at exit.
    pub base_path: Option<PathBuf>,
    /// The RPC listen address (WebSocket and HTTP).
    pub rpc_addr: SocketAddr,
    /// The Prometheus listen address, if any.
    pub prometheus_addr: Option<SocketAddr>,
    /// Block production; `None` uses the chain's own block time (250 ms on the dev chain).
    pub block_time: Option<BlockTime>,
    /// Pool limits.
    pub pool: PoolLimits,
    /// How many recent blocks' states stay readable ([`cortex_store::ARCHIVE`]: all of them).
    pub state_history: u32,
    /// The RPC server's limits and timeouts.
    pub rpc: RpcConfig,
    /// `None`: the dev chain's single author. `Some`: one validator of a chain spec, under
    /// simplex BFT consensus (`block_time` is then the chain's own).
    pub bft: Option<crate::engine::BftConfig>,
}

impl NodeConfig {
    /// The dev chain on `rpc_addr`, with defaults for everything else.
    pub fn dev(rpc_addr: SocketAddr) -> NodeConfig {
        NodeConfig {
            base_path: None,
            rpc_addr,
            prometheus_addr: None,
            block_time: None,
            pool: PoolLimits::default(),
            // An archive, as Substrate's `--dev` is: clients such as `btcli subnets price`
            // read state from hours back.
            state_history: ARCHIVE,
            rpc: RpcConfig::default(),
            bft: None,
        }
    }
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// Files could not be created.
    #[error("cannot prepare the base path {path}: {source}")]
    BasePath {
        /// The directory.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The chain could not start.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A listen address is taken or not allowed.
    #[error("cannot listen for {what} on {addr}: {source}; pick another port")]
    Listen {
        /// RPC or Prometheus.
        what: &'static str,
        /// The address.
        addr: SocketAddr,
        /// The reason.
        source: std::io::Error,
    },
    /// The RPC module could not be built (a programming error).
    #[error("RPC setup failed: {0}")]
    Rpc(String),
    /// The consensus engine could not start.
    #[error("the consensus engine could not start: {0}")]
    Engine(String),
}

/// A running node.
pub struct Node {
    /// The RPC address actually bound.
    pub rpc_addr: SocketAddr,
    /// The Prometheus address actually bound.
    pub prometheus_addr: Option<SocketAddr>,
    /// The genesis hash.
    pub genesis_hash: [u8; 32],
    /// How blocks are made (the chain's own block time unless the config chose one).
    pub block_time: BlockTime,
    /// The database directory.
    pub base_path: PathBuf,
    server: jsonrpsee::server::ServerHandle,
    chain_thread: Option<std::thread::JoinHandle<Result<(), StoreError>>>,
    shared: Arc<Shared>,
    metrics_task: Option<tokio::task::JoinHandle<()>>,
    hub_task: Option<tokio::task::JoinHandle<()>>,
    engine: Option<Box<dyn RunningEngine>>,
    _temp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("rpc_addr", &self.rpc_addr)
            .finish()
    }
}

/// Where the dev chain's database lives under `base_path`.
pub fn db_file(base_path: &std::path::Path) -> PathBuf {
    chain_db_file(base_path, "dev")
}

/// Where chain `name`'s database lives under `base_path`.
pub fn chain_db_file(base_path: &std::path::Path, name: &str) -> PathBuf {
    base_path
        .join("chains")
        .join(name)
        .join("db")
        .join("cortex.redb")
}

/// Starts a dev-chain node. Must run inside a tokio runtime.
pub async fn start(config: NodeConfig) -> Result<Node, NodeError> {
    let (base_path, temp) = match &config.base_path {
        Some(p) => (p.clone(), None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("cortex-dev-")
                .tempdir()
                .map_err(|source| NodeError::BasePath {
                    path: std::env::temp_dir(),
                    source,
                })?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let chain_name = config.bft.as_ref().map_or("dev", |b| b.name.as_str());
    let db_file = chain_db_file(&base_path, chain_name);
    let db_dir = db_file.parent().map(PathBuf::from).unwrap_or_default();
    std::fs::create_dir_all(&db_dir).map_err(|source| NodeError::BasePath {
        path: db_dir.clone(),
        source,
    })?;
    let store = Arc::new(Store::open(&db_file, config.state_history)?);

    let genesis = GenesisConfig::dev().map_err(|e| ChainError::Genesis(e.to_string()))?;
    let chain_block_time = Duration::from_millis(genesis.params.block_time_ms);
    let block_time = match &config.bft {
        // Under consensus the chain's block time is part of the chain: every validator must
        // refuse blocks stamped sooner, so no flag may change it.
        Some(_) => BlockTime::Every(chain_block_time),
        None => config
            .block_time
            .unwrap_or(BlockTime::Every(chain_block_time)),
    };
    let engine: Box<dyn Engine> = match config.bft.clone() {
        Some(bft) => Box::new(Simplex::new(bft, chain_block_time)),
        None => Box::new(DevAuthor(block_time)),
    };
    let slot_ms = match block_time {
        BlockTime::Every(d) => u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
        BlockTime::Instant => genesis.params.block_time_ms,
    };
    let runtime = Arc::new(Runtime::new(slot_ms));
    let metrics = Arc::new(Metrics::new());
    metrics.set_database(db_file);
    let author = dev_account(DEV_AUTHOR).ok();
    let mut chain = Chain::open(
        store.clone(),
        &genesis,
        author,
        config.pool,
        metrics.clone(),
        runtime.clone(),
    )?;
    let genesis_hash = chain.genesis_hash();
    let consensus_genesis = config
        .bft
        .as_ref()
        .map(|b| crate::bft::consensus_genesis(&b.namespace, &genesis_hash));
    if let Some(g) = &consensus_genesis {
        chain.follow(g.clone())?;
    }
    let (requests, requests_rx) = std::sync::mpsc::channel();
    let (heads, _) = tokio::sync::broadcast::channel(256);
    let shared = Arc::new(Shared {
        store,
        genesis_hash,
        head: std::sync::RwLock::new(chain.head().clone()),
        heads,
        requests,
        metrics: metrics.clone(),
        runtime,
        gossip: std::sync::OnceLock::new(),
    });

    let listener = tokio::net::TcpListener::bind(config.rpc_addr)
        .await
        .map_err(|source| NodeError::Listen {
            what: "RPC",
            addr: config.rpc_addr,
            source,
        })?;
    let rpc_addr = listener.local_addr().map_err(|source| NodeError::Listen {
        what: "RPC",
        addr: config.rpc_addr,
        source,
    })?;
    let calls = config.rpc.calls;
    let hub = crate::subs::Hub::new(
        calls.subscription_queue,
        calls.max_subscribed_keys,
        metrics.clone(),
    );
    let module = crate::rpc::module(shared.clone(), calls, hub.clone())
        .map_err(|e| NodeError::Rpc(e.to_string()))?;
    let hub_task = tokio::spawn(crate::subs::run(
        hub,
        shared.clone(),
        calls.max_response_bytes,
    ));

    let (metrics_task, prometheus_addr) = match config.prometheus_addr {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| NodeError::Listen {
                    what: "Prometheus",
                    addr,
                    source,
                })?;
            let bound = listener.local_addr().ok();
            (
                Some(tokio::spawn(metrics::serve(listener, metrics.clone()))),
                bound,
            )
        }
        None => (None, None),
    };

    let metrics_for_rpc = metrics;
    let production = engine.production();
    let thread_shared = shared.clone();
    let chain_thread = std::thread::Builder::new()
        .name("cortex-chain".into())
        .spawn(move || chain::run(chain, requests_rx, production, thread_shared))
        .map_err(|source| NodeError::BasePath {
            path: base_path.clone(),
            source,
        })?;
    let engine_dir = db_dir
        .parent()
        .map(|chain_dir| chain_dir.join("consensus"))
        .unwrap_or_else(|| base_path.join("consensus"));
    let running = match consensus_genesis {
        Some(genesis) => {
            let link = crate::bft::ChainLink::new(shared.requests.clone());
            match engine.start(link, shared.clone(), genesis, &engine_dir) {
                Ok(r) => r,
                Err(e) => {
                    let _ = shared.requests.send(crate::chain::Request::Stop);
                    return Err(NodeError::Engine(e));
                }
            }
        }
        None => None,
    };
    let server = crate::server::start(listener, module, config.rpc, metrics_for_rpc);
    Ok(Node {
        rpc_addr,
        prometheus_addr,
        genesis_hash,
        block_time,
        base_path,
        server,
        chain_thread: Some(chain_thread),
        shared,
        metrics_task,
        hub_task: Some(hub_task),
        engine: running,
        _temp: temp,
    })
}

impl Drop for Node {
    /// A node dropped without [`Node::stop`] still stops its chain thread.
    fn drop(&mut self) {
        if self.chain_thread.is_some() {
            let _ = self.shared.requests.send(crate::chain::Request::Stop);
        }
    }
}

impl Node {
    /// The shared chain view (for tests and tools in-process).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Why the consensus engine stopped by itself, if it did (the chain could not apply a
    /// finalized block: the node must exit, naming it).
    pub fn engine_failure(&self) -> Option<String> {
        self.engine.as_ref().and_then(|e| e.failure())
    }

    /// Whether the chain thread is still running (it stops only on a database failure).
    pub fn chain_running(&self) -> bool {
        self.chain_thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the RPC server and the chain thread, waits for them, and removes a temporary base
    /// path. Returns the chain thread's error, if it stopped on one.
    pub async fn stop(mut self) -> Result<(), StoreError> {
        // The engine first: it must not ask a stopping chain thread for anything.
        if let Some(engine) = self.engine.take()
            && let Ok(Err(e)) = tokio::task::spawn_blocking(move || engine.stop()).await
        {
            tracing::warn!(error = %e, "the consensus engine stopped on an error");
        }
        let _ = self.server.stop();
        self.server.clone().stopped().await;
        if let Some(t) = self.metrics_task.take() {
            t.abort();
        }
        if let Some(t) = self.hub_task.take() {
            t.abort();
        }
        let _ = self.shared.requests.send(crate::chain::Request::Stop);
        let chain_thread = self.chain_thread.take();
        match chain_thread.map(|t| tokio::task::spawn_blocking(move || t.join())) {
            Some(join) => match join.await {
                Ok(Ok(result)) => result,
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }
}
