//! Benchmark of the SDK end to end: signs `--count` `Balances.transfer_keep_alive` calls with
//! [`Client::sign`] (nonces counted by the client), submits them pipelined with
//! [`Client::submit_signed`], and waits until a block holds every one of them.
//!
//! ```text
//! target/release/cortex node --dev --instant          # or --block-time 250ms, in another shell
//! cargo run --release -p cortex-client --example transfers -- \
//!     [--url ws://127.0.0.1:9944] [--count 10000] [--senders 6] [--window 32] \
//!     [--connections 2] [--sign-tasks 1] [--max-pending 4096] [--era immortal|mortal] \
//!     [--period 64] [--sign-first]
//! ```
//!
//! The program starts nothing itself: it talks to whatever node `--url` names (a fresh dev chain,
//! whose six dev accounts are funded). The transfers are spread over `--senders` dev accounts
//! (//Alice, //Bob, …) so that no sender's share of the pool (64 transactions waiting for a
//! predecessor) is a bound; each sender's transactions go out in nonce order with at most
//! `--window` of them unanswered at once, over `--connections` WebSocket connections (one
//! [`Client`] each; a sender always uses the same one, so its nonces are counted in one place).
//!
//! Signing runs in `--sign-tasks` tasks per sender, on the runtime's two worker threads, and feeds
//! the submissions as it goes; `--sign-first` signs everything before the first submission instead,
//! to time the phases apart. `--era mortal` signs as [`TxOptions::default`] does (mortal for
//! `--period` blocks, 64: the client reads the best block and its birth block's hash for every
//! signature, two round trips that more `--sign-tasks` overlap); `immortal` (the default) needs
//! no read per signature. With `--instant` blocks a node makes hundreds of small blocks a second
//! under this load, so 64 blocks may pass before a transfer signed early is submitted: it is
//! refused as outdated, and its sender's later transfers wait behind the gap. Use a block time,
//! or a longer `--period`, with a mortal era.
//!
//! `--max-pending` bounds the transfers accepted by the node but not yet seen in a block, below
//! the pool's ready queue (8,192): a full pool answers 1016 ("Immediately Dropped"), and a client
//! that keeps retrying can keep the node's chain thread too busy to make the block that would
//! empty it (`docs/benchmarks.md`). Such answers are retried after 20 ms and counted.
//!
//! A separate connection polls the new blocks and hashes their extrinsics; the run ends when every
//! accepted transfer was seen in a block (or fails when none reached a block for 15 s). Three rates come out, each from the same start:
//! signed/s (the last signature), submitted/s (the last submission's answer), included/s (the
//! last inclusion seen). Figures go to `docs/benchmarks.md`.

use cortex_client::types::{BalancesCall, MultiAddress, RuntimeCall};
use cortex_client::{Client, ClientError, RpcConfig, SignedTx, Sr25519Pair, TxOptions};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};

/// The dev chain's funded accounts.
const DEV_SENDERS: [&str; 6] = [
    "//Alice",
    "//Bob",
    "//Charlie",
    "//Dave",
    "//Eve",
    "//Ferdie",
];

const USAGE: &str = "usage: transfers [--url URL] [--count N] [--senders 1-6] [--window N] \
    [--connections N] [--sign-tasks N] [--max-pending N] [--era immortal|mortal] [--period N] \
    [--sign-first]";

/// Command-line options.
#[derive(Debug)]
struct Args {
    url: String,
    count: usize,
    senders: usize,
    window: usize,
    connections: usize,
    sign_tasks: usize,
    max_pending: usize,
    mortal: bool,
    period: u64,
    sign_first: bool,
}

/// The options, or `None` after printing the usage for `--help`.
fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        url: "ws://127.0.0.1:9944".into(),
        count: 10_000,
        senders: DEV_SENDERS.len(),
        window: 32,
        connections: 2,
        sign_tasks: 1,
        max_pending: 4096,
        mortal: false,
        period: 64,
        sign_first: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let number = |name: &str, v: String| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{name} wants a positive whole number, not {v:?}"))
        };
        match flag.as_str() {
            "--url" => args.url = value("--url")?,
            "--count" => args.count = number("--count", value("--count")?)?,
            "--senders" => args.senders = number("--senders", value("--senders")?)?,
            "--window" => args.window = number("--window", value("--window")?)?,
            "--connections" => args.connections = number("--connections", value("--connections")?)?,
            "--sign-tasks" => args.sign_tasks = number("--sign-tasks", value("--sign-tasks")?)?,
            "--max-pending" => args.max_pending = number("--max-pending", value("--max-pending")?)?,
            "--era" => {
                args.mortal = match value("--era")?.as_str() {
                    "mortal" => true,
                    "immortal" => false,
                    other => return Err(format!("--era is mortal or immortal, not {other:?}")),
                }
            }
            "--period" => args.period = number("--period", value("--period")?)? as u64,
            "--sign-first" => args.sign_first = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    if args.senders > DEV_SENDERS.len() {
        return Err(format!(
            "--senders is at most {} (the funded dev accounts)",
            DEV_SENDERS.len()
        ));
    }
    // A window past the pool's 64 waiting transactions per sender could be refused.
    if args.window > 64 {
        return Err("--window is at most 64 (the pool's future queue per sender)".into());
    }
    Ok(Some(args))
}

