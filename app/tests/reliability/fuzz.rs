//! Fuzzing on stable Rust, bounded: mutated inputs, grown from a corpus of valid ones, thrown
//! at every decoder a peer or a client reaches, with the node's own entry points (not behind
//! the panic guards the ABCI server adds, so a panic anywhere fails the target):
//!
//! - `tx_bytes`: a transaction's bytes through decoding, CheckTx and a decided block;
//! - `tx_messages`: correctly signed transactions carrying mutated messages of every type the
//!   router knows, through CheckTx and blocks (the handlers' own decoding and checks);
//! - `queries`: every ABCI query path the router serves, plus `store/…` proofs, with mutated
//!   request bytes and heights;
//! - `proofs`: the proof envelope and the plonky2 verifier with a mutated real proof;
//! - `contract_json`: a deployed contract's execute and query messages with mutated JSON.
//!
//! Each target must not panic, and no single allocation may pass `ALLOC_LIMIT` (a counting
//! global allocator watches). Size: `INFERCHAIN_FUZZ_SECS` per target if set (the long run,
//! `tests/fuzz.sh`), else a bounded number of executions for CI. A failure prints the seed
//! and the input; `INFERCHAIN_FUZZ_SEED` replays a seed.

use std::time::{Duration, Instant};

use inferchain_app::harness::economy::{economy, exec, Economy, ARCH};
use inferchain_app::harness::{fee_for, Account, CHAIN_ID};
use inferchain_app::modules::to_any;
use inferchain_verifier::{
    input_hash, prove_inference, request_binding, verify_inference, ArchSpec, Envelope, Mode,
    ProofKind,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tendermint_proto::google::protobuf::Any;
use tendermint_proto::v0_38::abci::RequestQuery;

use crate::{largest_allocation, ALLOC_LIMIT};

/// How long a target runs: executions (CI) or seconds (the long run).
struct Budget {
    execs: u64,
    secs: Option<u64>,
}

impl Budget {
    fn new(execs: u64) -> Self {
        let secs = std::env::var("INFERCHAIN_FUZZ_SECS")
            .ok()
            .and_then(|s| s.parse().ok());
        Budget { execs, secs }
    }
    fn more(&self, done: u64, started: Instant) -> bool {
        match self.secs {
            Some(s) => started.elapsed() < Duration::from_secs(s),
            None => done < self.execs,
        }
    }
}

fn seed() -> u64 {
    std::env::var("INFERCHAIN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::random::<u32>() as u64)
}

/// Byte-level mutations, the ones that find decoder bugs: bit flips, boundary bytes, long
/// varints (huge lengths), inserted, deleted and duplicated runs, truncation, and splices
/// from another corpus entry.
struct Mutator {
    rng: StdRng,
}

impl Mutator {
    fn mutate(&mut self, base: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut out = base.to_vec();
        for _ in 0..self.rng.gen_range(1..=4) {
            let len = out.len();
            let at = if len == 0 {
                0
            } else {
                self.rng.gen_range(0..len)
            };
            match self.rng.gen_range(0..9) {
                0 if len > 0 => out[at] ^= 1 << self.rng.gen_range(0..8),
                1 if len > 0 => out[at] = [0x00, 0x01, 0x7f, 0x80, 0xff][self.rng.gen_range(0..5)],
                2 => {
                    let n = self.rng.gen_range(1..16);
                    let bytes: Vec<u8> = (0..n).map(|_| self.rng.gen()).collect();
                    out.splice(at..at, bytes);
                }
                3 if len > 0 => {
                    let end = (at + self.rng.gen_range(1..32)).min(len);
                    out.drain(at..end);
                }
                4 if len > 0 => {
                    let end = (at + self.rng.gen_range(1..64)).min(len);
                    let run = out[at..end].to_vec();
                    out.splice(at..at, run);
                }
                5 => {
                    let varint = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
                    let n = self.rng.gen_range(1..=varint.len());
                    out.splice(at..at, varint[..n].iter().copied());
                }
                6 if len > 0 => out.truncate(at),
                7 if !corpus.is_empty() => {
                    let other = &corpus[self.rng.gen_range(0..corpus.len())];
                    if !other.is_empty() {
                        let from = self.rng.gen_range(0..other.len());
                        let end = (from + self.rng.gen_range(1..128)).min(other.len());
                        out.splice(at..at, other[from..end].iter().copied());
                    }
                }
                _ if len > 0 => {
                    let i = self.rng.gen_range(0..len);
                    out[i] = self.rng.gen();
                }
                _ => out.push(self.rng.gen()),
            }
        }
        out
    }

    /// JSON-aware mutations of a message: swaps values for edge cases (huge and negative
    /// numbers, long and odd strings, wrong types, deep nesting), drops and adds keys; or,
    /// sometimes, byte mutations of its text.
    fn mutate_json(&mut self, v: &serde_json::Value, corpus: &[Vec<u8>]) -> Vec<u8> {
        if self.rng.gen_bool(0.3) {
            return self.mutate(v.to_string().as_bytes(), corpus);
        }
        let mut v = v.clone();
        for _ in 0..self.rng.gen_range(1..=3) {
            self.mutate_value(&mut v, 0);
        }
        v.to_string().into_bytes()
    }

    fn edge_value(&mut self) -> serde_json::Value {
        use serde_json::json;
        match self.rng.gen_range(0..12) {
            0 => json!(null),
            1 => json!(-1),
            2 => json!(u64::MAX),
            3 => json!("340282366920938463463374607431768211456"),
            4 => json!("-5"),
            5 => json!(""),
            6 => json!("x".repeat(self.rng.gen_range(100..20_000))),
            7 => json!("\u{0}\u{ffff}☃"),
            8 => json!([]),
            9 => json!({}),
            10 => {
                let mut deep = json!(1);
                for _ in 0..self.rng.gen_range(10..200) {
                    deep = json!([deep]);
                }
                deep
            }
            _ => json!(1.5e300),
        }
    }

    fn mutate_value(&mut self, v: &mut serde_json::Value, depth: usize) {
        use serde_json::Value;
        match v {
            Value::Object(map) if !map.is_empty() && depth < 6 => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let k = keys[self.rng.gen_range(0..keys.len())].clone();
                match self.rng.gen_range(0..4) {
                    0 => {
                        map.remove(&k);
                    }
                    1 => {
                        let e = self.edge_value();
                        map.insert(format!("{k}_extra"), e);
                    }
                    _ => self.mutate_value(map.get_mut(&k).expect("key"), depth + 1),
                }
            }
            Value::Array(items) if !items.is_empty() && depth < 6 => {
                let i = self.rng.gen_range(0..items.len());
                self.mutate_value(&mut items[i], depth + 1);
            }
            other => *other = self.edge_value(),
        }
    }
}

/// Runs `target` on `budget` mutated inputs, each from a random corpus entry; on a panic or
/// an oversized allocation, reports the seed and the input, then fails.
fn fuzz(
    name: &str,
    budget: Budget,
    corpus: &[Vec<u8>],
    mut input: impl FnMut(&mut Mutator, &[Vec<u8>]) -> Vec<u8>,
    mut target: impl FnMut(&[u8]),
) {
    let seed = seed();
    let mut m = Mutator {
        rng: StdRng::seed_from_u64(seed),
    };
    let started = Instant::now();
    let mut done = 0u64;
    let mut largest = 0usize;
    while budget.more(done, started) {
        let data = input(&mut m, corpus);
        largest_allocation();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&data)));
        let peak = largest_allocation();
        largest = largest.max(peak);
        if r.is_err() || peak > ALLOC_LIMIT {
            panic!(
                "fuzz {name}: {} on execution {done} (INFERCHAIN_FUZZ_SEED={seed}); input ({} bytes): {}",
                if r.is_err() { "panic".to_string() } else { format!("a {peak}-byte allocation") },
                data.len(),
                hex::encode(&data[..data.len().min(4096)])
            );
        }
        done += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "fuzz {name}: {done} executions in {secs:.1}s ({:.0}/s), seed {seed}, largest allocation {} KiB",
        done as f64 / secs.max(1e-9),
        largest / 1024
    );
}

