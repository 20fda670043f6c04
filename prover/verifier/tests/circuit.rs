//! Circuit vs integer inference, soundness rejections, malformed bytes, determinism.
//! Run with `cargo test --release -p inferchain-verifier`.

use inferchain_verifier::circuit::build;
use inferchain_verifier::envelope::Envelope;
use inferchain_verifier::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;

const SMALL: &str = "mlp-16-32-16-1";

/// What the tests' proofs are bound to.
fn bind() -> Digest {
    binding_of(b"test request 1")
}
const BIG: &str = "mlp-64-128-128-1";

/// A random model whose activations stay in range for inputs in [-2, 2].
fn random_model(arch: &str, seed: u64) -> QuantModel {
    let spec = ArchSpec::parse(arch).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let layers = (0..spec.num_dense())
        .map(|l| {
            let (i, o) = spec.dense_shape(l);
            let wmax = (128.0 / (i as f64).sqrt()) as i64 + 4;
            QuantLayer {
                weights: (0..i * o)
                    .map(|_| rng.gen_range(-wmax..=wmax.min(127)))
                    .collect(),
                bias: (0..o)
                    .map(|_| rng.gen_range(-(1 << 14)..(1 << 14)))
                    .collect(),
            }
        })
        .collect();
    let m = QuantModel {
        arch: arch.into(),
        layers,
        salt: Salt([seed, seed + 1, seed + 2]),
    };
    m.validate().unwrap();
    m
}

fn random_input(rng: &mut impl Rng, n: usize) -> Vec<i64> {
    (0..n).map(|_| rng.gen_range(-512..=512)).collect()
}

#[test]
fn circuit_equals_integer_inference_on_1000_random_inputs() {
    for arch in [SMALL, BIG] {
        let model = random_model(arch, 7);
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let spec = ArchSpec::parse(arch).unwrap();
        let xs: Vec<Vec<i64>> = (0..1000)
            .map(|_| random_input(&mut rng, spec.input_len()))
            .collect();
        let want: Vec<Vec<i64>> = xs.iter().map(|x| model.infer(x).unwrap()).collect();
        // 1,000 inputs through the batch circuits' witness generation (same gadgets) ...
        let got = circuit_outputs_batched(&model, &xs).unwrap();
        assert_eq!(got, want, "{arch}");
        // ... and the first 40 through the single-inference circuit itself.
        for (x, w) in xs.iter().zip(&want).take(40) {
            assert_eq!(&circuit_output(&model, x).unwrap(), w, "{arch} input {x:?}");
        }
        let nonzero = want.iter().filter(|w| w[0] != 0).count();
        assert!(nonzero > 500, "degenerate test model");
    }
}

#[test]
fn batch_proof_verifies_and_rejects_tampering() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 51);
    let mut rng = ChaCha8Rng::seed_from_u64(52);
    let xs: Vec<Vec<i64>> = (0..4).map(|_| random_input(&mut rng, 16)).collect();
    let p = prove_batch(&model, &xs, Mode::Public, &bind()).unwrap();
    for (x, (h, out)) in xs.iter().zip(&p.items) {
        assert_eq!(*h, input_hash(x));
        assert_eq!(*out, model.infer(x).unwrap());
    }
    verify_batch(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.items,
        &bind(),
    )
    .unwrap();
    let mut swapped = p.items.clone();
    swapped.swap(0, 1);
    assert!(verify_batch(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &swapped,
        &bind()
    )
    .is_err());
    let mut changed = p.items.clone();
    changed[3].1[0] += 1;
    assert!(verify_batch(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &changed,
        &bind()
    )
    .is_err());
    assert!(verify_batch(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.items[..3],
        &bind()
    )
    .is_err());
    // an inference verifier refuses a batch proof
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.items[0].0,
        &p.items[0].1,
        &bind()
    )
    .is_err());
}

#[test]
fn out_of_range_is_an_error_not_a_wrong_proof() {
    let model = random_model(SMALL, 1);
    let x = vec![1 << 23; 16];
    assert!(model.infer(&x).is_err());
    assert!(circuit_output(&model, &x).is_err());
    let mut bad = model.clone();
    bad.layers[0].weights[0] = 128;
    assert!(bad.validate().is_err());
    assert!(prove_inference(&bad, &[0; 16], Mode::Public, &bind()).is_err());
}

