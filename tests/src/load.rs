//! A load generator for **any** Cosmos chain, over its public interfaces only: CometBFT RPC
//! (`broadcast_tx_sync`, `block`, `status`, `tx`) and the SDK's ABCI query paths (auth
//! accounts, tx simulation, contract queries), transactions signed with SIGN_MODE_DIRECT and
//! secp256k1. The same code loads InferChain and wasmd (`localnet/perf.sh` runs both).
//!
//! A run: the funder (a genesis account, by mnemonic) gives `accounts` fresh accounts coins
//! (one `MsgMultiSend`) and, for cw20, tokens; each account pre-signs `txs_per_account`
//! transactions of the workload; all accounts broadcast at once, each in sequence order;
//! then the blocks of the run are read back. Reported: committed tx/s at saturation (first
//! broadcast to the block holding the last tx), p50/p99 confirmation latency (broadcast →
//! the block holding it first seen over RPC), mean block interval (header times), and the node
//! processes' CPU time and peak RSS (from /proc, for the pids given).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use cosmos_sdk_proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::Fee;
use cosmos_sdk_proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgInstantiateContract, MsgStoreCode, QuerySmartContractStateRequest,
    QuerySmartContractStateResponse,
};
use inferchain_app::address::Address;
use inferchain_app::client::Client;
use inferchain_app::keyring::{key_from_mnemonic, pubkey_bytes};
use inferchain_app::modules::to_any;
use inferchain_app::rpc_client::num;
use k256::ecdsa::SigningKey;
use prost::Message;
use serde_json::{json, Value};
use sha2::Digest;
use tendermint_proto::google::protobuf::Any;

/// What each transaction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A `MsgSend` of 1 unit back to the funder.
    Bank,
    /// `{"increment":{}}` on one counter contract (every account on the same one).
    Counter,
    /// A cw20-base `transfer` of 1 token to the funder.
    Cw20,
}

impl std::str::FromStr for Workload {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "bank" => Workload::Bank,
            "counter" | "wasm" => Workload::Counter,
            "cw20" => Workload::Cw20,
            other => bail!("unknown workload {other:?} (bank, counter, cw20)"),
        })
    }
}

/// The chain and the run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub rpc: String,
    pub chain_id: String,
    /// Bech32 prefix of account addresses (`infer`, `wasm`).
    pub prefix: String,
    /// Fee denom and price per gas unit (both chains run the same).
    pub denom: String,
    pub gas_price: f64,
    pub funder_mnemonic: String,
    pub workload: Workload,
    /// The contract's code to upload for `Counter` / `Cw20` (the run instantiates it).
    pub wasm: Option<std::path::PathBuf>,
    pub accounts: usize,
    pub txs_per_account: usize,
    /// Node processes to measure (InferChain: the app and CometBFT; wasmd: one).
    pub pids: Vec<u32>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub workload: String,
    pub chain_id: String,
    pub txs: usize,
    pub committed: usize,
    pub tx_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub block_interval_ms: f64,
    pub blocks: u64,
    pub gas_per_tx: u64,
    /// CPU seconds the node processes used per second of the run (1.0 = a core), read from
    /// just before the first broadcast until every transaction was found by /tx.
    pub node_cpu_cores: f64,
    pub node_peak_rss_mib: f64,
}

fn bech32(prefix: &str, addr: &Address) -> Result<String> {
    let hrp = bech32::Hrp::parse(prefix).context("bech32 prefix")?;
    Ok(bech32::encode::<bech32::Bech32>(hrp, addr.as_bytes())?)
}

struct Signer {
    key: SigningKey,
    address: String,
    number: u64,
    sequence: u64,
}

struct Chain {
    client: Client,
    cfg: LoadConfig,
}

impl Chain {
    async fn account(&self, address: &str) -> Result<BaseAccount> {
        let r: QueryAccountResponse = self
            .client
            .query(
                "/cosmos.auth.v1beta1.Query/Account",
                &QueryAccountRequest {
                    address: address.into(),
                },
            )
            .await
            .with_context(|| format!("account {address}"))?;
        let any = r.account.context("no account")?;
        Ok(BaseAccount::decode(any.value.as_slice())?)
    }

    async fn signer(&self, key: SigningKey) -> Result<Signer> {
        let address = bech32(
            &self.cfg.prefix,
            &Address::from_secp256k1(&pubkey_bytes(&key)),
        )?;
        let a = self.account(&address).await?;
        Ok(Signer {
            key,
            address,
            number: a.account_number,
            sequence: a.sequence,
        })
    }

    fn coins(&self, amount: u128) -> Vec<Coin> {
        vec![Coin {
            denom: self.cfg.denom.clone(),
            amount: amount.to_string(),
        }]
    }

