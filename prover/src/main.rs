//! `inferchain-prover`: dataset, training, commitments, inference, proofs, verification and
//! the gRPC prover sidecar.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use inferchain_prover::chain;
use inferchain_prover::dataset::{self, Dataset};
use inferchain_prover::model::{self, TrainConfig};
use inferchain_prover::quantize;
use inferchain_prover::service::ProverService;
use inferchain_verifier::{
    self as v, ArchSpec, Digest, Mode, ProofKind, QuantModel, Score, TestSet,
};
use serde_json::json;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Json,
}

#[derive(Parser)]
#[command(
    name = "inferchain-prover",
    version,
    about = "InferChain zkML prover sidecar"
)]
struct Cli {
    /// Output format of results (progress always goes to stderr).
    #[arg(long, global = true, value_enum, default_value = "text")]
    output: Output,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct DataArgs {
    /// Dataset JSON written by `dataset`; default: regenerate with --seed/--rows.
    #[arg(long)]
    data: Option<PathBuf>,
    #[arg(long, default_value_t = dataset::DEFAULT_SEED)]
    seed: u64,
    #[arg(long, default_value_t = dataset::DEFAULT_ROWS)]
    rows: usize,
}

#[derive(clap::Args, Clone)]
struct InputArgs {
    /// Input vector, comma-separated fixed-point integers (scale 256).
    #[arg(long, allow_hyphen_values = true)]
    input: Option<String>,
    /// Use row N of the dataset's test split instead (quantized).
    #[arg(long)]
    test_row: Option<usize>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// Generate the synthetic credit-scoring dataset.
    Dataset {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = dataset::DEFAULT_SEED)]
        seed: u64,
        #[arg(long, default_value_t = dataset::DEFAULT_ROWS)]
        rows: usize,
        #[arg(long, default_value_t = 16)]
        features: usize,
    },
    /// Train an MLP with burn, save it (burnpack), export and quantize its weights.
    Train {
        #[arg(long, default_value = "mlp-16-32-16-1")]
        arch: String,
        /// Output directory: model.bpk, float.json, quant.json, metrics.json.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 30)]
        epochs: usize,
        #[arg(long, default_value_t = 64)]
        batch_size: usize,
        #[arg(long, default_value_t = 3e-3)]
        lr: f64,
        #[arg(long, default_value_t = 1)]
        train_seed: u64,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print a quantized model's commitment.
    Commit {
        /// quant.json, or the directory `train` wrote.
        #[arg(long)]
        model: PathBuf,
    },
    /// Integer (quantized) inference.
    Infer {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Prove one inference.
    ProveInference {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// public | private | compact (required: no default mode).
        #[arg(long)]
        mode: Mode,
        /// Who or what the proof is for (e.g. the request id it answers): hashed into the
        /// proof's public binding.
        #[arg(long)]
        bind: String,
        /// Where to write the proof bytes.
        #[arg(long)]
        out: PathBuf,
        /// Write plonky2's compressed form (Merkle paths shared between queries sent once).
        #[arg(long)]
        compress: bool,
    },
    /// Prove a model's score on the first --score-rows rows of the test split.
    ProveScore {
        #[arg(long)]
        model: PathBuf,
        #[arg(long, default_value_t = 256)]
        score_rows: usize,
        /// public | private | compact (required: no default mode).
        #[arg(long)]
        mode: Mode,
        /// The modeler's account address (bech32): the proof is bound to it, as the chain's
        /// `MsgSubmitScoreProof` requires (only this address can submit it).
        #[arg(long, conflicts_with = "bind", required_unless_present = "bind")]
        modeler: Option<String>,
        /// A raw binding context instead (hashed into the proof's public binding).
        #[arg(long)]
        bind: Option<String>,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// A test set in the canonical encoding (`export-testset`, or a challenge's revealed
        /// bytes) instead of the data's test split; --score-rows is then its row count.
        #[arg(long, conflicts_with = "challenge")]
        testset: Option<PathBuf>,
        /// Prove on this challenge's revealed test set, fetched from the chain (--node); the
        /// output names the `inferchaind tx inference submit-score-proof` to send.
        #[arg(long, requires = "node")]
        challenge: Option<u64>,
        /// CometBFT RPC of a node (http://host:port), with --challenge.
        #[arg(long)]
        node: Option<String>,
    },
    /// Write the first --score-rows rows of the test split in the canonical test-set encoding
    /// (what a challenge commits to with sha256 and reveals); prints both of its hashes.
    ExportTestset {
        #[arg(long)]
        arch: String,
        #[arg(long, default_value_t = 256)]
        score_rows: usize,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Verify a proof against its public claim (exit code 1 if rejected).
    Verify {
        #[arg(long)]
        arch: String,
        #[arg(long)]
        proof: PathBuf,
        #[arg(long)]
        commitment: String,
        /// Inference claim: the input hash ...
        #[arg(long)]
        input_hash: Option<String>,
        /// ... and the output logits (comma-separated).
        #[arg(long, allow_hyphen_values = true)]
        output_value: Option<String>,
        /// Score claim: test-set hash, rows, correct, brier sum.
        #[arg(long)]
        testset_hash: Option<String>,
        #[arg(long)]
        score_rows: Option<usize>,
        #[arg(long)]
        correct: Option<u64>,
        #[arg(long)]
        brier_sum: Option<u64>,
        /// The mode the proof must be in: public | private | compact.
        #[arg(long)]
        mode: Mode,
        /// What the proof must be bound to (as given to prove-*'s --bind).
        #[arg(long)]
        bind: String,
    },
    /// Print the circuit digest (verifier data) of an architecture, kind and mode.
    Digest {
        #[arg(long)]
        arch: String,
        /// 0 = inference circuit, N = score circuit over N rows.
        #[arg(long, default_value_t = 0)]
        score_rows: usize,
        /// public | private | compact (required: no default mode).
        #[arg(long)]
        mode: Mode,
    },
    /// Print the chain's inference requests as they are made (JSON lines): what `serve
    /// --chain` listens to, for checking a node's websocket.
    WatchRequests {
        /// CometBFT RPC of a node (http://host:port).
        #[arg(long)]
        chain: String,
        /// The event query (default: the sidecar's).
        #[arg(long)]
        query: Option<String>,
    },
    /// Run the prover: the chain sidecar (--chain: answer the chain's inference requests for
    /// the --model files) and/or the gRPC prover service (--listen, --models).
    Serve {
        /// gRPC listen address (default 127.0.0.1:50071 when --chain is not given; with
        /// --chain, gRPC is served only if this is given).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Directory of quantized models (`*.json` or `*/quant.json`).
        #[arg(long)]
        models: Option<PathBuf>,
        #[command(flatten)]
        sidecar: SidecarArgs,
    },
}

/// `serve --chain …`: the sidecar that answers inference requests on chain.
#[derive(clap::Args)]
struct SidecarArgs {
    /// CometBFT RPC of a node (http://host:port): run the chain sidecar against it.
    #[arg(long)]
    chain: Option<String>,
    /// The key that signs fulfilments (name or address in the keyring under --home): the
    /// models' owner or their operator (`MsgSetModelOperator`).
    #[arg(long, requires = "chain")]
    key: Option<String>,
    /// The CLI's home (its keyring), as `inferchaind --home`.
    #[arg(long, env = "INFERCHAIN_HOME")]
    home: Option<PathBuf>,
    /// Checked against the node's chain id (default: the node's).
    #[arg(long, env = "INFERCHAIN_CHAIN_ID")]
    chain_id: Option<String>,
    /// A quantized model (quant.json, or a `train` directory); repeatable.
    #[arg(long = "model")]
    model: Vec<PathBuf>,
    /// Where the journal of submissions lives (default <home>/prover-sidecar).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Serve Prometheus metrics on this address (GET /metrics).
    #[arg(long)]
    metrics: Option<std::net::SocketAddr>,
    /// Largest aggregate proof (1: answer every request singly).
    #[arg(long, default_value_t = 32)]
    max_batch: usize,
    #[arg(long, default_value = "0.025uspec")]
    gas_prices: String,
    #[arg(long, default_value_t = 1.4)]
    gas_adjustment: f64,
    /// Seconds between full rescans of the chain's pending requests (besides the scan at
    /// every websocket (re)connection).
    #[arg(long, default_value_t = 30)]
    scan_secs: u64,
    /// Serve the web app's playground on the --metrics address: publish the weights of the
    /// models served (anyone may then run them) and prove queries off chain on demand.
    #[arg(long)]
    playground: bool,
}

/// Ctrl-C or SIGTERM (a service manager's stop). A kill -9 is safe too: see the journal.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The CLI's default home, as `inferchaind`'s: `$HOME/.inferchain`.
fn default_home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".inferchain")
}