/// One sender's share of the work.
struct Lane {
    pair: Sr25519Pair,
    client: Arc<Client>,
    count: usize,
}

/// What the submissions came to.
#[derive(Default)]
struct Submitted {
    accepted: AtomicUsize,
    /// Answers "the pool is full" that were retried.
    retried: AtomicUsize,
    refused: AtomicUsize,
}

/// Submits `tx`, retrying while the pool says it is full; sends its hash to the block watcher.
/// `room` holds one permit per transfer that may still be accepted but not yet in a block.
async fn submit(
    client: &Client,
    tx: SignedTx,
    counts: &Submitted,
    accepted: &mpsc::UnboundedSender<[u8; 32]>,
    room: &Semaphore,
) {
    match room.acquire().await {
        Ok(permit) => permit.forget(),
        Err(_) => return,
    }
    loop {
        match client.submit_signed(&tx).await {
            Ok(hash) => {
                counts.accepted.fetch_add(1, Ordering::Relaxed);
                let _ = accepted.send(hash);
                return;
            }
            // 1016: Immediately Dropped (the ready queue is at 8,192): wait for a block.
            Err(ClientError::Rpc { code: 1016, .. }) => {
                counts.retried.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => {
                if counts.refused.fetch_add(1, Ordering::Relaxed) < 5 {
                    eprintln!("refused: nonce {} of {}: {e}", tx.nonce, tx.signer);
                }
                room.add_permits(1);
                return;
            }
        }
    }
}

/// Watches the blocks after `from` until every hash sent on `accepted` (a channel that closes
/// once all submissions are answered) is in one; returns when that was seen, how many blocks it
/// took and how many transfers were found. Gives up when no accepted transfer reached a block
/// for `stall`.
async fn watch_blocks(
    client: Client,
    from: u32,
    mut accepted: mpsc::UnboundedReceiver<[u8; 32]>,
    room: Arc<Semaphore>,
    stall: Duration,
) -> Result<(Instant, u32, usize), ClientError> {
    // Extrinsics seen in blocks before their submission was answered, and accepted ones not
    // yet seen.
    let mut seen: HashSet<[u8; 32]> = HashSet::new();
    let mut waiting: HashSet<[u8; 32]> = HashSet::new();
    let mut found = 0usize;
    let mut closed = false;
    let mut next = from.saturating_add(1);
    let mut progress = Instant::now();
    loop {
        loop {
            match accepted.try_recv() {
                Ok(h) => {
                    if seen.remove(&h) {
                        found += 1;
                        room.add_permits(1);
                    } else {
                        waiting.insert(h);
                    }
                }
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    closed = true;
                    break;
                }
            }
        }
        let best = client.best_number().await?;
        while next <= best {
            // Not yet readable: look again on the next round rather than skip the block.
            let Some(hash) = client.block_hash(next).await? else {
                break;
            };
            for xt in client.block_extrinsics(hash).await? {
                let h = cortex_runtime::extrinsic_hash(&xt);
                if waiting.remove(&h) {
                    found += 1;
                    room.add_permits(1);
                    progress = Instant::now();
                } else {
                    seen.insert(h);
                }
            }
            next = next.saturating_add(1);
        }
        if closed && waiting.is_empty() {
            return Ok((Instant::now(), best.saturating_sub(from), found));
        }
        if waiting.is_empty() {
            progress = Instant::now();
        } else if progress.elapsed() > stall {
            return Err(ClientError::Refused(format!(
                "{} accepted transfers reached no block in {stall:?} ({found} did; head #{best}): \
                 either the node stopped making blocks (a pool kept full by retries starves them, \
                 docs/benchmarks.md), or a refused transfer left a gap in its sender's nonces that \
                 the later ones wait behind (a mortal era that expired before submission, say)",
                waiting.len()
            )));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn rate(n: usize, from: Instant, to: Instant) -> String {
    let secs = to.saturating_duration_since(from).as_secs_f64();
    format!("{:>8.0}/s ({secs:.3} s)", n as f64 / secs.max(1e-9))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let config = RpcConfig::default();
    let mut clients = Vec::with_capacity(args.connections);
    for _ in 0..args.connections {
        clients.push(Arc::new(Client::connect_with(&args.url, config).await?));
    }
    let watcher = Client::connect_with(&args.url, config).await?;
    // The chain's identity is read once per client, before the clock starts.
    for c in &clients {
        c.identity().await?;
    }
    let dest = Sr25519Pair::from_uri("//Two")
        .map_err(|e| e.to_string())?
        .public();
    let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: MultiAddress::Id(dest),
        value: 1_000_000,
    });
    let options = TxOptions {
        mortal_for: args.mortal.then_some(args.period),
        ..TxOptions::default()
    };
    let lanes: Vec<Lane> = DEV_SENDERS[..args.senders]
        .iter()
        .enumerate()
        .map(|(i, uri)| {
            Ok(Lane {
                pair: Sr25519Pair::from_uri(uri).map_err(|e| format!("{uri}: {e}"))?,
                client: clients[i % clients.len()].clone(),
                count: args.count / args.senders + usize::from(i < args.count % args.senders),
            })
        })
        .collect::<Result<_, String>>()?;
    println!(
        "{} transfers from {} senders ({} signing tasks each) over {} connections, window {} per sender, at most {} waiting for a block, {} era, {}",
        args.count,
        args.senders,
        args.sign_tasks,
        args.connections,
        args.window,
        args.max_pending,
        if args.mortal { "mortal" } else { "immortal" },
        if args.sign_first {
            "all signed before the first submission"
        } else {
            "signing and submitting at once"
        }
    );

    let from = watcher.best_number().await?;
    let (accepted_tx, accepted_rx) = mpsc::unbounded_channel();
    let room = Arc::new(Semaphore::new(args.max_pending));
    let watch = tokio::spawn(watch_blocks(
        watcher,
        from,
        accepted_rx,
        room.clone(),
        Duration::from_secs(15),
    ));
    let counts = Arc::new(Submitted::default());
    let started = Instant::now();

    // Signers: `--sign-tasks` tasks per sender, feeding its lane's submitter. The client hands
    // out the nonces, so several tasks may sign for one sender; with a mortal era each signature
    // waits for two reads, which several tasks overlap.
    let mut signers = tokio::task::JoinSet::new();
    let mut queues = Vec::new();
    for lane in &lanes {
        let (tx, rx) = mpsc::unbounded_channel::<SignedTx>();
        queues.push(rx);
        for task in 0..args.sign_tasks {
            let (client, pair, call, tx) = (
                lane.client.clone(),
                lane.pair.clone(),
                call.clone(),
                tx.clone(),
            );
            let count =
                lane.count / args.sign_tasks + usize::from(task < lane.count % args.sign_tasks);
            signers.spawn(async move {
                for _ in 0..count {
                    let signed = client.sign(call.clone(), &pair, &options).await?;
                    if tx.send(signed).is_err() {
                        break;
                    }
                }
                Ok::<_, ClientError>(())
            });
        }
    }
    let mut submitters = tokio::task::JoinSet::new();
    let gate = Arc::new(tokio::sync::Barrier::new(lanes.len() + 1));
    for (lane, mut queue) in lanes.iter().zip(queues) {
        let (client, counts, accepted) = (lane.client.clone(), counts.clone(), accepted_tx.clone());
        let room = room.clone();
        let window = Arc::new(Semaphore::new(args.window));
        let (gate, sign_first) = (gate.clone(), args.sign_first);
        submitters.spawn(async move {
            if sign_first {
                gate.wait().await;
            }
            let mut inflight = tokio::task::JoinSet::new();
            while let Some(tx) = queue.recv().await {
                let Ok(permit) = window.clone().acquire_owned().await else {
                    break;
                };
                // Free the finished ones as we go: ten thousand finished tasks kept to the end
                // cost the client a quarter of its time in page faults.
                while inflight.try_join_next().is_some() {}
                let (client, counts, accepted) = (client.clone(), counts.clone(), accepted.clone());
                let room = room.clone();
                inflight.spawn(async move {
                    submit(&client, tx, &counts, &accepted, &room).await;
                    drop(permit);
                });
            }
            while inflight.join_next().await.is_some() {}
        });
    }
    drop(accepted_tx);
    while let Some(signed) = signers.join_next().await {
        signed??;
    }
    let signed_at = Instant::now();
    if args.sign_first {
        gate.wait().await;
    }
    while submitters.join_next().await.is_some() {}
    let submitted_at = Instant::now();
    let (included_at, blocks, found) = watch.await??;

    let accepted = counts.accepted.load(Ordering::Relaxed);
    println!("signed    {}", rate(args.count, started, signed_at));
    if args.sign_first {
        println!(
            "submitted {}   (submission alone: {})",
            rate(accepted, started, submitted_at),
            rate(accepted, signed_at, submitted_at)
        );
    } else {
        println!("submitted {}", rate(accepted, started, submitted_at));
    }
    println!(
        "included  {}   ({found} transfers in {blocks} blocks)",
        rate(found, started, included_at)
    );
    println!(
        "{accepted} accepted, {} refused, {} retries after \"pool full\"",
        counts.refused.load(Ordering::Relaxed),
        counts.retried.load(Ordering::Relaxed)
    );
    if accepted < args.count {
        return Err(format!(
            "{} of {} transfers were refused",
            args.count - accepted,
            args.count
        )
        .into());
    }
    Ok(())
}
