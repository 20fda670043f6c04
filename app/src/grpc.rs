//! The gRPC server (port 9090 style). Query methods go through the same router as ABCI
//! queries — one implementation, two transports — at the height in the
//! `x-cosmos-block-height` metadata (latest if absent). The tx service simulates against the
//! mempool state and broadcasts or looks up transactions through CometBFT's RPC.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as authv1;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxResponse;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tmv1;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as txv1;
use prost::Message;
use serde_json::Value;
use tonic::codegen::http;
use tonic::{Request, Response, Status};

use crate::node::Node;
use crate::rpc_client::{b64, int, num, CometRpc};

/// The height asked for in `x-cosmos-block-height` (0: latest).
fn request_height<T>(req: &Request<T>) -> i64 {
    req.metadata()
        .get("x-cosmos-block-height")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<i64>().ok())
        .unwrap_or(0)
}

/// Runs one query through the node's router; returns the answer and the height it was
/// answered at. The query runs on tokio's blocking pool: a contract query or a simulation
/// can take seconds, and the server's few async workers must keep serving meanwhile.
async fn query_raw(
    node: Arc<Node>,
    path: &str,
    data: Vec<u8>,
    height: i64,
) -> Result<(Vec<u8>, i64), Status> {
    let path = path.to_string();
    tokio::task::spawn_blocking(move || node.grpc_query(&path, &data, height))
        .await
        .map_err(|e| Status::internal(format!("query task failed: {e}")))?
        .map_err(|e| Status::new(e.code, e.message))
}

fn with_height<T>(mut resp: Response<T>, height: i64) -> Response<T> {
    if let Ok(h) = height.to_string().parse() {
        resp.metadata_mut().insert("x-cosmos-block-height", h);
    }
    resp
}

/// Forwards one gRPC request to the node's query router and decodes the answer.
async fn forward<Req: Message, Resp: Message + Default>(
    node: &Arc<Node>,
    path: &str,
    req: Request<Req>,
) -> Result<Response<Resp>, Status> {
    let height = request_height(&req);
    let (value, h) =
        query_raw(node.clone(), path, req.into_inner().encode_to_vec(), height).await?;
    let resp = Resp::decode(value.as_slice()).map_err(|e| Status::internal(e.to_string()))?;
    Ok(with_height(Response::new(resp), h))
}

/// Implements query-service methods by forwarding each to its gRPC path; methods not
/// listed answer `Unimplemented` (the trait's generated defaults do not exist in tonic).
macro_rules! forwarding_service {
    ($svc:ty, $trait:path, $prefix:literal, { $($method:ident($req:ty) -> $resp:ty = $name:literal;)* },
     unimplemented { $($um:ident($ureq:ty) -> $uresp:ty;)* }) => {
        #[tonic::async_trait]
        impl $trait for $svc {
            $(
                async fn $method(&self, req: Request<$req>) -> Result<Response<$resp>, Status> {
                    forward(&self.node, concat!("/", $prefix, "/", $name), req).await
                }
            )*
            $(
                async fn $um(&self, _req: Request<$ureq>) -> Result<Response<$uresp>, Status> {
                    Err(Status::unimplemented(concat!($prefix, ": ", stringify!($um), " is not served by this node")))
                }
            )*
        }
    };
}

#[derive(Clone)]
pub struct AuthQuery {
    node: Arc<Node>,
}

forwarding_service!(AuthQuery, authv1::query_server::Query, "cosmos.auth.v1beta1.Query", {
    account(authv1::QueryAccountRequest) -> authv1::QueryAccountResponse = "Account";
    params(authv1::QueryParamsRequest) -> authv1::QueryParamsResponse = "Params";
    bech32_prefix(authv1::Bech32PrefixRequest) -> authv1::Bech32PrefixResponse = "Bech32Prefix";
    account_info(authv1::QueryAccountInfoRequest) -> authv1::QueryAccountInfoResponse = "AccountInfo";
    accounts(authv1::QueryAccountsRequest) -> authv1::QueryAccountsResponse = "Accounts";
    address_bytes_to_string(authv1::AddressBytesToStringRequest) -> authv1::AddressBytesToStringResponse = "AddressBytesToString";
    address_string_to_bytes(authv1::AddressStringToBytesRequest) -> authv1::AddressStringToBytesResponse = "AddressStringToBytes";
}, unimplemented {
    account_address_by_id(authv1::QueryAccountAddressByIdRequest) -> authv1::QueryAccountAddressByIdResponse;
    module_accounts(authv1::QueryModuleAccountsRequest) -> authv1::QueryModuleAccountsResponse;
    module_account_by_name(authv1::QueryModuleAccountByNameRequest) -> authv1::QueryModuleAccountByNameResponse;
});

