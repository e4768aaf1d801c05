//! `cortex node`: runs the chain node until Ctrl-C or SIGTERM; `cortex node check-db` checks a
//! node's database for damage.
//!
//! `--dev` is the only chain so far: the dev accounts //Alice … //Ferdie with 1,000,000 TAO each,
//! sudo //Alice, subtensor's fast-runtime values (250 ms blocks, tempo 10). Without
//! `--base-path` the database lives in a temporary directory removed at exit.
//!
//! The RPC limits take Substrate's flag names where Substrate has the flag
//! (`--rpc-max-connections`, `--rpc-max-request-size`, …), and the same style where it has none
//! (`--rpc-max-connections-per-ip`, `--rpc-idle-timeout`, `--rpc-request-body-timeout`).

use clap::{Args, Subcommand};
use cortex_node::{BlockTime, NodeConfig, RpcConfig};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `cortex node`: a subcommand, or the flags of a node to run.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct NodeArgs {
    #[command(subcommand)]
    command: Option<NodeCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum NodeCommand {
    /// Check a node's database for damage: every block against its hash, the chain of parent
    /// hashes, the undo logs, the head state against its root, and redb's page checksums.
    CheckDb {
        /// The node's base path (the database is PATH/chains/dev/db/cortex.redb).
        #[arg(long, value_name = "PATH")]
        base_path: PathBuf,
        /// The development chain (the only one so far; accepted for symmetry with `node`).
        #[arg(long)]
        dev: bool,
    },
}

/// `cortex node` flags (named as Substrate's, so subtensor users know them).
#[derive(Args, Debug)]
struct RunArgs {
    /// Run the development chain.
    #[arg(long, conflicts_with = "chain")]
    dev: bool,
    /// Run the chain of this spec (`cortex chain-spec new`) under simplex BFT consensus.
    #[arg(long, value_name = "SPEC")]
    chain: Option<PathBuf>,
    /// This validator's key file (with --chain).
    #[arg(
        long,
        value_name = "KEY",
        requires = "chain",
        conflicts_with = "node_key"
    )]
    validator_key: Option<PathBuf>,
    /// Run a full node of the spec with this key (`node-N.key`): it follows, executes every
    /// finalized block and serves RPC, but does not vote.
    #[arg(long, value_name = "KEY", requires = "chain")]
    node_key: Option<PathBuf>,
    /// The p2p port to listen on (default: this node's port in the spec).
    #[arg(long, value_name = "PORT", requires = "chain")]
    p2p_port: Option<u16>,
    /// Where to keep the database (default with --dev: a temporary directory deleted at exit).
    #[arg(long, value_name = "PATH")]
    base_path: Option<PathBuf>,
    /// JSON-RPC port, for WebSocket and HTTP alike.
    #[arg(long, default_value_t = 9944)]
    rpc_port: u16,
    /// Listen for RPC on all interfaces instead of 127.0.0.1.
    #[arg(long)]
    rpc_external: bool,
    /// Serve Prometheus metrics at http://127.0.0.1:PORT/metrics.
    #[arg(long, value_name = "PORT")]
    prometheus_port: Option<u16>,
    /// Time between blocks, e.g. `250ms` (the dev chain's) or `12s` (the main network's).
    #[arg(long, value_parser = parse_block_time, value_name = "DURATION")]
    block_time: Option<Duration>,
    /// Make a block as soon as a transaction is ready, and none otherwise.
    #[arg(long, conflicts_with = "block_time")]
    instant: bool,
    /// Which blocks' states stay readable: `archive` (every block, the dev chain's default) or
    /// a number N (the last N blocks; at least 256, since clients read the state of the block
    /// that included their transaction).
    #[arg(long, value_parser = parse_state_pruning, default_value = "archive", value_name = "archive|N")]
    state_pruning: u32,
    /// Most RPC connections open at once (WebSocket and HTTP alike).
    #[arg(long, default_value_t = RpcConfig::default().max_connections, value_name = "N")]
    rpc_max_connections: u32,
    /// Most RPC connections open at once from one IP address.
    #[arg(long, default_value_t = RpcConfig::default().max_connections_per_ip, value_name = "N")]
    rpc_max_connections_per_ip: u32,
    /// Close an RPC connection that sends and reads nothing for this long (e.g. `60s`).
    #[arg(long, value_parser = parse_duration, default_value = "60s", value_name = "DURATION")]
    rpc_idle_timeout: Duration,
    /// Refuse a request whose body has not arrived this long after its headers (e.g. `30s`).
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DURATION")]
    rpc_request_body_timeout: Duration,
    /// Largest RPC request, in MiB.
    #[arg(long, default_value_t = 15, value_name = "MIB")]
    rpc_max_request_size: u32,
    /// Largest RPC answer or notification, in MiB.
    #[arg(long, default_value_t = 15, value_name = "MIB")]
    rpc_max_response_size: u32,
    /// Most subscriptions on one connection.
    #[arg(long, default_value_t = RpcConfig::default().max_subscriptions_per_connection, value_name = "N")]
    rpc_max_subscriptions_per_connection: u32,
    /// Messages buffered for one connection before it is slowed down (and its slow
    /// subscriptions dropped).
    #[arg(long, default_value_t = RpcConfig::default().message_buffer_capacity, value_name = "N")]
    rpc_message_buffer_capacity_per_connection: u32,
    /// Most requests in one JSON-RPC batch.
    #[arg(long, default_value_t = RpcConfig::default().max_batch_len, value_name = "N")]
    rpc_max_batch_request_len: u32,
    /// Most items in one list parameter: keys of `state_queryStorageAt` and
    /// `state_subscribeStorage`, numbers of `chain_getBlockHash`.
    #[arg(long, default_value_t = RpcConfig::default().calls.max_items, value_name = "N")]
    rpc_max_items_per_request: usize,
}

