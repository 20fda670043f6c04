//! The inference module's errors: codespace `inference`, one code each, so a client (or a
//! test) can tell a forged proof from a late one without parsing text.

use crate::error::TxError;

pub const CODESPACE: &str = "inference";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InferenceError {
    #[error("unknown architecture {0:?}")]
    UnknownArchitecture(String),
    #[error("architecture {arch}: no {circuit} circuit is registered")]
    UnregisteredCircuit { arch: String, circuit: String },
    #[error("invalid architecture: {0}")]
    InvalidArchitecture(String),
    #[error(
        "circuit digest mismatch for {circuit}: registered {registered}, this node builds {built}"
    )]
    DigestMismatch {
        circuit: String,
        registered: String,
        built: String,
    },
    #[error("model {0} not found")]
    ModelNotFound(u64),
    #[error("model {id} belongs to {owner}, not {sender}")]
    NotModelOwner {
        id: u64,
        owner: String,
        sender: String,
    },
    #[error("model {0} is retired")]
    ModelRetired(u64),
    #[error("invalid commitment: {0}")]
    InvalidCommitment(String),
    #[error("invalid mode {0:?} (public, private or compact)")]
    InvalidMode(String),
    #[error("{0} is not a bonded modeler")]
    NotAModeler(String),
    #[error("modeler stake {bonded} uspec is below the minimum {min} uspec")]
    InsufficientStake { bonded: u128, min: u128 },
    #[error("the inference module has no {0} contract configured (params)")]
    NoContract(&'static str),
    #[error("challenge {0} not found")]
    ChallengeNotFound(u64),
    #[error("challenge {id} is {status}; scores are recorded only once its test set is revealed")]
    NotRevealed { id: u64, status: String },
    #[error(
        "challenge {id}: the scoring deadline passed (block time {now} >= deadline {deadline})"
    )]
    ScoringClosed { id: u64, now: u64, deadline: u64 },
    #[error("challenge {id} is for architecture {expected}, model {model} is {found}")]
    ArchitectureMismatch {
        id: u64,
        model: u64,
        expected: String,
        found: String,
    },
    #[error("{submitter} has no submission in challenge {id}")]
    NoSubmission { id: u64, submitter: String },
    #[error("challenge {id}: {submitter}'s submitted commitment {submitted} is not model {model}'s {commitment}")]
    CommitmentMismatch {
        id: u64,
        submitter: String,
        model: u64,
        submitted: String,
        commitment: String,
    },
    #[error(
        "score proofs must be in {required} mode, model {model} is registered in {found} mode"
    )]
    WrongMode {
        model: u64,
        required: String,
        found: String,
    },
    #[error("the revealed test set of challenge {id} is invalid: {why}")]
    InvalidTestSet { id: u64, why: String },
    #[error("challenge {id}'s metric {metric} can not be computed from a score proof")]
    UnsupportedMetric { id: u64, metric: String },
    #[error("proof of {size} bytes exceeds the limit of {limit}")]
    ProofTooLarge { size: usize, limit: u64 },
    #[error("proof rejected: {0}")]
    InvalidProof(String),
    #[error("{0}")]
    Invalid(String),
}

impl InferenceError {
    /// This error's code in the `inference` codespace (stable: clients branch on it).
    pub fn code(&self) -> u32 {
        use InferenceError::*;
        match self {
            UnknownArchitecture(_) => 2,
            UnregisteredCircuit { .. } => 3,
            InvalidArchitecture(_) => 4,
            DigestMismatch { .. } => 5,
            ModelNotFound(_) => 6,
            NotModelOwner { .. } => 7,
            ModelRetired(_) => 8,
            InvalidCommitment(_) => 9,
            InvalidMode(_) => 10,
            NotAModeler(_) => 11,
            InsufficientStake { .. } => 12,
            NoContract(_) => 13,
            ChallengeNotFound(_) => 14,
            NotRevealed { .. } => 15,
            ScoringClosed { .. } => 16,
            ArchitectureMismatch { .. } => 17,
            NoSubmission { .. } => 18,
            CommitmentMismatch { .. } => 19,
            WrongMode { .. } => 20,
            InvalidTestSet { .. } => 21,
            UnsupportedMetric { .. } => 22,
            ProofTooLarge { .. } => 23,
            InvalidProof(_) => 24,
            Invalid(_) => 25,
        }
    }
}

impl From<InferenceError> for TxError {
    fn from(e: InferenceError) -> Self {
        TxError {
            codespace: CODESPACE,
            code: e.code(),
            log: e.to_string(),
        }
    }
}
