//! The challenge's sequel on the same four validators: an inference feed on its winners, a
//! lending pool as the consumer contract, the prover sidecar proving and fulfilling, the fees
//! reconciled to the uspec, a missed SLA (sidecar stopped: refund, slash, reputation, timeout
//! callback), the sidecar killed with `kill -9` mid-work and restarted (each request
//! fulfilled once), and every validator on the same app hash.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use inferchain_e2e::{attr, Localnet, CHAIN_ID};
use serde_json::{json, Value};

use super::{ok, smart, tx, Modeler};

const FEE: u128 = 1_000;
const FEED_DEPOSIT: u128 = 100_000;
const LIQUIDITY: u128 = 20_000_000;
const SLA: u64 = 15;
const METRICS: &str = "127.0.0.1:19464";

fn q(net: &Localnet, args: &[&str]) -> Value {
    let rpc = net.rpc(0);
    let mut full: Vec<&str> = vec!["query", "inference"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--node", &rpc, "-o", "json"]);
    net.cli_json(&full).unwrap()
}

fn request(net: &Localnet, id: u64) -> Value {
    q(net, &["request", &id.to_string()])["request"].clone()
}

fn num(v: &Value) -> u128 {
    v.as_str()
        .map(|s| s.parse().unwrap())
        .unwrap_or_else(|| v.as_u64().unwrap() as u128)
}

/// Polls `f` every 300 ms until it returns `Some`, failing after `secs`.
async fn poll<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// One metric's value from the sidecar's /metrics (0 when absent or unreachable).
fn metric(name: &str) -> f64 {
    let out = Command::new("curl")
        .args(["-sf", &format!("http://{METRICS}/metrics")])
        .output();
    let Ok(out) = out else { return 0.0 };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn start_sidecar(net: &Localnet, models: &[&Path], state: &Path, log: &Path) -> Child {
    let mut cmd = Command::new("inferchain-prover");
    cmd.arg("serve")
        .args([
            "--chain",
            &net.rpc(0),
            "--key",
            "operator",
            "--chain-id",
            CHAIN_ID,
        ])
        .arg("--home")
        .arg(net.home(0))
        .arg("--state-dir")
        .arg(state)
        .args(["--metrics", METRICS]);
    for m in models {
        cmd.arg("--model").arg(m);
    }
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    cmd.stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("inferchain-prover runs (source localnet/env.sh)")
}

fn kill9(child: &mut Child) {
    Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status()
        .unwrap();
    let _ = child.wait();
}

/// The feed flow; `winners` are the challenge's modelers best first.
pub async fn inference_feed_on_the_winners(
    net: &Localnet,
    work: &Path,
    challenge_id: u64,
    modelers: &[&Modeler],
    model_dirs: &[std::path::PathBuf],
    deployed: &Value,
) {
    let addr = |n: &str| deployed[n]["address"].as_str().unwrap().to_string();
    let (lending, staking, reputation) = (addr("lending"), addr("staking"), addr("reputation"));
    let rpc0 = net.rpc(0);

    // A prover operator: its own key, authorized by each winner for its model.
    let operator = net
        .cli_json(&["keys", "add", "operator", "--output", "json"])
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        tx(
            net,
            0,
            "faucet",
            &["bank", "send", "faucet", &operator, "50000000uspec"],
        ),
        "fund the operator",
    );
    for m in modelers {
        let r = tx(
            net,
            0,
            m.key,
            &[
                "inference",
                "set-operator",
                &m.model_id.to_string(),
                &operator,
            ],
        );
        ok(r, "set-operator");
    }

    // The feed: the challenge's winners in turn, public proofs, the pool as its callback.
    let r = ok(
        tx(
            net,
            0,
            "faucet",
            &[
                "inference",
                "create-feed",
                "--challenge",
                &challenge_id.to_string(),
                "--sla-blocks",
                &SLA.to_string(),
                "--fee",
                &FEE.to_string(),
                "--mode",
                "public",
                "--callback",
                &lending,
                "--deposit",
                &FEED_DEPOSIT.to_string(),
            ],
        ),
        "create-feed",
    );
    let feed_id: u64 = attr(&r, "create_feed", "feed_id").unwrap().parse().unwrap();
    let feed = q(net, &["feed", &feed_id.to_string()])["feed"].clone();
    let winner_ids: Vec<String> = modelers.iter().map(|m| m.model_id.to_string()).collect();
    assert_eq!(
        feed["model_ids"],
        json!(winner_ids),
        "winners best first: {feed}"
    );
    ok(
        tx(
            net,
            0,
            "faucet",
            &[
                "wasm",
                "execute",
                &lending,
                &json!({"update_config": {"inference_feed_id": feed_id}}).to_string(),
            ],
        ),
        "name the feed",
    );
    ok(
        tx(
            net,
            0,
            "faucet",
            &[
                "wasm",
                "execute",
                &lending,
                r#"{"deposit":{}}"#,
                "--amount",
                &format!("{LIQUIDITY}uspec"),
            ],
        ),
        "liquidity",
    );

    // The sidecar holds the three models and the operator key.
    let state = work.join("sidecar");
    let log = work.join("sidecar.log");
    let dirs: Vec<&Path> = model_dirs.iter().map(|p| p.as_path()).collect();
    let mut sidecar = start_sidecar(net, &dirs, &state, &log);
    poll(120, "the sidecar's metrics", || {
        Command::new("curl")
            .args([
                "-sf",
                "-o",
                "/dev/null",
                &format!("http://{METRICS}/metrics"),
            ])
            .status()
            .ok()
            .filter(|s| s.success())
    })
    .await;

    // A borrower asks for a credit line: the pool requests an inference for its features.
    let borrower = "bob";
    let features: Vec<i64> = (0..16).map(|i| (i * 29 % 200) - 100).collect();
    let escrow0 = q(net, &["escrow"]);
    let owner0 = net.balance(0, &modelers[0].address).await.unwrap();
    let r = ok(
        tx(
            net,
            0,
            borrower,
            &[
                "wasm",
                "execute",
                &lending,
                &json!({"request_credit_line": {"features": features}}).to_string(),
            ],
        ),
        "request_credit_line",
    );
    let request_id: u64 = attr(&r, "inference_request", "request_id")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        attr(&r, "inference_request", "model_id").unwrap(),
        modelers[0].model_id.to_string(),
        "the first request goes to the winner"
    );
    let requested_at: u64 = r["height"].as_str().unwrap().parse().unwrap();
    let started = Instant::now();
    let done = poll(120, "the sidecar's fulfilment", || {
        let req = request(net, request_id);
        (req["status"] != "pending").then_some(req)
    })
    .await;
    let latency = started.elapsed();
    assert_eq!(done["status"], "fulfilled", "{done}");
    let resolved: u64 = done["resolved_height"].as_str().unwrap().parse().unwrap();
    assert!(resolved <= requested_at + SLA, "within the SLA: {done}");
    assert_eq!(done["fulfiller"], operator.as_str());
    assert_eq!(done["callback_result"], "ok", "{done}");
    eprintln!(
        "bench: request -> verified result in {} blocks, {:.1} s (sidecar proving live)",
        resolved - requested_at,
        latency.as_secs_f64()
    );
    // The callback set the credit line from the proven output.
    let line = smart(
        net,
        &lending,
        json!({"credit_line": {"borrower": net.cli_json(&["keys", "show", borrower, "--output", "json"]).unwrap()["address"]}}),
    );
    assert_eq!(line["score"]["proof_hash"], done["proof_hash"], "{line}");
    assert_eq!(line["score"]["logit"], done["output"][0], "{line}");
    assert!(
        line["pending"].is_null() || line["pending"] == false,
        "{line}"
    );

    // Fees reconcile: the fee left the deposit and went modeler + validators + treasury.
    let split = |k: &str| {
        num(&json!(attr_in_block(
            net,
            resolved,
            "inference_fulfilled",
            k
        )))
    };
    let (m, v, t) = (
        split("modeler_share"),
        split("validator_share"),
        split("treasury_share"),
    );
    assert_eq!(m + v + t, FEE);
    assert_eq!(
        net.balance(0, &modelers[0].address).await.unwrap(),
        owner0 + m,
        "the owner (not the operator) earns the modeler share"
    );
    let escrow1 = q(net, &["escrow"]);
    assert_eq!(num(&escrow1["deposits"]), num(&escrow0["deposits"]) - FEE);
    assert_eq!(num(&escrow1["pending_fees"]), 0);
    assert_eq!(num(&escrow1["balance"]), num(&escrow1["deposits"]));

    // kill -9 the sidecar while it works on a request (as soon as it has seen it: a public
    // proof takes ~0.2 s, so this lands mid-proof or mid-submission); restarted, it fulfils
    // the request exactly once.
    let seen0 = metric("inferchain_prover_requests_seen_total");
    let r = ok(
        tx(
            net,
            0,
            "faucet",
            &[
                "inference",
                "request",
                &feed_id.to_string(),
                "--input",
                &features_csv(&features),
            ],
        ),
        "request 2",
    );
    let second: u64 = attr(&r, "inference_request", "request_id")
        .unwrap()
        .parse()
        .unwrap();
    poll(60, "the sidecar to see request 2", || {
        (metric("inferchain_prover_requests_seen_total") > seen0).then_some(())
    })
    .await;
    kill9(&mut sidecar);
    let mut sidecar = start_sidecar(net, &dirs, &state, &log);
    let done2 = poll(120, "request 2 after the restart", || {
        let req = request(net, second);
        (req["status"] != "pending").then_some(req)
    })
    .await;
    assert_eq!(done2["status"], "fulfilled", "{done2}");
    // CometBFT indexes a block's transactions after it commits the block: the state can say
    // "fulfilled" a moment before tx_search finds the transaction. Wait for the index, then
    // count (a second fulfilment would be in the same or an earlier block).
    poll(30, "the fulfilment in the tx index", || {
        (fulfil_txs(net, second) >= 1).then_some(())
    })
    .await;
    let fulfilments = fulfil_txs(net, second);
    assert_eq!(
        fulfilments, 1,
        "request {second} fulfilled by exactly one transaction"
    );

    // The sidecar stopped: the next request misses its SLA.
    kill9(&mut sidecar);
    let assigned = &modelers[(third_slot(feed_id, net)) % modelers.len()];
    let stake0 = num(&smart(
        net,
        &staking,
        json!({"stake": {"address": assigned.address}}),
    )["stake"]["bonded"]);
    let rep0 = smart(
        net,
        &reputation,
        json!({"reputation": {"address": assigned.address}}),
    );
    let r = ok(
        tx(
            net,
            0,
            "carol",
            &[
                "wasm",
                "execute",
                &lending,
                &json!({"request_credit_line": {"features": features}}).to_string(),
            ],
        ),
        "request 3",
    );
    let third: u64 = attr(&r, "inference_request", "request_id")
        .unwrap()
        .parse()
        .unwrap();
    let missed = poll(60, "the SLA to run out", || {
        let req = request(net, third);
        (req["status"] != "pending").then_some(req)
    })
    .await;
    assert_eq!(missed["status"], "timed_out", "{missed}");
    assert_eq!(
        missed["callback_result"], "ok",
        "the pool took the timeout: {missed}"
    );
    let stake1 = num(&smart(
        net,
        &staking,
        json!({"stake": {"address": assigned.address}}),
    )["stake"]["bonded"]);
    assert_eq!(stake1, stake0 - stake0 / 100, "slashed 1%");
    let rep1 = smart(
        net,
        &reputation,
        json!({"reputation": {"address": assigned.address}}),
    );
    assert_eq!(
        rep1["reputation"]["slashes"].as_u64().unwrap(),
        rep0["reputation"]["slashes"].as_u64().unwrap() + 1,
        "{rep1}"
    );
    let carol = net
        .cli_json(&["keys", "show", "carol", "--output", "json"])
        .unwrap()["address"]
        .clone();
    let line = smart(net, &lending, json!({"credit_line": {"borrower": carol}}));
    assert_eq!(
        line["last_outcome"]["timed_out"]["request_id"], third,
        "the pool released the request: {line}"
    );
    let escrow2 = q(net, &["escrow"]);
    assert_eq!(num(&escrow2["pending_fees"]), 0, "refunded: {escrow2}");

    // Closing the feed empties the escrow of it.
    let before = q(net, &["escrow"]);
    let feed = q(net, &["feed", &feed_id.to_string()])["feed"].clone();
    ok(
        tx(
            net,
            0,
            "faucet",
            &["inference", "close-feed", &feed_id.to_string()],
        ),
        "close-feed",
    );
    let after = q(net, &["escrow"]);
    assert_eq!(
        num(&after["balance"]),
        num(&before["balance"]) - num(&feed["deposit"])
    );
    assert_eq!(
        num(&after["balance"]),
        num(&after["deposits"]) + num(&after["pending_fees"])
    );
    let _ = rpc0;
}

