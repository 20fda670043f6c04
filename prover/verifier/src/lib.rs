//! InferChain zkML verifier (and the circuits it rebuilds): no burn, no floats in verification.
//!
//! * [`spec`]: architecture specs (`mlp-16-32-16-1`) and the fixed-point format.
//! * [`quant`]: quantized models, Poseidon commitments, input/test-set hashes, the integer
//!   inference and score the circuits reproduce bit for bit.
//! * [`circuit`]: the plonky2 circuits (built deterministically from a spec).
//! * [`envelope`]: the versioned proof serialization.
//! * [`registry`]: the only circuits a proof may claim.
//! * [`verify_inference`] / [`verify_score`] / [`verify_batch`]: what the chain calls, each
//!   with the mode it requires. Malformed bytes give a [`VerifyError`], never a panic, and an
//!   unregistered claim is refused before anything is built for it.
//! * [`prove_inference`] / [`prove_score`]: what the prover sidecar calls.

pub mod circuit;
pub mod envelope;
pub mod quant;
pub mod registry;
pub mod spec;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::plonk::circuit_data::VerifierCircuitData;
use plonky2::plonk::config::PoseidonGoldilocksConfig;
use plonky2::plonk::proof::{CompressedProofWithPublicInputs, ProofWithPublicInputs};

#[cfg(feature = "prove")]
pub use circuit::BuiltCircuit;
pub use envelope::{Envelope, EnvelopeError};
pub use quant::{
    binding_of, check_input, input_hash, playground_binding, request_binding, score, score_binding,
    Digest, QuantError, QuantLayer, QuantModel, Salt, Score, TestSet,
};
pub use registry::RegistryError;
pub use spec::{ArchSpec, Mode, ProofKind, SpecError};

pub type F = GoldilocksField;
pub type C = PoseidonGoldilocksConfig;
pub const D: usize = 2;

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed proof envelope: {0}")]
    Envelope(#[from] EnvelopeError),
    #[error("proof is a {found} proof, expected {expected}")]
    WrongKind {
        expected: &'static str,
        found: &'static str,
    },
    #[error("proof is for architecture {found}, expected {expected}")]
    ArchitectureMismatch { expected: String, found: String },
    #[error("score proof covers {found} rows, expected {expected}")]
    RowsMismatch { expected: usize, found: usize },
    #[error("proof is in {found} mode, {expected} is required")]
    WrongMode { expected: Mode, found: Mode },
    #[error("unregistered circuit: {0}")]
    Unregistered(#[from] RegistryError),
    #[error("malformed plonky2 proof: {0}")]
    MalformedProof(String),
    #[error("public input mismatch: {0}")]
    PublicInputMismatch(&'static str),
    #[error("bad claim: {0}")]
    BadClaim(String),
    #[error("proof does not verify: {0}")]
    Invalid(String),
}

#[cfg(feature = "prove")]
/// Why proving failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Quant(#[from] QuantError),
    #[error("proving failed: {0}")]
    Plonky2(String),
}

/// A verified proof: what the verifier learned besides "valid".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    pub mode: Mode,
    pub circuit_digest: Digest,
}

type CircuitKey = (ArchSpec, ProofKind, Mode);

/// A per-key cache whose values are built at most once, outside the map's lock: building one
/// circuit (seconds) never holds up requests for another, nor lookups of built ones.
struct OnceMap<V> {
    cells: Mutex<BTreeMap<CircuitKey, Arc<OnceLock<Arc<V>>>>>,
}

impl<V> OnceMap<V> {
    const fn new() -> Self {
        OnceMap {
            cells: Mutex::new(BTreeMap::new()),
        }
    }

    fn get(&self, key: CircuitKey, build: impl FnOnce() -> V) -> Arc<V> {
        let cell = self
            .cells
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .clone();
        cell.get_or_init(|| Arc::new(build())).clone()
    }
}

