//! Prometheus metrics, served as text at `/metrics` on `--prometheus-port`.
//!
//! Three groups:
//! - **Substrate's names**, so that the dashboards and alerts written for Substrate nodes read a
//!   Cortex node unchanged: `substrate_block_height{status="best|finalized"}`,
//!   `substrate_ready_transactions_number`, `substrate_proposer_*`, `substrate_rpc_calls_*`,
//!   `substrate_rpc_requests_*`, `substrate_rpc_sessions_*`, `substrate_build_info`, … Substrate's
//!   counters carry no `_total` suffix, which prometheus-client always adds, so those are
//!   written by hand ([`Metrics::render`]).
//! - **The process**: `process_resident_memory_bytes`, `process_cpu_seconds_total`,
//!   `process_open_fds`, … (the names every Prometheus dashboard reads), from `/proc/self`.
//! - **Cortex's own** (`cortex_*`): RPC calls and latency by method, state_call time, block and
//!   block-step time, pool sizes, RPC connections, database size.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type Labels = Vec<(String, String)>;

/// Substrate's RPC latency buckets, in microseconds (its `substrate_rpc_calls_time` unit).
const RPC_MICROS_BUCKETS: [f64; 11] = [
    5.0,
    25.0,
    100.0,
    500.0,
    1_000.0,
    2_500.0,
    10_000.0,
    25_000.0,
    100_000.0,
    1_000_000.0,
    10_000_000.0,
];

/// The transport a call came in on (Substrate's `protocol` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// Plain HTTP POST.
    Http,
    /// A WebSocket session.
    Ws,
}

impl Protocol {
    fn label(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Ws => "ws",
        }
    }
}

/// Counters of one method on one protocol.
#[derive(Default)]
struct CallCounts {
    started: u64,
    ok: u64,
    err: u64,
}

/// A source of more metrics text (Prometheus format), rendered with every scrape.
pub type ExtraMetrics = std::sync::Arc<dyn Fn() -> String + Send + Sync>;

