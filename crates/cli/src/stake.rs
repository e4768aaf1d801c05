//! `cortex stake …` and `cortex delegate take`.
//!
//! Staking is safe by default, as in btcli: `add` and `remove` go through the `_limit` calls
//! with a limit price `--tolerance` (default 0.005, btcli's) away from the pool price now, or at
//! `--limit-price` exactly; the chain refuses (`SlippageTooHigh`) rather than fill at a worse
//! price. Prices are TAO per alpha; amounts to add are TAO, amounts to remove or move are alpha.

use crate::ctx::{Ctx, block_on, explain};
use crate::output::{Global, Report, parse_tao, tao};
use anyhow::anyhow;
use clap::{Args, Subcommand};
use cortex_client::NetUid;
use cortex_client::types::{RuntimeCall, RuntimeEvent, SubtensorCall, SubtensorEvent};
use serde_json::json;

/// Where the stake goes and how much (shared by add and remove).
#[derive(Args, Debug)]
pub struct StakeTarget {
    /// The wallet whose coldkey stakes.
    #[arg(long)]
    name: String,
    /// The hotkey staked to: a hotkey name of the wallet, or any ss58 address.
    #[arg(long)]
    hotkey: String,
    /// The subnet.
    #[arg(long)]
    netuid: u16,
    /// The amount: TAO to add, alpha to remove.
    #[arg(long)]
    amount: String,
    /// The worst price accepted, in TAO per alpha.
    #[arg(long, conflicts_with = "tolerance")]
    limit_price: Option<String>,
    /// The worst price accepted as a fraction away from the price now (0.005 = 0.5%).
    #[arg(long)]
    tolerance: Option<String>,
}

/// `cortex stake`.
#[derive(Subcommand, Debug)]
pub enum StakeCommand {
    /// Stake TAO to a hotkey on a subnet (buys alpha).
    Add(StakeTarget),
    /// Unstake alpha from a hotkey on a subnet (sells it for TAO).
    Remove(StakeTarget),
    /// Move alpha from one hotkey and subnet to another.
    Move {
        /// The wallet whose coldkey owns the stake.
        #[arg(long)]
        name: String,
        /// The hotkey the stake is on (name or ss58).
        #[arg(long)]
        hotkey: String,
        /// The subnet it is on.
        #[arg(long)]
        netuid: u16,
        /// The hotkey it goes to (name or ss58; default: the same).
        #[arg(long)]
        dest_hotkey: Option<String>,
        /// The subnet it goes to (default: the same).
        #[arg(long)]
        dest_netuid: Option<u16>,
        /// How much alpha.
        #[arg(long)]
        amount: String,
    },
    /// Every stake of the wallet's coldkey.
    List {
        /// The wallet.
        #[arg(long)]
        name: String,
    },
}

/// `cortex delegate`.
#[derive(Subcommand, Debug)]
pub enum DelegateCommand {
    /// Set the hotkey's delegate take (the share of dividends it keeps), in percent.
    Take {
        /// The wallet owning the hotkey.
        #[arg(long)]
        name: String,
        /// The hotkey.
        #[arg(long)]
        hotkey: String,
        /// The take in percent (e.g. 18).
        #[arg(long)]
        take: String,
    },
}

/// A hotkey given by name (in the wallet) or as an ss58 address.
fn hotkey_of(
    global: &Global,
    name: &str,
    hotkey: &str,
) -> anyhow::Result<cortex_client::AccountId32> {
    match cortex_client::AccountId32::from_ss58(hotkey) {
        Ok((account, _)) => Ok(account),
        Err(_) => crate::wallet::hotkey_pub(global, name, hotkey),
    }
}

/// Parses a fraction with up to nine decimals into parts per billion.
fn ppb(flag: &str, text: &str) -> anyhow::Result<u64> {
    parse_tao(text).map_err(|_| anyhow!("{flag} {text:?} is not a number like 0.005"))
}

/// The limit price in rao per alpha: `--limit-price`, else the price now moved by the tolerance
/// (up when buying, down when selling).
fn limit_price(price: u64, t: &StakeTarget, buying: bool) -> anyhow::Result<u64> {
    if let Some(p) = &t.limit_price {
        return parse_tao(p)
            .map_err(|_| anyhow!("--limit-price {p:?} is not a price in TAO per alpha"));
    }
    let tol = match &t.tolerance {
        Some(f) => ppb("--tolerance", f)?,
        None => 5_000_000,
    };
    let price = u128::from(price);
    let scaled = if buying {
        price * (1_000_000_000 + u128::from(tol)) / 1_000_000_000
    } else {
        price * 1_000_000_000u128.saturating_sub(u128::from(tol)) / 1_000_000_000
    };
    Ok(u64::try_from(scaled).unwrap_or(u64::MAX))
}