fn flip(bytes: &[u8], pos: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[pos] ^= 0x01;
    b
}

#[test]
fn public_inference_proof_verifies_and_every_tampering_is_rejected() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 3);
    let other = random_model(SMALL, 4);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let x = random_input(&mut rng, 16);
    let p = prove_inference(&model, &x, Mode::Public, &bind()).unwrap();
    assert_eq!(p.output, model.infer(&x).unwrap());
    assert_eq!(p.commitment, model.commitment().unwrap());
    assert_eq!(p.input_hash, input_hash(&x));
    let ok = verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    assert_eq!(ok.mode, Mode::Public);

    // changed output
    let mut out2 = p.output.clone();
    out2[0] += 1;
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &out2,
        &bind()
    )
    .is_err());
    // a non-canonical encoding of the same commitment (limb + p) is refused
    let mut alias = p.commitment;
    alias.0[0] = alias.0[0].wrapping_add(0xffff_ffff_0000_0001);
    if alias.0[0] > p.commitment.0[0] {
        assert!(matches!(
            verify_inference(
                &arch,
                Mode::Public,
                &p.bytes,
                &alias,
                &p.input_hash,
                &p.output,
                &bind()
            ),
            Err(VerifyError::BadClaim(_))
        ));
    }
    // another model's commitment
    let c2 = other.commitment().unwrap();
    assert_ne!(c2, p.commitment);
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &c2,
        &p.input_hash,
        &p.output,
        &bind()
    )
    .is_err());
    // another input hash
    let mut x2 = x.clone();
    x2[0] += 1;
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &input_hash(&x2),
        &p.output,
        &bind()
    )
    .is_err());
    // another architecture: rejected by the header ...
    let big = ArchSpec::parse(BIG).unwrap();
    assert!(matches!(
        verify_inference(
            &big,
            Mode::Public,
            &p.bytes,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind()
        ),
        Err(VerifyError::ArchitectureMismatch { .. })
    ));
    // ... and by the circuit when the header is rewritten to claim it.
    let mut env = Envelope::decode(&p.bytes).unwrap();
    env.arch = BIG.into();
    let relabelled = env.encode();
    assert!(verify_inference(
        &big,
        Mode::Public,
        &relabelled,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind()
    )
    .is_err());
    // A proof of another architecture with the same layer count (mlp-16-32-8-1).
    let arch3 = ArchSpec::parse("mlp-16-32-8-1").unwrap();
    let mut env = Envelope::decode(&p.bytes).unwrap();
    env.arch = arch3.name();
    assert!(verify_inference(
        &arch3,
        Mode::Public,
        &env.encode(),
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind()
    )
    .is_err());
    // flipped bytes: header and payload positions spread across the proof
    let n = p.bytes.len();
    let mut positions: Vec<usize> = (0..40).collect();
    positions.extend((0..200).map(|k| 40 + k * (n - 41) / 199));
    for pos in positions {
        let r = verify_inference(
            &arch,
            Mode::Public,
            &flip(&p.bytes, pos),
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind(),
        );
        assert!(r.is_err(), "flip at {pos} accepted");
    }
    // truncated / extended bytes
    for cut in [0, 1, 7, 20, n / 2, n - 1] {
        assert!(verify_inference(
            &arch,
            Mode::Public,
            &p.bytes[..cut],
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind()
        )
        .is_err());
    }
    let mut longer = p.bytes.clone();
    longer.push(0);
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &longer,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind()
    )
    .is_err());
    // a score proof verifier refuses an inference proof
    let s = Score {
        rows: 8,
        correct: 0,
        brier_sum: 0,
    };
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &s,
        &bind()
    )
    .is_err());
    eprintln!("public inference proof: {} bytes", n);

    // compressed form: smaller, verifies, and tampering is still rejected
    let c = compress_proof(&arch, &p.bytes).unwrap();
    assert!(c.len() < n, "{} vs {n}", c.len());
    verify_inference(
        &arch,
        Mode::Public,
        &c,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &c,
        &p.commitment,
        &p.input_hash,
        &out2,
        &bind()
    )
    .is_err());
    let m = c.len();
    for k in 0..120 {
        let pos = k * (m - 1) / 119;
        assert!(
            verify_inference(
                &arch,
                Mode::Public,
                &flip(&c, pos),
                &p.commitment,
                &p.input_hash,
                &p.output,
                &bind()
            )
            .is_err(),
            "compressed flip at {pos}"
        );
    }
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &c[..m - 5],
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind()
    )
    .is_err());
    eprintln!("compressed public inference proof: {m} bytes");
}

