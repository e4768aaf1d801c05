//! A validator's fan-out, measured: `--miners` axons on 127.0.0.1 (each its own hotkey and port,
//! each answering after a known delay, the slowest `--slowest-ms`), and one [`Dendrite::query`]
//! over all of them per round. The figure is what the round costs above the slowest miner:
//! signing every call, sending, reading and checking every answer. See docs/benchmarks.md.
//!
//! ```text
//! fanout_bench --miners 256 --rounds 50 --slowest-ms 100
//! ```
//!
//! The axons run on a runtime of their own (`--axon-threads`), the dendrite on another
//! (`--dendrite-threads`), so the validator's side is not measured on threads busy serving. On
//! a 2-core machine the two still share the cores, so the figure is an upper bound of what a
//! validator with remote miners pays.
//!
//! Two overheads are reported per round: above the nominal slowest delay, and above the largest
//! `axon.process_time` the answers carry (the miners' own account of their time, which also
//! holds their verify and sign work and the timer's slack).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use cortex_axon::{Axon, AxonConfig, AxonTarget, Dendrite, Synapse, SynapseBody};
use cortex_primitives::Sr25519Pair;
use serde::{Deserialize, Serialize};

#[derive(Parser)]
struct Args {
    /// Axons in the fan-out.
    #[arg(long, default_value_t = 256)]
    miners: usize,
    /// Rounds measured after the first (whose connection setup is reported apart).
    #[arg(long, default_value_t = 50)]
    rounds: usize,
    /// The slowest miner's delay, in ms; the others are spread evenly below it.
    #[arg(long, default_value_t = 100)]
    slowest_ms: u64,
    /// Worker threads serving the axons.
    #[arg(long, default_value_t = 1)]
    axon_threads: usize,
    /// Worker threads of the validator's runtime.
    #[arg(long, default_value_t = 1)]
    dendrite_threads: usize,
    /// Synapse timeout, in seconds.
    #[arg(long, default_value_t = 12.0)]
    timeout: f64,
    /// Also print the figures as one JSON line.
    #[arg(long)]
    json: bool,
}

/// The interop tests' synapse (echo_axon, axon_interop.py).
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

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let validator =
        Sr25519Pair::from_uri("//Validator").map_err(|e| anyhow::anyhow!("//Validator: {e}"))?;
    let axons = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.axon_threads.max(1))
        .thread_name("axons")
        .enable_all()
        .build()
        .context("axon runtime")?;
    let targets = axons.block_on(start_axons(&args, &validator))?;
    let dendrite_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.dendrite_threads.max(1))
        .thread_name("dendrite")
        .enable_all()
        .build()
        .context("dendrite runtime")?;
    dendrite_rt.block_on(measure(&args, validator, &targets))
}