fn serve(
    listen: Option<std::net::SocketAddr>,
    models: Option<PathBuf>,
    sc: SidecarArgs,
) -> Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    let Some(node) = sc.chain else {
        let models = models.ok_or_else(|| {
            anyhow!(
                "give --models DIR (gRPC service) or --chain URL --key NAME --model FILE (sidecar)"
            )
        })?;
        let listen = listen.unwrap_or_else(|| "127.0.0.1:50071".parse().expect("address"));
        let svc = ProverService::load_dir(&models)?;
        eprintln!(
            "inferchain.prover.v1.Prover on {listen}, {} model(s): {:?}",
            svc.commitments().len(),
            svc.commitments()
        );
        return rt.block_on(inferchain_prover::service::serve(listen, svc, async {
            let _ = tokio::signal::ctrl_c().await;
        }));
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let key = sc
        .key
        .ok_or_else(|| anyhow!("--chain needs --key NAME (the models' owner or operator)"))?;
    let home = sc.home.unwrap_or_else(default_home);
    let mut files = Vec::new();
    for p in &sc.model {
        files.push((p.clone(), load_model(p)?));
    }
    if let Some(dir) = &models {
        let svc = ProverService::load_dir(dir)?;
        for m in svc.models() {
            files.push((dir.clone(), m));
        }
    }
    let cfg = inferchain_prover::sidecar::Config {
        node,
        chain_id: sc.chain_id,
        key,
        state_dir: sc.state_dir.unwrap_or_else(|| home.join("prover-sidecar")),
        home,
        models: files.clone(),
        metrics: sc.metrics,
        max_batch: sc.max_batch,
        gas_prices: sc.gas_prices,
        gas_adjustment: sc.gas_adjustment,
        scan_interval: std::time::Duration::from_secs(sc.scan_secs.max(1)),
        playground: sc.playground,
    };
    let res = rt.block_on(async move {
        if let Some(addr) = listen {
            let svc = ProverService::new(files.into_iter().map(|(_, m)| m).collect())?;
            tracing::info!("inferchain.prover.v1.Prover on {addr}");
            tokio::spawn(async move {
                if let Err(e) =
                    inferchain_prover::service::serve(addr, svc, std::future::pending()).await
                {
                    tracing::error!(error = %e, "gRPC service failed");
                }
            });
        }
        inferchain_prover::sidecar::run(cfg, stop_signal()).await
    });
    // A proof still running on a blocking thread is abandoned (nothing was sent for it).
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    res
}

