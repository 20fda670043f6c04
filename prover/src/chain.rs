//! Reading from a running InferChain node: the prover asks CometBFT's RPC (`/abci_query`) for
//! the inference module's view of a challenge (its revealed test set). A plain HTTP/1.0 GET:
//! the prover needs one request, not a client stack.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use inferchain_proto::inferchain::inference::v1 as pb;
use prost::Message;

/// Most bytes an answer may have (a 1,024-row test set of 64 features is ~350 KB in base64).
const MAX_ANSWER: u64 = 8 << 20;

/// `GET <url>/abci_query?path="<path>"&data=0x<hex>` and the decoded response value.
pub fn abci_query(url: &str, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("tcp://"))
        .ok_or_else(|| anyhow!("--node must be http://host:port, not {url:?}"))?;
    let host = rest.trim_end_matches('/');
    let target = format!(
        "/abci_query?path=%22{}%22&data=0x{}",
        path.replace('/', "%2F"),
        hex::encode(data)
    );
    let mut stream =
        TcpStream::connect(host).with_context(|| format!("connecting to the node at {host}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "GET {target} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("the node's answer is not HTTP"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    if !head.starts_with("HTTP/1.") || !head.lines().next().unwrap_or("").contains(" 200") {
        bail!(
            "the node answered {}",
            head.lines().next().unwrap_or_default()
        );
    }
    let body: serde_json::Value =
        serde_json::from_slice(&raw[split + 4..]).context("the node's answer is not JSON")?;
    if let Some(e) = body.get("error") {
        bail!("the node refused the query: {e}");
    }
    let response = &body["result"]["response"];
    if response["code"].as_u64().unwrap_or(0) != 0 {
        bail!(
            "query {path} failed: {}",
            response["log"].as_str().unwrap_or_default()
        );
    }
    let value = response["value"].as_str().unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .context("decoding the query's value")
}

/// The inference module's view of challenge `id`.
pub fn challenge(url: &str, id: u64) -> Result<pb::QueryChallengeResponse> {
    let bytes = abci_query(
        url,
        "/inferchain.inference.v1.Query/Challenge",
        &pb::QueryChallengeRequest { challenge_id: id }.encode_to_vec(),
    )?;
    Ok(pb::QueryChallengeResponse::decode(bytes.as_slice())?)
}
