//! The chain sidecar (`serve --chain`), in process:
//!
//! * proofs of a request for a trained mlp-16-32-16-1 verify against `request_binding`
//!   (single, in both modes, and an aggregate of two requests);
//! * the daemon against a mock CometBFT node (JSON-RPC over HTTP + the `/websocket`
//!   subscription, answering the inference module's ABCI queries and verifying every proof
//!   it is sent): it answers a request pending before it started (the startup scan), two
//!   requests of one block in one aggregate, and after being killed with a fulfilment in the
//!   mempool it looks the transaction up instead of proving or submitting again; a journal
//!   entry written just before a crash (signed, never broadcast) is finished by
//!   rebroadcasting the very same bytes.
//!
//! `cargo test --release --workspace --test sidecar`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountResponse};
use cosmos_sdk_proto::cosmos::base::abci::v1beta1::GasInfo;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    AuthInfo, Fee, SimulateRequest, SimulateResponse, TxBody, TxRaw,
};
use futures_util::{SinkExt, StreamExt};
use inferchain_app::client::Client;
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_prover::dataset;
use inferchain_prover::model::{self, TrainConfig};
use inferchain_prover::quantize::{quantize_input, quantize_model};
use inferchain_prover::sidecar::{self, fulfil, journal, plan::Job};
use inferchain_verifier::{self as v, ArchSpec, InferenceClaim, Mode, QuantModel};
use prost::Message;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message as WsMsg;

const ARCH: &str = "mlp-16-32-16-1";
const CHAIN: &str = "sidecar-test-1";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn trained() -> (QuantModel, Vec<Vec<i64>>) {
    let spec = ArchSpec::parse(ARCH).unwrap();
    let ds = dataset::generate(dataset::DEFAULT_SEED, 1500, spec.input_len());
    let (x, y) = ds.train();
    let cfg = TrainConfig {
        epochs: 4,
        ..TrainConfig::default()
    };
    let m = model::train(&spec, x, y, &cfg, |_, _| {}).unwrap();
    let (q, _) = quantize_model(&m.export(&spec).unwrap());
    let (tx, _) = ds.test();
    let inputs = tx[..8].iter().map(|r| quantize_input(r)).collect();
    (q, inputs)
}

fn job(id: u64, mode: Mode, input: &[i64], deadline: u64) -> Job {
    Job {
        request_id: id,
        model_id: 1,
        architecture: ARCH.into(),
        mode,
        input: input.to_vec(),
        input_hash: v::input_hash(input).to_hex(),
        deadline,
    }
}

#[test]
fn proofs_of_a_request_verify_against_its_binding() {
    let (q, inputs) = trained();
    let arch = ArchSpec::parse(ARCH).unwrap();
    let commitment = q.commitment().unwrap();
    for mode in [Mode::Private, Mode::Public] {
        let j = job(42, mode, &inputs[0], 100);
        let p = fulfil::prove_single(&q, &j, mode, CHAIN).unwrap();
        assert_eq!(p.proof.output, q.infer(&inputs[0]).unwrap());
        let h = v::input_hash(&inputs[0]);
        let ok = v::verify_inference(
            &arch,
            mode,
            &p.proof.bytes,
            &commitment,
            &h,
            &p.proof.output,
            &v::request_binding(CHAIN, 42),
        )
        .unwrap();
        assert_eq!(ok.mode, mode);
        // Bound to this request on this chain only.
        for other in [
            v::request_binding(CHAIN, 43),
            v::request_binding("other-chain", 42),
        ] {
            assert!(v::verify_inference(
                &arch,
                mode,
                &p.proof.bytes,
                &commitment,
                &h,
                &p.proof.output,
                &other
            )
            .is_err());
        }
        let msg = fulfil::single_msg("infer1me", &p);
        assert_eq!(
            (msg.request_id, msg.output.clone(), msg.proof.len()),
            (42, p.proof.output.clone(), p.proof.bytes.len())
        );
    }
    // A request whose input hash is not the chain's is refused before proving.
    let mut bad = job(44, Mode::Public, &inputs[0], 100);
    bad.input_hash = v::input_hash(&inputs[1]).to_hex();
    assert!(fulfil::prove_single(&q, &bad, Mode::Public, CHAIN).is_err());

    // Two requests in one aggregate, each claim bound to its own request, in order.
    let jobs = [
        job(7, Mode::Private, &inputs[1], 100),
        job(8, Mode::Public, &inputs[2], 100),
    ];
    let agg = fulfil::prove_aggregate(&[&q, &q], &jobs, CHAIN).unwrap();
    let claims: Vec<InferenceClaim> = jobs
        .iter()
        .zip(&agg.outputs)
        .map(|(j, o)| InferenceClaim {
            commitment,
            input_hash: v::input_hash(&j.input),
            output: o.clone(),
            binding: v::request_binding(CHAIN, j.request_id),
        })
        .collect();
    v::verify_aggregate(&arch, &agg.proof, &claims).unwrap();
    let swapped = vec![claims[1].clone(), claims[0].clone()];
    assert!(v::verify_aggregate(&arch, &agg.proof, &swapped).is_err());
    let msg = fulfil::aggregate_msg("infer1me", &agg);
    assert_eq!(msg.request_ids, vec![7, 8]);
    assert_eq!(msg.outputs[1].values, q.infer(&inputs[2]).unwrap());
}

