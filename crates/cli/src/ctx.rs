//! What the chain commands share: the connection, the spinner while a command waits for its
//! block, and errors turned into what to do next.
//!
//! A chain error (`SubtensorModule.NotEnoughBalanceToStake: …`) keeps the chain's own name and
//! docs, and gets a hint for the common ones, so the user sees both what the chain said and
//! what to try.

use crate::output::{Global, tao};
use anyhow::{Context, anyhow};
use cortex_client::types::RuntimeCall;
use cortex_client::{AccountId32, Client, ClientError, Included, Sr25519Pair, TxOptions};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A connected command.
pub struct Ctx {
    /// The global options.
    pub global: Global,
    /// The client.
    pub client: Client,
}

/// Runs an async command body on a single-threaded runtime (a command is one task; a
/// multi-threaded runtime would only cost start-up time).
pub fn block_on<F: std::future::Future<Output = anyhow::Result<T>>, T>(f: F) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(f)
}

impl Ctx {
    /// Connects to `--url`.
    pub async fn connect(global: &Global) -> anyhow::Result<Ctx> {
        let client = Client::connect(&global.url).await.map_err(|e| anyhow!(e))?;
        Ok(Ctx {
            global: global.clone(),
            client,
        })
    }

    /// A spinner on stderr saying `message`, hidden with `--json` and when stderr is no
    /// terminal.
    pub fn spinner(&self, message: &str) -> ProgressBar {
        if self.global.json {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    }

    /// Signs `call` with `signer`, submits it and waits for its block behind a spinner; a
    /// failure says what `what` was and what to do.
    pub async fn submit(
        &self,
        what: &str,
        call: RuntimeCall,
        signer: &Sr25519Pair,
    ) -> anyhow::Result<Included> {
        let bar = self.spinner(&format!("{what}: waiting for a block"));
        let outcome = self
            .client
            .submit_and_watch(call, signer, &TxOptions::default())
            .await;
        bar.finish_and_clear();
        outcome.map_err(|e| explain(what, e))
    }

    /// The free balance of `who`, in rao.
    pub async fn free(&self, who: &AccountId32) -> anyhow::Result<u64> {
        self.client.free_balance(who).await.map_err(|e| anyhow!(e))
    }

    /// Fails with a message naming the shortfall unless `who` holds `needed` rao.
    pub async fn require_funds(
        &self,
        who: &AccountId32,
        needed: u64,
        what: &str,
        hint: &str,
    ) -> anyhow::Result<u64> {
        let free = self.free(who).await?;
        if free < needed {
            return Err(anyhow!(
                "{what} {} TAO exceeds the balance {} TAO of coldkey {}: {hint}",
                tao(needed),
                tao(free),
                who.to_ss58(42)
            ));
        }
        Ok(free)
    }

    /// The chain's block time, measured from the timestamps of the last blocks (12 s if the
    /// chain is too young to tell).
    pub async fn block_time(&self) -> Duration {
        let fallback = Duration::from_secs(12);
        let Ok(best) = self.client.best_number().await else {
            return fallback;
        };
        let span = best.min(10);
        if span == 0 {
            return fallback;
        }
        let at = |n: u32| async move {
            let hash = self.client.block_hash(n).await.ok()??;
            self.client
                .storage_decoded::<u64>(
                    "Timestamp.Now",
                    &cortex_client::keys::timestamp_now(),
                    Some(hash),
                )
                .await
                .ok()?
        };
        match (at(best).await, at(best.saturating_sub(span)).await) {
            (Some(now), Some(then)) if now > then => {
                Duration::from_millis((now - then) / u64::from(span))
            }
            _ => fallback,
        }
    }
}

/// A client error as the user should read it: what failed, the chain's words, and a hint.
pub fn explain(what: &str, e: ClientError) -> anyhow::Error {
    match &e {
        ClientError::Chain(chain) => {
            let hint = hint(&chain.name)
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            anyhow!("{what} failed on chain: {chain}{hint}")
        }
        ClientError::Rpc {
            code: 1010, data, ..
        } => {
            let data = data.clone().unwrap_or_default();
            let next = if data.contains("pay") {
                "the signing account cannot pay the fee: fund it"
            } else if data.contains("outdated") || data.contains("future") {
                "the nonce is out of step (another transaction from this key?): retry"
            } else if data.contains("signature") {
                "the signature does not verify for this chain: check --url points at the chain the wallet is meant for"
            } else {
                "the node refused the transaction before any block; nothing changed"
            };
            anyhow!("{what} refused by the node: {data}: {next}")
        }
        _ => anyhow!("{what} failed: {e}"),
    }
}

/// What to try after the common chain errors.
fn hint(name: &str) -> Option<&'static str> {
    Some(match name {
        "SubnetNotExists" => "`cortex subnet list` shows the netuids",
        "HotKeyNotRegisteredInSubNet" | "HotKeyNotRegisteredInNetwork" => {
            "register it first: `cortex register --name W --hotkey H --netuid N`"
        }
        "HotKeyAccountNotExists" => "the hotkey must be registered on a subnet first",
        "NotEnoughBalanceToStake" | "BalanceWithdrawalError" => "fund the coldkey, or use less",
        "SlippageTooHigh" | "PriceLimitExceeded" => {
            "the price would pass your limit: raise --limit-price or --tolerance, or use a smaller amount"
        }
        "SettingWeightsTooFast" => "the subnet's weights rate limit applies: wait and retry",
        "NeuronNoValidatorPermit" => {
            "only validators with a permit may set weights on others: stake more and wait for an epoch"
        }
        "CommitRevealEnabled" => "the subnet uses commit-reveal: `cortex weights set` does both",
        "SubtokenDisabled" => {
            "the subnet is not started: `cortex subnet start --name W --netuid N`"
        }
        "NotSubnetOwner" | "BadOrigin" => "sign with the subnet owner's coldkey",
        "RequireSudo" => {
            "this setting is root's: sign with the sudo key (//Alice on the dev chain)"
        }
        "TxRateLimitExceeded" | "NetworkTxRateLimitExceeded" => {
            "rate limited: wait a few blocks and retry"
        }
        "AdminActionProhibitedDuringWeightsWindow" => {
            "the admin freeze window before the epoch is on: retry after the epoch"
        }
        "HotKeyAlreadyRegisteredInSubNet" => "the hotkey already has a uid on this subnet",
        "StakeAmountTooLow" | "AmountTooLow" => "the amount is below the chain's minimum",
        "NotEnoughStakeToWithdraw" => "`cortex stake list --name W` shows what is staked",
        _ => return None,
    })
}

