//! CosmWasm hosting end to end, on one 4-validator localnet: the CLI flow (store,
//! instantiate, instantiate2, execute, migrate, admin), bank sends and sub-messages with
//! replies and rollback, hostile contracts, unmodified CosmJS, and `kill -9` restarts with
//! and without the module cache. Every scenario ends by checking that all validators agree
//! on the app hash.
//!
//! Contracts come from `contracts/artifacts` (built by `contracts/build.sh`).

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use inferchain_e2e::{attr, repo_root, Localnet};
use serde_json::{json, Value};

const VALIDATORS: usize = 4;

fn artifact(name: &str) -> String {
    let p = repo_root()
        .join("contracts/artifacts")
        .join(format!("{name}.wasm"));
    assert!(
        p.exists(),
        "{} is missing: run contracts/build.sh",
        p.display()
    );
    p.to_string_lossy().into_owned()
}

/// Runs a `tx wasm ...` command from alice (or `from`), waiting for the block. Returns the tx
/// result JSON whether it succeeded or not.
fn tx(net: &Localnet, from: &str, args: &[&str]) -> Value {
    let rpc = net.rpc(0);
    let mut full: Vec<&str> = vec!["tx", "wasm"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--from", from, "--node", &rpc, "--wait", "-o", "json", "-y"]);
    if !args.contains(&"--gas") {
        full.extend_from_slice(&["--gas", "auto", "--gas-adjustment", "1.5"]);
    }
    let out = net.cli(&full).expect("inferchaind runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "inferchaind {full:?} printed no JSON: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn ok(net: &Localnet, args: &[&str]) -> Value {
    let r = tx(net, "alice", args);
    assert_eq!(r["code"], 0, "tx wasm {args:?} failed: {r}");
    r
}

fn smart(net: &Localnet, contract: &str, query: Value) -> Value {
    let q = query.to_string();
    query_wasm(net, &["contract-state", "smart", contract, &q])["data"].clone()
}

/// `inferchaind query wasm ARGS… -o json` against node 0.
fn query_wasm(net: &Localnet, args: &[&str]) -> Value {
    let rpc = net.rpc(0);
    let mut full = vec!["query", "wasm"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--node", &rpc, "-o", "json"]);
    net.cli_json(&full)
        .unwrap_or_else(|e| panic!("inferchaind {full:?}: {e}"))
}

fn store(net: &Localnet, name: &str) -> u64 {
    let r = ok(net, &["store", &artifact(name)]);
    attr(&r, "store_code", "code_id")
        .expect("store_code event")
        .parse()
        .unwrap()
}

fn instantiate(net: &Localnet, code_id: u64, msg: Value, label: &str, extra: &[&str]) -> String {
    let (id, m) = (code_id.to_string(), msg.to_string());
    let mut args = vec!["instantiate", &id, &m, "--label", label];
    args.extend_from_slice(extra);
    if !extra.contains(&"--admin") {
        args.push("--no-admin");
    }
    let r = ok(net, &args);
    attr(&r, "instantiate", "_contract_address").expect("instantiate event")
}

/// All validators report the same app hash for a height every one of them has passed.
async fn same_app_hash(net: &Localnet) {
    let mut h = u64::MAX;
    for i in 0..VALIDATORS {
        h = h.min(net.height(i).await.unwrap());
    }
    let h = h.saturating_sub(2).max(1);
    let first = net.app_hash_after(0, h).await.unwrap();
    for i in 1..VALIDATORS {
        assert_eq!(
            net.app_hash_after(i, h).await.unwrap(),
            first,
            "node{i} disagrees at height {h}"
        );
    }
}

/// The chain keeps committing blocks (on every node).
async fn still_producing(net: &Localnet) {
    let h = net.height(0).await.unwrap();
    for i in 0..VALIDATORS {
        net.wait_height(i, h + 2, Duration::from_secs(30))
            .await
            .expect("blocks keep coming");
    }
}

/// Every scenario on one 4-validator localnet (starting one is most of the cost). Each runs
/// as a named step: a failure is reported by its name and the independent steps after it still
/// run, so one run names every broken behaviour; steps that need an earlier one's result are
/// skipped (and named) when it failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wasm_contracts_on_a_localnet() {
    let net = Arc::new(
        Localnet::start("wasm", VALIDATORS, 5000)
            .await
            .expect("localnet starts"),
    );
    let mut s = Scenarios::default();
    let codes = s
        .run("cli_flow", &net, |net| async move { cli_flow(&net).await })
        .await
        .map(Arc::new);
    s.run("instantiate_permissions", &net, |net| async move {
        instantiate_permissions(&net).await
    })
    .await;
    if let Some(codes) = s.needs(
        "submessages_and_bank, hostile_contracts, governance_pins_codes, restart_keeps_contracts",
        &codes,
    ) {
        let c = codes.clone();
        s.run("submessages_and_bank", &net, |net| async move {
            submessages_and_bank(&net, &c).await
        })
        .await;
        let c = codes.clone();
        s.run("hostile_contracts", &net, |net| async move {
            hostile_contracts(&net, &c).await
        })
        .await;
    }
    s.run(
        "cosmjs_flow",
        &net,
        |net| async move { cosmjs_flow(&net).await },
    )
    .await;
    s.run(
        "cosmpy_flow",
        &net,
        |net| async move { cosmpy_flow(&net).await },
    )
    .await;
    let gov = s
        .run("system_contracts_deploy_wired", &net, |net| async move {
            system_contracts_deploy_wired(&net).await
        })
        .await;
    if let Some(gov) = s.needs("open_challenge_never_revealed, governance_pins_codes, cancel_unrevealed_refunds_the_bounty", &gov) {
        let g = gov.clone();
        let challenge = s
            .run("open_challenge_never_revealed", &net, |net| async move {
                open_challenge_never_revealed(&net, &g).await
            })
            .await;
        if let Some(codes) = codes.clone() {
            let g = gov.clone();
            s.run("governance_pins_codes", &net, |net| async move {
                governance_pins_codes(&net, &codes, &g).await
            })
            .await;
        }
        if let Some(challenge) = s.needs("cancel_unrevealed_refunds_the_bounty", &challenge) {
            let g = gov.clone();
            s.run("cancel_unrevealed_refunds_the_bounty", &net, |net| async move {
                cancel_unrevealed_refunds_the_bounty(&net, &g, challenge).await
            })
            .await;
        }
    }
    if let Some(codes) = codes {
        s.run("restart_keeps_contracts", &net, |net| async move {
            restart_keeps_contracts(&net, &codes).await
        })
        .await;
    }
    s.finish();
}

/// Named steps of one end-to-end run; see [`wasm_contracts_on_a_localnet`].
#[derive(Default)]
struct Scenarios {
    failed: Vec<String>,
}

impl Scenarios {
    /// Runs `step` on its own task, so a panic in it is caught and named.
    async fn run<T, F, Fut>(&mut self, name: &str, net: &Arc<Localnet>, step: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(Arc<Localnet>) -> Fut,
        Fut: std::future::Future<Output = T> + Send + 'static,
    {
        let started = Instant::now();
        match tokio::spawn(step(net.clone())).await {
            Ok(v) => {
                eprintln!("scenario {name}: ok ({:.0?})", started.elapsed());
                Some(v)
            }
            Err(e) => {
                let why = match e.try_into_panic() {
                    Ok(p) => p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default(),
                    Err(e) => e.to_string(),
                };
                eprintln!("scenario {name}: FAILED: {why}");
                self.failed.push(name.to_string());
                None
            }
        }
    }

    /// `prerequisite`'s value, or a note that the steps in `dependents` are skipped.
    fn needs<T: Clone>(&mut self, dependents: &str, prerequisite: &Option<T>) -> Option<T> {
        if prerequisite.is_none() {
            eprintln!("skipped (a step they need failed): {dependents}");
            self.failed.push(format!("skipped: {dependents}"));
        }
        prerequisite.clone()
    }

    fn finish(self) {
        assert!(
            self.failed.is_empty(),
            "failed scenarios: {}",
            self.failed.join("; ")
        );
    }
}

struct Codes {
    counter: u64,
    caller: u64,
    hostile: u64,
    counter_addr: String,
}

async fn cli_flow(net: &Localnet) -> Codes {
    let alice = net.account("alice").address.clone();
    let bob = net.account("bob").address.clone();
    let counter = store(net, "counter");
    let caller = store(net, "caller");
    let hostile = store(net, "hostile");
    assert!(counter < caller && caller < hostile);

    let addr = instantiate(
        net,
        counter,
        json!({"count": 0}),
        "counter-1",
        &["--admin", &alice],
    );
    let r = ok(net, &["execute", &addr, r#"{"increment":{}}"#]);
    assert_eq!(
        attr(&r, "execute", "_contract_address").as_deref(),
        Some(addr.as_str())
    );
    assert_eq!(
        attr(&r, "wasm-counter", "count").as_deref(),
        Some("1"),
        "custom event: {r}"
    );
    assert_eq!(attr(&r, "wasm", "action").as_deref(), Some("increment"));
    assert_eq!(smart(net, &addr, json!({"count": {}}))["count"], 1);

    // Listing and metadata queries.
    let info = query_wasm(net, &["contract", &addr]);
    assert_eq!(info["contract_info"]["code_id"], counter.to_string());
    assert_eq!(info["contract_info"]["admin"], alice);
    assert_eq!(info["contract_info"]["label"], "counter-1");
    let list = query_wasm(net, &["list-contract-by-code", &counter.to_string()]);
    assert_eq!(list["contracts"], json!([addr]));
    let codes = query_wasm(net, &["list-code"]);
    assert_eq!(codes["code_infos"].as_array().unwrap().len(), 3);
    let code = query_wasm(net, &["code-info", &counter.to_string()]);
    let file_sum = sha256_hex(&artifact("counter"));
    assert_eq!(code["checksum"], file_sum);

    // Migrate: only the admin; then the admin changes hands and is cleared.
    let r = tx(
        net,
        "bob",
        &[
            "migrate",
            &addr,
            &counter.to_string(),
            r#"{"count":7}"#,
            "--gas",
            "600000",
        ],
    );
    assert_eq!(r["code"], 4, "bob is not the admin: {r}");
    ok(
        net,
        &["migrate", &addr, &counter.to_string(), r#"{"count":42}"#],
    );
    assert_eq!(smart(net, &addr, json!({"count": {}}))["count"], 42);
    assert_eq!(smart(net, &addr, json!({"migrated": {}})), true);
    let hist = query_wasm(net, &["contract-history", &addr]);
    let ops: Vec<_> = hist["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ops,
        [
            "CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT",
            "CONTRACT_CODE_HISTORY_OPERATION_TYPE_MIGRATE"
        ]
    );
    ok(net, &["set-contract-admin", &addr, &bob]);
    let r = tx(
        net,
        "alice",
        &["clear-contract-admin", &addr, "--gas", "300000"],
    );
    assert_eq!(r["code"], 4, "alice is no longer the admin: {r}");
    let r = tx(net, "bob", &["clear-contract-admin", &addr]);
    assert_eq!(r["code"], 0, "{r}");
    let r = tx(
        net,
        "bob",
        &[
            "migrate",
            &addr,
            &counter.to_string(),
            "{}",
            "--gas",
            "600000",
        ],
    );
    assert_eq!(r["code"], 4, "no admin, no migration: {r}");

    // Instantiate2: the address is predictable from checksum, creator and salt.
    let salt_hex = hex::encode(b"inferchain-salt");
    let expected = inferchain_app::modules::wasm::predictable_address(
        &hex::decode(&file_sum).unwrap(),
        &alice.parse().unwrap(),
        b"inferchain-salt",
        b"",
    )
    .to_bech32();
    let code = counter.to_string();
    let mut args = vec![
        "instantiate2",
        &code,
        r#"{"count":1}"#,
        &salt_hex,
        "--hex",
        "--label",
        "c2",
        "--no-admin",
    ];
    let r = ok(net, &args);
    assert_eq!(
        attr(&r, "instantiate", "_contract_address").as_deref(),
        Some(expected.as_str())
    );
    args.extend(["--gas", "800000"]);
    let again = tx(net, "alice", &args);
    assert_eq!(again["codespace"], "wasm", "same salt twice: {again}");
    assert_eq!(again["code"], 15);

    grpc_wasm_queries(net, &addr, counter).await;
    same_app_hash(net).await;
    Codes {
        counter,
        caller,
        hostile,
        counter_addr: addr,
    }
}

/// The same state through the tonic gRPC server's `cosmwasm.wasm.v1.Query`.
async fn grpc_wasm_queries(net: &Localnet, contract: &str, code_id: u64) {
    use cosmos_sdk_proto::cosmwasm::wasm::v1::{
        query_client::QueryClient, QueryCodeRequest, QueryContractInfoRequest,
        QueryContractsByCodeRequest, QuerySmartContractStateRequest,
    };
    let channel = tonic::transport::Channel::from_shared(net.grpc(0))
        .unwrap()
        .connect()
        .await
        .expect("gRPC server up");
    let mut q = QueryClient::new(channel);
    let smart = q
        .smart_contract_state(QuerySmartContractStateRequest {
            address: contract.into(),
            query_data: br#"{"count":{}}"#.to_vec(),
        })
        .await
        .unwrap()
        .into_inner();
    let v: Value = serde_json::from_slice(&smart.data).unwrap();
    assert_eq!(v, smart_cli(net, contract));
    let info = q
        .contract_info(QueryContractInfoRequest {
            address: contract.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.contract_info.unwrap().code_id, code_id);
    let by_code = q
        .contracts_by_code(QueryContractsByCodeRequest {
            code_id,
            pagination: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(by_code.contracts.iter().any(|c| c == contract));
    let code = q
        .code(QueryCodeRequest { code_id })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        hex::encode(code.code_info.unwrap().data_hash),
        sha256_hex(&artifact("counter"))
    );
    assert_eq!(
        code.data,
        std::fs::read(artifact("counter")).unwrap(),
        "the stored code"
    );
    // Errors keep their gRPC codes.
    let missing = q
        .contract_info(QueryContractInfoRequest {
            address: net.account("bob").address.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound, "{missing}");
}

fn smart_cli(net: &Localnet, contract: &str) -> Value {
    smart(net, contract, json!({"count": {}}))
}

fn sha256_hex(path: &str) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn code_permission(net: &Localnet, code_id: u64) -> Value {
    query_wasm(net, &["code-info", &code_id.to_string()])["instantiate_permission"].clone()
}

/// Who may instantiate a code: set at upload, enforced, changed only by the creator.
async fn instantiate_permissions(net: &Localnet) {
    let alice = net.account("alice").address.clone();
    let bob = net.account("bob").address.clone();
    let r = ok(
        net,
        &[
            "store",
            &artifact("counter"),
            "--instantiate-anyof-addresses",
            &alice,
        ],
    );
    let code: u64 = attr(&r, "store_code", "code_id").unwrap().parse().unwrap();
    assert_eq!(
        code_permission(net, code),
        json!({"permission": "AnyOfAddresses", "addresses": [alice]})
    );
    let id = code.to_string();
    // A fixed gas limit: `--gas auto` would stop at the failing simulation.
    let init = |from: &str| {
        tx(
            net,
            from,
            &[
                "instantiate",
                &id,
                r#"{"count":0}"#,
                "--label",
                "restricted",
                "--no-admin",
                "--gas",
                "600000",
            ],
        )
    };
    let r = init("bob");
    assert_eq!(r["code"], 4, "bob is not listed: {r}");
    assert!(
        r["raw_log"]
            .as_str()
            .unwrap()
            .contains("can not instantiate"),
        "{r}"
    );
    assert_eq!(init("alice")["code"], 0);

    // Only the creator changes it.
    let everybody = ["update-instantiate-config", &id, "--instantiate-everybody"];
    let mut as_bob = everybody.to_vec();
    as_bob.extend(["--gas", "300000"]);
    assert_eq!(tx(net, "bob", &as_bob)["code"], 4);
    let r = ok(
        net,
        &["update-instantiate-config", &id, "--instantiate-nobody"],
    );
    assert_eq!(
        attr(&r, "update_code_access_config", "code_permission").as_deref(),
        Some("Nobody")
    );
    assert_eq!(init("alice")["code"], 4, "nobody means the creator too");
    ok(net, &everybody);
    assert_eq!(init("bob")["code"], 0);
    assert_eq!(code_permission(net, code)["permission"], "Everybody");

    // A malformed permission is refused before it reaches a block.
    let dup = format!("{bob},{bob}");
    let r = tx(
        net,
        "alice",
        &[
            "update-instantiate-config",
            &id,
            "--instantiate-anyof-addresses",
            &dup,
            "--gas",
            "300000",
        ],
    );
    assert_eq!(
        (r["codespace"].as_str(), r["code"].as_u64()),
        (Some("wasm"), Some(14)),
        "{r}"
    );
    assert_eq!(code_permission(net, code)["permission"], "Everybody");

    // Labels: the admin renames; nobody else can.
    let addr = instantiate(
        net,
        code,
        json!({"count": 0}),
        "before",
        &["--admin", &alice],
    );
    let rename = |from: &str, label: &str| {
        tx(
            net,
            from,
            &["set-contract-label", &addr, label, "--gas", "300000"],
        )
    };
    assert_eq!(rename("bob", "stolen")["code"], 4);
    let r = rename("alice", "after");
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(
        attr(&r, "update_contract_label", "new_label").as_deref(),
        Some("after")
    );
    let info = query_wasm(net, &["contract", &addr]);
    assert_eq!(info["contract_info"]["label"], "after");
    same_app_hash(net).await;
}

async fn submessages_and_bank(net: &Localnet, codes: &Codes) {
    let bob = net.account("bob").address.clone();
    let counter = instantiate(net, codes.counter, json!({"count": 10}), "counter-sub", &[]);
    let caller = instantiate(
        net,
        codes.caller,
        json!({}),
        "caller",
        &["--amount", "1000uspec"],
    );
    assert_eq!(net.balance(0, &caller).await.unwrap(), 1000);

    // BankMsg::Send from the contract's own balance.
    let bob_before = net.balance(0, &bob).await.unwrap();
    let send =
        json!({"send": {"to": bob, "amount": [{"denom": "uspec", "amount": "400"}]}}).to_string();
    ok(net, &["execute", &caller, &send]);
    assert_eq!(net.balance(0, &caller).await.unwrap(), 600);
    assert_eq!(net.balance(0, &bob).await.unwrap(), bob_before + 400);
    // More than it has: the whole execution fails and nothing moves.
    let too_much =
        json!({"send": {"to": bob, "amount": [{"denom": "uspec", "amount": "601"}]}}).to_string();
    let r = tx(
        net,
        "alice",
        &["execute", &caller, &too_much, "--gas", "800000"],
    );
    assert_eq!(r["code"], 5, "insufficient funds: {r}");
    assert_eq!(net.balance(0, &caller).await.unwrap(), 600);

    // A sub-message with reply_on_success: the reply is recorded.
    let call = json!({"call_increment": {"counter": counter}}).to_string();
    let r = ok(net, &["execute", &caller, &call]);
    assert!(
        attr(&r, "reply", "_contract_address").is_some(),
        "reply event: {r}"
    );
    assert_eq!(smart(net, &counter, json!({"count": {}}))["count"], 11);
    let last = smart(net, &caller, json!({"last_reply": {}}));
    assert_eq!(last["id"], 1);
    assert_eq!(last["ok"], true);
    // The querier: the caller reads the counter through a smart query.
    assert_eq!(
        smart(net, &caller, json!({"counter_value": {"counter": counter}})),
        11
    );

    // reply_on_error: the failing sub-message's own write (the counter bump) is rolled back,
    // the caller's write before it stays, and the reply sees the error.
    let call = json!({"call_failing": {"counter": counter}}).to_string();
    ok(net, &["execute", &caller, &call]);
    assert_eq!(
        smart(net, &counter, json!({"count": {}}))["count"],
        11,
        "sub-message write rolled back"
    );
    assert_eq!(smart(net, &caller, json!({"mark": {}})), "call-failing");
    let last = smart(net, &caller, json!({"last_reply": {}}));
    assert_eq!(last["id"], 2);
    assert_eq!(last["ok"], false);
    // Redacted to codespace and code, as wasmd does (the text may differ between nodes).
    assert_eq!(last["error"], "codespace: wasm, code: 5", "{last}");

    // The same failure without a reply fails the transaction: nothing of it stays.
    let call = json!({"call_failing_no_reply": {"counter": counter}}).to_string();
    let r = tx(
        net,
        "alice",
        &["execute", &caller, &call, "--gas", "1500000"],
    );
    assert_eq!(r["code"], 5, "{r}");
    assert_eq!(smart(net, &caller, json!({"mark": {}})), "call-failing");
    assert_eq!(smart(net, &counter, json!({"count": {}}))["count"], 11);
    same_app_hash(net).await;
}

/// A valid wasm module that is no contract: no CosmWasm interface version, no allocator.
const NOT_A_CONTRACT_WAT: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 0)))"#;
/// Imports a host function CosmWasm doesn't provide.
const IMPORT_WAT: &str = r#"(module
  (import "env" "steal_keys" (func $steal (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "allocate") (param i32) (result i32) (i32.const 0))
  (func (export "deallocate") (param i32))
  (func (export "interface_version_8"))
  (func (export "instantiate") (param i32 i32 i32) (result i32) (call $steal (i32.const 0))))"#;

fn temp_wasm(name: &str, bytes: &[u8]) -> String {
    let p: PathBuf =
        std::env::temp_dir().join(format!("inferchain-{name}-{}.wasm", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

async fn hostile_contracts(net: &Localnet, codes: &Codes) {
    // Rejected at upload, on chain (fixed gas, so the transaction reaches a block).
    // (Float instructions are not on this list: cosmwasm-vm 3 accepts them and makes them
    // deterministic by canonicalizing NaNs, as wasmd chains do.)
    for (name, wat) in [
        ("not-a-contract", NOT_A_CONTRACT_WAT),
        ("import", IMPORT_WAT),
    ] {
        let file = temp_wasm(name, &wat::parse_str(wat).unwrap());
        let r = tx(net, "alice", &["store", &file, "--gas", "3000000"]);
        assert_eq!(
            (r["codespace"].as_str(), r["code"].as_u64()),
            (Some("wasm"), Some(2)),
            "{name}: {r}"
        );
        assert!(
            r["raw_log"].as_str().unwrap().contains("validation"),
            "{name}: {r}"
        );
    }
    // Oversized: incompressible bytes past 800 KiB are refused before any block.
    let mut big = b"\0asm\x01\0\0\0".to_vec();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while big.len() < 900 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big.extend_from_slice(&x.to_le_bytes());
    }
    let r = tx(
        net,
        "alice",
        &["store", &temp_wasm("big", &big), "--gas", "3000000"],
    );
    assert_eq!(
        (r["codespace"].as_str(), r["code"].as_u64()),
        (Some("wasm"), Some(13)),
        "{r}"
    );

    let hostile = instantiate(net, codes.hostile, json!({}), "hostile", &[]);
    // Infinite loop: stopped by gas.
    let r = tx(
        net,
        "alice",
        &["execute", &hostile, r#"{"loop":{}}"#, "--gas", "2000000"],
    );
    assert_eq!(r["code"], 11, "out of gas: {r}");
    assert!(r["raw_log"].as_str().unwrap().contains("out of gas"), "{r}");
    // Memory bomb: stopped at the instance memory limit.
    let r = tx(
        net,
        "alice",
        &[
            "execute",
            &hostile,
            r#"{"memory_bomb":{}}"#,
            "--gas",
            "20000000",
        ],
    );
    assert_eq!(
        (r["codespace"].as_str(), r["code"].as_u64()),
        (Some("wasm"), Some(5)),
        "{r}"
    );
    // Deep recursion: the wasm stack overflows, the node doesn't.
    let r = tx(
        net,
        "alice",
        &[
            "execute",
            &hostile,
            r#"{"recurse":{"depth":1000000}}"#,
            "--gas",
            "20000000",
        ],
    );
    assert_eq!(
        (r["codespace"].as_str(), r["code"].as_u64()),
        (Some("wasm"), Some(5)),
        "{r}"
    );
    // An endless query is cut off by the query gas limit.
    let out = net
        .cli(&[
            "query",
            "wasm",
            "contract-state",
            "smart",
            &hostile,
            r#"{"loop":{}}"#,
            "--node",
            &net.rpc(0),
            "-o",
            "json",
        ])
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("out of gas"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The contract and the chain are fine afterwards.
    assert_eq!(smart(net, &hostile, json!({"ping": {}})), "pong");
    assert_eq!(
        smart(net, &codes.counter_addr, json!({"count": {}}))["count"],
        42
    );
    still_producing(net).await;
    same_app_hash(net).await;
}

/// Unmodified cosmpy over gRPC: store (and find the code again by checksum), instantiate,
/// execute, query.
async fn cosmpy_flow(net: &Localnet) {
    let out = Command::new(inferchain_e2e::cosmpy_python())
        .arg(repo_root().join("tests/cosmpy/wasm.py"))
        .env("GRPC", net.grpc(0).trim_start_matches("http://"))
        .env("CHAIN_ID", inferchain_e2e::CHAIN_ID)
        .env("MNEMONIC", &net.account("carol").mnemonic)
        .env("WASM", artifact("counter"))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "cosmpy wasm flow failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON line");
    assert_eq!(v["executeCode"], 0, "{v}");
    assert_eq!(v["count"]["count"], 6, "{v}");
    // The same bytes were stored before: the checksum lookup finds one of those codes.
    assert!(v["foundCodeId"].as_u64().unwrap() <= v["codeId"].as_u64().unwrap());
    let addr = v["address"].as_str().unwrap();
    assert_eq!(smart(net, addr, json!({"count": {}}))["count"], 6);
    let info = query_wasm(net, &["contract", addr]);
    assert_eq!(info["contract_info"]["code_id"], v["codeId"].to_string());
    assert_eq!(
        info["contract_info"]["creator"],
        net.account("carol").address
    );
    let carols = query_wasm(
        net,
        &["list-contracts-by-creator", &net.account("carol").address],
    );
    let carols = carols["contract_addresses"].as_array().unwrap();
    assert!(carols.iter().any(|a| a == addr), "{carols:?}");
    same_app_hash(net).await;
}

async fn cosmjs_flow(net: &Localnet) {
    let dir = repo_root().join("tests/cosmjs");
    let out = Command::new("node")
        .arg(dir.join("wasm.mjs"))
        .env("RPC", net.rpc(0))
        .env("MNEMONIC", &net.account("carol").mnemonic)
        .env("WASM", artifact("counter"))
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "CosmJS wasm flow failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(line.lines().last().unwrap()).expect("JSON line");
    // What CosmJS parsed agrees with the chain.
    let addr = v["contractAddress"].as_str().unwrap();
    assert_eq!(
        smart(net, addr, json!({"count": {}}))["count"],
        v["countAfter"]
    );
    assert_eq!(
        v["countAfter"].as_u64(),
        v["countBefore"].as_u64().map(|c| c + 1)
    );
    eprintln!("CosmJS: {v}");
}

/// `localnet/deploy.sh` (what the README's main command runs) deploys staking, challenge,
/// reputation and governance wired to each other, with governance as every admin.
/// Runs `localnet/deploy.sh` on this localnet; returns its `contracts.json`.
fn deploy(net: &Localnet) -> Value {
    let script = repo_root().join("localnet/deploy.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("--dir")
        .arg(&net.dir)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "deploy.sh: {log}");
    serde_json::from_slice(&std::fs::read(net.dir.join("contracts.json")).unwrap()).unwrap()
}

async fn system_contracts_deploy_wired(net: &Localnet) -> Value {
    let deployed = deploy(net);
    let addr = |name: &str| deployed[name]["address"].as_str().unwrap().to_string();
    let (gov, stk, cha, rep) = (
        addr("governance"),
        addr("staking"),
        addr("challenge"),
        addr("reputation"),
    );
    for name in ["staking", "challenge", "reputation", "governance"] {
        let info = query_wasm(net, &["contract", &addr(name)]);
        assert_eq!(info["contract_info"]["admin"], gov, "{name}'s admin");
        assert_eq!(
            info["contract_info"]["code_id"],
            deployed[name]["code_id"].to_string()
        );
    }
    let sorted = |v: &Value| {
        let mut v: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let pair = |a: &str, b: &str| {
        let mut v = vec![a.to_string(), b.to_string()];
        v.sort();
        v
    };
    let c = smart(net, &stk, json!({"config": {}}));
    assert_eq!(
        (c["owner"].as_str(), c["reputation"].as_str()),
        (Some(gov.as_str()), Some(rep.as_str())),
        "{c}"
    );
    assert_eq!(sorted(&c["slashers"]), pair(&cha, &gov));
    let c = smart(net, &rep, json!({"config": {}}));
    assert_eq!(c["owner"], gov);
    assert_eq!(sorted(&c["reporters"]), pair(&cha, &stk));
    let c = smart(net, &cha, json!({"config": {}}));
    assert_eq!(
        (
            c["owner"].as_str(),
            c["staking"].as_str(),
            c["reputation"].as_str()
        ),
        (Some(gov.as_str()), Some(stk.as_str()), Some(rep.as_str()))
    );
    assert_eq!(smart(net, &gov, json!({"config": {}}))["staking"], stk);
    // The offline computation localnet.sh puts into genesis as the wasm authority (run.sh's
    // localnet) names the same governance contract the chain instantiated.
    let salt = hex::encode(b"inferchain-governance");
    let faucet = net.account("faucet").address.clone();
    let offline = net
        .cli_json(&[
            "wasm",
            "address",
            &artifact("governance"),
            &faucet,
            &salt,
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(offline["address"], gov);
    // The deployer is not the admin: only a governance proposal can migrate.
    let r = tx(
        net,
        "faucet",
        &[
            "migrate",
            &rep,
            &deployed["reputation"]["code_id"].to_string(),
            "{}",
            "--gas",
            "600000",
        ],
    );
    assert_eq!(r["code"], 4, "{r}");
    // Running it again changes nothing.
    assert_eq!(deploy(net), deployed);
    deployed
}

async fn pinned(net: &Localnet) -> Vec<u64> {
    use cosmos_sdk_proto::cosmwasm::wasm::v1::{QueryPinnedCodesRequest, QueryPinnedCodesResponse};
    let r: QueryPinnedCodesResponse = net
        .client(0)
        .query(
            "/cosmwasm.wasm.v1.Query/PinnedCodes",
            &QueryPinnedCodesRequest { pagination: None },
        )
        .await
        .unwrap();
    r.code_ids
}

/// Pinning (every node keeps a code compiled in memory) is the wasm authority's: the
/// governance contract, so it takes a proposal. One proposal pins two codes and unpins one.
/// The restart scenario after this one restarts a node whose cache is gone while the counter
/// code is pinned: it must re-pin from state at start.
async fn governance_pins_codes(net: &Localnet, codes: &Codes, deployed: &Value) {
    use base64::Engine;
    use cosmos_sdk_proto::cosmwasm::wasm::v1::{MsgPinCodes, MsgSudoContract, MsgUnpinCodes};
    use prost::Message;
    let gov = deployed["governance"]["address"]
        .as_str()
        .unwrap()
        .to_string();
    let staking = deployed["staking"]["address"].as_str().unwrap().to_string();
    assert!(pinned(net).await.is_empty());

    // Anyone else is refused.
    let bob = net.account("bob").address.clone();
    let forged = MsgPinCodes {
        authority: bob,
        code_ids: vec![codes.counter],
    };
    let r = send_any(
        net,
        "bob",
        "/cosmwasm.wasm.v1.MsgPinCodes",
        forged.encode_to_vec(),
    )
    .await;
    assert_eq!(r["code"], 4, "only the authority pins: {r}");
    let alice = net.account("alice").address.clone();
    let slash = |authority: &str| MsgSudoContract {
        authority: authority.into(),
        contract: staking.clone(),
        msg: json!({"slash": {"address": alice, "fraction": "0.1", "reason": "voted"}})
            .to_string()
            .into_bytes(),
    };
    let r = send_any(
        net,
        "bob",
        "/cosmwasm.wasm.v1.MsgSudoContract",
        slash(&net.account("bob").address).encode_to_vec(),
    )
    .await;
    assert_eq!(r["code"], 4, "only the authority calls sudo: {r}");

    // alice stakes (voting power counts from the next block), proposes, votes.
    ok(
        net,
        &[
            "execute",
            &staking,
            r#"{"bond":{"role":"validator"}}"#,
            "--amount",
            "1000000uspec",
        ],
    );
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(b);
    let pin = MsgPinCodes {
        authority: gov.clone(),
        code_ids: vec![codes.counter, codes.caller],
    };
    let unpin = MsgUnpinCodes {
        authority: gov.clone(),
        code_ids: vec![codes.caller],
    };
    let propose = json!({"propose": {
        "title": "pin the counter",
        "description": "keep the counter code compiled in memory",
        "messages": [
            {"any": {"type_url": "/cosmwasm.wasm.v1.MsgPinCodes", "value": b64(pin.encode_to_vec())}},
            {"any": {"type_url": "/cosmwasm.wasm.v1.MsgUnpinCodes", "value": b64(unpin.encode_to_vec())}},
            {"any": {"type_url": "/cosmwasm.wasm.v1.MsgSudoContract", "value": b64(slash(&gov).encode_to_vec())}},
        ],
    }});
    let r = ok(
        net,
        &[
            "execute",
            &gov,
            &propose.to_string(),
            "--amount",
            "1000000uspec",
        ],
    );
    let id: u64 = attr(&r, "wasm", "proposal_id")
        .expect("proposal id")
        .parse()
        .unwrap();
    let vote = json!({"vote": {"proposal_id": id, "vote": "yes"}}).to_string();
    ok(net, &["execute", &gov, &vote]);
    // A second proposal nobody votes for: it fails (no quorum) and its deposit is burned.
    let idle = json!({"propose": {
        "title": "nobody cares",
        "description": "fails for want of votes",
        "messages": [],
    }});
    let r = ok(
        net,
        &[
            "execute",
            &gov,
            &idle.to_string(),
            "--amount",
            "1000000uspec",
        ],
    );
    let idle_id: u64 = attr(&r, "wasm", "proposal_id")
        .expect("proposal id")
        .parse()
        .unwrap();

    let bonded = |v: &Value| {
        v["stake"]["bonded"]
            .as_str()
            .unwrap()
            .parse::<u128>()
            .unwrap()
    };
    let before = bonded(&smart(net, &staking, json!({"stake": {"address": alice}})));

    // Once the voting period (60 s on the localnet) is over, anyone executes it.
    let execute = json!({"execute": {"proposal_id": id}}).to_string();
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let r = tx(
            net,
            "carol",
            &["execute", &gov, &execute, "--gas", "2000000"],
        );
        if r["code"] == 0 {
            assert_eq!(
                attr(&r, "pin_code", "code_id").as_deref(),
                Some(codes.counter.to_string().as_str()),
                "{r}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "proposal never became executable: {r}"
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    let p = smart(net, &gov, json!({"proposal": {"proposal_id": id}}));
    assert_eq!(p["status"], "executed", "{p}");
    // Closing the failed one burns its deposit (BankMsg::Burn: the supply drops).
    let supply = net.total_supply(0).await.unwrap();
    // The idle proposal was submitted after the executed one: its voting may end later.
    let close = json!({"close": {"proposal_id": idle_id}}).to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    let r = loop {
        let r = tx(net, "carol", &["execute", &gov, &close, "--gas", "1000000"]);
        let still_voting = r["raw_log"]
            .as_str()
            .is_some_and(|l| l.contains("has not ended"));
        if !still_voting || Instant::now() >= deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    assert_eq!(r["code"], 0, "close of a failed proposal: {r}");
    assert_eq!(
        attr(&r, "wasm", "deposit_burned").as_deref(),
        Some("true"),
        "{r}"
    );
    assert_eq!(
        attr(&r, "burn", "amount").as_deref(),
        Some("1000000uspec"),
        "{r}"
    );
    let p = smart(net, &gov, json!({"proposal": {"proposal_id": idle_id}}));
    assert_eq!(p["status"], "rejected", "{p}");
    // carol paid a fee too; fees move to the fee collector, they are not burned.
    assert_eq!(net.total_supply(0).await.unwrap(), supply - 1_000_000);
    // The vote slashed alice's stake through the staking contract's sudo entry point.
    let after = bonded(&smart(net, &staking, json!({"stake": {"address": alice}})));
    assert_eq!(after, before - before / 10, "slashed by a tenth");
    assert_eq!(pinned(net).await, vec![codes.counter]);
    // Pinned code runs as before, with the same gas on every node.
    ok(
        net,
        &["execute", &codes.counter_addr, r#"{"increment":{}}"#],
    );
    assert_eq!(
        smart(net, &codes.counter_addr, json!({"count": {}}))["count"],
        43
    );
    same_app_hash(net).await;
}

/// A challenge run by the deployed challenge contract whose creator never reveals the test
/// set; returns (its id, the creator's balance after paying, the reveal deadline).
#[derive(Clone)]
struct Unrevealed {
    id: u64,
    bounty: u128,
    reveal_deadline: std::time::SystemTime,
}

async fn open_challenge_never_revealed(net: &Localnet, deployed: &Value) -> Unrevealed {
    let challenge = deployed["challenge"]["address"].as_str().unwrap();
    let nanos = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            .to_string()
    };
    let now = std::time::SystemTime::now();
    let reveal_deadline = now + Duration::from_secs(20);
    let create = json!({"create_challenge": {
        "title": "never revealed",
        "description": "the creator walks away",
        "task": "binary_classification",
        "architecture_id": "mlp-16-32-16-1",
        "metric": "accuracy",
        "dataset_uri": "ipfs://none",
        "test_set_hash": "00".repeat(32),
        "submission_deadline": nanos(now + Duration::from_secs(10)),
        "reveal_deadline": nanos(reveal_deadline),
        "scoring_deadline": nanos(now + Duration::from_secs(30)),
        "min_stake": "1000000",
        "payout_bps": [10000],
    }});
    // A creation deposit of 1 SPEC (forfeited) plus a bounty of 5 SPEC (refunded).
    let r = tx(
        net,
        "bob",
        &[
            "execute",
            challenge,
            &create.to_string(),
            "--amount",
            "6000000uspec",
        ],
    );
    assert_eq!(r["code"], 0, "create challenge: {r}");
    let id = attr(&r, "wasm", "challenge_id")
        .expect("challenge id")
        .parse()
        .unwrap();
    Unrevealed {
        id,
        bounty: 5_000_000,
        reveal_deadline,
    }
}

/// Past the reveal deadline anyone cancels: the bounty goes back to the creator and the
/// deposit is burned (it used to fail forever on the chain's missing `BankMsg::Burn`).
async fn cancel_unrevealed_refunds_the_bounty(net: &Localnet, deployed: &Value, c: Unrevealed) {
    let challenge = deployed["challenge"]["address"].as_str().unwrap();
    let bob = net.account("bob").address.clone();
    let cancel = json!({"cancel_unrevealed": {"challenge_id": c.id}}).to_string();
    let deadline = Instant::now() + Duration::from_secs(90);
    while std::time::SystemTime::now() < c.reveal_deadline + Duration::from_secs(2) {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (balance, supply) = (
        net.balance(0, &bob).await.unwrap(),
        net.total_supply(0).await.unwrap(),
    );
    let r = loop {
        let r = tx(
            net,
            "carol",
            &["execute", challenge, &cancel, "--gas", "1000000"],
        );
        // The block time may still trail the wall clock by a block.
        if r["code"] == 0 || Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    assert_eq!(r["code"], 0, "cancel_unrevealed: {r}");
    assert_eq!(
        net.balance(0, &bob).await.unwrap(),
        balance + c.bounty,
        "bounty refunded"
    );
    assert_eq!(
        net.total_supply(0).await.unwrap(),
        supply - 1_000_000,
        "deposit burned"
    );
    let status = smart(net, challenge, json!({"challenge": {"challenge_id": c.id}}));
    assert_eq!(status["status"], "cancelled", "{status}");
    same_app_hash(net).await;
}

/// Signs and sends one message (any type) from a dev account; returns the tx result.
async fn send_any(net: &Localnet, who: &str, type_url: &str, value: Vec<u8>) -> Value {
    use inferchain_app::client::{FeeSetting, GasSetting};
    let fee = FeeSetting {
        gas: GasSetting::Fixed(400_000),
        fees: None,
        gas_price: Some(inferchain_app::coins::GasPrice::parse("0.025uspec").unwrap()),
    };
    let client = net.client(0);
    let msg = tendermint_proto::google::protobuf::Any {
        type_url: type_url.into(),
        value,
    };
    let b = client
        .send_tx(&net.account(who).key(), vec![msg], "", &fee)
        .await
        .unwrap();
    assert_eq!(b.code, 0, "CheckTx: {}", b.log);
    client
        .wait_for_tx(&b.txhash, Duration::from_secs(30))
        .await
        .unwrap()["tx_result"]
        .clone()
}

async fn restart_keeps_contracts(net: &Localnet, codes: &Codes) {
    let addr = &codes.counter_addr;
    let mut timings = Vec::new();
    for (label, wipe_cache) in [("with module cache", false), ("without module cache", true)] {
        let node = 3;
        net.kill9(node).unwrap();
        if wipe_cache {
            std::fs::remove_dir_all(net.home(node).join("data/wasm")).unwrap();
        }
        let t = Instant::now();
        net.start_stopped().unwrap();
        let h = net.height(0).await.unwrap();
        net.wait_height(node, h, Duration::from_secs(60))
            .await
            .unwrap();
        let caught_up = t.elapsed();
        // The first query after the restart loads (or compiles) the module.
        let q = Instant::now();
        let c = net.client(node);
        let r: cosmos_sdk_proto::cosmwasm::wasm::v1::QuerySmartContractStateResponse = c
            .query(
                "/cosmwasm.wasm.v1.Query/SmartContractState",
                &cosmos_sdk_proto::cosmwasm::wasm::v1::QuerySmartContractStateRequest {
                    address: addr.clone(),
                    query_data: br#"{"count":{}}"#.to_vec(),
                },
            )
            .await
            .expect("restarted node answers");
        let first_query = q.elapsed();
        let v: Value = serde_json::from_slice(&r.data).unwrap();
        assert_eq!(v["count"], 43);
        timings.push(format!(
            "{label}: caught up in {caught_up:?}, first contract query {first_query:?}"
        ));
    }
    // Node 0 too, and the contract still executes afterwards on every node.
    net.kill9(0).unwrap();
    net.start_stopped().unwrap();
    net.wait_height(0, net.height(1).await.unwrap(), Duration::from_secs(60))
        .await
        .unwrap();
    let counter = instantiate(
        net,
        codes.counter,
        json!({"count": 100}),
        "after-restart",
        &[],
    );
    ok(net, &["execute", &counter, r#"{"increment":{}}"#]);
    assert_eq!(smart(net, &counter, json!({"count": {}}))["count"], 101);
    still_producing(net).await;
    same_app_hash(net).await;
    eprintln!("restart timings (node3): {}", timings.join("; "));
}
