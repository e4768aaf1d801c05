//! `cortex localnet`: the whole network in one command.
//!
//! It starts a dev node in this process (fast blocks), creates and starts a subnet with a
//! short tempo, funds, registers and stakes M validators and registers N miners, then runs
//! them all on 127.0.0.1: each miner an axon answering the reference subnet's `DigitClassify`
//! with a different model (`cortex_subnet::digits`), each validator the framework's validator
//! scoring them on its held-out digits and setting weights every tempo. Every neuron has its
//! own keys and its own connection to the node, and talks to the others over HTTP, exactly as
//! separate machines would; only the process is shared, so Ctrl-C stops everything and leaves
//! nothing behind.
//!
//! While it runs, a terminal view ([`crate::localnet_view`]) shows each uid's model, held-out
//! score, incentive, emission and earnings, and the validators' stake, dividends and weights;
//! `--no-tui` prints one line per epoch instead. `--summary FILE.json` writes the end state
//! (`netuid`, `blocks`, `miners[uid, model, holdout_score, incentive, emission_rao]`,
//! `validators[uid, stake_rao, dividends]`). `holdout_score` is measured here, by running each
//! miner's model over the whole held-out split, independently of what the validators think.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use cortex_client::types::{
    AdminUtilsCall, BalancesCall, Metagraph, MultiAddress, RuntimeCall, RuntimeEvent,
    SubtensorCall, SubtensorEvent, SudoCall,
};
use cortex_client::{Client, NetUid, Sr25519Pair, TxOptions};
use cortex_node::{BlockTime, NodeConfig};
use cortex_subnet::digits::{DigitsMiner, DigitsValidator, Model, ModelKind, SplitMix, data};
use cortex_subnet::{MinerConfig, ValidatorConfig, ValidatorMetrics, ValidatorStatus};
use serde_json::json;
use tokio::sync::watch;

use crate::localnet_view::{self, Board, MinerRow, ValidatorRow};

/// `cortex localnet`.
#[derive(Args, Debug)]
pub struct LocalnetArgs {
    /// Miners to run, each with a different model (best first: knn, logistic-regression,
    /// random-forest, decision-tree, baseline; past five, the same kinds trained on half the
    /// samples each time round, shown as `knn/648`).
    #[arg(long, default_value_t = 4)]
    pub miners: usize,
    /// Validators to run.
    #[arg(long, default_value_t = 2)]
    pub validators: usize,
    /// The subnet's tempo, in blocks.
    #[arg(long, default_value_t = 10)]
    pub tempo: u16,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long)]
    pub duration: Option<u64>,
    /// No terminal view: one line per epoch on stdout.
    #[arg(long)]
    pub no_tui: bool,
    /// Write the end state as JSON to this file.
    #[arg(long, value_name = "FILE.json")]
    pub summary: Option<PathBuf>,
    /// Block time in milliseconds.
    #[arg(long, default_value_t = 250)]
    pub block_time_ms: u64,
    /// The node's RPC port on 127.0.0.1 (0: any free port), for btcli, the SDK or `cortex`.
    #[arg(long, default_value_t = 9944)]
    pub rpc_port: u16,
    /// Fault injection: stop miner INDEX's axon after SECONDS (`2:30`), as if it crashed, to
    /// watch its incentive decay while the others go on.
    #[arg(long, value_name = "INDEX:SECONDS", value_parser = parse_stop)]
    pub stop_miner: Option<(usize, u64)>,
    /// Other subcommands.
    #[command(subcommand)]
    pub command: Option<LocalnetCommand>,
}

