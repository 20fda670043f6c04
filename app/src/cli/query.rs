//! `inferchaind query ...`.

use anyhow::Result;
use clap::Subcommand;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use inferchain_app::client::Client;
use serde_json::{json, Value};

use super::{print, NodeArgs};

#[derive(Subcommand)]
pub enum QueryCmd {
    #[command(subcommand)]
    Bank(BankQuery),
    #[command(subcommand)]
    Auth(AuthQuery),
    /// CosmWasm codes and contracts.
    #[command(subcommand)]
    Wasm(super::wasm_query::WasmQuery),
    /// Architectures, models, challenges and proof dry runs (the inference module).
    #[command(subcommand)]
    Inference(super::inference::InferenceQuery),
    /// The validator set and its params (the validators module).
    #[command(subcommand)]
    Validators(super::validators::ValidatorsQuery),
    /// A transaction by hash, once it is in a block.
    Tx {
        hash: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum BankQuery {
    /// All balances of an address.
    Balances {
        address: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Total supply of every denomination.
    Total {
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum AuthQuery {
    /// Account number, sequence and public key of an address.
    Account {
        address: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn coins_json(coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Value {
    json!(coins
        .iter()
        .map(|c| json!({"denom": c.denom, "amount": c.amount}))
        .collect::<Vec<_>>())
}

pub async fn run(cmd: QueryCmd) -> Result<()> {
    match cmd {
        QueryCmd::Bank(BankQuery::Balances { address, node }) => {
            let c = Client::new(&node.node, "");
            let r: bankv1::QueryAllBalancesResponse = c
                .query(
                    "/cosmos.bank.v1beta1.Query/AllBalances",
                    &bankv1::QueryAllBalancesRequest {
                        address,
                        ..Default::default()
                    },
                )
                .await?;
            print(node.output, &json!({"balances": coins_json(&r.balances)}));
        }
        QueryCmd::Bank(BankQuery::Total { node }) => {
            let c = Client::new(&node.node, "");
            let r: bankv1::QueryTotalSupplyResponse = c
                .query(
                    "/cosmos.bank.v1beta1.Query/TotalSupply",
                    &bankv1::QueryTotalSupplyRequest::default(),
                )
                .await?;
            print(node.output, &json!({"supply": coins_json(&r.supply)}));
        }
        QueryCmd::Auth(AuthQuery::Account { address, node }) => {
            let c = Client::new(&node.node, "");
            let a = c.account(&address.parse()?).await?;
            let pk = a.pub_key.map(|k| {
                json!({"@type": k.type_url, "key": hex::encode(
                    <cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as prost::Message>::decode(k.value.as_slice())
                        .map(|p| p.key).unwrap_or_default())})
            });
            print(
                node.output,
                &json!({"@type": "/cosmos.auth.v1beta1.BaseAccount", "address": a.address,
                "pub_key": pk, "account_number": a.account_number.to_string(), "sequence": a.sequence.to_string()}),
            );
        }
        QueryCmd::Wasm(cmd) => super::wasm_query::run(cmd).await?,
        QueryCmd::Inference(cmd) => super::inference::query(cmd).await?,
        QueryCmd::Validators(cmd) => super::validators::query(cmd).await?,
        QueryCmd::Tx { hash, node } => {
            let c = Client::new(&node.node, "");
            match c.rpc.tx(hash.trim_start_matches("0x")).await? {
                Some(t) => print(node.output, &tx_json(&t)),
                None => anyhow::bail!("tx ({hash}) not found"),
            }
        }
    }
    Ok(())
}

/// The SDK's `TxResponse` shape, from CometBFT's `/tx` answer.
pub fn tx_json(t: &Value) -> Value {
    let r = &t["tx_result"];
    json!({
        "height": t["height"],
        "txhash": t["hash"],
        "code": r["code"].as_u64().unwrap_or(0),
        "codespace": r["codespace"],
        "raw_log": r["log"],
        "gas_wanted": r["gas_wanted"],
        "gas_used": r["gas_used"],
        "events": r["events"],
    })
}