impl RunArgs {
    /// The RPC server's configuration from the flags.
    fn rpc_config(&self) -> Result<RpcConfig, String> {
        let mib = |n: u32, flag: &str| {
            n.checked_mul(1024 * 1024)
                .filter(|b| *b > 0)
                .ok_or_else(|| format!("--{flag} {n} is out of range: give 1 to 4095 (MiB)"))
        };
        let mut cfg = RpcConfig {
            max_connections: self.rpc_max_connections,
            max_connections_per_ip: self.rpc_max_connections_per_ip,
            idle_timeout: self.rpc_idle_timeout,
            body_timeout: self.rpc_request_body_timeout,
            max_request_bytes: mib(self.rpc_max_request_size, "rpc-max-request-size")?,
            max_subscriptions_per_connection: self.rpc_max_subscriptions_per_connection,
            message_buffer_capacity: self.rpc_message_buffer_capacity_per_connection,
            max_batch_len: self.rpc_max_batch_request_len,
            ..RpcConfig::default()
        };
        cfg.calls.max_response_bytes =
            mib(self.rpc_max_response_size, "rpc-max-response-size")? as usize;
        cfg.calls.max_items = self.rpc_max_items_per_request.max(1);
        Ok(cfg)
    }
}

/// Parses `60s`, `500ms` or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("{s:?} is not a duration; write e.g. 500ms or 60s");
    let d = if let Some(ms) = s.strip_suffix("ms") {
        Duration::from_millis(ms.trim().parse().map_err(|_| bad())?)
    } else {
        let secs = s.strip_suffix('s').unwrap_or(s);
        let secs: f64 = secs.trim().parse().map_err(|_| bad())?;
        if !(secs.is_finite() && secs > 0.0) {
            return Err(bad());
        }
        Duration::from_secs_f64(secs)
    };
    if d < Duration::from_millis(100) {
        return Err(format!("{s:?} is too short: give at least 100ms"));
    }
    Ok(d)
}

/// The smallest `--state-pruning N`: Substrate's default history (clients read events and
/// storage at the block that included their transaction, which may be that far back).
const MIN_STATE_HISTORY: u32 = 256;

/// Parses `--state-pruning`: `archive` (or Substrate's `archive-canonical`, the same on a chain
/// without forks) or a number of blocks.
fn parse_state_pruning(s: &str) -> Result<u32, String> {
    match s.trim() {
        "archive" | "archive-canonical" => Ok(cortex_store::ARCHIVE),
        n => match n.parse::<u32>() {
            Ok(n) if (MIN_STATE_HISTORY..cortex_store::ARCHIVE).contains(&n) => Ok(n),
            Ok(n) => Err(format!(
                "--state-pruning {n} keeps too few blocks: give at least {MIN_STATE_HISTORY}, or `archive`"
            )),
            Err(_) => Err(format!(
                "{s:?} is not a pruning mode: give `archive` or a number of blocks such as 512"
            )),
        },
    }
}

/// Parses `250ms`, `12s`, `1.5s` or a bare number of milliseconds.
fn parse_block_time(s: &str) -> Result<Duration, String> {
    let bad = || format!("{s:?} is not a block time; write e.g. 250ms or 12s");
    let d = if let Some(ms) = s.strip_suffix("ms") {
        Duration::from_millis(ms.trim().parse().map_err(|_| bad())?)
    } else if let Some(secs) = s.strip_suffix('s') {
        let secs: f64 = secs.trim().parse().map_err(|_| bad())?;
        if !(secs.is_finite() && secs > 0.0) {
            return Err(bad());
        }
        Duration::from_secs_f64(secs)
    } else {
        Duration::from_millis(s.trim().parse().map_err(|_| bad())?)
    };
    if d < Duration::from_millis(10) {
        return Err(format!("{s:?} is too short: blocks need at least 10ms"));
    }
    Ok(d)
}