#[cfg(feature = "prove")]
/// The prover's circuit that computes claims of (arch, kind) in `mode`, built once per process
/// and cached (prover data included: for proving and witness generation). For private mode
/// this is the public circuit (see [`zk_wrapper`]).
pub fn circuit(arch: &ArchSpec, kind: ProofKind, mode: Mode) -> Arc<BuiltCircuit> {
    static CACHE: OnceMap<BuiltCircuit> = OnceMap::new();
    let mode = mode.inner();
    CACHE.get((arch.clone(), kind, mode), || {
        circuit::build(arch, kind, mode)
    })
}

#[cfg(feature = "prove")]
/// The zero-knowledge wrapper of (arch, kind)'s public circuit, built once per process.
pub fn zk_wrapper(arch: &ArchSpec, kind: ProofKind) -> Arc<circuit::ZkWrapper> {
    static CACHE: OnceMap<circuit::ZkWrapper> = OnceMap::new();
    CACHE.get((arch.clone(), kind, Mode::Private), || {
        let inner = circuit::wrapped_kind(kind);
        circuit::ZkWrapper::new(arch, kind, &circuit(arch, inner, Mode::Public).data)
    })
}

#[cfg(feature = "prove")]
/// Proves `pw` on `built` (the circuit of `mode.inner()`); in private mode, then wraps that
/// proof in the zero-knowledge wrapper, whose proof alone is returned.
fn prove_in_mode(
    built: &BuiltCircuit,
    pw: plonky2::iop::witness::PartialWitness<F>,
    arch: &ArchSpec,
    kind: ProofKind,
    mode: Mode,
) -> Result<ProofWithPublicInputs<F, C, D>, ProveError> {
    let inner = built
        .prove(pw)
        .map_err(|e| ProveError::Plonky2(e.to_string()))?;
    if mode != Mode::Private {
        return Ok(inner);
    }
    zk_wrapper(arch, kind)
        .prove(&[&inner])
        .map_err(|e| ProveError::Plonky2(format!("zero-knowledge wrapper: {e}")))
}

/// The verifier data of a registered circuit, built once per process (verifier-only: a
/// fraction of the prover's memory).
pub fn verifier(
    arch: &ArchSpec,
    kind: ProofKind,
    mode: Mode,
) -> Result<Arc<VerifierCircuitData<F, C, D>>, VerifyError> {
    registry::check(arch, kind)?;
    static CACHE: OnceMap<VerifierCircuitData<F, C, D>> = OnceMap::new();
    registry::check_mode(kind, mode)?;
    // A private verifier wraps the public one: build (or reuse) that first.
    let inner = match mode {
        Mode::Private => Some(verifier(arch, circuit::wrapped_kind(kind), Mode::Public)?),
        _ => None,
    };
    Ok(CACHE.get((arch.clone(), kind, mode), || {
        circuit::build_verifier(arch, kind, mode, inner.as_deref())
    }))
}

/// Builds the verifiers of `circuits` ahead of use (a node does this at start, so no
/// transaction waits on a build).
pub fn prepare_verifiers(circuits: &[(ArchSpec, ProofKind, Mode)]) -> Result<(), VerifyError> {
    for (arch, kind, mode) in circuits {
        verifier(arch, *kind, *mode)?;
    }
    Ok(())
}

/// The circuit digest of a registered (arch, kind, mode): what anyone rebuilding the verifier
/// data from the spec gets.
pub fn verifier_digest(
    arch: &ArchSpec,
    kind: ProofKind,
    mode: Mode,
) -> Result<Digest, VerifyError> {
    Ok(Digest::from_hash(
        verifier(arch, kind, mode)?.verifier_only.circuit_digest,
    ))
}

enum Parsed {
    Plain(ProofWithPublicInputs<F, C, D>),
    Compressed(CompressedProofWithPublicInputs<F, C, D>),
}

fn kind_of(env: &Envelope) -> ProofKind {
    let rows = env.rows as usize;
    match env.kind_code {
        1 => ProofKind::Inference,
        2 => ProofKind::Score { rows },
        3 => ProofKind::Batch { rows },
        _ => ProofKind::Aggregate { rows },
    }
}

