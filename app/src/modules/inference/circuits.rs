//! Registered circuits: an architecture's (kind, mode, rows) entries as the chain stores
//! them, the verifier data every node builds for them from the spec (at start, at genesis, or
//! when governance registers one — never lazily while a block executes), and the gas one
//! verification costs.
//!
//! Gas calibration: verifying a plonky2 proof costs a few milliseconds whatever the rows
//! (FRI verification is logarithmic in the circuit). The native schedule charges about
//! [`GAS_PER_MS`] gas per millisecond of work: `cargo run --release -p inferchain-app --example
//! verify_gas` measures that anchor (blocks of bank sends — signature, balance and sequence
//! writes, fee — in process: 32,822 gas in 0.12 ms each, 272,805 gas/ms, on the reference
//! machine), then each default circuit's median verification time and the gas it is worth at
//! that rate; the registered constants bound those medians with room for noise.

use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{registry, ArchSpec, Digest, Mode, ProofKind};

use super::error::InferenceError;

/// Gas per millisecond of verification, the rate of the native schedule (see above).
pub const GAS_PER_MS: u64 = 250_000;

/// A circuit's identity: what the verifier crate builds.
pub type CircuitId = (ArchSpec, ProofKind, Mode);

pub fn kind_name(kind: ProofKind) -> (&'static str, u64) {
    match kind {
        ProofKind::Inference => ("inference", 0),
        ProofKind::Score { rows } => ("score", rows as u64),
        ProofKind::Batch { rows } => ("batch", rows as u64),
        ProofKind::Aggregate { rows } => ("aggregate", rows as u64),
    }
}

pub fn parse_kind(name: &str, rows: u64) -> Result<ProofKind, InferenceError> {
    let rows = usize::try_from(rows).map_err(|_| InferenceError::Invalid("rows".into()))?;
    Ok(match (name, rows) {
        ("inference", 0) => ProofKind::Inference,
        ("inference", _) => {
            return Err(InferenceError::InvalidArchitecture(
                "an inference circuit has rows 0".into(),
            ))
        }
        ("score", r) => ProofKind::Score { rows: r },
        ("batch", r) => ProofKind::Batch { rows: r },
        ("aggregate", r) => ProofKind::Aggregate { rows: r },
        (other, _) => {
            return Err(InferenceError::InvalidArchitecture(format!(
                "unknown proof kind {other:?} (inference, score, batch, aggregate)"
            )))
        }
    })
}

pub fn parse_mode(name: &str) -> Result<Mode, InferenceError> {
    name.parse()
        .map_err(|_| InferenceError::InvalidMode(name.to_string()))
}

/// How one (kind, rows, mode) is named in logs and errors: `score:64/private`.
pub fn describe(kind: ProofKind, mode: Mode) -> String {
    match kind_name(kind) {
        (k, 0) => format!("{k}/{mode}"),
        (k, rows) => format!("{k}:{rows}/{mode}"),
    }
}

/// The architecture's spec, if the verifier crate knows it (the chain can only register
/// architectures whose circuits it can build).
pub fn spec(name: &str) -> Result<ArchSpec, InferenceError> {
    registry::architecture(name)
        .map_err(|e| InferenceError::UnknownArchitecture(format!("{name}: {e}")))
}

/// Checks an architecture record's shape and bounds (no building): known architecture,
/// registered (kind, mode, rows) combinations within `max_score_rows`, no duplicates.
pub fn validate(
    arch: &pb::Architecture,
    max_score_rows: u64,
) -> Result<Vec<CircuitId>, InferenceError> {
    let spec = spec(&arch.name)?;
    let mut ids: Vec<CircuitId> = Vec::with_capacity(arch.circuits.len());
    for c in &arch.circuits {
        let kind = parse_kind(&c.kind, c.rows)?;
        let mode = parse_mode(&c.mode)?;
        if let ProofKind::Score { rows } = kind {
            if rows as u64 > max_score_rows {
                return Err(InferenceError::InvalidArchitecture(format!(
                    "score circuits of {rows} rows exceed params.max_score_rows {max_score_rows}"
                )));
            }
        }
        registry::check(&spec, kind)
            .and_then(|()| registry::check_mode(kind, mode))
            .map_err(|e| {
                InferenceError::InvalidArchitecture(format!("{}: {e}", describe(kind, mode)))
            })?;
        if c.verify_gas == 0 {
            return Err(InferenceError::InvalidArchitecture(format!(
                "{}: verify_gas must be positive",
                describe(kind, mode)
            )));
        }
        Digest::from_hex(&c.digest).map_err(|e| {
            InferenceError::InvalidArchitecture(format!("{}: digest: {e}", describe(kind, mode)))
        })?;
        if ids.iter().any(|(_, k, m)| *k == kind && *m == mode) {
            return Err(InferenceError::InvalidArchitecture(format!(
                "{} is listed twice",
                describe(kind, mode)
            )));
        }
        ids.push((spec.clone(), kind, mode));
    }
    Ok(ids)
}

