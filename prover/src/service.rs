//! gRPC service `inferchain.prover.v1.Prover`: proves with the models the sidecar holds
//! (keyed by commitment) and verifies proofs. Proving runs on blocking threads.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use inferchain_proto::inferchain::prover::v1 as pb;
use inferchain_proto::inferchain::prover::v1::prover_server::{Prover, ProverServer};
use inferchain_verifier::{self as v, ArchSpec, Digest, Mode, QuantModel, Score, TestSet};
use tonic::{Request, Response, Status};

pub fn mode_from_pb(m: i32) -> Result<Mode, Status> {
    match pb::ProofMode::try_from(m) {
        // No silent default: a caller that forgot the mode must not get a public proof.
        Ok(pb::ProofMode::Unspecified) => Err(Status::invalid_argument(
            "proof mode is required (PROOF_MODE_PUBLIC, PROOF_MODE_PRIVATE or PROOF_MODE_COMPACT)",
        )),
        Ok(pb::ProofMode::Public) => Ok(Mode::Public),
        Ok(pb::ProofMode::Private) => Ok(Mode::Private),
        Ok(pb::ProofMode::Compact) => Ok(Mode::Compact),
        Err(_) => Err(Status::invalid_argument(format!("unknown proof mode {m}"))),
    }
}

/// The binding a request names: its context (request id, modeler address) hashed; required.
fn binding_from(context: &[u8]) -> Result<v::Digest, Status> {
    if context.is_empty() {
        return Err(Status::invalid_argument(
            "binding_context is required (the request id, or the modeler's address)",
        ));
    }
    Ok(v::binding_of(context))
}

pub fn mode_to_pb(m: Mode) -> i32 {
    match m {
        Mode::Public => pb::ProofMode::Public as i32,
        Mode::Private => pb::ProofMode::Private as i32,
        Mode::Compact => pb::ProofMode::Compact as i32,
    }
}

/// Models held by the sidecar, keyed by commitment hex.
#[derive(Clone, Default)]
pub struct ProverService {
    models: Arc<BTreeMap<String, QuantModel>>,
}

impl ProverService {
    pub fn new(models: Vec<QuantModel>) -> Result<Self> {
        let mut map = BTreeMap::new();
        for m in models {
            let c = m.commitment()?;
            map.insert(c.to_hex(), m);
        }
        Ok(Self {
            models: Arc::new(map),
        })
    }

    /// Loads every `*.json` quantized model under `dir` (recursively one level: `dir/*/quant.json`
    /// too).
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let mut models = Vec::new();
        let mut paths = Vec::new();
        for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let p = e?.path();
            if p.is_dir() {
                let q = p.join("quant.json");
                if q.exists() {
                    paths.push(q);
                }
            } else if p.extension().is_some_and(|x| x == "json") {
                paths.push(p);
            }
        }
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p)?;
            if let Ok(m) = serde_json::from_str::<QuantModel>(&text) {
                if m.validate().is_ok() {
                    models.push(m);
                }
            }
        }
        Self::new(models)
    }

    /// The models held, by commitment.
    pub fn models(&self) -> Vec<QuantModel> {
        self.models.values().cloned().collect()
    }

    pub fn commitments(&self) -> Vec<String> {
        self.models.keys().cloned().collect()
    }

    fn model(&self, commitment: &str) -> Result<QuantModel, Status> {
        let key = Digest::from_hex(commitment)
            .map_err(|e| Status::invalid_argument(e.to_string()))?
            .to_hex();
        self.models
            .get(&key)
            .cloned()
            .ok_or_else(|| Status::not_found(format!("no model with commitment {key}")))
    }
}

