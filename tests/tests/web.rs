//! The web app in a real headless Chromium (Debian's, driven by `playwright-core`) against a
//! live localnet, as a newcomer gets it from `localnet/run.sh`: contracts deployed
//! (`localnet/deploy.sh`), the demo feed with the prover sidecar's playground
//! (`localnet/feed.sh`), a challenge scored by zero-knowledge proofs
//! (`localnet/demo.sh challenge --until-scored`). The browser side is `web/test/e2e.mjs`: the
//! explorer lists a block and the transaction sent here; the leaderboard's plot has the ranks
//! the contract reports; the playground's in-browser output equals `inferchain-prover infer`;
//! a proof made on demand verifies in the browser and a tampered one fails. Screenshots land
//! in `web/test/artifacts/`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use inferchain_e2e::{repo_root, Localnet};
use serde_json::{json, Value};

/// Genesis circuits: the feed's private inference circuit and the demo's 16-row score circuit.
const ARCHITECTURES: &str = "mlp-16-32-16-1=inference/private,score:16/private";
const OFFSET: u32 = 6000;
const SIDECAR: &str = "127.0.0.1:15464";

fn script(name: &str) -> std::path::PathBuf {
    repo_root().join("localnet").join(name)
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Stops the sidecar `feed.sh` started when the test ends, however it ends.
struct Sidecar(std::path::PathBuf);

impl Drop for Sidecar {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join("sidecar.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn rest_base(net: &Localnet) -> String {
    net.rest(0)
}

async fn rest_get(base: &str, path: &str) -> Value {
    let r = reqwest::get(format!("{base}{path}"))
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert!(status.is_success(), "{path}: {status} {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_app_in_a_real_browser() {
    let node_modules = repo_root().join("web/node_modules/playwright-core");
    assert!(
        node_modules.exists(),
        "run tests/run.sh (it builds the web app and installs its npm packages)"
    );
    assert!(
        repo_root().join("web/dist/index.html").exists(),
        "the web app is not built: web/build.sh"
    );
    let net = Localnet::start_full("web", 1, OFFSET, &[], ARCHITECTURES)
        .await
        .expect("localnet starts");
    let dir = net.dir.clone();
    let dir_s = dir.to_str().unwrap().to_string();
    run(
        Command::new("bash")
            .arg(script("deploy.sh"))
            .args(["--dir", &dir_s]),
        "deploy.sh",
    );
    let model = dir.join("models/mlp-16-32-16-1");
    run(
        Command::new("inferchain-prover").args([
            "train",
            "--arch",
            "mlp-16-32-16-1",
            "--out",
            model.to_str().unwrap(),
        ]),
        "training the feed's model",
    );
    let _sidecar = Sidecar(dir.clone());
    run(
        Command::new("bash").arg(script("feed.sh")).args([
            "--dir",
            &dir_s,
            "--model",
            model.to_str().unwrap(),
            "--metrics",
            SIDECAR,
        ]),
        "feed.sh",
    );
    let feed: Value =
        serde_json::from_slice(&std::fs::read(dir.join("feed.json")).unwrap()).unwrap();
    run(
        Command::new("bash").arg(script("demo.sh")).args([
            "challenge",
            "--rows",
            "16",
            "--dir",
            &dir_s,
            "--until-scored",
        ]),
        "demo.sh challenge",
    );
    let demo: Value =
        serde_json::from_slice(&std::fs::read(dir.join("demo.json")).unwrap()).unwrap();

    // What the page is told (as run.sh writes it): the contracts and the sidecar.
    let contracts: Value =
        serde_json::from_slice(&std::fs::read(dir.join("contracts.json")).unwrap()).unwrap();
    let contracts: serde_json::Map<String, Value> = contracts
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["address"].clone()))
        .collect();
    std::fs::write(
        dir.join("web.json"),
        json!({"sidecar": format!("http://{SIDECAR}"), "contracts": contracts}).to_string(),
    )
    .unwrap();

    // The SDK's staking params (as relayers and wallets ask them), from the staking contract.
    let staking = rest_get(&rest_base(&net), "/cosmos/staking/v1beta1/params").await;
    let q = base64::engine::general_purpose::STANDARD.encode(r#"{"params":{}}"#);
    let config = rest_get(
        &rest_base(&net),
        &format!(
            "/cosmwasm/wasm/v1/contract/{}/smart/{q}",
            contracts["staking"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(
        staking["params"]["unbonding_time"],
        format!("{}s", config["data"]["unbonding_period"]),
        "{staking} vs {config}"
    );
    assert_eq!(staking["params"]["bond_denom"], "uspec");
    assert!(staking["params"]["historical_entries"].as_u64().unwrap() > 0);

    // wasmd's REST routes, in wasmd's shapes (tests/fixtures/rest/wasm_*.json).
    let challenge_addr = contracts["challenge"].as_str().unwrap().to_string();
    let info = rest_get(
        &rest_base(&net),
        &format!("/cosmwasm/wasm/v1/contract/{challenge_addr}"),
    )
    .await;
    let code_id = info["contract_info"]["code_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (path, fixture) in [
        ("/cosmwasm/wasm/v1/code".to_string(), "wasm_codes"),
        (
            format!("/cosmwasm/wasm/v1/code-info/{code_id}"),
            "wasm_code_info",
        ),
        (
            format!("/cosmwasm/wasm/v1/code/{code_id}/contracts"),
            "wasm_contracts_by_code",
        ),
        (
            format!("/cosmwasm/wasm/v1/contract/{challenge_addr}/history"),
            "wasm_history",
        ),
    ] {
        let ours = rest_get(&rest_base(&net), &path).await;
        inferchain_e2e::same_shape(&inferchain_e2e::rest_fixture(fixture), &ours, fixture)
            .unwrap_or_else(|e| panic!("{path}: {e}\n{ours}"));
    }
    let history = rest_get(
        &rest_base(&net),
        &format!("/cosmwasm/wasm/v1/contract/{challenge_addr}/history"),
    )
    .await;
    assert!(
        history["entries"][0]["msg"].is_object(),
        "the instantiate message as JSON: {history}"
    );
    let code_info = rest_get(
        &rest_base(&net),
        &format!("/cosmwasm/wasm/v1/code-info/{code_id}"),
    )
    .await;
    let checksum = code_info["checksum"].as_str().unwrap();
    assert!(
        checksum.len() == 64
            && checksum
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
        "hex as wasmd: {code_info}"
    );

    // A transaction for the explorer to show.
    let bob = net.account("bob").address.clone();
    let sent = net
        .cli_json(&[
            "tx",
            "bank",
            "send",
            "alice",
            &bob,
            "31337uspec",
            "--node",
            &net.rpc(0),
            "--wait",
            "-o",
            "json",
            "-y",
        ])
        .expect("a transfer");
    assert_eq!(sent["code"], 0, "{sent}");

    // The leaderboard the contract reports, for the plot to match.
    let rest = net.rest(0);
    let challenge_id = demo["challenge_id"].as_u64().unwrap();
    let q = base64::engine::general_purpose::STANDARD
        .encode(json!({"leaderboard": {"challenge_id": challenge_id}}).to_string());
    let board = rest_get(
        &rest,
        &format!(
            "/cosmwasm/wasm/v1/contract/{}/smart/{q}",
            contracts["challenge"].as_str().unwrap()
        ),
    )
    .await;
    // Before finalize the contract orders scored entries best first (ties: earlier
    // submission) without a rank: the position is the provisional rank.
    let ranks: Vec<Value> = board["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["score"].is_null())
        .enumerate()
        .map(|(i, e)| {
            let rank = e["rank"].as_u64().unwrap_or(i as u64 + 1);
            json!({"rank": rank, "modeler": e["modeler"], "score": e["score"]})
        })
        .collect();
    assert_eq!(ranks.len(), 2, "both demo modelers are scored: {board}");

    // The playground's expected output: the prover CLI's integer inference.
    let input: Vec<i64> = vec![
        64, -32, 128, 0, 12, -256, 90, 40, 7, -7, 300, -1, 5, 18, -90, 33,
    ];
    let csv = input
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let infer: Value = serde_json::from_str(&run(
        Command::new("inferchain-prover").args([
            "--output",
            "json",
            "infer",
            "--model",
            model.to_str().unwrap(),
            "--input",
            &csv,
        ]),
        "inferchain-prover infer",
    ))
    .unwrap();

    let expect = json!({
        "tx_hash": sent["txhash"],
        "tx_height": sent["height"],
        "challenge_id": challenge_id.to_string(),
        "ranks": ranks,
        "playground": {
            "model_id": feed["model_id"].to_string(),
            "input": input,
            "output": infer["output"],
        },
    });
    let expect_path = dir.join("web-expect.json");
    std::fs::write(&expect_path, expect.to_string()).unwrap();
    let artifacts = repo_root().join("web/test/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();

    let started = Instant::now();
    let mut child: Child = Command::new("node")
        .arg("test/e2e.mjs")
        .current_dir(repo_root().join("web"))
        .env("WEB_URL", &rest)
        .env("EXPECT", &expect_path)
        .env("ARTIFACTS", &artifacts)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    // The browser test has its own per-step timeouts; this bounds the whole run.
    let deadline = Duration::from_secs(600);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            panic!("the browser test ran past {deadline:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        status.success(),
        "the browser test failed (screenshots in {}):\n{stdout}\n{stderr}\nnode log: {}",
        artifacts.display(),
        dir.join("node0/app.log").display()
    );
    assert!(
        Path::new(&artifacts).read_dir().unwrap().next().is_some(),
        "screenshots saved"
    );
}
