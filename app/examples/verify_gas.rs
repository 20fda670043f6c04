//! Calibrates the inference module's verification gas: proves each default circuit once
//! (random weights), verifies it `REPS` times as the chain does (verifier data built first,
//! as at a node's start) and prints the median time, the gas that time is worth at the native
//! schedule's rate (`GAS_PER_MS`) and the gas genesis registers for it.
//!
//! `cargo run --release -p inferchain-app --example verify_gas [reps]`

use std::time::Instant;

use inferchain_app::modules::inference::circuits::{self, GAS_PER_MS};
use inferchain_verifier::*;

fn model(arch: &ArchSpec, seed: u64) -> QuantModel {
    QuantModel::pseudo_random(arch, seed)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// The native schedule's rate: gas charged per millisecond of an in-process block of bank
/// sends (signature checks, balance and sequence writes, fees), the bulk of the chain's work.
fn native_gas_per_ms() -> f64 {
    use inferchain_app::harness::{send_msg, Account, Harness};
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut chain, mut senders) = Harness::with_accounts(dir.path(), 4, -1, 10_000_000, None);
    let to = Account::from_seed(99, 9).address;
    // Blocks of 400 sends (the block gas limit holds ~500).
    let (mut ms, mut gas) = (0.0, 0i64);
    for _ in 0..5 {
        let txs: Vec<Vec<u8>> = (0..400)
            .map(|i| {
                let a = &mut senders[i % 4];
                let msg = send_msg(&a.address.clone(), &to, 1);
                a.sign(
                    vec![msg],
                    100_000,
                    inferchain_app::harness::fee_for(100_000),
                )
            })
            .collect();
        let t = Instant::now();
        let res = chain.block(txs);
        ms += t.elapsed().as_secs_f64() * 1e3;
        if let Some(r) = res.tx_results.iter().find(|r| r.code != 0) {
            panic!("a send failed: {}", r.log);
        }
        gas += res.tx_results.iter().map(|r| r.gas_used).sum::<i64>();
    }
    println!(
        "anchor: 2000 bank sends in {ms:.0} ms, {} gas each on average: {:.0} gas per ms",
        gas / 2000,
        gas as f64 / ms
    );
    gas as f64 / ms
}

fn main() -> anyhow::Result<()> {
    let reps: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(9);
    native_gas_per_ms();
    println!("GAS_PER_MS = {GAS_PER_MS} (the constant the module uses)");
    println!(
        "{:18} {:22} {:>10} {:>12} {:>12}",
        "architecture", "circuit", "verify ms", "gas at rate", "registered"
    );
    for (name, list) in circuits::default_architectures() {
        let arch = registry::architecture(name)?;
        let m = model(&arch, 3);
        let bind = binding_of(b"calibration");
        for (kind, mode) in list {
            verifier(&arch, kind, mode)?; // built ahead, as a node does at start
            let mut times = Vec::with_capacity(reps);
            match kind {
                ProofKind::Inference => {
                    let x: Vec<i64> = (0..arch.input_len())
                        .map(|i| (i as i64 * 37) % 256)
                        .collect();
                    let p = prove_inference(&m, &x, mode, &bind)?;
                    for _ in 0..reps {
                        let t = Instant::now();
                        verify_inference(
                            &arch,
                            mode,
                            &p.bytes,
                            &p.commitment,
                            &p.input_hash,
                            &p.output,
                            &bind,
                        )?;
                        times.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                }
                ProofKind::Score { rows } => {
                    let set = TestSet {
                        rows: (0..rows)
                            .map(|r| {
                                (0..arch.input_len())
                                    .map(|i| ((r * 31 + i * 17) % 256) as i64)
                                    .collect()
                            })
                            .collect(),
                        labels: (0..rows).map(|r| (r % 2) as i64).collect(),
                    };
                    let p = prove_score(&m, &set, mode, &bind)?;
                    for _ in 0..reps {
                        let t = Instant::now();
                        verify_score(
                            &arch,
                            mode,
                            &p.bytes,
                            &p.commitment,
                            &p.testset_hash,
                            &p.score,
                            &bind,
                        )?;
                        times.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                }
                _ => continue,
            }
            let ms = median(times);
            println!(
                "{:18} {:22} {:>10.2} {:>12} {:>12}",
                name,
                circuits::describe(kind, mode),
                ms,
                (ms * GAS_PER_MS as f64).ceil() as u64,
                circuits::default_verify_gas(kind, mode)
            );
        }
    }
    Ok(())
}
