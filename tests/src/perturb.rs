//! Perturbations, after CometBFT's e2e runner: a running localnet of four validators under a
//! steady load of bank transfers, and rounds that each pick a random validator and either
//! `kill -9` it (app and CometBFT) and restart it, pause it (SIGSTOP, then SIGCONT), or cut it
//! off its peers (restarted on another p2p port with no peers and no peer exchange, then
//! restarted as it was). While one is down the other three must keep making blocks; after each
//! round every validator must catch up. Afterwards all four must report the same app hash at
//! every height, and the load must reconcile: every transfer that got a committed result is
//! in the state exactly once (the sink's balance is the sum of the committed transfers, each
//! sender's sequence moved by exactly its committed transactions).

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::Fee;
use inferchain_app::address::Address;
use inferchain_app::modules::to_any;
use inferchain_app::rpc_client::num;

use crate::Localnet;

/// What a run did, for the note and the script's output.
#[derive(Debug, Default, Clone)]
pub struct PerturbReport {
    pub rounds: usize,
    pub kills: usize,
    pub pauses: usize,
    pub partitions: usize,
    pub txs_sent: usize,
    pub txs_committed: usize,
    /// Committed transfers whose effect the state shows (all of them, or the run fails).
    pub txs_reconciled: usize,
    pub heights_compared: u64,
}

/// A small deterministic generator (xorshift64*): the seed names the run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One transfer the load sent: who, how much, and its hash.
#[derive(Clone)]
struct Sent {
    sender: String,
    amount: u128,
    hash: String,
}

fn pids(net: &Localnet, i: usize) -> Result<Vec<String>> {
    ["app.pid", "cometbft.pid"]
        .iter()
        .map(|f| {
            Ok(std::fs::read_to_string(net.home(i).join(f))
                .with_context(|| format!("node{i} {f}"))?
                .trim()
                .to_string())
        })
        .collect()
}

fn signal(net: &Localnet, i: usize, sig: &str) -> Result<()> {
    for pid in pids(net, i)? {
        let ok = Command::new("kill").args([sig, &pid]).status()?.success();
        ensure!(ok, "kill {sig} {pid} failed");
    }
    Ok(())
}

/// Rewrites node `i`'s CometBFT config so no peer can reach it and it reaches none: another
/// p2p port, no persistent peers, no peer exchange, no address book. Returns the original.
fn isolate_config(net: &Localnet, i: usize) -> Result<String> {
    let path = net.home(i).join("config/config.toml");
    let original = std::fs::read_to_string(&path)?;
    let mut section = String::new();
    let out: Vec<String> = original
        .lines()
        .map(|line| {
            if line.starts_with('[') {
                section = line.trim().to_string();
            }
            let key = line.split('=').next().unwrap_or_default().trim();
            match (section.as_str(), key) {
                ("[p2p]", "laddr") => {
                    format!(
                        "laddr = \"tcp://127.0.0.1:{}\"",
                        26656 + 100 * i as u32 + net.offset + 50
                    )
                }
                ("[p2p]", "persistent_peers") => "persistent_peers = \"\"".into(),
                ("[p2p]", "pex") => "pex = false".into(),
                _ => line.to_string(),
            }
        })
        .collect();
    std::fs::write(&path, out.join("\n") + "\n")?;
    let _ = std::fs::remove_file(net.home(i).join("config/addrbook.json"));
    Ok(original)
}

impl Localnet {
    /// Waits until `node` makes `blocks` new blocks (the chain is live without the others).
    async fn advances(&self, node: usize, blocks: u64, within: Duration) -> Result<()> {
        let from = self.height(node).await?;
        self.wait_height(node, from + blocks, within).await
    }

    /// Waits until every validator reaches the highest height any of them reported.
    async fn all_caught_up(&self, within: Duration) -> Result<()> {
        let mut top = 0;
        for i in 0..self.validators {
            top = top.max(self.height(i).await.unwrap_or(0));
        }
        for i in 0..self.validators {
            self.wait_height(i, top, within).await?;
        }
        Ok(())
    }
}

