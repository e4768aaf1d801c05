//! A load generator for axons: many signed `Predict` calls in flight from our [`Dendrite`] for a
//! fixed time, reporting requests per second, latency percentiles and the answers that were not
//! 200. It measures the axon figures of docs/benchmarks.md (scripts/perf/axon_rps.py runs it
//! against our axon and bittensor's Python one in the same run).
//!
//! ```text
//! axon_bench --target 127.0.0.1:PORT --axon-hotkey SS58   # an axon elsewhere (mode B)
//! axon_bench                                              # an axon in this process (mode A)
//! ```
//!
//! Each of the `--concurrency` workers owns a dendrite (its own session uuid) and keeps one call
//! in flight at a time. Why not one dendrite with many calls in flight: an axon, ours and
//! bittensor's alike, keeps the last nonce per `hotkey:uuid` and refuses a nonce that is not
//! newer, so concurrent calls of one session that overtake each other on the way get 401 by
//! design. A validator querying one axon sends one call at a time per session; many sessions
//! is the load many validators make.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use cortex_axon::{Axon, AxonConfig, AxonTarget, Dendrite, Synapse, SynapseBody};
use cortex_primitives::Sr25519Pair;
use serde::{Deserialize, Serialize};

#[derive(Parser)]
struct Args {
    /// The axon to load, `ip:port`; without it an axon is started in this process.
    #[arg(long, requires = "axon_hotkey")]
    target: Option<SocketAddr>,
    /// The target axon's hotkey, ss58 (part of what the dendrite signs).
    #[arg(long)]
    axon_hotkey: Option<String>,
    /// The callers' hotkey, as a secret URI (the target must admit it).
    #[arg(long, default_value = "//Validator")]
    uri: String,
    /// Calls in flight at once, one per dendrite session.
    #[arg(long, default_value_t = 128)]
    concurrency: usize,
    /// Seconds measured, after the warm-up.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of load before measuring (connections set up, caches warm).
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Synapse timeout of every call, in seconds.
    #[arg(long, default_value_t = 12.0)]
    timeout: f64,
    /// Runtime worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Also print the figures as one JSON line (for scripts).
    #[arg(long)]
    json: bool,
}

/// The synapse of the interop tests (echo_axon, axon_interop.py): Python declares the same.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Predict {
    features: Vec<f64>,
    #[serde(default)]
    meta: BTreeMap<String, f64>,
    prediction: Option<f64>,
}

impl SynapseBody for Predict {
    const NAME: &'static str = "Predict";
    const REQUIRED_HASH_FIELDS: &'static [&'static str] = &["features", "meta"];
    const REQUIRED_FIELDS: &'static [&'static str] = &["features"];
}