#[test]
fn malformed_bytes_give_errors_never_panics() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 11);
    let x = vec![100; 16];
    let p = prove_inference(&model, &x, Mode::Public, &bind()).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    // random garbage of many lengths, with and without a valid header
    let header_len = 17 + SMALL.len();
    for i in 0..300 {
        let len = rng.gen_range(0..p.bytes.len() + 64);
        let mut b: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        if i % 2 == 0 && len >= header_len {
            b[..header_len].copy_from_slice(&p.bytes[..header_len]);
            let m = (len - header_len) as u32;
            b[13 + SMALL.len()..17 + SMALL.len()].copy_from_slice(&m.to_le_bytes());
        }
        let r = verify_inference(
            &arch,
            Mode::Public,
            &b,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind(),
        );
        assert!(r.is_err());
    }
    // a valid header followed by a payload of the right length but random content, and
    // random multi-byte corruptions of a real proof
    for _ in 0..100 {
        let mut b = p.bytes.clone();
        for _ in 0..rng.gen_range(1..16) {
            let pos = rng.gen_range(0..b.len());
            b[pos] = rng.gen();
        }
        if b != p.bytes {
            assert!(verify_inference(
                &arch,
                Mode::Public,
                &b,
                &p.commitment,
                &p.input_hash,
                &p.output,
                &bind()
            )
            .is_err());
        }
    }
    let mut b = p.bytes.clone();
    for v in b[header_len..].iter_mut() {
        *v = 0xff;
    }
    assert!(matches!(
        verify_inference(
            &arch,
            Mode::Public,
            &b,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind()
        ),
        Err(VerifyError::MalformedProof(_))
    ));
    assert!(matches!(
        verify_inference(
            &arch,
            Mode::Public,
            &[],
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind()
        ),
        Err(VerifyError::Envelope(_))
    ));
}

