//! `cosmos.tx.v1beta1.Service`: simulate against the mempool state; broadcast and look up
//! transactions through CometBFT's RPC.

use std::sync::Arc;

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxResponse;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as txv1;
use prost::Message;
use serde_json::Value;
use tonic::{Request, Response, Status};

use super::tendermint::block_at;
use super::{query_raw, request_height, rpc_status, with_height};
use crate::node::Node;
use crate::rpc_client::{b64, num, CometRpc};

#[derive(Clone)]
pub struct TxService {
    node: Arc<Node>,
    rpc: CometRpc,
}

impl TxService {
    pub fn new(node: Arc<Node>, rpc: CometRpc) -> Self {
        TxService { node, rpc }
    }
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
        // The SDK's answers carry the transaction again, as an `Any` (explorers read it).
        tx: decode_tx(&tx_bytes).map(|tx| tendermint_proto::google::protobuf::Any {
            type_url: "/cosmos.tx.v1beta1.Tx".into(),
            value: tx.encode_to_vec(),
        }),
        ..Default::default()
    };
    Ok((resp, tx_bytes))
}

/// Fills each answer's `timestamp` with its block's time (CometBFT's `/header`, once per
/// height), as the SDK does; left empty if the header can't be read.
async fn with_timestamps(rpc: &CometRpc, responses: &mut [TxResponse]) {
    let mut times = std::collections::BTreeMap::new();
    for r in responses.iter_mut() {
        if !times.contains_key(&r.height) {
            let time = rpc
                .call(
                    "header",
                    serde_json::json!({"height": r.height.to_string()}),
                )
                .await
                .ok()
                .and_then(|h| h["header"]["time"].as_str().map(str::to_string))
                .unwrap_or_default();
            times.insert(r.height, time);
        }
        r.timestamp = times[&r.height].clone();
    }
}

/// The SDK's code and log for CometBFT's pre-CheckTx refusals (`ErrTxInMempoolCache` 19,
/// `ErrMempoolIsFull` 20, `ErrTxTooLarge` 21).
fn mempool_refusal(msg: &str) -> Option<(u32, &'static str)> {
    if msg.contains("tx already exists in cache") {
        Some((19, "tx already in mempool"))
    } else if msg.contains("mempool is full") {
        Some((20, "mempool is full"))
    } else if msg.contains("tx too large") {
        Some((21, "tx too large"))
    } else {
        None
    }
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
        // CometBFT refuses some transactions before CheckTx with an RPC error; the SDK
        // answers those as a result with its own code (its `CheckCometError`), so clients
        // see a refused transaction, not a node failure.
        let r = match self.rpc.broadcast_sync(&req.tx_bytes).await {
            Ok(r) => r,
            Err(crate::rpc_client::RpcError::Rpc(msg)) => match mempool_refusal(&msg) {
                Some((code, log)) => crate::rpc_client::CheckTxResult {
                    code,
                    codespace: "sdk".into(),
                    log: log.into(),
                    hash: hex::encode_upper(<sha2::Sha256 as sha2::Digest>::digest(&req.tx_bytes)),
                },
                None => return Err(rpc_status(crate::rpc_client::RpcError::Rpc(msg))),
            },
            Err(e) => return Err(rpc_status(e)),
        };
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
        let (mut resp, bytes) = tx_response(&t)?;
        with_timestamps(&self.rpc, std::slice::from_mut(&mut resp)).await;
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
        with_timestamps(&self.rpc, &mut tx_responses).await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;

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
}