#[derive(Clone)]
pub struct BankQuery {
    node: Arc<Node>,
}

forwarding_service!(BankQuery, bankv1::query_server::Query, "cosmos.bank.v1beta1.Query", {
    balance(bankv1::QueryBalanceRequest) -> bankv1::QueryBalanceResponse = "Balance";
    all_balances(bankv1::QueryAllBalancesRequest) -> bankv1::QueryAllBalancesResponse = "AllBalances";
    spendable_balances(bankv1::QuerySpendableBalancesRequest) -> bankv1::QuerySpendableBalancesResponse = "SpendableBalances";
    total_supply(bankv1::QueryTotalSupplyRequest) -> bankv1::QueryTotalSupplyResponse = "TotalSupply";
    supply_of(bankv1::QuerySupplyOfRequest) -> bankv1::QuerySupplyOfResponse = "SupplyOf";
    params(bankv1::QueryParamsRequest) -> bankv1::QueryParamsResponse = "Params";
    spendable_balance_by_denom(bankv1::QuerySpendableBalanceByDenomRequest) -> bankv1::QuerySpendableBalanceByDenomResponse = "SpendableBalanceByDenom";
    send_enabled(bankv1::QuerySendEnabledRequest) -> bankv1::QuerySendEnabledResponse = "SendEnabled";
}, unimplemented {
    denom_metadata(bankv1::QueryDenomMetadataRequest) -> bankv1::QueryDenomMetadataResponse;
    denom_metadata_by_query_string(bankv1::QueryDenomMetadataByQueryStringRequest) -> bankv1::QueryDenomMetadataByQueryStringResponse;
    denoms_metadata(bankv1::QueryDenomsMetadataRequest) -> bankv1::QueryDenomsMetadataResponse;
    denom_owners(bankv1::QueryDenomOwnersRequest) -> bankv1::QueryDenomOwnersResponse;
    denom_owners_by_query(bankv1::QueryDenomOwnersByQueryRequest) -> bankv1::QueryDenomOwnersByQueryResponse;
});

#[derive(Clone)]
pub struct TxService {
    node: Arc<Node>,
    rpc: CometRpc,
}

fn rpc_status(e: crate::rpc_client::RpcError) -> Status {
    Status::unavailable(e.to_string())
}

/// `GetTxsEvent` page size when the request names none, and the most it may ask for.
const DEFAULT_TX_PAGE: u64 = 100;
const MAX_TX_PAGE: u64 = 100;

/// The 1-based page and page size of a `GetTxsEvent` request: `page`/`limit` (SDK 0.50), or,
/// when neither is set, the older `pagination` offset/limit (offset rounded down to a page).
#[allow(deprecated)] // Older clients still page with `pagination`.
fn tx_search_page(req: &txv1::GetTxsEventRequest) -> (u64, u64) {
    let clamp = |l: u64| {
        if l == 0 {
            DEFAULT_TX_PAGE
        } else {
            l.min(MAX_TX_PAGE)
        }
    };
    match (&req.pagination, req.page, req.limit) {
        (Some(p), 0, 0) => {
            let limit = clamp(p.limit);
            (p.offset / limit + 1, limit)
        }
        (_, page, limit) => (page.max(1), clamp(limit)),
    }
}