#[test]
fn private_mode_proof_verifies_and_mode_is_bound() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 21);
    let x = vec![-300, 200, 5, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    let p = prove_inference(&model, &x, Mode::Private, &bind()).unwrap();
    let ok = verify_inference(
        &arch,
        Mode::Private,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    assert_eq!(ok.mode, Mode::Private);
    // Claiming the other mode in the header: refused as the wrong mode.
    let mut env = Envelope::decode(&p.bytes).unwrap();
    env.mode = Mode::Public;
    assert!(verify_inference(
        &arch,
        Mode::Private,
        &env.encode(),
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind()
    )
    .is_err());
    let mut out2 = p.output.clone();
    out2[0] -= 1;
    assert!(verify_inference(
        &arch,
        Mode::Private,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &out2,
        &bind()
    )
    .is_err());
    assert_ne!(
        verifier_digest(&arch, ProofKind::Inference, Mode::Public).unwrap(),
        verifier_digest(&arch, ProofKind::Inference, Mode::Private).unwrap()
    );
    eprintln!("private inference proof: {} bytes", p.bytes.len());
}

#[test]
fn compact_mode_proof_is_under_64_kb_and_mode_is_bound() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 61);
    let x = vec![64; 16];
    let p = prove_inference(&model, &x, Mode::Compact, &bind()).unwrap();
    assert!(p.bytes.len() <= 64 * 1024, "{} bytes", p.bytes.len());
    let ok = verify_inference(
        &arch,
        Mode::Compact,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    assert_eq!(ok.mode, Mode::Compact);
    let c = compress_proof(&arch, &p.bytes).unwrap();
    assert!(c.len() <= p.bytes.len());
    verify_inference(
        &arch,
        Mode::Compact,
        &c,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    for other in [Mode::Public, Mode::Private] {
        let mut env = Envelope::decode(&p.bytes).unwrap();
        env.mode = other;
        // Relabelled: refused as the wrong mode by a compact verifier, and as invalid by a
        // verifier of the mode the header now claims (the proof is for another circuit).
        for required in [Mode::Compact, other] {
            assert!(verify_inference(
                &arch,
                required,
                &env.encode(),
                &p.commitment,
                &p.input_hash,
                &p.output,
                &bind()
            )
            .is_err());
        }
    }
    // A compact proof given to a verifier that requires private mode: the wrong mode.
    assert!(matches!(
        verify_inference(
            &arch,
            Mode::Private,
            &p.bytes,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind()
        ),
        Err(VerifyError::WrongMode { .. })
    ));
    let mut out2 = p.output.clone();
    out2[0] += 1;
    assert!(verify_inference(
        &arch,
        Mode::Compact,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &out2,
        &bind()
    )
    .is_err());
    eprintln!(
        "compact proof {} bytes, compressed {}",
        p.bytes.len(),
        c.len()
    );
}

fn random_testset(rows: usize, seed: u64, model: &QuantModel) -> TestSet {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows: Vec<Vec<i64>> = (0..rows).map(|_| random_input(&mut rng, 16)).collect();
    // labels: mostly the model's own prediction, some flipped, so accuracy is non-trivial
    let labels = rows
        .iter()
        .map(|r| {
            let z = model.infer(r).unwrap()[0];
            let y = (z >= 0) as i64;
            if rng.gen_bool(0.2) {
                1 - y
            } else {
                y
            }
        })
        .collect();
    TestSet { rows, labels }
}

#[test]
fn score_proof_verifies_and_rejects_other_testset_and_other_score() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 31);
    let set = random_testset(32, 32, &model);
    // circuit score == integer score (witness generation), both modes' circuits
    let (c, h, s) = circuit_score(&model, &set, Mode::Public).unwrap();
    assert_eq!(c, model.commitment().unwrap());
    assert_eq!(h, set.hash().unwrap());
    assert_eq!(s, score(&model, &set).unwrap());
    assert!(s.correct > 16 && s.correct < 32, "{s:?}");

    let p = prove_score(&model, &set, Mode::Public, &bind()).unwrap();
    assert_eq!(p.score, s);
    verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.testset_hash,
        &p.score,
        &bind(),
    )
    .unwrap();
    // another test set's hash
    let other = random_testset(32, 33, &model);
    let oh = other.hash().unwrap();
    assert_ne!(oh, p.testset_hash);
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &oh,
        &p.score,
        &bind()
    )
    .is_err());
    // a better claimed score
    let mut better = p.score;
    better.correct += 1;
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.testset_hash,
        &better,
        &bind()
    )
    .is_err());
    let mut aliased = p.score;
    aliased.brier_sum += 0xffff_ffff_0000_0001; // + the Goldilocks modulus
    assert!(matches!(
        verify_score(
            &arch,
            Mode::Public,
            &p.bytes,
            &p.commitment,
            &p.testset_hash,
            &aliased,
            &bind()
        ),
        Err(VerifyError::BadClaim(_))
    ));
    let mut brier = p.score;
    brier.brier_sum -= 1;
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.testset_hash,
        &brier,
        &bind()
    )
    .is_err());
    // another model's commitment
    let c2 = random_model(SMALL, 34).commitment().unwrap();
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &c2,
        &p.testset_hash,
        &p.score,
        &bind()
    )
    .is_err());
    // another row count
    let mut rows = p.score;
    rows.rows = 64;
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.testset_hash,
        &rows,
        &bind()
    )
    .is_err());
    // truncated
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes[..p.bytes.len() - 3],
        &p.commitment,
        &p.testset_hash,
        &p.score,
        &bind()
    )
    .is_err());
    // an inference verifier refuses a score proof
    assert!(verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.testset_hash,
        &[0],
        &bind()
    )
    .is_err());
}

