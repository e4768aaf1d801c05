//! An axon that answers `Predict` with the sum of the features, for the interop test with
//! bittensor's Python `Dendrite` (scripts/interop/axon_interop.py).
//!
//! `echo_axon --port P --uri //Miner --allow <ss58>...` prints `listening <addr> <hotkey>` once
//! it accepts connections and serves until its stdin closes (so it never outlives the test).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use clap::Parser;
use cortex_axon::{Axon, Synapse, SynapseBody};
use cortex_primitives::{AccountId32, Sr25519Pair};
use serde::{Deserialize, Serialize};

#[derive(Parser)]
struct Args {
    /// Port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The axon's hotkey, as a secret URI.
    #[arg(long, default_value = "//Miner")]
    uri: String,
    /// Hotkeys (ss58) admitted by the blacklist, each with stake 1 TAO.
    #[arg(long)]
    allow: Vec<String>,
}

/// The interop synapse: Python declares `features: list[float]` without a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Predict {
    features: Vec<f64>,
    /// Hashed too: a dict, whose key order the body hash must respect.
    #[serde(default)]
    meta: std::collections::BTreeMap<String, f64>,
    prediction: Option<f64>,
}

impl SynapseBody for Predict {
    const NAME: &'static str = "Predict";
    const REQUIRED_HASH_FIELDS: &'static [&'static str] = &["features", "meta"];
    const REQUIRED_FIELDS: &'static [&'static str] = &["features"];
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pair =
        Sr25519Pair::from_uri(&args.uri).map_err(|e| anyhow::anyhow!("--uri {}: {e}", args.uri))?;
    let mut stakes = HashMap::new();
    for ss58 in &args.allow {
        let (account, _) =
            AccountId32::from_ss58(ss58).map_err(|e| anyhow::anyhow!("--allow {ss58}: {e}"))?;
        stakes.insert(account, 1_000_000_000u64);
    }
    let axon =
        Axon::new(pair, Arc::new(RwLock::new(stakes))).attach(|s: Synapse<Predict>| async move {
            let sum = s.body.features.iter().sum();
            Ok(Predict {
                prediction: Some(sum),
                ..s.body
            })
        });
    let hotkey = axon.hotkey();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .context("bind")?;
    println!("listening {} {hotkey}", listener.local_addr()?);
    // A plain thread watches stdin: when the test's pipe closes, the server stops.
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        use std::io::Read as _;
        let mut buf = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    let stdin_closed = async {
        let _ = rx.await;
    };
    axon.serve(listener, stdin_closed).await.context("serve")?;
    Ok(())
}