/// The SDK's `TxResponse` from CometBFT's `/tx` JSON.
fn tx_response(t: &Value) -> Result<(TxResponse, Vec<u8>), Status> {
    let r = &t["tx_result"];
    let tx_bytes = b64(t.get("tx")).map_err(|e| Status::internal(e.to_string()))?;
    let events = serde_json::from_value(r["events"].clone()).unwrap_or_default();
    #[allow(deprecated)]
    let resp = TxResponse {
        height: num(&t["height"]) as i64,
        txhash: t["hash"].as_str().unwrap_or_default().into(),
        codespace: r["codespace"].as_str().unwrap_or_default().into(),
        code: num(&r["code"]) as u32,
        data: hex::encode_upper(b64(r.get("data")).unwrap_or_default()),
        raw_log: r["log"].as_str().unwrap_or_default().into(),
        gas_wanted: num(&r["gas_wanted"]) as i64,
        gas_used: num(&r["gas_used"]) as i64,
        events,
        ..Default::default()
    };
    Ok((resp, tx_bytes))
}

fn decode_tx(bytes: &[u8]) -> Option<txv1::Tx> {
    let raw = txv1::TxRaw::decode(bytes).ok()?;
    Some(txv1::Tx {
        body: txv1::TxBody::decode(raw.body_bytes.as_slice()).ok(),
        auth_info: txv1::AuthInfo::decode(raw.auth_info_bytes.as_slice()).ok(),
        signatures: raw.signatures,
    })
}

#[tonic::async_trait]
impl txv1::service_server::Service for TxService {
    async fn simulate(
        &self,
        req: Request<txv1::SimulateRequest>,
    ) -> Result<Response<txv1::SimulateResponse>, Status> {
        forward(&self.node, "/cosmos.tx.v1beta1.Service/Simulate", req).await
    }

    async fn broadcast_tx(
        &self,
        req: Request<txv1::BroadcastTxRequest>,
    ) -> Result<Response<txv1::BroadcastTxResponse>, Status> {
        let req = req.into_inner();
        let r = self
            .rpc
            .broadcast_sync(&req.tx_bytes)
            .await
            .map_err(rpc_status)?;
        Ok(Response::new(txv1::BroadcastTxResponse {
            tx_response: Some(TxResponse {
                code: r.code,
                codespace: r.codespace,
                raw_log: r.log,
                txhash: r.hash,
                ..Default::default()
            }),
        }))
    }

    async fn get_tx(
        &self,
        req: Request<txv1::GetTxRequest>,
    ) -> Result<Response<txv1::GetTxResponse>, Status> {
        let hash = req.into_inner().hash;
        let t = self
            .rpc
            .tx(&hash)
            .await
            .map_err(rpc_status)?
            .ok_or_else(|| Status::not_found(format!("tx not found: {hash}")))?;
        let (resp, bytes) = tx_response(&t)?;
        Ok(Response::new(txv1::GetTxResponse {
            tx: decode_tx(&bytes),
            tx_response: Some(resp),
        }))
    }

    /// Txs by event query (`query`, SDK 0.50; or the older `events`, joined with AND),
    /// through CometBFT's tx index; `page` is 1-based as in the SDK.
    async fn get_txs_event(
        &self,
        req: Request<txv1::GetTxsEventRequest>,
    ) -> Result<Response<txv1::GetTxsEventResponse>, Status> {
        let req = req.into_inner();
        let (page, limit) = tx_search_page(&req);
        let query = if req.query.trim().is_empty() {
            #[allow(deprecated)] // Older clients still send `events`.
            req.events.join(" AND ")
        } else {
            req.query
        };
        if query.trim().is_empty() {
            return Err(Status::invalid_argument("query is required"));
        }
        let descending = req.order_by == txv1::OrderBy::Desc as i32;
        let found = self
            .rpc
            .tx_search(&query, page, limit, descending)
            .await
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let mut txs = Vec::new();
        let mut tx_responses = Vec::new();
        for t in found["txs"].as_array().into_iter().flatten() {
            let (resp, bytes) = tx_response(t)?;
            txs.push(decode_tx(&bytes).unwrap_or_default());
            tx_responses.push(resp);
        }
        #[allow(deprecated)]
        Ok(Response::new(txv1::GetTxsEventResponse {
            txs,
            tx_responses,
            pagination: None,
            total: num(&found["total_count"]),
        }))
    }

