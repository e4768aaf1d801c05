//! What every chain and wallet command shares: the global options (`--url`, `--wallet-path`,
//! `--json`) and the way a result or an error reaches the user.
//!
//! A command returns a [`Report`]: one JSON document and its human rendering. With `--json` only
//! the document goes to stdout, so scripts can parse it; a failure is `{"error": "…"}` on stdout
//! and the message on stderr, with exit code 1. Amounts in JSON are integers of rao under names
//! ending in `_rao`.

use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

/// The options every chain and wallet command takes (anywhere on the command line).
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The node's JSON-RPC endpoint.
    #[arg(
        long,
        global = true,
        env = "CORTEX_URL",
        default_value = "ws://127.0.0.1:9944",
        value_name = "URL"
    )]
    pub url: String,
    /// Where wallets live (bittensor's layout: DIR/NAME/coldkey, DIR/NAME/hotkeys/H).
    #[arg(long, global = true, env = "CORTEX_WALLET_PATH", value_name = "DIR")]
    pub wallet_path: Option<PathBuf>,
    /// Print exactly one JSON document on stdout and nothing else.
    #[arg(long, global = true)]
    pub json: bool,
}

impl Global {
    /// The wallet directory: `--wallet-path`, else `~/.bittensor/wallets` (bittensor's default).
    pub fn wallet_root(&self) -> PathBuf {
        if let Some(path) = &self.wallet_path {
            return path.clone();
        }
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        home.join(".bittensor").join("wallets")
    }
}

/// A command's result: the JSON document and what a person reads.
#[derive(Debug)]
pub struct Report {
    /// Printed with `--json`.
    pub json: Value,
    /// Printed without it.
    pub text: String,
}

impl Report {
    /// A report from its two renderings.
    pub fn new(json: Value, text: impl Into<String>) -> Report {
        Report {
            json,
            text: text.into(),
        }
    }
}

/// Prints a command's outcome the way `--json` asks and turns it into the exit code.
pub fn finish(global: &Global, outcome: anyhow::Result<Report>) -> ExitCode {
    match outcome {
        Ok(report) => {
            if global.json {
                println!("{}", report.json);
            } else if !report.text.is_empty() {
                println!("{}", report.text.trim_end());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            // `{:#}` joins the context chain: "what failed: why".
            let message = format!("{error:#}");
            if global.json {
                println!("{}", json!({ "error": message }));
            }
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// An amount of rao as TAO with nine decimals, trailing zeros trimmed (`1.5`, `0.000000001`).
pub fn tao(rao: u64) -> String {
    let whole = rao / 1_000_000_000;
    let frac = rao % 1_000_000_000;
    if frac == 0 {
        return format!("{whole}");
    }
    let digits = format!("{frac:09}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Parses a TAO amount given on the command line (`1`, `0.5`, `1e-9` is refused) into rao,
/// exactly: no float rounding.
pub fn parse_tao(text: &str) -> anyhow::Result<u64> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let bad = || {
        anyhow::anyhow!(
            "{text:?} is not an amount of TAO: write digits with at most nine decimals, e.g. 1.5"
        )
    };
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 9
    {
        return Err(bad());
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac_rao: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(1_000_000_000)
        .and_then(|r| r.checked_add(frac_rao))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tao_amounts_round_trip_exactly() {
        assert_eq!(parse_tao("1").unwrap(), 1_000_000_000);
        assert_eq!(parse_tao("0.5").unwrap(), 500_000_000);
        assert_eq!(parse_tao(".000000001").unwrap(), 1);
        assert_eq!(parse_tao("12.345").unwrap(), 12_345_000_000);
        assert!(parse_tao("1.0000000001").is_err());
        assert!(parse_tao("-1").is_err());
        assert!(parse_tao("1e3").is_err());
        assert!(parse_tao("").is_err());
        assert!(parse_tao("99999999999999999999").is_err());
        assert_eq!(tao(1_500_000_000), "1.5");
        assert_eq!(tao(1), "0.000000001");
        assert_eq!(tao(7_000_000_000), "7");
    }
}
