//! `cortex chain-spec new`: a chain spec and validator keys for a network of several
//! validators (`cortex_consensus::spec`).

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use cortex_consensus::ChainSpec;
use serde_json::json;

use crate::output::Report;

/// `cortex chain-spec`.
#[derive(Subcommand, Debug)]
pub enum ChainSpecCommand {
    /// Write DIR/chain-spec.json (genesis, the authority set with each validator's p2p
    /// address, the full nodes) and DIR/validator-{1..N}.key (each validator's consensus and
    /// p2p key, mode 0600: give each operator only their own), DIR/node-{1..K}.key for full
    /// nodes.
    New(NewArgs),
}

/// `cortex chain-spec new`.
#[derive(Args, Debug)]
pub struct NewArgs {
    /// How many validators.
    #[arg(long)]
    validators: usize,
    /// How many full nodes (they follow and serve RPC, never vote; keys node-{1..K}.key, p2p
    /// ports after the validators').
    #[arg(long, default_value_t = 0)]
    full_nodes: usize,
    /// Validator i's p2p port is PORT + i - 1.
    #[arg(long, default_value_t = 30_333)]
    p2p_base_port: u16,
    /// The host the validators' p2p addresses name (edit the spec for one host each).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The chain's name.
    #[arg(long, default_value = "local")]
    name: String,
    /// The directory to write into.
    #[arg(long)]
    out: PathBuf,
}

/// Runs a `chain-spec` command.
pub fn run(command: &ChainSpecCommand) -> anyhow::Result<Report> {
    let ChainSpecCommand::New(args) = command;
    if args.validators == 0 {
        bail!("--validators must be at least 1 (4 tolerates one faulty validator)");
    }
    if args.validators > 100 {
        bail!("--validators {}: at most 100", args.validators);
    }
    if args.full_nodes > 100 {
        bail!("--full-nodes {}: at most 100", args.full_nodes);
    }
    let (spec, keys) = ChainSpec::generate(
        &args.name,
        args.validators,
        args.full_nodes,
        args.host,
        args.p2p_base_port,
    )
    .context("cannot make the chain spec")?;
    let files = spec
        .write(&keys, &args.out)
        .context("cannot write the chain spec")?;
    let faults = (args.validators - 1) / 3;
    Ok(Report::new(
        json!({
            "spec": files.first(),
            "keys": files.get(1..),
            "namespace": spec.namespace,
            "authorities": spec.authorities,
            "full_nodes": spec.full_nodes,
            "tolerated_faults": faults,
        }),
        format!(
            "wrote {} and {} keys (mode 0600) in {}; {} validators tolerate {faults} faulty{}",
            "chain-spec.json",
            keys.len(),
            args.out.display(),
            args.validators,
            if args.full_nodes > 0 {
                format!(", {} full nodes follow", args.full_nodes)
            } else {
                String::new()
            }
        ),
    ))
}
