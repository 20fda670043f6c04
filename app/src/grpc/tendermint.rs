//! `cosmos.base.tendermint.v1beta1.Service`: blocks, validator sets and node facts, from
//! CometBFT's RPC.

use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tmv1;
use serde_json::Value;
use tonic::{Request, Response, Status};

use super::rpc_status;
use crate::rpc_client::{b64, int, num, CometRpc};

#[derive(Clone)]
pub struct TendermintService {
    rpc: CometRpc,
}

impl TendermintService {
    pub fn new(rpc: CometRpc) -> Self {
        TendermintService { rpc }
    }
}

/// A block and its id from CometBFT's `/block` (latest without a height).
pub(super) async fn block_at(
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

/// The SDK's form of a block (`sdk_block`): the same block, its proposer as a bech32
/// `infervalcons…` address (what explorers show).
fn sdk_block(block: &tendermint_proto::types::Block) -> tmv1::Block {
    let header = block.header.as_ref().map(|h| tmv1::Header {
        version: h.version.clone(),
        chain_id: h.chain_id.clone(),
        height: h.height,
        time: h.time.clone(),
        last_block_id: h.last_block_id.clone(),
        last_commit_hash: h.last_commit_hash.clone(),
        data_hash: h.data_hash.clone(),
        validators_hash: h.validators_hash.clone(),
        next_validators_hash: h.next_validators_hash.clone(),
        consensus_hash: h.consensus_hash.clone(),
        app_hash: h.app_hash.clone(),
        last_results_hash: h.last_results_hash.clone(),
        evidence_hash: h.evidence_hash.clone(),
        proposer_address: crate::address::valcons_bech32(&h.proposer_address),
    });
    tmv1::Block {
        header,
        data: block.data.clone(),
        evidence: block.evidence.clone(),
        last_commit: block.last_commit.clone(),
    }
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
            sdk_block: Some(sdk_block(&block)),
            block: Some(block),
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
            sdk_block: Some(sdk_block(&block)),
            block: Some(block),
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
pub(super) async fn call_at_height(
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