    /// A block and its decoded txs (`pagination` offset/limit over the txs).
    async fn get_block_with_txs(
        &self,
        req: Request<txv1::GetBlockWithTxsRequest>,
    ) -> Result<Response<txv1::GetBlockWithTxsResponse>, Status> {
        let req = req.into_inner();
        let (id, block) = block_at(&self.rpc, Some(req.height)).await?;
        let all = block
            .data
            .as_ref()
            .map(|d| d.txs.as_slice())
            .unwrap_or_default();
        let (offset, limit) = req.pagination.as_ref().map_or((0, u64::MAX), |p| {
            (p.offset, if p.limit == 0 { u64::MAX } else { p.limit })
        });
        let txs = all
            .iter()
            .skip(offset as usize)
            .take(limit.min(usize::MAX as u64) as usize)
            .map(|b| decode_tx(b).ok_or_else(|| Status::internal("undecodable tx in a block")))
            .collect::<Result<_, _>>()?;
        let total = all.len() as u64;
        Ok(Response::new(txv1::GetBlockWithTxsResponse {
            txs,
            block_id: Some(id),
            block: Some(block),
            pagination: Some(PageResponse {
                next_key: vec![],
                total,
            }),
        }))
    }

    async fn tx_decode(
        &self,
        req: Request<txv1::TxDecodeRequest>,
    ) -> Result<Response<txv1::TxDecodeResponse>, Status> {
        let tx = decode_tx(&req.into_inner().tx_bytes)
            .ok_or_else(|| Status::invalid_argument("not a TxRaw"))?;
        Ok(Response::new(txv1::TxDecodeResponse { tx: Some(tx) }))
    }

    async fn tx_encode(
        &self,
        req: Request<txv1::TxEncodeRequest>,
    ) -> Result<Response<txv1::TxEncodeResponse>, Status> {
        let tx = req
            .into_inner()
            .tx
            .ok_or_else(|| Status::invalid_argument("empty tx"))?;
        let raw = txv1::TxRaw {
            body_bytes: tx.body.map(|b| b.encode_to_vec()).unwrap_or_default(),
            auth_info_bytes: tx.auth_info.map(|a| a.encode_to_vec()).unwrap_or_default(),
            signatures: tx.signatures,
        };
        Ok(Response::new(txv1::TxEncodeResponse {
            tx_bytes: raw.encode_to_vec(),
        }))
    }

    async fn tx_encode_amino(
        &self,
        _req: Request<txv1::TxEncodeAminoRequest>,
    ) -> Result<Response<txv1::TxEncodeAminoResponse>, Status> {
        Err(Status::unimplemented("amino JSON is not supported"))
    }

    async fn tx_decode_amino(
        &self,
        _req: Request<txv1::TxDecodeAminoRequest>,
    ) -> Result<Response<txv1::TxDecodeAminoResponse>, Status> {
        Err(Status::unimplemented("amino JSON is not supported"))
    }
}

#[derive(Clone)]
pub struct TendermintService {
    rpc: CometRpc,
}

/// A block and its id from CometBFT's `/block` (latest without a height).
async fn block_at(
    rpc: &CometRpc,
    height: Option<i64>,
) -> Result<
    (
        tendermint_proto::types::BlockId,
        tendermint_proto::types::Block,
    ),
    Status,
> {
    let params = match height {
        Some(h) => serde_json::json!({"height": h.to_string()}),
        None => serde_json::json!({}),
    };
    let b = rpc.call("block", params).await.map_err(rpc_status)?;
    let block = serde_json::from_value(b["block"].clone())
        .map_err(|e| Status::internal(format!("decoding block: {e}")))?;
    let id = serde_json::from_value(b["block_id"].clone())
        .map_err(|e| Status::internal(format!("decoding block id: {e}")))?;
    Ok((id, block))
}

struct ValidatorSet {
    height: i64,
    validators: Vec<tmv1::Validator>,
    page: PageResponse,
}