/// Compresses a proof envelope (plonky2's compressed form: Merkle paths shared between
/// queries are sent once). The result verifies with the same `verify_*` calls.
pub fn compress_proof(arch: &ArchSpec, proof_bytes: &[u8]) -> Result<Vec<u8>, VerifyError> {
    let env = Envelope::decode(proof_bytes)?;
    if env.arch != arch.name() {
        return Err(VerifyError::ArchitectureMismatch {
            expected: arch.name(),
            found: env.arch.clone(),
        });
    }
    if env.compressed {
        return Ok(proof_bytes.to_vec());
    }
    // The header's kind and rows select the circuit: only a registered one.
    let vd = verifier(arch, kind_of(&env), env.mode)?;
    let payload = env.payload.clone();
    let compressed = catch_unwind(AssertUnwindSafe(|| -> anyhow::Result<Vec<u8>> {
        let p = ProofWithPublicInputs::<F, C, D>::from_bytes(payload, &vd.common)?;
        Ok(p.compress(&vd.verifier_only.circuit_digest, &vd.common)?
            .to_bytes())
    }))
    .map_err(|_| VerifyError::MalformedProof("compression panicked".into()))?
    .map_err(|e| VerifyError::MalformedProof(e.to_string()))?;
    Ok(Envelope {
        compressed: true,
        payload: compressed,
        ..env
    }
    .encode())
}

/// Whether a compressed proof carries every Merkle opening its own Fiat-Shamir challenges
/// will ask for. plonky2 indexes those maps directly and panics on a missing entry (a mutated
/// proof changes the challenges, hence the indices); this checks first, so such bytes are an
/// error before plonky2 sees them.
fn compressed_openings_complete(
    p: &CompressedProofWithPublicInputs<F, C, D>,
    vd: &VerifierCircuitData<F, C, D>,
) -> Result<(), VerifyError> {
    use plonky2::fri::proof::FriProof;
    use plonky2::plonk::proof::Proof;
    // The challenges depend on the caps, openings, final polynomial and proof of work only —
    // not on the query rounds — so a proof without them yields the same challenges.
    let shadow = ProofWithPublicInputs::<F, C, D> {
        public_inputs: p.public_inputs.clone(),
        proof: Proof {
            wires_cap: p.proof.wires_cap.clone(),
            plonk_zs_partial_products_cap: p.proof.plonk_zs_partial_products_cap.clone(),
            quotient_polys_cap: p.proof.quotient_polys_cap.clone(),
            openings: p.proof.openings.clone(),
            opening_proof: FriProof {
                commit_phase_merkle_caps: p.proof.opening_proof.commit_phase_merkle_caps.clone(),
                query_round_proofs: vec![],
                final_poly: p.proof.opening_proof.final_poly.clone(),
                pow_witness: p.proof.opening_proof.pow_witness,
            },
        },
    };
    let challenges = catch_unwind(AssertUnwindSafe(|| {
        shadow.get_challenges(
            shadow.get_public_inputs_hash(),
            &vd.verifier_only.circuit_digest,
            &vd.common,
        )
    }))
    .map_err(|_| VerifyError::MalformedProof("challenges panicked".into()))?
    .map_err(|e| VerifyError::MalformedProof(e.to_string()))?;
    let rounds = &p.proof.opening_proof.query_round_proofs;
    let arity_bits = &vd.common.fri_params.reduction_arity_bits;
    if rounds.steps.len() != arity_bits.len() {
        return Err(VerifyError::MalformedProof(
            "compressed proof: wrong number of FRI steps".into(),
        ));
    }
    let mut seen = vec![std::collections::HashSet::new(); arity_bits.len()];
    for &index in &challenges.fri_challenges.fri_query_indices {
        if !rounds.initial_trees_proofs.contains_key(&index) {
            return Err(VerifyError::MalformedProof(
                "compressed proof lacks an opening its challenges ask for".into(),
            ));
        }
        let mut x = index;
        for (depth, &bits) in arity_bits.iter().enumerate() {
            let coset = x >> bits;
            if !seen[depth].insert(coset) {
                break;
            }
            if !rounds.steps[depth].contains_key(&coset) {
                return Err(VerifyError::MalformedProof(
                    "compressed proof lacks a FRI step its challenges ask for".into(),
                ));
            }
            x = coset;
        }
    }
    Ok(())
}