/// Runs a `stake` command.
pub fn run(global: &Global, command: &StakeCommand) -> anyhow::Result<Report> {
    match command {
        StakeCommand::Add(t) | StakeCommand::Remove(t) => {
            let adding = matches!(command, StakeCommand::Add(_));
            let amount = parse_tao(&t.amount)?;
            if amount == 0 {
                return Err(anyhow!("--amount must be more than 0"));
            }
            let signer = crate::wallet::coldkey(global, &t.name)?;
            let hotkey = hotkey_of(global, &t.name, &t.hotkey)?;
            let netuid = NetUid(t.netuid);
            block_on(async {
                let ctx = Ctx::connect(global).await?;
                ctx.client
                    .require_subnet(netuid)
                    .await
                    .map_err(|e| anyhow!(e))?;
                let coldkey = signer.public();
                let price = ctx
                    .client
                    .alpha_price(netuid)
                    .await
                    .map_err(|e| anyhow!(e))?;
                let limit = limit_price(price, t, adding)?;
                let call = if adding {
                    ctx.require_funds(&coldkey, amount, "the stake of", "fund it, or stake less")
                        .await?;
                    SubtensorCall::add_stake_limit {
                        hotkey,
                        netuid,
                        amount_staked: amount,
                        limit_price: limit,
                        allow_partial: false,
                    }
                } else {
                    let held = ctx
                        .client
                        .stake(&hotkey, &coldkey, netuid)
                        .await
                        .map_err(|e| anyhow!(e))?
                        .map(|s| s.stake)
                        .unwrap_or(0);
                    if held < amount {
                        return Err(anyhow!(
                            "unstaking {} alpha exceeds the {} alpha coldkey {} holds on hotkey {} in subnet {}: `cortex stake list --name {}` shows the stakes",
                            tao(amount),
                            tao(held),
                            coldkey.to_ss58(42),
                            hotkey.to_ss58(42),
                            netuid.0,
                            t.name
                        ));
                    }
                    SubtensorCall::remove_stake_limit {
                        hotkey,
                        netuid,
                        amount_unstaked: amount,
                        limit_price: limit,
                        allow_partial: false,
                    }
                };
                let what = if adding { "stake add" } else { "stake remove" };
                let included = ctx
                    .submit(what, RuntimeCall::SubtensorModule(call), &signer)
                    .await?;
                let (tao_rao, alpha_rao, fee) = included
                    .events
                    .iter()
                    .find_map(|e| match e {
                        RuntimeEvent::SubtensorModule(
                            SubtensorEvent::StakeAdded(_, _, tao, alpha, _, fee)
                            | SubtensorEvent::StakeRemoved(_, _, tao, alpha, _, fee),
                        ) => Some((*tao, *alpha, *fee)),
                        _ => None,
                    })
                    .unwrap_or((0, 0, 0));
                Ok(Report::new(
                    json!({
                        "netuid": netuid.0,
                        "hotkey": hotkey.to_ss58(42),
                        "coldkey": coldkey.to_ss58(42),
                        "tao_rao": tao_rao,
                        "alpha_rao": alpha_rao,
                        "swap_fee_rao": fee,
                        "price_rao": price,
                        "limit_price_rao": limit,
                        "extrinsic_hash": included.hash_hex(),
                        "block": included.block_number,
                    }),
                    if adding {
                        format!(
                            "staked {} TAO for {} alpha on subnet {} (limit {} TAO/α) in block {}",
                            tao(tao_rao),
                            tao(alpha_rao),
                            netuid.0,
                            tao(limit),
                            included.block_number
                        )
                    } else {
                        format!(
                            "unstaked {} alpha for {} TAO on subnet {} (limit {} TAO/α) in block {}",
                            tao(alpha_rao),
                            tao(tao_rao),
                            netuid.0,
                            tao(limit),
                            included.block_number
                        )
                    },
                ))
            })
        }
        StakeCommand::Move {
            name,
            hotkey,
            netuid,
            dest_hotkey,
            dest_netuid,
            amount,
        } => {
            let amount = parse_tao(amount)?;
            let signer = crate::wallet::coldkey(global, name)?;
            let origin = hotkey_of(global, name, hotkey)?;
            let dest = match dest_hotkey {
                Some(h) => hotkey_of(global, name, h)?,
                None => origin,
            };
            let (from, to) = (NetUid(*netuid), NetUid(dest_netuid.unwrap_or(*netuid)));
            block_on(async {
                let ctx = Ctx::connect(global).await?;
                ctx.client
                    .require_subnet(from)
                    .await
                    .map_err(|e| anyhow!(e))?;
                ctx.client
                    .require_subnet(to)
                    .await
                    .map_err(|e| anyhow!(e))?;
                let call = RuntimeCall::SubtensorModule(SubtensorCall::move_stake {
                    origin_hotkey: origin,
                    destination_hotkey: dest,
                    origin_netuid: from,
                    destination_netuid: to,
                    alpha_amount: amount,
                });
                let included = ctx.submit("stake move", call, &signer).await?;
                Ok(Report::new(
                    json!({
                        "origin_hotkey": origin.to_ss58(42),
                        "destination_hotkey": dest.to_ss58(42),
                        "origin_netuid": from.0,
                        "destination_netuid": to.0,
                        "alpha_rao": amount,
                        "extrinsic_hash": included.hash_hex(),
                        "block": included.block_number,
                    }),
                    format!(
                        "moved {} alpha from subnet {} to subnet {} in block {}",
                        tao(amount),
                        from.0,
                        to.0,
                        included.block_number
                    ),
                ))
            })
        }
        StakeCommand::List { name } => {
            let coldkey = crate::wallet::coldkey_pub(global, name)?;
            block_on(async {
                let ctx = Ctx::connect(global).await?;
                let stakes = ctx
                    .client
                    .stakes_of_coldkey(&coldkey)
                    .await
                    .map_err(|e| anyhow!(e))?;
                let mut rows = Vec::new();
                let mut out = format!(
                    "stakes of {}\n{:>6}  {:<48} {:>16} {:>16}\n",
                    coldkey.to_ss58(42),
                    "netuid",
                    "hotkey",
                    "stake (α)",
                    "value (TAO)"
                );
                for s in stakes.iter().filter(|s| s.stake > 0) {
                    let price = ctx
                        .client
                        .alpha_price(NetUid(s.netuid))
                        .await
                        .map_err(|e| explain("reading a price", e))?;
                    let value =
                        u64::try_from(u128::from(s.stake) * u128::from(price) / 1_000_000_000)
                            .unwrap_or(u64::MAX);
                    rows.push(json!({
                        "netuid": s.netuid,
                        "hotkey": s.hotkey.to_ss58(42),
                        "stake_rao": s.stake,
                        "value_rao": value,
                        "price_rao": price,
                    }));
                    out.push_str(&format!(
                        "{:>6}  {:<48} {:>16} {:>16}\n",
                        s.netuid,
                        s.hotkey.to_ss58(42),
                        tao(s.stake),
                        tao(value)
                    ));
                }
                Ok(Report::new(
                    json!({ "coldkey": coldkey.to_ss58(42), "stakes": rows }),
                    out,
                ))
            })
        }
    }
}

