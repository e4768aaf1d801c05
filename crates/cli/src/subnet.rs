//! `cortex subnet …`: create and start a subnet, list and show subnets, read and set
//! hyperparameters, and the registration price.
//!
//! `subnet set` takes a hyperparameter by name and finds AdminUtils' setter for it in the call
//! type's own description (the runtime's `TypeInfo`): `--param tempo` is `sudo_set_tempo`, and
//! a setter's field name works too (`--param weights_set_rate_limit`). The value is parsed as
//! the setter's argument type. Setters the runtime documents as root only are wrapped in
//! `Sudo.sudo`, so they need the sudo key; the others are signed by the owner's coldkey.

use crate::ctx::{Ctx, block_on, explain, parse_ss58, text};
use crate::output::{Global, Report, tao};
use anyhow::{Context, anyhow};
use clap::Subcommand;
use cortex_client::NetUid;
use cortex_client::query::hyperparam_number;
use cortex_client::types::{
    AdminUtilsCall, DynamicInfo, RuntimeCall, RuntimeEvent, SubtensorCall, SubtensorEvent, SudoCall,
};
use cortex_primitives::codec::Encode;
use serde_json::{Value, json};

/// `cortex subnet`.
#[derive(Subcommand, Debug)]
pub enum SubnetCommand {
    /// Create a subnet (locks the current lock cost from the coldkey).
    Create {
        /// The wallet whose coldkey pays and owns the subnet.
        #[arg(long)]
        name: String,
        /// The owner's hotkey (registered on the subnet as uid 0).
        #[arg(long)]
        hotkey: String,
    },
    /// Start a subnet's emission (its owner, once the start delay has passed).
    Start {
        /// The owner's wallet.
        #[arg(long)]
        name: String,
        /// The subnet.
        #[arg(long)]
        netuid: u16,
    },
    /// List every subnet.
    List,
    /// Show one subnet.
    Show {
        /// The subnet.
        #[arg(long)]
        netuid: u16,
    },
    /// A subnet's hyperparameters.
    Hyperparams {
        /// The subnet.
        #[arg(long)]
        netuid: u16,
    },
    /// Set a hyperparameter (owner's setters; root-only ones through sudo).
    Set {
        /// The owner's (or the sudo key's) wallet.
        #[arg(long)]
        name: String,
        /// The subnet.
        #[arg(long)]
        netuid: u16,
        /// The hyperparameter (`tempo`, `weights_set_rate_limit`, `commit_reveal_weights_enabled`, …).
        #[arg(long)]
        param: String,
        /// The value (a number, `true`/`false`, or an ss58 address).
        #[arg(long)]
        value: String,
    },
    /// The price of a burned registration now.
    BurnCost {
        /// The subnet.
        #[arg(long)]
        netuid: u16,
    },
}

