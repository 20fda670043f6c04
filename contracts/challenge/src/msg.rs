use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};

#[cw_serde]
#[derive(Copy)]
pub enum Task {
    BinaryClassification,
    Regression,
}

/// How models are ranked. `accuracy` ranks higher first; `brier` and `mse` rank lower first.
#[cw_serde]
#[derive(Copy)]
pub enum Metric {
    Accuracy,
    Brier,
    Mse,
}

impl Metric {
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Accuracy)
    }
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum ChallengeStatus {
    /// Accepting submissions until the submission deadline, then waiting for the reveal.
    Open,
    /// Test set revealed; scores are recorded until the scoring deadline.
    Revealed,
    Finalized,
    /// Test set not revealed in time: bounty refunded, deposit forfeited.
    Cancelled,
}

impl ChallengeStatus {
    pub fn tag(self) -> u8 {
        match self {
            ChallengeStatus::Open => 0,
            ChallengeStatus::Revealed => 1,
            ChallengeStatus::Finalized => 2,
            ChallengeStatus::Cancelled => 3,
        }
    }
}

/// A winner of a finalized challenge, whose model the chain may serve for fees.
#[cw_serde]
pub struct FeedModel {
    pub modeler: Addr,
    pub commitment: String,
}

/// Where forfeited creation deposits go.
#[cw_serde]
pub enum ForfeitDestination {
    Burn,
    Address { address: String },
}

#[cw_serde]
pub struct InstantiateMsg {
    /// May update the config (governance). Defaults to the instantiating account.
    pub owner: Option<String>,
    pub staking: String,
    pub reputation: String,
    /// `uspec` held on every challenge creation, refunded at finalization.
    pub creation_deposit: Uint128,
    pub forfeit_destination: ForfeitDestination,
    /// Largest allowed K of a top-K bounty split.
    pub max_top_k: u32,
}

#[cw_serde]
pub struct CreateChallengeMsg {
    pub title: String,
    pub description: String,
    pub task: Task,
    /// Architecture of accepted models (e.g. `mlp-16-32-16-1-q16`).
    pub architecture_id: String,
    pub metric: Metric,
    pub dataset_uri: String,
    /// Lowercase hex SHA-256 of the hidden test set's bytes.
    pub test_set_hash: String,
    pub submission_deadline: Timestamp,
    pub reveal_deadline: Timestamp,
    pub scoring_deadline: Timestamp,
    /// Minimum bonded modeler stake to submit, in `uspec`.
    pub min_stake: Uint128,
    /// Bounty split over the top K in basis points, best first; sums to 10000.
    pub payout_bps: Vec<u32>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Funds: exactly `uspec`, the creation deposit plus the bounty.
    CreateChallenge(CreateChallengeMsg),
    /// A bonded modeler registers (or replaces its own) model commitment: 64 hex chars of the
    /// model's Poseidon hash. One entry per (challenge, modeler); a re-submission before the
    /// deadline overwrites it (new sequence, score cleared). Commitments are not unique: two
    /// modelers may submit the same one, as two independent entries.
    SubmitModel {
        challenge_id: u64,
        commitment: String,
        architecture_id: String,
    },
    /// Creator only, between the submission and reveal deadlines. `test_set` must be a
    /// canonical ICTS v1 encoding (see `testset`) that hashes (sha256) to the committed
    /// `test_set_hash`; it is stored and served by the `test_set` query.
    RevealTestSet {
        challenge_id: u64,
        test_set_uri: String,
        test_set: Binary,
    },
    /// Anyone, once the reveal deadline passed without a reveal.
    CancelUnrevealed { challenge_id: u64 },
    /// Anyone, after the scoring deadline of a revealed challenge.
    Finalize { challenge_id: u64 },
    /// Owner only. Fields left `None` are unchanged.
    UpdateConfig(ConfigUpdate),
}

#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub owner: Option<String>,
    pub staking: Option<String>,
    pub reputation: Option<String>,
    pub creation_deposit: Option<Uint128>,
    pub forfeit_destination: Option<ForfeitDestination>,
    pub max_top_k: Option<u32>,
}

