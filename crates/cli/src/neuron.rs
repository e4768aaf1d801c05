//! `cortex register`, `cortex axon serve` and `cortex metagraph`: a neuron's life on a subnet.

use crate::ctx::{Ctx, block_on, ip_text, ratio};
use crate::output::{Global, Report, parse_tao, tao};
use anyhow::{Context, anyhow};
use clap::{Args, Subcommand};
use cortex_client::NetUid;
use cortex_client::types::{RuntimeCall, RuntimeEvent, SubtensorCall, SubtensorEvent};
use serde_json::json;
use std::net::IpAddr;

/// `cortex register --name W --hotkey H --netuid N [--max-burn TAO]`.
#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The wallet whose coldkey pays the burn.
    #[arg(long)]
    name: String,
    /// The hotkey to register.
    #[arg(long)]
    hotkey: String,
    /// The subnet.
    #[arg(long)]
    netuid: u16,
    /// Refuse if the burn is higher than this, in TAO.
    #[arg(long, value_name = "TAO")]
    max_burn: Option<String>,
    #[command(flatten)]
    global: Global,
}

impl RegisterArgs {
    /// The global options.
    pub fn global(&self) -> &Global {
        &self.global
    }
}

/// `cortex axon`.
#[derive(Subcommand, Debug)]
pub enum AxonCommand {
    /// Publish the hotkey's axon endpoint on a subnet.
    Serve {
        /// The wallet.
        #[arg(long)]
        name: String,
        /// The hotkey (it signs; serving is free).
        #[arg(long)]
        hotkey: String,
        /// The subnet.
        #[arg(long)]
        netuid: u16,
        /// The IP address miners answer on.
        #[arg(long)]
        ip: IpAddr,
        /// The port.
        #[arg(long)]
        port: u16,
    },
}

/// `cortex metagraph --netuid N`.
#[derive(Args, Debug)]
pub struct MetagraphArgs {
    /// The subnet.
    #[arg(long)]
    netuid: u16,
    #[command(flatten)]
    global: Global,
}

impl MetagraphArgs {
    /// The global options.
    pub fn global(&self) -> &Global {
        &self.global
    }
}

/// Registers a hotkey by burning the subnet's registration price.
pub fn register(args: &RegisterArgs) -> anyhow::Result<Report> {
    let max_burn = args.max_burn.as_deref().map(parse_tao).transpose()?;
    let signer = crate::wallet::coldkey(&args.global, &args.name)?;
    let hotkey = crate::wallet::hotkey_pub(&args.global, &args.name, &args.hotkey)?;
    let netuid = NetUid(args.netuid);
    block_on(async {
        let ctx = Ctx::connect(&args.global).await?;
        let burn = ctx.client.burn_cost(netuid).await.map_err(|e| anyhow!(e))?;
        if let Some(uid) = ctx
            .client
            .uid_of(netuid, &hotkey)
            .await
            .map_err(|e| anyhow!(e))?
        {
            return Err(anyhow!(
                "hotkey {} is already registered on subnet {} with uid {uid}: nothing to do",
                hotkey.to_ss58(42),
                netuid.0
            ));
        }
        if let Some(max) = max_burn
            && burn > max
        {
            return Err(anyhow!(
                "burn price {} TAO exceeds --max-burn {} TAO: wait for the price to fall, or raise --max-burn",
                tao(burn),
                tao(max)
            ));
        }
        ctx.require_funds(
            &signer.public(),
            burn,
            "burn price",
            "fund it, or wait for the price to fall",
        )
        .await?;
        let call = RuntimeCall::SubtensorModule(SubtensorCall::burned_register { netuid, hotkey });
        let included = ctx.submit("register", call, &signer).await?;
        let uid = included
            .events
            .iter()
            .find_map(|e| match e {
                RuntimeEvent::SubtensorModule(SubtensorEvent::NeuronRegistered(_, uid, _)) => {
                    Some(*uid)
                }
                _ => None,
            })
            .context("the block has no NeuronRegistered event for the hotkey")?;
        Ok(Report::new(
            json!({
                "netuid": netuid.0,
                "uid": uid,
                "hotkey": hotkey.to_ss58(42),
                "burn_rao": burn,
                "extrinsic_hash": included.hash_hex(),
                "block": included.block_number,
            }),
            format!(
                "registered {} on subnet {} as uid {uid} (burned {} TAO) in block {}",
                hotkey.to_ss58(42),
                netuid.0,
                tao(burn),
                included.block_number
            ),
        ))
    })
}