fn decode_and_verify(
    arch: &ArchSpec,
    kind: ProofKind,
    mode: Mode,
    proof_bytes: &[u8],
    expected_pis: &[F],
) -> Result<VerifiedProof, VerifyError> {
    // Before the bytes are looked at: only a registered circuit is ever built.
    registry::check(arch, kind)?;
    let env = Envelope::decode(proof_bytes)?;
    let found_kind = env.kind_name();
    if env.kind_code != kind.code() {
        return Err(VerifyError::WrongKind {
            expected: kind.name(),
            found: found_kind,
        });
    }
    if env.arch != arch.name() {
        return Err(VerifyError::ArchitectureMismatch {
            expected: arch.name(),
            found: env.arch.clone(),
        });
    }
    if env.rows as usize != kind.rows() {
        return Err(VerifyError::RowsMismatch {
            expected: kind.rows(),
            found: env.rows as usize,
        });
    }
    if env.mode != mode {
        return Err(VerifyError::WrongMode {
            expected: mode,
            found: env.mode,
        });
    }
    let vd = verifier(arch, kind, mode)?;
    let common = &vd.common;
    let payload = env.payload.to_vec();
    // Parse (under catch_unwind as a last resort), then insist on the canonical encoding: no
    // trailing bytes, no non-canonical field elements.
    let parsed = catch_unwind(AssertUnwindSafe(|| -> anyhow::Result<Parsed> {
        if env.compressed {
            let p = CompressedProofWithPublicInputs::<F, C, D>::from_bytes(payload, common)?;
            if p.to_bytes() != env.payload {
                anyhow::bail!("non-canonical encoding");
            }
            Ok(Parsed::Compressed(p))
        } else {
            let p = ProofWithPublicInputs::<F, C, D>::from_bytes(payload, common)?;
            if p.to_bytes() != env.payload {
                anyhow::bail!("non-canonical encoding");
            }
            Ok(Parsed::Plain(p))
        }
    }));
    let parsed = match parsed {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return Err(VerifyError::MalformedProof(e.to_string())),
        Err(_) => return Err(VerifyError::MalformedProof("deserializer panicked".into())),
    };
    if let Parsed::Compressed(p) = &parsed {
        compressed_openings_complete(p, &vd)?;
    }
    let public_inputs = match &parsed {
        Parsed::Plain(p) => &p.public_inputs,
        Parsed::Compressed(p) => &p.public_inputs,
    };
    if public_inputs.len() != expected_pis.len() {
        return Err(VerifyError::MalformedProof(
            "wrong number of public inputs".into(),
        ));
    }
    let out_len = arch.output_len();
    let binding_at = expected_pis.len() - 4;
    let names = |i: usize| -> &'static str {
        match (kind, i) {
            (ProofKind::Aggregate { .. }, _) => "aggregated claim",
            _ if i >= binding_at => "binding",
            (_, 0..=3) => "model commitment",
            (ProofKind::Score { .. }, 4..=7) => "test-set hash",
            (ProofKind::Score { .. }, 8) => "correct count",
            (ProofKind::Score { .. }, _) => "brier sum",
            (_, _) if (i - 4) % (4 + out_len) < 4 => "input hash",
            _ => "output",
        }
    };
    for (i, (a, b)) in public_inputs.iter().zip(expected_pis).enumerate() {
        if a.to_canonical_u64() != b.to_canonical_u64() {
            return Err(VerifyError::PublicInputMismatch(names(i)));
        }
    }
    match catch_unwind(AssertUnwindSafe(|| match parsed {
        Parsed::Plain(p) => vd.verify(p),
        Parsed::Compressed(p) => vd.verify_compressed(p),
    })) {
        Ok(Ok(())) => Ok(VerifiedProof {
            mode: env.mode,
            circuit_digest: Digest::from_hash(vd.verifier_only.circuit_digest),
        }),
        Ok(Err(e)) => Err(VerifyError::Invalid(e.to_string())),
        Err(_) => Err(VerifyError::Invalid("verifier panicked".into())),
    }
}