/// Called by the chain's `inference` module after it verified a proof.
#[cw_serde]
pub enum SudoMsg {
    /// A proof of score, bound to `modeler`, of the model `commitment` on the revealed test
    /// set verified. `commitment` must be the modeler's current submission.
    RecordScore {
        challenge_id: u64,
        modeler: String,
        commitment: String,
        score: Decimal,
    },
    /// `count` inferences of `modeler`'s feed model of `challenge_id` were served and paid.
    /// A usage record only: the `inference` module owns the fee split, has already paid the
    /// modeler its share `fees` (uspec, informational) and reports usage to reputation itself.
    /// No funds come with it.
    RecordConsumption {
        challenge_id: u64,
        modeler: String,
        count: u64,
        fees: Uint128,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(ChallengeResponse)]
    Challenge { challenge_id: u64 },
    /// Challenges by id, optionally only those with `status`.
    #[returns(ChallengesResponse)]
    Challenges {
        status: Option<ChallengeStatus>,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Current models of a challenge, scored ones ranked first (best first, ties by earlier
    /// submission), then unscored by submission order.
    #[returns(LeaderboardResponse)]
    Leaderboard { challenge_id: u64 },
    /// `modeler`'s current submission to the challenge.
    #[returns(ModelResponse)]
    Model { challenge_id: u64, modeler: String },
    /// The challenge's committed test-set hash and, once revealed, the test set's bytes.
    #[returns(TestSetResponse)]
    TestSet { challenge_id: u64 },
    /// What the contract owes: escrowed bounties and deposits.
    #[returns(LiabilitiesResponse)]
    Liabilities {},
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub staking: Addr,
    pub reputation: Addr,
    pub creation_deposit: Uint128,
    pub forfeit_destination: ForfeitDestination,
    pub max_top_k: u32,
}

#[cw_serde]
pub struct ChallengeResponse {
    pub id: u64,
    pub creator: Addr,
    pub title: String,
    pub description: String,
    pub task: Task,
    pub architecture_id: String,
    pub metric: Metric,
    pub dataset_uri: String,
    pub test_set_hash: String,
    pub test_set_uri: Option<String>,
    pub submission_deadline: Timestamp,
    pub reveal_deadline: Timestamp,
    pub scoring_deadline: Timestamp,
    pub min_stake: Uint128,
    pub payout_bps: Vec<u32>,
    pub bounty: Uint128,
    pub deposit: Uint128,
    pub status: ChallengeStatus,
    /// Winners (best first) once finalized: the challenge's feed models.
    pub feed_models: Vec<FeedModel>,
}

#[cw_serde]
pub struct ChallengesResponse {
    pub challenges: Vec<ChallengeResponse>,
}

#[cw_serde]
pub struct ModelResponse {
    pub commitment: String,
    pub challenge_id: u64,
    pub modeler: Addr,
    pub architecture_id: String,
    pub submitted_at: Timestamp,
    /// Global submission order; breaks score ties (earlier wins).
    pub sequence: u64,
    pub score: Option<Decimal>,
    /// 1-based rank once the challenge is finalized (scored models only).
    pub rank: Option<u32>,
    /// Bounty paid to the modeler for this model.
    pub payout: Uint128,
    pub is_feed: bool,
    /// Inferences served by this model as a feed model (reported by the `inference` module).
    pub consumption: u64,
    /// The modeler's share of those inferences' fees, paid by the `inference` module.
    pub fees_earned: Uint128,
}

#[cw_serde]
pub struct TestSetResponse {
    pub challenge_id: u64,
    /// Hex sha256 of the test set, committed at creation.
    pub test_set_hash: String,
    /// The revealed canonical ICTS v1 bytes; `None` until revealed.
    pub test_set: Option<Binary>,
}

#[cw_serde]
pub struct LeaderboardResponse {
    pub challenge_id: u64,
    pub entries: Vec<ModelResponse>,
}

#[cw_serde]
pub struct LiabilitiesResponse {
    /// Bounties and creation deposits of open and revealed challenges.
    pub escrow: Uint128,
}

// ---------------------------------------------------------------------------------------------
// Interfaces of the contracts this one calls. Mirrored rather than imported so that building
// all contracts in one cargo invocation does not unify the `library` feature into their
// cdylibs; the multitest crate checks that the encodings agree.

#[cw_serde]
pub enum StakingRole {
    Modeler,
    Validator,
}

#[cw_serde]
pub enum StakingQueryMsg {
    Stake { address: String },
}

#[cw_serde]
pub struct StakingStakeInfo {
    pub address: Addr,
    pub role: StakingRole,
    pub bonded: Uint128,
    pub consensus_pubkey: Option<Binary>,
}

#[cw_serde]
pub struct StakingStakeResponse {
    pub stake: Option<StakingStakeInfo>,
}

#[cw_serde]
pub struct ReputationChallengeResult {
    pub modeler: String,
    pub rank: u32,
    pub score: Decimal,
}

#[cw_serde]
pub enum ReputationExecuteMsg {
    RecordChallengeResults {
        challenge_id: u64,
        field_size: u32,
        results: Vec<ReputationChallengeResult>,
    },
}