#[test]
fn commitments_distinct_and_deterministic_digests_deterministic() {
    let a = random_model(SMALL, 41);
    let mut b = a.clone();
    b.layers[1].weights[5] = if b.layers[1].weights[5] == 0 { 1 } else { 0 };
    let ca = a.commitment().unwrap();
    assert_eq!(ca, a.clone().commitment().unwrap());
    assert_ne!(ca, b.commitment().unwrap());
    let mut c = a.clone();
    c.layers[2].bias[0] += 1;
    assert_ne!(ca, c.commitment().unwrap());
    // the in-circuit commitment equals the native one
    let x = vec![0; 16];
    let arch = ArchSpec::parse(SMALL).unwrap();
    let built = build(&arch, ProofKind::Inference, Mode::Public);
    let pis = built
        .generate_public_inputs(built.witness(&a, &[x.clone()], &[], &bind()).unwrap())
        .unwrap();
    let circuit_c = Digest(std::array::from_fn(|i| {
        use plonky2::field::types::PrimeField64;
        pis[i].to_canonical_u64()
    }));
    assert_eq!(circuit_c, ca);
    assert_eq!(
        Digest(std::array::from_fn(|i| {
            use plonky2::field::types::PrimeField64;
            pis[4 + i].to_canonical_u64()
        })),
        input_hash(&x)
    );
    // rebuilding the circuit from the spec gives the same digest (and a fixed, pinned value,
    // so it is the same across runs and machines)
    let again = build(&arch, ProofKind::Inference, Mode::Public);
    assert_eq!(
        built.data.verifier_only.circuit_digest,
        again.data.verifier_only.circuit_digest
    );
    let d = verifier_digest(&arch, ProofKind::Inference, Mode::Public).unwrap();
    assert_eq!(
        d,
        Digest::from_hash(built.data.verifier_only.circuit_digest)
    );
    eprintln!("digest {SMALL} inference public: {d}");
    eprintln!(
        "rows: {} gates -> 2^{}",
        built.gate_rows,
        built.data.common.degree_bits()
    );
}

/// Pinned values: the same spec gives the same verifier digest, and the same weights the same
/// commitment, in every run and on every machine (a change here is a format change: bump
/// `FORMAT_VERSION`).
#[test]
fn pinned_digests_and_commitment() {
    let small = ArchSpec::parse(SMALL).unwrap();
    let big = ArchSpec::parse(BIG).unwrap();
    let pins: [(&ArchSpec, ProofKind, Mode, &str); 7] = [
        (
            &small,
            ProofKind::Inference,
            Mode::Public,
            "e547072aa7cf754708a5c7430f98b6f60f375eae2ef81b32e9e571d9434c310e",
        ),
        (
            &small,
            ProofKind::Inference,
            Mode::Private,
            "a89d2983d3580b7c908c0728539e5b659b0655143435daf0e845d4e3c21df98c",
        ),
        (
            &small,
            ProofKind::Inference,
            Mode::Compact,
            "1ea02b359f4b72db77442348a25ce6d0a1b4573a9972bd23b09d156fc84dff3d",
        ),
        (
            &small,
            ProofKind::Score { rows: 16 },
            Mode::Public,
            "0b3d87beda83003faf17c20a1176a7162ea433bd443c1f270f1884632b59c914",
        ),
        (
            &small,
            ProofKind::Score { rows: 16 },
            Mode::Private,
            "da8a1405be59da347dd8e84d6ce2e0aac72debffcf6bcfb7f761a381182e3e05",
        ),
        (
            &small,
            ProofKind::Batch { rows: 2 },
            Mode::Public,
            "347769211171f0320ad18b770a62dc3efeaaddde0e97b12ed7c8c7a684279e8d",
        ),
        (
            &big,
            ProofKind::Inference,
            Mode::Public,
            "19f088716bbcb607da0af1abca56cd622dc2d6f02330f69b0d5da51ea141e43f",
        ),
    ];
    let wrong: Vec<String> = pins
        .iter()
        .filter_map(|(arch, kind, mode, hex)| {
            let got = verifier_digest(arch, *kind, *mode).unwrap().to_hex();
            (got != *hex).then(|| format!("{arch} {kind:?} {mode}: {got}"))
        })
        .collect();
    assert!(wrong.is_empty(), "digests changed:\n{}", wrong.join("\n"));
    // The lookup tables are not part of plonky2's circuit digest: pin the sigmoid table's hash.
    use plonky2::field::types::Field;
    use plonky2::plonk::config::Hasher;
    let table: Vec<F> = inferchain_verifier::quant::SIGMOID
        .iter()
        .map(|&v| F::from_canonical_u16(v))
        .collect();
    let h = Digest::from_hash(plonky2::hash::poseidon::PoseidonHash::hash_no_pad(&table));
    assert_eq!(
        h.to_hex(),
        "9a5404cef36ff9f62920a183555301f0bca101d64cfb549b5026f1bc4fcb47cb",
        "the SIGMOID table changed"
    );
    let fixed = common::fixed_model(&small, Salt([1, 2, 3]));
    assert_eq!(
        fixed.commitment().unwrap().to_hex(),
        "d7590fce58bb2c20edaa72e5d11e87e5cb9ff2e3dcdd2fa25c932d79a7bf823a"
    );
    // The binding of a context is pinned too: the chain recomputes it.
    assert_eq!(
        binding_of(b"infer1modeler").to_hex(),
        "5c9e0d6c8c8e8fca3adc15c565318eb53afb3ecde18a385b23c085788ec6f6d6"
    );
}