/// One page of the validator set at `height` (latest without one) from CometBFT's
/// `/validators`: `pagination.offset` / `limit` (at most 100, CometBFT's page size cap).
async fn validator_set(
    rpc: &CometRpc,
    height: Option<i64>,
    pagination: Option<PageRequest>,
) -> Result<ValidatorSet, Status> {
    let (offset, limit) = pagination.map_or((0, 100), |p| (p.offset, p.limit));
    let per_page = if limit == 0 { 100 } else { limit.min(100) };
    if offset % per_page != 0 {
        return Err(Status::invalid_argument(format!(
            "offset {offset} must be a multiple of the page size {per_page}"
        )));
    }
    let params = serde_json::json!({
        "page": (offset / per_page + 1).to_string(),
        "per_page": per_page.to_string(),
    });
    let r = call_at_height(rpc, "validators", params, height).await?;
    let validators = r["validators"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let address = hex::decode(v["address"].as_str().unwrap_or_default())
                .map_err(|e| Status::internal(format!("validator address: {e}")))?;
            let key = b64(v["pub_key"].get("value"))
                .map_err(|e| Status::internal(format!("validator key: {e}")))?;
            Ok(tmv1::Validator {
                address: crate::address::valcons_bech32(&address),
                pub_key: Some(crate::modules::to_any(
                    &cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key },
                )),
                voting_power: int(&v["voting_power"]),
                proposer_priority: int(&v["proposer_priority"]),
            })
        })
        .collect::<Result<_, Status>>()?;
    Ok(ValidatorSet {
        height: int(&r["block_height"]),
        validators,
        page: PageResponse {
            next_key: vec![],
            total: num(&r["total"]),
        },
    })
}

#[tonic::async_trait]
impl tmv1::service_server::Service for TendermintService {
    async fn get_node_info(
        &self,
        _req: Request<tmv1::GetNodeInfoRequest>,
    ) -> Result<Response<tmv1::GetNodeInfoResponse>, Status> {
        let s = self.rpc.status().await.map_err(rpc_status)?;
        let n = &s["node_info"];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let default_node_info = Some(tendermint_proto::p2p::DefaultNodeInfo {
            protocol_version: Some(tendermint_proto::p2p::ProtocolVersion {
                p2p: num(&n["protocol_version"]["p2p"]),
                block: num(&n["protocol_version"]["block"]),
                app: num(&n["protocol_version"]["app"]),
            }),
            default_node_id: text(&n["id"]),
            listen_addr: text(&n["listen_addr"]),
            network: text(&n["network"]),
            version: text(&n["version"]),
            channels: hex::decode(text(&n["channels"])).unwrap_or_default(),
            moniker: text(&n["moniker"]),
            other: Some(tendermint_proto::p2p::DefaultNodeInfoOther {
                tx_index: text(&n["other"]["tx_index"]),
                rpc_address: text(&n["other"]["rpc_address"]),
            }),
        });
        Ok(Response::new(tmv1::GetNodeInfoResponse {
            default_node_info,
            application_version: Some(tmv1::VersionInfo {
                name: crate::node::APP_NAME.into(),
                app_name: "inferchaind".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                go_version: String::new(),
                build_deps: vec![tmv1::Module {
                    path: "github.com/cometbft/cometbft".into(),
                    version: s["node_info"]["version"]
                        .as_str()
                        .unwrap_or_default()
                        .into(),
                    sum: String::new(),
                }],
                ..Default::default()
            }),
        }))
    }

    async fn get_syncing(
        &self,
        _req: Request<tmv1::GetSyncingRequest>,
    ) -> Result<Response<tmv1::GetSyncingResponse>, Status> {
        let s = self.rpc.status().await.map_err(rpc_status)?;
        Ok(Response::new(tmv1::GetSyncingResponse {
            syncing: s["sync_info"]["catching_up"].as_bool().unwrap_or(false),
        }))
    }

    async fn get_latest_block(
        &self,
        _req: Request<tmv1::GetLatestBlockRequest>,
    ) -> Result<Response<tmv1::GetLatestBlockResponse>, Status> {
        let (id, block) = block_at(&self.rpc, None).await?;
        #[allow(deprecated)]
        Ok(Response::new(tmv1::GetLatestBlockResponse {
            block_id: Some(id),
            block: Some(block),
            sdk_block: None,
        }))
    }

    async fn get_block_by_height(
        &self,
        req: Request<tmv1::GetBlockByHeightRequest>,
    ) -> Result<Response<tmv1::GetBlockByHeightResponse>, Status> {
        let (id, block) = block_at(&self.rpc, Some(req.into_inner().height)).await?;
        #[allow(deprecated)]
        Ok(Response::new(tmv1::GetBlockByHeightResponse {
            block_id: Some(id),
            block: Some(block),
            sdk_block: None,
        }))
    }

