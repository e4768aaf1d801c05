//! `cortex miner` and `cortex validator`: the reference subnet's neurons (handwritten digits,
//! `cortex_subnet::digits`) on any chain, with the wallet's keys.
//!
//! They are what `cortex localnet` runs inside its process, as standalone processes for a real
//! deployment: the miner trains its model, serves `DigitClassify` on its axon and announces the
//! address on chain; the validator scores every miner on its held-out digits and sets weights
//! every tempo, with its Prometheus metrics on `--metrics-port`. Both run until Ctrl-C or
//! SIGTERM, then stop cleanly.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, anyhow};
use clap::Args;
use cortex_client::{Client, NetUid};
use cortex_subnet::digits::{DigitsMiner, DigitsValidator, Model, ModelKind, SplitMix, data};
use cortex_subnet::{MinerConfig, ValidatorConfig, ValidatorMetrics, ValidatorStatus};

use crate::output::Global;

/// Whose neuron, on which subnet.
#[derive(Args, Debug)]
struct NeuronArgs {
    /// The wallet.
    #[arg(long)]
    name: String,
    /// The hotkey (registered on the subnet; it signs answers, queries and weights).
    #[arg(long)]
    hotkey: String,
    /// The subnet.
    #[arg(long)]
    netuid: u16,
}

/// `cortex miner`.
#[derive(Args, Debug)]
pub struct MinerArgs {
    #[command(flatten)]
    neuron: NeuronArgs,
    /// The model: knn, logistic-regression, random-forest, decision-tree or baseline.
    #[arg(long, default_value = "knn")]
    model: String,
    /// The address the axon listens on.
    #[arg(long, default_value = "0.0.0.0")]
    ip: IpAddr,
    /// The port the axon listens on (and announces).
    #[arg(long, default_value_t = 8091)]
    port: u16,
    /// The address announced on chain, where validators reach this machine.
    #[arg(long)]
    external_ip: IpAddr,
    /// Refuse requests from hotkeys with less stake than this, in TAO (default: any
    /// registered hotkey).
    #[arg(long, default_value = "0")]
    min_stake: String,
    #[command(flatten)]
    global: Global,
}

/// `cortex validator` (its hotkey needs stake to get a validator permit).
#[derive(Args, Debug)]
pub struct ValidatorArgs {
    #[command(flatten)]
    neuron: NeuronArgs,
    /// Held-out samples per query.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Seconds a miner has to answer.
    #[arg(long, default_value_t = 12.0)]
    timeout: f64,
    /// Seconds between two query rounds.
    #[arg(long, default_value_t = 1.0)]
    round_interval: f64,
    /// Serve Prometheus metrics on 127.0.0.1:PORT/metrics.
    #[arg(long)]
    metrics_port: Option<u16>,
    #[command(flatten)]
    global: Global,
}

fn seconds(v: f64, flag: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(v)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| anyhow!("{flag} {v}: give a positive number of seconds"))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Resolves on Ctrl-C or SIGTERM (the handlers are installed when this is called).
fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot catch Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot catch SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Runs `cortex miner` until Ctrl-C.
pub fn miner(args: &MinerArgs) -> anyhow::Result<()> {
    let kind = ModelKind::parse(&args.model).ok_or_else(|| {
        anyhow!(
            "unknown model `{}`: choose one of {}",
            args.model,
            ModelKind::LADDER.map(ModelKind::name).join(", ")
        )
    })?;
    let min_stake = crate::output::parse_tao(&args.min_stake)?;
    let hotkey = crate::wallet::hotkey(&args.global, &args.neuron.name, &args.neuron.hotkey)?;
    let runtime = runtime()?;
    runtime.block_on(async {
        let stop = stop_signal()?;
        let split = data::split();
        let model = tokio::task::spawn_blocking(move || Model::train(kind, &split.train))
            .await
            .context("the training task failed")?
            .map_err(|e| anyhow!(e))?;
        let client = Arc::new(
            Client::connect(&args.global.url)
                .await
                .map_err(|e| anyhow!(e))?,
        );
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.ip, args.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.ip, args.port))?;
        let mut config = MinerConfig::new(NetUid(args.neuron.netuid), args.external_ip);
        config.axon.min_stake_rao = min_stake;
        println!(
            "cortex miner: model {kind}, hotkey {}, axon on {}:{} announced as {}:{} on subnet {}",
            hotkey.public().to_ss58(42),
            args.ip,
            args.port,
            args.external_ip,
            args.port,
            args.neuron.netuid
        );
        cortex_subnet::run_miner(
            Arc::new(DigitsMiner::new(Arc::new(model))),
            client,
            hotkey,
            listener,
            config,
            stop,
        )
        .await
        .map_err(|e| anyhow!(e))
    })
}

/// Runs `cortex validator` until Ctrl-C.
pub fn validator(args: &ValidatorArgs) -> anyhow::Result<()> {
    let hotkey = crate::wallet::hotkey(&args.global, &args.neuron.name, &args.neuron.hotkey)?;
    let mut config = ValidatorConfig::new(NetUid(args.neuron.netuid));
    config.query_timeout = seconds(args.timeout, "--timeout")?;
    config.round_interval = seconds(args.round_interval, "--round-interval")?;
    if args.batch == 0 {
        return Err(anyhow!("--batch must be at least 1"));
    }
    let runtime = runtime()?;
    runtime.block_on(async {
        let stop = stop_signal()?;
        let client = Arc::new(
            Client::connect(&args.global.url)
                .await
                .map_err(|e| anyhow!(e))?,
        );
        let metrics = ValidatorMetrics::new();
        let (metrics_stop, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
        if let Some(port) = args.metrics_port {
            let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
                .await
                .with_context(|| format!("cannot serve metrics on 127.0.0.1:{port}"))?;
            let m = metrics.clone();
            tokio::spawn(async move {
                let _ = m
                    .serve(listener, async {
                        let _ = metrics_stopped.await;
                    })
                    .await;
            });
        }
        println!(
            "cortex validator: hotkey {} on subnet {}{}",
            hotkey.public().to_ss58(42),
            args.neuron.netuid,
            args.metrics_port
                .map(|p| format!(", metrics http://127.0.0.1:{p}/metrics"))
                .unwrap_or_default()
        );
        let validator =
            DigitsValidator::new(data::split().holdout, args.batch, SplitMix::from_os());
        let result = cortex_subnet::run_validator(
            Arc::new(validator),
            client,
            hotkey,
            config,
            Arc::new(Mutex::new(ValidatorStatus::default())),
            metrics,
            stop,
        )
        .await;
        let _ = metrics_stop.send(());
        result.map_err(|e| anyhow!(e))
    })
}