/// Every message type the router knows, with a valid-looking value where one is easy to
/// build and the type's default otherwise: the seeds of `tx_messages`.
fn message_corpus(e: &Economy) -> Vec<Any> {
    let (a, b) = (e.alice.address.to_bech32(), e.bob.address.to_bech32());
    let mut msgs: Vec<Any> = e
        .chain
        .app
        .0
        .app
        .router()
        .msg_type_urls()
        .map(|url| Any {
            type_url: url.to_string(),
            value: vec![],
        })
        .collect();
    msgs.push(inferchain_app::harness::send_msg(
        &e.alice.address,
        &e.bob.address,
        5,
    ));
    msgs.push(exec(
        &e.bob,
        &e.staking,
        serde_json::json!({"unbond": {"amount": "1"}}),
        0,
    ));
    msgs.push(to_any(
        &inferchain_proto::inferchain::inference::v1::MsgCreateFeed {
            owner: a,
            model_id: e.model_id,
            fee_per_inference: "10".into(),
            deposit: "100".into(),
            ..Default::default()
        },
    ));
    msgs.push(to_any(
        &inferchain_proto::inferchain::inference::v1::MsgRequestInference {
            requester: b,
            feed_id: 1,
            input: vec![1; 16],
            ..Default::default()
        },
    ));
    msgs
}

