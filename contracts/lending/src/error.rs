use cosmwasm_std::{ConversionOverflowError, OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use thiserror::Error;

#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("{0}")]
    Overflow(#[from] OverflowError),

    #[error("{0}")]
    Conversion(#[from] ConversionOverflowError),

    #[error("unauthorized")]
    Unauthorized {},

    #[error("invalid config: {reason}")]
    InvalidConfig { reason: String },

    #[error("no inference feed configured")]
    FeedNotConfigured {},

    #[error("invalid features: {reason}")]
    InvalidFeatures { reason: String },

    #[error("request fee: send exactly {expected} uspec, got {got}")]
    WrongRequestFee { expected: Uint128, got: Uint128 },

    #[error("{borrower} already has a pending request (request id {request_id:?})")]
    RequestPending {
        borrower: String,
        request_id: Option<u64>,
    },

    #[error("no pending request of {borrower}")]
    NoPendingRequest { borrower: String },

    #[error("the request may be cancelled after block {expires}")]
    RequestNotExpired { expires: u64 },

    #[error("unknown inference request {request_id} on feed {feed_id}")]
    UnknownRequest { feed_id: u64, request_id: u64 },

    #[error("the chain already used request id {request_id} on feed {feed_id}")]
    DuplicateRequestId { feed_id: u64, request_id: u64 },

    #[error("unexpected reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("amount must be positive")]
    ZeroAmount {},

    #[error("deposit too small for one share")]
    DepositTooSmall {},

    #[error("withdrawal of {requested} exceeds the lender's {available}")]
    InsufficientShares {
        requested: Uint128,
        available: Uint128,
    },

    #[error("pool liquidity {available} is below {requested}")]
    InsufficientLiquidity {
        requested: Uint128,
        available: Uint128,
    },

    #[error("debt {debt} (amount plus fee) exceeds the available credit {available}")]
    CreditLimitExceeded { debt: Uint128, available: Uint128 },

    #[error("nothing to repay")]
    NothingToRepay {},

    #[error("contract name mismatch: cannot migrate {found}")]
    WrongContract { found: String },
}
