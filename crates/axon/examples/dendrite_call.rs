//! One `Predict` call from our dendrite, for the interop test with bittensor's Python `Axon`
//! (scripts/interop/axon_interop.py). Prints the outcome as one JSON line:
//! `{"status_code", "status_message", "prediction", "axon_hotkey", "process_time"}`.

use std::time::Duration;

use clap::Parser;
use cortex_axon::{AxonTarget, Dendrite, SynapseBody};
use cortex_primitives::Sr25519Pair;
use serde::{Deserialize, Serialize};

#[derive(Parser)]
struct Args {
    /// The axon's IP.
    #[arg(long, default_value = "127.0.0.1")]
    ip: String,
    /// The axon's port.
    #[arg(long)]
    port: u16,
    /// The axon's hotkey, ss58.
    #[arg(long)]
    axon_hotkey: String,
    /// The caller's hotkey, as a secret URI.
    #[arg(long, default_value = "//Validator")]
    uri: String,
    /// Comma-separated features.
    #[arg(long, value_delimiter = ',', default_value = "1.5,2.0,0.25")]
    features: Vec<f64>,
    /// Timeout in seconds.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
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
    let dendrite = Dendrite::new(pair)?;
    let target = AxonTarget {
        ip: args.ip,
        port: args.port,
        hotkey: args.axon_hotkey,
    };
    // Keys out of sorted order: the hash must follow the bytes on both sides.
    let meta = [("zeta".to_string(), 1.0), ("alpha".to_string(), 2.0)]
        .into_iter()
        .collect();
    let body = Predict {
        features: args.features,
        meta,
        prediction: None,
    };
    let out = dendrite
        .call(&target, body, Duration::from_secs_f64(args.timeout))
        .await;
    let line = serde_json::json!({
        "status_code": out.dendrite.status_code,
        "status_message": out.dendrite.status_message,
        "prediction": out.body.prediction,
        "axon_hotkey": out.axon.hotkey,
        "process_time": out.dendrite.process_time,
    });
    println!("{line}");
    Ok(())
}
