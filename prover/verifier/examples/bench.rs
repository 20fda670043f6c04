//! Benchmark of the plonky2 proofs, one configuration per process (so peak memory is per
//! configuration):
//!
//! `bench <quant.json | arch> <public|private> <reps> [inference|score:<rows>]`
//!
//! Single inferences get one untimed warm-up proof first.
//! Prints one JSON line: circuit build time, proving times (all, median), verify times
//! (median), proof size, gates and degree, and the process's peak RSS (VmHWM).

use std::time::Instant;

use inferchain_verifier::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn random_model(arch: &ArchSpec, seed: u64) -> QuantModel {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    QuantModel {
        arch: arch.name(),
        layers: (0..arch.num_dense())
            .map(|l| {
                let (i, o) = arch.dense_shape(l);
                let wmax = (128.0 / (i as f64).sqrt()) as i64 + 4;
                QuantLayer {
                    weights: (0..i * o).map(|_| rng.gen_range(-wmax..=wmax)).collect(),
                    bias: (0..o)
                        .map(|_| rng.gen_range(-(1 << 14)..(1 << 14)))
                        .collect(),
                }
            })
            .collect(),
        salt: Salt([seed, 1, 2]),
    }
}

/// What the benchmark's proofs are bound to.
fn bind() -> Digest {
    binding_of(b"bench")
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        anyhow::bail!(
            "usage: bench <quant.json|arch> <public|private> <reps> [inference|score:<rows>]"
        );
    }
    let model: QuantModel = if args[1].ends_with(".json") {
        serde_json::from_str(&std::fs::read_to_string(&args[1])?)?
    } else {
        random_model(&ArchSpec::parse(&args[1])?, 1)
    };
    let arch = model.validate()?;
    let mode: Mode = args[2].parse().map_err(anyhow::Error::msg)?;
    let reps: usize = args[3].parse()?;
    let kind = match args.get(4).map(|s| s.as_str()) {
        None | Some("inference") => ProofKind::Inference,
        Some(s) if s.starts_with("batch:") => ProofKind::Batch {
            rows: s["batch:".len()..].parse()?,
        },
        Some(s) if s.starts_with("aggregate:") => ProofKind::Aggregate {
            rows: s["aggregate:".len()..].parse()?,
        },
        Some(s) => ProofKind::Score {
            rows: s
                .strip_prefix("score:")
                .ok_or_else(|| anyhow::anyhow!("kind"))?
                .parse()?,
        },
    };
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let t = Instant::now();
    let built = circuit(&arch, kind, mode);
    let build_s = t.elapsed().as_secs_f64();
    // One untimed warm-up proof (thread pool start-up, first-touch page faults), then `reps`
    // timed ones.
    let warm: Vec<i64> = (0..arch.input_len()).map(|_| 128).collect();
    if let ProofKind::Inference = kind {
        prove_inference(&model, &warm, mode, &bind())?;
    }
    let mut prove = Vec::new();
    let mut verify = Vec::new();
    let mut size = 0;
    let mut compressed = 0;
    let mut compressed_verify = Vec::new();
    for _ in 0..reps {
        match kind {
            ProofKind::Inference => {
                let x: Vec<i64> = (0..arch.input_len())
                    .map(|_| rng.gen_range(0..=256))
                    .collect();
                let t = Instant::now();
                let p = prove_inference(&model, &x, mode, &bind())?;
                prove.push(t.elapsed().as_secs_f64());
                size = p.bytes.len();
                let t = Instant::now();
                verify_inference(
                    &arch,
                    mode,
                    &p.bytes,
                    &p.commitment,
                    &p.input_hash,
                    &p.output,
                    &bind(),
                )?;
                verify.push(t.elapsed().as_secs_f64() * 1000.0);
                let c = compress_proof(&arch, &p.bytes)?;
                compressed = c.len();
                let t = Instant::now();
                verify_inference(
                    &arch,
                    mode,
                    &c,
                    &p.commitment,
                    &p.input_hash,
                    &p.output,
                    &bind(),
                )?;
                compressed_verify.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            ProofKind::Aggregate { rows } => {
                // `rows` public proofs (made untimed: the aggregator's input), then one
                // zero-knowledge aggregate of them, timed.
                let proofs: Vec<InferenceProof> = (0..rows)
                    .map(|k| {
                        let x: Vec<i64> = (0..arch.input_len())
                            .map(|_| rng.gen_range(0..=256))
                            .collect();
                        prove_inference(&model, &x, Mode::Public, &binding_of(&[k as u8]))
                    })
                    .collect::<Result<_, _>>()?;
                let t = Instant::now();
                let bytes = aggregate(&arch, &proofs)?;
                prove.push(t.elapsed().as_secs_f64());
                size = bytes.len();
                let claims: Vec<InferenceClaim> = proofs
                    .iter()
                    .map(|p| InferenceClaim {
                        commitment: p.commitment,
                        input_hash: p.input_hash,
                        output: p.output.clone(),
                        binding: p.binding,
                    })
                    .collect();
                let t = Instant::now();
                verify_aggregate(&arch, &bytes, &claims)?;
                verify.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            ProofKind::Batch { rows } => {
                let xs: Vec<Vec<i64>> = (0..rows)
                    .map(|_| {
                        (0..arch.input_len())
                            .map(|_| rng.gen_range(0..=256))
                            .collect()
                    })
                    .collect();
                let t = Instant::now();
                let p = prove_batch(&model, &xs, mode, &bind())?;
                prove.push(t.elapsed().as_secs_f64());
                size = p.bytes.len();
                let t = Instant::now();
                verify_batch(&arch, mode, &p.bytes, &p.commitment, &p.items, &bind())?;
                verify.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            ProofKind::Score { rows } => {
                let set = TestSet {
                    rows: (0..rows)
                        .map(|_| {
                            (0..arch.input_len())
                                .map(|_| rng.gen_range(0..=256))
                                .collect()
                        })
                        .collect(),
                    labels: (0..rows).map(|_| rng.gen_range(0..=1)).collect(),
                };
                let t = Instant::now();
                let p = prove_score(&model, &set, mode, &bind())?;
                prove.push(t.elapsed().as_secs_f64());
                size = p.bytes.len();
                let t = Instant::now();
                verify_score(
                    &arch,
                    mode,
                    &p.bytes,
                    &p.commitment,
                    &p.testset_hash,
                    &p.score,
                    &bind(),
                )?;
                verify.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    let all = prove.clone();
    println!(
        "{}",
        serde_json::json!({
            "system": "plonky2", "arch": arch.name(), "mode": mode.as_str(),
            "kind": match kind { ProofKind::Inference => "inference".to_string(), ProofKind::Score{rows} => format!("score:{rows}"), ProofKind::Aggregate{rows} => format!("aggregate:{rows}"), ProofKind::Batch{rows} => format!("batch:{rows}") },
            "gates": built.gate_rows, "degree_bits": built.data.common.degree_bits(),
            "circuit_build_s": build_s, "prove_s_all": all, "prove_s_median": median(&mut prove),
            "verify_ms_median": median(&mut verify), "proof_bytes": size,
            "compressed_bytes": compressed,
            "compressed_verify_ms_median": if compressed_verify.is_empty() { 0.0 } else { median(&mut compressed_verify) },
            "peak_rss_mb": peak_rss_kb() as f64 / 1024.0,
            "threads": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        })
    );
    Ok(())
}