/// Runs a `delegate` command.
pub fn delegate(global: &Global, command: &DelegateCommand) -> anyhow::Result<Report> {
    let DelegateCommand::Take { name, hotkey, take } = command;
    let signer = crate::wallet::coldkey(global, name)?;
    let hotkey = hotkey_of(global, name, hotkey)?;
    // Percent with up to seven decimals, as a u16 share of 65535.
    let pct =
        parse_tao(take).map_err(|_| anyhow!("--take {take:?} is not a percentage like 18"))?;
    if pct > 100_000_000_000 {
        return Err(anyhow!("--take {take} is more than 100 percent"));
    }
    let share = u16::try_from(u128::from(pct) * 65_535 / 100_000_000_000).unwrap_or(u16::MAX);
    block_on(async {
        let ctx = Ctx::connect(global).await?;
        let current = ctx
            .client
            .delegate(&hotkey)
            .await
            .map_err(|e| anyhow!(e))?
            .map(|d| d.take);
        let call = match current {
            Some(now) if share < now => SubtensorCall::decrease_take {
                hotkey,
                take: share,
            },
            _ => SubtensorCall::increase_take {
                hotkey,
                take: share,
            },
        };
        let included = ctx
            .submit("delegate take", RuntimeCall::SubtensorModule(call), &signer)
            .await?;
        Ok(Report::new(
            json!({
                "hotkey": hotkey.to_ss58(42),
                "take": share,
                "take_percent": f64::from(share) * 100.0 / 65_535.0,
                "previous_take": current,
                "extrinsic_hash": included.hash_hex(),
                "block": included.block_number,
            }),
            format!(
                "delegate take of {} is now {:.2}% (block {})",
                hotkey.to_ss58(42),
                f64::from(share) * 100.0 / 65_535.0,
                included.block_number
            ),
        ))
    })
}