// ---------------------------------------------------------------------------------------
// A mock CometBFT node with the inference module's queries.

#[derive(Default)]
struct ChainState {
    height: u64,
    models: Vec<pb::Model>,
    feeds: BTreeMap<u64, pb::Feed>,
    requests: BTreeMap<u64, pb::InferenceRequest>,
    /// Committed and mempool ("check") sequences of the sidecar's account.
    committed_seq: u64,
    check_seq: u64,
    /// Hold accepted txs in the "mempool" instead of including them at once.
    hold: bool,
    /// Refuse aggregates in simulation (as a chain that wants single proofs would).
    refuse_aggregates: bool,
    /// Simulate without checking the sequence (so that CheckTx is what refuses it).
    lax_simulate: bool,
    mempool: Vec<(String, Vec<u8>)>,
    /// tx hash -> (height, code, log).
    included: BTreeMap<String, (u64, u32, String)>,
    /// Every broadcast received: (hash, request ids).
    broadcasts: Vec<(String, Vec<u64>)>,
    /// Fulfilments applied per request.
    fulfilled: BTreeMap<u64, u32>,
    /// Fulfilments refused because the request was not pending (a second submission).
    refused_not_pending: u32,
    commitment: String,
}

type Shared = Arc<Mutex<ChainState>>;

fn tx_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode_upper(sha2::Sha256::digest(bytes))
}

/// Applies a transaction's fulfilments (verifying each proof as the chain would).
fn execute(st: &mut ChainState, bytes: &[u8]) -> (u32, String) {
    let raw = TxRaw::decode(bytes).unwrap();
    let body = TxBody::decode(raw.body_bytes.as_slice()).unwrap();
    let arch = ArchSpec::parse(ARCH).unwrap();
    let commitment = v::Digest::from_hex(&st.commitment).unwrap();
    for any in body.messages {
        let ids: Vec<u64>;
        let verdict = match any.type_url.as_str() {
            "/inferchain.inference.v1.MsgFulfillInference" => {
                let m = pb::MsgFulfillInference::decode(any.value.as_slice()).unwrap();
                ids = vec![m.request_id];
                let r = st.requests[&m.request_id].clone();
                let mode: Mode = st.feeds[&r.feed_id].mode.parse().unwrap();
                v::verify_inference(
                    &arch,
                    mode,
                    &m.proof,
                    &commitment,
                    &v::Digest::from_hex(&r.input_hash).unwrap(),
                    &m.output,
                    &v::request_binding(CHAIN, m.request_id),
                )
                .map(|_| vec![m.output])
            }
            "/inferchain.inference.v1.MsgFulfillInferences" => {
                let m = pb::MsgFulfillInferences::decode(any.value.as_slice()).unwrap();
                ids = m.request_ids.clone();
                let claims: Vec<InferenceClaim> = m
                    .request_ids
                    .iter()
                    .zip(&m.outputs)
                    .map(|(id, o)| InferenceClaim {
                        commitment,
                        input_hash: v::Digest::from_hex(&st.requests[id].input_hash).unwrap(),
                        output: o.values.clone(),
                        binding: v::request_binding(CHAIN, *id),
                    })
                    .collect();
                v::verify_aggregate(&arch, &m.proof, &claims)
                    .map(|_| m.outputs.iter().map(|o| o.values.clone()).collect())
            }
            other => return (6, format!("unknown message {other}")),
        };
        let outputs = match verdict {
            Ok(o) => o,
            Err(e) => return (8, format!("invalid proof: {e}")),
        };
        if ids.iter().any(|id| st.requests[id].status != "pending") {
            st.refused_not_pending += 1;
            return (7, "request is not pending".into());
        }
        for (id, out) in ids.iter().zip(outputs) {
            let r = st.requests.get_mut(id).unwrap();
            r.status = "fulfilled".into();
            r.output = out;
            *st.fulfilled.entry(*id).or_default() += 1;
        }
    }
    (0, String::new())
}

