//! `cortex node`: runs the chain node until Ctrl-C or SIGTERM.
//!
//! `--dev` is the only chain so far: the dev accounts //Alice … //Ferdie with 1,000,000 TAO each,
//! sudo //Alice, subtensor's fast-runtime values (250 ms blocks, tempo 10). Without
//! `--base-path` the database lives in a temporary directory removed at exit.

use clap::Args;
use cortex_node::{BlockTime, NodeConfig};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `cortex node` flags (named as Substrate's, so subtensor users know them).
#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Run the development chain.
    #[arg(long)]
    dev: bool,
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

/// Runs the node; returns when it stops.
pub fn run(args: NodeArgs) -> ExitCode {
    if !args.dev {
        eprintln!("error: only the development chain exists so far; run `cortex node --dev`");
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

async fn serve(args: NodeArgs) -> ExitCode {
    let ip = if args.rpc_external {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let mut config = NodeConfig::dev(SocketAddr::new(ip, args.rpc_port));
    config.base_path = args.base_path;
    config.prometheus_addr = args
        .prometheus_port
        .map(|p| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), p));
    config.block_time = if args.instant {
        Some(BlockTime::Instant)
    } else {
        args.block_time.map(BlockTime::Every)
    };
    let node = match cortex_node::start(config).await {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let production = match node.block_time {
        BlockTime::Instant => "instant blocks".to_string(),
        BlockTime::Every(d) => format!("a block every {d:?}"),
    };
    let metrics = node
        .prometheus_addr
        .map(|a| format!(", metrics http://{a}/metrics"))
        .unwrap_or_default();
    println!(
        "cortex node: chain Bittensor (dev), genesis 0x{}, RPC ws://{addr} and http://{addr}, {production}{metrics}, base path {}",
        hex_encode(&node.genesis_hash),
        node.base_path.display(),
        addr = node.rpc_addr,
    );
    let stop = tokio::select! {
        _ = shutdown_signal() => None,
        _ = watch_chain(&node) => Some(()),
    };
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

/// Resolves if the chain thread stops by itself (a database failure).
async fn watch_chain(node: &cortex_node::Node) {
    while node.chain_running() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
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
}