/// The steady load: each sender transfers to `sink` one transaction at a time, on a random
/// node that is up, waiting for each; a transaction that does not commit in time is left to
/// the reconciliation (it may still commit later) and the sender goes on from the chain's
/// sequence.
async fn load(
    net: Arc<Localnet>,
    senders: Vec<(String, k256::ecdsa::SigningKey)>,
    sink: String,
    up: Arc<Mutex<Vec<bool>>>,
    stop: Arc<AtomicBool>,
    sent: Arc<Mutex<Vec<Sent>>>,
) {
    let mut tasks = Vec::new();
    for (n, (address, key)) in senders.into_iter().enumerate() {
        let (net, sink, up, stop, sent) = (
            net.clone(),
            sink.clone(),
            up.clone(),
            stop.clone(),
            sent.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9e37_79b9 ^ (n as u64 + 1) * 0x1234_5678);
            let addr: Address = address.parse().expect("a dev address");
            while !stop.load(Ordering::Relaxed) {
                let alive: Vec<usize> = {
                    let up = up.lock().unwrap();
                    (0..up.len()).filter(|i| up[*i]).collect()
                };
                let node = alive[rng.below(alive.len() as u64) as usize];
                let client = net.client(node);
                let Ok(account) = client.account(&addr).await else {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                };
                let amount = 1 + rng.below(1000) as u128;
                let msg = to_any(&MsgSend {
                    from_address: address.clone(),
                    to_address: sink.clone(),
                    amount: vec![Coin {
                        denom: "uspec".into(),
                        amount: amount.to_string(),
                    }],
                });
                let fee = Fee {
                    amount: vec![Coin {
                        denom: "uspec".into(),
                        amount: "5000".into(),
                    }],
                    gas_limit: 200_000,
                    ..Default::default()
                };
                let tx = client.sign(
                    &key,
                    vec![msg],
                    "",
                    account.account_number,
                    account.sequence,
                    fee,
                );
                let Ok(b) = client.broadcast(&tx).await else {
                    continue;
                };
                if b.code != 0 {
                    // Refused at CheckTx (e.g. the node's mempool already holds this sequence):
                    // nothing can commit from it.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
                sent.lock().unwrap().push(Sent {
                    sender: address.clone(),
                    amount,
                    hash: b.txhash.clone(),
                });
                let _ = client.wait_for_tx(&b.txhash, Duration::from_secs(15)).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

/// Runs `rounds` perturbations on `net`'s validators under load; see the module's doc.
pub async fn perturb(net: Arc<Localnet>, rounds: usize, seed: u64) -> Result<PerturbReport> {
    ensure!(
        net.validators >= 4,
        "perturbations need four validators (three stay up)"
    );
    let mut rng = Rng(seed.max(1));
    let mut report = PerturbReport {
        rounds,
        ..Default::default()
    };
    let sink = Address::from_secp256k1(&[seed as u8 | 1; 33]).to_bech32();
    let names = ["alice", "bob", "carol"];
    let senders: Vec<_> = names
        .iter()
        .map(|n| (net.account(n).address.clone(), net.account(n).key()))
        .collect();
    let mut start_seq = BTreeMap::new();
    for (a, _) in &senders {
        start_seq.insert(
            a.clone(),
            net.client(0).account(&a.parse()?).await?.sequence,
        );
    }
    let sink_before = net.balance(0, &sink).await?;
    let up = Arc::new(Mutex::new(vec![true; net.validators]));
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(Mutex::new(Vec::new()));
    let loader = tokio::spawn(load(
        net.clone(),
        senders.clone(),
        sink.clone(),
        up.clone(),
        stop.clone(),
        sent.clone(),
    ));

    for round in 0..rounds {
        let victim = rng.below(net.validators as u64) as usize;
        let witness = (victim + 1 + rng.below(net.validators as u64 - 1) as usize) % net.validators;
        let kind = rng.below(3);
        eprintln!(
            "perturb round {}/{rounds}: node{victim} {}",
            round + 1,
            [
                "kill -9 + restart",
                "pause (SIGSTOP/SIGCONT)",
                "cut off its peers"
            ][kind as usize]
        );
        up.lock().unwrap()[victim] = false;
        match kind {
            0 => {
                report.kills += 1;
                net.kill9(victim)?;
                net.advances(witness, 2, Duration::from_secs(30)).await?;
                net.start_stopped()?;
            }
            1 => {
                report.pauses += 1;
                signal(&net, victim, "-STOP")?;
                let live = net.advances(witness, 2, Duration::from_secs(30)).await;
                signal(&net, victim, "-CONT")?;
                live?;
            }
            _ => {
                report.partitions += 1;
                net.kill9(victim)?;
                let original = isolate_config(&net, victim)?;
                net.start_stopped()?;
                let live = net.advances(witness, 3, Duration::from_secs(30)).await;
                net.kill9(victim)?;
                std::fs::write(net.home(victim).join("config/config.toml"), original)?;
                net.start_stopped()?;
                live?;
            }
        }
        net.all_caught_up(Duration::from_secs(120))
            .await
            .with_context(|| format!("round {}: node{victim} did not catch up", round + 1))?;
        up.lock().unwrap()[victim] = true;
    }

    stop.store(true, Ordering::Relaxed);
    loader.await?;
    // Let in-flight transactions land, then compare and reconcile on settled state.
    let h = net.common_height().await + 2;
    for i in 0..net.validators {
        net.wait_height(i, h + 1, Duration::from_secs(60)).await?;
    }
    for height in 1..=h {
        let first = net.app_hash_after(0, height).await?;
        ensure!(!first.is_empty(), "no app hash after height {height}");
        for i in 1..net.validators {
            let other = net.app_hash_after(i, height).await?;
            if other != first {
                bail!("node{i} disagrees with node0 after height {height}: {other} vs {first}");
            }
        }
    }
    report.heights_compared = h;

    let sent = sent.lock().unwrap().clone();
    report.txs_sent = sent.len();
    let client = net.client(0);
    let mut committed_amount = 0u128;
    let mut committed_by: BTreeMap<String, u64> = BTreeMap::new();
    for s in &sent {
        let Some(r) = client.rpc.tx(&s.hash).await? else {
            continue;
        };
        report.txs_committed += 1;
        *committed_by.entry(s.sender.clone()).or_default() += 1;
        if num(&r["tx_result"]["code"]) == 0 {
            committed_amount += s.amount;
        }
    }
    let sink_after = net.balance(0, &sink).await?;
    ensure!(
        sink_after - sink_before == committed_amount,
        "the sink received {} but the committed transfers add up to {committed_amount}",
        sink_after - sink_before
    );
    for (a, _) in &senders {
        let end = net.client(0).account(&a.parse()?).await?.sequence;
        let moved = end - start_seq[a];
        let committed = committed_by.get(a).copied().unwrap_or(0);
        ensure!(
            moved == committed,
            "{a}: sequence moved by {moved}, {committed} of its transactions committed"
        );
    }
    report.txs_reconciled = report.txs_committed;
    ensure!(
        report.txs_committed > 0,
        "no transaction of the load committed"
    );
    Ok(report)
}

/// The seed of a run: `INFERCHAIN_PERTURB_SEED` or the clock.
pub fn seed() -> u64 {
    std::env::var("INFERCHAIN_PERTURB_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}
