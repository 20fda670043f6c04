//! A challenge scored by proofs on four validators, end to end: a creator opens a challenge
//! with a bounty and a hidden test set; three modelers bond stake, train different models,
//! register them with the inference module and submit them; the creator reveals; each modeler
//! proves its score in private mode with the prover CLI (fetching the test set from the chain)
//! and submits it; `finalize` pays the bounty by rank and reputation ranks the three. On the
//! way: every rejection a hostile or careless submitter meets (forged, tampered, other model,
//! other challenge, another modeler's binding — the front-runner — public mode, after the
//! deadline, a reveal that doesn't match its hash, the 31-byte oversized claim), and a
//! validator killed with `kill -9` mid-scoring that recovers and agrees. Then, on the same
//! chain, an inference feed on the winners consumed by the lending pool (`challenge/feeds.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use inferchain_e2e::{attr, repo_root, Localnet};

#[path = "challenge/feeds.rs"]
mod feeds;
use serde_json::{json, Value};

const ARCH: &str = "mlp-16-32-16-1";
const ROWS: usize = 16;
const BOUNTY: u128 = 10_000_000;
const DEPOSIT: u128 = 1_000_000;
const STAKE: u128 = 2_000_000;

fn prover() -> Command {
    Command::new("inferchain-prover")
}

fn run_json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("command runs (source localnet/env.sh)");
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{cmd:?} printed no JSON: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// `inferchaind tx <args> --from <from> --wait -o json` against node `node`; the result JSON
/// whether it succeeded or not.
fn tx(net: &Localnet, node: usize, from: &str, args: &[&str]) -> Value {
    let rpc = net.rpc(node);
    let mut full: Vec<&str> = vec!["tx"];
    full.extend_from_slice(args);
    // `bank send` names its signer positionally (as the SDK's).
    if args.first() != Some(&"bank") {
        full.extend_from_slice(&["--from", from]);
    }
    full.extend_from_slice(&["--node", &rpc, "--wait", "-o", "json", "-y"]);
    if !args.contains(&"--gas") {
        full.extend_from_slice(&["--gas", "auto", "--gas-adjustment", "1.5"]);
    }
    let out = net.cli(&full).expect("inferchaind runs");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        // A transaction `--gas auto` can't simulate fails before broadcast, with the error.
        json!({"code": -1, "raw_log": format!("{}{}", String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr))})
    });
    // Every fee paid, by signer: a transaction that failed in a block paid too.
    *FEES.lock().unwrap().entry(from.to_string()).or_default() += fee(&r);
    r
}

static FEES: std::sync::Mutex<std::collections::BTreeMap<String, u128>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

fn fees_paid(who: &str) -> u128 {
    FEES.lock().unwrap().get(who).copied().unwrap_or(0)
}

fn ok(r: Value, what: &str) -> Value {
    assert_eq!(r["code"], 0, "{what}: {r}");
    r
}

/// Asserts a rejection with the inference module's `code`, and that its log mentions `says`.
fn rejected(r: &Value, code: u64, says: &str, what: &str) {
    let log = r["raw_log"].as_str().unwrap_or_default();
    assert!(
        r["code"] == code && r["codespace"] == "inference",
        "{what}: expected inference code {code}: {r}"
    );
    assert!(log.contains(says), "{what}: log should say {says:?}: {r}");
}

/// uspec a transaction paid in fees (its `tx` event's `fee`).
fn fee(res: &Value) -> u128 {
    attr(res, "tx", "fee")
        .map(|f| f.trim_end_matches("uspec").parse().unwrap_or(0))
        .unwrap_or(0)
}

fn smart(net: &Localnet, contract: &str, query: Value) -> Value {
    let rpc = net.rpc(0);
    let q = query.to_string();
    net.cli_json(&[
        "query",
        "wasm",
        "contract-state",
        "smart",
        contract,
        &q,
        "--node",
        &rpc,
        "-o",
        "json",
    ])
    .unwrap()["data"]
        .clone()
}

fn height_of(r: &Value) -> u64 {
    r["height"]
        .as_str()
        .map(|h| h.parse().unwrap())
        .unwrap_or_else(|| r["height"].as_u64().unwrap_or(0))
}