fn features_csv(f: &[i64]) -> String {
    f.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The model slot the next request on `feed_id` takes (requests are assigned in turn).
fn third_slot(feed_id: u64, net: &Localnet) -> usize {
    let feed = q(net, &["feed", &feed_id.to_string()])["feed"].clone();
    feed["requests"].as_str().unwrap().parse::<usize>().unwrap()
}

/// An attribute of an event of block `height`'s transactions.
fn attr_in_block(net: &Localnet, height: u64, kind: &str, key: &str) -> String {
    let out = Command::new("curl")
        .args([
            "-sf",
            &format!(
                "{}/block_results?height={height}",
                net.rpc(0).replace("tcp://", "http://")
            ),
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["result"]["txs_results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["events"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["type"] == kind)
        .flat_map(|e| e["attributes"].as_array().cloned().unwrap_or_default())
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"].as_str().map(String::from))
        .unwrap_or_else(|| panic!("no {kind}.{key} in block {height}"))
}

/// How many committed transactions fulfilled request `id` (CometBFT's tx index).
fn fulfil_txs(net: &Localnet, id: u64) -> usize {
    let query = format!("\"inference_fulfilled.request_id={id}\"");
    let out = Command::new("curl")
        .args([
            "-sfG",
            &format!("{}/tx_search", net.rpc(0).replace("tcp://", "http://")),
            "--data-urlencode",
            &format!("query={query}"),
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["result"]["total_count"]
        .as_str()
        .unwrap_or("0")
        .parse()
        .unwrap()
}
