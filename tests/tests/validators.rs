//! Permissionless validator onboarding on a real CometBFT localnet: the staking contract is
//! deployed; the four genesis validators' operators bond their nodes' consensus keys with a
//! proof of possession (`tx staking bond-validator --consensus-key priv_validator_key.json`),
//! so the set follows the contract; a fifth node, started as a full node against the running
//! localnet, bonds the same way and joins CometBFT's set (`/validators`), earns its part of
//! the fees it signs for, then unbonds and leaves it. Every node agrees on the app hash
//! throughout. Every wait polls with a deadline.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use inferchain_e2e::{repo_root, Localnet};
use serde_json::{json, Value};

const STAKE: u128 = 10_000_000;
const NEW_STAKE: u128 = 5_000_000;

/// `inferchaind tx <args> --from <from> --wait -o json` against node 0; the result JSON.
fn tx(net: &Localnet, from: &str, args: &[&str]) -> Value {
    let rpc = net.rpc(0);
    let mut full: Vec<&str> = vec!["tx"];
    full.extend_from_slice(args);
    if args.first() != Some(&"bank") {
        full.extend_from_slice(&["--from", from]);
    }
    full.extend_from_slice(&[
        "--node",
        &rpc,
        "--wait",
        "-o",
        "json",
        "-y",
        "--gas",
        "auto",
        "--gas-adjustment",
        "1.5",
    ]);
    let out = net.cli(&full).expect("inferchaind runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        json!({"code": -1, "raw_log": format!("{}{}", String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr))})
    })
}

fn ok(r: Value, what: &str) -> Value {
    assert_eq!(r["code"], 0, "{what}: {r}");
    r
}

/// The CometBFT address (upper hex) in a `priv_validator_key.json`.
fn key_address(home: &Path) -> String {
    let key: Value = serde_json::from_slice(
        &std::fs::read(home.join("config/priv_validator_key.json")).expect("a key file"),
    )
    .unwrap();
    key["address"].as_str().unwrap().to_uppercase()
}

fn bond(net: &Localnet, from: &str, node: usize, amount: u128) -> Value {
    let key = net.home(node).join("config/priv_validator_key.json");
    ok(
        tx(
            net,
            from,
            &[
                "staking",
                "bond-validator",
                "--amount",
                &format!("{amount}uspec"),
                "--consensus-key",
                key.to_str().unwrap(),
            ],
        ),
        &format!("{from} bonds node{node}"),
    )
}