/// What one worker saw inside the measured window.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    codes: BTreeMap<u16, u64>,
    /// The first status message seen for each code other than 200, to tell refusals apart.
    messages: BTreeMap<u16, String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = args.threads {
        builder.worker_threads(n.max(1));
    }
    builder
        .build()
        .context("tokio runtime")?
        .block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let pair =
        Sr25519Pair::from_uri(&args.uri).map_err(|e| anyhow::anyhow!("--uri {}: {e}", args.uri))?;
    let (target, _stop) = match (args.target, &args.axon_hotkey) {
        (Some(addr), Some(hotkey)) => (
            AxonTarget {
                ip: addr.ip().to_string(),
                port: addr.port(),
                hotkey: hotkey.clone(),
            },
            None,
        ),
        _ => {
            let (target, stop) = local_axon(&pair, args.concurrency).await?;
            (target, Some(stop))
        }
    };
    let timeout = Duration::from_secs_f64(args.timeout);
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(args.warmup);
    let end = measure_from + Duration::from_secs_f64(args.duration);
    let body = Predict {
        features: vec![1.5, 2.0, 0.25],
        meta: BTreeMap::new(),
        prediction: None,
    };
    let mut workers = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency.max(1) {
        let dendrite = Dendrite::new(pair.clone())?;
        let target = target.clone();
        let body = body.clone();
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < end {
                let sent = Instant::now();
                let out = dendrite.call(&target, body.clone(), timeout).await;
                let done = Instant::now();
                // Counted by completion time: the window's rate is what finished inside it.
                if done >= measure_from && done <= end {
                    let us = done.duration_since(sent).as_micros();
                    tally
                        .latencies_us
                        .push(u32::try_from(us).unwrap_or(u32::MAX));
                    let code = out.status_code();
                    *tally.codes.entry(code).or_default() += 1;
                    if code != 200 {
                        tally.messages.entry(code).or_insert_with(|| {
                            out.dendrite.status_message.clone().unwrap_or_default()
                        });
                    }
                }
            }
            tally
        }));
    }
    // This process's CPU time over the measured window: the load generator's cost per call,
    // which on a shared machine is taken from the axon under test.
    let cpu = tokio::spawn(async move {
        tokio::time::sleep_until(measure_from.into()).await;
        let before = cpu_seconds();
        tokio::time::sleep_until(end.into()).await;
        before.zip(cpu_seconds()).map(|(a, b)| b - a)
    });
    let mut latencies = Vec::new();
    let mut codes: BTreeMap<u16, u64> = BTreeMap::new();
    let mut messages: BTreeMap<u16, String> = BTreeMap::new();
    for w in workers {
        let t = w.await.context("a worker died")?;
        latencies.extend(t.latencies_us);
        for (code, n) in t.codes {
            *codes.entry(code).or_default() += n;
        }
        for (code, m) in t.messages {
            messages.entry(code).or_insert(m);
        }
    }
    let cpu = cpu.await.ok().flatten();
    latencies.sort_unstable();
    let total = latencies.len() as u64;
    let ok = codes.get(&200).copied().unwrap_or(0);
    let rps = ok as f64 / args.duration;
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() - 1) as f64 * p).round() as usize;
        f64::from(latencies[i.min(latencies.len() - 1)]) / 1000.0
    };
    let (p50, p99) = (pct(0.50), pct(0.99));
    let non_200: BTreeMap<String, u64> = codes
        .iter()
        .filter(|(c, _)| **c != 200)
        .map(|(c, n)| (c.to_string(), *n))
        .collect();
    let cpu_us = cpu.map(|c| c * 1e6 / (total.max(1) as f64));
    println!(
        "{}:{} concurrency {} for {:.1}s: {ok} ok ({rps:.0} req/s), p50 {p50:.2} ms, p99 {p99:.2} ms, non-200 {:?}, load generator CPU {} µs/call",
        target.ip,
        target.port,
        args.concurrency,
        args.duration,
        non_200,
        cpu_us.map_or("?".to_string(), |c| format!("{c:.0}"))
    );
    for (code, m) in &messages {
        println!("  first {code}: {m}");
    }
    if args.json {
        let line = serde_json::json!({
            "target": format!("{}:{}", target.ip, target.port),
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "requests": total,
            "ok": ok,
            "rps": rps,
            "p50_ms": p50,
            "p99_ms": p99,
            "non_200": non_200,
            "client_cpu_us_per_call": cpu_us,
            "messages": messages.iter().map(|(c, m)| (c.to_string(), m.clone())).collect::<BTreeMap<_, _>>(),
        });
        println!("{line}");
    }
    Ok(())
}

/// Mode A: our axon, on this process's runtime, admitting the caller's hotkey.
async fn local_axon(
    caller: &Sr25519Pair,
    concurrency: usize,
) -> anyhow::Result<(AxonTarget, tokio::sync::oneshot::Sender<()>)> {
    let miner = Sr25519Pair::from_uri("//Miner").map_err(|e| anyhow::anyhow!("//Miner: {e}"))?;
    let stakes = HashMap::from([(caller.public(), 1_000_000_000u64)]);
    let axon = Axon::new(miner, Arc::new(RwLock::new(stakes)))
        // The waiting room holds every caller, so a full queue (503) is not what is measured.
        .config(AxonConfig {
            queue: concurrency.max(256),
            ..AxonConfig::default()
        })
        .attach(|s: Synapse<Predict>| async move {
            let sum = s.body.features.iter().sum();
            Ok(Predict {
                prediction: Some(sum),
                ..s.body
            })
        });
    let hotkey = axon.hotkey();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .context("bind")?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let stop = async {
            let _ = rx.await;
        };
        if let Err(e) = axon.serve(listener, stop).await {
            eprintln!("in-process axon: {e}");
        }
    });
    Ok((
        AxonTarget {
            ip: addr.ip().to_string(),
            port: addr.port(),
            hotkey,
        },
        tx,
    ))
}

/// User plus system CPU seconds of this process so far (Linux `/proc/self/stat`, in clock ticks
/// of 1/100 s); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
