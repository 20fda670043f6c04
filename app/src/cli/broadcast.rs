//! The flags every `tx` subcommand shares, and signing + broadcasting with them.

use std::time::Duration;

use anyhow::{anyhow, Result};
use clap::Args;
use inferchain_app::client::{Client, FeeSetting, GasSetting};
use inferchain_app::coins::{Coins, GasPrice};
use serde_json::json;
use tendermint_proto::google::protobuf::Any;

use super::{print, NodeArgs, Output};

#[derive(Args, Clone)]
pub struct TxArgs {
    #[command(flatten)]
    pub node: NodeArgs,
    #[arg(
        long,
        default_value = "inferchain-local-1",
        env = "INFERCHAIN_CHAIN_ID"
    )]
    pub chain_id: String,
    /// Gas limit, or "auto" to simulate first.
    #[arg(long, default_value = "auto")]
    pub gas: String,
    #[arg(long, default_value_t = 1.4)]
    pub gas_adjustment: f64,
    /// Fees to pay, e.g. 5000uspec (overrides --gas-prices).
    #[arg(long)]
    pub fees: Option<String>,
    #[arg(long, default_value = "0.025uspec")]
    pub gas_prices: String,
    #[arg(long, default_value = "")]
    pub note: String,
    /// Wait until the transaction is in a block and print its result.
    #[arg(long)]
    pub wait: bool,
    /// Accepted for compatibility with SDK scripts; transactions are never confirmed interactively.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Signs and broadcasts `msgs`, then prints CheckTx's answer or (with `--wait`) the result.
pub async fn broadcast(key: &k256::ecdsa::SigningKey, msgs: Vec<Any>, args: &TxArgs) -> Result<()> {
    let client = Client::new(&args.node.node, &args.chain_id);
    let gas = match args.gas.as_str() {
        "auto" => GasSetting::Auto {
            adjustment: args.gas_adjustment,
        },
        n => GasSetting::Fixed(
            n.parse()
                .map_err(|_| anyhow!("--gas must be a number or \"auto\""))?,
        ),
    };
    let fees = match &args.fees {
        Some(f) => Some(Coins::parse(f).map_err(|e| anyhow!(e.log))?),
        None => None,
    };
    let gas_price = Some(GasPrice::parse(&args.gas_prices).map_err(anyhow::Error::msg)?);
    let b = client
        .send_tx(
            key,
            msgs,
            &args.note,
            &FeeSetting {
                gas,
                fees,
                gas_price,
            },
        )
        .await?;
    if b.code != 0 || !args.wait {
        print(
            args.node.output,
            &json!({"txhash": b.txhash, "code": b.code, "codespace": b.codespace, "raw_log": b.log}),
        );
        if b.code != 0 {
            std::process::exit(1);
        }
        return Ok(());
    }
    let result = client
        .wait_for_tx(&b.txhash, Duration::from_secs(60))
        .await?;
    let v = super::query::tx_json(&result);
    print(args.node.output, &v);
    if v["code"].as_u64() != Some(0) {
        std::process::exit(1);
    }
    Ok(())
}

impl TxArgs {
    #[allow(dead_code)]
    pub fn output(&self) -> Output {
        self.node.output
    }
}