fn include(st: &mut ChainState, hash: String, bytes: &[u8]) {
    st.height += 1;
    let (code, log) = execute(st, bytes);
    st.committed_seq += 1;
    let h = st.height;
    st.included.insert(hash, (h, code, log));
}

fn abci(st: &ChainState, path: &str, data: &[u8]) -> Result<Vec<u8>, (u32, String)> {
    Ok(match path {
        "/cosmos.auth.v1beta1.Query/Account" => QueryAccountResponse {
            account: Some(tendermint_proto::google::protobuf::Any {
                type_url: "/cosmos.auth.v1beta1.BaseAccount".into(),
                value: BaseAccount {
                    address: String::new(),
                    pub_key: None,
                    account_number: 3,
                    sequence: st.committed_seq,
                }
                .encode_to_vec(),
            }),
        }
        .encode_to_vec(),
        "/cosmos.tx.v1beta1.Service/Simulate"
            if st.refuse_aggregates && {
                let q = SimulateRequest::decode(data).unwrap();
                let raw = TxRaw::decode(q.tx_bytes.as_slice()).unwrap();
                let body = TxBody::decode(raw.body_bytes.as_slice()).unwrap();
                body.messages
                    .iter()
                    .any(|m| m.type_url.ends_with("MsgFulfillInferences"))
            } =>
        {
            return Err((9, "aggregates are not accepted here".into()))
        }
        "/cosmos.tx.v1beta1.Service/Simulate"
            if !st.lax_simulate && {
                let q = SimulateRequest::decode(data).unwrap();
                let raw = TxRaw::decode(q.tx_bytes.as_slice()).unwrap();
                let auth = AuthInfo::decode(raw.auth_info_bytes.as_slice()).unwrap();
                auth.signer_infos[0].sequence != st.check_seq
            } =>
        {
            // As the node answers: code 1, the SDK's message.
            return Err((1, format!(
                "rpc error: code = Internal desc = account sequence mismatch, expected {}, got ?: incorrect account sequence [codespace sdk code 32]",
                st.check_seq
            )));
        }
        "/cosmos.tx.v1beta1.Service/Simulate" => SimulateResponse {
            gas_info: Some(GasInfo {
                gas_wanted: 0,
                gas_used: 150_000,
            }),
            result: None,
        }
        .encode_to_vec(),
        "/inferchain.inference.v1.Query/Models" => pb::QueryModelsResponse {
            models: st.models.clone(),
            next: 0,
        }
        .encode_to_vec(),
        "/inferchain.inference.v1.Query/Architecture" => {
            let c = |kind: &str, mode: &str, rows| pb::Circuit {
                kind: kind.into(),
                mode: mode.into(),
                rows,
                ..Default::default()
            };
            pb::QueryArchitectureResponse {
                architecture: Some(pb::Architecture {
                    name: ARCH.into(),
                    circuits: vec![
                        c("inference", "public", 0),
                        c("inference", "private", 0),
                        c("aggregate", "private", 2),
                    ],
                }),
            }
            .encode_to_vec()
        }
        "/inferchain.inference.v1.Query/Request" => {
            let q = pb::QueryRequestRequest::decode(data).unwrap();
            match st.requests.get(&q.id) {
                Some(r) => pb::QueryRequestResponse {
                    request: Some(r.clone()),
                }
                .encode_to_vec(),
                None => return Err((22, "request not found".into())),
            }
        }
        "/inferchain.inference.v1.Query/Requests" => {
            let q = pb::QueryRequestsRequest::decode(data).unwrap();
            pb::QueryRequestsResponse {
                requests: st
                    .requests
                    .values()
                    .filter(|r| q.model_id == 0 || r.model_id == q.model_id)
                    .filter(|r| q.status.is_empty() || r.status == q.status)
                    .cloned()
                    .collect(),
                next: 0,
            }
            .encode_to_vec()
        }
        "/inferchain.inference.v1.Query/Feed" => {
            let q = pb::QueryFeedRequest::decode(data).unwrap();
            pb::QueryFeedResponse {
                feed: st.feeds.get(&q.id).cloned(),
            }
            .encode_to_vec()
        }
        other => return Err((6, format!("unknown query {other}"))),
    })
}

