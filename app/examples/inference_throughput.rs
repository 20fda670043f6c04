//! How many verified inferences a block absorbs: the chain in process (one validator's
//! execution: FinalizeBlock + Commit, no consensus), requests on a feed of the small model,
//! then pre-made proofs fulfilling them — aggregates of 32 (one zero-knowledge proof per 32
//! requests) and, for comparison, single public proofs. Prints inferences per second of block
//! execution, gas per verified inference, and what the block gas limit allows per block.
//!
//! `cargo run --release -p inferchain-app --example inference_throughput [aggregates=8]`
//!
//! Proofs are bound to their requests (harness chain id, request ids 1…), so they are made
//! once and kept under `$INFERCHAIN_CACHE/bench-proofs` (an aggregate of 32 takes ~40 s to
//! prove on 2 cores); later runs only measure the chain.

use std::path::PathBuf;
use std::time::Instant;

use inferchain_app::harness::economy::{economy, ARCH};
use inferchain_app::harness::{Account, Harness, CHAIN_ID};
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::*;
use tendermint_proto::google::protobuf::Any;

const BATCH: usize = 32;
const FEE: u128 = 1_000;

fn cache_dir(model: &QuantModel) -> PathBuf {
    let base = std::env::var("INFERCHAIN_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/inferchain")
        });
    let dir = base
        .join("bench-proofs")
        .join(&model.commitment().unwrap().to_hex()[..16]);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn input(i: u64) -> Vec<i64> {
    (0..16)
        .map(|j| ((i as i64 * 131 + j * 37) % 1024) - 512)
        .collect()
}

fn public_proof(model: &QuantModel, id: u64) -> InferenceProof {
    prove_inference(
        model,
        &input(id),
        Mode::Public,
        &request_binding(CHAIN_ID, id),
    )
    .unwrap()
}

/// The aggregate of requests `first..first+32`, from the cache or proven now.
fn aggregate_for(model: &QuantModel, first: u64) -> (Vec<u8>, Vec<Vec<i64>>) {
    let path = cache_dir(model).join(format!("aggregate-{first}.bin"));
    let outputs: Vec<Vec<i64>> = (first..first + BATCH as u64)
        .map(|id| model.infer(&input(id)).unwrap())
        .collect();
    if let Ok(bytes) = std::fs::read(&path) {
        return (bytes, outputs);
    }
    let t = Instant::now();
    let proofs: Vec<_> = (first..first + BATCH as u64)
        .map(|id| public_proof(model, id))
        .collect();
    let arch = ArchSpec::parse(ARCH).unwrap();
    let bytes = aggregate(&arch, &proofs).unwrap();
    eprintln!(
        "  proved the aggregate of requests {first}..{} in {:.1} s ({} bytes), cached",
        first + BATCH as u64 - 1,
        t.elapsed().as_secs_f64(),
        bytes.len()
    );
    std::fs::write(&path, &bytes).unwrap();
    (bytes, outputs)
}

/// Requests `n` inferences on feed 1, 32 messages a transaction.
fn request_all(chain: &mut Harness, carol: &mut Account, first: u64, n: u64) {
    let c = carol.address.to_bech32();
    let mut txs = Vec::new();
    let mut id = first;
    while id < first + n {
        let msgs: Vec<Any> = (id..(id + BATCH as u64).min(first + n))
            .map(|i| {
                to_any(&pb::MsgRequestInference {
                    requester: c.clone(),
                    feed_id: 1,
                    input: input(i),
                    callback_data: vec![],
                })
            })
            .collect();
        id += msgs.len() as u64;
        txs.push(carol.sign(
            msgs,
            20_000_000,
            inferchain_app::harness::fee_for(20_000_000),
        ));
    }
    let r = chain.block(txs);
    if let Some(bad) = r.tx_results.iter().find(|r| r.code != 0) {
        panic!("a request failed: {}", bad.log);
    }
}