fn internal(e: impl std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

#[tonic::async_trait]
impl Prover for ProverService {
    async fn prove_inference(
        &self,
        req: Request<pb::ProveInferenceRequest>,
    ) -> Result<Response<pb::ProveInferenceResponse>, Status> {
        let req = req.into_inner();
        let model = self.model(&req.model_commitment)?;
        let mode = mode_from_pb(req.mode)?;
        let binding = binding_from(&req.binding_context)?;
        let input = req.input;
        model
            .infer(&input)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let (p, secs) = tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            v::prove_inference(&model, &input, mode, &binding)
                .map(|p| (p, t.elapsed().as_secs_f64()))
        })
        .await
        .map_err(internal)?
        .map_err(internal)?;
        let arch = ArchSpec::parse(&self.model(&req.model_commitment)?.arch).map_err(internal)?;
        Ok(Response::new(pb::ProveInferenceResponse {
            proof: p.bytes,
            arch: arch.name(),
            model_commitment: p.commitment.to_hex(),
            input_hash: p.input_hash.to_hex(),
            output: p.output,
            mode: mode_to_pb(mode),
            prove_seconds: secs,
            binding: p.binding.to_hex(),
        }))
    }

    async fn prove_score(
        &self,
        req: Request<pb::ProveScoreRequest>,
    ) -> Result<Response<pb::ProveScoreResponse>, Status> {
        let req = req.into_inner();
        let model = self.model(&req.model_commitment)?;
        let arch = model.arch.clone();
        let mode = mode_from_pb(req.mode)?;
        let binding = binding_from(&req.binding_context)?;
        if req.rows.is_empty() || req.rows.len() > 4096 {
            return Err(Status::invalid_argument("1 to 4096 rows"));
        }
        let set = TestSet {
            labels: req.rows.iter().map(|r| r.label as i64).collect(),
            rows: req.rows.into_iter().map(|r| r.features).collect(),
        };
        v::score(&model, &set).map_err(|e| Status::invalid_argument(e.to_string()))?;
        let (p, secs) = tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            v::prove_score(&model, &set, mode, &binding).map(|p| (p, t.elapsed().as_secs_f64()))
        })
        .await
        .map_err(internal)?
        .map_err(internal)?;
        Ok(Response::new(pb::ProveScoreResponse {
            proof: p.bytes,
            arch,
            model_commitment: p.commitment.to_hex(),
            testset_hash: p.testset_hash.to_hex(),
            rows: p.score.rows as u32,
            correct: p.score.correct,
            brier_sum: p.score.brier_sum,
            accuracy: p.score.accuracy(),
            brier: p.score.brier(),
            mode: mode_to_pb(mode),
            prove_seconds: secs,
            binding: p.binding.to_hex(),
        }))
    }

    async fn verify(
        &self,
        req: Request<pb::VerifyRequest>,
    ) -> Result<Response<pb::VerifyResponse>, Status> {
        let req = req.into_inner();
        // Only registered architectures: an unknown one is refused before anything is built.
        let arch = v::registry::architecture(&req.arch)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let commitment = Digest::from_hex(&req.model_commitment)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let claim = req
            .claim
            .ok_or_else(|| Status::invalid_argument("missing claim"))?;
        let mode = mode_from_pb(req.mode)?;
        let binding = binding_from(&req.binding_context)?;
        let proof = req.proof;
        let res = tokio::task::spawn_blocking(move || -> Result<_, Status> {
            Ok(match claim {
                pb::verify_request::Claim::Inference(c) => {
                    let h = Digest::from_hex(&c.input_hash)
                        .map_err(|e| Status::invalid_argument(e.to_string()))?;
                    v::verify_inference(&arch, mode, &proof, &commitment, &h, &c.output, &binding)
                }
                pb::verify_request::Claim::Score(c) => {
                    let h = Digest::from_hex(&c.testset_hash)
                        .map_err(|e| Status::invalid_argument(e.to_string()))?;
                    let s = Score {
                        rows: c.rows as usize,
                        correct: c.correct,
                        brier_sum: c.brier_sum,
                    };
                    v::verify_score(&arch, mode, &proof, &commitment, &h, &s, &binding)
                }
            })
        })
        .await
        .map_err(internal)??;
        Ok(Response::new(match res {
            Ok(ok) => pb::VerifyResponse {
                valid: true,
                error: String::new(),
                mode: mode_to_pb(ok.mode),
                circuit_digest: ok.circuit_digest.to_hex(),
            },
            Err(e) => pb::VerifyResponse {
                valid: false,
                error: e.to_string(),
                mode: pb::ProofMode::Unspecified as i32,
                circuit_digest: String::new(),
            },
        }))
    }
}

/// The prover service plus gRPC reflection over its descriptor, so `grpcurl` can list and
/// call it without the `.proto` file.
fn router(svc: ProverService) -> Result<tonic::transport::server::Router> {
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(inferchain_proto::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    Ok(tonic::transport::Server::builder()
        .add_service(ProverServer::new(svc))
        .add_service(reflection))
}

/// Serves until the future `shutdown` completes.
pub async fn serve(
    addr: SocketAddr,
    svc: ProverService,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    router(svc)?.serve_with_shutdown(addr, shutdown).await?;
    Ok(())
}

/// Serves on an already bound listener (tests bind port 0).
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    svc: ProverService,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let incoming = tokio_stream_from(listener);
    router(svc)?
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await?;
    Ok(())
}

fn tokio_stream_from(
    listener: tokio::net::TcpListener,
) -> impl tokio_stream::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    tokio_stream::wrappers::TcpListenerStream::new(listener)
}