fn rpc(st: &Shared, body: &Value) -> Value {
    let p = &body["params"];
    let mut st = st.lock().unwrap();
    let result = match body["method"].as_str().unwrap_or_default() {
        "status" => json!({"node_info": {"network": CHAIN},
                           "sync_info": {"latest_block_height": st.height.to_string()}}),
        "abci_query" => {
            let data = hex::decode(p["data"].as_str().unwrap_or_default()).unwrap();
            match abci(&st, p["path"].as_str().unwrap(), &data) {
                Ok(v) => json!({"response": {"code": 0, "log": "", "value": B64.encode(v),
                                             "height": st.height.to_string()}}),
                Err((code, log)) => json!({"response": {"code": code, "log": log}}),
            }
        }
        "broadcast_tx_sync" => {
            let bytes = B64.decode(p["tx"].as_str().unwrap()).unwrap();
            let hash = tx_hash(&bytes);
            let body_ids = fulfilment_ids(&bytes);
            st.broadcasts.push((hash.clone(), body_ids));
            if st.included.contains_key(&hash) || st.mempool.iter().any(|(h, _)| *h == hash) {
                return json!({"jsonrpc": "2.0", "id": body["id"], "error":
                    {"code": -32603, "message": "Internal error", "data": "tx already exists in cache"}});
            }
            let raw = TxRaw::decode(bytes.as_slice()).unwrap();
            let auth = AuthInfo::decode(raw.auth_info_bytes.as_slice()).unwrap();
            let seq = auth.signer_infos[0].sequence;
            if seq != st.check_seq {
                let log = format!(
                    "account sequence mismatch, expected {}, got {seq}: incorrect account sequence",
                    st.check_seq
                );
                json!({"code": 32, "log": log, "codespace": "sdk", "hash": hash})
            } else {
                st.check_seq += 1;
                if st.hold {
                    st.mempool.push((hash.clone(), bytes));
                } else {
                    include(&mut st, hash.clone(), &bytes);
                }
                json!({"code": 0, "log": "", "codespace": "", "hash": hash})
            }
        }
        "tx" => {
            let hash = hex::encode_upper(B64.decode(p["hash"].as_str().unwrap()).unwrap());
            match st.included.get(&hash) {
                Some((h, code, log)) => json!({"hash": hash, "height": h.to_string(),
                    "tx_result": {"code": code, "log": log}}),
                None => {
                    return json!({"jsonrpc": "2.0", "id": body["id"], "error":
                        {"code": -32603, "message": "Internal error", "data": format!("tx ({hash}) not found")}})
                }
            }
        }
        other => {
            return json!({"jsonrpc": "2.0", "id": body["id"], "error":
                {"code": -32601, "message": "Method not found", "data": other}})
        }
    };
    json!({"jsonrpc": "2.0", "id": body["id"], "result": result})
}

fn fulfilment_ids(bytes: &[u8]) -> Vec<u64> {
    let raw = TxRaw::decode(bytes).unwrap();
    let body = TxBody::decode(raw.body_bytes.as_slice()).unwrap();
    let mut ids = Vec::new();
    for any in body.messages {
        if let Ok(m) = pb::MsgFulfillInference::decode(any.value.as_slice()) {
            if any.type_url.ends_with("MsgFulfillInference") {
                ids.push(m.request_id);
                continue;
            }
        }
        if let Ok(m) = pb::MsgFulfillInferences::decode(any.value.as_slice()) {
            ids.extend(m.request_ids);
        }
    }
    ids
}

