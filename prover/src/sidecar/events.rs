//! CometBFT v0.38 websocket messages: the subscription the sidecar makes and the
//! `inference_request` events it reads out of `tm.event='Tx'` results.
//!
//! A Tx event arrives as
//! `{"jsonrpc":"2.0","id":…,"result":{"query":…,"data":{"type":"tendermint/event/Tx",
//! "value":{"TxResult":{"height":"12","index":0,"tx":"<base64>","result":{"code":0,
//! "events":[{"type":"inference_request","attributes":[{"key":"request_id","value":"7",
//! "index":true},…]}]}}}},"events":{"inference_request.request_id":["7"],"tx.hash":[…],…}}}`
//! (since v0.37 attribute keys and values are plain strings, not base64).

use serde_json::{json, Value};

/// The event type the inference module emits for each `MsgRequestInference`.
pub const EVENT_TYPE: &str = "inference_request";

/// Only transactions that carry an inference request (CometBFT's pubsub query language:
/// `EXISTS` matches any value; numbers can't be OR-ed, so models are filtered here).
pub const SUBSCRIBE_QUERY: &str = "tm.event='Tx' AND inference_request.model_id EXISTS";

/// The JSON-RPC `subscribe` call.
pub fn subscribe_request(id: u64, query: &str) -> String {
    json!({"jsonrpc": "2.0", "method": "subscribe", "id": id,
           "params": {"query": query}})
    .to_string()
}

/// One `inference_request` event.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RequestEvent {
    pub request_id: u64,
    pub feed_id: u64,
    pub model_id: u64,
    pub model_owner: String,
    pub architecture: String,
    /// "private" or "public".
    pub mode: String,
    pub input_hash: String,
    /// Last height a fulfilment is accepted at.
    pub deadline: u64,
    /// The block the request was made in.
    pub height: u64,
    pub tx_hash: Option<String>,
}

/// What one websocket text message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsMessage {
    /// The (empty) result answering our `subscribe` call.
    Subscribed,
    /// A committed transaction's inference requests (possibly none we can read).
    Requests(Vec<RequestEvent>),
    /// A JSON-RPC error (e.g. the subscription was cancelled because we were too slow).
    Error(String),
    /// Anything else (other event types, answers to other calls).
    Other,
}