    async fn get_latest_validator_set(
        &self,
        req: Request<tmv1::GetLatestValidatorSetRequest>,
    ) -> Result<Response<tmv1::GetLatestValidatorSetResponse>, Status> {
        let set = validator_set(&self.rpc, None, req.into_inner().pagination).await?;
        Ok(Response::new(tmv1::GetLatestValidatorSetResponse {
            block_height: set.height,
            validators: set.validators,
            pagination: Some(set.page),
        }))
    }

    async fn get_validator_set_by_height(
        &self,
        req: Request<tmv1::GetValidatorSetByHeightRequest>,
    ) -> Result<Response<tmv1::GetValidatorSetByHeightResponse>, Status> {
        let req = req.into_inner();
        let set = validator_set(&self.rpc, Some(req.height), req.pagination).await?;
        Ok(Response::new(tmv1::GetValidatorSetByHeightResponse {
            block_height: set.height,
            validators: set.validators,
            pagination: Some(set.page),
        }))
    }

    async fn abci_query(
        &self,
        req: Request<tmv1::AbciQueryRequest>,
    ) -> Result<Response<tmv1::AbciQueryResponse>, Status> {
        let req = req.into_inner();
        let r = self
            .rpc
            .abci_query(&req.path, &req.data, req.height as u64, req.prove)
            .await
            .map_err(rpc_status)?;
        Ok(Response::new(tmv1::AbciQueryResponse {
            code: r.code,
            log: r.log,
            value: r.value,
            height: r.height as i64,
            ..Default::default()
        }))
    }
}

/// Calls a CometBFT method that reads per-height state (`/consensus_params`, `/validators`)
/// at `height`, or at the latest height. Right after a commit CometBFT may know the new
/// height before it has saved that height's state ("could not find consensus params for
/// height #N"); the latest call then falls back to the height before, which is saved (and
/// the same but for a governance change that block).
async fn call_at_height(
    rpc: &CometRpc,
    method: &str,
    mut params: Value,
    height: Option<i64>,
) -> Result<Value, Status> {
    if let Some(h) = height {
        params["height"] = h.to_string().into();
        return rpc.call(method, params).await.map_err(|e| match e {
            crate::rpc_client::RpcError::Rpc(m) => Status::invalid_argument(m),
            other => rpc_status(other),
        });
    }
    match rpc.call(method, params.clone()).await {
        Err(crate::rpc_client::RpcError::Rpc(_)) => {
            let status = rpc.status().await.map_err(rpc_status)?;
            let latest = num(&status["sync_info"]["latest_block_height"]);
            params["height"] = latest.saturating_sub(1).max(1).to_string().into();
            rpc.call(method, params).await.map_err(rpc_status)
        }
        other => other.map_err(rpc_status),
    }
}

/// `cosmos.consensus.v1` messages (SDK 0.47+), which cosmos-sdk-proto does not export.
pub mod consensusv1 {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct QueryParamsRequest {}

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct QueryParamsResponse {
        #[prost(message, optional, tag = "1")]
        pub params: Option<tendermint_proto::types::ConsensusParams>,
    }
}

/// `cosmos.consensus.v1.Query`: the consensus parameters CometBFT runs with (clients such as
/// cosmpy read the block gas limit here), from CometBFT's `/consensus_params`.
#[derive(Clone)]
pub struct ConsensusQuery {
    rpc: CometRpc,
}