struct MockNode {
    addr: SocketAddr,
    state: Shared,
    events: tokio::sync::broadcast::Sender<String>,
}

impl MockNode {
    async fn start(state: ChainState) -> MockNode {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(state));
        let (events, _) = tokio::sync::broadcast::channel(64);
        let (st, ev) = (state.clone(), events.clone());
        tokio::spawn(async move {
            loop {
                let (sock, _) = listener.accept().await.unwrap();
                let (st, ev) = (st.clone(), ev.clone());
                tokio::spawn(async move {
                    let mut peek = [0u8; 16];
                    let n = sock.peek(&mut peek).await.unwrap_or(0);
                    if peek[..n].starts_with(b"GET /websocket") {
                        serve_ws(sock, ev).await;
                    } else {
                        serve_http(sock, st).await;
                    }
                });
            }
        });
        MockNode {
            addr,
            state,
            events,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<T>(&self, f: impl FnOnce(&mut ChainState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// Adds pending requests `(id, feed, input)` in one block; their deadline is `sla`
    /// blocks later.
    fn requests(&self, reqs: &[(u64, u64, &[i64])], sla: u64) -> Vec<pb::InferenceRequest> {
        self.with(|st| {
            st.height += 1;
            reqs.iter()
                .map(|(id, feed, input)| {
                    let r = pb::InferenceRequest {
                        id: *id,
                        feed_id: *feed,
                        model_id: 1,
                        input: input.to_vec(),
                        input_hash: v::input_hash(input).to_hex(),
                        height: st.height,
                        deadline: st.height + sla,
                        status: "pending".into(),
                        ..Default::default()
                    };
                    st.requests.insert(*id, r.clone());
                    r
                })
                .collect()
        })
    }

    /// Sends one Tx event carrying `reqs`.
    fn announce(&self, reqs: &[pb::InferenceRequest]) {
        let modes: Vec<String> = self.with(|st| {
            reqs.iter()
                .map(|r| st.feeds[&r.feed_id].mode.clone())
                .collect()
        });
        let events: Vec<Value> = reqs
            .iter()
            .zip(&modes)
            .map(|(r, mode)| {
                let a = |k: &str, v: String| json!({"key": k, "value": v, "index": true});
                json!({"type": "inference_request", "attributes": [
                    a("request_id", r.id.to_string()), a("feed_id", r.feed_id.to_string()),
                    a("model_id", r.model_id.to_string()), a("model_owner", String::new()),
                    a("architecture", ARCH.into()), a("mode", mode.clone()),
                    a("input_hash", r.input_hash.clone()), a("deadline", r.deadline.to_string())]})
            })
            .collect();
        let height = reqs[0].height;
        let msg = json!({"jsonrpc": "2.0", "id": 1, "result": {
            "query": sidecar::events::SUBSCRIBE_QUERY,
            "data": {"type": "tendermint/event/Tx", "value": {"TxResult": {
                "height": height.to_string(), "tx": "", "result": {"events": events}}}},
            "events": {"tm.event": ["Tx"], "tx.height": [height.to_string()]}}});
        let _ = self.events.send(msg.to_string());
    }
}

async fn serve_http(mut sock: TcpStream, st: Shared) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let n = sock.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(split) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse().unwrap())
            .unwrap_or(0);
        if buf.len() < split + 4 + len {
            continue;
        }
        let body: Value = serde_json::from_slice(&buf[split + 4..split + 4 + len]).unwrap();
        let answer = rpc(&st, &body).to_string();
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        let _ = sock.write_all(resp.as_bytes()).await;
        let _ = sock.shutdown().await;
        return;
    }
}