/// Runs an `axon` command.
pub fn axon(global: &Global, command: &AxonCommand) -> anyhow::Result<Report> {
    let AxonCommand::Serve {
        name,
        hotkey,
        netuid,
        ip,
        port,
    } = command;
    let signer = crate::wallet::hotkey(global, name, hotkey)?;
    let netuid = NetUid(*netuid);
    block_on(async {
        let ctx = Ctx::connect(global).await?;
        ctx.client
            .require_subnet(netuid)
            .await
            .map_err(|e| anyhow!(e))?;
        let uid = ctx
            .client
            .uid_of(netuid, &signer.public())
            .await
            .map_err(|e| anyhow!(e))?
            .ok_or_else(|| {
                anyhow!(
                    "hotkey {} is not registered on subnet {}: register it first with `cortex register --name {name} --hotkey {hotkey} --netuid {}`",
                    signer.public().to_ss58(42),
                    netuid.0,
                    netuid.0
                )
            })?;
        let (ip_bits, ip_type) = match ip {
            IpAddr::V4(v4) => (u128::from(u32::from(*v4)), 4u8),
            IpAddr::V6(v6) => (u128::from(*v6), 6u8),
        };
        let call = RuntimeCall::SubtensorModule(SubtensorCall::serve_axon {
            netuid,
            version: 0,
            ip: ip_bits,
            port: *port,
            ip_type,
            protocol: 4,
            placeholder1: 0,
            placeholder2: 0,
        });
        let included = ctx.submit("axon serve", call, &signer).await?;
        Ok(Report::new(
            json!({
                "netuid": netuid.0,
                "uid": uid,
                "hotkey": signer.public().to_ss58(42),
                "ip": ip.to_string(),
                "port": port,
                "extrinsic_hash": included.hash_hex(),
                "block": included.block_number,
            }),
            format!(
                "uid {uid} on subnet {} serves {ip}:{port} (block {})",
                netuid.0, included.block_number
            ),
        ))
    })
}

/// The subnet's metagraph: every neuron with its stake, scores and axon, from one runtime call.
pub fn metagraph(args: &MetagraphArgs) -> anyhow::Result<Report> {
    let netuid = NetUid(args.netuid);
    block_on(async {
        let ctx = Ctx::connect(&args.global).await?;
        let m = ctx
            .client
            .metagraph(netuid)
            .await
            .map_err(|e| anyhow!(e))?
            .ok_or_else(|| anyhow!(cortex_client::query::subnet_missing(netuid)))?;
        let n = m.hotkeys.len();
        let get_u16 = |v: &[cortex_primitives::codec::Compact<u16>], i: usize| {
            v.get(i).map(|c| c.0).unwrap_or(0)
        };
        let get_u64 = |v: &[cortex_primitives::codec::Compact<u64>], i: usize| {
            v.get(i).map(|c| c.0).unwrap_or(0)
        };
        let mut neurons = Vec::with_capacity(n);
        let mut out = format!(
            "subnet {} at block {}: {n} neurons, tempo {}\n{:>4}  {:<48} {:>14} {:>9} {:>9} {:>9} {:>9} {:>3}  {}\n",
            m.netuid,
            m.block,
            m.tempo,
            "uid",
            "hotkey",
            "stake (α)",
            "incentive",
            "dividends",
            "trust",
            "consensus",
            "vp",
            "axon"
        );
        for uid in 0..n {
            let hotkey = m
                .hotkeys
                .get(uid)
                .map(|h| h.to_ss58(42))
                .unwrap_or_default();
            let coldkey = m
                .coldkeys
                .get(uid)
                .map(|h| h.to_ss58(42))
                .unwrap_or_default();
            let axon = m.axons.get(uid);
            let ip = axon.map(|a| ip_text(a.ip, a.ip_type)).unwrap_or_default();
            let port = axon.map(|a| a.port).unwrap_or(0);
            let permit = m.validator_permit.get(uid).copied().unwrap_or(false);
            let (incentive, dividends) = (get_u16(&m.incentives, uid), get_u16(&m.dividends, uid));
            let (trust, consensus) = (get_u16(&m.trust, uid), get_u16(&m.consensus, uid));
            let stake = get_u64(&m.total_stake, uid);
            neurons.push(json!({
                "uid": uid,
                "hotkey": hotkey,
                "coldkey": coldkey,
                "stake_rao": stake,
                "alpha_stake_rao": get_u64(&m.alpha_stake, uid),
                "tao_stake_rao": get_u64(&m.tao_stake, uid),
                "incentive": ratio(incentive),
                "dividends": ratio(dividends),
                "trust": ratio(trust),
                "consensus": ratio(consensus),
                "emission_rao": get_u64(&m.emission, uid),
                "validator_permit": permit,
                "active": m.active.get(uid).copied().unwrap_or(false),
                "last_update": get_u64(&m.last_update, uid),
                "registered_at": get_u64(&m.block_at_registration, uid),
                "ip": ip,
                "port": port,
            }));
            let endpoint = if ip.is_empty() {
                String::from("-")
            } else {
                format!("{ip}:{port}")
            };
            out.push_str(&format!(
                "{uid:>4}  {hotkey:<48} {:>14} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>3}  {endpoint}\n",
                tao(stake),
                ratio(incentive),
                ratio(dividends),
                ratio(trust),
                ratio(consensus),
                if permit { "*" } else { "" },
            ));
        }
        Ok(Report::new(
            json!({
                "netuid": m.netuid,
                "block": m.block,
                "tempo": m.tempo,
                "n": n,
                "neurons": neurons,
            }),
            out,
        ))
    })
}