/// Parses an ss58 address, naming the flag in the error.
pub fn parse_ss58(flag: &str, text: &str) -> anyhow::Result<AccountId32> {
    AccountId32::from_ss58(text.trim())
        .map(|(a, _)| a)
        .map_err(|e| anyhow!("{flag} {text:?} is not an ss58 address ({e})"))
}

/// An axon's IP as text (IPv4 in the low 32 bits when `ip_type` is 4).
pub fn ip_text(ip: u128, ip_type: u8) -> String {
    if ip == 0 {
        return String::new();
    }
    if ip_type == 4 {
        std::net::Ipv4Addr::from(u32::try_from(ip).unwrap_or(0)).to_string()
    } else {
        std::net::Ipv6Addr::from(ip).to_string()
    }
}

/// A u16 ratio (`incentive`, `dividends`, …) as a fraction of 1, as bittensor shows it.
pub fn ratio(v: u16) -> f64 {
    f64::from(v) / f64::from(u16::MAX)
}

/// Bytes the chain stores as text.
pub fn text(bytes: &[codec_compact::Compact<u8>]) -> String {
    String::from_utf8_lossy(&bytes.iter().map(|c| c.0).collect::<Vec<_>>()).into_owned()
}

/// The SCALE compact wrapper (through the primitives' re-export of the codec).
pub mod codec_compact {
    pub use cortex_primitives::codec::Compact;
}