/// Runs a `subnet` command.
pub fn run(global: &Global, command: &SubnetCommand) -> anyhow::Result<Report> {
    // Keys first: a wrong password fails before anything touches the network.
    let signer = match command {
        SubnetCommand::Create { name, .. }
        | SubnetCommand::Start { name, .. }
        | SubnetCommand::Set { name, .. } => Some(crate::wallet::coldkey(global, name)?),
        _ => None,
    };
    let hotkey = match command {
        SubnetCommand::Create { name, hotkey } => {
            Some(crate::wallet::hotkey_pub(global, name, hotkey)?)
        }
        _ => None,
    };
    block_on(async {
        let ctx = Ctx::connect(global).await?;
        match (command, signer, hotkey) {
            (SubnetCommand::Create { .. }, Some(signer), Some(hotkey)) => {
                let cost = ctx
                    .client
                    .network_lock_cost()
                    .await
                    .map_err(|e| explain("reading the lock cost", e))?;
                ctx.require_funds(
                    &signer.public(),
                    cost,
                    "the subnet lock cost",
                    "fund it, or wait for the lock cost to fall",
                )
                .await?;
                let call = RuntimeCall::SubtensorModule(SubtensorCall::register_network { hotkey });
                let included = ctx.submit("subnet create", call, &signer).await?;
                let netuid = included
                    .events
                    .iter()
                    .find_map(|e| match e {
                        RuntimeEvent::SubtensorModule(SubtensorEvent::NetworkAdded(n, _)) => {
                            Some(n.0)
                        }
                        _ => None,
                    })
                    .context("the block has no NetworkAdded event for the new subnet")?;
                Ok(Report::new(
                    json!({
                        "netuid": netuid,
                        "owner_coldkey": signer.public().to_ss58(42),
                        "owner_hotkey": hotkey.to_ss58(42),
                        "lock_cost_rao": cost,
                        "extrinsic_hash": included.hash_hex(),
                        "block": included.block_number,
                    }),
                    format!(
                        "created subnet {netuid} (locked {} TAO) in block {}; start it with `cortex subnet start --netuid {netuid}`",
                        tao(cost),
                        included.block_number
                    ),
                ))
            }
            (SubnetCommand::Start { netuid, .. }, Some(signer), _) => {
                ctx.client
                    .require_subnet(NetUid(*netuid))
                    .await
                    .map_err(|e| anyhow!(e))?;
                let call = RuntimeCall::SubtensorModule(SubtensorCall::start_call {
                    netuid: NetUid(*netuid),
                });
                let included = ctx.submit("subnet start", call, &signer).await?;
                Ok(Report::new(
                    json!({
                        "netuid": netuid,
                        "extrinsic_hash": included.hash_hex(),
                        "block": included.block_number,
                    }),
                    format!("started subnet {netuid} in block {}", included.block_number),
                ))
            }
            (SubnetCommand::List, _, _) => list(&ctx).await,
            (SubnetCommand::Show { netuid }, _, _) => show(&ctx, NetUid(*netuid)).await,
            (SubnetCommand::Hyperparams { netuid }, _, _) => {
                hyperparams(&ctx, NetUid(*netuid)).await
            }
            (
                SubnetCommand::Set {
                    netuid,
                    param,
                    value,
                    ..
                },
                Some(signer),
                _,
            ) => {
                ctx.client
                    .require_subnet(NetUid(*netuid))
                    .await
                    .map_err(|e| anyhow!(e))?;
                let (call, root) = setter(NetUid(*netuid), param, value)?;
                let call = if root {
                    RuntimeCall::Sudo(SudoCall::sudo {
                        call: Box::new(call),
                    })
                } else {
                    call
                };
                let what = format!("setting {param}");
                let included = ctx.submit(&what, call, &signer).await?;
                Ok(Report::new(
                    json!({
                        "netuid": netuid,
                        "param": param,
                        "value": value,
                        "sudo": root,
                        "extrinsic_hash": included.hash_hex(),
                        "block": included.block_number,
                    }),
                    format!(
                        "set {param} = {value} on subnet {netuid} in block {}",
                        included.block_number
                    ),
                ))
            }
            (SubnetCommand::BurnCost { netuid }, _, _) => {
                let burn = ctx
                    .client
                    .burn_cost(NetUid(*netuid))
                    .await
                    .map_err(|e| anyhow!(e))?;
                Ok(Report::new(
                    json!({ "netuid": netuid, "burn_rao": burn }),
                    format!("registering on subnet {netuid} burns {} TAO now", tao(burn)),
                ))
            }
            _ => Err(anyhow!("internal: keys missing for the command")),
        }
    })
}

/// A subnet's summary as JSON.
fn subnet_json(d: &DynamicInfo) -> Value {
    json!({
        "netuid": d.netuid,
        "name": text(&d.subnet_name),
        "symbol": text(&d.token_symbol),
        "owner_coldkey": d.owner_coldkey.to_ss58(42),
        "owner_hotkey": d.owner_hotkey.to_ss58(42),
        "tempo": d.tempo,
        "blocks_since_last_step": d.blocks_since_last_step,
        "emission_rao": d.emission,
        "tao_in_rao": d.tao_in,
        "alpha_in_rao": d.alpha_in,
        "alpha_out_rao": d.alpha_out,
        "price_rao": price_rao(d),
        "registered_at": d.network_registered_at,
    })
}

/// The pool's spot price in rao of TAO per alpha (1 TAO per alpha on root and empty pools).
fn price_rao(d: &DynamicInfo) -> u64 {
    if d.netuid == 0 || d.alpha_in == 0 {
        return 1_000_000_000;
    }
    u64::try_from(u128::from(d.tao_in) * 1_000_000_000 / u128::from(d.alpha_in)).unwrap_or(u64::MAX)
}