fn setup() -> (tempfile::TempDir, Economy) {
    let dir = tempfile::tempdir().unwrap();
    let e = economy(
        dir.path(),
        &[(ProofKind::Inference, Mode::Public)],
        100_000_000,
    );
    (dir, e)
}

#[test]
fn tx_bytes() {
    let (_dir, mut e) = setup();
    let msgs = message_corpus(&e);
    let corpus: Vec<Vec<u8>> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| {
            e.alice
                .sign_at(vec![m.clone()], 200_000, fee_for(200_000), i as u64)
        })
        .collect();
    let mut block = Vec::new();
    let node = e.chain.app.0.clone();
    fuzz(
        "tx_bytes",
        Budget::new(100_000),
        &corpus,
        |m, c| {
            let base = &c[m.rng.gen_range(0..c.len())];
            m.mutate(base, c)
        },
        |tx| {
            let _ = node.app.decode(tx);
            let _ = node.check(tx);
            block.push(tx.to_vec());
            if block.len() == 50 {
                // Whatever the proposer let in, a decided block must execute.
                e.chain.block(std::mem::take(&mut block));
            }
        },
    );
}

/// A second handle on the economy's bob (the fuzz closures hold the chain mutably, so they
/// sign with their own copy of the account).
fn bob_signer(e: &Economy) -> Account {
    let mut signer = Account::from_seed(2, e.bob.number);
    signer.sequence = e.bob.sequence;
    signer
}

/// Once 25 transactions are pending, runs them as a block and takes the signer's sequence
/// from the chain (a failed ante leaves one unused); the block's result count.
fn block_of_25(e: &mut Economy, pending: &mut Vec<Vec<u8>>, signer: &mut Account) -> Option<usize> {
    if pending.len() < 25 {
        return None;
    }
    let r = e.chain.block(std::mem::take(pending));
    signer.sequence = e.chain.account_sequence(&signer.address);
    Some(r.tx_results.len())
}

#[test]
fn tx_messages() {
    let (_dir, mut e) = setup();
    let msgs = message_corpus(&e);
    let corpus: Vec<Vec<u8>> = msgs.iter().map(|m| m.value.clone()).collect();
    let urls: Vec<String> = msgs.iter().map(|m| m.type_url.clone()).collect();
    let node = e.chain.app.0.clone();
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut signer = bob_signer(&e);
    fuzz(
        "tx_messages",
        Budget::new(10_000),
        &corpus,
        |m, c| {
            let i = m.rng.gen_range(0..c.len());
            let mut input = (i as u16).to_be_bytes().to_vec();
            input.extend(m.mutate(&c[i], c));
            input
        },
        |input| {
            let url = &urls[u16::from_be_bytes([input[0], input[1]]) as usize];
            let msg = Any {
                type_url: url.clone(),
                value: input[2..].to_vec(),
            };
            // Signed right, so each reaches its handler: CheckTx on the mempool state, then
            // in a block (the signer's sequence follows what the block accepted).
            let tx = signer.sign_at(vec![msg], 2_000_000, fee_for(2_000_000), signer.sequence);
            signer.sequence += 1;
            let _ = node.check(&tx);
            pending.push(tx);
            if let Some(results) = block_of_25(&mut e, &mut pending, &mut signer) {
                assert_eq!(results, 25);
            }
        },
    );
}