/// Runs `txs` in one block; returns (seconds, total gas).
fn timed_block(chain: &mut Harness, txs: Vec<Vec<u8>>) -> (f64, i64) {
    let t = Instant::now();
    let r = chain.block(txs);
    let secs = t.elapsed().as_secs_f64();
    if let Some(bad) = r.tx_results.iter().find(|r| r.code != 0) {
        panic!("a fulfilment failed: {}", bad.log);
    }
    (secs, r.tx_results.iter().map(|r| r.gas_used).sum())
}

fn main() {
    let aggregates: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("a number of aggregates"))
        .unwrap_or(8);
    let singles: u64 = 64;
    let dir = tempfile::tempdir().unwrap();
    eprintln!("building the chain (verifiers of public inferences and aggregates of {BATCH})…");
    let t = Instant::now();
    let mut e = economy(
        dir.path(),
        &[
            (ProofKind::Inference, Mode::Public),
            (ProofKind::Aggregate { rows: BATCH }, Mode::Private),
        ],
        // Room for every fulfilment in one block: the point is the execution time.
        1_000_000_000,
    );
    eprintln!("  ready in {:.1} s", t.elapsed().as_secs_f64());
    let total = aggregates * BATCH as u64 + singles;
    let feed = to_any(&pb::MsgCreateFeed {
        owner: e.carol.address.to_bech32(),
        model_id: e.model_id,
        challenge_id: 0,
        sla_blocks: 10_000,
        fee_per_inference: FEE.to_string(),
        mode: "public".into(),
        max_requests: 0,
        expiry_height: 0,
        callback_contract: String::new(),
        deposit: (FEE * total as u128).to_string(),
        ..Default::default()
    });
    let r = e.chain.run(&mut e.carol, vec![feed], 1_000_000);
    assert_eq!(r.code, 0, "{}", r.log);
    request_all(&mut e.chain, &mut e.carol, 1, total);

    eprintln!("pre-making {aggregates} aggregate proofs of {BATCH} (cached after the first run)…");
    let b = e.bob.address.to_bech32();
    let mut txs = Vec::new();
    for k in 0..aggregates {
        let first = 1 + k * BATCH as u64;
        let (proof, outputs) = aggregate_for(&e.model, first);
        let msg = to_any(&pb::MsgFulfillInferences {
            submitter: b.clone(),
            request_ids: (first..first + BATCH as u64).collect(),
            outputs: outputs
                .into_iter()
                .map(|values| pb::InferenceOutput { values })
                .collect(),
            proof,
        });
        txs.push(e.bob.sign(
            vec![msg],
            20_000_000,
            inferchain_app::harness::fee_for(20_000_000),
        ));
    }
    let (secs, gas) = timed_block(&mut e.chain, txs);
    let n = aggregates * BATCH as u64;
    let gas_per = gas as f64 / n as f64;
    println!(
        "aggregates of {BATCH}: {n} verified inferences in one block of {:.1} ms: {:.0} inferences/s of block execution; {:.0} gas each ({} per aggregate tx)",
        secs * 1e3,
        n as f64 / secs,
        gas_per,
        gas / aggregates as i64
    );
    for limit in [40_000_000f64, 100_000_000.0] {
        println!(
            "  a block gas limit of {:.0}M holds {:.0} of them: {:.0}/s at 500 ms blocks",
            limit / 1e6,
            (limit / gas_per).floor(),
            (limit / gas_per).floor() * 2.0
        );
    }

    eprintln!("proving {singles} single public proofs…");
    let first = n + 1;
    let txs: Vec<Vec<u8>> = (first..first + singles)
        .map(|id| {
            let p = public_proof(&e.model, id);
            let msg = to_any(&pb::MsgFulfillInference {
                submitter: b.clone(),
                request_id: id,
                output: p.output,
                proof: p.bytes,
            });
            e.bob.sign(
                vec![msg],
                5_000_000,
                inferchain_app::harness::fee_for(5_000_000),
            )
        })
        .collect();
    let (secs, gas) = timed_block(&mut e.chain, txs);
    let gas_per = gas as f64 / singles as f64;
    println!(
        "single public proofs: {singles} in one block of {:.1} ms: {:.0} inferences/s; {:.0} gas each; a 40M block holds {:.0}",
        secs * 1e3,
        singles as f64 / secs,
        gas_per,
        (40e6 / gas_per).floor()
    );
}