fn nanos(t: SystemTime) -> String {
    t.duration_since(UNIX_EPOCH).unwrap().as_nanos().to_string()
}

async fn block_time(net: &Localnet) -> SystemTime {
    let s = net.client(0).rpc.status().await.unwrap();
    let t = s["sync_info"]["latest_block_time"]
        .as_str()
        .unwrap()
        .to_string();
    // RFC 3339 with nanoseconds; seconds resolution is enough here.
    let secs = chrono_like_parse(&t);
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2026-12-01T17:00:00.123Z`).
fn chrono_like_parse(t: &str) -> u64 {
    let (date, time) = t.split_once('T').unwrap();
    let mut d = date.split('-').map(|x| x.parse::<i64>().unwrap());
    let (y, m, day) = (d.next().unwrap(), d.next().unwrap(), d.next().unwrap());
    let hms: Vec<i64> = time[..8].split(':').map(|x| x.parse().unwrap()).collect();
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]) as u64
}

/// Waits until the chain's block time passes `t`.
async fn wait_block_time(net: &Localnet, t: SystemTime, timeout: Duration) {
    let start = Instant::now();
    while block_time(net).await <= t {
        assert!(start.elapsed() < timeout, "block time never passed {t:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

struct Modeler {
    key: &'static str,
    address: String,
    dir: PathBuf,
    commitment: String,
    model_id: u64,
}

fn train(dir: &Path, seed: u64) -> String {
    let out = dir.join(format!("model-{seed}"));
    run_json(
        prover()
            .args(["train", "--arch", ARCH, "--epochs", "8", "--train-seed"])
            .arg(seed.to_string())
            .arg("--out")
            .arg(&out)
            .args(["--output", "json"]),
    );
    let c = run_json(
        prover()
            .arg("commit")
            .arg("--model")
            .arg(&out)
            .args(["--output", "json"]),
    );
    c["commitment"].as_str().unwrap().to_string()
}

fn prove(
    net: &Localnet,
    m: &Modeler,
    challenge: u64,
    mode: &str,
    bind_to: &str,
    out: &Path,
) -> Value {
    run_json(
        prover()
            .args(["prove-score", "--model"])
            .arg(m.dir.join(format!("model-{}", seed_of(m.key))))
            .args(["--mode", mode, "--modeler", bind_to, "--challenge"])
            .arg(challenge.to_string())
            .args(["--node", &net.rpc(0), "--out"])
            .arg(out)
            .args(["--output", "json"]),
    )
}

fn seed_of(key: &str) -> u64 {
    match key {
        "alice" => 11,
        "bob" => 22,
        _ => 33,
    }
}

fn submit(
    net: &Localnet,
    node: usize,
    from: &str,
    challenge: u64,
    model: u64,
    proof: &Path,
    claim: &Value,
) -> Value {
    tx(
        net,
        node,
        from,
        &[
            "inference",
            "submit-score-proof",
            &challenge.to_string(),
            &model.to_string(),
            proof.to_str().unwrap(),
            "--correct",
            &claim["correct"].to_string(),
            "--brier-sum",
            &claim["brier_sum"].to_string(),
            // Fixed gas: a rejection then reaches CheckTx or the block with its code (a
            // simulation would fail first).
            "--gas",
            "9000000",
        ],
    )
}

fn vm_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_is_scored_by_proofs_on_four_validators() {
    let net = Localnet::start_full(
        "challenge",
        4,
        7000,
        &[],
        &format!("{ARCH}=score:{ROWS}/private,inference/public"),
    )
    .await
    .unwrap();
    let work = net.dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
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
    let addr = |n: &str| deployed[n]["address"].as_str().unwrap().to_string();
    let (staking, challenge, reputation) = (addr("staking"), addr("challenge"), addr("reputation"));
    // Genesis wired the module to the contracts deploy.sh instantiated (instantiate2).
    let rpc0 = net.rpc(0);
    let params = net
        .cli_json(&[
            "query",
            "inference",
            "params",
            "--node",
            &rpc0,
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(
        params["params"]["challenge_contract"], challenge,
        "{params}"
    );
    assert_eq!(params["params"]["staking_contract"], staking, "{params}");

    // A fifth account, the front-runner, funded by the faucet.
    let mallory = net
        .cli_json(&["keys", "add", "mallory", "--output", "json"])
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        tx(
            &net,
            0,
            "faucet",
            &["bank", "send", "faucet", &mallory, "50000000uspec"],
        ),
        "fund mallory",
    );

    // Three modelers (and mallory) bond stake; they train models with different seeds.
    let mut modelers = Vec::new();
    let bond = json!({"bond": {"role": "modeler"}}).to_string();
    for key in ["alice", "bob", "carol", "mallory"] {
        ok(
            tx(
                &net,
                0,
                key,
                &[
                    "wasm",
                    "execute",
                    &staking,
                    &bond,
                    "--amount",
                    &format!("{STAKE}uspec"),
                ],
            ),
            "bond",
        );
    }
    for key in ["alice", "bob", "carol"] {
        let dir = work.join(key);
        std::fs::create_dir_all(&dir).unwrap();
        let commitment = train(&dir, seed_of(key));
        let r = ok(
            tx(
                &net,
                0,
                key,
                &[
                    "inference",
                    "register-model",
                    &commitment,
                    ARCH,
                    "--mode",
                    "private",
                ],
            ),
            "register model",
        );
        let model_id: u64 = attr(&r, "register_model", "model_id")
            .unwrap()
            .parse()
            .unwrap();
        modelers.push(Modeler {
            key,
            address: net.account(key).address.clone(),
            dir,
            commitment,
            model_id,
        });
    }
    let ids: Vec<u64> = modelers.iter().map(|m| m.model_id).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    // The front-runner registers alice's commitment as its own model: allowed (two owners,
    // two models) — it earns nothing, as proofs are bound to their submitter.
    let r = ok(
        tx(
            &net,
            0,
            "mallory",
            &[
                "inference",
                "register-model",
                &modelers[0].commitment,
                ARCH,
                "--mode",
                "private",
            ],
        ),
        "mallory registers alice's commitment",
    );
    let mallory_model: u64 = attr(&r, "register_model", "model_id")
        .unwrap()
        .parse()
        .unwrap();
    // A model registered in public mode can't be scored (private required).
    let r = ok(
        tx(
            &net,
            0,
            "carol",
            &[
                "inference",
                "register-model",
                &modelers[2].commitment,
                ARCH,
                "--mode",
                "public",
            ],
        ),
        "carol's public-mode model",
    );
    let public_model: u64 = attr(&r, "register_model", "model_id")
        .unwrap()
        .parse()
        .unwrap();
    let listed = net
        .cli_json(&[
            "query",
            "inference",
            "models",
            "--owner",
            &modelers[0].address,
            "--node",
            &rpc0,
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(listed["models"].as_array().unwrap().len(), 1, "{listed}");

    // The creator (faucet) commits to a hidden test set (canonical encoding, sha256) and
    // opens the challenge with a bounty; a second challenge gets another test set.
    let testset = work.join("testset.bin");
    let exported = run_json(
        prover()
            .args([
                "export-testset",
                "--arch",
                ARCH,
                "--score-rows",
                &ROWS.to_string(),
                "--out",
            ])
            .arg(&testset)
            .args(["--output", "json"]),
    );
    let set_bytes = std::fs::read(&testset).unwrap();
    let mut other_bytes = set_bytes.clone();
    // Flip every label: another valid test set of the same shape.
    let row_len = 4 * 16 + 1;
    for r in 0..ROWS {
        let i = 11 + r * row_len + row_len - 1;
        other_bytes[i] ^= 1;
    }
    let sha = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    assert_eq!(exported["sha256"], sha(&set_bytes));
    let now = block_time(&net).await;
    let submission_deadline = now + Duration::from_secs(40);
    let reveal_deadline = now + Duration::from_secs(70);
    let scoring_deadline = now + Duration::from_secs(230);
    let create = |hash: String, title: &str| {
        json!({"create_challenge": {
            "title": title, "description": "credit default, binary", "task": "binary_classification",
            "architecture_id": ARCH, "metric": "accuracy", "dataset_uri": "ipfs://credit",
            "test_set_hash": hash, "submission_deadline": nanos(submission_deadline),
            "reveal_deadline": nanos(reveal_deadline), "scoring_deadline": nanos(scoring_deadline),
            "min_stake": "1000000", "payout_bps": [5000, 3000, 2000]}})
        .to_string()
    };
    let r = ok(
        tx(
            &net,
            0,
            "faucet",
            &[
                "wasm",
                "execute",
                &challenge,
                &create(sha(&set_bytes), "credit"),
                "--amount",
                &format!("{}uspec", BOUNTY + DEPOSIT),
            ],
        ),
        "create challenge",
    );
    let cid: u64 = attr(&r, "wasm", "challenge_id").unwrap().parse().unwrap();
    let r = ok(
        tx(
            &net,
            0,
            "faucet",
            &[
                "wasm",
                "execute",
                &challenge,
                &create(sha(&other_bytes), "other"),
                "--amount",
                &format!("{}uspec", BOUNTY + DEPOSIT),
            ],
        ),
        "create the other challenge",
    );
    let other: u64 = attr(&r, "wasm", "challenge_id").unwrap().parse().unwrap();

    // Each modeler submits its commitment; mallory copies alice's (both accepted).
    for m in &modelers {
        for c in [cid, other] {
            let msg = json!({"submit_model": {"challenge_id": c, "commitment": m.commitment, "architecture_id": ARCH}}).to_string();
            ok(
                tx(&net, 0, m.key, &["wasm", "execute", &challenge, &msg]),
                "submit model",
            );
        }
    }
    let msg = json!({"submit_model": {"challenge_id": cid, "commitment": modelers[0].commitment, "architecture_id": ARCH}}).to_string();
    ok(
        tx(&net, 0, "mallory", &["wasm", "execute", &challenge, &msg]),
        "mallory copies alice's commitment",
    );

    // Before the reveal nothing can be scored.
    let early = work.join("early.proof");
    let out = prover()
        .args(["prove-score", "--model"])
        .arg(modelers[0].dir.join("model-11"))
        .args([
            "--mode",
            "private",
            "--modeler",
            &modelers[0].address,
            "--challenge",
            &cid.to_string(),
            "--node",
            &rpc0,
            "--out",
        ])
        .arg(&early)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not revealed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The reveal: a test set that doesn't match its hash is refused; the right one is stored.
    wait_block_time(&net, submission_deadline, Duration::from_secs(120)).await;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let reveal = |c: u64, bytes: &[u8]| {
        json!({"reveal_test_set": {"challenge_id": c, "test_set_uri": "ipfs://credit-test", "test_set": b64(bytes)}}).to_string()
    };
    let r = tx(
        &net,
        0,
        "faucet",
        &["wasm", "execute", &challenge, &reveal(cid, &other_bytes)],
    );
    assert_ne!(r["code"], 0, "a reveal of the wrong bytes must fail: {r}");
    let log = r["raw_log"].as_str().unwrap_or_default();
    assert!(log.contains("does not match"), "{r}");
    let mut reveal_height = 0u64;
    for (c, bytes) in [(cid, &set_bytes), (other, &other_bytes)] {
        let r = ok(
            tx(
                &net,
                0,
                "faucet",
                &["wasm", "execute", &challenge, &reveal(c, bytes)],
            ),
            "reveal",
        );
        if c == cid {
            reveal_height = height_of(&r);
        }
    }
    let view = net
        .cli_json(&[
            "query",
            "inference",
            "challenge",
            &cid.to_string(),
            "--node",
            &rpc0,
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(view["status"], "revealed", "{view}");
    assert_eq!(view["rows"], ROWS.to_string());
    assert_eq!(
        view["test_set_hash"], exported["testset_hash"],
        "the chain hashes the revealed bytes natively"
    );

    // Proofs: each modeler proves with the prover CLI, fetching the test set from the chain.
    let mut claims = Vec::new();
    for m in &modelers {
        let proof = work.join(format!("{}.proof", m.key));
        let p = prove(&net, m, cid, "private", &m.address, &proof);
        assert_eq!(p["commitment"], m.commitment);
        assert_eq!(p["rows"], ROWS);
        assert!(p["submit"].as_str().unwrap().contains("submit-score-proof"));
        claims.push((proof, p));
    }
    let (alice_proof, alice_claim) = claims[0].clone();

    // Rejections, each with its code. Dry run first: the VerifyProof query says why.
    let dry = |submitter: &str, model: u64, proof: &Path, claim: &Value| {
        net.cli_json(&[
            "query",
            "inference",
            "verify-proof",
            &cid.to_string(),
            &model.to_string(),
            proof.to_str().unwrap(),
            "--correct",
            &claim["correct"].to_string(),
            "--brier-sum",
            &claim["brier_sum"].to_string(),
            "--submitter",
            submitter,
            "--node",
            &rpc0,
            "-o",
            "json",
        ])
        .unwrap()
    };
    let d = dry(
        &modelers[0].address,
        modelers[0].model_id,
        &alice_proof,
        &alice_claim,
    );
    assert_eq!(d["ok"], true, "{d}");
    let d = dry(&mallory, mallory_model, &alice_proof, &alice_claim);
    assert_eq!(
        (d["ok"].clone(), d["codespace"].clone(), d["code"].clone()),
        (json!(false), json!("inference"), json!(24)),
        "{d}"
    );
    // The front-runner submits alice's proof for its copy of alice's commitment: the binding
    // (alice's address) doesn't match the submitter.
    let r = submit(
        &net,
        0,
        "mallory",
        cid,
        mallory_model,
        &alice_proof,
        &alice_claim,
    );
    rejected(&r, 24, "binding", "front-runner");
    // Tampered: one byte flipped in the middle of the proof.
    let mut bytes = std::fs::read(&alice_proof).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let tampered = work.join("tampered.proof");
    std::fs::write(&tampered, &bytes).unwrap();
    rejected(
        &submit(
            &net,
            0,
            "alice",
            cid,
            modelers[0].model_id,
            &tampered,
            &alice_claim,
        ),
        24,
        "proof rejected",
        "tampered",
    );
    // Forged: random bytes in a plausible envelope size.
    let forged = work.join("forged.proof");
    std::fs::write(
        &forged,
        (0..150_000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    rejected(
        &submit(
            &net,
            0,
            "alice",
            cid,
            modelers[0].model_id,
            &forged,
            &alice_claim,
        ),
        24,
        "proof rejected",
        "forged",
    );
    // A claimed score the proof doesn't prove.
    let mut inflated = alice_claim.clone();
    inflated["correct"] = json!(ROWS);
    if alice_claim["correct"] != json!(ROWS) {
        rejected(
            &submit(
                &net,
                0,
                "alice",
                cid,
                modelers[0].model_id,
                &alice_proof,
                &inflated,
            ),
            24,
            "proof rejected",
            "inflated score",
        );
    }
    // Another model's proof: bob submits alice's proof for bob's model.
    rejected(
        &submit(
            &net,
            0,
            "bob",
            cid,
            modelers[1].model_id,
            &alice_proof,
            &alice_claim,
        ),
        24,
        "proof rejected",
        "another model's proof",
    );
    // Another model of someone else: bob names alice's model.
    rejected(
        &submit(
            &net,
            0,
            "bob",
            cid,
            modelers[0].model_id,
            &alice_proof,
            &alice_claim,
        ),
        7,
        "belongs to",
        "someone else's model",
    );
    // Another challenge: alice's proof on challenge 1's test set, submitted to the other one.
    rejected(
        &submit(
            &net,
            0,
            "alice",
            other,
            modelers[0].model_id,
            &alice_proof,
            &alice_claim,
        ),
        24,
        "proof rejected",
        "another challenge",
    );
    // Public mode where private is required: a model registered in public mode, and a
    // public-mode proof for a private model.
    rejected(
        &submit(
            &net,
            0,
            "carol",
            cid,
            public_model,
            &claims[2].0,
            &claims[2].1,
        ),
        20,
        "private",
        "public-mode model",
    );
    let public_proof = work.join("alice-public.proof");
    let pp = prove(
        &net,
        &modelers[0],
        cid,
        "public",
        &modelers[0].address,
        &public_proof,
    );
    rejected(
        &submit(
            &net,
            0,
            "alice",
            cid,
            modelers[0].model_id,
            &public_proof,
            &pp,
        ),
        24,
        "mode",
        "public-mode proof",
    );
    // The 31-byte oversized claim: rejected fast, node memory flat.
    let pid: u32 = std::fs::read_to_string(net.home(0).join("app.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let before = vm_rss_kb(pid);
    let mut tiny = b"ICZK\x01\x02\x00\x00\x0e".to_vec();
    tiny.extend_from_slice(ARCH.as_bytes());
    tiny.extend_from_slice(&[0, 0, 1, 0, 0, 0, 0, 0]);
    assert_eq!(tiny.len(), 31);
    let tiny_path = work.join("tiny.proof");
    std::fs::write(&tiny_path, &tiny).unwrap();
    let t = Instant::now();
    let r = submit(
        &net,
        0,
        "alice",
        cid,
        modelers[0].model_id,
        &tiny_path,
        &alice_claim,
    );
    rejected(&r, 24, "proof rejected", "31-byte oversized claim");
    let after = vm_rss_kb(pid);
    assert!(
        after < before + 64 * 1024,
        "node memory grew from {before} kB to {after} kB"
    );
    eprintln!(
        "31-byte claim rejected in {:?} (whole tx round trip)",
        t.elapsed()
    );

    // Scoring: alice's proof lands; then a validator is killed mid-scoring; bob and carol's
    // land while it is down; it restarts and catches up.
    let r = ok(
        submit(
            &net,
            0,
            "alice",
            cid,
            modelers[0].model_id,
            &alice_proof,
            &alice_claim,
        ),
        "alice's score",
    );
    eprintln!(
        "score proof verified on chain: gas used {} (verify gas {})",
        r["gas_used"],
        attr(&r, "score_proof", "verify_gas").unwrap_or_default()
    );
    net.kill9(3).unwrap();
    for (i, m) in modelers.iter().enumerate().skip(1) {
        ok(
            submit(
                &net,
                i % 3,
                m.key,
                cid,
                m.model_id,
                &claims[i].0,
                &claims[i].1,
            ),
            "score",
        );
    }
    // A second submission of a scored model is refused by the contract.
    let r = submit(
        &net,
        0,
        "alice",
        cid,
        modelers[0].model_id,
        &alice_proof,
        &alice_claim,
    );
    assert_ne!(r["code"], 0, "{r}");
    assert!(
        r["raw_log"]
            .as_str()
            .unwrap_or_default()
            .contains("already scored"),
        "{r}"
    );
    net.start_stopped().unwrap();
    let h = net.height(0).await.unwrap();
    net.wait_height(3, h, Duration::from_secs(120))
        .await
        .unwrap();
    net.assert_same_app_hash(h).await;
    let board = smart(
        &net,
        &challenge,
        json!({"leaderboard": {"challenge_id": cid}}),
    );
    let scored: Vec<&Value> = board["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["score"].is_null())
        .collect();
    assert_eq!(scored.len(), 3, "{board}");
    let mallory_entry = board["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["modeler"] == mallory)
        .unwrap();
    assert!(
        mallory_entry["score"].is_null(),
        "the copier has no score: {board}"
    );

    // After the deadline: no more proofs; finalize pays by rank.
    wait_block_time(&net, scoring_deadline, Duration::from_secs(300)).await;
    rejected(
        &submit(
            &net,
            0,
            "mallory",
            other,
            mallory_model,
            &alice_proof,
            &alice_claim,
        ),
        16,
        "deadline",
        "after the deadline",
    );
    let balances_before: Vec<u128> = {
        let mut v = Vec::new();
        for m in &modelers {
            v.push(net.balance(0, &m.address).await.unwrap());
        }
        v
    };
    let faucet = net.account("faucet").address.clone();
    let faucet_before = net.balance(0, &faucet).await.unwrap();
    let fin = json!({"finalize": {"challenge_id": cid}}).to_string();
    let r = ok(
        tx(&net, 1, "faucet", &["wasm", "execute", &challenge, &fin]),
        "finalize",
    );
    let finalize_fee = fee(&r);
    eprintln!(
        "bench: revealed at height {reveal_height}, leaderboard finalized at {}: {} blocks \
         (the reveal came right after the submission deadline, {} s before the scoring one)",
        height_of(&r),
        height_of(&r) - reveal_height,
        scoring_deadline
            .duration_since(submission_deadline)
            .unwrap()
            .as_secs()
    );
    let board = smart(
        &net,
        &challenge,
        json!({"leaderboard": {"challenge_id": cid}}),
    );
    let entries = board["entries"].as_array().unwrap();
    let bps = [5000u128, 3000, 2000];
    let mut paid = 0u128;
    for (rank, e) in entries.iter().take(3).enumerate() {
        assert_eq!(e["rank"], rank as u64 + 1, "{board}");
        let payout = BOUNTY * bps[rank] / 10_000;
        assert_eq!(e["payout"], payout.to_string(), "{board}");
        paid += payout;
        let i = modelers
            .iter()
            .position(|m| e["modeler"] == m.address.as_str())
            .unwrap();
        let now = net.balance(0, &modelers[i].address).await.unwrap();
        assert_eq!(
            now,
            balances_before[i] + payout,
            "{}'s payout",
            modelers[i].key
        );
        // The score recorded is the proven accuracy.
        let (correct, rows) = (claims[i].1["correct"].as_u64().unwrap() as f64, ROWS as f64);
        let s: f64 = e["score"].as_str().unwrap().parse().unwrap();
        assert!((s - correct / rows).abs() < 1e-12, "{e}");
        // The module's model record holds the result.
        let rec = net
            .cli_json(&[
                "query",
                "inference",
                "model",
                &modelers[i].model_id.to_string(),
                "--node",
                &rpc0,
                "-o",
                "json",
            ])
            .unwrap();
        assert_eq!(
            rec["model"]["results"][0]["challenge_id"],
            cid.to_string(),
            "{rec}"
        );
    }
    assert_eq!(paid, BOUNTY);
    assert_eq!(
        net.balance(0, &faucet).await.unwrap(),
        faucet_before + DEPOSIT - finalize_fee,
        "deposit returned"
    );
    // Reputation ranks the three (all ranked, best first matches the leaderboard's winner).
    let ranking = smart(&net, &reputation, json!({"ranking": {}}));
    let ranked: Vec<&str> = ranking["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    for m in &modelers {
        assert!(ranked.contains(&m.address.as_str()), "{ranking}");
    }
    assert_eq!(
        ranked[0],
        entries[0]["modeler"].as_str().unwrap(),
        "{ranking}"
    );
    assert!(
        !ranked.contains(&mallory.as_str()),
        "the copier is unranked: {ranking}"
    );

    // Balances reconcile to the uspec: each modeler's balance is its genesis balance minus
    // stake, fees and plus its payout; the creator's minus the other challenge's escrow.
    for (i, m) in modelers.iter().enumerate() {
        let payout = entries
            .iter()
            .find(|e| e["modeler"] == m.address.as_str())
            .unwrap()["payout"]
            .as_str()
            .unwrap()
            .parse::<u128>()
            .unwrap();
        let expected = 1_000_000_000_000u128 - STAKE - fees_paid(m.key) + payout;
        assert_eq!(
            net.balance(0, &m.address).await.unwrap(),
            expected,
            "{} ({i})",
            m.key
        );
    }
    let liabilities = smart(&net, &challenge, json!({"liabilities": {}}));
    assert_eq!(
        liabilities["escrow"],
        (BOUNTY + DEPOSIT).to_string(),
        "only the other challenge stays escrowed: {liabilities}"
    );

    // The sequel: an inference feed on the winners, consumed by the lending pool.
    let winners: Vec<&Modeler> = entries
        .iter()
        .take(3)
        .map(|e| {
            modelers
                .iter()
                .find(|m| e["modeler"] == m.address.as_str())
                .unwrap()
        })
        .collect();
    let dirs: Vec<PathBuf> = winners
        .iter()
        .map(|m| m.dir.join(format!("model-{}", seed_of(m.key))))
        .collect();
    feeds::inference_feed_on_the_winners(&net, &work, cid, &winners, &dirs, &deployed).await;

    let h = net.common_height().await;
    net.assert_same_app_hash(h).await;
}