    fn fee(&self, gas: u64) -> Fee {
        Fee {
            amount: self.coins((gas as f64 * self.cfg.gas_price).ceil() as u128),
            gas_limit: gas,
            ..Default::default()
        }
    }

    /// Simulated gas of `msgs` from `s`, with a margin.
    async fn gas(&self, s: &Signer, msgs: Vec<Any>) -> Result<u64> {
        let used = self.client.simulate(&s.key, msgs, "", s.sequence).await?;
        ensure!(used > 0, "simulation reported no gas");
        Ok(used * 13 / 10 + 5_000)
    }

    /// Signs, broadcasts and waits for one transaction of `s`; its committed result.
    async fn run_tx(&self, s: &mut Signer, msgs: Vec<Any>) -> Result<Value> {
        let gas = self.gas(s, msgs.clone()).await?;
        let tx = self
            .client
            .sign(&s.key, msgs, "", s.number, s.sequence, self.fee(gas));
        let b = self.client.broadcast(&tx).await?;
        ensure!(b.code == 0, "CheckTx refused: {} (code {})", b.log, b.code);
        let r = self
            .client
            .wait_for_tx(&b.txhash, Duration::from_secs(60))
            .await?;
        ensure!(r["tx_result"]["code"] == 0, "tx failed: {r}");
        s.sequence += 1;
        Ok(r)
    }

    async fn deploy(&self, s: &mut Signer, wasm: &[u8], init: Value) -> Result<String> {
        let store = to_any(&MsgStoreCode {
            sender: s.address.clone(),
            wasm_byte_code: crate::gzip(wasm)?,
            instantiate_permission: None,
        });
        let r = self.run_tx(s, vec![store]).await?;
        let code_id: u64 = event_attr(&r, "store_code", "code_id")
            .context("no code_id in the store result")?
            .parse()?;
        let inst = to_any(&MsgInstantiateContract {
            sender: s.address.clone(),
            admin: String::new(),
            code_id,
            label: "load".into(),
            msg: init.to_string().into_bytes(),
            funds: vec![],
        });
        let r = self.run_tx(s, vec![inst]).await?;
        event_attr(&r, "instantiate", "_contract_address").context("no contract address")
    }

    async fn smart(&self, contract: &str, q: Value) -> Result<Value> {
        let r: QuerySmartContractStateResponse = self
            .client
            .query(
                "/cosmwasm.wasm.v1.Query/SmartContractState",
                &QuerySmartContractStateRequest {
                    address: contract.into(),
                    query_data: q.to_string().into_bytes(),
                },
            )
            .await?;
        Ok(serde_json::from_slice(&r.data)?)
    }

    async fn height(&self) -> Result<u64> {
        Ok(num(
            &self.client.rpc.status().await?["sync_info"]["latest_block_height"]
        ))
    }
}

/// Attribute `key` of the first `ty` event in a `/tx` result.
pub fn event_attr(r: &Value, ty: &str, key: &str) -> Option<String> {
    r["tx_result"]["events"]
        .as_array()?
        .iter()
        .filter(|e| e["type"] == ty)
        .flat_map(|e| e["attributes"].as_array().cloned().unwrap_or_default())
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"].as_str().map(String::from))
}

/// CPU seconds (user + system) and peak RSS (MiB) of `pid`, from /proc.
fn proc_usage(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces, so split after its ')').
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm_kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    // USER_HZ is 100 on Linux.
    Some((ticks / 100.0, hwm_kib / 1024.0))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs the load described by `cfg` and reports what it measured; fails if any transaction
