use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Uint128};

use crate::state::{CreditOutcome, PendingRequest, Score};

/// Reply id of the `MsgRequestInference` sub-message (`reply_on_success`).
pub const REPLY_REQUEST_INFERENCE: u64 = 1;

#[cw_serde]
pub struct InstantiateMsg {
    /// May update the config and cancel any expired request. Defaults to the instantiating
    /// account.
    pub owner: Option<String>,
    /// The chain's inference feed that scores borrowers. Usually set later with
    /// `update_config` (the feed names this contract as owner or callback contract, so it is
    /// created after the contract).
    pub inference_feed_id: Option<u64>,
    /// Credit limit (`uspec`) of a logit at or above `max_logit`.
    pub max_credit: Uint128,
    /// Logit (scale 256) at or below which the limit is zero.
    pub min_logit: i64,
    /// Logit (scale 256) at or above which the limit is `max_credit`; above `min_logit`.
    pub max_logit: i64,
    /// Flat fee on every borrow, in basis points of the amount, added to the debt and earned
    /// by the lenders. Default 0.
    pub borrow_fee_bps: Option<u16>,
    /// `uspec` a borrower pays with every `request_credit_line`, sent to the owner (who funds
    /// the feed's deposit, from which the chain draws the inference fee). Default 0.
    pub request_fee: Option<Uint128>,
    /// Number of features of the feed's model input. Default 16 (`mlp-16-32-16-1`).
    pub input_width: Option<u32>,
    /// Blocks after the request after which an unanswered request whose deadline the reply
    /// did not tell may be cancelled. Default 1000.
    pub request_expiry_blocks: Option<u64>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Adds the attached `uspec` to the pool for shares.
    Deposit {},
    /// Takes `amount` `uspec` out of the pool, burning the shares it is worth (rounded up).
    /// Limited by the sender's share value and the pool's liquidity.
    Withdraw { amount: Uint128 },
    /// Asks the inference feed to score the sender. `features`: `input_width` fixed-point
    /// values at scale 256, each in `[-2^23, 2^23)`. One pending request per borrower; attach
    /// exactly `request_fee` `uspec` when it is not zero.
    RequestCreditLine { features: Vec<i64> },
    /// Drops a request that was not answered: after its deadline (from the reply), or
    /// `request_expiry_blocks` after it was made when the deadline is unknown. The borrower
    /// (default the sender) or the owner. A callback for it arriving later is rejected.
    CancelRequest { borrower: Option<String> },
    /// Lends `amount` to the sender: `amount` plus the borrow fee must fit in the credit
    /// limit minus the outstanding debt, and `amount` in the pool's liquidity.
    Borrow { amount: Uint128 },
    /// Pays back the sender's debt with the attached `uspec`; any excess is refunded.
    Repay {},
    /// Owner only.
    UpdateConfig(ConfigUpdate),
}

#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub owner: Option<String>,
    pub inference_feed_id: Option<u64>,
    pub max_credit: Option<Uint128>,
    pub min_logit: Option<i64>,
    pub max_logit: Option<i64>,
    pub borrow_fee_bps: Option<u16>,
    pub request_fee: Option<Uint128>,
    pub input_width: Option<u32>,
    pub request_expiry_blocks: Option<u64>,
}

/// Called by the chain's `inference` module.
#[cw_serde]
pub enum SudoMsg {
    /// The answer to a `MsgRequestInference` this contract sent: `callback_data` is what the
    /// contract put in the request (the borrower's address, UTF-8).
    InferenceResult {
        request_id: u64,
        feed_id: u64,
        callback_data: Binary,
        outcome: InferenceOutcome,
    },
}

#[cw_serde]
pub enum InferenceOutcome {
    /// A verified inference: `output` the model's output logits at scale 256.
    Fulfilled {
        output: Vec<i64>,
        model_id: u64,
        model_commitment: String,
        /// Hex SHA-256 of the proof.
        proof_hash: String,
        height: u64,
    },
    /// The feed's SLA was missed at block `deadline`; the fee went back to the feed.
    TimedOut { deadline: u64 },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(crate::state::Config)]
    Config {},
    /// Liquidity, outstanding debt and shares.
    #[returns(PoolResponse)]
    Pool {},
    /// A lender's shares and what they are worth.
    #[returns(LenderResponse)]
    Lender { address: String },
    /// A borrower's limit, debt, pending request and last inference.
    #[returns(CreditLineResponse)]
    CreditLine { borrower: String },
    /// The pending request with the chain's `request_id` on `feed_id` (default: the configured
    /// feed); `null` when there is none.
    #[returns(Option<PendingRequest>)]
    PendingRequest {
        request_id: u64,
        feed_id: Option<u64>,
    },
}

#[cw_serde]
pub struct PoolResponse {
    /// `uspec` held for lending and withdrawals.
    pub liquidity: Uint128,
    /// Outstanding debt of all borrowers (principal and fees).
    pub total_lent: Uint128,
    pub total_shares: Uint128,
    /// `liquidity + total_lent`: what all shares are worth.
    pub value: Uint128,
}

#[cw_serde]
pub struct LenderResponse {
    pub address: Addr,
    pub shares: Uint128,
    /// The shares' part of the pool value (rounded down).
    pub value: Uint128,
    /// What `withdraw` can take now: `value`, at most the pool's liquidity.
    pub withdrawable: Uint128,
}

#[cw_serde]
pub struct CreditLineResponse {
    pub borrower: Addr,
    /// Credit limit from the last fulfilled inference (0 before any).
    pub limit: Uint128,
    /// Debt: borrowed principal plus borrow fees, minus repayments.
    pub outstanding: Uint128,
    /// `limit - outstanding` (0 when the limit dropped below the debt): the room for the next
    /// borrow's amount plus fee.
    pub available: Uint128,
    /// The chain's request id of the pending request (`null` when none is pending, or while
    /// the reply did not tell it).
    pub pending_request_id: Option<u64>,
    pub pending: Option<PendingRequest>,
    /// The last fulfilled inference: logit, limit, model, proof hash, height.
    pub score: Option<Score>,
    /// How the last request ended.
    pub last_outcome: Option<CreditOutcome>,
}

/// Response data of `request_credit_line` (set by the reply): the chain's request.
#[cw_serde]
pub struct RequestCreditLineResponse {
    pub request_id: Option<u64>,
    pub deadline: Option<u64>,
}
