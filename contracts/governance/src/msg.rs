use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, CosmosMsg, Decimal, Timestamp, Uint128};

#[cw_serde]
pub struct VotingParams {
    /// Smallest deposit (in `uspec`) that opens a proposal.
    pub min_deposit: Uint128,
    /// Seconds from submission to the end of voting.
    pub voting_period: u64,
    /// Share of the total staked power (at the start height) that must vote.
    pub quorum: Decimal,
    /// Share of `yes` among `yes + no + no_with_veto` needed to pass.
    pub threshold: Decimal,
    /// Share of `no_with_veto` among all votes that vetoes (and burns the deposit).
    pub veto_threshold: Decimal,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// The staking contract whose snapshots weigh votes.
    pub staking: String,
    pub params: VotingParams,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum VoteOption {
    Yes,
    No,
    Abstain,
    NoWithVeto,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone, with at least `min_deposit` `uspec` attached. Empty `messages` is a text
    /// proposal.
    Propose {
        title: String,
        description: String,
        messages: Vec<CosmosMsg>,
    },
    /// Weighted by the voter's bonded stake at the proposal's start height. One vote each.
    Vote { proposal_id: u64, vote: VoteOption },
    /// Anyone, after voting ended, for a passed proposal: refunds the deposit and runs the
    /// messages all-or-nothing; a failure is recorded on the proposal.
    Execute { proposal_id: u64 },
    /// Anyone, after voting ended, for a rejected proposal: refunds or burns the deposit.
    Close { proposal_id: u64 },
    /// Only this contract itself (so only through a proposal).
    UpdateConfig {
        staking: Option<String>,
        params: Option<VotingParams>,
    },
    /// Internal: only this contract calls it, as the sub-message of `Execute`.
    RunProposalMessages { proposal_id: u64 },
    /// Internal: the last message of a proposal's run; fails if the messages spent deposits
    /// held for other proposals.
    AssertSolvent {},
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum ProposalStatus {
    /// Voting, or voting ended and waiting for `execute` / `close`.
    Open,
    /// Passed and its messages ran.
    Executed,
    /// Passed, but a message failed; nothing of the messages took effect.
    ExecutionFailed,
    Rejected,
}

impl ProposalStatus {
    pub fn tag(self) -> u8 {
        match self {
            ProposalStatus::Open => 0,
            ProposalStatus::Executed => 1,
            ProposalStatus::ExecutionFailed => 2,
            ProposalStatus::Rejected => 3,
        }
    }
}

/// What the votes decide once voting ends.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Outcome {
    Passed,
    /// Not enough `yes`; deposit refunded.
    Rejected,
    /// Quorum missed; deposit burned.
    NoQuorum,
    /// Vetoed; deposit burned.
    Vetoed,
}

#[cw_serde]
#[derive(Default)]
pub struct Tally {
    pub yes: Uint128,
    pub no: Uint128,
    pub abstain: Uint128,
    pub no_with_veto: Uint128,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(ProposalResponse)]
    Proposal { proposal_id: u64 },
    #[returns(ProposalsResponse)]
    Proposals {
        status: Option<ProposalStatus>,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(VotesResponse)]
    Votes {
        proposal_id: u64,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(VoteResponse)]
    Vote { proposal_id: u64, voter: String },
    #[returns(TallyResponse)]
    Tally { proposal_id: u64 },
}

#[cw_serde]
pub struct ConfigResponse {
    pub staking: Addr,
    pub params: VotingParams,
    /// Deposits of open proposals held by this contract; the rest of its balance is the
    /// community pool.
    pub deposits_held: Uint128,
}

#[cw_serde]
pub struct ProposalResponse {
    pub id: u64,
    pub proposer: Addr,
    pub title: String,
    pub description: String,
    pub messages: Vec<CosmosMsg>,
    pub deposit: Uint128,
    pub start_height: u64,
    pub voting_end: Timestamp,
    pub total_power: Uint128,
    pub tally: Tally,
    pub status: ProposalStatus,
    /// Set when the status is `ExecutionFailed`.
    pub execution_error: Option<String>,
    /// Where `status` is final or voting ended, what the votes decided.
    pub outcome: Option<Outcome>,
}

#[cw_serde]
pub struct ProposalsResponse {
    pub proposals: Vec<ProposalResponse>,
}

#[cw_serde]
pub struct VoteInfo {
    pub voter: Addr,
    pub vote: VoteOption,
    pub power: Uint128,
}

#[cw_serde]
pub struct VotesResponse {
    pub votes: Vec<VoteInfo>,
}

#[cw_serde]
pub struct VoteResponse {
    pub vote: Option<VoteInfo>,
}

#[cw_serde]
pub struct TallyResponse {
    pub tally: Tally,
    pub total_power: Uint128,
    pub voting_ended: bool,
    /// What the votes decide if voting ended now.
    pub outcome: Outcome,
}

// ---------------------------------------------------------------------------------------------
// The part of the staking contract's interface this contract queries. Mirrored rather than
// imported so that one cargo invocation can build every contract without unifying the
// `library` feature into the staking cdylib; the multitest crate checks the encodings agree.

#[cw_serde]
pub enum StakingQueryMsg {
    VotingPowerAtHeight {
        address: String,
        height: Option<u64>,
    },
    TotalPowerAtHeight {
        height: Option<u64>,
    },
}

#[cw_serde]
pub struct StakingPowerResponse {
    pub power: Uint128,
    pub height: u64,
}