/// was refused or not committed.
pub async fn run(cfg: LoadConfig) -> Result<Report> {
    let chain = Chain {
        client: Client::new(&cfg.rpc, &cfg.chain_id),
        cfg: cfg.clone(),
    };
    let mut funder = chain
        .signer(key_from_mnemonic(&cfg.funder_mnemonic)?)
        .await
        .context("the funder's account")?;

    // The contract, deployed by the funder.
    let wasm = match &cfg.wasm {
        Some(p) => Some(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?),
        None => None,
    };
    let contract = match (cfg.workload, &wasm) {
        (Workload::Bank, _) => None,
        (Workload::Counter, Some(w)) => {
            Some(chain.deploy(&mut funder, w, json!({"count": 0})).await?)
        }
        (Workload::Cw20, Some(w)) => {
            let init = json!({"name": "Load", "symbol": "LOAD", "decimals": 6,
                "initial_balances": [{"address": funder.address, "amount": "1000000000000"}]});
            Some(chain.deploy(&mut funder, w, init).await?)
        }
        (w, None) => bail!("the {w:?} workload needs the contract's wasm"),
    };

    // Fresh accounts, funded in one transaction (and given tokens in one more).
    let mut signers = Vec::with_capacity(cfg.accounts);
    let mut outputs = Vec::new();
    let mut keys = Vec::new();
    for i in 0..cfg.accounts {
        let key = SigningKey::from_slice(&sha2::Sha256::digest(format!(
            "load/{}/{i}/{}",
            cfg.chain_id,
            rand_suffix()
        )))
        .context("a key")?;
        let address = bech32(&cfg.prefix, &Address::from_secp256k1(&pubkey_bytes(&key)))?;
        outputs.push(Output {
            address: address.clone(),
            coins: chain.coins(1_000_000_000),
        });
        keys.push(key);
    }
    let fund = to_any(&MsgMultiSend {
        inputs: vec![Input {
            address: funder.address.clone(),
            coins: chain.coins(1_000_000_000 * cfg.accounts as u128),
        }],
        outputs,
    });
    chain
        .run_tx(&mut funder, vec![fund])
        .await
        .context("funding the accounts")?;
    if let (Workload::Cw20, Some(token)) = (cfg.workload, &contract) {
        // In transactions of 32 transfers: all of them in one would ask for more gas than a
        // transaction may (InferChain's cap is 20 M).
        for batch in keys.chunks(32) {
            let mut msgs = Vec::new();
            for key in batch {
                let to = bech32(&cfg.prefix, &Address::from_secp256k1(&pubkey_bytes(key)))?;
                msgs.push(to_any(&MsgExecuteContract {
                    sender: funder.address.clone(),
                    contract: token.clone(),
                    msg: json!({"transfer": {"recipient": to, "amount": "1000000"}})
                        .to_string()
                        .into_bytes(),
                    funds: vec![],
                }));
            }
            chain
                .run_tx(&mut funder, msgs)
                .await
                .context("giving the accounts tokens")?;
        }
    }
    for key in keys {
        signers.push(chain.signer(key).await?);
    }

    let msg_of = |s: &Signer| -> Any {
        match (cfg.workload, &contract) {
            (Workload::Bank, _) => to_any(&MsgSend {
                from_address: s.address.clone(),
                to_address: funder.address.clone(),
                amount: chain.coins(1),
            }),
            (Workload::Counter, Some(c)) => to_any(&MsgExecuteContract {
                sender: s.address.clone(),
                contract: c.clone(),
                msg: br#"{"increment":{}}"#.to_vec(),
                funds: vec![],
            }),
            (_, c) => to_any(&MsgExecuteContract {
                sender: s.address.clone(),
                contract: c.clone().unwrap_or_default(),
                msg: json!({"transfer": {"recipient": funder.address, "amount": "1"}})
                    .to_string()
                    .into_bytes(),
                funds: vec![],
            }),
        }
    };
    // One simulation sizes every transaction of the run (they are alike).
    let gas = chain.gas(&signers[0], vec![msg_of(&signers[0])]).await?;
    eprintln!(
        "load: pre-signing {} x {} {:?} transactions ({gas} gas each)",
        cfg.accounts, cfg.txs_per_account, cfg.workload
    );
    let mut signed: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
    for s in &signers {
        let txs = (0..cfg.txs_per_account)
            .map(|i| {
                let tx = chain.client.sign(
                    &s.key,
                    vec![msg_of(s)],
                    "",
                    s.number,
                    s.sequence + i as u64,
                    chain.fee(gas),
                );
                (hex::encode_upper(sha2::Sha256::digest(&tx)), tx)
            })
            .collect();
        signed.push(txs);
    }

    // First sight of each height, by a watcher polling the RPC.
    let seen: Arc<Mutex<BTreeMap<u64, Instant>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (seen, stop) = (seen.clone(), stop.clone());
        let rpc = inferchain_app::rpc_client::CometRpc::new(&cfg.rpc);
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(s) = rpc.status().await {
                    let h = num(&s["sync_info"]["latest_block_height"]);
                    seen.lock().unwrap().entry(h).or_insert_with(Instant::now);
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        })
    };
    let usage_before: Vec<_> = cfg.pids.iter().filter_map(|p| proc_usage(*p)).collect();
    let usage_from = Instant::now();
    let start_height = chain.height().await?;
    let start = Instant::now();
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut tasks = Vec::new();
    for txs in signed {
        let client = Client::new(&cfg.rpc, &cfg.chain_id);
        let sent = sent.clone();
        tasks.push(tokio::spawn(async move {
            let mut last = String::new();
            for (hash, tx) in txs {
                sent.lock().unwrap().insert(hash.clone(), Instant::now());
                let b = client.broadcast(&tx).await?;
                ensure!(
                    b.code == 0,
                    "CheckTx refused a load tx: {} (code {})",
                    b.log,
                    b.code
                );
                last = hash;
            }
            Ok::<String, anyhow::Error>(last)
        }));
    }
    let mut lasts = Vec::new();
    for t in tasks {
        lasts.push(t.await??);
    }
    let client = Client::new(&cfg.rpc, &cfg.chain_id);
    let mut end_height = start_height;
    for h in &lasts {
        let r = client.wait_for_tx(h, Duration::from_secs(300)).await?;
        ensure!(r["tx_result"]["code"] == 0, "a load tx failed: {r}");
        end_height = end_height.max(num(&r["height"]));
    }
    // The watcher must have seen the last height before it stops.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.lock().unwrap().contains_key(&end_height) {
        ensure!(
            Instant::now() < deadline,
            "height {end_height} never seen by the watcher"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    watcher.await?;
    let usage_after: Vec<_> = cfg.pids.iter().filter_map(|p| proc_usage(*p)).collect();
    // Over the window the usage was read in, which runs past the last block: CometBFT indexes
    // a block's transactions after it commits, and the /tx lookups above wait for that.
    let usage_secs = usage_from.elapsed().as_secs_f64().max(1e-6);

    // Where each transaction landed, and the blocks' times.
    let seen = seen.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    let mut latencies = Vec::new();
    let mut times = Vec::new();
    let mut committed = 0usize;
    let mut last_block_seen = start;
    for h in start_height + 1..=end_height {
        let b = client
            .rpc
            .call("block", json!({"height": h.to_string()}))
            .await?;
        times.push(
            b["block"]["header"]["time"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        let at = seen
            .range(h..)
            .next()
            .map(|(_, t)| *t)
            .context("a height the watcher never saw")?;
        for tx in b["block"]["data"]["txs"].as_array().into_iter().flatten() {
            let bytes = inferchain_app::rpc_client::b64(Some(tx))?;
            let hash = hex::encode_upper(sha2::Sha256::digest(&bytes));
            if let Some(t) = sent.get(&hash) {
                committed += 1;
                latencies.push(at.duration_since(*t).as_secs_f64() * 1000.0);
                last_block_seen = last_block_seen.max(at);
            }
        }
    }
    let total = cfg.accounts * cfg.txs_per_account;
    ensure!(
        committed == total,
        "{committed} of {total} load txs found in blocks"
    );
    latencies.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let elapsed = last_block_seen
        .duration_since(start)
        .as_secs_f64()
        .max(1e-6);
    let block_interval_ms = block_interval_ms(&times);
    let cpu: f64 = usage_after
        .iter()
        .zip(&usage_before)
        .map(|(a, b)| a.0 - b.0)
        .sum();
    let rss: f64 = usage_after.iter().map(|u| u.1).sum();
    // A counter that counted every increment: the chain did the work, not just included it.
    if let (Workload::Counter, Some(c)) = (cfg.workload, &contract) {
        let v = chain.smart(c, json!({"count": {}})).await?;
        ensure!(
            v["count"].as_u64() == Some(total as u64),
            "counter is {v}, expected {total}"
        );
    }
    Ok(Report {
        workload: format!("{:?}", cfg.workload).to_lowercase(),
        chain_id: cfg.chain_id.clone(),
        txs: total,
        committed,
        tx_per_s: committed as f64 / elapsed,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        block_interval_ms,
        blocks: end_height - start_height,
        gas_per_tx: gas,
        node_cpu_cores: cpu / usage_secs,
        node_peak_rss_mib: rss,
    })
}

/// Mean interval between consecutive RFC 3339 header times, in ms.
fn block_interval_ms(times: &[String]) -> f64 {
    let parse = |t: &str| -> Option<f64> {
        // 2026-12-02T16:20:09.123456789Z: seconds of the day are enough for intervals
        // within a run (a run crossing midnight UTC reads one negative interval).
        let clock = t.split('T').nth(1)?.trim_end_matches('Z');
        let mut parts = clock.split(':');
        let h: f64 = parts.next()?.parse().ok()?;
        let m: f64 = parts.next()?.parse().ok()?;
        let s: f64 = parts.next()?.parse().ok()?;
        Some(h * 3600.0 + m * 60.0 + s)
    };
    let secs: Vec<f64> = times.iter().filter_map(|t| parse(t)).collect();
    if secs.len() < 2 {
        return 0.0;
    }
    (secs[secs.len() - 1] - secs[0]) * 1000.0 / (secs.len() - 1) as f64
}

/// Fresh keys per run (a chain keeps the accounts of earlier runs).
fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}