/// Hiding: the same weights under two salts commit to unrelated digests; the salt survives
/// the model's JSON form.
#[test]
fn salts_make_commitments_of_the_same_weights_unlinkable() {
    let a = random_model(SMALL, 71);
    let mut b = a.clone();
    b.salt = Salt([9, 9, 9]);
    let (ca, cb) = (a.commitment().unwrap(), b.commitment().unwrap());
    assert_ne!(ca, cb);
    assert!(ca.0.iter().zip(cb.0).all(|(x, y)| *x != y));
    let json = serde_json::to_string(&a).unwrap();
    let back: QuantModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back.commitment().unwrap(), ca);
    // A salt over 62 bits per element is refused (it would not be canonical).
    let mut wide = a.clone();
    wide.salt = Salt([1 << 63, 0, 0]);
    assert!(wide.commitment().is_err());
}

/// Binding: a proof is useless to anyone but its intended submitter and request.
#[test]
fn a_proof_verifies_only_for_its_binding() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let model = random_model(SMALL, 72);
    let x = vec![40; 16];
    let for_a = binding_of(b"request A");
    let p = prove_inference(&model, &x, Mode::Public, &for_a).unwrap();
    assert_eq!(p.binding, for_a);
    verify_inference(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &for_a,
    )
    .unwrap();
    let for_b = binding_of(b"request B");
    assert!(matches!(
        verify_inference(
            &arch,
            Mode::Public,
            &p.bytes,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &for_b
        ),
        Err(VerifyError::PublicInputMismatch("binding"))
    ));
    // A front-runner copying the victim's commitment and score proof can't re-bind it to
    // their own address: the proof carries the victim's.
    let set = random_testset(16, 73, &model);
    let victim = binding_of(b"infer1victim");
    let s = prove_score(&model, &set, Mode::Public, &victim).unwrap();
    verify_score(
        &arch,
        Mode::Public,
        &s.bytes,
        &s.commitment,
        &s.testset_hash,
        &s.score,
        &victim,
    )
    .unwrap();
    let thief = binding_of(b"infer1thief");
    assert!(verify_score(
        &arch,
        Mode::Public,
        &s.bytes,
        &s.commitment,
        &s.testset_hash,
        &s.score,
        &thief
    )
    .is_err());
    // Rewriting the binding in the proof's public inputs breaks the proof itself.
    let mut env = Envelope::decode(&s.bytes).unwrap();
    let mut pwpi = plonky2::plonk::proof::ProofWithPublicInputs::<F, C, D>::from_bytes(
        env.payload.clone(),
        &circuit::build(&arch, ProofKind::Score { rows: 16 }, Mode::Public)
            .data
            .common,
    )
    .unwrap();
    let n = pwpi.public_inputs.len();
    pwpi.public_inputs[n - 4..].copy_from_slice(&thief.to_fields());
    env.payload = pwpi.to_bytes();
    assert!(matches!(
        verify_score(
            &arch,
            Mode::Public,
            &env.encode(),
            &s.commitment,
            &s.testset_hash,
            &s.score,
            &thief
        ),
        Err(VerifyError::Invalid(_))
    ));
}

