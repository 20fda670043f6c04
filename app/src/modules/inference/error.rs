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
    #[error("feed {0} not found")]
    FeedNotFound(u64),
    #[error("feed {id} is closed")]
    FeedClosed { id: u64 },
    #[error("feed {id} expired at height {expiry} (now {height})")]
    FeedExpired { id: u64, expiry: u64, height: u64 },
    #[error("feed {id} is drained: its deposit {deposit} uspec is below the fee {fee} uspec")]
    FeedDrained { id: u64, deposit: u128, fee: u128 },
    #[error("feed {id} reached its limit of {max} requests")]
    FeedExhausted { id: u64, max: u64 },
    #[error(
        "{sender} may not request on feed {id} (only its owner {owner} or its callback contract)"
    )]
    NotFeedRequester {
        id: u64,
        owner: String,
        sender: String,
    },
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("request {0} not found")]
    RequestNotFound(u64),
    #[error("request {id} is already {status}")]
    RequestResolved { id: u64, status: String },
    #[error("request {id}: its deadline {deadline} passed (height {height})")]
    DeadlinePassed { id: u64, deadline: u64, height: u64 },
    #[error("{sender} is neither the owner nor the operator of model {model}, assigned to request {request}")]
    NotAuthorizedFulfiller {
        request: u64,
        model: u64,
        sender: String,
    },
    #[error("invalid output: {0}")]
    InvalidOutput(String),
    #[error("model {model} can not serve the feed: {why}")]
    ModelUnfit { model: u64, why: String },
    #[error(
        "feed {id} does not take requests from other chains (it was not opened with ibc_open)"
    )]
    NotIbcOpen { id: u64 },
    #[error("malformed inference packet: {0}")]
    MalformedPacket(String),
    #[error("the SLA of request {id} was missed: not fulfilled by its deadline {deadline}")]
    SlaMissed { id: u64, deadline: u64 },
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
            FeedNotFound(_) => 26,
            FeedClosed { .. } => 27,
            FeedExpired { .. } => 28,
            FeedDrained { .. } => 29,
            FeedExhausted { .. } => 30,
            NotFeedRequester { .. } => 31,
            InvalidInput(_) => 32,
            RequestNotFound(_) => 33,
            RequestResolved { .. } => 34,
            DeadlinePassed { .. } => 35,
            NotAuthorizedFulfiller { .. } => 36,
            InvalidOutput(_) => 37,
            ModelUnfit { .. } => 38,
            NotIbcOpen { .. } => 39,
            MalformedPacket(_) => 40,
            SlaMissed { .. } => 41,
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