/// Polls CometBFT's `/validators` on node 0 until `pred` holds of it.
async fn wait_validators(
    net: &Localnet,
    what: &str,
    timeout: Duration,
    pred: impl Fn(&[(String, i64)]) -> bool,
) -> Vec<(String, i64)> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(set) = net.cometbft_validators(0).await {
            if pred(&set) {
                return set;
            }
            if Instant::now() > deadline {
                panic!("{what}: not within {timeout:?}; CometBFT's set is {set:?}");
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The module's set as `query validators set` prints it.
fn module_set(net: &Localnet) -> Value {
    let rpc = net.rpc(0);
    net.cli_json(&["query", "validators", "set", "--node", &rpc, "-o", "json"])
        .unwrap()
}

/// Whether a `validator_reward` to `operator` is in the block results of `from..=to`.
async fn rewarded(net: &Localnet, operator: &str, from: u64, to: u64) -> bool {
    for h in from..=to {
        let Ok(r) = net
            .client(0)
            .rpc
            .call("block_results", json!({"height": h.to_string()}))
            .await
        else {
            continue;
        };
        let found = r["finalize_block_events"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["type"] == "validator_reward")
            .any(|e| {
                e["attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| a["key"] == "operator" && a["value"] == operator)
            });
        if found {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_bonds_joins_the_validator_set_and_leaves_it() {
    let net = Localnet::start("validators", 4, 3000).await.unwrap();
    let deploy = Command::new("bash")
        .arg(repo_root().join("localnet/deploy.sh"))
        .arg("--dir")
        .arg(&net.dir)
        .output()
        .unwrap();
    assert!(
        deploy.status.success(),
        "deploy.sh: {}",
        String::from_utf8_lossy(&deploy.stderr)
    );
    let deployed: Value =
        serde_json::from_slice(&std::fs::read(net.dir.join("contracts.json")).unwrap()).unwrap();
    let staking = deployed["staking"]["address"].as_str().unwrap().to_string();
    let rpc0 = net.rpc(0);
    let params = net
        .cli_json(&[
            "query",
            "validators",
            "params",
            "--node",
            &rpc0,
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(
        params["params"]["staking_contract"], staking,
        "genesis wired the validators module to the deployed staking contract"
    );
    // Until someone bonds, CometBFT runs the four genesis validators.
    let genesis_set = net.cometbft_validators(0).await.unwrap();
    assert_eq!(genesis_set.len(), 4);

    // The genesis validators' operators bond their nodes' keys: the set follows the contract.
    let operators = ["faucet", "alice", "bob", "carol"];
    for (node, from) in operators.iter().enumerate() {
        bond(&net, from, node, STAKE);
    }
    let addresses: Vec<String> = (0..4).map(|i| key_address(&net.home(i))).collect();
    wait_validators(
        &net,
        "the four bonded validators with power 10",
        Duration::from_secs(60),
        |set| {
            set.len() == 4
                && addresses
                    .iter()
                    .all(|a| set.iter().any(|(addr, p)| addr == a && *p == 10))
        },
    )
    .await;
    let set = module_set(&net);
    assert_eq!(set["validators"].as_array().unwrap().len(), 4);
    assert_eq!(set["total_power"], "40");

    // A fifth node joins the running localnet as a full node and catches up.
    let new = net.add_node().unwrap();
    assert_eq!(new, 4);
    let h = net.height(0).await.unwrap();
    net.wait_height(new, h, Duration::from_secs(120))
        .await
        .unwrap();
    let new_address = key_address(&net.home(new));

    // Its operator (a new key, funded by the faucet) bonds it with the node's key and proof.
    let dave = net
        .cli_json(&["keys", "add", "dave", "--output", "json"])
        .unwrap();
    let dave_addr = dave["address"].as_str().unwrap().to_string();
    ok(
        tx(
            &net,
            "faucet",
            &["bank", "send", "faucet", &dave_addr, "20000000uspec"],
        ),
        "fund dave",
    );
    // One key, one operator: alice, holding a copy of node4's key file (so her proof of
    // possession is valid), can't register it once dave has.
    let r = bond(&net, "dave", new, NEW_STAKE);
    let joined_at = r["height"]
        .as_str()
        .and_then(|h| h.parse::<u64>().ok())
        .unwrap_or_else(|| r["height"].as_u64().unwrap_or(0));
    let stolen = tx(
        &net,
        "alice",
        &[
            "staking",
            "bond-validator",
            "--amount",
            "1000000uspec",
            "--consensus-key",
            net.home(new)
                .join("config/priv_validator_key.json")
                .to_str()
                .unwrap(),
        ],
    );
    assert_ne!(stolen["code"], 0, "a key registered by dave: {stolen}");
    assert!(
        stolen.to_string().contains("already registered"),
        "the contract names the owner: {stolen}"
    );
    wait_validators(
        &net,
        "node4 in CometBFT's set",
        Duration::from_secs(60),
        |set| set.len() == 5 && set.iter().any(|(a, p)| *a == new_address && *p == 5),
    )
    .await;
    // node4 now signs blocks; the fees of those blocks reach dave's account.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        ok(
            tx(&net, "bob", &["bank", "send", "bob", &dave_addr, "1uspec"]),
            "a fee-paying transaction",
        );
        let now = net.height(0).await.unwrap();
        if rewarded(&net, &dave_addr, joined_at, now).await {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no validator_reward to dave between heights {joined_at} and {now}"
        );
    }
    let h = net.common_height().await;
    net.assert_same_app_hash(h).await;
    net.wait_height(new, h + 1, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(
        net.app_hash_after(new, h).await.unwrap(),
        net.app_hash_after(0, h).await.unwrap(),
        "the new validator agrees"
    );

    // dave unbonds: node4 leaves CometBFT's set, the four go on.
    ok(
        tx(
            &net,
            "dave",
            &["staking", "unbond", "--amount", &NEW_STAKE.to_string()],
        ),
        "dave unbonds",
    );
    wait_validators(
        &net,
        "node4 out of CometBFT's set",
        Duration::from_secs(60),
        |set| set.len() == 4 && !set.iter().any(|(a, _)| *a == new_address),
    )
    .await;
    let h = net.height(0).await.unwrap() + 2;
    net.assert_same_app_hash(h).await;
    net.wait_height(new, h + 1, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(
        net.app_hash_after(new, h).await.unwrap(),
        net.app_hash_after(0, h).await.unwrap(),
        "the full node follows the chain after leaving the set"
    );
}