async fn list(ctx: &Ctx) -> anyhow::Result<Report> {
    let subnets = ctx.client.subnets().await.map_err(|e| anyhow!(e))?;
    let mut out = format!(
        "{:>6}  {:<16} {:>6} {:>14} {:>16} {:>16}  {}\n",
        "netuid", "name", "tempo", "price (TAO/α)", "TAO in pool", "alpha in pool", "owner"
    );
    for d in &subnets {
        out.push_str(&format!(
            "{:>6}  {:<16} {:>6} {:>14} {:>16} {:>16}  {}\n",
            d.netuid,
            text(&d.subnet_name),
            d.tempo,
            tao(price_rao(d)),
            tao(d.tao_in),
            tao(d.alpha_in),
            d.owner_coldkey.to_ss58(42)
        ));
    }
    Ok(Report::new(
        json!({ "subnets": subnets.iter().map(subnet_json).collect::<Vec<_>>() }),
        out,
    ))
}

async fn show(ctx: &Ctx, netuid: NetUid) -> anyhow::Result<Report> {
    let d = ctx
        .client
        .require_subnet(netuid)
        .await
        .map_err(|e| anyhow!(e))?;
    let countdown = ctx
        .client
        .epoch_countdown(netuid)
        .await
        .map_err(|e| anyhow!(e))?;
    let burn = ctx.client.burn_cost(netuid).await.map_err(|e| anyhow!(e))?;
    let neurons = ctx
        .client
        .neurons_lite(netuid)
        .await
        .map_err(|e| anyhow!(e))?
        .len();
    let mut doc = subnet_json(&d);
    if let Value::Object(map) = &mut doc {
        map.insert("neurons".into(), json!(neurons));
        map.insert("burn_rao".into(), json!(burn));
        map.insert("block".into(), json!(countdown.block));
        map.insert("next_epoch_block".into(), json!(countdown.next_epoch_block));
        map.insert("blocks_to_epoch".into(), json!(countdown.blocks_left));
    }
    let text = format!(
        "subnet {} {:?} ({})\n  owner        {}\n  tempo        {} (next epoch in {} blocks, at {})\n  neurons      {}\n  burn         {} TAO\n  pool         {} TAO / {} alpha (price {} TAO/α)",
        d.netuid,
        text(&d.subnet_name),
        text(&d.token_symbol),
        d.owner_coldkey.to_ss58(42),
        d.tempo,
        countdown.blocks_left,
        countdown.next_epoch_block,
        neurons,
        tao(burn),
        tao(d.tao_in),
        tao(d.alpha_in),
        tao(price_rao(&d)),
    );
    Ok(Report::new(doc, text))
}

async fn hyperparams(ctx: &Ctx, netuid: NetUid) -> anyhow::Result<Report> {
    let params = ctx
        .client
        .hyperparams(netuid)
        .await
        .map_err(|e| anyhow!(e))?
        .ok_or_else(|| anyhow!(cortex_client::query::subnet_missing(netuid)))?;
    let mut doc = serde_json::Map::new();
    let mut out = String::new();
    for (name, value) in &params {
        let shown = match hyperparam_number(value) {
            Some(n) => {
                doc.insert(name.clone(), json!(n));
                n.to_string()
            }
            None => {
                let t = format!("{value:?}");
                doc.insert(name.clone(), json!(t));
                t
            }
        };
        out.push_str(&format!("{name:<36} {shown}\n"));
    }
    Ok(Report::new(
        json!({ "netuid": netuid.0, "hyperparameters": doc }),
        out,
    ))
}

