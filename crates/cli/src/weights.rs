//! `cortex weights set|commit|reveal`.
//!
//! Weights are given as numbers per uid and sent as u16s scaled so that the largest is 65535
//! (what bittensor sends). `set` checks the lengths, the uids and the rate limit before
//! anything is signed, then sets the weights directly, or, where the subnet has commit-reveal
//! on, commits their hash, waits for the reveal window and reveals them. The salt is derived
//! from a signature of the hotkey over the weights and the block, so nobody else can predict it
//! (that is what keeps a commit from being copied) and no random source is needed.

use crate::ctx::{Ctx, block_on};
use crate::output::{Global, Report};
use anyhow::anyhow;
use clap::{Args, Subcommand};
use cortex_client::NetUid;
use cortex_client::types::{Metagraph, RuntimeCall, SubtensorCall, weights_commit_hash};
use serde_json::json;
use std::time::Duration;

/// The weights to send.
#[derive(Args, Debug)]
pub struct WeightsArgs {
    /// The wallet.
    #[arg(long)]
    name: String,
    /// The validator's hotkey (it signs).
    #[arg(long)]
    hotkey: String,
    /// The subnet.
    #[arg(long)]
    netuid: u16,
    /// The uids, comma-separated (`1,2`).
    #[arg(long, value_delimiter = ',')]
    uids: Vec<u16>,
    /// Their weights, comma-separated, any scale (`0.75,0.25`).
    #[arg(long, value_delimiter = ',')]
    weights: Vec<f64>,
}

/// `cortex weights`.
#[derive(Subcommand, Debug)]
pub enum WeightsCommand {
    /// Set weights (committing and revealing by itself where the subnet uses commit-reveal).
    Set(WeightsArgs),
    /// Commit the hash of weights, to reveal later; prints the salt the reveal needs.
    Commit(WeightsArgs),
    /// Reveal weights committed earlier, with the salt `weights commit` printed.
    Reveal {
        #[command(flatten)]
        weights: WeightsArgs,
        /// The salt, comma-separated u16s.
        #[arg(long, value_delimiter = ',')]
        salt: Vec<u16>,
    },
}