async fn serve_ws(sock: TcpStream, events: tokio::sync::broadcast::Sender<String>) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(sock).await else {
        return;
    };
    let mut rx = events.subscribe();
    // The subscribe call, answered with an empty result.
    match ws.next().await {
        Some(Ok(WsMsg::Text(t))) => {
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            assert_eq!(v["method"], "subscribe");
            assert_eq!(v["params"]["query"], sidecar::events::SUBSCRIBE_QUERY);
            let ack = json!({"jsonrpc": "2.0", "id": v["id"], "result": {}});
            if ws.send(WsMsg::Text(ack.to_string().into())).await.is_err() {
                return;
            }
        }
        _ => return,
    }
    loop {
        tokio::select! {
            m = rx.recv() => match m {
                Ok(m) => if ws.send(WsMsg::Text(m.into())).await.is_err() { return },
                Err(_) => return,
            },
            r = ws.next() => if !matches!(r, Some(Ok(_))) { return },
        }
    }
}

async fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out after {secs}s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct Setup {
    home: tempfile::TempDir,
    state_dir: PathBuf,
    model_path: PathBuf,
    address: String,
    model: QuantModel,
    inputs: Vec<Vec<i64>>,
}

fn setup() -> Setup {
    // The daemon's logs, shown when a test fails.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(tracing_subscriber::EnvFilter::new("inferchain_prover=info"))
        .try_init();
    let (model, inputs) = trained();
    let home = tempfile::tempdir().unwrap();
    let mut kr = Keyring::open(home.path()).unwrap();
    let entry = kr
        .add("sidecar", &inferchain_app::keyring::new_mnemonic())
        .unwrap();
    let model_path = home.path().join("quant.json");
    std::fs::write(&model_path, serde_json::to_vec(&model).unwrap()).unwrap();
    let state_dir = home.path().join("state");
    Setup {
        state_dir,
        model_path,
        address: entry.address,
        model,
        inputs,
        home,
    }
}

fn chain_for(s: &Setup) -> ChainState {
    let commitment = s.model.commitment().unwrap().to_hex();
    let feed = |id, mode: &str| {
        (
            id,
            pb::Feed {
                id,
                mode: mode.into(),
                architecture: ARCH.into(),
                ..Default::default()
            },
        )
    };
    ChainState {
        height: 10,
        models: vec![
            pb::Model {
                id: 1,
                owner: "infer1someoneelse".into(),
                operator: s.address.clone(),
                commitment: commitment.clone(),
                architecture: ARCH.into(),
                ..Default::default()
            },
            // Same weights registered by someone else without us as operator: not ours.
            pb::Model {
                id: 2,
                owner: "infer1copycat".into(),
                commitment: commitment.clone(),
                architecture: ARCH.into(),
                ..Default::default()
            },
        ],
        feeds: BTreeMap::from([feed(1, "public"), feed(2, "private")]),
        commitment,
        ..Default::default()
    }
}

fn config(s: &Setup, node: &MockNode, metrics: Option<SocketAddr>) -> sidecar::Config {
    sidecar::Config {
        node: node.url(),
        chain_id: Some(CHAIN.into()),
        key: "sidecar".into(),
        home: s.home.path().to_path_buf(),
        models: vec![(s.model_path.clone(), s.model.clone())],
        state_dir: s.state_dir.clone(),
        metrics,
        max_batch: 32,
        gas_prices: "0.025uspec".into(),
        gas_adjustment: 1.4,
        scan_interval: Duration::from_secs(2),
        playground: false,
    }
}

