//! End to end on trained models: dataset -> burn training -> quantization -> circuits -> proofs,
//! the CLI, and the gRPC service. `cargo test --release -p inferchain-prover`.

use std::process::Command;

use inferchain_prover::dataset;
use inferchain_prover::model::{self, TrainConfig};
use inferchain_prover::quantize::*;
use inferchain_verifier::*;

/// What the tests' proofs are bound to.
fn bind() -> inferchain_verifier::Digest {
    inferchain_verifier::binding_of(b"pipeline")
}

fn trained(arch: &str, epochs: usize) -> (model::FloatModel, QuantModel, dataset::Dataset) {
    let spec = ArchSpec::parse(arch).unwrap();
    let ds = dataset::generate(
        dataset::DEFAULT_SEED,
        dataset::DEFAULT_ROWS,
        spec.input_len(),
    );
    let (x, y) = ds.train();
    let cfg = TrainConfig {
        epochs,
        ..TrainConfig::default()
    };
    let mut losses = Vec::new();
    let m = model::train(&spec, x, y, &cfg, |_, l| losses.push(l)).unwrap();
    assert!(
        losses.last().unwrap() < losses.first().unwrap(),
        "{losses:?}"
    );
    let float = m.export(&spec).unwrap();
    let (q, _) = quantize_model(&float);
    (float, q, ds)
}

#[test]
fn trained_models_quantized_accuracy_and_circuit_on_whole_test_split() {
    for (arch, epochs) in [("mlp-16-32-16-1", 25), ("mlp-64-128-128-1", 12)] {
        let (float, q, ds) = trained(arch, epochs);
        let (tx, ty) = ds.test();
        let set = quantize_testset(tx, ty);
        let acc_f = accuracy_float(&float, tx, ty);
        let acc_q = accuracy_quant(&q, &set);
        eprintln!("{arch}: test accuracy float {acc_f:.4} quantized {acc_q:.4}");
        assert!(acc_f > 0.65, "model did not learn: {acc_f}");
        assert!(
            (acc_f - acc_q).abs() <= 0.01,
            "float {acc_f} vs quantized {acc_q}"
        );
        // The circuit's outputs equal the integer inference on every row of the test split.
        let want: Vec<Vec<i64>> = set.rows.iter().map(|r| q.infer(r).unwrap()).collect();
        let got = circuit_outputs_batched(&q, &set.rows).unwrap();
        assert_eq!(got.len(), tx.len());
        assert_eq!(got, want, "{arch}");
    }
}

#[test]
fn score_proof_over_256_test_rows_of_a_trained_model() {
    let arch = ArchSpec::parse("mlp-16-32-16-1").unwrap();
    let (_, q, ds) = trained("mlp-16-32-16-1", 15);
    let (tx, ty) = ds.test();
    let set = quantize_testset(&tx[..256], &ty[..256]);
    let p = prove_score(&q, &set, Mode::Public, &bind()).unwrap();
    assert_eq!(p.score, score(&q, &set).unwrap());
    assert!(p.score.accuracy() > 0.6);
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
    let other = quantize_testset(&tx[256..512], &ty[256..512]);
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &other.hash().unwrap(),
        &p.score,
        &bind()
    )
    .is_err());
    let mut flipped = set.clone();
    flipped.labels[0] = 1 - flipped.labels[0];
    assert!(verify_score(
        &arch,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &flipped.hash().unwrap(),
        &p.score,
        &bind()
    )
    .is_err());
}

