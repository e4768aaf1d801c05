//! Prometheus metrics: chain height, finalized height, pool size, RPC calls and their latency,
//! block and block-step (epoch) time, served as text at `/metrics` on `--prometheus-port`.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type Labels = Vec<(String, String)>;

/// The node's metrics.
pub struct Metrics {
    registry: Registry,
    height: Gauge,
    finalized: Gauge,
    pool_ready: Gauge,
    pool_future: Gauge,
    rpc_calls: Family<Labels, Counter>,
    rpc_seconds: Family<Labels, Histogram>,
    state_call_seconds: Family<Labels, Histogram>,
    block_seconds: Histogram,
    block_step_seconds: Histogram,
    block_extrinsics: Counter,
    events: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    // 10 µs to ~10 s.
    Histogram::new(exponential_buckets(0.000_01, 4.0, 11))
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("cortex");
        let height = Gauge::default();
        let finalized = Gauge::default();
        let pool_ready = Gauge::default();
        let pool_future = Gauge::default();
        let rpc_calls = Family::<Labels, Counter>::default();
        let rpc_seconds = Family::<Labels, Histogram>::new_with_constructor(latency_histogram);
        let state_call_seconds =
            Family::<Labels, Histogram>::new_with_constructor(latency_histogram);
        let block_seconds = latency_histogram();
        let block_step_seconds = latency_histogram();
        let block_extrinsics = Counter::default();
        let events = Counter::default();
        registry.register("block_height", "Best block number", height.clone());
        registry.register(
            "finalized_height",
            "Finalized block number",
            finalized.clone(),
        );
        registry.register(
            "pool_ready",
            "Transactions ready for the next block",
            pool_ready.clone(),
        );
        registry.register(
            "pool_future",
            "Transactions waiting for an earlier nonce",
            pool_future.clone(),
        );
        registry.register("rpc_calls", "JSON-RPC calls by method", rpc_calls.clone());
        registry.register(
            "rpc_seconds",
            "JSON-RPC call latency by method",
            rpc_seconds.clone(),
        );
        registry.register(
            "state_call_seconds",
            "Runtime API (state_call) execution time by method",
            state_call_seconds.clone(),
        );
        registry.register(
            "block_seconds",
            "Time to build, execute and commit a block",
            block_seconds.clone(),
        );
        registry.register(
            "block_step_seconds",
            "Time of the block step (coinbase and epochs) at block start",
            block_step_seconds.clone(),
        );
        registry.register(
            "block_extrinsics",
            "Signed extrinsics included in blocks",
            block_extrinsics.clone(),
        );
        registry.register("events", "Events deposited", events.clone());
        Metrics {
            registry,
            height,
            finalized,
            pool_ready,
            pool_future,
            rpc_calls,
            rpc_seconds,
            state_call_seconds,
            block_seconds,
            block_step_seconds,
            block_extrinsics,
            events,
        }
    }

    /// A new head (final at once on the dev chain).
    pub fn set_height(&self, number: u32) {
        self.height.set(i64::from(number));
        self.finalized.set(i64::from(number));
    }

    /// Pool sizes.
    pub fn set_pool(&self, ready: usize, future: usize) {
        self.pool_ready
            .set(i64::try_from(ready).unwrap_or(i64::MAX));
        self.pool_future
            .set(i64::try_from(future).unwrap_or(i64::MAX));
    }

    /// One RPC call.
    pub fn observe_rpc(&self, method: &str, took: Duration) {
        let labels = vec![("method".to_string(), method.to_string())];
        self.rpc_calls.get_or_create(&labels).inc();
        self.rpc_seconds
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// One runtime-API execution.
    pub fn observe_state_call(&self, method: &str, took: Duration) {
        let labels = vec![("method".to_string(), method.to_string())];
        self.state_call_seconds
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// One produced block.
    pub fn observe_block(&self, took: Duration, extrinsics: usize, events: usize) {
        self.block_seconds.observe(took.as_secs_f64());
        self.block_extrinsics
            .inc_by(u64::try_from(extrinsics).unwrap_or(u64::MAX));
        self.events
            .inc_by(u64::try_from(events).unwrap_or(u64::MAX));
    }

    /// One block step.
    pub fn observe_block_step(&self, took: Duration) {
        self.block_step_seconds.observe(took.as_secs_f64());
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// A timer that records an RPC call's latency when dropped.
pub struct RpcTimer<'a> {
    metrics: &'a Metrics,
    method: &'static str,
    started: std::time::Instant,
}

impl<'a> RpcTimer<'a> {
    /// Starts timing `method`.
    pub fn start(metrics: &'a Metrics, method: &'static str) -> RpcTimer<'a> {
        RpcTimer {
            metrics,
            method,
            started: std::time::Instant::now(),
        }
    }
}

impl Drop for RpcTimer<'_> {
    fn drop(&mut self) {
        self.metrics
            .observe_rpc(self.method, self.started.elapsed());
    }
}

/// Serves `/metrics` on `listener` until the task is dropped. Any path answers the metrics;
/// the endpoint is for scrapers, so a minimal HTTP/1.1 answer is enough.
pub async fn serve(listener: TcpListener, metrics: std::sync::Arc<Metrics>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 2048];
            // Read the request head; its content does not matter.
            let _ = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await;
            let body = metrics.render();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                body
            );
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        });
    }
}