/// Digests are compared as field elements: a limb >= p would alias a canonical one.
fn check_digest(d: &Digest, what: &str) -> Result<(), VerifyError> {
    use plonky2::field::types::Field64;
    if d.0.iter().any(|&v| v >= F::ORDER) {
        return Err(VerifyError::BadClaim(format!(
            "{what} is not a canonical digest"
        )));
    }
    Ok(())
}

fn check_output(arch: &ArchSpec, output: &[i64]) -> Result<Vec<F>, VerifyError> {
    if output.len() != arch.output_len() {
        return Err(VerifyError::BadClaim(format!(
            "{} outputs, architecture has {}",
            output.len(),
            arch.output_len()
        )));
    }
    let hi = spec::ACT_OFFSET;
    if output.iter().any(|&o| o < -hi || o >= hi) {
        return Err(VerifyError::BadClaim(
            "output out of fixed-point range".into(),
        ));
    }
    Ok(output.iter().map(|&o| quant::field_of_i64(o)).collect())
}

/// Verifies a proof of inference: the committed model (`commitment`) maps the input whose hash
/// is `input_hash` to `output` (logits at scale 256), for `binding` (the request it answers,
/// see [`binding_of`]), in the required `mode` (a proof of another mode is an error: no
/// caller can be downgraded by what the prover chose).
pub fn verify_inference(
    arch: &ArchSpec,
    mode: Mode,
    proof_bytes: &[u8],
    commitment: &Digest,
    input_hash: &Digest,
    output: &[i64],
    binding: &Digest,
) -> Result<VerifiedProof, VerifyError> {
    check_digest(commitment, "commitment")?;
    check_digest(input_hash, "input hash")?;
    check_digest(binding, "binding")?;
    let mut pis: Vec<F> = commitment.to_fields().to_vec();
    pis.extend(input_hash.to_fields());
    pis.extend(check_output(arch, output)?);
    pis.extend(binding.to_fields());
    decode_and_verify(arch, ProofKind::Inference, mode, proof_bytes, &pis)
}

/// Verifies a proof of score: the committed model reaches `score` on the test set whose hash
/// is `testset_hash` (of exactly `score.rows` rows, a registered size), for `binding` (the
/// modeler's account, see [`binding_of`]), in `mode`.
pub fn verify_score(
    arch: &ArchSpec,
    mode: Mode,
    proof_bytes: &[u8],
    commitment: &Digest,
    testset_hash: &Digest,
    score: &Score,
    binding: &Digest,
) -> Result<VerifiedProof, VerifyError> {
    // Claims are compared as field elements: bound them as integers first so that no value
    // can alias another modulo p.
    registry::check(arch, ProofKind::Score { rows: score.rows })?;
    if score.correct > score.rows as u64 || score.brier_sum > score.rows as u64 * 65536 {
        return Err(VerifyError::BadClaim("impossible score".into()));
    }
    check_digest(commitment, "commitment")?;
    check_digest(testset_hash, "test-set hash")?;
    let mut pis: Vec<F> = commitment.to_fields().to_vec();
    pis.extend(testset_hash.to_fields());
    pis.push(F::from_canonical_u64(score.correct));
    pis.push(F::from_noncanonical_u64(score.brier_sum));
    check_digest(binding, "binding")?;
    pis.extend(binding.to_fields());
    decode_and_verify(
        arch,
        ProofKind::Score { rows: score.rows },
        mode,
        proof_bytes,
        &pis,
    )
}

/// Verifies a batch proof: the committed model maps each input (by hash) to its output, for
/// every `(input_hash, output)` of `items`, in order (a registered batch size), in `mode`.
pub fn verify_batch(
    arch: &ArchSpec,
    mode: Mode,
    proof_bytes: &[u8],
    commitment: &Digest,
    items: &[(Digest, Vec<i64>)],
    binding: &Digest,
) -> Result<VerifiedProof, VerifyError> {
    registry::check(arch, ProofKind::Batch { rows: items.len() })?;
    check_digest(commitment, "commitment")?;
    let mut pis: Vec<F> = commitment.to_fields().to_vec();
    for (h, out) in items {
        check_digest(h, "input hash")?;
        pis.extend(h.to_fields());
        pis.extend(check_output(arch, out)?);
    }
    check_digest(binding, "binding")?;
    pis.extend(binding.to_fields());
    decode_and_verify(
        arch,
        ProofKind::Batch { rows: items.len() },
        mode,
        proof_bytes,
        &pis,
    )
}