/// The `inferchaind` command that submits a proof of score (the model id is the modeler's).
fn submit_line(challenge: u64, proof: &Path, score: &v::Score) -> String {
    format!(
        "inferchaind tx inference submit-score-proof {challenge} <model-id> {} --correct {} --brier-sum {} --from <key> --wait",
        proof.display(),
        score.correct,
        score.brier_sum
    )
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("template"));
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

fn load_model(path: &Path) -> Result<QuantModel> {
    let p = if path.is_dir() {
        path.join("quant.json")
    } else {
        path.to_path_buf()
    };
    let m: QuantModel = serde_json::from_str(
        &std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?,
    )
    .with_context(|| format!("parsing {}", p.display()))?;
    m.validate()?;
    Ok(m)
}

fn load_data(d: &DataArgs, features: usize) -> Result<Dataset> {
    match &d.data {
        Some(p) => {
            let ds: Dataset = serde_json::from_str(&std::fs::read_to_string(p)?)?;
            if ds.features != features {
                bail!(
                    "dataset has {} features, model takes {features}",
                    ds.features
                );
            }
            Ok(ds)
        }
        None => Ok(dataset::generate(d.seed, d.rows, features)),
    }
}

fn parse_ints(s: &str) -> Result<Vec<i64>> {
    s.split(',')
        .map(|t| t.trim().parse::<i64>().map_err(|e| anyhow!("`{t}`: {e}")))
        .collect()
}