/// Runs the node (or its subcommand); returns when it stops.
pub fn run(args: NodeArgs) -> ExitCode {
    match args.command {
        Some(NodeCommand::CheckDb { base_path, dev: _ }) => check_db(&base_path),
        None => run_node(args.run),
    }
}

/// `cortex node check-db`: 0 if the database is sound, 1 (with what is damaged) if not.
fn check_db(base_path: &std::path::Path) -> ExitCode {
    let path = cortex_node::service::db_file(base_path);
    if !path.exists() {
        eprintln!(
            "error: there is no chain database at {}; pass the --base-path the node ran with",
            path.display()
        );
        return ExitCode::from(2);
    }
    let started = std::time::Instant::now();
    let store = match cortex_store::Store::open(&path, cortex_store::ARCHIVE) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cortex_node::check::full(&store) {
        Ok(report) => {
            let head = report
                .head
                .map_or_else(|| "empty".to_string(), |h| format!("head #{h}"));
            println!(
                "cortex node check-db: {} is sound: redb page checksums, {} blocks ({head}) against their hashes and parents, {} undo entries, {} state entries against the head's state root ({:.1?})",
                path.display(),
                report.blocks,
                report.undo_entries,
                report.state_entries,
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_node(args: RunArgs) -> ExitCode {
    if !args.dev && args.chain.is_none() {
        eprintln!(
            "error: say which chain: `cortex node --dev`, or `cortex node --chain SPEC --validator-key KEY` (or `--node-key KEY` for a full node; specs come from `cortex chain-spec new`)"
        );
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(args: RunArgs) -> ExitCode {
    let ip = if args.rpc_external {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let mut config = NodeConfig::dev(SocketAddr::new(ip, args.rpc_port));
    config.rpc = match args.rpc_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    config.base_path = args.base_path.clone();
    config.state_history = args.state_pruning;
    config.prometheus_addr = args
        .prometheus_port
        .map(|p| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), p));
    config.block_time = if args.instant {
        Some(BlockTime::Instant)
    } else {
        args.block_time.map(BlockTime::Every)
    };
    let mut chain_label = "Bittensor (dev)".to_string();
    if let Some(spec_path) = &args.chain {
        if args.instant || args.block_time.is_some() {
            eprintln!(
                "error: --block-time and --instant are the dev author's; a chain spec's block time is the chain's own"
            );
            return ExitCode::from(2);
        }
        match bft_config(spec_path, &args) {
            Ok((bft, label)) => {
                chain_label = label;
                config.bft = Some(bft);
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        }
    }
    let node = match cortex_node::start(config).await {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let production = match (node.block_time, &args.chain) {
        (BlockTime::Every(d), Some(_)) => format!("simplex BFT consensus, a block every {d:?}"),
        (BlockTime::Instant, _) => "instant blocks".to_string(),
        (BlockTime::Every(d), None) => format!("a block every {d:?}"),
    };
    let metrics = node
        .prometheus_addr
        .map(|a| format!(", metrics http://{a}/metrics"))
        .unwrap_or_default();
    println!(
        "cortex node: chain {chain_label}, genesis 0x{}, RPC ws://{addr} and http://{addr}, {production}{metrics}, base path {}",
        hex_encode(&node.genesis_hash),
        node.base_path.display(),
        addr = node.rpc_addr,
    );
    let stop = tokio::select! {
        _ = shutdown_signal() => None,
        failure = watch_chain(&node) => Some(failure),
    };
    if let Some(Some(reason)) = &stop {
        eprintln!("error: {reason}");
    }
    let failed = stop.is_some();
    match node.stop().await {
        Ok(()) if !failed => ExitCode::SUCCESS,
        Ok(()) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: block production stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves if the chain thread stops by itself (a database failure), or the consensus
/// engine does (the chain could not apply a finalized block: the reason names it).
async fn watch_chain(node: &cortex_node::Node) -> Option<String> {
    loop {
        if !node.chain_running() {
            return None;
        }
        if let Some(failure) = node.engine_failure() {
            return Some(failure);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The validator's consensus configuration from `--chain`, `--validator-key` and
/// `--p2p-port`, and the chain's label.
fn bft_config(
    spec_path: &std::path::Path,
    args: &RunArgs,
) -> anyhow::Result<(cortex_node::engine::BftConfig, String)> {
    use anyhow::Context as _;
    let spec = cortex_consensus::ChainSpec::load(spec_path)?;
    let (key_path, follower) = match (&args.validator_key, &args.node_key) {
        (Some(k), _) => (k, false),
        (None, Some(k)) => (k, true),
        (None, None) => anyhow::bail!(
            "--chain needs --validator-key KEY (a validator) or --node-key KEY (a full node); both come from `cortex chain-spec new`"
        ),
    };
    let signer = cortex_consensus::spec::load_key(key_path)?;
    let me = cortex_consensus::commonware::Signer::public_key(&signer);
    let (entry, role) = if follower {
        (spec.full_node_of(&me), "full nodes")
    } else {
        (spec.authority_of(&me), "authority set")
    };
    let authority = entry.with_context(|| {
        format!(
            "{}: this key ({}) is not in {}'s {role}",
            key_path.display(),
            cortex_consensus::spec::public_hex(&me),
            spec_path.display()
        )
    })?;
    let authorities = spec
        .authority_addresses()
        .map_err(|e| anyhow::anyhow!("{}: {e}", spec_path.display()))?;
    let full_nodes = spec
        .full_node_addresses()
        .map_err(|e| anyhow::anyhow!("{}: {e}", spec_path.display()))?;
    let port = args.p2p_port.unwrap_or(authority.p2p_address.port());
    // A spec on one host listens there; one across hosts listens on every interface (the
    // spec names the address peers dial, which may be a NAT's).
    let ip = authority.p2p_address.ip();
    let listen_ip = if ip.is_loopback() {
        ip
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    };
    let private = authorities
        .iter()
        .chain(&full_nodes)
        .any(|(_, a)| match a.ip() {
            IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
            IpAddr::V6(v6) => v6.is_loopback() || v6.is_unique_local(),
        });
    let label = format!(
        "{} ({}{}, {} validators)",
        spec.name,
        authority.name,
        if follower { ", full node" } else { "" },
        authorities.len()
    );
    Ok((
        cortex_node::engine::BftConfig {
            name: spec.name.clone(),
            namespace: spec.namespace.as_bytes().to_vec(),
            signer,
            authorities,
            full_nodes,
            follower,
            listen: SocketAddr::new(listen_ip, port),
            allow_private_ips: private,
        },
        label,
    ))
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_times_parse_like_substrate_flags() {
        assert_eq!(parse_block_time("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_block_time("12s"), Ok(Duration::from_secs(12)));
        assert_eq!(parse_block_time("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_block_time("500"), Ok(Duration::from_millis(500)));
        assert!(parse_block_time("fast").is_err());
        assert!(parse_block_time("1ms").is_err());
        assert!(parse_block_time("-1s").is_err());
    }

    #[test]
    fn rpc_flags_have_substrate_names_and_sane_defaults() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            node: NodeArgs,
        }
        let cli = Cli::try_parse_from(["cortex", "--dev"]).unwrap();
        assert_eq!(cli.node.run.rpc_config().unwrap(), RpcConfig::default());
        let cli = Cli::try_parse_from([
            "cortex",
            "--dev",
            "--rpc-max-connections",
            "10",
            "--rpc-max-connections-per-ip",
            "3",
            "--rpc-idle-timeout",
            "2s",
            "--rpc-request-body-timeout",
            "500ms",
            "--rpc-max-request-size",
            "1",
        ])
        .unwrap();
        let cfg = cli.node.run.rpc_config().unwrap();
        assert_eq!((cfg.max_connections, cfg.max_connections_per_ip), (10, 3));
        assert_eq!(cfg.idle_timeout, Duration::from_secs(2));
        assert_eq!(cfg.body_timeout, Duration::from_millis(500));
        assert_eq!(cfg.max_request_bytes, 1024 * 1024);
        let cli = Cli::try_parse_from(["cortex", "check-db", "--base-path", "/x"]).unwrap();
        assert!(matches!(
            cli.node.command,
            Some(NodeCommand::CheckDb { .. })
        ));
        assert!(parse_duration("10ms").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn state_pruning_is_archive_by_default_or_a_number_of_blocks() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            node: NodeArgs,
        }
        let cli = Cli::try_parse_from(["cortex", "--dev"]).unwrap();
        assert_eq!(cli.node.run.state_pruning, cortex_store::ARCHIVE);
        let cli = Cli::try_parse_from(["cortex", "--dev", "--state-pruning", "1000"]).unwrap();
        assert_eq!(cli.node.run.state_pruning, 1000);
        assert_eq!(
            parse_state_pruning("archive-canonical"),
            Ok(cortex_store::ARCHIVE)
        );
        let few = parse_state_pruning("10").unwrap_err();
        assert!(few.contains("at least 256"), "{few}");
        let bad = parse_state_pruning("forever").unwrap_err();
        assert!(bad.contains("`archive` or a number"), "{bad}");
    }
}