/// One inference's public claim, as an aggregate proof carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferenceClaim {
    pub commitment: Digest,
    pub input_hash: Digest,
    pub output: Vec<i64>,
    pub binding: Digest,
}

/// Verifies an aggregate proof: each of `claims` (of possibly different models and
/// requests, a registered count, in order) holds. Aggregates are zero-knowledge (private).
pub fn verify_aggregate(
    arch: &ArchSpec,
    proof_bytes: &[u8],
    claims: &[InferenceClaim],
) -> Result<VerifiedProof, VerifyError> {
    let kind = ProofKind::Aggregate { rows: claims.len() };
    registry::check(arch, kind)?;
    let mut pis = Vec::new();
    for c in claims {
        check_digest(&c.commitment, "commitment")?;
        check_digest(&c.input_hash, "input hash")?;
        check_digest(&c.binding, "binding")?;
        pis.extend(c.commitment.to_fields());
        pis.extend(c.input_hash.to_fields());
        pis.extend(check_output(arch, &c.output)?);
        pis.extend(c.binding.to_fields());
    }
    decode_and_verify(arch, kind, Mode::Private, proof_bytes, &pis)
}

/// Aggregates public-mode inference proofs of `arch` (any models, any requests) into one
/// zero-knowledge proof; their count must be registered. The result verifies with
/// [`verify_aggregate`] and the proofs' claims, in order.
#[cfg(feature = "prove")]
pub fn aggregate(arch: &ArchSpec, proofs: &[InferenceProof]) -> Result<Vec<u8>, ProveError> {
    let kind = ProofKind::Aggregate { rows: proofs.len() };
    registry::check(arch, kind).map_err(|e| ProveError::Plonky2(e.to_string()))?;
    let public = circuit(arch, ProofKind::Inference, Mode::Public);
    let mut inner = Vec::with_capacity(proofs.len());
    for p in proofs {
        if p.mode != Mode::Public {
            return Err(ProveError::Plonky2(format!(
                "aggregates take public-mode inference proofs, not {}",
                p.mode
            )));
        }
        let env = Envelope::decode(&p.bytes).map_err(|e| ProveError::Plonky2(e.to_string()))?;
        let proof = ProofWithPublicInputs::<F, C, D>::from_bytes(env.payload, &public.data.common)
            .map_err(|e| ProveError::Plonky2(e.to_string()))?;
        inner.push(proof);
    }
    let refs: Vec<_> = inner.iter().collect();
    let proof = zk_wrapper(arch, kind)
        .prove(&refs)
        .map_err(|e| ProveError::Plonky2(format!("aggregating: {e}")))?;
    Ok(envelope_bytes(arch, kind, Mode::Private, proof.to_bytes()))
}

/// A batch proof: one proof for many inferences of one model.
#[derive(Debug, Clone)]
pub struct BatchProof {
    pub bytes: Vec<u8>,
    pub commitment: Digest,
    /// `(input_hash, output)` per input, in order.
    pub items: Vec<(Digest, Vec<i64>)>,
    pub mode: Mode,
    pub binding: Digest,
}

#[cfg(feature = "prove")]
/// Proves many inferences of `model` in one proof (zero-knowledge blinding and the weight
/// commitment are paid once).
pub fn prove_batch(
    model: &QuantModel,
    inputs: &[Vec<i64>],
    mode: Mode,
    binding: &Digest,
) -> Result<BatchProof, ProveError> {
    let arch = model.validate()?;
    let mut items = Vec::with_capacity(inputs.len());
    for x in inputs {
        items.push((input_hash(x), model.infer(x)?));
    }
    let kind = ProofKind::Batch { rows: inputs.len() };
    let built = circuit(&arch, kind, mode);
    let pw = built
        .witness(model, inputs, &[], binding)
        .map_err(|e| ProveError::Plonky2(e.to_string()))?;
    let proof = prove_in_mode(&built, pw, &arch, kind, mode)?;
    let out_len = arch.output_len();
    for (k, (_, out)) in items.iter().enumerate() {
        let at = 4 + k * (4 + out_len) + 4;
        let got: Vec<i64> = proof.public_inputs[at..at + out_len]
            .iter()
            .map(|&f| quant::i64_of_field(f))
            .collect();
        if &got != out {
            return Err(ProveError::Plonky2(
                "circuit output differs from integer inference".into(),
            ));
        }
    }
    Ok(BatchProof {
        bytes: envelope_bytes(&arch, kind, mode, proof.to_bytes()),
        commitment: model.commitment()?,
        items,
        mode,
        binding: *binding,
    })
}

