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
    // A deterministic pseudo-random model: weights in the quantized range, small biases.
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move |m: i64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % (2 * m as u64 + 1)) as i64 - m
    };
    QuantModel {
        arch: arch.name(),
        layers: (0..arch.num_dense())
            .map(|l| {
                let (i, o) = arch.dense_shape(l);
                let wmax = (128.0 / (i as f64).sqrt()) as i64 + 4;
                QuantLayer {
                    weights: (0..i * o).map(|_| next(wmax)).collect(),
                    bias: (0..o).map(|_| next(1 << 12)).collect(),
                }
            })
            .collect(),
        salt: Salt([seed, 7, 9]),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let reps: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(9);
    println!("GAS_PER_MS = {GAS_PER_MS}");
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
                    let x: Vec<i64> = (0..arch.input_len()).map(|i| (i as i64 * 37) % 256).collect();
                    let p = prove_inference(&m, &x, mode, &bind)?;
                    for _ in 0..reps {
                        let t = Instant::now();
                        verify_inference(&arch, mode, &p.bytes, &p.commitment, &p.input_hash, &p.output, &bind)?;
                        times.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                }
                ProofKind::Score { rows } => {
                    let set = TestSet {
                        rows: (0..rows)
                            .map(|r| (0..arch.input_len()).map(|i| ((r * 31 + i * 17) % 256) as i64).collect())
                            .collect(),
                        labels: (0..rows).map(|r| (r % 2) as i64).collect(),
                    };
                    let p = prove_score(&m, &set, mode, &bind)?;
                    for _ in 0..reps {
                        let t = Instant::now();
                        verify_score(&arch, mode, &p.bytes, &p.commitment, &p.testset_hash, &p.score, &bind)?;
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