/// CometBFT's `/consensus_params` JSON as the protobuf message.
fn consensus_params(p: &Value) -> tendermint_proto::types::ConsensusParams {
    use tendermint_proto::types as t;
    let duration = |nanos: i64| tendermint_proto::google::protobuf::Duration {
        seconds: nanos.div_euclid(1_000_000_000),
        nanos: nanos.rem_euclid(1_000_000_000) as i32,
    };
    t::ConsensusParams {
        block: Some(t::BlockParams {
            max_bytes: int(&p["block"]["max_bytes"]),
            max_gas: int(&p["block"]["max_gas"]),
        }),
        evidence: Some(t::EvidenceParams {
            max_age_num_blocks: int(&p["evidence"]["max_age_num_blocks"]),
            max_age_duration: Some(duration(int(&p["evidence"]["max_age_duration"]))),
            max_bytes: int(&p["evidence"]["max_bytes"]),
        }),
        validator: Some(t::ValidatorParams {
            pub_key_types: p["validator"]["pub_key_types"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|k| k.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        }),
        version: Some(t::VersionParams {
            app: num(&p["version"]["app"]),
        }),
        abci: Some(t::AbciParams {
            vote_extensions_enable_height: int(&p["abci"]["vote_extensions_enable_height"]),
        }),
    }
}

impl ConsensusQuery {
    async fn params(
        rpc: CometRpc,
        req: Request<consensusv1::QueryParamsRequest>,
    ) -> Result<Response<consensusv1::QueryParamsResponse>, Status> {
        let height = match request_height(&req) {
            0 => None,
            h => Some(h),
        };
        let r = call_at_height(&rpc, "consensus_params", serde_json::json!({}), height).await?;
        let height = int(&r["block_height"]);
        Ok(with_height(
            Response::new(consensusv1::QueryParamsResponse {
                params: Some(consensus_params(&r["consensus_params"])),
            }),
            height,
        ))
    }
}

struct ConsensusParamsMethod(CometRpc);

impl tonic::server::UnaryService<consensusv1::QueryParamsRequest> for ConsensusParamsMethod {
    type Response = consensusv1::QueryParamsResponse;
    type Future = tonic::codegen::BoxFuture<Response<Self::Response>, Status>;
    fn call(&mut self, req: Request<consensusv1::QueryParamsRequest>) -> Self::Future {
        Box::pin(ConsensusQuery::params(self.0.clone(), req))
    }
}

/// The service's one method, routed by hand (no generated server for these types).
impl HandRouted for ConsensusQuery {
    const NAME: &'static str = "cosmos.consensus.v1.Query";

    fn route<B>(&self, req: http::Request<B>) -> RoutedFuture
    where
        B: tonic::codegen::Body + Send + 'static,
        B::Error: Into<tonic::codegen::StdError> + Send + 'static,
    {
        let rpc = self.rpc.clone();
        Box::pin(async move {
            if req.uri().path() != "/cosmos.consensus.v1.Query/Params" {
                let path = req.uri().path().to_string();
                return Ok(Status::unimplemented(format!("{path} is not served")).into_http());
            }
            let mut grpc = tonic::server::Grpc::new(tonic::codec::ProstCodec::default());
            Ok(grpc.unary(ConsensusParamsMethod(rpc), req).await)
        })
    }
}

/// `cosmwasm.wasm.v1.Query`. The generated types we use come without a tonic server, so
/// this service passes each call's protobuf bytes straight to the query router by its path.
#[derive(Clone)]
pub struct WasmQuery {
    node: Arc<Node>,
}

/// Protobuf messages as opaque bytes (also for clients that call a method they only know
/// by its path and descriptor, as the reflection test does).
#[derive(Default, Clone, Copy)]
pub struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;
    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }
    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(
        &mut self,
        item: Vec<u8>,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), Status> {
        use prost::bytes::BufMut;
        dst.put_slice(&item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut tonic::codec::DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        use prost::bytes::Buf;
        let mut v = vec![0u8; src.remaining()];
        src.copy_to_slice(&mut v);
        Ok(Some(v))
    }
}

struct RawUnary {
    node: Arc<Node>,
    path: String,
}

impl tonic::server::UnaryService<Vec<u8>> for RawUnary {
    type Response = Vec<u8>;
    type Future = tonic::codegen::BoxFuture<Response<Vec<u8>>, Status>;
    fn call(&mut self, req: Request<Vec<u8>>) -> Self::Future {
        let (node, path) = (self.node.clone(), self.path.clone());
        Box::pin(async move {
            let height = request_height(&req);
            let (value, h) = query_raw(node, &path, req.into_inner(), height).await?;
            Ok(with_height(Response::new(value), h))
        })
    }
}

impl HandRouted for WasmQuery {
    const NAME: &'static str = "cosmwasm.wasm.v1.Query";