/// AdminUtils' setter for `param` on `netuid` with `value` parsed as its type, and whether it
/// is root only.
fn setter(netuid: NetUid, param: &str, value: &str) -> anyhow::Result<(RuntimeCall, bool)> {
    use scale_info::{TypeDef, TypeInfo};
    let info = AdminUtilsCall::type_info();
    let TypeDef::Variant(def) = &info.type_def else {
        return Err(anyhow!("internal: AdminUtils' call type is not an enum"));
    };
    let param = param.trim().trim_start_matches("sudo_set_");
    // The names `subnet hyperparams` shows (subtensor's `SubnetHyperparamsV3`) where the setter
    // is named otherwise.
    let param = match param {
        "weights_rate_limit" => "weights_set_rate_limit",
        "weights_version" => "weights_version_key",
        "commit_reveal_period" => "commit_reveal_weights_interval",
        "bonds_moving_avg" => "bonds_moving_average",
        "max_regs_per_block" => "max_registrations_per_block",
        "target_regs_per_interval" => "target_registrations_per_interval",
        "registration_allowed" => "network_registration_allowed",
        "transfers_enabled" => "toggle_transfer",
        other => other,
    };
    let wanted = format!("sudo_set_{param}");
    let takes_netuid = |v: &scale_info::Variant<scale_info::form::MetaForm>| {
        v.fields.len() == 2 && v.fields.first().and_then(|f| f.name) == Some("netuid")
    };
    let variant = def
        .variants
        .iter()
        .filter(|v| takes_netuid(v))
        .find(|v| v.name == wanted)
        .or_else(|| {
            def.variants
                .iter()
                .filter(|v| takes_netuid(v))
                .find(|v| v.fields.get(1).and_then(|f| f.name) == Some(param))
        })
        .ok_or_else(|| {
            let mut names: Vec<&str> = def
                .variants
                .iter()
                .filter(|v| takes_netuid(v))
                .map(|v| v.name.trim_start_matches("sudo_set_"))
                .collect();
            names.sort_unstable();
            anyhow!(
                "no subnet setter is called {param:?}; the subnet's parameters are: {}",
                names.join(", ")
            )
        })?;
    let field = variant
        .fields
        .get(1)
        .ok_or_else(|| anyhow!("internal: setter without a value"))?;
    let ty = field.type_name.unwrap_or("");
    let bad = |expected: &str| {
        anyhow!(
            "--value {value:?} is not {expected}, which {} takes",
            variant.name
        )
    };
    let mut bytes = vec![19u8, variant.index];
    netuid.encode_to(&mut bytes);
    let v = value.trim();
    match ty {
        "bool" => match v {
            "true" | "1" | "on" => true.encode_to(&mut bytes),
            "false" | "0" | "off" => false.encode_to(&mut bytes),
            _ => return Err(bad("true or false")),
        },
        "u8" => v
            .parse::<u8>()
            .map_err(|_| bad("a u8"))?
            .encode_to(&mut bytes),
        "u16" => v
            .parse::<u16>()
            .map_err(|_| bad("a u16"))?
            .encode_to(&mut bytes),
        "u32" => v
            .parse::<u32>()
            .map_err(|_| bad("a u32"))?
            .encode_to(&mut bytes),
        "u64" => v
            .parse::<u64>()
            .map_err(|_| bad("a u64"))?
            .encode_to(&mut bytes),
        "i16" => v
            .parse::<i16>()
            .map_err(|_| bad("an i16"))?
            .encode_to(&mut bytes),
        "AccountId32" => parse_ss58("--value", v)?.encode_to(&mut bytes),
        other => {
            return Err(anyhow!(
                "{} takes a {other}, which `cortex subnet set` cannot parse yet",
                variant.name
            ));
        }
    }
    let call = RuntimeCall::decode_bytes(&bytes)
        .map_err(|e| anyhow!("internal: the {} call does not decode: {e}", variant.name))?;
    let root = variant
        .docs
        .first()
        .is_some_and(|d| d.trim_start().starts_with("Root only"));
    Ok((call, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_are_found_by_name_and_typed() {
        let (call, root) = setter(NetUid(3), "tempo", "20").unwrap();
        assert!(root, "tempo is root's");
        assert_eq!(
            call,
            RuntimeCall::AdminUtils(AdminUtilsCall::sudo_set_tempo {
                netuid: NetUid(3),
                tempo: 20
            })
        );
        let (call, root) = setter(NetUid(3), "commit_reveal_weights_enabled", "false").unwrap();
        assert!(!root);
        assert_eq!(
            call,
            RuntimeCall::AdminUtils(AdminUtilsCall::sudo_set_commit_reveal_weights_enabled {
                netuid: NetUid(3),
                enabled: false
            })
        );
        // A field name works as well as the setter's name.
        let (call, _) = setter(NetUid(1), "weights_set_rate_limit", "5").unwrap();
        assert!(matches!(
            call,
            RuntimeCall::AdminUtils(AdminUtilsCall::sudo_set_weights_set_rate_limit { .. })
        ));
        assert!(
            setter(NetUid(1), "tempo", "x")
                .unwrap_err()
                .to_string()
                .contains("u16")
        );
        let unknown = setter(NetUid(1), "nonsense", "1").unwrap_err().to_string();
        assert!(unknown.contains("tempo"), "{unknown}");
    }
}