#[cfg(feature = "prove")]
/// A proof of inference with its public claim.
#[derive(Debug, Clone)]
pub struct InferenceProof {
    pub bytes: Vec<u8>,
    pub commitment: Digest,
    pub input_hash: Digest,
    pub output: Vec<i64>,
    pub mode: Mode,
    pub binding: Digest,
}

#[cfg(feature = "prove")]
/// A proof of score with its public claim.
#[derive(Debug, Clone)]
pub struct ScoreProof {
    pub bytes: Vec<u8>,
    pub commitment: Digest,
    pub testset_hash: Digest,
    pub score: Score,
    pub mode: Mode,
    pub binding: Digest,
}

#[cfg(feature = "prove")]
fn envelope_bytes(arch: &ArchSpec, kind: ProofKind, mode: Mode, payload: Vec<u8>) -> Vec<u8> {
    Envelope {
        kind_code: kind.code(),
        mode,
        arch: arch.name(),
        rows: kind.rows() as u32,
        compressed: false,
        payload,
    }
    .encode()
}

#[cfg(feature = "prove")]
/// Proves one inference of `model` on `input` (scale-256 integers) for `binding`.
pub fn prove_inference(
    model: &QuantModel,
    input: &[i64],
    mode: Mode,
    binding: &Digest,
) -> Result<InferenceProof, ProveError> {
    let arch = model.validate()?;
    let output = model.infer(input)?;
    let built = circuit(&arch, ProofKind::Inference, mode);
    let pw = built
        .witness(model, &[input.to_vec()], &[], binding)
        .map_err(|e| ProveError::Plonky2(e.to_string()))?;
    let proof = prove_in_mode(&built, pw, &arch, ProofKind::Inference, mode)?;
    let out_pis: Vec<i64> = proof.public_inputs[8..8 + arch.output_len()]
        .iter()
        .map(|&f| quant::i64_of_field(f))
        .collect();
    if out_pis != output {
        return Err(ProveError::Plonky2(
            "circuit output differs from integer inference".into(),
        ));
    }
    Ok(InferenceProof {
        bytes: envelope_bytes(&arch, ProofKind::Inference, mode, proof.to_bytes()),
        commitment: model.commitment()?,
        input_hash: input_hash(input),
        output,
        mode,
        binding: *binding,
    })
}

#[cfg(feature = "prove")]
/// Proves the score of `model` on `set` (its number of rows selects the circuit) for
/// `binding`.
pub fn prove_score(
    model: &QuantModel,
    set: &TestSet,
    mode: Mode,
    binding: &Digest,
) -> Result<ScoreProof, ProveError> {
    let arch = model.validate()?;
    let s = score(model, set)?;
    let kind = ProofKind::Score {
        rows: set.rows.len(),
    };
    let built = circuit(&arch, kind, mode);
    let pw = built
        .witness(model, &set.rows, &set.labels, binding)
        .map_err(|e| ProveError::Plonky2(e.to_string()))?;
    let proof = prove_in_mode(&built, pw, &arch, kind, mode)?;
    let correct = proof.public_inputs[8].to_canonical_u64();
    let brier_sum = proof.public_inputs[9].to_canonical_u64();
    if correct != s.correct || brier_sum != s.brier_sum {
        return Err(ProveError::Plonky2(
            "circuit score differs from integer score".into(),
        ));
    }
    Ok(ScoreProof {
        bytes: envelope_bytes(&arch, kind, mode, proof.to_bytes()),
        commitment: model.commitment()?,
        testset_hash: set.hash()?,
        score: s,
        mode,
        binding: *binding,
    })
}

