//! A small client for CometBFT's JSON-RPC, used by the CLI and by the gRPC tx service.

use base64::Engine;
use serde_json::{json, Value};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    #[error("cannot reach node at {url}: {source}")]
    Transport { url: String, source: reqwest::Error },
    #[error("node answered with error: {0}")]
    Rpc(String),
    #[error("unexpected answer from node: {0}")]
    Malformed(String),
}

#[derive(Clone)]
pub struct CometRpc {
    url: String,
    http: reqwest::Client,
}

/// The ABCI query result CometBFT relays.
#[derive(Debug, Clone)]
pub struct AbciQueryResult {
    pub code: u32,
    pub log: String,
    pub value: Vec<u8>,
    pub height: u64,
    pub proof_ops: Vec<(String, Vec<u8>, Vec<u8>)>,
}

impl CometRpc {
    pub fn new(url: &str) -> Self {
        let url = url.trim_end_matches('/').replace("tcp://", "http://");
        CometRpc {
            url,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let resp = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|source| RpcError::Transport {
                url: self.url.clone(),
                source,
            })?;
        let v: Value = resp.json().await.map_err(|source| RpcError::Transport {
            url: self.url.clone(),
            source,
        })?;
        if let Some(err) = v.get("error") {
            let msg = err.get("data").and_then(Value::as_str).unwrap_or_default();
            return Err(RpcError::Rpc(format!(
                "{} {msg}",
                err.get("message").unwrap_or(err)
            )));
        }
        v.get("result")
            .cloned()
            .ok_or_else(|| RpcError::Malformed(v.to_string()))
    }

    pub async fn abci_query(
        &self,
        path: &str,
        data: &[u8],
        height: u64,
        prove: bool,
    ) -> Result<AbciQueryResult, RpcError> {
        let r = self
            .call(
                "abci_query",
                json!({"path": path, "data": hex::encode(data), "height": height.to_string(), "prove": prove}),
            )
            .await?;
        let resp = &r["response"];
        let value = b64(resp.get("value"))?;
        let mut proof_ops = Vec::new();
        if let Some(ops) = resp["proofOps"]["ops"].as_array() {
            for op in ops {
                proof_ops.push((
                    op["type"].as_str().unwrap_or_default().to_string(),
                    b64(op.get("key"))?,
                    b64(op.get("data"))?,
                ));
            }
        }
        Ok(AbciQueryResult {
            code: resp["code"].as_u64().unwrap_or(0) as u32,
            log: resp["log"].as_str().unwrap_or_default().to_string(),
            value,
            height: num(&resp["height"]),
            proof_ops,
        })
    }

    /// `broadcast_tx_sync`: returns CheckTx's (code, log, tx hash hex).
    pub async fn broadcast_sync(&self, tx: &[u8]) -> Result<CheckTxResult, RpcError> {
        let r = self
            .call("broadcast_tx_sync", json!({"tx": B64.encode(tx)}))
            .await?;
        let text = |k: &str| r[k].as_str().unwrap_or_default().to_string();
        Ok(CheckTxResult {
            code: r["code"].as_u64().unwrap_or(0) as u32,
            codespace: text("codespace"),
            log: text("log"),
            hash: text("hash"),
        })
    }

    /// The indexed transaction with this hash, if it was included in a block.
    pub async fn tx(&self, hash_hex: &str) -> Result<Option<Value>, RpcError> {
        let hash =
            hex::decode(hash_hex).map_err(|e| RpcError::Malformed(format!("tx hash: {e}")))?;
        match self
            .call("tx", json!({"hash": B64.encode(hash), "prove": false}))
            .await
        {
            Ok(v) => Ok(Some(v)),
            Err(RpcError::Rpc(m)) if m.contains("not found") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// CometBFT's `tx_search`: one page (1-based) of the txs matching `query`.
    pub async fn tx_search(
        &self,
        query: &str,
        page: u64,
        per_page: u64,
        descending: bool,
    ) -> Result<Value, RpcError> {
        let order = if descending { "desc" } else { "asc" };
        self.call(
            "tx_search",
            json!({"query": query, "prove": false, "page": page.to_string(),
                   "per_page": per_page.to_string(), "order_by": order}),
        )
        .await
    }

    pub async fn status(&self) -> Result<Value, RpcError> {
        self.call("status", json!({})).await
    }
}

pub fn num(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

/// A signed integer CometBFT sends as a string (`"-1"`) or a number; 0 when absent.
pub fn int(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

pub fn b64(v: Option<&Value>) -> Result<Vec<u8>, RpcError> {
    match v.and_then(Value::as_str) {
        None | Some("") => Ok(Vec::new()),
        Some(s) => B64
            .decode(s)
            .map_err(|e| RpcError::Malformed(format!("base64: {e}"))),
    }
}

/// CometBFT's answer to `broadcast_tx_sync`: the CheckTx result.
#[derive(Debug, Clone)]
pub struct CheckTxResult {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub hash: String,
}
