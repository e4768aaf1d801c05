//! `cortex balance` and `cortex transfer`.

use crate::ctx::{Ctx, block_on, explain, parse_ss58};
use crate::output::{Global, Report, parse_tao, tao};
use anyhow::anyhow;
use clap::Args;
use cortex_client::types::{BalancesCall, MultiAddress, RuntimeCall};
use serde_json::json;

/// `cortex balance (--name W | --ss58 ADDR)`.
#[derive(Args, Debug)]
pub struct BalanceArgs {
    /// The wallet whose coldkey to read.
    #[arg(long, conflicts_with = "ss58", required_unless_present = "ss58")]
    name: Option<String>,
    /// Any address.
    #[arg(long)]
    ss58: Option<String>,
    #[command(flatten)]
    global: Global,
}

/// `cortex transfer --name W --dest ADDR --amount TAO`.
#[derive(Args, Debug)]
pub struct TransferArgs {
    /// The wallet whose coldkey pays.
    #[arg(long)]
    name: String,
    /// Who receives.
    #[arg(long)]
    dest: String,
    /// How much, in TAO (up to nine decimals).
    #[arg(long)]
    amount: String,
    #[command(flatten)]
    global: Global,
}

impl BalanceArgs {
    /// The global options.
    pub fn global(&self) -> &Global {
        &self.global
    }
}

impl TransferArgs {
    /// The global options.
    pub fn global(&self) -> &Global {
        &self.global
    }
}

/// Reads a balance.
pub fn balance(args: &BalanceArgs) -> anyhow::Result<Report> {
    let who = match (&args.name, &args.ss58) {
        (_, Some(ss58)) => parse_ss58("--ss58", ss58)?,
        (Some(name), None) => crate::wallet::coldkey_pub(&args.global, name)?,
        (None, None) => return Err(anyhow!("give --name W or --ss58 ADDR")),
    };
    block_on(async {
        let ctx = Ctx::connect(&args.global).await?;
        let account = ctx.client.account(&who).await.map_err(|e| anyhow!(e))?;
        let (free, reserved) = (account.data.free, account.data.reserved);
        Ok(Report::new(
            json!({
                "ss58": who.to_ss58(42),
                "free_rao": free,
                "reserved_rao": reserved,
                "nonce": account.nonce,
            }),
            format!(
                "{}\n  free      {} TAO\n  reserved  {} TAO",
                who.to_ss58(42),
                tao(free),
                tao(reserved)
            ),
        ))
    })
}

/// Sends TAO, keeping the sender alive (`Balances.transfer_keep_alive`).
pub fn transfer(args: &TransferArgs) -> anyhow::Result<Report> {
    let dest = parse_ss58("--dest", &args.dest)?;
    let amount = parse_tao(&args.amount)?;
    if amount == 0 {
        return Err(anyhow!("--amount must be more than 0 TAO"));
    }
    let signer = crate::wallet::coldkey(&args.global, &args.name)?;
    block_on(async {
        let ctx = Ctx::connect(&args.global).await?;
        let from = signer.public();
        let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(dest),
            value: amount,
        });
        let fee = ctx
            .client
            .estimate_fee(&call)
            .await
            .map_err(|e| explain("estimating the fee", e))?;
        ctx.require_funds(
            &from,
            amount
                .saturating_add(fee)
                .saturating_add(cortex_client::types::EXISTENTIAL_DEPOSIT),
            "the transfer plus its fee and the existential deposit,",
            "fund it, or send less",
        )
        .await?;
        let included = ctx.submit("transfer", call, &signer).await?;
        Ok(Report::new(
            json!({
                "from": from.to_ss58(42),
                "dest": dest.to_ss58(42),
                "amount_rao": amount,
                "fee_rao": included.fee_rao,
                "extrinsic_hash": included.hash_hex(),
                "block": included.block_number,
                "block_hash": included.block_hash_hex(),
            }),
            format!(
                "sent {} TAO to {} (fee {} TAO) in block {}",
                tao(amount),
                dest.to_ss58(42),
                tao(included.fee_rao),
                included.block_number
            ),
        ))
    })
}
