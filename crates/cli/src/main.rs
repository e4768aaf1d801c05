//! `cortex`: the command-line entry point of Cortex.
//!
//! Today it runs the dev chain (`cortex node --dev`), Yuma Consensus scenarios
//! (`cortex yuma run FILE.json`), the incentive-integrity simulator (`cortex sim …`) and
//! bittensor-compatible wallets (`cortex wallet …`); localnet and subnet commands join it as
//! their crates land.
//!
//! Exit codes: 0 on success, 2 when the input is bad (the message names the field), 1 for
//! anything else (an unreadable file, a failed write).

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod account;
mod chain_spec;
mod ctx;
mod digits;
mod localnet;
mod localnet_view;
mod neuron;
mod node;
mod output;
mod sim;
mod stake;
mod subnet;
mod wallet;
mod weights;
mod yuma;

/// Cortex: the Bittensor network, in Rust.
#[derive(Parser, Debug)]
#[command(name = "cortex", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The whole network in one command: a dev chain, a subnet, miners with real models and
    /// validators scoring them, with a live view of incentive and emissions.
    Localnet(localnet::LocalnetArgs),
    /// Run a chain node (today: the dev chain, one author with instant finality).
    Node(node::NodeArgs),
    /// Chain specs for networks of several validators.
    ChainSpec {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: chain_spec::ChainSpecCommand,
    },
    /// Run the reference subnet's miner (handwritten digits) with a wallet's hotkey.
    Miner(digits::MinerArgs),
    /// Run the reference subnet's validator with a wallet's hotkey.
    Validator(digits::ValidatorArgs),
    /// Yuma Consensus: run epoch scenarios.
    Yuma {
        #[command(subcommand)]
        command: YumaCommand,
    },
    /// The incentive-integrity simulator: copiers, cabals, sybils and attacks over many epochs
    /// of the chain's own Yuma Consensus.
    Sim {
        #[command(subcommand)]
        command: sim::SimCommand,
    },
    /// A coldkey's (or any address's) balance.
    Balance(account::BalanceArgs),
    /// Send TAO from a wallet's coldkey.
    Transfer(account::TransferArgs),
    /// Subnets: create, start, list, show, hyperparameters, burn cost.
    Subnet {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: subnet::SubnetCommand,
    },
    /// Register a hotkey on a subnet by burning the registration price.
    Register(neuron::RegisterArgs),
    /// Stake: add, remove, move, list.
    Stake {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: stake::StakeCommand,
    },
    /// Delegates: the take a hotkey keeps of its nominators' dividends.
    Delegate {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: stake::DelegateCommand,
    },
    /// Weights: set (commit-reveal handled), commit, reveal.
    Weights {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: weights::WeightsCommand,
    },
    /// Axons: publish a miner's endpoint.
    Axon {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: neuron::AxonCommand,
    },
    /// A subnet's metagraph: every neuron's stake, scores and axon.
    Metagraph(neuron::MetagraphArgs),
    /// Wallets: coldkeys and hotkeys in bittensor's keyfile format.
    Wallet {
        #[command(flatten)]
        global: output::Global,
        #[command(subcommand)]
        command: wallet::WalletCommand,
    },
}

#[derive(Subcommand, Debug)]
enum YumaCommand {
    /// Run a scenario file and print one record per epoch as JSON on stdout.
    Run {
        /// The scenario (JSON; see crates/yuma/tests/golden/README.md for the format).
        file: PathBuf,
        /// Indent the output for reading.
        #[arg(long)]
        pretty: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Long-running neurons log their progress (weights set, axon announced) by default.
    let default_level = match &cli.command {
        Command::Miner(_) | Command::Validator(_) => "info",
        _ => "warn",
    };
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("CORTEX_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level))
    };
    // The localnet view owns the terminal: its logs go to a file instead of stderr.
    let log_file = match &cli.command {
        Command::Localnet(a) if a.tui() => {
            let path = std::env::temp_dir().join("cortex-localnet.log");
            std::fs::File::create(&path).ok().map(|f| (path, f))
        }
        _ => None,
    };
    match log_file {
        Some((_, file)) => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init(),
        None => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
    }
    match cli.command {
        Command::Localnet(args) => exit_code(localnet::run(&args)),
        Command::Node(args) => node::run(args),
        Command::ChainSpec { global, command } => {
            output::finish(&global, chain_spec::run(&command))
        }
        Command::Miner(args) => exit_code(digits::miner(&args)),
        Command::Validator(args) => exit_code(digits::validator(&args)),
        Command::Yuma {
            command: YumaCommand::Run { file, pretty },
        } => yuma::run(&file, pretty),
        Command::Sim { command } => sim::run(command),
        Command::Balance(args) => output::finish(args.global(), account::balance(&args)),
        Command::Transfer(args) => output::finish(args.global(), account::transfer(&args)),
        Command::Subnet { global, command } => {
            output::finish(&global, subnet::run(&global, &command))
        }
        Command::Register(args) => output::finish(args.global(), neuron::register(&args)),
        Command::Stake { global, command } => {
            output::finish(&global, stake::run(&global, &command))
        }
        Command::Delegate { global, command } => {
            output::finish(&global, stake::delegate(&global, &command))
        }
        Command::Weights { global, command } => {
            output::finish(&global, weights::run(&global, &command))
        }
        Command::Axon { global, command } => {
            output::finish(&global, neuron::axon(&global, &command))
        }
        Command::Metagraph(args) => output::finish(args.global(), neuron::metagraph(&args)),
        Command::Wallet { global, command } => {
            output::finish(&global, wallet::run(&global, command))
        }
    }
}

/// The exit code of a long-running command: 0, or 1 with the error on stderr.
fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