fn input_of(args: &InputArgs, arch: &ArchSpec) -> Result<Vec<i64>> {
    match (&args.input, args.test_row) {
        (Some(s), None) => parse_ints(s),
        (None, Some(r)) => {
            let ds = load_data(&args.data, arch.input_len())?;
            let (x, _) = ds.test();
            let row = x
                .get(r)
                .ok_or_else(|| anyhow!("test split has {} rows", x.len()))?;
            Ok(quantize::quantize_input(row))
        }
        _ => bail!("give exactly one of --input or --test-row"),
    }
}

fn emit(out: Output, value: serde_json::Value, text: String) {
    match out {
        Output::Json => println!("{}", serde_json::to_string_pretty(&value).expect("json")),
        Output::Text => println!("{text}"),
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let out = cli.output;
    match cli.cmd {
        Cmd::Dataset {
            out: path,
            seed,
            rows,
            features,
        } => {
            let ds = dataset::generate(seed, rows, features);
            std::fs::write(&path, serde_json::to_vec(&ds)?)?;
            emit(
                out,
                json!({"path": path, "rows": rows, "features": features, "seed": seed,
                       "train_rows": ds.train_rows, "default_rate": ds.default_rate()}),
                format!(
                    "wrote {} ({rows} rows, {features} features, {} train / {} test, default rate {:.3})",
                    path.display(),
                    ds.train_rows,
                    rows - ds.train_rows,
                    ds.default_rate()
                ),
            );
        }
        Cmd::Train {
            arch,
            out: dir,
            epochs,
            batch_size,
            lr,
            train_seed,
            data,
        } => {
            let arch = ArchSpec::parse(&arch)?;
            let ds = load_data(&data, arch.input_len())?;
            std::fs::create_dir_all(&dir)?;
            let (x, y) = ds.train();
            let cfg = TrainConfig {
                epochs,
                batch_size,
                learning_rate: lr,
                seed: train_seed,
            };
            let pb = ProgressBar::new(epochs as u64);
            pb.set_style(
                ProgressStyle::with_template(
                    "training {bar:30} {pos}/{len} epochs {msg} [{elapsed}]",
                )
                .expect("template"),
            );
            let mut losses = Vec::new();
            let t = Instant::now();
            let m = model::train(&arch, x, y, &cfg, |e, loss| {
                losses.push(loss);
                pb.set_message(format!("loss {loss:.4}"));
                let line = format!("epoch {:>3}  loss {loss:.5}", e + 1);
                if pb.is_hidden() {
                    eprintln!("{line}");
                } else {
                    pb.println(line);
                }
                pb.inc(1);
            })?;
            pb.finish_and_clear();
            let train_s = t.elapsed().as_secs_f64();
            let float = m.export(&arch)?;
            let (tx, ty) = ds.test();
            let burn_logits = model::burn_logits(&m, tx)?;
            let acc_burn = burn_logits
                .iter()
                .zip(ty)
                .filter(|(z, &l)| ((**z >= 0.0) as u8) == l)
                .count() as f64
                / tx.len() as f64;
            let acc_float = quantize::accuracy_float(&float, tx, ty);
            let (quant, clipped) = quantize::quantize_model(&float);
            let set = quantize::quantize_testset(tx, ty);
            let acc_quant = quantize::accuracy_quant(&quant, &set);
            model::save(m, &dir.join("model.bpk"))?;
            std::fs::write(dir.join("float.json"), serde_json::to_vec(&float)?)?;
            std::fs::write(dir.join("quant.json"), serde_json::to_vec(&quant)?)?;
            let commitment = quant.commitment()?;
            let metrics = json!({
                "arch": arch.name(), "epochs": epochs, "train_seconds": train_s,
                "final_loss": losses.last(), "losses": losses,
                "test_rows": tx.len(), "accuracy_float_burn": acc_burn,
                "accuracy_float": acc_float, "accuracy_quantized": acc_quant,
                "clipped_weights": clipped, "commitment": commitment.to_hex(),
                "dir": dir,
            });
            std::fs::write(
                dir.join("metrics.json"),
                serde_json::to_vec_pretty(&metrics)?,
            )?;
            emit(
                out,
                metrics,
                format!(
                    "trained {arch} in {train_s:.2}s; test accuracy float {:.2}% (burn {:.2}%), quantized {:.2}% ({clipped} weights clipped)\ncommitment {commitment}\nsaved {}",
                    acc_float * 100.0,
                    acc_burn * 100.0,
                    acc_quant * 100.0,
                    dir.display()
                ),
            );
        }
        Cmd::Commit { model } => {
            let m = load_model(&model)?;
            let c = m.commitment()?;
            emit(
                out,
                json!({"arch": m.arch, "commitment": c.to_hex()}),
                c.to_hex(),
            );
        }
        Cmd::Infer { model, input } => {
            let m = load_model(&model)?;
            let arch = m.validate()?;
            let x = input_of(&input, &arch)?;
            let y = m.infer(&x)?;
            let h = v::input_hash(&x);
            let real: Vec<f64> = y.iter().map(|&z| z as f64 / 256.0).collect();
            emit(
                out,
                json!({"arch": arch.name(), "input": x, "input_hash": h.to_hex(),
                       "output": y, "output_real": real}),
                format!("output {y:?} (logit {real:?})\ninput hash {h}"),
            );
        }
        Cmd::ProveInference {
            model,
            input,
            mode,
            bind,
            out: path,
            compress,
        } => {
            let m = load_model(&model)?;
            let arch = m.validate()?;
            let x = input_of(&input, &arch)?;
            let sp = spinner("building circuit");
            let t0 = Instant::now();
            v::circuit(&arch, ProofKind::Inference, mode);
            let build_s = t0.elapsed().as_secs_f64();
            sp.set_message(format!("proving ({mode})"));
            let t1 = Instant::now();
            let mut p = v::prove_inference(&m, &x, mode, &v::binding_of(bind.as_bytes()))?;
            let prove_s = t1.elapsed().as_secs_f64();
            if compress {
                sp.set_message("compressing");
                p.bytes = v::compress_proof(&arch, &p.bytes)?;
            }
            sp.finish_and_clear();
            std::fs::write(&path, &p.bytes)?;
            emit(
                out,
                json!({"arch": arch.name(), "mode": mode.as_str(), "proof": path,
                       "proof_bytes": p.bytes.len(), "compressed": compress,
                       "commitment": p.commitment.to_hex(),
                       "input_hash": p.input_hash.to_hex(), "output": p.output,
                       "circuit_build_seconds": build_s, "prove_seconds": prove_s}),
                format!(
                    "proved {arch} ({mode}) in {prove_s:.3}s (circuit {build_s:.2}s), {} bytes -> {}\ncommitment {}\ninput hash {}\noutput {:?}",
                    p.bytes.len(),
                    path.display(),
                    p.commitment,
                    p.input_hash,
                    p.output
                ),
            );
        }
        Cmd::ProveScore {
            model,
            score_rows,
            mode,
            modeler,
            bind,
            out: path,
            data,
            testset,
            challenge,
            node,
        } => {
            let m = load_model(&model)?;
            let arch = m.validate()?;
            let binding = match (&modeler, &bind) {
                (Some(addr), _) => v::score_binding(addr),
                (None, Some(ctx)) => v::binding_of(ctx.as_bytes()),
                (None, None) => bail!("give --modeler ADDRESS (or --bind CONTEXT)"),
            };
            let fetched = match (challenge, &node) {
                (Some(id), Some(url)) => {
                    let c = chain::challenge(url, id)?;
                    if c.test_set.is_empty() {
                        bail!(
                            "challenge {id} is {}: its test set is not revealed yet",
                            c.status
                        );
                    }
                    if c.architecture != arch.name() {
                        bail!(
                            "challenge {id} is for {}, the model is {}",
                            c.architecture,
                            arch.name()
                        );
                    }
                    eprintln!(
                        "challenge {id}: {} rows of {}, metric {}, test-set hash {}",
                        c.rows, c.architecture, c.metric, c.test_set_hash
                    );
                    Some(c.test_set)
                }
                _ => None,
            };
            let set: TestSet = match (fetched, testset) {
                (Some(bytes), _) => TestSet::from_canonical_bytes(&bytes, 1024)?,
                (None, Some(file)) => {
                    TestSet::from_canonical_bytes(&std::fs::read(&file)?, 1 << 16)?
                }
                (None, None) => {
                    let ds = load_data(&data, arch.input_len())?;
                    let (tx, ty) = ds.test();
                    if score_rows > tx.len() {
                        bail!("test split has only {} rows", tx.len());
                    }
                    quantize::quantize_testset(&tx[..score_rows], &ty[..score_rows])
                }
            };
            let score_rows = set.rows.len();
            let sp = spinner("building score circuit");
            let t0 = Instant::now();
            v::circuit(&arch, ProofKind::Score { rows: score_rows }, mode);
            let build_s = t0.elapsed().as_secs_f64();
            sp.set_message(format!("proving score over {score_rows} rows ({mode})"));
            let t1 = Instant::now();
            let p = v::prove_score(&m, &set, mode, &binding)?;
            let prove_s = t1.elapsed().as_secs_f64();
            sp.finish_and_clear();
            std::fs::write(&path, &p.bytes)?;
            emit(
                out,
                json!({"arch": arch.name(), "mode": mode.as_str(), "proof": path,
                       "proof_bytes": p.bytes.len(), "commitment": p.commitment.to_hex(),
                       "testset_hash": p.testset_hash.to_hex(), "rows": p.score.rows,
                       "correct": p.score.correct, "brier_sum": p.score.brier_sum,
                       "accuracy": p.score.accuracy(), "brier": p.score.brier(),
                       "circuit_build_seconds": build_s, "prove_seconds": prove_s,
                       "challenge_id": challenge, "modeler": modeler,
                       "submit": challenge.map(|id| submit_line(id, &path, &p.score))}),
                format!(
                    "proved score of {arch} ({mode}) in {prove_s:.2}s: accuracy {}/{} = {:.2}%, Brier {:.4}; {} bytes -> {}\ncommitment {}\ntest-set hash {}\nbrier sum {}{}",
                    p.score.correct,
                    p.score.rows,
                    p.score.accuracy() * 100.0,
                    p.score.brier(),
                    p.bytes.len(),
                    path.display(),
                    p.commitment,
                    p.testset_hash,
                    p.score.brier_sum,
                    challenge
                        .map(|id| format!("\nsubmit it with:\n  {}", submit_line(id, &path, &p.score)))
                        .unwrap_or_default()
                ),
            );
        }
        Cmd::ExportTestset {
            arch,
            score_rows,
            out: path,
            data,
        } => {
            let arch = v::registry::architecture(&arch)?;
            let ds = load_data(&data, arch.input_len())?;
            let (tx, ty) = ds.test();
            if score_rows > tx.len() {
                bail!("test split has only {} rows", tx.len());
            }
            let set = quantize::quantize_testset(&tx[..score_rows], &ty[..score_rows]);
            let bytes = set.to_canonical_bytes()?;
            std::fs::write(&path, &bytes)?;
            let sha = {
                use sha2::Digest as _;
                hex::encode(sha2::Sha256::digest(&bytes))
            };
            let h = set.hash()?;
            emit(
                out,
                json!({"testset": path, "rows": score_rows, "bytes": bytes.len(),
                       "sha256": sha, "testset_hash": h.to_hex()}),
                format!(
                    "{score_rows} rows, {} bytes -> {}\nsha256 {sha}\ntest-set hash {h}",
                    bytes.len(),
                    path.display()
                ),
            );
        }
        Cmd::Verify {
            arch,
            proof,
            commitment,
            input_hash,
            output_value,
            testset_hash,
            score_rows,
            correct,
            brier_sum,
            mode,
            bind,
        } => {
            let binding = v::binding_of(bind.as_bytes());
            let arch = v::registry::architecture(&arch)?;
            let bytes = std::fs::read(&proof)?;
            let c = Digest::from_hex(&commitment)?;
            let t = Instant::now();
            let res = match (input_hash, output_value, testset_hash) {
                (Some(h), Some(o), None) => {
                    let h = Digest::from_hex(&h)?;
                    v::verify_inference(&arch, mode, &bytes, &c, &h, &parse_ints(&o)?, &binding)
                }
                (None, None, Some(h)) => {
                    let h = Digest::from_hex(&h)?;
                    let s = Score {
                        rows: score_rows.ok_or_else(|| anyhow!("--score-rows"))?,
                        correct: correct.ok_or_else(|| anyhow!("--correct"))?,
                        brier_sum: brier_sum.ok_or_else(|| anyhow!("--brier-sum"))?,
                    };
                    v::verify_score(&arch, mode, &bytes, &c, &h, &s, &binding)
                }
                _ => bail!("give --input-hash and --output-value, or --testset-hash, --score-rows, --correct, --brier-sum"),
            };
            let secs = t.elapsed().as_secs_f64();
            match res {
                Ok(ok) => emit(
                    out,
                    json!({"valid": true, "mode": ok.mode.as_str(),
                           "circuit_digest": ok.circuit_digest.to_hex(), "seconds": secs}),
                    format!("valid ({} mode, circuit {})", ok.mode, ok.circuit_digest),
                ),
                Err(e) => {
                    emit(
                        out,
                        json!({"valid": false, "error": e.to_string()}),
                        format!("INVALID: {e}"),
                    );
                    std::process::exit(1);
                }
            }
        }
        Cmd::Digest {
            arch,
            score_rows,
            mode,
        } => {
            let arch = ArchSpec::parse(&arch)?;
            let kind = if score_rows == 0 {
                ProofKind::Inference
            } else {
                ProofKind::Score { rows: score_rows }
            };
            let d = v::verifier_digest(&arch, kind, mode)?;
            let built = v::circuit(&arch, kind, mode);
            emit(
                out,
                json!({"arch": arch.name(), "score_rows": score_rows, "mode": mode.as_str(),
                       "circuit_digest": d.to_hex(), "gates": built.gate_rows,
                       "degree_bits": built.data.common.degree_bits()}),
                format!(
                    "{d} ({} gates -> 2^{})",
                    built.gate_rows,
                    built.data.common.degree_bits()
                ),
            );
        }
        Cmd::WatchRequests { chain, query } => {
            use inferchain_prover::sidecar::{events, ws};
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let (tx, mut rx) = tokio::sync::mpsc::channel(64);
                let url = events::websocket_url(&chain);
                let query = query.unwrap_or_else(|| events::SUBSCRIBE_QUERY.to_string());
                eprintln!("watching {url} for {query}");
                tokio::spawn(ws::run(url, query, tx, Default::default()));
                let stop = stop_signal();
                tokio::pin!(stop);
                loop {
                    let ev = tokio::select! {
                        _ = &mut stop => break,
                        ev = rx.recv() => ev,
                    };
                    let line = match ev {
                        Some(ws::WsEvent::Connected) => json!({"event": "subscribed"}),
                        Some(ws::WsEvent::Disconnected) => json!({"event": "disconnected"}),
                        Some(ws::WsEvent::Requests(r)) => json!({"event": "tx", "requests": r}),
                        None => break,
                    };
                    println!("{line}");
                }
            });
        }
        Cmd::Serve {
            listen,
            models,
            sidecar,
        } => serve(listen, models, sidecar)?,
    }
    Ok(())
}