fn num(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads one event's attributes (`[{key, value}]`) into a request, if it has the fields.
fn from_attributes(attrs: &[Value], height: u64, tx_hash: Option<&str>) -> Option<RequestEvent> {
    let get = |k: &str| {
        attrs
            .iter()
            .find(|a| a["key"].as_str() == Some(k))
            .map(|a| &a["value"])
    };
    Some(RequestEvent {
        request_id: num(get("request_id")?)?,
        feed_id: get("feed_id").and_then(num).unwrap_or(0),
        model_id: num(get("model_id")?)?,
        model_owner: get("model_owner").and_then(text).unwrap_or_default(),
        architecture: get("architecture").and_then(text).unwrap_or_default(),
        mode: get("mode").and_then(text).unwrap_or_default(),
        input_hash: get("input_hash").and_then(text).unwrap_or_default(),
        deadline: get("deadline").and_then(num).unwrap_or(0),
        height,
        tx_hash: tx_hash.map(str::to_string),
    })
}

/// Parses one websocket text message.
pub fn parse(message: &str) -> Result<WsMessage, serde_json::Error> {
    let v: Value = serde_json::from_str(message)?;
    if let Some(e) = v.get("error") {
        let msg = e["message"].as_str().unwrap_or_default();
        let data = e["data"].as_str().unwrap_or_default();
        return Ok(WsMessage::Error(format!("{msg} {data}").trim().to_string()));
    }
    let Some(result) = v.get("result") else {
        return Ok(WsMessage::Other);
    };
    if result.as_object().is_some_and(|o| o.is_empty()) {
        return Ok(WsMessage::Subscribed);
    }
    if result["data"]["type"].as_str() != Some("tendermint/event/Tx") {
        return Ok(WsMessage::Other);
    }
    let tx = &result["data"]["value"]["TxResult"];
    let flat = &result["events"];
    let height = num(&tx["height"])
        .or_else(|| flat["tx.height"].get(0).and_then(num))
        .unwrap_or(0);
    // A failed transaction's requests were never made.
    if num(&tx["result"]["code"]).unwrap_or(0) != 0 {
        return Ok(WsMessage::Requests(Vec::new()));
    }
    let tx_hash = flat["tx.hash"].get(0).and_then(Value::as_str);
    let mut out = Vec::new();
    if let Some(events) = tx["result"]["events"].as_array() {
        for e in events {
            if e["type"].as_str() != Some(EVENT_TYPE) {
                continue;
            }
            if let Some(attrs) = e["attributes"].as_array() {
                out.extend(from_attributes(attrs, height, tx_hash));
            }
        }
    } else if let Some(ids) = flat[format!("{EVENT_TYPE}.request_id")].as_array() {
        // No structured events: zip the flattened `type.key -> [values]` map by position.
        for i in 0..ids.len() {
            let attrs: Vec<Value> = [
                "request_id",
                "feed_id",
                "model_id",
                "model_owner",
                "architecture",
                "mode",
                "input_hash",
                "deadline",
            ]
            .iter()
            .filter_map(|k| {
                flat[format!("{EVENT_TYPE}.{k}")]
                    .get(i)
                    .map(|val| json!({"key": k, "value": val}))
            })
            .collect();
            out.extend(from_attributes(&attrs, height, tx_hash));
        }
    }
    Ok(WsMessage::Requests(out))
}

/// The websocket endpoint of a CometBFT RPC address (`http://host:port` -> `ws://host:port/websocket`).
pub fn websocket_url(rpc: &str) -> String {
    let rpc = rpc.trim_end_matches('/');
    let rest = rpc
        .strip_prefix("http://")
        .or_else(|| rpc.strip_prefix("tcp://"))
        .map(|r| ("ws://", r))
        .or_else(|| rpc.strip_prefix("https://").map(|r| ("wss://", r)))
        .or_else(|| rpc.strip_prefix("ws://").map(|r| ("ws://", r)))
        .or_else(|| rpc.strip_prefix("wss://").map(|r| ("wss://", r)))
        .unwrap_or(("ws://", rpc));
    let host = rest.1.trim_end_matches("/websocket");
    format!("{}{host}/websocket", rest.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v0.38 `tm.event='Tx'` message as CometBFT sends it (the shape of tendermint-rs's
    /// `kvstore_fixtures/v0_38/incoming/subscribe_txs_0.json`), carrying two requests of a
    /// two-message transaction plus the SDK's own events.
    const TX_EVENT: &str = r#"{
      "jsonrpc": "2.0",
      "id": 1,
      "result": {
        "query": "tm.event='Tx' AND inference_request.model_id EXISTS",
        "data": {
          "type": "tendermint/event/Tx",
          "value": {
            "TxResult": {
              "height": "243",
              "index": 1,
              "tx": "CpIBCo8BCiMvaW5mZXJjaGFpbi5pbmZlcmVuY2UudjEuTXNnUmVxdWVzdA==",
              "result": {
                "data": "EiYKJC9pbmZlcmNoYWluLmluZmVyZW5jZS52MS5Nc2dSZXF1ZXN0",
                "log": "",
                "gas_wanted": "200000",
                "gas_used": "91234",
                "events": [
                  {"type": "tx", "attributes": [
                    {"key": "fee", "value": "5000uspec", "index": true},
                    {"key": "fee_payer", "value": "infer1consumer", "index": true}]},
                  {"type": "message", "attributes": [
                    {"key": "action", "value": "/inferchain.inference.v1.MsgRequestInference", "index": true}]},
                  {"type": "inference_request", "attributes": [
                    {"key": "request_id", "value": "7", "index": true},
                    {"key": "feed_id", "value": "2", "index": true},
                    {"key": "model_id", "value": "3", "index": true},
                    {"key": "model_owner", "value": "infer1owner", "index": true},
                    {"key": "architecture", "value": "mlp-16-32-16-1", "index": true},
                    {"key": "mode", "value": "private", "index": true},
                    {"key": "input_hash", "value": "00ff", "index": true},
                    {"key": "deadline", "value": "253", "index": true}]},
                  {"type": "inference_request", "attributes": [
                    {"key": "request_id", "value": "8", "index": true},
                    {"key": "feed_id", "value": "2", "index": true},
                    {"key": "model_id", "value": "4", "index": true},
                    {"key": "model_owner", "value": "infer1other", "index": true},
                    {"key": "architecture", "value": "mlp-16-32-16-1", "index": true},
                    {"key": "mode", "value": "public", "index": true},
                    {"key": "input_hash", "value": "11ee", "index": true},
                    {"key": "deadline", "value": "254", "index": true}]}
                ]
              }
            }
          }
        },
        "events": {
          "inference_request.request_id": ["7", "8"],
          "inference_request.feed_id": ["2", "2"],
          "inference_request.model_id": ["3", "4"],
          "inference_request.model_owner": ["infer1owner", "infer1other"],
          "inference_request.architecture": ["mlp-16-32-16-1", "mlp-16-32-16-1"],
          "inference_request.mode": ["private", "public"],
          "inference_request.input_hash": ["00ff", "11ee"],
          "inference_request.deadline": ["253", "254"],
          "message.action": ["/inferchain.inference.v1.MsgRequestInference"],
          "tm.event": ["Tx"],
          "tx.fee": ["5000uspec"],
          "tx.hash": ["FCB86F71C4EFF43E13C51FA12791F6DD1DDB8600A51131BE2289614D6882F6BE"],
          "tx.height": ["243"]
        }
      }
    }"#;

    fn want() -> Vec<RequestEvent> {
        let hash = Some("FCB86F71C4EFF43E13C51FA12791F6DD1DDB8600A51131BE2289614D6882F6BE".into());
        vec![
            RequestEvent {
                request_id: 7,
                feed_id: 2,
                model_id: 3,
                model_owner: "infer1owner".into(),
                architecture: "mlp-16-32-16-1".into(),
                mode: "private".into(),
                input_hash: "00ff".into(),
                deadline: 253,
                height: 243,
                tx_hash: hash.clone(),
            },
            RequestEvent {
                request_id: 8,
                feed_id: 2,
                model_id: 4,
                model_owner: "infer1other".into(),
                architecture: "mlp-16-32-16-1".into(),
                mode: "public".into(),
                input_hash: "11ee".into(),
                deadline: 254,
                height: 243,
                tx_hash: hash,
            },
        ]
    }

    #[test]
    fn reads_inference_requests_of_a_v038_tx_event() {
        assert_eq!(parse(TX_EVENT).unwrap(), WsMessage::Requests(want()));
    }

    #[test]
    fn falls_back_to_the_flattened_event_map() {
        let mut v: Value = serde_json::from_str(TX_EVENT).unwrap();
        v["result"]["data"]["value"]["TxResult"]["result"]
            .as_object_mut()
            .unwrap()
            .remove("events");
        assert_eq!(parse(&v.to_string()).unwrap(), WsMessage::Requests(want()));
    }

    #[test]
    fn a_failed_tx_makes_no_requests() {
        let mut v: Value = serde_json::from_str(TX_EVENT).unwrap();
        v["result"]["data"]["value"]["TxResult"]["result"]["code"] = json!(5);
        assert_eq!(parse(&v.to_string()).unwrap(), WsMessage::Requests(vec![]));
    }

    #[test]
    fn subscription_answer_errors_and_other_events() {
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","id":1,"result":{}}"#).unwrap(),
            WsMessage::Subscribed
        );
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal error","data":"subscription was cancelled (reason: client is not pulling messages fast enough)"}}"#).unwrap(),
            WsMessage::Error("Internal error subscription was cancelled (reason: client is not pulling messages fast enough)".into())
        );
        let block = r#"{"jsonrpc":"2.0","id":1,"result":{"query":"tm.event='NewBlock'","data":{"type":"tendermint/event/NewBlock","value":{}},"events":{}}}"#;
        assert_eq!(parse(block).unwrap(), WsMessage::Other);
        assert!(parse("not json").is_err());
        let sub: Value = serde_json::from_str(&subscribe_request(1, SUBSCRIBE_QUERY)).unwrap();
        assert_eq!(sub["method"], "subscribe");
        assert_eq!(sub["params"]["query"], SUBSCRIBE_QUERY);
    }

    #[test]
    fn websocket_urls() {
        assert_eq!(
            websocket_url("http://127.0.0.1:26657"),
            "ws://127.0.0.1:26657/websocket"
        );
        assert_eq!(
            websocket_url("tcp://127.0.0.1:26657/"),
            "ws://127.0.0.1:26657/websocket"
        );
        assert_eq!(
            websocket_url("https://rpc.example:443"),
            "wss://rpc.example:443/websocket"
        );
        assert_eq!(websocket_url("ws://h:1/websocket"), "ws://h:1/websocket");
    }
}