/// `cortex localnet …` subcommands.
#[derive(Subcommand, Debug)]
pub enum LocalnetCommand {
    /// Write the reference subnet's data split (`{"train": [...], "holdout": [...]}`, each
    /// sample `{"pixels": [64 ints], "label": int}`) for miners and validators in other
    /// languages.
    ExportDigits {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

impl LocalnetArgs {
    /// Whether the terminal view runs (it owns the screen, so logs go to a file).
    pub fn tui(&self) -> bool {
        self.command.is_none() && !self.no_tui
    }
}

fn parse_stop(s: &str) -> Result<(usize, u64), String> {
    let (i, t) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}`: give INDEX:SECONDS, e.g. 2:30"))?;
    let i = i
        .parse()
        .map_err(|_| format!("`{i}` is not a miner index"))?;
    let t = t
        .parse()
        .map_err(|_| format!("`{t}` is not a number of seconds"))?;
    Ok((i, t))
}

/// Keys of one neuron.
struct Keys {
    coldkey: Sr25519Pair,
    hotkey: Sr25519Pair,
}

fn pair(uri: &str) -> anyhow::Result<Sr25519Pair> {
    Sr25519Pair::from_uri(uri).map_err(|e| anyhow!("cannot derive {uri}: {e}"))
}

const TAO: u64 = 1_000_000_000;
/// What each validator stakes, and what each miner is given for its registration.
const VALIDATOR_STAKE: u64 = 1_000 * TAO;
const MINER_FUNDS: u64 = 100 * TAO;
/// Held-out samples per query round.
const BATCH: usize = 64;

/// Runs `cortex localnet`.
pub fn run(args: &LocalnetArgs) -> anyhow::Result<()> {
    if let Some(LocalnetCommand::ExportDigits { out }) = &args.command {
        let split = data::split();
        let text = serde_json::to_string(&split)?;
        std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
        println!(
            "wrote {} ({} training and {} held-out samples)",
            out.display(),
            split.train.len(),
            split.holdout.len()
        );
        return Ok(());
    }
    if args.miners == 0 || args.validators == 0 {
        bail!("--miners and --validators must each be at least 1");
    }
    if args.miners + args.validators > 200 {
        bail!("at most 200 neurons in all (the subnet has 256 uids)");
    }
    if args.tempo < 2 {
        bail!("--tempo must be at least 2 blocks");
    }
    if let Some((i, _)) = args.stop_miner
        && i >= args.miners
    {
        bail!(
            "--stop-miner {i}: there are only {} miners (0 to {})",
            args.miners,
            args.miners - 1
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(localnet(args))
}

async fn localnet(args: &LocalnetArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    // Ctrl-C and SIGTERM are caught from the very start (installing the handlers later would
    // leave a window in which the default action kills the process mid-way).
    let (stop_tx, _) = watch::channel(false);
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("cannot catch Ctrl-C")?;
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot catch SIGTERM")?;
    let on_signal = stop_tx.clone();
    let signals = tokio::spawn(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        let _ = on_signal.send(true);
    });
    // The models train while the chain starts. Miner i runs model i of the ladder; past the
    // ladder's end the same kinds come again, trained on half as many samples each lap, so
    // that every miner's model is a different one.
    let split = Arc::new(data::split());
    let specs: Vec<(ModelKind, usize)> = (0..args.miners)
        .map(|i| {
            let lap = u32::try_from(i / ModelKind::LADDER.len()).unwrap_or(u32::MAX);
            let samples = split.train.len().checked_shr(lap).unwrap_or(0).max(50);
            (ModelKind::LADDER[i % ModelKind::LADDER.len()], samples)
        })
        .collect();
    let names: Vec<String> = specs
        .iter()
        .map(|(kind, samples)| {
            if *samples >= split.train.len() {
                kind.name().to_string()
            } else {
                format!("{kind}/{samples}")
            }
        })
        .collect();
    let training = {
        let split = split.clone();
        let specs = specs.clone();
        tokio::task::spawn_blocking(move || {
            let mut trained: BTreeMap<(ModelKind, usize), Arc<Model>> = BTreeMap::new();
            let mut out = Vec::new();
            for spec in &specs {
                let model = match trained.get(spec) {
                    Some(m) => m.clone(),
                    None => {
                        let train = split.train.get(..spec.1).unwrap_or(&split.train);
                        let m = Arc::new(Model::train(spec.0, train)?);
                        trained.insert(*spec, m.clone());
                        m
                    }
                };
                let score = model.accuracy(&split.holdout)?;
                out.push((model, score));
            }
            Ok::<_, String>(out)
        })
    };

    let mut config = NodeConfig::dev(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        args.rpc_port,
    ));
    config.block_time = Some(BlockTime::Every(Duration::from_millis(
        args.block_time_ms.max(50),
    )));
    let node = cortex_node::start(config)
        .await
        .map_err(|e| anyhow!("cannot start the dev node: {e}"))?;
    let url = format!("ws://{}", node.rpc_addr);
    let outcome = run_network(args, &url, split, names, training, started, stop_tx).await;
    signals.abort();
    let stopped = node.stop().await;
    let summary = outcome?;
    stopped.map_err(|e| anyhow!("the node stopped with an error: {e}"))?;
    if let (Some(path), Some(summary)) = (&args.summary, summary) {
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

type Training = tokio::task::JoinHandle<Result<Vec<(Arc<Model>, f64)>, String>>;

/// The chain's side of the network, once set up.
struct Setup {
    client: Arc<Client>,
    netuid: NetUid,
    validators: Vec<Keys>,
    miners: Vec<Keys>,
}

fn say(m: &str) {
    println!("localnet: {m}");
}

/// Funds, creates, configures and registers everything on the fresh chain at `url`.
#[allow(clippy::too_many_lines)]
async fn setup(args: &LocalnetArgs, url: &str) -> anyhow::Result<Setup> {
    let client = Arc::new(Client::connect(url).await.map_err(|e| anyhow!(e))?);
    say(&format!("dev node at {url}"));
    let alice = pair("//Alice")?;
    let validators: Vec<Keys> = (0..args.validators)
        .map(|i| {
            Ok(Keys {
                // The first validator is the subnet's owner: its coldkey is //Alice's.
                coldkey: if i == 0 {
                    alice.clone()
                } else {
                    pair(&format!("//localnet//validator{i}"))?
                },
                hotkey: pair(&format!("//localnet//validator{i}//hotkey"))?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let miners: Vec<Keys> = (0..args.miners)
        .map(|i| {
            Ok(Keys {
                coldkey: pair(&format!("//localnet//miner{i}"))?,
                hotkey: pair(&format!("//localnet//miner{i}//hotkey"))?,
            })
        })
        .collect::<anyhow::Result<_>>()?;

    // Fund every coldkey but //Alice's.
    let mut calls = Vec::new();
    for v in validators.iter().skip(1) {
        calls.push((
            transfer(&v.coldkey, VALIDATOR_STAKE + 100 * TAO),
            alice.clone(),
        ));
    }
    for m in &miners {
        calls.push((transfer(&m.coldkey, MINER_FUNDS), alice.clone()));
    }
    send_all(&client, calls, "funding the neurons").await?;

    // The subnet, owned by //Alice with the first validator's hotkey (uid 0).
    let owner_hotkey = validators
        .first()
        .map(|v| v.hotkey.public())
        .ok_or_else(|| anyhow!("no validator"))?;
    let included = client
        .submit_and_watch(
            RuntimeCall::SubtensorModule(SubtensorCall::register_network {
                hotkey: owner_hotkey,
            }),
            &alice,
            &tx(),
        )
        .await
        .map_err(|e| anyhow!("creating the subnet: {e}"))?;
    let netuid = included
        .events
        .iter()
        .find_map(|e| match e {
            RuntimeEvent::SubtensorModule(SubtensorEvent::NetworkAdded(n, _)) => Some(*n),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the block has no NetworkAdded event for the new subnet"))?;
    say(&format!("created subnet {}", netuid.0));

    // The short tempo and open registration, through sudo (//Alice is the dev chain's sudo).
    let sudo = |c: AdminUtilsCall| {
        (
            RuntimeCall::Sudo(SudoCall::sudo {
                call: Box::new(RuntimeCall::AdminUtils(c)),
            }),
            alice.clone(),
        )
    };
    let n_neurons = u16::try_from(args.miners + args.validators).unwrap_or(u16::MAX);
    send_all(
        &client,
        vec![
            sudo(AdminUtilsCall::sudo_set_tempo {
                netuid,
                tempo: args.tempo,
            }),
            sudo(AdminUtilsCall::sudo_set_weights_set_rate_limit {
                netuid,
                weights_set_rate_limit: 1,
            }),
            sudo(AdminUtilsCall::sudo_set_max_registrations_per_block {
                netuid,
                max_registrations_per_block: n_neurons,
            }),
            sudo(AdminUtilsCall::sudo_set_target_registrations_per_interval {
                netuid,
                target_registrations_per_interval: n_neurons,
            }),
            (
                RuntimeCall::SubtensorModule(SubtensorCall::start_call { netuid }),
                alice.clone(),
            ),
        ],
        "configuring the subnet",
    )
    .await?;

    // Registrations, then the validators' stake.
    let mut calls = Vec::new();
    for k in validators.iter().skip(1).chain(miners.iter()) {
        calls.push((
            RuntimeCall::SubtensorModule(SubtensorCall::burned_register {
                netuid,
                hotkey: k.hotkey.public(),
            }),
            k.coldkey.clone(),
        ));
    }
    send_all(&client, calls, "registering the neurons").await?;
    let calls = validators
        .iter()
        .map(|v| {
            (
                RuntimeCall::SubtensorModule(SubtensorCall::add_stake {
                    hotkey: v.hotkey.public(),
                    netuid,
                    amount_staked: VALIDATOR_STAKE,
                }),
                v.coldkey.clone(),
            )
        })
        .collect();
    send_all(&client, calls, "staking the validators").await?;
    say(&format!(
        "registered {} validators and {} miners; validators staked {} TAO each",
        validators.len(),
        miners.len(),
        VALIDATOR_STAKE / TAO
    ));

    Ok(Setup {
        client,
        netuid,
        validators,
        miners,
    })
}

#[allow(clippy::too_many_lines)]
async fn run_network(
    args: &LocalnetArgs,
    url: &str,
    split: Arc<data::Split>,
    names: Vec<String>,
    training: Training,
    started: Instant,
    stop_tx: watch::Sender<bool>,
) -> anyhow::Result<Option<serde_json::Value>> {
    let stop_rx = stop_tx.subscribe();
    // Ctrl-C during the set-up stops as cleanly as later: the node stops, nothing is left.
    let Setup {
        client,
        netuid,
        validators,
        miners,
    } = tokio::select! {
        s = setup(args, url) => s?,
        _ = wait_stop(stop_rx.clone()) => {
            say("stopped before the network was up");
            return Ok(None);
        }
    };
    let models = training
        .await
        .map_err(|e| anyhow!("the training task failed: {e}"))?
        .map_err(|e| anyhow!("training the models: {e}"))?;

    // Start everything.
    let mut tasks = Vec::new();
    let mut miner_stops = Vec::new();
    for (i, (keys, (model, _))) in miners.iter().zip(models.iter()).enumerate() {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .context("cannot bind a miner's axon on 127.0.0.1")?;
        let mut config = MinerConfig::new(netuid, IpAddr::V4(Ipv4Addr::LOCALHOST));
        config.tx = tx();
        let miner_client = Arc::new(Client::connect(url).await.map_err(|e| anyhow!(e))?);
        let (own_tx, own_rx) = watch::channel(false);
        miner_stops.push(own_tx);
        let shutdown = either_stop(stop_rx.clone(), own_rx);
        let miner = Arc::new(DigitsMiner::new(model.clone()));
        let hotkey = keys.hotkey.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) =
                cortex_subnet::run_miner(miner, miner_client, hotkey, listener, config, shutdown)
                    .await
            {
                tracing::error!(miner = i, error = %e, "miner stopped");
            }
        }));
    }
    let mut statuses = Vec::new();
    for (i, keys) in validators.iter().enumerate() {
        let status = Arc::new(Mutex::new(ValidatorStatus::default()));
        statuses.push(status.clone());
        let mut config = ValidatorConfig::new(netuid);
        config.query_timeout = Duration::from_secs(2);
        config.round_interval = Duration::from_millis(args.block_time_ms.clamp(100, 2_000));
        config.tx = tx();
        let validator = Arc::new(DigitsValidator::new(
            split.holdout.clone(),
            BATCH,
            SplitMix::from_os(),
        ));
        let v_client = Arc::new(Client::connect(url).await.map_err(|e| anyhow!(e))?);
        let hotkey = keys.hotkey.clone();
        let shutdown = wait_stop(stop_rx.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = cortex_subnet::run_validator(
                validator,
                v_client,
                hotkey,
                config,
                status,
                ValidatorMetrics::new(),
                shutdown,
            )
            .await
            {
                tracing::error!(validator = i, error = %e, "validator stopped");
            }
        }));
    }
    say(&format!(
        "running {} miners and {} validators; {}",
        miners.len(),
        validators.len(),
        if args.duration.is_some() {
            "stopping after --duration"
        } else {
            "Ctrl-C stops"
        }
    ));

    let board = Arc::new(Mutex::new(Board {
        netuid: netuid.0,
        tempo: args.tempo,
        url: url.to_string(),
        miners: miners
            .iter()
            .zip(names.iter())
            .zip(models.iter())
            .map(|((k, name), (_, score))| MinerRow {
                hotkey: k.hotkey.public(),
                uid: None,
                model: name.clone(),
                holdout_score: *score,
                incentive: 0.0,
                peak_incentive: 0.0,
                emission_per_epoch: 0,
                emission_rao: 0,
                stopped: false,
                incentive_at_stop: None,
            })
            .collect(),
        validators: validators
            .iter()
            .zip(statuses.iter())
            .map(|(k, s)| ValidatorRow {
                hotkey: k.hotkey.public(),
                uid: None,
                stake_rao: 0,
                dividends: 0.0,
                emission_per_epoch: 0,
                emission_rao: 0,
                status: s.clone(),
            })
            .collect(),
        ..Board::default()
    }));

    // Watch the chain, and stop on Ctrl-C, --duration, or the view's 'q'.
    let deadline = args.duration.map(|d| started + Duration::from_secs(d));
    let monitor = tokio::spawn(monitor(
        client.clone(),
        netuid,
        board.clone(),
        wait_stop(stop_rx.clone()),
    ));
    let view = if args.tui() {
        Some(localnet_view::spawn(board.clone(), stop_tx.clone()))
    } else {
        None
    };
    let mut stop_at = args
        .stop_miner
        .map(|(i, s)| (i, started + Duration::from_secs(s)));
    let mut last_epoch_printed = 0u64;
    let mut rx = stop_rx.clone();
    loop {
        tokio::select! {
            _ = rx.changed() => break,
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if let Some((i, at)) = stop_at
            && Instant::now() >= at
        {
            if let Some(s) = miner_stops.get(i) {
                let _ = s.send(true);
            }
            let mut b = lock(&board);
            for (j, row) in b.miners.iter_mut().enumerate() {
                row.stopped |= j == i;
                row.incentive_at_stop = Some(row.incentive);
            }
            drop(b);
            if !args.tui() {
                say(&format!("stopped miner {i}'s axon (--stop-miner)"));
            }
            stop_at = None;
        }
        if !args.tui() {
            let b = lock(&board);
            if b.epochs > last_epoch_printed {
                last_epoch_printed = b.epochs;
                println!("{}", localnet_view::epoch_line(&b));
            }
        }
    }
    let _ = stop_tx.send(true);
    for s in &miner_stops {
        let _ = s.send(true);
    }
    if let Some(v) = view {
        let _ = v.await;
    }
    let _ = monitor.await;
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    let b = lock(&board);
    let summary = summary(&b);
    println!("{}", localnet_view::final_table(&b));
    Ok(Some(summary))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn tx() -> TxOptions {
    TxOptions {
        timeout: Duration::from_secs(30),
        ..TxOptions::default()
    }
}

fn transfer(to: &Sr25519Pair, amount: u64) -> RuntimeCall {
    RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: MultiAddress::Id(to.public()),
        value: amount,
    })
}

/// Signs every call (nonces counted locally, so one signer's calls go in order), submits them
/// all, and waits for every one; the first failure names `what` and the call.
async fn send_all(
    client: &Client,
    calls: Vec<(RuntimeCall, Sr25519Pair)>,
    what: &str,
) -> anyhow::Result<()> {
    let options = tx();
    let mut signed = Vec::new();
    for (call, signer) in &calls {
        let name = call.name();
        let t = client
            .sign(call.clone(), signer, &options)
            .await
            .map_err(|e| anyhow!("{what}: signing {}.{}: {e}", name.0, name.1))?;
        signed.push((t, name));
    }
    let watches = signed.iter().map(|(t, _)| client.watch_signed(t, &options));
    let outcomes = futures_util::future::join_all(watches).await;
    for ((_, name), outcome) in signed.iter().zip(outcomes) {
        outcome.map_err(|e| anyhow!("{what}: {}.{} failed: {e}", name.0, name.1))?;
    }
    Ok(())
}

async fn wait_stop(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|v| *v).await;
}

async fn either_stop(a: watch::Receiver<bool>, b: watch::Receiver<bool>) {
    tokio::select! {
        _ = wait_stop(a) => {}
        _ = wait_stop(b) => {}
    }
}

/// Follows the chain: every finalized block, the metagraph onto the board; every epoch, each
/// uid's emission added to its earnings.
async fn monitor(
    client: Arc<Client>,
    netuid: NetUid,
    board: Arc<Mutex<Board>>,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    let mut heads = client.finalized_heads();
    let mut last_step: Option<u64> = None;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            head = heads.next() => {
                if head.is_err() {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    heads = client.finalized_heads();
                    continue;
                }
                let Ok(Some(m)) = client.metagraph(netuid).await else { continue };
                let new_epoch = last_step.is_some_and(|s| s != m.last_step);
                last_step = Some(m.last_step);
                apply(&mut lock(&board), &m, new_epoch);
            }
        }
    }
}

fn proportion(v: Option<&cortex_primitives::codec::Compact<u16>>) -> f64 {
    f64::from(v.map(|c| c.0).unwrap_or(0)) / 65_535.0
}

/// One block's metagraph onto the board.
fn apply(b: &mut Board, m: &Metagraph, new_epoch: bool) {
    b.block = m.block;
    b.blocks_since_last_step = m.blocks_since_last_step;
    if new_epoch {
        b.epochs = b.epochs.saturating_add(1);
    }
    b.alpha_price = if m.alpha_in == 0 {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let p = m.tao_in as f64 / m.alpha_in as f64;
        p
    };
    let index: BTreeMap<_, _> = m.hotkeys.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    for row in &mut b.miners {
        let Some(&i) = index.get(&row.hotkey) else {
            continue;
        };
        row.uid = u16::try_from(i).ok();
        row.incentive = proportion(m.incentives.get(i));
        row.emission_per_epoch = m.emission.get(i).map(|c| c.0).unwrap_or(0);
        if new_epoch {
            row.emission_rao = row.emission_rao.saturating_add(row.emission_per_epoch);
        }
        row.peak_incentive = row.peak_incentive.max(row.incentive);
    }
    for row in &mut b.validators {
        let Some(&i) = index.get(&row.hotkey) else {
            continue;
        };
        row.uid = u16::try_from(i).ok();
        row.stake_rao = m.alpha_stake.get(i).map(|c| c.0).unwrap_or(0);
        row.dividends = proportion(m.dividends.get(i));
        row.emission_per_epoch = m.emission.get(i).map(|c| c.0).unwrap_or(0);
        if new_epoch {
            row.emission_rao = row.emission_rao.saturating_add(row.emission_per_epoch);
        }
    }
}

/// The summary document (the names are kept for scripts).
fn summary(b: &Board) -> serde_json::Value {
    json!({
        "netuid": b.netuid,
        "blocks": b.block,
        "epochs": b.epochs,
        "tempo": b.tempo,
        "miners": b.miners.iter().map(|m| json!({
            "uid": m.uid,
            "model": m.model,
            "holdout_score": m.holdout_score,
            "incentive": m.incentive,
            "emission_rao": m.emission_rao,
            "stopped": m.stopped,
            "incentive_at_stop": m.incentive_at_stop,
            "peak_incentive": m.peak_incentive,
        })).collect::<Vec<_>>(),
        "validators": b.validators.iter().map(|v| {
            let s = lock(&v.status);
            json!({
                "uid": v.uid,
                "stake_rao": v.stake_rao,
                "dividends": v.dividends,
                "emission_rao": v.emission_rao,
                "weights_landed": s.weights_landed,
                "rounds": s.rounds,
                "stale": s.stale,
            })
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_flags_parse() {
        assert_eq!(parse_stop("2:30"), Ok((2, 30)));
        assert!(parse_stop("2").is_err());
        assert!(parse_stop("x:1").is_err());
    }
}