    fn route<B>(&self, req: http::Request<B>) -> RoutedFuture
    where
        B: tonic::codegen::Body + Send + 'static,
        B::Error: Into<tonic::codegen::StdError> + Send + 'static,
    {
        let unary = RawUnary {
            node: self.node.clone(),
            path: req.uri().path().to_string(),
        };
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(RawCodec);
            Ok(grpc.unary(unary, req).await)
        })
    }
}

type RoutedFuture = tonic::codegen::BoxFuture<http::Response<tonic::body::Body>, Infallible>;

/// A gRPC service whose types come without a generated tonic server: it routes each call
/// itself. [`Routed`] makes it a tower service the tonic router accepts.
pub trait HandRouted: Clone + Send + 'static {
    const NAME: &'static str;
    fn route<B>(&self, req: http::Request<B>) -> RoutedFuture
    where
        B: tonic::codegen::Body + Send + 'static,
        B::Error: Into<tonic::codegen::StdError> + Send + 'static;
}

#[derive(Clone)]
pub struct Routed<S>(pub S);

impl<S: HandRouted> tonic::server::NamedService for Routed<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> tonic::codegen::Service<http::Request<B>> for Routed<S>
where
    S: HandRouted,
    B: tonic::codegen::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = RoutedFuture;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        self.0.route(req)
    }
}

pub async fn serve(node: Arc<Node>, addr: SocketAddr, rpc: &str) -> Result<()> {
    let rpc = CometRpc::new(rpc);
    let (reflection, reflection_v1alpha) = crate::grpc_reflection::services()?;
    tracing::info!(%addr, "gRPC server listening");
    tonic::transport::Server::builder()
        .add_service(authv1::query_server::QueryServer::new(AuthQuery {
            node: node.clone(),
        }))
        .add_service(bankv1::query_server::QueryServer::new(BankQuery {
            node: node.clone(),
        }))
        .add_service(Routed(WasmQuery { node: node.clone() }))
        .add_service(txv1::service_server::ServiceServer::new(TxService {
            node,
            rpc: rpc.clone(),
        }))
        .add_service(tmv1::service_server::ServiceServer::new(
            TendermintService { rpc: rpc.clone() },
        ))
        .add_service(Routed(ConsensusQuery { rpc }))
        .add_service(reflection)
        .add_service(reflection_v1alpha)
        .serve(addr)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(deprecated)]
    fn tx_search_pages() {
        let req = |page, limit, pagination: Option<(u64, u64)>| txv1::GetTxsEventRequest {
            page,
            limit,
            pagination: pagination.map(|(offset, limit)| PageRequest {
                offset,
                limit,
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(tx_search_page(&req(0, 0, None)), (1, 100));
        assert_eq!(tx_search_page(&req(3, 10, None)), (3, 10));
        assert_eq!(tx_search_page(&req(2, 500, None)), (2, 100));
        assert_eq!(tx_search_page(&req(0, 0, Some((20, 10)))), (3, 10));
        assert_eq!(tx_search_page(&req(0, 0, Some((25, 0)))), (1, 100));
        // page/limit win over pagination when given.
        assert_eq!(tx_search_page(&req(2, 5, Some((100, 50)))), (2, 5));
    }

    #[test]
    fn consensus_params_from_cometbft_json() {
        // CometBFT v0.38's `/consensus_params` result.
        let json: Value = serde_json::from_str(
            r#"{"block":{"max_bytes":"22020096","max_gas":"-1"},
                "evidence":{"max_age_num_blocks":"100000","max_age_duration":"172800000000000","max_bytes":"1048576"},
                "validator":{"pub_key_types":["ed25519"]},"version":{"app":"0"},
                "abci":{"vote_extensions_enable_height":"0"}}"#,
        )
        .unwrap();
        let p = consensus_params(&json);
        let block = p.block.unwrap();
        assert_eq!((block.max_bytes, block.max_gas), (22_020_096, -1));
        let evidence = p.evidence.unwrap();
        assert_eq!(evidence.max_age_num_blocks, 100_000);
        let age = evidence.max_age_duration.unwrap();
        assert_eq!((age.seconds, age.nanos), (172_800, 0));
        assert_eq!(evidence.max_bytes, 1_048_576);
        assert_eq!(p.validator.unwrap().pub_key_types, vec!["ed25519"]);
    }
}