/// The node's metrics.
pub struct Metrics {
    registry: Registry,
    height: Gauge,
    finalized: Gauge,
    block_height: Family<Labels, Gauge>,
    pool_ready: Gauge,
    pool_future: Gauge,
    ready_transactions: Gauge,
    rpc_calls: Family<Labels, Counter>,
    rpc_seconds: Family<Labels, Histogram>,
    rpc_micros: Family<Labels, Histogram>,
    state_call_seconds: Family<Labels, Histogram>,
    block_seconds: Histogram,
    proposer_constructed: Histogram,
    proposer_transactions: Gauge,
    block_step_seconds: Histogram,
    block_extrinsics: Counter,
    events: Counter,
    rpc_connections: Gauge,
    rpc_connections_refused: Counter,
    rpc_subscriptions_dropped: Counter,
    /// Substrate's call counters, by (protocol, method).
    calls: Mutex<BTreeMap<(Protocol, &'static str), CallCounts>>,
    requests_started: [AtomicU64; 2],
    requests_finished: [AtomicU64; 2],
    sessions_opened: AtomicU64,
    sessions_closed: AtomicU64,
    started_at: i64,
    database: Mutex<Option<PathBuf>>,
    /// More metrics text to serve (the consensus engine's).
    extra: Mutex<Option<ExtraMetrics>>,
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

fn micros_histogram() -> Histogram {
    Histogram::new(RPC_MICROS_BUCKETS)
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

fn index(p: Protocol) -> usize {
    match p {
        Protocol::Http => 0,
        Protocol::Ws => 1,
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let height = Gauge::default();
        let finalized = Gauge::default();
        let block_height = Family::<Labels, Gauge>::default();
        let pool_ready = Gauge::default();
        let pool_future = Gauge::default();
        let ready_transactions = Gauge::default();
        let rpc_calls = Family::<Labels, Counter>::default();
        let rpc_seconds = Family::<Labels, Histogram>::new_with_constructor(latency_histogram);
        let rpc_micros = Family::<Labels, Histogram>::new_with_constructor(micros_histogram);
        let state_call_seconds =
            Family::<Labels, Histogram>::new_with_constructor(latency_histogram);
        let block_seconds = latency_histogram();
        let proposer_constructed = latency_histogram();
        let proposer_transactions = Gauge::default();
        let block_step_seconds = latency_histogram();
        let block_extrinsics = Counter::default();
        let events = Counter::default();
        let rpc_connections = Gauge::default();
        let rpc_connections_refused = Counter::default();
        let rpc_subscriptions_dropped = Counter::default();
        let started_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        {
            let s = registry.sub_registry_with_prefix("substrate");
            s.register(
                "block_height",
                "Block height info of the chain",
                block_height.clone(),
            );
            s.register(
                "ready_transactions_number",
                "Number of transactions in the ready queue",
                ready_transactions.clone(),
            );
            s.register(
                "proposer_block_constructed",
                "Histogram of time taken to construct new block",
                proposer_constructed.clone(),
            );
            s.register(
                "proposer_number_of_transactions",
                "Number of transactions included in block",
                proposer_transactions.clone(),
            );
            s.register(
                "rpc_calls_time",
                "Total time [μs] of processed RPC calls",
                rpc_micros.clone(),
            );
            let leaves = Gauge::<i64>::default();
            leaves.set(1);
            s.register(
                "number_leaves",
                "Number of known chain leaves (aka forks)",
                leaves,
            );
            let start = Gauge::<i64>::default();
            start.set(started_at);
            s.register(
                "process_start_time_seconds",
                "Number of seconds between the UNIX epoch and the moment the process started",
                start,
            );
            let peers = Gauge::<i64>::default();
            s.register("sub_libp2p_peers_count", "Number of connected peers", peers);
            let build = Family::<Labels, Gauge>::default();
            build
                .get_or_create(&vec![
                    ("name".to_string(), "cortex-node".to_string()),
                    ("version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
                    ("chain".to_string(), "dev".to_string()),
                ])
                .set(1);
            s.register(
                "build_info",
                "A metric with a constant '1' value labeled by name, version",
                build,
            );
        }
        {
            let c = registry.sub_registry_with_prefix("cortex");
            c.register("block_height", "Best block number", height.clone());
            c.register(
                "finalized_height",
                "Finalized block number",
                finalized.clone(),
            );
            c.register(
                "pool_ready",
                "Transactions ready for the next block",
                pool_ready.clone(),
            );
            c.register(
                "pool_future",
                "Transactions waiting for an earlier nonce",
                pool_future.clone(),
            );
            c.register("rpc_calls", "JSON-RPC calls by method", rpc_calls.clone());
            c.register(
                "rpc_seconds",
                "JSON-RPC call latency by method",
                rpc_seconds.clone(),
            );
            c.register(
                "rpc_connections",
                "Open RPC connections (TCP, WebSocket and HTTP alike)",
                rpc_connections.clone(),
            );
            c.register(
                "rpc_connections_refused",
                "RPC connections refused at the total or per-IP limit",
                rpc_connections_refused.clone(),
            );
            c.register(
                "rpc_subscriptions_dropped",
                "Subscriptions ended because their client did not read its notifications",
                rpc_subscriptions_dropped.clone(),
            );
            c.register(
                "state_call_seconds",
                "Runtime API (state_call) execution time by method",
                state_call_seconds.clone(),
            );
            c.register(
                "block_seconds",
                "Time to build, execute and commit a block",
                block_seconds.clone(),
            );
            c.register(
                "block_step_seconds",
                "Time of the block step (coinbase and epochs) at block start",
                block_step_seconds.clone(),
            );
            c.register(
                "block_extrinsics",
                "Signed extrinsics included in blocks",
                block_extrinsics.clone(),
            );
            c.register("events", "Events deposited", events.clone());
        }
        Metrics {
            registry,
            height,
            finalized,
            block_height,
            pool_ready,
            pool_future,
            ready_transactions,
            rpc_calls,
            rpc_seconds,
            rpc_micros,
            state_call_seconds,
            block_seconds,
            proposer_constructed,
            proposer_transactions,
            block_step_seconds,
            block_extrinsics,
            events,
            rpc_connections,
            rpc_connections_refused,
            rpc_subscriptions_dropped,
            calls: Mutex::new(BTreeMap::new()),
            requests_started: [AtomicU64::new(0), AtomicU64::new(0)],
            requests_finished: [AtomicU64::new(0), AtomicU64::new(0)],
            sessions_opened: AtomicU64::new(0),
            sessions_closed: AtomicU64::new(0),
            started_at,
            database: Mutex::new(None),
            extra: Mutex::new(None),
        }
    }

    /// A new head (final at once on the dev chain).
    pub fn set_height(&self, number: u32) {
        self.height.set(i64::from(number));
        self.finalized.set(i64::from(number));
        for status in ["best", "finalized"] {
            self.block_height
                .get_or_create(&vec![("status".to_string(), status.to_string())])
                .set(i64::from(number));
        }
    }

    /// Pool sizes.
    pub fn set_pool(&self, ready: usize, future: usize) {
        let ready = i64::try_from(ready).unwrap_or(i64::MAX);
        self.pool_ready.set(ready);
        self.ready_transactions.set(ready);
        self.pool_future
            .set(i64::try_from(future).unwrap_or(i64::MAX));
    }

    /// Adds a source of more metrics (the consensus engine's).
    pub fn set_extra(&self, extra: ExtraMetrics) {
        match self.extra.lock() {
            Ok(mut e) => *e = Some(extra),
            Err(e) => *e.into_inner() = Some(extra),
        }
    }

    /// Where the database file is (its size is a metric).
    pub fn set_database(&self, path: PathBuf) {
        if let Ok(mut d) = self.database.lock() {
            *d = Some(path);
        }
    }

    /// One RPC call of a known method starts (Substrate's `calls_started`).
    pub fn rpc_call_started(&self, protocol: Protocol, method: &'static str) {
        if let Ok(mut calls) = self.calls.lock() {
            let c = calls.entry((protocol, method)).or_default();
            c.started = c.started.saturating_add(1);
        }
    }

    /// One RPC call ended, after `took`.
    pub fn rpc_call_finished(
        &self,
        protocol: Protocol,
        method: &'static str,
        is_error: bool,
        took: Duration,
    ) {
        if let Ok(mut calls) = self.calls.lock() {
            let c = calls.entry((protocol, method)).or_default();
            if is_error {
                c.err = c.err.saturating_add(1);
            } else {
                c.ok = c.ok.saturating_add(1);
            }
        }
        self.observe_rpc(method, took);
        self.rpc_micros
            .get_or_create(&vec![
                ("protocol".to_string(), protocol.label().to_string()),
                ("method".to_string(), method.to_string()),
            ])
            .observe(took.as_secs_f64() * 1e6);
    }

    /// One request (a call or a batch) received.
    pub fn rpc_request_started(&self, protocol: Protocol) {
        if let Some(c) = self.requests_started.get(index(protocol)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// One request answered.
    pub fn rpc_request_finished(&self, protocol: Protocol) {
        if let Some(c) = self.requests_finished.get(index(protocol)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A WebSocket session opened or closed.
    pub fn rpc_session(&self, opened: bool) {
        let c = if opened {
            &self.sessions_opened
        } else {
            &self.sessions_closed
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// A TCP connection to the RPC port opened (`+1`) or closed (`-1`).
    pub fn rpc_connection(&self, delta: i64) {
        self.rpc_connections.inc_by(delta);
    }

    /// A connection refused at a limit.
    pub fn rpc_connection_refused(&self) {
        self.rpc_connections_refused.inc();
    }

    /// A subscription dropped because its client did not keep up.
    pub fn rpc_subscription_dropped(&self) {
        self.rpc_subscriptions_dropped.inc();
    }

    /// One RPC call, in Cortex's own metrics.
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
        self.proposer_constructed.observe(took.as_secs_f64());
        let n = u64::try_from(extrinsics).unwrap_or(u64::MAX);
        self.proposer_transactions
            .set(i64::try_from(n).unwrap_or(i64::MAX));
        self.block_extrinsics.inc_by(n);
        self.events
            .inc_by(u64::try_from(events).unwrap_or(u64::MAX));
    }

    /// One block step.
    pub fn observe_block_step(&self, took: Duration) {
        self.block_step_seconds.observe(took.as_secs_f64());
    }

    /// The text exposition: Substrate's counters and the process, then the registry.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(16 * 1024);
        self.render_substrate_counters(&mut out);
        render_process(&mut out, self.started_at);
        let db_bytes = self
            .database
            .lock()
            .ok()
            .and_then(|d| d.as_ref().and_then(|p| std::fs::metadata(p).ok()))
            .map_or(0, |m| i64::try_from(m.len()).unwrap_or(i64::MAX));
        let _ = writeln!(
            out,
            "# HELP cortex_database_size_bytes Size of the chain database file\n# TYPE cortex_database_size_bytes gauge\ncortex_database_size_bytes {db_bytes}"
        );
        let extra = match self.extra.lock() {
            Ok(e) => e.clone(),
            Err(e) => e.into_inner().clone(),
        };
        if let Some(extra) = extra {
            // The engine's own metrics (commonware's p2p, simplex, marshal), before the
            // registry's `# EOF`.
            for line in extra().lines().filter(|l| !l.starts_with("# EOF")) {
                out.push_str(line);
                out.push('\n');
            }
        }
        let mut registry = String::new();
        if encode(&mut registry, &self.registry).is_ok() {
            out.push_str(&registry);
        }
        out
    }

    fn render_substrate_counters(&self, out: &mut String) {
        type Row = ((Protocol, &'static str), (u64, u64, u64));
        let calls: Vec<Row> = match self.calls.lock() {
            Ok(c) => c
                .iter()
                .map(|(k, v)| (*k, (v.started, v.ok, v.err)))
                .collect(),
            Err(_) => Vec::new(),
        };
        let _ = writeln!(
            out,
            "# HELP substrate_rpc_calls_started Number of received RPC calls (unique un-batched requests)\n# TYPE substrate_rpc_calls_started counter"
        );
        for ((p, m), (started, _, _)) in &calls {
            let _ = writeln!(
                out,
                "substrate_rpc_calls_started{{protocol=\"{}\",method=\"{m}\"}} {started}",
                p.label()
            );
        }
        let _ = writeln!(
            out,
            "# HELP substrate_rpc_calls_finished Number of processed RPC calls (unique un-batched requests)\n# TYPE substrate_rpc_calls_finished counter"
        );
        for ((p, m), (_, ok, err)) in &calls {
            for (is_error, n) in [("false", ok), ("true", err)] {
                if *n > 0 {
                    let _ = writeln!(
                        out,
                        "substrate_rpc_calls_finished{{protocol=\"{}\",method=\"{m}\",is_error=\"{is_error}\"}} {n}",
                        p.label()
                    );
                }
            }
        }
        for (name, help, counters) in [
            (
                "substrate_rpc_requests_started",
                "Number of RPC requests (not calls) received by the server.",
                &self.requests_started,
            ),
            (
                "substrate_rpc_requests_finished",
                "Number of RPC requests (not calls) processed by the server.",
                &self.requests_finished,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for p in [Protocol::Http, Protocol::Ws] {
                let n = counters
                    .get(index(p))
                    .map_or(0, |c| c.load(Ordering::Relaxed));
                let _ = writeln!(out, "{name}{{protocol=\"{}\"}} {n}", p.label());
            }
        }
        for (name, help, n) in [
            (
                "substrate_rpc_sessions_opened",
                "Number of persistent RPC sessions opened",
                &self.sessions_opened,
            ),
            (
                "substrate_rpc_sessions_closed",
                "Number of persistent RPC sessions closed",
                &self.sessions_closed,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                n.load(Ordering::Relaxed)
            );
        }
    }
}

/// The process's own figures from `/proc/self` (Linux; elsewhere nothing is written).
fn render_process(out: &mut String, started_at: i64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |field: &str| -> Option<u64> {
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map(|v| v.saturating_mul(1024))
    };
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces, hence the last ')').
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok());
    // utime and stime are fields 14 and 15 of the file, 11 and 12 after the name; Linux counts
    // them in USER_HZ, which is 100 on every architecture it exposes to user space.
    let cpu = match (field(11), field(12)) {
        (Some(u), Some(s)) => Some(u.saturating_add(s) as f64 / 100.0),
        _ => None,
    };
    let threads = field(17);
    let fds = std::fs::read_dir("/proc/self/fd").map(|d| d.count()).ok();
    if let Some(rss) = kib("VmRSS:") {
        let _ = writeln!(
            out,
            "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {rss}"
        );
    }
    if let Some(vm) = kib("VmSize:") {
        let _ = writeln!(
            out,
            "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes {vm}"
        );
    }
    if let Some(cpu) = cpu {
        let _ = writeln!(
            out,
            "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {cpu}"
        );
    }
    if let Some(t) = threads {
        let _ = writeln!(
            out,
            "# HELP process_threads Number of OS threads in the process.\n# TYPE process_threads gauge\nprocess_threads {t}"
        );
    }
    if let Some(fds) = fds {
        let _ = writeln!(
            out,
            "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\nprocess_open_fds {fds}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds {started_at}"
    );
}

/// Serves `/metrics` on `listener` until the task is dropped. Any path answers the metrics;
/// the endpoint is for scrapers, so a minimal HTTP/1.1 answer is enough. At most 16 scrapes
/// are served at once; more wait in the listen queue.
pub async fn serve(listener: TcpListener, metrics: std::sync::Arc<Metrics>) {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(16));
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut buf = [0u8; 2048];
            // Read the request head; its content does not matter.
            let _ = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await;
            let body = metrics.render();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                body
            );
            let _ = tokio::time::timeout(Duration::from_secs(5), async {
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            })
            .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrate_names_are_rendered_without_a_total_suffix_on_counters() {
        let m = Metrics::new();
        m.set_height(7);
        m.set_pool(3, 1);
        m.rpc_call_started(Protocol::Ws, "system_health");
        m.rpc_call_finished(
            Protocol::Ws,
            "system_health",
            false,
            Duration::from_micros(40),
        );
        m.rpc_request_started(Protocol::Http);
        m.rpc_session(true);
        let text = m.render();
        for line in [
            "substrate_block_height{status=\"best\"} 7",
            "substrate_block_height{status=\"finalized\"} 7",
            "substrate_ready_transactions_number 3",
            "substrate_rpc_calls_started{protocol=\"ws\",method=\"system_health\"} 1",
            "substrate_rpc_calls_finished{protocol=\"ws\",method=\"system_health\",is_error=\"false\"} 1",
            "substrate_rpc_requests_started{protocol=\"http\"} 1",
            "substrate_rpc_sessions_opened 1",
            "substrate_rpc_calls_time_bucket{",
            "cortex_rpc_calls_total{method=\"system_health\"} 1",
            "cortex_database_size_bytes 0",
            "process_start_time_seconds ",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        #[cfg(target_os = "linux")]
        for line in [
            "process_resident_memory_bytes ",
            "process_cpu_seconds_total ",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}