/// Starts the miners; their delays are spread evenly up to `slowest_ms` and dealt out in a
/// scrambled order, so the slowest is not simply the last call the dendrite sends.
async fn start_axons(args: &Args, validator: &Sr25519Pair) -> anyhow::Result<Vec<AxonTarget>> {
    let n = args.miners.max(1);
    let stakes = Arc::new(RwLock::new(HashMap::from([(
        validator.public(),
        1_000_000_000u64,
    )])));
    // The delay rank of miner i is (i * step) mod n, a permutation of 0..n since step and n are
    // coprime; a step near n/2 scatters neighbours far apart.
    let step = (n / 2 + 1..n).find(|s| gcd(*s, n) == 1).unwrap_or(1);
    let mut targets = Vec::with_capacity(n);
    for i in 0..n {
        let rank = (i * step) % n;
        let delay = Duration::from_micros(args.slowest_ms * 1000 * (rank as u64 + 1) / n as u64);
        // A raw seed per miner: the dev phrase's PBKDF2 would cost more than the whole run.
        let seed = format!("0x{:064x}", i + 1);
        let pair = Sr25519Pair::from_uri(&seed).map_err(|e| anyhow::anyhow!("{seed}: {e}"))?;
        let axon = Axon::new(pair, stakes.clone())
            .config(AxonConfig::default())
            .attach(move |s: Synapse<Predict>| async move {
                tokio::time::sleep(delay).await;
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
        tokio::spawn(async move {
            if let Err(e) = axon.serve(listener, std::future::pending()).await {
                eprintln!("axon {addr}: {e}");
            }
        });
        targets.push(AxonTarget {
            ip: addr.ip().to_string(),
            port: addr.port(),
            hotkey,
        });
    }
    Ok(targets)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

async fn measure(
    args: &Args,
    validator: Sr25519Pair,
    targets: &[AxonTarget],
) -> anyhow::Result<()> {
    let dendrite = Dendrite::new(validator)?;
    let timeout = Duration::from_secs_f64(args.timeout);
    let slowest = args.slowest_ms as f64;
    let body = Predict {
        features: vec![1.5, 2.0, 0.25],
        meta: BTreeMap::new(),
        prediction: None,
    };
    let mut nominal = Vec::with_capacity(args.rounds);
    let mut measured = Vec::with_capacity(args.rounds);
    let mut first = None;
    let mut failures: BTreeMap<u16, u64> = BTreeMap::new();
    let mut cpu_before = None;
    for round in 0..=args.rounds {
        if round == 1 {
            cpu_before = thread_cpu();
        }
        let t0 = Instant::now();
        let outs = dendrite.query(targets, body.clone(), timeout).await;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let mut max_process = 0.0f64;
        for out in &outs {
            if !out.is_success() {
                *failures.entry(out.status_code()).or_default() += 1;
            }
            max_process = max_process.max(out.axon.process_time.unwrap_or(0.0) * 1000.0);
        }
        if round == 0 {
            first = Some(ms - slowest);
        } else {
            nominal.push(ms - slowest);
            measured.push(ms - max_process);
        }
        // A pause between rounds, as a validator has between its queries.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // CPU per measured round (the 20 ms pauses cost nothing), split by side.
    let per_round = |v: f64| v * 1000.0 / args.rounds.max(1) as f64;
    let cpu = cpu_before
        .zip(thread_cpu())
        .map(|((va, aa), (vb, ab))| (per_round(vb - va), per_round(ab - aa)));
    let (n50, n99, nmax) = stats(&mut nominal);
    let (m50, m99, mmax) = stats(&mut measured);
    let first = first.unwrap_or(0.0);
    println!(
        "{} miners, slowest {} ms, {} rounds (axon threads {}, dendrite threads {})",
        targets.len(),
        args.slowest_ms,
        args.rounds,
        args.axon_threads,
        args.dendrite_threads
    );
    println!("  first round (connections opened): +{first:.1} ms over the slowest delay");
    println!(
        "  over the slowest delay:           median {n50:.1} ms, p99 {n99:.1} ms, max {nmax:.1} ms"
    );
    println!(
        "  over the slowest process_time:    median {m50:.1} ms, p99 {m99:.1} ms, max {mmax:.1} ms"
    );
    if let Some((validator_ms, axons_ms)) = cpu {
        println!(
            "  CPU per round: validator {validator_ms:.1} ms ({:.0} µs per call), axons {axons_ms:.1} ms",
            validator_ms * 1000.0 / targets.len().max(1) as f64
        );
    }
    println!("  failed calls: {failures:?}");
    if args.json {
        let line = serde_json::json!({
            "miners": targets.len(),
            "slowest_ms": args.slowest_ms,
            "rounds": args.rounds,
            "first_round_over_slowest_ms": first,
            "over_slowest_ms": {"median": n50, "p99": n99, "max": nmax},
            "over_slowest_process_time_ms": {"median": m50, "p99": m99, "max": mmax},
            "failures": failures,
            "cpu_ms_per_round": cpu.map(|(v, a)| serde_json::json!({"validator": v, "axons": a})),
        });
        println!("{line}");
    }
    Ok(())
}

/// Median, p99 and max of `v` (sorted in place).
fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    v.sort_by(f64::total_cmp);
    let at = |p: f64| v[(((v.len() - 1) as f64) * p).round() as usize];
    (at(0.5), at(0.99), v[v.len() - 1])
}

/// CPU seconds so far of this process's threads: (validator side, axons), from Linux's
/// `/proc/self/task/*/stat` (clock ticks of 1/100 s); `None` elsewhere. Threads named `axons`
/// serve the miners; every other thread (main, `dendrite` workers) is the validator's.
fn thread_cpu() -> Option<(f64, f64)> {
    let (mut validator, mut axons) = (0.0, 0.0);
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let Ok(stat) = std::fs::read_to_string(task.ok()?.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat.get(open + 1..close).unwrap_or("");
        let fields: Vec<&str> = stat
            .get(close + 2..)
            .unwrap_or("")
            .split_whitespace()
            .collect();
        // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
        let ticks: f64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<f64>().ok()))
            .sum();
        if name.starts_with("axons") {
            axons += ticks / 100.0;
        } else {
            validator += ticks / 100.0;
        }
    }
    Some((validator, axons))
}