/// Builds the verifier data of every circuit of `arch` (cached for the process, so a
/// verification never builds) and checks each against its registered digest.
pub fn prepare(arch: &pb::Architecture, max_score_rows: u64) -> Result<(), InferenceError> {
    let ids = validate(arch, max_score_rows)?;
    for ((spec, kind, mode), c) in ids.iter().zip(&arch.circuits) {
        let started = std::time::Instant::now();
        let built = inferchain_verifier::verifier_digest(spec, *kind, *mode)
            .map_err(|e| InferenceError::InvalidArchitecture(e.to_string()))?
            .to_hex();
        tracing::info!(
            architecture = %arch.name,
            circuit = %describe(*kind, *mode),
            ms = started.elapsed().as_millis() as u64,
            "verifier built"
        );
        if built != c.digest.to_lowercase() {
            return Err(InferenceError::DigestMismatch {
                circuit: format!("{} {}", arch.name, describe(*kind, *mode)),
                registered: c.digest.clone(),
                built,
            });
        }
    }
    Ok(())
}

/// The registered circuit of (kind, mode) in `arch`, if any.
pub fn find(arch: &pb::Architecture, kind: ProofKind, mode: Mode) -> Option<&pb::Circuit> {
    let (name, rows) = kind_name(kind);
    arch.circuits
        .iter()
        .find(|c| c.kind == name && c.rows == rows && c.mode == mode.as_str())
}

/// The default gas of one verification of (kind, mode), at [`GAS_PER_MS`], bounding the
/// medians `examples/verify_gas` measured on the reference machine (2 cores, 2026-12-01):
/// public 3.1 ms (small model) / 4.6–5.1 ms (64-128-128-1) → 6 ms; private inference and
/// score proofs 5.0–8.7 ms whatever the rows → 10 ms; aggregates (not registered by default,
/// 13 ms under load) → 14 ms.
pub fn default_verify_gas(kind: ProofKind, mode: Mode) -> u64 {
    let ms: u64 = match (kind, mode) {
        (_, Mode::Public) => 6,
        (ProofKind::Aggregate { .. }, _) => 14,
        _ => 10,
    };
    ms * GAS_PER_MS
}

/// An architecture record for `circuits` of `name`, with the digests this build of the
/// verifier gives (what `inferchaind genesis init` writes; every node checks them at start).
pub fn describe_architecture(
    name: &str,
    circuits: &[(ProofKind, Mode)],
) -> Result<pb::Architecture, InferenceError> {
    let spec = spec(name)?;
    let circuits = circuits
        .iter()
        .map(|&(kind, mode)| {
            let digest = inferchain_verifier::verifier_digest(&spec, kind, mode)
                .map_err(|e| InferenceError::InvalidArchitecture(e.to_string()))?;
            let (k, rows) = kind_name(kind);
            Ok(pb::Circuit {
                kind: k.into(),
                mode: mode.as_str().into(),
                rows,
                digest: digest.to_hex(),
                verify_gas: default_verify_gas(kind, mode),
            })
        })
        .collect::<Result<_, InferenceError>>()?;
    Ok(pb::Architecture {
        name: name.into(),
        circuits,
    })
}

/// The circuits genesis registers by default: single inferences in both modes, and private
/// proofs of score for test sets of 16, 64 and 256 rows (small model) or 16 (the
/// 64-128-128-1 model: its 64-row score verifier alone takes ~30 s to build at every start;
/// governance adds larger ones with `MsgRegisterArchitecture`). Building all of these takes
/// ~25 s on 2 cores, once per node start.
pub fn default_architectures() -> Vec<(&'static str, Vec<(ProofKind, Mode)>)> {
    let single = [
        (ProofKind::Inference, Mode::Public),
        (ProofKind::Inference, Mode::Private),
    ];
    let score = |rows: &[usize]| -> Vec<(ProofKind, Mode)> {
        rows.iter()
            .map(|&rows| (ProofKind::Score { rows }, Mode::Private))
            .collect()
    };
    vec![
        (
            "mlp-16-32-16-1",
            [single.to_vec(), score(&[16, 64, 256])].concat(),
        ),
        ("mlp-64-128-128-1", [single.to_vec(), score(&[16])].concat()),
    ]
}

/// Parses `kind[:rows]/mode` (`inference/public`, `score:64/private`), as the CLI writes it.
pub fn parse_circuit_spec(s: &str) -> Result<(ProofKind, Mode), InferenceError> {
    let (kind, mode) = s.split_once('/').ok_or_else(|| {
        InferenceError::Invalid(format!("circuit {s:?}: expected kind[:rows]/mode"))
    })?;
    let (name, rows) = match kind.split_once(':') {
        Some((n, r)) => (
            n,
            r.parse::<u64>()
                .map_err(|_| InferenceError::Invalid(format!("circuit {s:?}: rows")))?,
        ),
        None => (kind, 0),
    };
    Ok((parse_kind(name, rows)?, parse_mode(mode)?))
}

/// The default circuits of a known architecture (none for others).
pub fn default_circuits(name: &str) -> Vec<(ProofKind, Mode)> {
    default_architectures()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c)
        .unwrap_or_default()
}