#[test]
fn queries() {
    let (_dir, e) = setup();
    let node = e.chain.app.0.clone();
    let mut paths: Vec<String> = node
        .app
        .router()
        .query_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    for store in [
        "bank",
        "acc",
        "wasm",
        "ibc",
        "inference",
        "params",
        "nonexistent",
    ] {
        paths.push(format!("store/{store}/key"));
    }
    paths.extend([
        "/app/simulate".into(),
        "".into(),
        "/".into(),
        "store/".into(),
    ]);
    let addr = e.alice.address.to_bech32();
    // Seeds: an address, a typical request, a paginated one, a key.
    let corpus: Vec<Vec<u8>> = vec![
        vec![],
        prost::Message::encode_to_vec(
            &cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest {
                address: addr.clone(),
                denom: "uspec".into(),
            },
        ),
        prost::Message::encode_to_vec(
            &cosmos_sdk_proto::cosmos::bank::v1beta1::QueryAllBalancesRequest {
                address: addr,
                pagination: Some(
                    cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest {
                        key: vec![1, 2, 3],
                        offset: 1,
                        limit: 1000,
                        count_total: true,
                        reverse: true,
                    },
                ),
                resolve_denom: false,
            },
        ),
        b"\x01balance".to_vec(),
    ];
    let height = e.chain.height;
    fuzz(
        "queries",
        Budget::new(100_000),
        &corpus,
        |m, c| {
            let mut input = vec![
                m.rng.gen_range(0..=255u8),
                m.rng.gen_range(0..8u8),
                m.rng.gen(),
            ];
            let base = m.rng.gen_range(0..c.len());
            input.extend(m.mutate(&c[base], c));
            input
        },
        |input| {
            let path = &paths[input[0] as usize % paths.len()];
            // Heights around the chain's: past, current, future, absurd.
            let h = match input[1] {
                0 => 0,
                1 => height,
                2 => height - 1,
                3 => height + 1,
                4 => i64::MAX,
                5 => -1,
                6 => 1,
                _ => height + 1000,
            };
            let _ = node.query(&RequestQuery {
                data: input[3..].to_vec().into(),
                path: path.clone(),
                height: h,
                prove: input[2] & 1 == 1,
            });
        },
    );
}

#[test]
fn proofs() {
    let (_dir, e) = setup();
    let arch = ArchSpec::parse(ARCH).unwrap();
    let input: Vec<i64> = (0..16).map(|i| i * 17 - 100).collect();
    let binding = request_binding(CHAIN_ID, 1);
    let proof = prove_inference(&e.model, &input, Mode::Public, &binding).unwrap();
    let commitment = e.model.commitment().unwrap();
    let ih = input_hash(&input);
    // The honest proof verifies (so the mutants exercise a working verifier).
    verify_inference(
        &arch,
        Mode::Public,
        &proof.bytes,
        &commitment,
        &ih,
        &proof.output,
        &binding,
    )
    .expect("the honest proof verifies");
    let envelope = Envelope::decode(&proof.bytes).unwrap();
    // A compressed-payload variant too: decompression is a classic bomb.
    let mut zipped = envelope.clone();
    zipped.compressed = !zipped.compressed;
    let corpus = vec![proof.bytes.clone(), zipped.encode()];
    let mut accepted = 0u32;
    fuzz(
        "proofs",
        Budget::new(2_000),
        &corpus,
        |m, c| {
            let base = &c[m.rng.gen_range(0..c.len())];
            // Most mutations inside the payload, past the header, where the verifier reads.
            let mut out = base.clone();
            if m.rng.gen_bool(0.7) && out.len() > 64 {
                let at = m.rng.gen_range(32..out.len());
                out[at] ^= 1 << m.rng.gen_range(0..8);
                out
            } else {
                m.mutate(base, c)
            }
        },
        |bytes| {
            let _ = Envelope::decode(bytes);
            if verify_inference(
                &arch,
                Mode::Public,
                bytes,
                &commitment,
                &ih,
                &proof.output,
                &binding,
            )
            .is_ok()
                && bytes != proof.bytes.as_slice()
            {
                accepted += 1;
            }
        },
    );
    // A mutant that still verifies would be a soundness bug, unless the bytes it changed are
    // ones the verifier ignores (none should be).
    assert_eq!(accepted, 0, "{accepted} mutated proofs verified");
}