/// Scales `weights` so that the largest is 65535, rounding to nearest.
fn normalize(uids: &[u16], weights: &[f64]) -> anyhow::Result<Vec<u16>> {
    if uids.len() != weights.len() {
        return Err(anyhow!(
            "--uids has {} entries but --weights has {}: give one weight per uid",
            uids.len(),
            weights.len()
        ));
    }
    if uids.is_empty() {
        return Err(anyhow!("give at least one uid and weight"));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = uids.iter().find(|u| !seen.insert(**u)) {
        return Err(anyhow!("uid {dup} appears twice in --uids"));
    }
    if let Some(bad) = weights.iter().find(|w| !w.is_finite() || **w < 0.0) {
        return Err(anyhow!("weight {bad} is not a number ≥ 0"));
    }
    cortex_client::weights::scale_to_u16(weights)
        .ok_or_else(|| anyhow!("every weight is 0: give at least one positive weight"))
}

/// Checks the uids against the metagraph, and the rate limit for `uid` at the next block.
async fn preflight(ctx: &Ctx, m: &Metagraph, uid: u16, uids: &[u16]) -> anyhow::Result<()> {
    let n = m.hotkeys.len();
    if let Some(bad) = uids.iter().find(|u| usize::from(**u) >= n) {
        return Err(anyhow!(
            "uid {bad} is not on subnet {} (it has {n} neurons: uids 0 to {})",
            m.netuid,
            n.saturating_sub(1)
        ));
    }
    let last = m
        .last_update
        .get(usize::from(uid))
        .map(|c| c.0)
        .unwrap_or(0);
    let next = m.block.saturating_add(1);
    let since = next.saturating_sub(last);
    if last != 0 && since < m.weights_rate_limit {
        let left = m.weights_rate_limit - since;
        let block_time = ctx.block_time().await;
        let wait = block_time.saturating_mul(u32::try_from(left).unwrap_or(u32::MAX));
        return Err(anyhow!(
            "weights rate limit: {left} blocks to go (~{} s): uid {uid} set weights at block {last} and subnet {} allows one setting per {} blocks",
            wait.as_secs().max(1),
            m.netuid,
            m.weights_rate_limit
        ));
    }
    Ok(())
}

/// Runs a `weights` command.
pub fn run(global: &Global, command: &WeightsCommand) -> anyhow::Result<Report> {
    let (args, given_salt) = match command {
        WeightsCommand::Set(a) | WeightsCommand::Commit(a) => (a, None),
        WeightsCommand::Reveal { weights, salt } => (weights, Some(salt.clone())),
    };
    let values = normalize(&args.uids, &args.weights)?;
    let signer = crate::wallet::hotkey(global, &args.name, &args.hotkey)?;
    let netuid = NetUid(args.netuid);
    block_on(async {
        let ctx = Ctx::connect(global).await?;
        let hotkey = signer.public();
        let m = ctx
            .client
            .metagraph(netuid)
            .await
            .map_err(|e| anyhow!(e))?
            .ok_or_else(|| anyhow!(cortex_client::query::subnet_missing(netuid)))?;
        let uid = ctx
            .client
            .uid_of(netuid, &hotkey)
            .await
            .map_err(|e| anyhow!(e))?
            .ok_or_else(|| {
                anyhow!(
                    "hotkey {} is not registered on subnet {}: `cortex register --name {} --hotkey {} --netuid {}` first",
                    hotkey.to_ss58(42),
                    netuid.0,
                    args.name,
                    args.hotkey,
                    netuid.0
                )
            })?;
        let version_key = m.weights_version;
        let uids = args.uids.clone();
        match (command, m.commit_reveal_weights_enabled) {
            (WeightsCommand::Set(_), false) => {
                preflight(&ctx, &m, uid, &uids).await?;
                let call = RuntimeCall::SubtensorModule(SubtensorCall::set_weights {
                    netuid,
                    dests: uids.clone(),
                    weights: values.clone(),
                    version_key,
                });
                let included = ctx.submit("weights set", call, &signer).await?;
                Ok(Report::new(
                    json!({
                        "netuid": netuid.0,
                        "uid": uid,
                        "uids": uids,
                        "weights": values,
                        "commit_reveal": false,
                        "extrinsic_hash": included.hash_hex(),
                        "block": included.block_number,
                    }),
                    format!(
                        "uid {uid} set weights on subnet {} in block {}",
                        netuid.0, included.block_number
                    ),
                ))
            }
            (WeightsCommand::Set(_) | WeightsCommand::Commit(_), _) => {
                preflight(&ctx, &m, uid, &uids).await?;
                let salt =
                    cortex_client::weights::commit_salt(&signer, netuid.0, m.block, &uids, &values);
                let hash =
                    weights_commit_hash(&hotkey, netuid.0, &uids, &values, &salt, version_key);
                let call = RuntimeCall::SubtensorModule(SubtensorCall::commit_weights {
                    netuid,
                    commit_hash: hash,
                });
                let committed = ctx.submit("weights commit", call, &signer).await?;
                let target =
                    reveal_epoch(&ctx, netuid, &hotkey, &hash, m.commit_reveal_period).await?;
                if matches!(command, WeightsCommand::Commit(_)) {
                    return Ok(Report::new(
                        json!({
                            "netuid": netuid.0,
                            "uid": uid,
                            "commit_hash": format!("0x{}", hex_of(&hash)),
                            "salt": salt,
                            "reveal_epoch": target,
                            "extrinsic_hash": committed.hash_hex(),
                            "block": committed.block_number,
                        }),
                        format!(
                            "committed weights in block {}; reveal in the subnet's epoch {target} with --salt {}",
                            committed.block_number,
                            salt.iter()
                                .map(u16::to_string)
                                .collect::<Vec<_>>()
                                .join(",")
                        ),
                    ));
                }
                wait_for_epoch(&ctx, netuid, target).await?;
                let call = RuntimeCall::SubtensorModule(SubtensorCall::reveal_weights {
                    netuid,
                    uids: uids.clone(),
                    values: values.clone(),
                    salt: salt.clone(),
                    version_key,
                });
                let revealed = ctx.submit("weights reveal", call, &signer).await?;
                Ok(Report::new(
                    json!({
                        "netuid": netuid.0,
                        "uid": uid,
                        "uids": uids,
                        "weights": values,
                        "commit_reveal": true,
                        "commit_block": committed.block_number,
                        "extrinsic_hash": revealed.hash_hex(),
                        "block": revealed.block_number,
                    }),
                    format!(
                        "uid {uid} committed weights in block {} and revealed them in block {}",
                        committed.block_number, revealed.block_number
                    ),
                ))
            }
            (WeightsCommand::Reveal { .. }, _) => {
                let salt = given_salt.unwrap_or_default();
                let call = RuntimeCall::SubtensorModule(SubtensorCall::reveal_weights {
                    netuid,
                    uids: uids.clone(),
                    values: values.clone(),
                    salt,
                    version_key,
                });
                let revealed = ctx.submit("weights reveal", call, &signer).await?;
                Ok(Report::new(
                    json!({
                        "netuid": netuid.0,
                        "uid": uid,
                        "uids": uids,
                        "weights": values,
                        "extrinsic_hash": revealed.hash_hex(),
                        "block": revealed.block_number,
                    }),
                    format!("revealed weights in block {}", revealed.block_number),
                ))
            }
        }
    })
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The epoch in which the commit `hash` must be revealed (see `Client::reveal_epoch`).
async fn reveal_epoch(
    ctx: &Ctx,
    netuid: NetUid,
    hotkey: &cortex_client::AccountId32,
    hash: &[u8; 32],
    period: u64,
) -> anyhow::Result<u64> {
    ctx.client
        .reveal_epoch(netuid, hotkey, hash, period)
        .await
        .map_err(|e| anyhow!(e))?
        .ok_or_else(|| {
            anyhow!("the commit is not in SubtensorModule.WeightCommits after its block")
        })
}

/// Waits (with a spinner) until a transaction in the next block falls in epoch `target`.
async fn wait_for_epoch(ctx: &Ctx, netuid: NetUid, target: u64) -> anyhow::Result<()> {
    let bar = ctx.spinner(&format!("waiting for the reveal epoch ({target})"));
    loop {
        let (epoch, number) = ctx
            .client
            .next_block_epoch(netuid)
            .await
            .map_err(|e| anyhow!(e))?;
        if epoch == target {
            bar.finish_and_clear();
            return Ok(());
        }
        if epoch > target {
            bar.finish_and_clear();
            return Err(anyhow!(
                "the reveal epoch {target} passed (block {number} is in epoch {epoch}) before the reveal could be sent: commit again"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_scaled_to_the_largest() {
        assert_eq!(
            normalize(&[1, 2], &[0.75, 0.25]).unwrap(),
            vec![65_535, 21_845]
        );
        assert_eq!(normalize(&[0], &[3.0]).unwrap(), vec![65_535]);
        let e = normalize(&[1, 2], &[1.0]).unwrap_err().to_string();
        assert!(
            e.contains("--uids has 2 entries but --weights has 1"),
            "{e}"
        );
        assert!(normalize(&[1, 1], &[1.0, 1.0]).is_err());
        assert!(normalize(&[1], &[0.0]).is_err());
        assert!(normalize(&[1], &[-1.0]).is_err());
        assert!(normalize(&[1], &[f64::NAN]).is_err());
    }
}
