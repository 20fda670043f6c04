use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, Uint128};

/// Parameters of the reputation formula (see `contracts/README.md`). All integers.
#[cw_serde]
pub struct FormulaParams {
    /// Share of the old performance kept each time a new challenge result arrives for the
    /// modeler, in basis points (9000 = 90%).
    pub decay_bps: u32,
    /// Points for winning a one-model challenge; scaled by placement and field size.
    pub challenge_weight: Uint128,
    /// Points per doubling of consumption (log2-scaled).
    pub consumption_weight: Uint128,
    /// Points subtracted per slash.
    pub slash_penalty: Uint128,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// May change params and reporters (governance). Defaults to the instantiating account.
    pub owner: Option<String>,
    /// Contracts allowed to report (the challenge and staking contracts).
    pub reporters: Vec<String>,
    pub params: FormulaParams,
}

#[cw_serde]
pub struct ChallengeResult {
    pub modeler: String,
    /// 1-based rank in the challenge.
    pub rank: u32,
    /// The model's score in the challenge's metric (informational).
    pub score: Decimal,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Reporters only: the ranked, scored models of a finalized challenge.
    RecordChallengeResults {
        challenge_id: u64,
        /// Number of scored models in the challenge.
        field_size: u32,
        results: Vec<ChallengeResult>,
    },
    /// Reporters only: `count` inferences of a modeler's models were consumed.
    RecordConsumption { modeler: String, count: u64 },
    /// Reporters only: a modeler's stake was slashed by `amount`.
    RecordSlash { modeler: String, amount: Uint128 },
    /// Owner only.
    UpdateParams { params: FormulaParams },
    /// Owner only. Fields left `None` are unchanged.
    UpdateConfig {
        owner: Option<String>,
        reporters: Option<Vec<String>>,
    },
}

/// The chain (e.g. the `inference` module) reports directly, without a caller check.
#[cw_serde]
pub enum SudoMsg {
    RecordChallengeResults {
        challenge_id: u64,
        field_size: u32,
        results: Vec<ChallengeResult>,
    },
    RecordConsumption {
        modeler: String,
        count: u64,
    },
    RecordSlash {
        modeler: String,
        amount: Uint128,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    /// A modeler's reputation with its components (zeroes if never reported).
    #[returns(ReputationResponse)]
    Reputation { address: String },
    /// Modelers by score, highest first; `start_after` is the last address of the previous
    /// page. Ties are ordered by address, descending.
    #[returns(RankingResponse)]
    Ranking {
        start_after: Option<String>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub reporters: Vec<Addr>,
    pub params: FormulaParams,
}

#[cw_serde]
#[derive(Default)]
pub struct Reputation {
    /// Decayed, size-weighted challenge performance.
    pub performance: Uint128,
    /// Cumulative consumed inferences.
    pub consumption: Uint128,
    /// `consumption_weight * log2(1 + consumption)`.
    pub consumption_score: Uint128,
    /// `slash_penalty * slashes`.
    pub penalty: Uint128,
    pub slashes: u32,
    pub slashed_amount: Uint128,
    pub challenges: u32,
    pub wins: u32,
    /// `max(0, performance + consumption_score - penalty)`.
    pub score: Uint128,
}

#[cw_serde]
pub struct ReputationResponse {
    pub address: Addr,
    pub reputation: Reputation,
}

#[cw_serde]
pub struct RankingResponse {
    pub ranking: Vec<ReputationResponse>,
}