#[test]
fn contract_json() {
    let (_dir, mut e) = setup();
    use serde_json::json;
    let (a, b) = (e.alice.address.to_bech32(), e.bob.address.to_bech32());
    let execs = vec![
        json!({"bond": {"role": "modeler", "consensus_pubkey": null}}),
        json!({"bond": {"role": "validator", "consensus_pubkey": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "consensus_key_proof": "AAAA"}}),
        json!({"unbond": {"amount": "1000"}}),
        json!({"claim": {}}),
        json!({"claim_rewards": {}}),
        json!({"distribute_rewards": {"role": "modeler"}}),
        json!({"slash": {"address": b, "fraction": "0.5", "reason": "fuzz"}}),
        json!({"update_params": {"params": {"min_stake_modeler": "1", "min_stake_validator": "1",
            "unbonding_period": 1, "max_unbonding_entries": 7,
            "slash_destination": {"address": {"address": a}}}}}),
        json!({"update_config": {"owner": a, "slashers": [b], "reputation": null}}),
    ];
    let queries = vec![
        json!({"stake": {"address": b}}),
        json!({"config": {}}),
        json!({"params": {}}),
        json!({"stakers": {"role": "modeler", "start_after": null, "limit": 10}}),
        json!({"totals": {}}),
        json!({"unbonding": {"address": b}}),
        json!({"pending_rewards": {"address": b}}),
        json!({"voting_power_at_height": {"address": b, "height": 3}}),
        json!({"total_power_at_height": {"height": null}}),
        json!({"consensus_key": {"pubkey": "AAAA"}}),
    ];
    let corpus: Vec<Vec<u8>> = execs
        .iter()
        .chain(&queries)
        .map(|v| v.to_string().into_bytes())
        .collect();
    let values: Vec<serde_json::Value> = execs.iter().chain(&queries).cloned().collect();
    let staking = e.staking.clone();
    let node = e.chain.app.0.clone();
    let mut pending = Vec::new();
    let mut signer = bob_signer(&e);
    fuzz(
        "contract_json",
        Budget::new(5_000),
        &corpus,
        |m, c| {
            let i = m.rng.gen_range(0..values.len());
            let mut input = vec![i as u8];
            input.extend(m.mutate_json(&values[i], c));
            input
        },
        |input| {
            let is_query = input[0] as usize >= execs.len();
            let msg = &input[1..];
            if is_query {
                use cosmos_sdk_proto::cosmwasm::wasm::v1::QuerySmartContractStateRequest;
                let _ = node.query(&RequestQuery {
                    data: prost::Message::encode_to_vec(&QuerySmartContractStateRequest {
                        address: staking.clone(),
                        query_data: msg.to_vec(),
                    })
                    .into(),
                    path: "/cosmwasm.wasm.v1.Query/SmartContractState".into(),
                    height: 0,
                    prove: false,
                });
            } else {
                let m = to_any(&cosmos_sdk_proto::cosmwasm::wasm::v1::MsgExecuteContract {
                    sender: signer.address.to_bech32(),
                    contract: staking.clone(),
                    msg: msg.to_vec(),
                    funds: vec![],
                });
                pending.push(signer.sign_at(
                    vec![m],
                    3_000_000,
                    fee_for(3_000_000),
                    signer.sequence,
                ));
                signer.sequence += 1;
                block_of_25(&mut e, &mut pending, &mut signer);
            }
        },
    );
    // The contract still answers after all of it.
    let s = e
        .chain
        .smart_json(&e.staking, &json!({"stake": {"address": b}}));
    assert!(s["stake"].is_object(), "{s}");
}