#[test]
fn burn_save_load_roundtrip() {
    let spec = ArchSpec::parse("mlp-16-32-16-1").unwrap();
    let ds = dataset::generate(3, 600, 16);
    let (x, y) = ds.train();
    let cfg = TrainConfig {
        epochs: 2,
        ..TrainConfig::default()
    };
    let m = model::train(&spec, x, y, &cfg, |_, _| {}).unwrap();
    let before = model::burn_logits(&m, &ds.x[..20]).unwrap();
    let exported = m.export(&spec).unwrap();
    let dir = std::env::temp_dir().join(format!("icp-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.bpk");
    model::save(m, &path).unwrap();
    let loaded = model::load(&spec, &path).unwrap();
    let after = model::burn_logits(&loaded, &ds.x[..20]).unwrap();
    assert_eq!(before, after);
    for (i, r) in ds.x[..20].iter().enumerate() {
        assert!((exported.logit(r) - before[i] as f64).abs() < 1e-4);
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn cli(args: &[&str]) -> (bool, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_inferchain-prover"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let v = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (out.status.success(), v)
}

#[test]
fn cli_end_to_end() {
    let dir = std::env::temp_dir().join(format!("icp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = |n: &str| dir.join(n).to_string_lossy().to_string();
    let (ok, v) = cli(&[
        "dataset",
        "--out",
        &d("data.json"),
        "--rows",
        "2000",
        "--output",
        "json",
    ]);
    assert!(ok, "{v}");
    assert_eq!(v["rows"], 2000);
    let (ok, v) = cli(&[
        "train",
        "--arch",
        "mlp-16-32-16-1",
        "--out",
        &d("m"),
        "--epochs",
        "5",
        "--data",
        &d("data.json"),
        "--output",
        "json",
    ]);
    assert!(ok, "{v}");
    let commitment = v["commitment"].as_str().unwrap().to_string();
    assert!(dir.join("m/model.bpk").exists());
    let (ok, v) = cli(&["commit", "--model", &d("m"), "--output", "json"]);
    assert!(ok);
    assert_eq!(v["commitment"], commitment.as_str());
    let (ok, inf) = cli(&[
        "infer",
        "--model",
        &d("m"),
        "--test-row",
        "3",
        "--data",
        &d("data.json"),
        "--output",
        "json",
    ]);
    assert!(ok, "{inf}");
    let (ok, p) = cli(&[
        "prove-inference",
        "--mode",
        "public",
        "--bind",
        "request-1",
        "--model",
        &d("m"),
        "--test-row",
        "3",
        "--data",
        &d("data.json"),
        "--out",
        &d("p.bin"),
        "--output",
        "json",
    ]);
    assert!(ok, "{p}");
    assert_eq!(p["output"], inf["output"]);
    assert_eq!(p["input_hash"], inf["input_hash"]);
    let out0 = p["output"][0].as_i64().unwrap();
    let verify = |out: i64| {
        cli(&[
            "verify",
            "--mode",
            "public",
            "--bind",
            "request-1",
            "--arch",
            "mlp-16-32-16-1",
            "--proof",
            &d("p.bin"),
            "--commitment",
            &commitment,
            "--input-hash",
            p["input_hash"].as_str().unwrap(),
            &format!("--output-value={out}"),
            "--output",
            "json",
        ])
    };
    let (ok, v) = verify(out0);
    assert!(ok, "{v}");
    assert_eq!(v["valid"], true);
    let (ok, v) = verify(out0 + 1);
    assert!(!ok);
    assert_eq!(v["valid"], false);
    // compressed proof through the CLI
    let (ok, pc) = cli(&[
        "prove-inference",
        "--mode",
        "public",
        "--bind",
        "request-1",
        "--model",
        &d("m"),
        "--test-row",
        "3",
        "--data",
        &d("data.json"),
        "--out",
        &d("p.bin"),
        "--compress",
        "--output",
        "json",
    ]);
    assert!(ok, "{pc}");
    assert!(pc["proof_bytes"].as_u64() < p["proof_bytes"].as_u64());
    let (ok, v) = verify(out0);
    assert!(ok, "{v}");
    let (ok, v) = cli(&[
        "prove-score",
        "--mode",
        "public",
        "--bind",
        "infer1modeler",
        "--model",
        &d("m"),
        "--score-rows",
        "16",
        "--data",
        &d("data.json"),
        "--out",
        &d("s.bin"),
        "--output",
        "json",
    ]);
    assert!(ok, "{v}");
    let (ok, vv) = cli(&[
        "verify",
        "--mode",
        "public",
        "--bind",
        "infer1modeler",
        "--arch",
        "mlp-16-32-16-1",
        "--proof",
        &d("s.bin"),
        "--commitment",
        &commitment,
        "--testset-hash",
        v["testset_hash"].as_str().unwrap(),
        "--score-rows",
        "16",
        "--correct",
        &v["correct"].to_string(),
        "--brier-sum",
        &v["brier_sum"].to_string(),
        "--output",
        "json",
    ]);
    assert!(ok, "{vv}");
    // The canonical test-set encoding: exported, proved from, and hashed the same way.
    let (ok, ex) = cli(&[
        "export-testset",
        "--arch",
        "mlp-16-32-16-1",
        "--score-rows",
        "16",
        "--data",
        &d("data.json"),
        "--out",
        &d("set.bin"),
        "--output",
        "json",
    ]);
    assert!(ok, "{ex}");
    assert_eq!(
        ex["testset_hash"], v["testset_hash"],
        "the same 16 rows, the same hash"
    );
    let bytes = std::fs::read(d("set.bin")).unwrap();
    assert_eq!(ex["bytes"].as_u64().unwrap() as usize, bytes.len());
    let (ok, from_file) = cli(&[
        "prove-score",
        "--mode",
        "public",
        "--bind",
        "infer1modeler",
        "--model",
        &d("m"),
        "--testset",
        &d("set.bin"),
        "--out",
        &d("s2.bin"),
        "--output",
        "json",
    ]);
    assert!(ok, "{from_file}");
    assert_eq!(from_file["testset_hash"], ex["testset_hash"]);
    assert_eq!(from_file["correct"], v["correct"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn grpc_service_proves_and_verifies() {
    use inferchain_proto::inferchain::prover::v1 as pb;
    use pb::prover_client::ProverClient;

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (_, q, ds) = trained("mlp-16-32-16-1", 3);
        let svc = inferchain_prover::service::ProverService::new(vec![q.clone()]).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(inferchain_prover::service::serve_listener(
            listener,
            svc,
            async {
                let _ = rx.await;
            },
        ));
        let mut client = ProverClient::connect(format!("http://{addr}"))
            .await
            .unwrap();
        // grpcurl can find the service without the .proto file.
        let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let listed = inferchain_proto::reflection_client::list_services(channel.clone())
            .await
            .unwrap();
        assert!(
            listed.iter().any(|s| s == "inferchain.prover.v1.Prover"),
            "{listed:?}"
        );
        let files = inferchain_proto::reflection_client::files_containing(
            channel,
            "inferchain.prover.v1.Prover",
        )
        .await
        .unwrap();
        assert!(files.iter().any(|f| f.service.iter().any(
            |s| s.name() == "Prover" && s.method.iter().any(|m| m.name() == "ProveInference")
        )));
        let x = quantize_input(&ds.test().0[0]);
        let c = q.commitment().unwrap().to_hex();
        let r = client
            .prove_inference(pb::ProveInferenceRequest {
                model_commitment: c.clone(),
                input: x.clone(),
                mode: pb::ProofMode::Public as i32,
                binding_context: b"request-1".to_vec(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.output, q.infer(&x).unwrap());
        assert_eq!(r.input_hash, input_hash(&x).to_hex());
        let verify = |output: Vec<i64>| pb::VerifyRequest {
            arch: "mlp-16-32-16-1".into(),
            proof: r.proof.clone(),
            model_commitment: c.clone(),
            claim: Some(pb::verify_request::Claim::Inference(pb::InferenceClaim {
                input_hash: r.input_hash.clone(),
                output,
            })),
            mode: pb::ProofMode::Public as i32,
            binding_context: b"request-1".to_vec(),
        };
        let ok = client
            .verify(verify(r.output.clone()))
            .await
            .unwrap()
            .into_inner();
        assert!(ok.valid, "{}", ok.error);
        assert_eq!(ok.mode, pb::ProofMode::Public as i32);
        let bad = client
            .verify(verify(vec![r.output[0] + 1]))
            .await
            .unwrap()
            .into_inner();
        assert!(!bad.valid);
        // a verifier that requires private mode refuses the public proof
        let downgraded = client
            .verify(pb::VerifyRequest {
                mode: pb::ProofMode::Private as i32,
                ..verify(r.output.clone())
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!downgraded.valid);
        assert!(
            downgraded.error.contains("private is required"),
            "{}",
            downgraded.error
        );
        // no mode is no default mode
        let e = client
            .verify(pb::VerifyRequest {
                mode: 0,
                ..verify(r.output.clone())
            })
            .await;
        assert_eq!(e.unwrap_err().code(), tonic::Code::InvalidArgument);
        let e = client
            .prove_inference(pb::ProveInferenceRequest {
                model_commitment: c.clone(),
                input: x.clone(),
                mode: 0,
                binding_context: b"request-1".to_vec(),
            })
            .await;
        assert_eq!(e.unwrap_err().code(), tonic::Code::InvalidArgument);
        // unknown model
        let e = client
            .prove_inference(pb::ProveInferenceRequest {
                model_commitment: "00".repeat(32),
                input: x.clone(),
                mode: pb::ProofMode::Public as i32,
                binding_context: b"request-1".to_vec(),
            })
            .await;
        assert_eq!(e.unwrap_err().code(), tonic::Code::NotFound);
        // score over 16 rows (the smallest registered size)
        let (tx8, ty8) = ds.test();
        let rows = tx8[..16]
            .iter()
            .zip(&ty8[..16])
            .map(|(r, &l)| pb::TestRow {
                features: quantize_input(r),
                label: l as u32,
            })
            .collect();
        let s = client
            .prove_score(pb::ProveScoreRequest {
                model_commitment: c.clone(),
                rows,
                mode: pb::ProofMode::Public as i32,
                binding_context: b"infer1modeler".to_vec(),
            })
            .await
            .unwrap()
            .into_inner();
        let ok = client
            .verify(pb::VerifyRequest {
                arch: "mlp-16-32-16-1".into(),
                proof: s.proof,
                model_commitment: c.clone(),
                claim: Some(pb::verify_request::Claim::Score(pb::ScoreClaim {
                    testset_hash: s.testset_hash,
                    rows: s.rows,
                    correct: s.correct,
                    brier_sum: s.brier_sum,
                })),
                mode: pb::ProofMode::Public as i32,
                binding_context: b"infer1modeler".to_vec(),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(ok.valid, "{}", ok.error);
        let _ = tx.send(());
        server.await.unwrap().unwrap();
    });
}