async fn get_metrics(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in {text}"))
        .parse()
        .unwrap()
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daemon_answers_requests_aggregates_a_block_and_never_submits_twice_across_a_kill() {
    let s = setup();
    let mut chain = chain_for(&s);
    // A transaction of the key is in the mempool: the committed account says sequence 0, the
    // node's simulation wants 1 (and says so).
    chain.check_seq = 1;
    let node = MockNode::start(chain).await;
    // Pending before the sidecar starts: found by the startup scan.
    node.requests(&[(1, 1, &s.inputs[0])], 50);
    let maddr = free_port();
    let daemon = tokio::spawn(sidecar::run(
        config(&s, &node, Some(maddr)),
        std::future::pending(),
    ));
    wait_until("request 1 fulfilled", 300, || {
        node.with(|st| st.fulfilled.get(&1) == Some(&1))
    })
    .await;

    // Two requests in one block (one Tx event): one aggregate of the registered size 2.
    let block = node.requests(&[(2, 1, &s.inputs[1]), (3, 2, &s.inputs[2])], 50);
    node.announce(&block);
    wait_until("requests 2 and 3 fulfilled", 400, || {
        node.with(|st| st.fulfilled.get(&2) == Some(&1) && st.fulfilled.get(&3) == Some(&1))
    })
    .await;
    let agg = node.with(|st| st.broadcasts.iter().any(|(_, ids)| *ids == vec![2, 3]));
    assert!(agg, "2 and 3 went in one aggregate");

    // The mock applies a fulfilment before its broadcast is answered: wait for the answer.
    let start = Instant::now();
    let m = loop {
        let m = get_metrics(maddr).await;
        if metric(&m, "inferchain_prover_requests_submitted_total") >= 3.0
            || start.elapsed() > Duration::from_secs(30)
        {
            break m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(metric(&m, "inferchain_prover_requests_seen_total"), 3.0);
    assert_eq!(metric(&m, "inferchain_prover_requests_proved_total"), 3.0);
    assert_eq!(
        metric(&m, "inferchain_prover_requests_submitted_total"),
        3.0
    );
    assert_eq!(metric(&m, "inferchain_prover_requests_failed_total"), 0.0);
    assert_eq!(metric(&m, "inferchain_prover_proving_seconds_count"), 2.0);
    wait_until("fulfilments confirmed", 30, || {
        node.with(|st| st.included.len() == 2)
    })
    .await;

    // The node holds the next fulfilment in its mempool; the sidecar is killed meanwhile.
    node.with(|st| st.hold = true);
    let block = node.requests(&[(4, 2, &s.inputs[3])], 50);
    node.announce(&block);
    wait_until("request 4 broadcast", 300, || {
        node.with(|st| st.mempool.len() == 1)
    })
    .await;
    daemon.abort();
    let _ = daemon.await;
    let (hash4, bytes4) = node.with(|st| st.mempool[0].clone());
    {
        let (j, _) = journal::Journal::open(&s.state_dir).unwrap();
        assert_eq!(
            j.state(4),
            Some(&journal::RequestState::InFlight {
                tx_hash: hash4.clone()
            }),
            "journaled before it was broadcast"
        );
    }
    // The block with it is made while the sidecar is down.
    node.with(|st| {
        st.hold = false;
        st.mempool.clear();
        include(st, hash4.clone(), &bytes4);
    });
    let before = node.with(|st| st.broadcasts.len());
    let maddr2 = free_port();
    let daemon = tokio::spawn(sidecar::run(
        config(&s, &node, Some(maddr2)),
        std::future::pending(),
    ));
    wait_until("the restarted sidecar to settle tx 4", 60, || {
        let (j, _) = journal::Journal::open(&s.state_dir).unwrap();
        matches!(j.state(4), Some(journal::RequestState::Done { .. }))
    })
    .await;
    // Give it a few turns (scans every 2 s) to do anything it should not.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let m = get_metrics(maddr2).await;
    daemon.abort();
    let _ = daemon.await;
    node.with(|st| {
        assert_eq!(
            st.broadcasts.len(),
            before,
            "nothing sent after the restart"
        );
        assert_eq!(st.refused_not_pending, 0);
        for id in 1..=4 {
            assert_eq!(st.fulfilled.get(&id), Some(&1), "request {id}");
        }
    });
    assert_eq!(metric(&m, "inferchain_prover_requests_proved_total"), 0.0);
    assert_eq!(
        metric(&m, "inferchain_prover_requests_fulfilled_total"),
        1.0
    );
    assert_eq!(metric(&m, "inferchain_prover_requests_pending"), 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_journaled_before_a_crash_is_finished_with_the_same_bytes() {
    let s = setup();
    let mut chain = chain_for(&s);
    chain.hold = false;
    let node = MockNode::start(chain).await;
    let r = node.requests(&[(5, 1, &s.inputs[4])], 50).remove(0);
    // What a sidecar killed right after journaling (before broadcasting) leaves behind.
    let j = job(5, Mode::Public, &r.input, r.deadline);
    let p = fulfil::prove_single(&s.model, &j, Mode::Public, CHAIN).unwrap();
    let key = Keyring::open(s.home.path())
        .unwrap()
        .get("sidecar")
        .unwrap()
        .signing_key()
        .unwrap();
    let client = Client::new(&node.url(), CHAIN);
    let tx = client.sign(
        &key,
        vec![to_any(&fulfil::single_msg(&s.address, &p))],
        "",
        3,
        0,
        Fee {
            gas_limit: 300_000,
            ..Default::default()
        },
    );
    let hash = tx_hash(&tx);
    {
        let (mut jr, _) = journal::Journal::open(&s.state_dir).unwrap();
        jr.save_tx(&hash, &tx).unwrap();
        jr.append(journal::Record::Submitted {
            requests: vec![5],
            tx_hash: hash.clone(),
            sequence: 0,
            height: 11,
        })
        .unwrap();
    }
    // …and a torn line from the crash.
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(s.state_dir.join(journal::FILE_NAME))
            .unwrap();
        f.write_all(br#"{"v":1,"at":1,"state":"inclu"#).unwrap();
    }
    let maddr = free_port();
    let daemon = tokio::spawn(sidecar::run(
        config(&s, &node, Some(maddr)),
        std::future::pending(),
    ));
    wait_until("request 5 fulfilled", 60, || {
        node.with(|st| st.fulfilled.get(&5) == Some(&1))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let m = get_metrics(maddr).await;
    daemon.abort();
    let _ = daemon.await;
    node.with(|st| {
        assert_eq!(
            st.broadcasts,
            vec![(hash.clone(), vec![5])],
            "only the journaled bytes were sent"
        );
    });
    assert_eq!(metric(&m, "inferchain_prover_requests_proved_total"), 0.0);
    let (jr, _) = journal::Journal::open(&s.state_dir).unwrap();
    assert!(matches!(
        jr.state(5),
        Some(journal::RequestState::Done { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_aggregates_go_singly_sequences_resync_and_expired_requests_are_skipped() {
    let s = setup();
    let mut chain = chain_for(&s);
    chain.refuse_aggregates = true;
    chain.lax_simulate = true;
    // Another transaction of the key is in the mempool: CheckTx expects sequence 1 while the
    // committed account says 0.
    chain.check_seq = 1;
    let node = MockNode::start(chain).await;
    let block = node.requests(&[(6, 1, &s.inputs[5]), (7, 1, &s.inputs[6])], 50);
    // Its deadline is the block it was made in: too late for any fulfilment.
    let late = node.requests(&[(8, 1, &s.inputs[7])], 0);
    let maddr = free_port();
    let daemon = tokio::spawn(sidecar::run(
        config(&s, &node, Some(maddr)),
        std::future::pending(),
    ));
    node.announce(&block);
    node.announce(&late);
    wait_until("requests 6 and 7 fulfilled", 300, || {
        node.with(|st| st.fulfilled.get(&6) == Some(&1) && st.fulfilled.get(&7) == Some(&1))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let m = get_metrics(maddr).await;
    daemon.abort();
    let _ = daemon.await;
    node.with(|st| {
        assert!(
            st.broadcasts.iter().all(|(_, ids)| ids.len() == 1),
            "the refused aggregate was never broadcast: {:?}",
            st.broadcasts
        );
        assert!(
            st.broadcasts.iter().all(|(_, ids)| ids[0] != 8),
            "8 was never sent"
        );
        assert_eq!(st.requests[&8].status, "pending");
        // One broadcast refused for its sequence, then 6 and 7 once each.
        assert_eq!(st.broadcasts.len(), 3, "{:?}", st.broadcasts);
        assert_eq!(st.refused_not_pending, 0);
    });
    // The aggregate's public inner proofs were reused: two proofs, one proving run.
    assert_eq!(metric(&m, "inferchain_prover_requests_proved_total"), 2.0);
    assert_eq!(metric(&m, "inferchain_prover_proving_seconds_count"), 1.0);
    assert_eq!(
        metric(&m, "inferchain_prover_requests_submitted_total"),
        2.0
    );
    assert_eq!(metric(&m, "inferchain_prover_requests_failed_total"), 1.0);
    let text = std::fs::read_to_string(s.state_dir.join(journal::FILE_NAME)).unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains("\"abandoned\"") && l.contains("CheckTx code 32")),
        "{text}"
    );
}