/// Zero knowledge by construction: the private verifier is the wrapper's, which has no lookup
/// tables and is built with plonky2's zero-knowledge configuration, so a private proof opens
/// no lookup polynomial at all (the public circuit it wraps does have lookups). A public and a
/// private proof of the same inference carry the same public inputs: they differ in mode and
/// payload only.
#[test]
fn private_proofs_open_no_lookup_polynomial_and_differ_from_public_only_by_mode() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let public = verifier(&arch, ProofKind::Inference, Mode::Public).unwrap();
    let private = verifier(&arch, ProofKind::Inference, Mode::Private).unwrap();
    assert!(public.common.num_lookup_polys > 0 && !public.common.luts.is_empty());
    assert_eq!(private.common.num_lookup_polys, 0);
    assert!(private.common.luts.is_empty());
    assert!(private.common.config.zero_knowledge);
    assert!(!public.common.config.zero_knowledge);
    eprintln!(
        "wrapper: degree 2^{}, {} gates in the public circuit's 2^{}",
        private.common.degree_bits(),
        private.common.gates.len(),
        public.common.degree_bits()
    );

    let model = random_model(SMALL, 81);
    let x = vec![-64; 16];
    let p = prove_inference(&model, &x, Mode::Private, &bind()).unwrap();
    let q = prove_inference(&model, &x, Mode::Public, &bind()).unwrap();
    let (pe, qe) = (
        Envelope::decode(&p.bytes).unwrap(),
        Envelope::decode(&q.bytes).unwrap(),
    );
    let pp = plonky2::plonk::proof::ProofWithPublicInputs::<F, C, D>::from_bytes(
        pe.payload.clone(),
        &private.common,
    )
    .unwrap();
    let qp = plonky2::plonk::proof::ProofWithPublicInputs::<F, C, D>::from_bytes(
        qe.payload.clone(),
        &public.common,
    )
    .unwrap();
    assert!(pp.proof.openings.lookup_zs.is_empty() && pp.proof.openings.lookup_zs_next.is_empty());
    assert!(!qp.proof.openings.lookup_zs.is_empty());
    assert_eq!(pp.public_inputs, qp.public_inputs);
    assert_eq!(
        (pe.kind_code, &pe.arch, pe.rows, pe.compressed),
        (qe.kind_code, &qe.arch, qe.rows, qe.compressed)
    );
    assert_ne!(pe.mode, qe.mode);
    verify_inference(
        &arch,
        Mode::Private,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    // Compression works on the wrapper's proof too.
    let c = compress_proof(&arch, &p.bytes).unwrap();
    verify_inference(
        &arch,
        Mode::Private,
        &c,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
}

/// One proof for many inferences of different models and requests: public-mode proofs are
/// verified inside one zero-knowledge wrapper; the chain verifies the aggregate once and still
/// checks every claim (commitment, input hash, output, binding), in order.
#[test]
fn inferences_of_different_models_aggregate_into_one_zero_knowledge_proof() {
    let arch = ArchSpec::parse(SMALL).unwrap();
    let (m1, m2) = (random_model(SMALL, 91), random_model(SMALL, 92));
    let (b1, b2) = (binding_of(b"request 1"), binding_of(b"request 2"));
    let p1 = prove_inference(&m1, &[30; 16], Mode::Public, &b1).unwrap();
    let p2 = prove_inference(&m2, &[-30; 16], Mode::Public, &b2).unwrap();
    let t = std::time::Instant::now();
    let agg = aggregate(&arch, &[p1.clone(), p2.clone()]).unwrap();
    eprintln!("aggregate of 2: {:?}, {} bytes", t.elapsed(), agg.len());
    let claim = |p: &InferenceProof| InferenceClaim {
        commitment: p.commitment,
        input_hash: p.input_hash,
        output: p.output.clone(),
        binding: p.binding,
    };
    let claims = [claim(&p1), claim(&p2)];
    verify_aggregate(&arch, &agg, &claims).unwrap();
    // Order, binding and count are all checked.
    assert!(verify_aggregate(&arch, &agg, &[claims[1].clone(), claims[0].clone()]).is_err());
    let mut rebound = claims.clone();
    rebound[1].binding = b1;
    assert!(verify_aggregate(&arch, &agg, &rebound).is_err());
    assert!(matches!(
        verify_aggregate(
            &arch,
            &agg,
            &[claims[0].clone(), claims[1].clone(), claims[0].clone()]
        ),
        Err(VerifyError::Unregistered(_))
    ));
    // An aggregate is zero-knowledge: its verifier has no lookups and blinds.
    let vd = verifier(&arch, ProofKind::Aggregate { rows: 2 }, Mode::Private).unwrap();
    assert!(vd.common.luts.is_empty() && vd.common.config.zero_knowledge);
    // Only private aggregates exist; a single inference verifier refuses an aggregate.
    assert!(verifier(&arch, ProofKind::Aggregate { rows: 2 }, Mode::Public).is_err());
    assert!(verify_inference(
        &arch,
        Mode::Private,
        &agg,
        &p1.commitment,
        &p1.input_hash,
        &p1.output,
        &b1
    )
    .is_err());
}
