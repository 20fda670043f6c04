//! `inferchaind query wasm ...`, with wasmd's subcommand names.

use anyhow::{Context, Result};
use base64::Engine;
use clap::Subcommand;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use cosmos_sdk_proto::cosmwasm::wasm::v1::*;
use inferchain_app::client::Client;
use serde_json::{json, Value};

use super::{print, NodeArgs};

#[derive(Subcommand)]
pub enum WasmQuery {
    /// A contract's state: `contract-state smart|raw|all ...`.
    #[command(subcommand)]
    ContractState(ContractState),
    /// Every stored code.
    ListCode {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The contracts instantiated from a code.
    ListContractByCode {
        code_id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The contracts an address instantiated: `list-contracts-by-creator <creator>`.
    ListContractsByCreator {
        creator: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A contract's metadata (code id, creator, admin, label).
    Contract {
        address: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A contract's code history (instantiate and migrations).
    ContractHistory {
        address: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The instantiate2 address for a code checksum (hex), creator and salt (hex).
    BuildAddress {
        code_hash: String,
        creator: String,
        salt: String,
        /// The instantiate message, for `--fix-msg` instantiations.
        #[arg(long)]
        init_msg: Option<String>,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A code's metadata and checksum.
    CodeInfo {
        code_id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum ContractState {
    /// Runs the contract's query entry point: `smart <contract> <json>`.
    Smart {
        address: String,
        query: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// One raw key of the contract's storage: `raw <contract> <key>` (hex, or --ascii).
    Raw {
        address: String,
        key: String,
        #[arg(long)]
        ascii: bool,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// All of the contract's storage (first page).
    All {
        address: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn page() -> Option<PageRequest> {
    Some(PageRequest {
        limit: 1_000,
        ..Default::default()
    })
}

fn contract_json(address: &str, c: &ContractInfo) -> Value {
    json!({"address": address, "contract_info": {
        "code_id": c.code_id.to_string(), "creator": c.creator, "admin": c.admin, "label": c.label,
        "created": c.created.as_ref().map(|p| json!({"block_height": p.block_height.to_string(), "tx_index": p.tx_index.to_string()})),
    }})
}

/// One `cosmwasm.wasm.v1.Query` method, over the node's ABCI query.
async fn wasm_query<Req: prost::Message, Resp: prost::Message + Default>(
    node: &NodeArgs,
    method: &str,
    req: Req,
) -> Result<Resp> {
    let path = format!("/cosmwasm.wasm.v1.Query/{method}");
    Ok(Client::new(&node.node, "").query(&path, &req).await?)
}

pub async fn run(cmd: WasmQuery) -> Result<()> {
    match cmd {
        WasmQuery::ContractState(ContractState::Smart {
            address,
            query,
            node,
        }) => {
            serde_json::from_str::<Value>(&query).context("the query must be JSON")?;
            let r: QuerySmartContractStateResponse = wasm_query(
                &node,
                "SmartContractState",
                QuerySmartContractStateRequest {
                    address,
                    query_data: query.into_bytes(),
                },
            )
            .await?;
            let data: Value =
                serde_json::from_slice(&r.data).context("contract answered non-JSON")?;
            print(node.output, &json!({"data": data}));
        }
        WasmQuery::ContractState(ContractState::Raw {
            address,
            key,
            ascii,
            node,
        }) => {
            let key = if ascii {
                key.into_bytes()
            } else {
                hex::decode(&key).context("key must be hex (or use --ascii)")?
            };
            let r: QueryRawContractStateResponse = wasm_query(
                &node,
                "RawContractState",
                QueryRawContractStateRequest {
                    address,
                    query_data: key,
                },
            )
            .await?;
            print(node.output, &json!({"data": b64(&r.data)}));
        }
        WasmQuery::ContractState(ContractState::All { address, node }) => {
            let r: QueryAllContractStateResponse = wasm_query(
                &node,
                "AllContractState",
                QueryAllContractStateRequest {
                    address,
                    pagination: page(),
                },
            )
            .await?;
            let models: Vec<_> = r
                .models
                .iter()
                .map(|m| json!({"key": hex::encode_upper(&m.key), "value": b64(&m.value)}))
                .collect();
            print(node.output, &json!({"models": models}));
        }
        WasmQuery::ListCode { node } => {
            let r: QueryCodesResponse =
                wasm_query(&node, "Codes", QueryCodesRequest { pagination: page() }).await?;
            let infos: Vec<_> = r
                .code_infos
                .iter()
                .map(|i| json!({"code_id": i.code_id.to_string(), "creator": i.creator, "data_hash": hex::encode_upper(&i.data_hash)}))
                .collect();
            print(node.output, &json!({"code_infos": infos}));
        }
        WasmQuery::ListContractByCode { code_id, node } => {
            let r: QueryContractsByCodeResponse = wasm_query(
                &node,
                "ContractsByCode",
                QueryContractsByCodeRequest {
                    code_id,
                    pagination: page(),
                },
            )
            .await?;
            print(node.output, &json!({"contracts": r.contracts}));
        }
        WasmQuery::ListContractsByCreator { creator, node } => {
            let r: QueryContractsByCreatorResponse = wasm_query(
                &node,
                "ContractsByCreator",
                QueryContractsByCreatorRequest {
                    creator_address: creator,
                    pagination: page(),
                },
            )
            .await?;
            print(
                node.output,
                &json!({"contract_addresses": r.contract_addresses}),
            );
        }
        WasmQuery::Contract { address, node } => {
            let r: QueryContractInfoResponse = wasm_query(
                &node,
                "ContractInfo",
                QueryContractInfoRequest {
                    address: address.clone(),
                },
            )
            .await?;
            print(
                node.output,
                &contract_json(&address, &r.contract_info.unwrap_or_default()),
            );
        }
        WasmQuery::ContractHistory { address, node } => {
            let r: QueryContractHistoryResponse = wasm_query(
                &node,
                "ContractHistory",
                QueryContractHistoryRequest {
                    address,
                    pagination: page(),
                },
            )
            .await?;
            let entries: Vec<_> = r
                .entries
                .iter()
                .map(|e| json!({"operation": e.operation().as_str_name(), "code_id": e.code_id.to_string(),
                    "msg": serde_json::from_slice::<Value>(&e.msg).unwrap_or(Value::Null)}))
                .collect();
            print(node.output, &json!({"entries": entries}));
        }
        WasmQuery::BuildAddress {
            code_hash,
            creator,
            salt,
            init_msg,
            node,
        } => {
            let r: QueryBuildAddressResponse = wasm_query(
                &node,
                "BuildAddress",
                QueryBuildAddressRequest {
                    code_hash,
                    creator_address: creator,
                    salt,
                    init_args: init_msg.map(String::into_bytes).unwrap_or_default(),
                },
            )
            .await?;
            print(node.output, &json!({"address": r.address}));
        }
        WasmQuery::CodeInfo { code_id, node } => {
            let r: QueryCodeResponse =
                wasm_query(&node, "Code", QueryCodeRequest { code_id }).await?;
            let i = r.code_info.unwrap_or_default();
            let p = i.instantiate_permission.unwrap_or_default();
            // wasmd's JSON names (`Everybody`, …), not the protobuf enum's.
            let permission = match AccessType::try_from(p.permission) {
                Ok(AccessType::Everybody) => "Everybody",
                Ok(AccessType::Nobody) => "Nobody",
                Ok(AccessType::AnyOfAddresses) => "AnyOfAddresses",
                _ => "Unspecified",
            };
            print(
                node.output,
                &json!({"code_id": i.code_id.to_string(), "creator": i.creator,
                "checksum": hex::encode(&i.data_hash), "size": r.data.len(),
                "instantiate_permission": {"permission": permission, "addresses": p.addresses}}),
            );
        }
    }
    Ok(())
}
