//! Time from submission to finality, one transfer at a time: each `Balances.transfer_keep_alive`
//! is signed before its clock starts, then submitted with `author_submitAndWatchExtrinsic`
//! ([`Client::watch_signed`], waiting for `Finalized`); the time until the node reports it
//! final is one sample.
//!
//! ```text
//! cargo run --release -p cortex-client --example finality -- [--url ws://127.0.0.1:9944] \
//!     [--count 200] [--from //Alice]
//! ```
//!
//! Against a dev node every block is final at once, so this measures block time; against a
//! validator of a BFT chain (`cortex node --chain`) it is the submission, the gossip to the
//! leader, the proposal's wait for the block time, and simplex's notarization and finalization.
//! Figures go to `docs/benchmarks.md`.

use cortex_client::types::{BalancesCall, MultiAddress, RuntimeCall};
use cortex_client::{Client, Sr25519Pair, TxOptions, Wait};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: finality [--url URL] [--count N] [--from //URI]";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut url = "ws://127.0.0.1:9944".to_string();
    let mut count = 200usize;
    let mut from = "//Alice".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(USAGE)?;
        match flag.as_str() {
            "--url" => url = value,
            "--count" => count = value.parse()?,
            "--from" => from = value,
            _ => return Err(USAGE.into()),
        }
    }
    let client = Client::connect(&url).await?;
    let signer = Sr25519Pair::from_uri(&from)?;
    let dest = Sr25519Pair::from_uri("//Two")?.public();
    let options = TxOptions {
        wait: Wait::Finalized,
        mortal_for: None,
        timeout: Duration::from_secs(30),
    };
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(dest),
            value: 1_000,
        });
        let tx = client.sign(call, &signer, &options).await?;
        let started = Instant::now();
        client.watch_signed(&tx, &options).await?;
        samples.push(started.elapsed());
    }
    samples.sort();
    let at = |q: usize| {
        let i = (samples.len() * q / 100).min(samples.len().saturating_sub(1));
        samples.get(i).copied().unwrap_or_default()
    };
    let mean = samples.iter().sum::<Duration>() / u32::try_from(samples.len().max(1))?;
    println!(
        "{count} transfers via {url}: submission to finality median {:.0?}, p90 {:.0?}, p99 {:.0?}, max {:.0?}, mean {:.0?}, min {:.0?}",
        at(50),
        at(90),
        at(99),
        at(100),
        mean,
        at(0)
    );
    Ok(())
}