#[cfg(feature = "prove")]
/// Runs the inference circuit's witness generation only (every copy constraint and lookup is
/// checked while generating) and returns the circuit's output: used to compare the circuit
/// with the integer inference on many inputs without proving each.
pub fn circuit_output(model: &QuantModel, input: &[i64]) -> anyhow::Result<Vec<i64>> {
    let arch = model.validate()?;
    let built = circuit(&arch, ProofKind::Inference, Mode::Public);
    let pw = built.witness(model, &[input.to_vec()], &[], &Digest([0; 4]))?;
    let pis = built.generate_public_inputs(pw)?;
    Ok(pis[8..8 + arch.output_len()]
        .iter()
        .map(|&f| quant::i64_of_field(f))
        .collect())
}

#[cfg(feature = "prove")]
fn mock_cache() -> &'static Mutex<BTreeMap<(ArchSpec, ProofKind), Arc<circuit::MockCircuit>>> {
    static CACHE: OnceLock<Mutex<BTreeMap<(ArchSpec, ProofKind), Arc<circuit::MockCircuit>>>> =
        OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(BTreeMap::new()))
}

#[cfg(feature = "prove")]
fn mock_circuit(arch: &ArchSpec, kind: ProofKind) -> Arc<circuit::MockCircuit> {
    let mut map = mock_cache().lock().unwrap_or_else(|e| e.into_inner());
    map.entry((arch.clone(), kind))
        .or_insert_with(|| Arc::new(circuit::MockCircuit::new(arch, kind)))
        .clone()
}

#[cfg(feature = "prove")]
/// The circuit's outputs on many inputs, by witness generation of batch circuits (the same
/// gadgets as the inference circuit; weights committed once per chunk) without proving.
/// Chunks of up to ~500k multiply-accumulates; a last partial chunk is padded with zeros.
pub fn circuit_outputs_batched(
    model: &QuantModel,
    inputs: &[Vec<i64>],
) -> anyhow::Result<Vec<Vec<i64>>> {
    let arch = model.validate()?;
    let chunk = (500_000 / arch.num_macs()).clamp(1, 100);
    let kind = ProofKind::Batch { rows: chunk };
    let mock = mock_circuit(&arch, kind);
    let out_len = arch.output_len();
    let mut outs = Vec::with_capacity(inputs.len());
    for part in inputs.chunks(chunk) {
        let mut rows = part.to_vec();
        rows.resize(chunk, vec![0; arch.input_len()]);
        let pis = mock.public_inputs(model, &rows, &[])?;
        for k in 0..part.len() {
            let at = 4 + k * (4 + out_len);
            let h = Digest(std::array::from_fn(|i| pis[at + i].to_canonical_u64()));
            if h != input_hash(&part[k]) {
                anyhow::bail!("circuit input hash differs from native input hash");
            }
            outs.push(
                pis[at + 4..at + 4 + out_len]
                    .iter()
                    .map(|&f| quant::i64_of_field(f))
                    .collect(),
            );
        }
    }
    Ok(outs)
}

#[cfg(feature = "prove")]
/// Witness generation of the score circuit; returns (commitment, test-set hash, score) as the
/// circuit computes them.
pub fn circuit_score(
    model: &QuantModel,
    set: &TestSet,
    mode: Mode,
) -> anyhow::Result<(Digest, Digest, Score)> {
    let arch = model.validate()?;
    let built = circuit(
        &arch,
        ProofKind::Score {
            rows: set.rows.len(),
        },
        mode,
    );
    let pw = built.witness(model, &set.rows, &set.labels, &Digest([0; 4]))?;
    let pis = built.generate_public_inputs(pw)?;
    let d = |s: &[F]| Digest(std::array::from_fn(|i| s[i].to_canonical_u64()));
    Ok((
        d(&pis[0..4]),
        d(&pis[4..8]),
        Score {
            rows: set.rows.len(),
            correct: pis[8].to_canonical_u64(),
            brier_sum: pis[9].to_canonical_u64(),
        },
    ))
}
