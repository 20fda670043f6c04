//! The circuits a proof may claim. A verifier builds (and keeps) circuit data only for these
//! registered (architecture, kind, rows) combinations, each in every mode; any other claim is
//! refused before anything proportional to it is allocated — a proof's header can't make the
//! chain build a circuit of its choosing.

use crate::spec::{ArchSpec, Mode, ProofKind};

/// Test-set sizes a score proof may cover.
pub const SCORE_ROWS: [usize; 7] = [16, 32, 64, 128, 256, 512, 1024];
/// Inferences one batch proof may cover.
pub const BATCH_SIZES: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];
/// Inference proofs one aggregate may combine (aggregates are private: zero-knowledge).
pub const AGGREGATE_SIZES: [usize; 5] = [2, 4, 8, 16, 32];
/// Every proof mode.
pub const MODES: [Mode; 3] = [Mode::Public, Mode::Private, Mode::Compact];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("architecture `{0}` is not registered (known: {known})", known = ArchSpec::KNOWN.join(", "))]
    Architecture(String),
    #[error("a score proof over {0} rows is not registered (rows: {SCORE_ROWS:?})")]
    ScoreRows(usize),
    #[error("a batch of {0} inferences is not registered (sizes: {BATCH_SIZES:?})")]
    BatchSize(usize),
    #[error("an aggregate of {0} proofs is not registered (sizes: {AGGREGATE_SIZES:?})")]
    AggregateSize(usize),
    #[error("aggregates are private (zero-knowledge) only, not {0}")]
    AggregateMode(Mode),
}

/// The registered architecture named `name`.
pub fn architecture(name: &str) -> Result<ArchSpec, RegistryError> {
    if !ArchSpec::KNOWN.contains(&name) {
        return Err(RegistryError::Architecture(name.to_string()));
    }
    ArchSpec::parse(name).map_err(|_| RegistryError::Architecture(name.to_string()))
}

/// Whether `kind` (with its rows) is registered for `arch`.
pub fn check(arch: &ArchSpec, kind: ProofKind) -> Result<(), RegistryError> {
    architecture(&arch.name())?;
    match kind {
        ProofKind::Inference => Ok(()),
        ProofKind::Score { rows } if SCORE_ROWS.contains(&rows) => Ok(()),
        ProofKind::Score { rows } => Err(RegistryError::ScoreRows(rows)),
        ProofKind::Batch { rows } if BATCH_SIZES.contains(&rows) => Ok(()),
        ProofKind::Batch { rows } => Err(RegistryError::BatchSize(rows)),
        ProofKind::Aggregate { rows } if AGGREGATE_SIZES.contains(&rows) => Ok(()),
        ProofKind::Aggregate { rows } => Err(RegistryError::AggregateSize(rows)),
    }
}

/// Whether `mode` is allowed for `kind` (aggregates exist in private mode only).
pub fn check_mode(kind: ProofKind, mode: Mode) -> Result<(), RegistryError> {
    match kind {
        ProofKind::Aggregate { .. } if mode != Mode::Private => {
            Err(RegistryError::AggregateMode(mode))
        }
        _ => Ok(()),
    }
}

/// Every registered (architecture, kind), for building verifiers ahead of use.
pub fn all() -> Vec<(ArchSpec, ProofKind)> {
    let mut out = Vec::new();
    for name in ArchSpec::KNOWN {
        let arch = ArchSpec::parse(name).expect("known architectures parse");
        out.push((arch.clone(), ProofKind::Inference));
        for rows in SCORE_ROWS {
            out.push((arch.clone(), ProofKind::Score { rows }));
        }
        for rows in BATCH_SIZES {
            out.push((arch.clone(), ProofKind::Batch { rows }));
        }
        for rows in AGGREGATE_SIZES {
            out.push((arch.clone(), ProofKind::Aggregate { rows }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_registered_claims_pass() {
        let arch = architecture("mlp-16-32-16-1").unwrap();
        assert!(check(&arch, ProofKind::Inference).is_ok());
        assert!(check(&arch, ProofKind::Score { rows: 256 }).is_ok());
        assert!(check(&arch, ProofKind::Score { rows: 65536 }).is_err());
        assert!(check(&arch, ProofKind::Score { rows: 0 }).is_err());
        assert!(check(&arch, ProofKind::Batch { rows: 3 }).is_err());
        assert!(architecture("mlp-4096-4096-4096-1").is_err());
        let unknown = ArchSpec::parse("mlp-2-2-1").unwrap();
        assert!(check(&unknown, ProofKind::Inference).is_err());
    }
}
